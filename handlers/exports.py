"""`/mentor-admin export` (the program CSV, to the admin's DM) and `/mentor export` (a person's own
learning log, to their DM).

Both run after the ack (the command is acked before routing) and answer ephemerally through the
response_url; the file itself arrives in the DM. Admin rights are checked by `/mentor-admin`
before routing; a Home-tab button must check them itself before calling `send_program_export`.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.commands import ADMIN_COMMAND, MENTOR_COMMAND
from bot.exports import export_usage_answer, learning_log_answer, program_export_answer
from bot.services import exports
from bot.slack_gateway import SlackGateway
from bot.views.blocks import message, section
from handlers.deps import HandlerDeps


def export_program(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Send the cohort's program CSV to the admin's DM and say where it is."""
    if args:
        _answer(respond, export_usage_answer(command=ADMIN_COMMAND, words=args))
        return
    text = send_program_export(
        deps=deps, gateway=deps.gateway(client), team_id=command["team_id"], user_id=command["user_id"]
    )
    _answer(respond, text)


def send_program_export(*, deps: HandlerDeps, gateway: SlackGateway, team_id: str, user_id: str) -> str:
    """Export the program to `user_id`'s DM and return the answer to show them.

    For the command and for a Home-tab button alike; the caller has checked admin rights.
    """
    result = exports.export_program(
        uow=deps.uow(), gateway=gateway, team_id=team_id, user_id=user_id, now=deps.now()
    )
    return program_export_answer(result)


def export_my_log(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Send the person their own learning log as a file in their DM."""
    if args:
        _answer(respond, export_usage_answer(command=MENTOR_COMMAND, words=args))
        return
    result = exports.export_learning_log(
        uow=deps.uow(),
        gateway=deps.gateway(client),
        team_id=command["team_id"],
        user_id=command["user_id"],
        now=deps.now(),
        default_timezone=deps.default_timezone,
    )
    _answer(respond, learning_log_answer(result))


def _answer(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", **message(text, [section(text)]))
