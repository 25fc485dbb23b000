"""`/mentor`: the participants' command."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import MENTOR_COMMAND, MENTOR_USAGE
from bot.views.help import mentor_help_message
from handlers.checkins import reflect
from handlers.deps import HandlerDeps
from handlers.exports import export_my_log
from handlers.participation import leave, pause, resume, status
from handlers.routing import Subcommand, route_subcommand
from handlers.survey import join


def show_help(*, respond: Respond, **_: Any) -> None:
    respond(response_type="ephemeral", **mentor_help_message())


SUBCOMMANDS: dict[str, Subcommand] = {
    "": show_help,
    "help": show_help,
    "join": join,
    "status": status,
    "pause": pause,
    "resume": resume,
    "leave": leave,
    "reflect": reflect,
    "export": export_my_log,
}


def handle_mentor_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, *, deps: HandlerDeps
) -> None:
    """Ack at once (Slack gives us 3 seconds), then answer through the response_url."""
    ack()
    route_subcommand(
        command=command, table=SUBCOMMANDS, usage=MENTOR_USAGE, respond=respond, deps=deps, client=client
    )


def register(app: App, deps: HandlerDeps) -> None:
    app.command(MENTOR_COMMAND)(partial(handle_mentor_command, deps=deps))
