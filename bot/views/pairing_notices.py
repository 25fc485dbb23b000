"""Pairing overrides: the DM when an admin ends a pairing, and the answer to a malformed override.

The DM is kind, without reasons, never blaming anyone.
"""

from __future__ import annotations

from typing import Any

from bot.commands import ADMIN_COMMAND, MENTOR_COMMAND, shown_word
from bot.mentions import Unreadable
from bot.skills import escape_mrkdwn
from bot.views.blocks import Block, context, message, section
from bot.views.mentions import unreadable_lines

PAIR_SYNTAX = f"{ADMIN_COMMAND} pair @employee @executive"
UNPAIR_SYNTAX = f"{ADMIN_COMMAND} unpair @person"
MATCH_SYNTAX = f"{ADMIN_COMMAND} match"


def pairing_ended_message(*, cohort_name: str, partner_user_id: str) -> dict[str, Any]:
    """To each member of a live pairing an admin ended (`/mentor-admin unpair`)."""
    text = (
        f"Your mentoring pairing with <@{partner_user_id}> in *{escape_mrkdwn(cohort_name)}* has ended: "
        "the program admins have rearranged some pairs. It is no reflection on either of you, and "
        "thank you for the time you gave each other. You are still in the program, and the admins "
        "will be in touch if a new partner comes up."
    )
    return message(
        text,
        [section(text), context(f"`{MENTOR_COMMAND} status` shows where you stand.")],
    )


def override_usage_message(
    *, syntax: str, wanted: int, found: int, unreadable: tuple[Unreadable, ...] = ()
) -> dict[str, Any]:
    """`pair` / `unpair` without the right number of people: what was wrong, and how to call it."""
    people = "two people, an employee and an executive" if wanted == 2 else "one person"
    problem = f"That needs {people}, mentioned with @ (pick each from the list Slack shows)"
    problem += f"; I found {found}." if found else "."
    blocks: list[Block] = [section(problem)]
    if unreadable:
        blocks.append(section(unreadable_lines(unreadable, wanted="person")))
    blocks.append(section(f"Usage: `{syntax}`"))
    return message(problem, blocks)


def match_usage_message(*, words: tuple[str, ...]) -> dict[str, Any]:
    """`match` takes no words; say which one was not understood."""
    problem = f"`{MATCH_SYNTAX}` takes nothing after it; I did not understand `{shown_word(words[0])}`."
    return message(problem, [section(problem), section(f"Usage: `{MATCH_SYNTAX}`")])


REMOVE_SYNTAX = f"{ADMIN_COMMAND} remove @person"


def removed_message(
    *, cohort_name: str, user_id: str, partner_user_ids: tuple[str, ...], cancelled: int
) -> dict[str, Any]:
    """The admin's answer to `remove`: who was taken out, who was told, what will not be sent."""
    name = escape_mrkdwn(cohort_name)
    lines = [f"<@{user_id}> is no longer taking part in *{name}*."]
    if partner_user_ids:
        partners = ", ".join(f"<@{p}>" for p in partner_user_ids)
        lines.append(f"Their pairing has ended; {partners} will be told kindly, without a reason.")
    else:
        lines.append("They had no live partner, so nobody else is told.")
    if cancelled:
        lines.append(f"{cancelled} message(s) still waiting for them or their pairing will not be sent.")
    text = "\n".join(lines)
    return message(
        text,
        [
            section(text),
            context(
                "Their answers are kept for the program's counts; only they can have their data deleted "
                f"(`{MENTOR_COMMAND} leave`)."
            ),
        ],
    )
