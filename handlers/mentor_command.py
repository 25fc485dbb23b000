"""`/mentor`: the participants' command."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.commands import MENTOR_COMMAND, MENTOR_USAGE, CommandText, parse_command_text
from bot.views.help import mentor_help_message, unknown_subcommand_message
from handlers.deps import HandlerDeps

Subcommand = Callable[..., None]


def show_help(*, respond: Respond, **_: Any) -> None:
    respond(response_type="ephemeral", **mentor_help_message())


SUBCOMMANDS: dict[str, Subcommand] = {"": show_help, "help": show_help}


def handle_mentor_command(ack: Ack, command: dict[str, Any], respond: Respond, *, deps: HandlerDeps) -> None:
    """Ack at once (Slack gives us 3 seconds), then answer through the response_url."""
    ack()
    parsed: CommandText = parse_command_text(command.get("text"))
    subcommand = SUBCOMMANDS.get(parsed.subcommand)
    if subcommand is None:
        respond(
            response_type="ephemeral",
            **unknown_subcommand_message(
                command=MENTOR_COMMAND, subcommand=parsed.subcommand, usage=MENTOR_USAGE
            ),
        )
        return
    subcommand(respond=respond, command=command, args=parsed.args, deps=deps)


def register(app: App, deps: HandlerDeps) -> None:
    app.command(MENTOR_COMMAND)(partial(handle_mentor_command, deps=deps))
