"""Self-service views: `/mentor status`, pause and resume answers, the leave modal and the notices it sends.

Pure functions of their arguments, within Block Kit limits. Notices about someone leaving
never give a reason: either side may leave without fault.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.commands import MENTOR_COMMAND
from bot.errors import ParticipationGoneError
from bot.ids import ActionId, CallbackId
from bot.skills import escape_mrkdwn
from bot.views.blocks import Block, actions, button, context, message, modal, section
from bot.views.cohort import read_cohort_id

if TYPE_CHECKING:
    from bot.services.participation import (
        LeaveForm,
        LeaveResult,
        ParticipationStatus,
        PauseResult,
        ResumeResult,
    )

TITLE = "Reverse mentoring"
DELETE_DATA_VALUE = "delete"

_STATE_WORDS = {
    "invited": "You have been invited as an executive; your survey is waiting (`/mentor join`).",
    "surveyed": "You are in, and your survey is answered. You will hear from me when pairs are made.",
    "matched": "You are paired and taking part.",
    "paused": "You are on a break.",
    "left": "You have left this program.",
}


def format_local_date(day: date) -> str:
    """A date as people read it: `Tuesday 9 June 2026`."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def format_local_time(at: datetime, *, zone_name: str) -> str:
    """An instant in the person's own zone: `Tuesday 9 June 2026 at 10:00 (Europe/Paris)`."""
    local = at.astimezone(ZoneInfo(zone_name))
    return f"{format_local_date(local.date())} at {local:%H:%M} ({zone_name})"


def _mentions(user_ids: tuple[str, ...]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)


def participation_status_message(status: ParticipationStatus) -> dict[str, Any]:
    """`/mentor status`: state in plain words, partner, next check-in in their own time zone."""
    if status.cohort_name is None:
        text = (
            "There is no mentoring program running right now. The program admins will announce the next one."
        )
        return message(text, [section(text)])
    name = escape_mrkdwn(status.cohort_name)
    if status.state is None:
        text = f"You are not taking part in *{name}*."
        hint = f"`{MENTOR_COMMAND} join` lets you join while enrolment is open."
        return message(text, [section(text), context(hint)])
    words = _STATE_WORDS.get(str(status.state), str(status.state))
    if status.state == "surveyed" and status.cohort_state == "active":
        words = (
            "Pairs have been made, and there was no partner for you this round: "
            "you are on the list for the next."
        )
    lines = [f"*{name}* ({status.role}): {words}"]
    if status.state == "paused" and status.paused_until:
        lines.append(f"Your break runs until {format_local_date(status.paused_until)}.")
    if status.state != "left":
        if status.partner_user_ids:
            lines.append(f"Your partner: {_mentions(status.partner_user_ids)}")
            if status.next_checkin_at is not None:
                when = format_local_time(status.next_checkin_at, zone_name=status.zone_name)
                lines.append(f"Next check-in: {when}")
            else:
                lines.append("There are no more check-ins planned in this program.")
        elif status.cohort_state != "active":
            lines.append("No partner yet: you will get your first check-in after pairs are made.")
    text = "\n".join(lines)
    blocks: list[Block] = [section(text)]
    if status.state != "left" and status.cohort_id is not None:
        blocks.append(participation_buttons(cohort_id=status.cohort_id, paused=status.state == "paused"))
    return message(text, blocks)


def participation_buttons(*, cohort_id: int, paused: bool) -> Block:
    """Pause or Resume, and Leave; their value is the cohort id."""
    toggle = (
        button("Resume", action_id=ActionId.RESUME, value=str(cohort_id))
        if paused
        else button("Pause for 2 weeks", action_id=ActionId.PAUSE, value=str(cohort_id))
    )
    return actions(toggle, button("Leave the program", action_id=ActionId.LEAVE, value=str(cohort_id)))


def paused_message(result: PauseResult) -> dict[str, Any]:
    text = (
        f":palm_tree: You are on a break from *{escape_mrkdwn(result.cohort_name)}* until "
        f"{format_local_date(result.until)}: no check-ins until then. "
        f"`{MENTOR_COMMAND} resume` ends it sooner."
    )
    return message(text, [section(text)])


def resumed_message(result: ResumeResult) -> dict[str, Any]:
    text = f":wave: Welcome back to *{escape_mrkdwn(result.cohort_name)}*: your break is over."
    return message(text, [section(text)])


# ---- leaving ------------------------------------------------------------------------------


def build_leave_modal(form: LeaveForm) -> dict[str, Any]:
    """Asks to confirm leaving, says what happens, and offers deleting everything the person answered."""
    name = escape_mrkdwn(form.cohort_name)
    partner_line = (
        "Your pairing ends, and I let your partner know, without giving any reason."
        if form.has_partner
        else "If you have been paired, the pairing ends and your partner is told, without any reason."
    )
    blocks: list[Block] = [
        section(f"Do you want to leave *{name}*?"),
        section(
            f"• I will stop sending you check-ins and reminders.\n• {partner_line}\n"
            "• The program admins are told that you left, and nothing else."
        ),
        {
            "type": "input",
            "block_id": ActionId.LEAVE_DELETE_DATA.value,
            "optional": True,
            "label": {"type": "plain_text", "text": "Your data"},
            "element": {
                "type": "checkboxes",
                "action_id": ActionId.LEAVE_DELETE_DATA.value,
                "options": [
                    {
                        "text": {"type": "plain_text", "text": "Also delete everything I answered"},
                        "description": {
                            "type": "plain_text",
                            "text": "Survey answers, check-ins and reflections; then even the admins' "
                            "notice will not name you.",
                        },
                        "value": DELETE_DATA_VALUE,
                    }
                ],
            },
        },
        context("Either side can leave without fault. This cannot be undone from here."),
    ]
    view = modal(title=TITLE, blocks=blocks, callback_id=CallbackId.LEAVE_MODAL, close="Stay")
    view["submit"] = {"type": "plain_text", "text": "Leave"}
    view["private_metadata"] = json.dumps({"cohort_id": form.cohort_id})
    return view


def read_leave_metadata(private_metadata: Any) -> int:
    """The cohort a leave modal was opened for; ParticipationGoneError for anything we did not write."""
    try:
        raw = json.loads(private_metadata)
    except (TypeError, ValueError, RecursionError):
        raise ParticipationGoneError() from None
    value = raw.get("cohort_id") if isinstance(raw, dict) else None
    cohort_id = read_cohort_id(value) if isinstance(value, int) else None
    if cohort_id is None:
        raise ParticipationGoneError()
    return cohort_id


def read_delete_data(values: Any) -> bool:
    """Whether the "also delete" box was ticked, wherever its block sits in the submitted state."""
    if not isinstance(values, dict):
        return False
    for block in values.values():
        state = block.get(ActionId.LEAVE_DELETE_DATA.value) if isinstance(block, dict) else None
        if isinstance(state, dict):
            options = state.get("selected_options")
            if not isinstance(options, list):
                return False
            return any(isinstance(o, dict) and o.get("value") == DELETE_DATA_VALUE for o in options)
    return False


def left_view(result: LeaveResult) -> dict[str, Any]:
    """What the leave modal turns into once the person has left."""
    name = escape_mrkdwn(result.cohort_name)
    lines = [f"You have left *{name}*. Thank you for taking part."]
    if result.deleted_data:
        lines.append("Everything you answered has been deleted.")
    return modal(
        title=TITLE,
        blocks=[
            section("\n".join(lines)),
            context("If you would like to take part again, ask a program admin."),
        ],
        callback_id=CallbackId.LEAVE_MODAL,
        close="Done",
    )


def leave_notice_view(text: str) -> dict[str, Any]:
    """What the leave modal turns into when leaving was refused (already left, another cohort...)."""
    return modal(title=TITLE, blocks=[section(text)], callback_id=CallbackId.LEAVE_MODAL)


def partner_left_message(*, cohort_name: str, leaver_user_id: str | None) -> dict[str, Any]:
    """To the partner: the pairing ended, kindly, without a reason (nor a name if their data was erased)."""
    who = f"<@{leaver_user_id}>" if leaver_user_id else "Your partner"
    text = (
        f"{who} has left *{escape_mrkdwn(cohort_name)}*, so your mentoring pairing has ended. "
        "That happens, and it is nobody's fault. Thank you for the time you gave; the program admins "
        "know and will be in touch about what comes next."
    )
    return message(text, [section(text)])


def participant_left_admin_message(*, cohort_name: str, leaver_user_id: str | None) -> dict[str, Any]:
    """To each admin: who left (unless they asked for their data to be deleted), never why."""
    name = escape_mrkdwn(cohort_name)
    if leaver_user_id:
        text = f"<@{leaver_user_id}> has left the program *{name}*."
    else:
        text = f"A participant has left the program *{name}* and asked for their data to be deleted."
    return message(
        text, [section(text), context("Any pairing they had has ended and their partner was told.")]
    )
