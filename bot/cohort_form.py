"""The cohort form: a cohort's settings, their limits, and reading them back from the modal.

Pure (no Slack, no database), so every rule is unit-tested on its own. The modal
(`bot.views.cohort`) and the parser share the constants and ids below; a submitted value
that is not one of the offered options (an old form, a forged payload) is an error like any
other, never a crash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from bot.forms import FormReader, InvalidInputError
from bot.ids import ActionId, BlockId
from bot.local_time import SendWindow

NAME_MAX_LENGTH = 80
WEEKS_MIN, WEEKS_MAX, WEEKS_DEFAULT = 4, 52, 12
CADENCE_CHOICES = (1, 2, 4)
CADENCE_DEFAULT = 2
WEEKDAY_DEFAULT = 1  # Tuesday
HOUR_DEFAULT = 10
EMPLOYEES_PER_EXECUTIVE_MAX = 5
EXECUTIVES_PER_EMPLOYEE_MAX = 3
ALLOW_SAME_DEPARTMENT = "allow_same_department"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# "Not in the past" is judged on the UTC date less one day: the admin's own today is never
# refused, whatever their time zone (UTC-12 to UTC+14 spans at most a day either side).
START_DATE_GRACE = timedelta(days=1)
# Far enough for any real plan; also keeps start + weeks inside the calendar.
START_DATE_MAX_AHEAD = timedelta(days=366)

# Characters Slack's mrkdwn would turn into formatting, mentions or links.
_MARKUP = re.compile(r"[*_~`<>]")
# Bidirectional overrides and isolates can make a name read differently from what it is.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,6}$")


@dataclass(frozen=True, kw_only=True)
class CohortFields:
    """What an admin sets for a cohort; defaults are the program's recommendations."""

    name: str
    start_date: date
    weeks: int = WEEKS_DEFAULT
    cadence_weeks: int = CADENCE_DEFAULT
    checkin_weekday: int = WEEKDAY_DEFAULT  # 0 = Monday … 6 = Sunday
    checkin_hour: int = HOUR_DEFAULT  # in each person's own time zone
    allow_same_department: bool = False
    employees_per_executive: int = 1
    executives_per_employee: int = 1

    @property
    def end_date(self) -> date:
        """The day the program ends: start plus its length in weeks."""
        return self.start_date + timedelta(weeks=self.weeks)


FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(CohortFields))

# The input block that holds each field, so that errors land next to the right input.
BLOCK_OF_FIELD: dict[str, BlockId] = {
    "name": BlockId.COHORT_NAME,
    "start_date": BlockId.COHORT_START_DATE,
    "weeks": BlockId.COHORT_WEEKS,
    "cadence_weeks": BlockId.COHORT_CADENCE,
    "checkin_weekday": BlockId.COHORT_CHECKIN_WEEKDAY,
    "checkin_hour": BlockId.COHORT_CHECKIN_HOUR,
    "allow_same_department": BlockId.COHORT_RULES,
    "employees_per_executive": BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE,
    "executives_per_employee": BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE,
}

# Once pairs are meeting, only what does not change their agreement may change.
EDITABLE_WHEN_ACTIVE = frozenset({"name", "checkin_weekday", "checkin_hour"})


def weekday_choices(window: SendWindow) -> tuple[int, ...]:
    """Check-in days offered: weekdays, and the weekend only if DMs may go out then."""
    return tuple(day for day in range(7) if window.allows_weekday(day))


def hour_choices(window: SendWindow) -> tuple[int, ...]:
    """Check-in hours offered: each whole hour inside the send window (its end is exclusive)."""
    return tuple(range(window.start_hour, min(window.end_hour, 24)))


def default_hour(window: SendWindow) -> int:
    """10:00 unless the window excludes it; then the window's first hour."""
    return HOUR_DEFAULT if HOUR_DEFAULT in hour_choices(window) else window.start_hour


def earliest_start_date(today: date) -> date:
    """The first start date accepted for a new cohort (see START_DATE_GRACE)."""
    return today - START_DATE_GRACE


def default_start_date(today: date) -> date:
    """The next Monday after today: programs usually start at the beginning of a week."""
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def format_hour(hour: int) -> str:
    return f"{hour:02d}:00"


def range_problems(cohort: CohortFields) -> dict[str, str]:
    """Rules that hold whatever the settings: the service checks them again before saving."""
    problems: dict[str, str] = {}
    name_problem = _name_problem(cohort.name)
    if name_problem:
        problems["name"] = name_problem
    if not WEEKS_MIN <= cohort.weeks <= WEEKS_MAX:
        problems["weeks"] = _weeks_message()
    if cohort.cadence_weeks not in CADENCE_CHOICES:
        problems["cadence_weeks"] = "Choose every 1, 2 or 4 weeks."
    if not 0 <= cohort.checkin_weekday <= 6:
        problems["checkin_weekday"] = "Choose a day of the week."
    if not 0 <= cohort.checkin_hour <= 23:
        problems["checkin_hour"] = "Choose an hour of the day."
    if not 1 <= cohort.employees_per_executive <= EMPLOYEES_PER_EXECUTIVE_MAX:
        problems["employees_per_executive"] = f"Choose 1 to {EMPLOYEES_PER_EXECUTIVE_MAX}."
    if not 1 <= cohort.executives_per_employee <= EXECUTIVES_PER_EMPLOYEE_MAX:
        problems["executives_per_employee"] = f"Choose 1 to {EXECUTIVES_PER_EMPLOYEE_MAX}."
    return problems


def parse_cohort_form(
    state_values: Any, *, window: SendWindow, today: date, creating: bool
) -> tuple[CohortFields | None, dict[str, str]]:
    """Read a submitted cohort modal: the fields, or the errors keyed by input block_id.

    `state_values` is the view's `state.values` as Slack sends it. `creating` turns on the
    rule that a new cohort cannot start in the past; when editing, the service decides,
    because only it knows the saved start date.
    """
    form = FormReader(state_values, action_id=ActionId.COHORT_FIELD)
    read = form.read
    errors = form.errors

    name = read(BlockId.COHORT_NAME, _parse_name)
    start_date = read(
        BlockId.COHORT_START_DATE, lambda e: _parse_start_date(e, today=today, creating=creating)
    )
    weeks = read(BlockId.COHORT_WEEKS, _parse_weeks)
    cadence = read(
        BlockId.COHORT_CADENCE,
        lambda e: _parse_choice(e, CADENCE_CHOICES, missing="Choose how often pairs meet."),
    )
    weekday = read(
        BlockId.COHORT_CHECKIN_WEEKDAY,
        lambda e: _parse_choice(e, weekday_choices(window), missing="Choose the check-in day.", weekday=True),
    )
    hour = read(BlockId.COHORT_CHECKIN_HOUR, lambda e: _parse_hour(e, window))
    allow_same_department = read(BlockId.COHORT_RULES, _parse_rules)
    employees_per_executive = read(
        BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE,
        lambda e: _parse_choice(
            e,
            tuple(range(1, EMPLOYEES_PER_EXECUTIVE_MAX + 1)),
            missing="Choose how many employees an executive may have.",
        ),
    )
    executives_per_employee = read(
        BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE,
        lambda e: _parse_choice(
            e,
            tuple(range(1, EXECUTIVES_PER_EMPLOYEE_MAX + 1)),
            missing="Choose how many executives an employee may have.",
        ),
    )
    if errors:
        return None, {str(block_id): message for block_id, message in errors.items()}
    return (
        CohortFields(
            name=name,
            start_date=start_date,
            weeks=weeks,
            cadence_weeks=cadence,
            checkin_weekday=weekday,
            checkin_hour=hour,
            allow_same_department=allow_same_department,
            employees_per_executive=employees_per_executive,
            executives_per_employee=executives_per_employee,
        ),
        {},
    )


def errors_by_block(field_errors: Mapping[str, str]) -> dict[str, str]:
    """A service's errors keyed by field name, re-keyed by the input block that shows them."""
    return {
        str(BLOCK_OF_FIELD[field]): text for field, text in field_errors.items() if field in BLOCK_OF_FIELD
    }


def clean_name(raw: str) -> str:
    """The name as it will be stored: NFC-normalised, whitespace runs (newlines too) made one space."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def _name_problem(name: str) -> str | None:
    if not name:
        return "Give the cohort a name, for example “Spring 2026”."
    if len(name) > NAME_MAX_LENGTH:
        return f"Keep the name to {NAME_MAX_LENGTH} characters or fewer (this one has {len(name)})."
    if _MARKUP.search(name):
        return "Leave out * _ ~ ` < and >: Slack would turn them into formatting or links."
    if _BIDI_CONTROLS.search(name) or any(unicodedata.category(char) == "Cc" for char in name):
        return "The name contains invisible control characters; type it again without them."
    return None


def _parse_name(element: Mapping[str, Any]) -> str:
    raw = element.get("value")
    name = clean_name(raw) if isinstance(raw, str) else ""
    problem = _name_problem(name)
    if problem:
        raise InvalidInputError(problem)
    return name


def _parse_start_date(element: Mapping[str, Any], *, today: date, creating: bool) -> date:
    raw = element.get("selected_date")
    if raw is None or raw == "":
        raise InvalidInputError("Pick the day the program starts.")
    if not isinstance(raw, str) or not _ISO_DATE.match(raw):
        raise InvalidInputError("Pick the start date from the calendar.")
    try:
        start = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError("Pick the start date from the calendar.") from None
    if creating and start < earliest_start_date(today):
        raise InvalidInputError(f"{start:%d %b %Y} is in the past; pick today or a later day.")
    if start > today + START_DATE_MAX_AHEAD:
        raise InvalidInputError("Pick a start date within the next year.")
    return start


def _weeks_message() -> str:
    return f"Enter a whole number of weeks from {WEEKS_MIN} to {WEEKS_MAX} (12 is typical)."


def _parse_weeks(element: Mapping[str, Any]) -> int:
    raw = element.get("value")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidInputError(f"Enter the length in weeks ({WEEKS_MIN} to {WEEKS_MAX}).")
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not _WHOLE_NUMBER.match(text):
        raise InvalidInputError(_weeks_message())
    weeks = int(text)
    if not WEEKS_MIN <= weeks <= WEEKS_MAX:
        raise InvalidInputError(_weeks_message())
    return weeks


def _selected_value(element: Mapping[str, Any]) -> str | None:
    option = element.get("selected_option")
    if not isinstance(option, Mapping):
        return None
    value = option.get("value")
    return value if isinstance(value, str) else ""


def _parse_choice(
    element: Mapping[str, Any], choices: tuple[int, ...], *, missing: str, weekday: bool = False
) -> int:
    value = _selected_value(element)
    if value is None:
        raise InvalidInputError(missing)
    by_value = {str(choice): choice for choice in choices}
    if value not in by_value:
        if weekday and value in {str(day) for day in range(5, 7)}:
            raise InvalidInputError("Check-ins go out on weekdays only here; choose Monday to Friday.")
        raise InvalidInputError("Choose one of the options in the list.")
    return by_value[value]


def _parse_hour(element: Mapping[str, Any], window: SendWindow) -> int:
    choices = hour_choices(window)
    value = _selected_value(element)
    if value is None:
        raise InvalidInputError("Choose the check-in hour.")
    by_value = {str(hour): hour for hour in choices}
    if value not in by_value:
        raise InvalidInputError(
            f"Choose an hour from {format_hour(choices[0])} to {format_hour(choices[-1])}: "
            "messages only go out during working hours."
        )
    return by_value[value]


def _parse_rules(element: Mapping[str, Any]) -> bool:
    selected = element.get("selected_options") or []
    if not isinstance(selected, list):
        raise InvalidInputError("Use the checkbox to choose the pairing rules.")
    values = [option.get("value") if isinstance(option, Mapping) else None for option in selected]
    if any(value != ALLOW_SAME_DEPARTMENT for value in values):
        raise InvalidInputError("Use the checkbox to choose the pairing rules.")
    return bool(values)
