"""The App Home tab: each person's state in the current cohort and the buttons that fit it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.commands import ADMIN_COMMAND, MENTOR_COMMAND
from bot.ids import ActionId, BlockId
from bot.services.admin_status import EnrolmentCounts
from bot.services.delivery import DeliveryHealth
from bot.views.blocks import Block, actions, button, context, divider, header, section
from bot.views.help import ABOUT
from bot.views.status import delivery_health_line, enrolment_counts_line

# Before the cohort is active, answers can still be edited (the survey is locked afterwards).
_OPEN_STATES = ("draft", "enrolling")


@dataclass(frozen=True, kw_only=True)
class HomeState:
    """What the Home tab needs to know about the viewer and the program."""

    is_admin: bool
    cohort_name: str | None
    cohort_state: str | None
    enrollment_state: str | None
    cohort_id: int | None = None
    role: str | None = None
    paused_until: date | None = None
    partner_user_id: str | None = None
    # Admins only: the cohort's numbers and delivery health (None for participants).
    counts: EnrolmentCounts | None = None
    delivery: DeliveryHealth | None = None
    now: datetime | None = None


def _status_and_buttons(state: HomeState) -> tuple[str, list[Block]]:
    """The line that says where the person stands, and the buttons they can use now."""
    name = f"*{state.cohort_name}*" if state.cohort_name else "the current cohort"
    value = str(state.cohort_id) if state.cohort_id is not None else None
    open_for_answers = state.cohort_state in _OPEN_STATES
    pause = button("Pause", action_id=ActionId.PAUSE, value=value)
    resume = button("Resume", action_id=ActionId.RESUME, value=value, style="primary")
    leave = button("Leave", action_id=ActionId.LEAVE, value=value, style="danger")

    match state.enrollment_state:
        case "invited":
            if open_for_answers:
                text = f"You are invited to {name}. Answer the survey so that I can find you a partner."
                return text, [
                    button("Answer the survey", action_id=ActionId.OPEN_SURVEY, value=value, style="primary")
                ]
            return f"You were invited to {name}, but pairs have been made already.", []
        case "surveyed":
            if open_for_answers:
                text = f"You are in {name} and your answers are in. I will tell you when pairs are made."
                edit = button("Edit my answers", action_id=ActionId.OPEN_SURVEY, value=value)
                return text, [edit, pause, leave]
            return f"You are enrolled in {name}. I will tell you when you have a partner.", [pause, leave]
        case "matched":
            partner = f" with <@{state.partner_user_id}>" if state.partner_user_id else ""
            return f"You are matched{partner} in {name}. Check-ins arrive in your DMs.", [pause, leave]
        case "paused":
            until = f" until {state.paused_until:%A %d %B %Y}" if state.paused_until else ""
            text = f"Paused{until}. No check-ins reach you meanwhile; resume whenever you like."
            return text, [resume, leave]
        case "left":
            return f"You left {name}. Thank you for taking part.", []
        case None:
            pass
        case _:
            return f"You are part of {name}.", []

    if state.cohort_state == "enrolling":
        text = f"Enrolment for {name} is open. Join to be matched with a partner."
        return text, [button("Join", action_id=ActionId.JOIN, value=value, style="primary")]
    if state.cohort_state == "active":
        return f"{name} is under way; enrolment is closed. I will let you know when the next one opens.", []
    return "You are not part of a mentoring cohort right now. I will let you know when one opens.", []


def _admin_blocks(state: HomeState) -> list[Block]:
    if state.cohort_name:
        lines = [f"Current cohort: *{state.cohort_name}* ({state.cohort_state})."]
    else:
        lines = ["There is no cohort yet."]
    if state.counts is not None:
        lines.append(enrolment_counts_line(state.counts))
    if state.delivery is not None and state.now is not None:
        lines.append(delivery_health_line(state.delivery, now=state.now))
    return [
        divider(),
        section("*Program admin*\n" + "\n".join(lines), block_id=BlockId.HOME_ADMIN),
        context(
            f"`{ADMIN_COMMAND} status` shows the numbers in full and the last failed messages; "
            f"`{ADMIN_COMMAND} help` lists the admin commands."
        ),
    ]


def build_home_view(state: HomeState) -> dict[str, Any]:
    """The Home tab for one person; admins also see the cohort's numbers and delivery health."""
    status, buttons = _status_and_buttons(state)
    blocks = [
        header("Reverse mentoring"),
        section(ABOUT),
        divider(),
        section(f"*Your status*\n{status}"),
        actions(
            *buttons,
            button("Show commands", action_id=ActionId.OPEN_HELP),
            block_id=BlockId.HOME_ACTIONS,
        ),
        context(f"Type `{MENTOR_COMMAND} help` in any channel to see what you can do."),
    ]
    if state.is_admin:
        blocks += _admin_blocks(state)
    return {"type": "home", "blocks": blocks}
