"""`/mentor-admin announce`: the enrolment call posted in a channel, and the admin's answers.

The call is what most employees first see of the program, so it says plainly what it is,
who it is for, what it takes, and that it is about skills only: it never asks about age
or demographics. Its Join button (value: the cohort id) opens the survey.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from bot.commands import ADMIN_COMMAND, ADMIN_USAGE, MENTOR_COMMAND
from bot.ids import ActionId
from bot.mentions import Mentions
from bot.views.blocks import Block, actions, button, context, header, message, section
from bot.views.cohort import escape, format_date
from bot.views.invitations import every_weeks
from bot.views.mentions import unreadable_lines

if TYPE_CHECKING:
    from bot.services.announcements import Announcement

ANNOUNCE_USAGE = tuple(usage for usage in ADMIN_USAGE if usage.name == "announce")
JOIN_BUTTON_TEXT = "Join"


def enrolment_call_message(
    *, cohort_id: int, cohort_name: str, cadence_weeks: int, weeks: int, start_date: date
) -> dict[str, Any]:
    """The call to join, posted in a channel: what, who for, what it takes, and a Join button."""
    name = escape(cohort_name)
    blocks: list[Block] = [
        header(f"Join reverse mentoring: {cohort_name}"),
        section(
            "*Share what you know, learn how leaders think.* Reverse mentoring pairs you with an "
            "executive: you share current skills (AI and new tools, social media, how customers buy "
            "today, what attracts talent, hybrid work...), and they share leadership, strategy and "
            "career perspective back."
        ),
        section(
            "*Who it is for*\nAnyone with a skill to share and curiosity about how the organisation is run; "
            "no seniority needed. Matching is about skills only: the survey asks what you can share and "
            "what you want to learn, never your age or any demographic detail."
        ),
        section(
            f"*What it takes*\nA short survey, then one conversation {every_weeks(cadence_weeks)} for "
            f"{weeks} week{'s' if weeks != 1 else ''} from {format_date(start_date)}, at times you and "
            "your partner choose. What you talk about stays between the two of you."
        ),
        actions(button(JOIN_BUTTON_TEXT, action_id=ActionId.JOIN, value=str(cohort_id), style="primary")),
        context(f"Or type `{MENTOR_COMMAND} join` anywhere in Slack."),
    ]
    text = (
        f"Join reverse mentoring ({name}): share your skills with an executive and learn from them. "
        f"Press {JOIN_BUTTON_TEXT} or type {MENTOR_COMMAND} join."
    )
    return message(text, blocks)


def announced_message(announcement: Announcement) -> dict[str, Any]:
    """The admin's answer once the call is posted: where, and whether enrolment just opened."""
    name = escape(announcement.cohort_name)
    where = f"<#{announcement.channel_id}>"
    if announcement.opened_enrolment:
        state = "Enrolment is open: the cohort moved from draft to enrolling."
    else:
        state = "The cohort was already enrolling."
    text = f":mega: Posted the enrolment call for *{name}* in {where}. {state}"
    blocks: list[Block] = [
        section(text),
        context(
            f"People join with its Join button or `{MENTOR_COMMAND} join`. "
            f"`{ADMIN_COMMAND} invite @person...` invites executives."
        ),
    ]
    return message(text, blocks)


def announce_problem_message(channels: Mentions) -> dict[str, Any]:
    """The answer to an announce without exactly one readable channel: what was wrong, and the usage."""
    if len(channels.ids) > 1:
        problem = "One channel at a time, please: I post the call in a single channel. Nothing was posted."
    elif channels.ids and channels.unreadable:
        problem = "I only need the channel, and did not understand the rest. Nothing was posted:"
    elif channels.unreadable:
        problem = "I need a channel mention, like #general. Nothing was posted:"
    else:
        problem = (
            "Which channel should I post the enrolment call in? Type # and pick the channel from the list "
            "Slack shows."
        )
    blocks: list[Block] = [section(problem)]
    if channels.unreadable and len(channels.ids) <= 1:
        blocks.append(section(unreadable_lines(channels.unreadable, wanted="channel")))
    usage = "\n".join(f"`{ADMIN_COMMAND} {line.syntax}`  {line.summary}" for line in ANNOUNCE_USAGE)
    blocks.append(section(usage))
    return message(problem, blocks)
