"""Help and usage messages for `/mentor` and `/mentor-admin`."""

from __future__ import annotations

from typing import Any

from bot.commands import ADMIN_COMMAND, ADMIN_USAGE, MENTOR_COMMAND, MENTOR_USAGE, Usage, shown_word
from bot.ids import CallbackId
from bot.views.blocks import Block, context, divider, header, message, modal, section

ABOUT = (
    "*Reverse mentoring* pairs newer colleagues with executives so that each learns from the other: "
    "you share current skills (AI tools, social media, what attracts talent...), your executive shares "
    "leadership perspective back. It is about skills only: I never ask about age or demographics, and "
    "what you write in reflections stays private."
)


def _usage_lines(command: str, usage: tuple[Usage, ...]) -> str:
    return "\n".join(f"`{command} {line.syntax}`  {line.summary}" for line in usage)


def _help_blocks(*, include_admin: bool) -> list[Block]:
    blocks = [
        section(ABOUT),
        section("*What you can do*\n" + _usage_lines(MENTOR_COMMAND, MENTOR_USAGE)),
    ]
    if include_admin:
        blocks += [divider(), section("*Program admin*\n" + _usage_lines(ADMIN_COMMAND, ADMIN_USAGE))]
    blocks.append(context("Everything happens in Slack: I DM you when there is something to do."))
    return blocks


def mentor_help_message() -> dict[str, Any]:
    """What `/mentor` and `/mentor help` answer."""
    text = "Reverse mentoring: " + ", ".join(f"{MENTOR_COMMAND} {line.syntax}" for line in MENTOR_USAGE)
    return message(text, _help_blocks(include_admin=False))


def admin_help_message(*, admin_user_ids: frozenset[str], workspace_admins_count: bool) -> dict[str, Any]:
    """What `/mentor-admin help` answers: the commands, and who counts as a program admin."""
    who = []
    if admin_user_ids:
        who.append(", ".join(f"<@{user_id}>" for user_id in sorted(admin_user_ids)))
    if workspace_admins_count:
        who.append("Slack workspace owners and admins")
    admins_line = " and ".join(who) if who else "nobody yet: set `MENTOR_ADMINS`"
    blocks = [
        header("Reverse mentoring: admin commands"),
        section(_usage_lines(ADMIN_COMMAND, ADMIN_USAGE)),
        context(f"Program admins: {admins_line}."),
    ]
    text = "Admin commands: " + ", ".join(f"{ADMIN_COMMAND} {line.syntax}" for line in ADMIN_USAGE)
    return message(text, blocks)


def unknown_subcommand_message(*, command: str, subcommand: str, usage: tuple[Usage, ...]) -> dict[str, Any]:
    """The answer to a subcommand that does not exist: what was wrong, then the usage."""
    typed = shown_word(subcommand)
    text = f"I don't know `{command} {typed}`. Here is what I can do:"
    return message(text, [section(text), section(_usage_lines(command, usage))])


def help_modal(*, include_admin: bool) -> dict[str, Any]:
    """The Home tab's help button opens this."""
    return modal(
        title="Reverse mentoring",
        blocks=_help_blocks(include_admin=include_admin),
        callback_id=CallbackId.HELP_MODAL,
    )
