"""Building the cohort modal's submitted `state.values`, the way Slack sends them, for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.cohort_form import CohortFields
from bot.ids import ActionId, BlockId
from bot.services import cohorts
from bot.services.cohorts import CohortRecord
from storage.models import CohortState
from tests.conftest import ADMIN_USER_ID
from tests.fakes.slack_requests import (
    checkboxes_value,
    datepicker_value,
    number_input_value,
    plain_text_value,
    static_select_value,
)

_KEEP: Any = object()


def utc_today() -> date:
    return datetime.now(UTC).date()


def next_monday(today: date | None = None) -> date:
    today = today or utc_today()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def cohort_form_values(
    *,
    name: Any = "Spring 2026",
    start_date: Any = _KEEP,
    weeks: Any = "12",
    cadence: Any = "2",
    weekday: Any = "1",
    hour: Any = "10",
    same_department: bool = False,
    employees_per_executive: Any = "1",
    executives_per_employee: Any = "1",
    drop: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A valid submission unless told otherwise; a dict argument replaces that element's state as is."""
    if start_date is _KEEP:
        start_date = next_monday().isoformat()

    def element(value: Any, build: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else build(value)

    blocks = {
        BlockId.COHORT_NAME: element(name, plain_text_value),
        BlockId.COHORT_START_DATE: element(start_date, datepicker_value),
        BlockId.COHORT_WEEKS: element(weeks, number_input_value),
        BlockId.COHORT_CADENCE: element(cadence, static_select_value),
        BlockId.COHORT_CHECKIN_WEEKDAY: element(weekday, static_select_value),
        BlockId.COHORT_CHECKIN_HOUR: element(hour, static_select_value),
        BlockId.COHORT_RULES: checkboxes_value(["allow_same_department"] if same_department else []),
        BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE: element(employees_per_executive, static_select_value),
        BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE: element(executives_per_employee, static_select_value),
    }
    return {
        str(block_id): {ActionId.COHORT_FIELD.value: state}
        for block_id, state in blocks.items()
        if block_id not in drop
    }


def make_cohort(
    uow_factory: Any, *, team_id: str, state: CohortState = CohortState.DRAFT, **fields: Any
) -> CohortRecord:
    """A cohort created through the services, as admins' commands do, then moved on to `state`.

    `fields` override the defaults of `CohortFields` (name "Spring 2026", starting next Monday).
    """
    record = cohorts.create_cohort(
        uow=uow_factory(),
        team_id=team_id,
        actor_user_id=ADMIN_USER_ID,
        fields=CohortFields(**{"name": "Spring 2026", "start_date": next_monday(), **fields}),
    )
    order = list(CohortState)
    for step in order[1 : order.index(state) + 1]:
        cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=team_id,
            cohort_id=record.id,
            actor_user_id=ADMIN_USER_ID,
            to_state=step,
        )
    return record
