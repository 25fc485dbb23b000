"""`/mentor-admin invite`: the invitation DM an executive gets, and the admin's answers.

The invitation says who asked, what reverse mentoring is, what it takes, and that it stays
confidential, then offers one button to the executive survey. Like everything the program
sends, it is about skills only: nothing in it asks about age or demographics.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.commands import ADMIN_COMMAND, ADMIN_USAGE
from bot.ids import ActionId
from bot.mentions import Unreadable
from bot.views.blocks import Block, actions, button, context, header, message, section
from bot.views.cohort import escape, format_date
from bot.views.mentions import unreadable_lines

if TYPE_CHECKING:
    from bot.services.invitations import InviteSummary

INVITE_USAGE = tuple(usage for usage in ADMIN_USAGE if usage.name == "invite")
SURVEY_BUTTON_TEXT = "Answer the survey"


def every_weeks(weeks: int) -> str:
    """How often pairs meet, for a sentence: "every week" or "every 2 weeks"."""
    return "every week" if weeks == 1 else f"every {weeks} weeks"


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"


def invitation_message(
    *,
    cohort_id: int,
    cohort_name: str,
    inviter_user_id: str,
    cadence_weeks: int,
    weeks: int,
    start_date: date,
) -> dict[str, Any]:
    """The DM inviting one executive; its button (value: the cohort id) opens the executive survey."""
    name = escape(cohort_name)
    blocks: list[Block] = [
        header("You're invited to reverse mentoring"),
        section(
            f"<@{inviter_user_id}> invited you to take part in *{name}*, our reverse-mentoring program, "
            "as an executive."
        ),
        section(
            "*What it is*\nYou are paired with a colleague who shares skills that are changing how we work: "
            "AI and new tools, social media, how customers buy today, what attracts talent. You share "
            "leadership, strategy and career perspective back, so both of you learn something."
        ),
        section(
            "*What we ask of you*\n"
            "• A short survey (a few minutes): what you would like to learn, what you can share, "
            "and how you like to meet.\n"
            f"• Then one conversation {every_weeks(cadence_weeks)} for {_weeks(weeks)} from "
            f"{format_date(start_date)}, at times you and your partner choose."
        ),
        section(
            "*Confidential*\nWhat you talk about stays between the two of you. Your reflections are private: "
            "program admins see counts and ratings, never what you wrote. Matching is based on skills only."
        ),
        actions(
            button(SURVEY_BUTTON_TEXT, action_id=ActionId.OPEN_SURVEY, value=str(cohort_id), style="primary")
        ),
        context("Not for you right now? Ignore this message: nothing happens until you answer."),
    ]
    text = (
        f"<@{inviter_user_id}> invited you to reverse mentoring ({name}): a short survey, then one "
        f"conversation {every_weeks(cadence_weeks)}. Press {SURVEY_BUTTON_TEXT} to take part."
    )
    return message(text, blocks)


def _people(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)


def invite_summary_message(
    summary: InviteSummary, *, unreadable: tuple[Unreadable, ...] = ()
) -> dict[str, Any]:
    """The admin's answer: each group of people named, and the words that named nobody."""
    name = escape(summary.cohort_name)
    count = len(summary.invited)
    if count:
        who = "1 executive" if count == 1 else f"{count} executives"
        headline = (
            f":white_check_mark: Invited {who} to *{name}*. Each gets a DM shortly with a button "
            "that opens the executive survey."
        )
    else:
        headline = f"Nobody new was invited to *{name}*."
    groups = [
        ("Invited", _people(summary.invited)),
        ("Already in, nothing changed (no second DM)", _people(summary.already_invited)),
        ("Enrolled as employees, left as they are", _people(summary.already_employee)),
        ("Left the program, not invited again", _people(summary.left)),
        ("Not found in this workspace", ", ".join(f"`{user_id}`" for user_id in summary.not_found)),
        (
            "Cannot take part",
            ", ".join(
                [f"<@{user_id}> (a bot)" for user_id in summary.bots]
                + [f"<@{user_id}> (deactivated)" for user_id in summary.deactivated]
            ),
        ),
    ]
    blocks: list[Block] = [section(headline)]
    text_parts = [headline]
    for title, people in groups:
        if people:
            blocks.append(section(f"*{title}*\n{people}"))
            text_parts.append(f"{title}: {people}.")
    if unreadable:
        blocks.append(section("*Could not read*\n" + unreadable_lines(unreadable, wanted="person")))
        text_parts.append(f"Could not read {len(unreadable)} word(s).")
    blocks.append(
        context(
            f"Invite more with `{ADMIN_COMMAND} invite @person...`; `{ADMIN_COMMAND} announce #channel` "
            "invites employees to join."
        )
    )
    return message(" ".join(text_parts), blocks)


def invite_problem_message(
    *, unreadable: tuple[Unreadable, ...] = (), problem: str | None = None
) -> dict[str, Any]:
    """The answer to an invite nobody can be read from (or too many people): what was wrong, and the usage."""
    if problem is None and unreadable:
        problem = "I could not find anyone to invite in that, so nobody was invited:"
    elif problem is None:
        problem = (
            "Who should I invite? Mention the executives: type @ and pick each person from the list "
            "Slack shows."
        )
    blocks: list[Block] = [section(problem)]
    if unreadable:
        blocks.append(section(unreadable_lines(unreadable, wanted="person")))
    usage = "\n".join(f"`{ADMIN_COMMAND} {line.syntax}`  {line.summary}" for line in INVITE_USAGE)
    blocks.append(section(usage))
    return message(problem, blocks)
