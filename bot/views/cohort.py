"""The cohort modal (create and edit), the cohort summary, and the short answers around them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.cohort_form import (
    ALLOW_SAME_DEPARTMENT,
    CADENCE_CHOICES,
    EDITABLE_WHEN_ACTIVE,
    EMPLOYEES_PER_EXECUTIVE_MAX,
    EXECUTIVES_PER_EMPLOYEE_MAX,
    NAME_MAX_LENGTH,
    WEEKDAY_DEFAULT,
    WEEKDAY_NAMES,
    WEEKS_DEFAULT,
    WEEKS_MAX,
    WEEKS_MIN,
    CohortFields,
    default_hour,
    default_start_date,
    format_hour,
    hour_choices,
    weekday_choices,
)
from bot.commands import ADMIN_COMMAND, ADMIN_USAGE, shown_word
from bot.errors import CohortGoneError
from bot.ids import ActionId, BlockId, CallbackId
from bot.local_time import SendWindow
from bot.views.blocks import Block, actions, button, context, header, message, modal, section, shorten

OPTION_TEXT_LIMIT = 75
FIELD_TEXT_LIMIT = 2000
# Ids are 32-bit integers on PostgreSQL; a bigger number from a forged payload matches nothing.
MAX_DATABASE_ID = 2**31 - 1

_STATE_LINES = {
    "draft": "Draft: not open for enrolment yet",
    "enrolling": "Enrolling: people can join",
    "active": "Active: pairs are meeting",
    "closed": "Closed",
}


def escape(text: str) -> str:
    """Text made safe inside mrkdwn: Slack's three escapes, so a name can never ping or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cadence_text(weeks: int) -> str:
    return "Every week" if weeks == 1 else f"Every {weeks} weeks"


def checkin_text(*, weekday: int, hour: int) -> str:
    """For example "Tuesdays at 10:00, each person's local time"."""
    day = WEEKDAY_NAMES[weekday] if 0 <= weekday <= 6 else "?"
    return f"{day}s at {format_hour(hour)}, each person's local time"


def format_date(day: date) -> str:
    """For example "Mon 5 Jan 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ---- the modal ----------------------------------------------------------------------------


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": shorten(text, OPTION_TEXT_LIMIT)}, "value": value}


def _input(
    block_id: BlockId, *, label: str, element: dict[str, Any], hint: str | None = None, optional: bool = False
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {**element, "action_id": ActionId.COHORT_FIELD},
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _select(options: list[dict[str, Any]], *, selected: str | None, placeholder: str) -> dict[str, Any]:
    """A static_select; the initial option is set only if it is one of the options (Slack insists)."""
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": {"type": "plain_text", "text": placeholder},
        "options": options,
    }
    initial = next((option for option in options if option["value"] == selected), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def cohort_metadata(cohort_id: int | None) -> str:
    """The modal's private_metadata: which cohort it edits ("" when it creates one)."""
    return json.dumps({"cohort_id": cohort_id}) if cohort_id is not None else ""


def read_cohort_id(value: Any) -> int | None:
    """A cohort id from a button value or metadata: a positive database id, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_DATABASE_ID:
        return None
    return int(text)


def read_cohort_metadata(private_metadata: Any) -> int | None:
    """The cohort id the modal edits, or None for a new cohort; CohortGoneError for anything else."""
    if not private_metadata:
        return None
    try:
        raw = json.loads(private_metadata)["cohort_id"]
    except (TypeError, ValueError, KeyError, RecursionError):
        raise CohortGoneError() from None
    cohort_id = read_cohort_id(raw) if isinstance(raw, int) else None
    if cohort_id is None:
        raise CohortGoneError()
    return cohort_id


def build_cohort_modal(
    *,
    existing: CohortFields | None,
    window: SendWindow,
    today: date,
    cohort_id: int | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    """The create ("New cohort") or edit ("Edit cohort") modal, with the saved or default values.

    For an active cohort every input is still shown (so a refusal can sit next to the input
    it concerns) but the fixed ones say so, and a note at the top explains why.
    """
    editing = existing is not None
    active = state == "active"
    values = existing or CohortFields(
        name="", start_date=default_start_date(today), checkin_hour=default_hour(window)
    )

    def fixed_hint(field: str, hint: str) -> str:
        return "Fixed while the cohort is active." if active and field not in EDITABLE_WHEN_ACTIVE else hint

    if not editing:
        intro = (
            "A cohort is one run of the program: when it starts, how long it lasts, how often pairs "
            "meet, and when I check in with them. You can change it until it starts."
        )
    elif active:
        intro = (
            ":lock: This cohort is *active*: only its name and the check-in day and hour can change now. "
            "The rest stays fixed so that pairs keep the rhythm they agreed on."
        )
    else:
        intro = "Changes apply to everyone in the cohort. Nothing is sent until you open enrolment."

    name_element: dict[str, Any] = {
        "type": "plain_text_input",
        "max_length": NAME_MAX_LENGTH,
        "placeholder": {"type": "plain_text", "text": "e.g. Spring 2026"},
    }
    if values.name:
        name_element["initial_value"] = values.name

    weekdays = weekday_choices(window)
    hours = hour_choices(window)
    rules_option = _option("Allow pairs from the same department", ALLOW_SAME_DEPARTMENT)
    rules_option["description"] = {
        "type": "plain_text",
        "text": "Off by default: people learn more from someone outside their own team.",
    }
    rules_element: dict[str, Any] = {"type": "checkboxes", "options": [rules_option]}
    if values.allow_same_department:
        rules_element["initial_options"] = [rules_option]

    blocks: list[Block] = [
        section(intro),
        _input(
            BlockId.COHORT_NAME,
            label="Name",
            element=name_element,
            hint=f"Shown to participants. Up to {NAME_MAX_LENGTH} characters.",
        ),
        _input(
            BlockId.COHORT_START_DATE,
            label="Start date",
            element={
                "type": "datepicker",
                "initial_date": values.start_date.isoformat(),
                "placeholder": {"type": "plain_text", "text": "Pick a day"},
            },
            hint=fixed_hint("start_date", "The first day of the program."),
        ),
        _input(
            BlockId.COHORT_WEEKS,
            label="Length in weeks",
            element={
                "type": "number_input",
                "is_decimal_allowed": False,
                "min_value": str(WEEKS_MIN),
                "max_value": str(WEEKS_MAX),
                "initial_value": str(values.weeks),
            },
            hint=fixed_hint("weeks", f"{WEEKS_MIN} to {WEEKS_MAX} weeks; {WEEKS_DEFAULT} is typical."),
        ),
        _input(
            BlockId.COHORT_CADENCE,
            label="Pairs meet",
            element=_select(
                [_option(cadence_text(weeks), str(weeks)) for weeks in CADENCE_CHOICES],
                selected=str(values.cadence_weeks),
                placeholder="How often",
            ),
            hint=fixed_hint("cadence_weeks", "I check in with each pair once per period."),
        ),
        _input(
            BlockId.COHORT_CHECKIN_WEEKDAY,
            label="Check-in day",
            element=_select(
                [_option(WEEKDAY_NAMES[day], str(day)) for day in weekdays],
                selected=str(values.checkin_weekday if editing else WEEKDAY_DEFAULT),
                placeholder="Choose a day",
            ),
        ),
        _input(
            BlockId.COHORT_CHECKIN_HOUR,
            label="Check-in hour",
            element=_select(
                [_option(format_hour(hour), str(hour)) for hour in hours],
                selected=str(values.checkin_hour),
                placeholder="Choose an hour",
            ),
            hint="Each person gets the check-in at this hour in their own time zone.",
        ),
        _input(
            BlockId.COHORT_RULES,
            label="Pairing rules",
            element=rules_element,
            optional=True,
            hint=fixed_hint("allow_same_department", "Leave unticked to keep departments apart."),
        ),
        _input(
            BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE,
            label="Employees per executive",
            element=_select(
                [
                    _option(_plural(count, "employee"), str(count))
                    for count in range(1, EMPLOYEES_PER_EXECUTIVE_MAX + 1)
                ],
                selected=str(values.employees_per_executive),
                placeholder="How many",
            ),
            hint=fixed_hint("employees_per_executive", "The most employees one executive is paired with."),
        ),
        _input(
            BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE,
            label="Executives per employee",
            element=_select(
                [
                    _option(_plural(count, "executive"), str(count))
                    for count in range(1, EXECUTIVES_PER_EMPLOYEE_MAX + 1)
                ],
                selected=str(values.executives_per_employee),
                placeholder="How many",
            ),
            hint=fixed_hint("executives_per_employee", "The most executives one employee is paired with."),
        ),
    ]
    view = modal(
        title="Edit cohort" if editing else "New cohort",
        blocks=blocks,
        callback_id=CallbackId.COHORT_MODAL,
        close="Cancel",
    )
    view["submit"] = {"type": "plain_text", "text": "Save" if editing else "Create"}
    view["private_metadata"] = cohort_metadata(cohort_id if editing else None)
    return view


def cohort_notice_view(text: str) -> dict[str, Any]:
    """What the modal turns into when it cannot be saved for a reason no input can fix."""
    return modal(title="Cohort", blocks=[section(text)], callback_id=CallbackId.COHORT_NOTICE_MODAL)


# ---- messages -----------------------------------------------------------------------------


def cohort_summary_message(
    *, cohort_id: int, state: str, cohort: CohortFields, saved: str | None = None
) -> dict[str, Any]:
    """The cohort at a glance, with an Edit button while it is not closed.

    `saved` ("created" or "updated") adds a first line confirming what the admin just did.
    """
    name = escape(cohort.name)
    headline = f":white_check_mark: Cohort *{name}* {saved}." if saved else None
    state_line = _STATE_LINES.get(state, state)
    check_in = checkin_text(weekday=cohort.checkin_weekday, hour=cohort.checkin_hour)
    same_department = "allowed" if cohort.allow_same_department else "not allowed"
    fields = [
        f"*State*\n{state_line}",
        f"*Dates*\n{format_date(cohort.start_date)} to {format_date(cohort.end_date)} "
        f"({_plural(cohort.weeks, 'week')})",
        f"*Pairs meet*\n{cadence_text(cohort.cadence_weeks)}",
        f"*Check-ins*\n{check_in}",
        f"*Pairing rules*\nSame-department pairs: {same_department}",
        f"*Capacities*\nUp to {_plural(cohort.employees_per_executive, 'employee')} per executive, "
        f"{_plural(cohort.executives_per_employee, 'executive')} per employee",
    ]
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks += [
        header(f"Cohort: {cohort.name}"),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": shorten(text, FIELD_TEXT_LIMIT)} for text in fields],
        },
    ]
    if state != "closed":
        blocks.append(
            actions(
                button("Edit", action_id=ActionId.COHORT_EDIT, value=str(cohort_id)),
                block_id=BlockId.COHORT_ACTIONS,
            )
        )
    if state == "active":
        blocks.append(
            context("While the cohort is active, only its name and check-in day and hour can change.")
        )
    text = (
        f"Cohort {name}{' ' + saved if saved else ''} ({state}): {format_date(cohort.start_date)} "
        f"to {format_date(cohort.end_date)}, pairs meet {cadence_text(cohort.cadence_weeks).lower()}, "
        f"check-ins {check_in}."
    )
    return message(text, blocks)


def cohort_usage_message(*, words: tuple[str, ...]) -> dict[str, Any]:
    """The answer to `/mentor-admin cohort <words it does not know>`: what was wrong, then its usage."""
    lines = "\n".join(
        f"`{ADMIN_COMMAND} {usage.syntax}`  {usage.summary}"
        for usage in ADMIN_USAGE
        if usage.name == "cohort"
    )
    typed = " ".join(shown_word(word) for word in words[:3]) + (" …" if len(words) > 3 else "")
    text = f"I don't know `{ADMIN_COMMAND} cohort {typed}`. Here is what it can do:"
    return message(text, [section(text), section(lines)])
