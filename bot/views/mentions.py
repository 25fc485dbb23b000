"""Telling an admin which words of a command named nobody, and how to name them so Slack understands."""

from __future__ import annotations

from typing import Literal

from bot.commands import shown_word
from bot.mentions import Unreadable, UnreadableKind

# Past this many, the rest is counted: a pasted paragraph must not flood the answer.
SHOWN_UNREADABLE = 10

_PERSON_HINTS = {
    UnreadableKind.PLAIN_NAME: "type @ and pick the person from Slack's list, so it becomes a mention",
    UnreadableKind.WRONG_KIND: "that is a channel; I need people",
    UnreadableKind.GROUP: "that is a group, not one person; mention people one by one",
    UnreadableKind.EMAIL: "I need a mention, not an email address",
    UnreadableKind.OTHER: "not a mention or a Slack member id",
}
_CHANNEL_HINTS = {
    UnreadableKind.PLAIN_NAME: "Slack did not recognise that channel; type # and pick it from Slack's list",
    UnreadableKind.WRONG_KIND: "that is a person; I need a channel",
    UnreadableKind.GROUP: "that is not a channel",
    UnreadableKind.EMAIL: "that is an email address, not a channel",
    UnreadableKind.OTHER: "not a channel mention; type # and pick the channel from Slack's list",
}


def unreadable_lines(unreadable: tuple[Unreadable, ...], *, wanted: Literal["person", "channel"]) -> str:
    """One line per unreadable word, `word`: what to do instead; the rest counted."""
    hints = _PERSON_HINTS if wanted == "person" else _CHANNEL_HINTS
    lines = [f"• `{shown_word(item.shown)}`: {hints[item.kind]}" for item in unreadable[:SHOWN_UNREADABLE]]
    if len(unreadable) > SHOWN_UNREADABLE:
        lines.append(f"• and {len(unreadable) - SHOWN_UNREADABLE} more")
    return "\n".join(lines)
