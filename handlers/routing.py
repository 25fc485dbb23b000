"""Routing a slash command's text to its subcommand, shared by `/mentor` and `/mentor-admin`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Respond

from bot.commands import Usage, parse_command_text
from bot.views.help import unknown_subcommand_message

Subcommand = Callable[..., None]


def route_subcommand(
    *,
    command: dict[str, Any],
    table: Mapping[str, Subcommand],
    usage: tuple[Usage, ...],
    respond: Respond,
    **context: Any,
) -> None:
    """Call the subcommand the text names, or answer with what was not understood and the usage.

    A subcommand is called with `respond`, `command`, `args` (the words after it) and `context`.
    """
    parsed = parse_command_text(command.get("text"))
    subcommand = table.get(parsed.subcommand)
    if subcommand is None:
        respond(
            response_type="ephemeral",
            **unknown_subcommand_message(
                command=command["command"], subcommand=parsed.subcommand, usage=usage
            ),
        )
        return
    subcommand(respond=respond, command=command, args=parsed.args, **context)
