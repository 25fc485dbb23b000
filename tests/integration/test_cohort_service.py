"""The cohort use cases against a real database: one open cohort, what may change, states, audit."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.cohort_form import CohortFields
from bot.errors import (
    CohortAlreadyOpenError,
    CohortGoneError,
    CohortSettingsError,
    CohortStateError,
    NoCohortError,
)
from bot.services import cohorts
from storage.models import Cohort, CohortState

TEAM = "T0COHORT1"
OTHER_TEAM = "T0COHORT2"
ADMIN = "U0ADMIN01"
NOW = datetime(2026, 1, 7, 9, 30, tzinfo=UTC)
FIELDS = CohortFields(name="Spring 2026", start_date=date(2026, 1, 12))


def create(uow_factory, *, team_id=TEAM, fields=FIELDS, now=NOW):
    return cohorts.create_cohort(
        uow=uow_factory(), team_id=team_id, actor_user_id=ADMIN, fields=fields, now=now
    )


def advance(uow_factory, cohort_id, *states, team_id=TEAM, now=NOW):
    record = None
    for state in states:
        record = cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=team_id,
            cohort_id=cohort_id,
            actor_user_id=ADMIN,
            to_state=state,
            now=now,
        )
    return record


def update(uow_factory, cohort_id, fields, *, team_id=TEAM, now=NOW):
    return cohorts.update_cohort(
        uow=uow_factory(),
        team_id=team_id,
        cohort_id=cohort_id,
        actor_user_id="U0EDITOR1",
        fields=fields,
        now=now,
    )


def stored(uow_factory, cohort_id) -> Cohort:
    with uow_factory() as uow:
        return uow.session.get(Cohort, cohort_id)


def audit(uow_factory, team_id=TEAM):
    with uow_factory() as uow:
        return list(reversed(uow.audit.recent(team_id=team_id)))


def test_create_saves_every_field_in_draft_and_audits_it(uow_factory):
    fields = CohortFields(
        name="Autumn",
        start_date=date(2026, 2, 2),
        weeks=20,
        cadence_weeks=1,
        checkin_weekday=4,
        checkin_hour=16,
        allow_same_department=True,
        employees_per_executive=4,
        executives_per_employee=2,
    )
    record = create(uow_factory, fields=fields)
    assert record.state == CohortState.DRAFT
    assert record.fields == fields
    row = stored(uow_factory, record.id)
    assert (row.team_id, row.name, row.state, row.start_date, row.weeks) == (
        TEAM,
        "Autumn",
        CohortState.DRAFT,
        date(2026, 2, 2),
        20,
    )
    assert (row.cadence_weeks, row.checkin_weekday, row.checkin_hour, row.allow_same_department) == (
        1,
        4,
        16,
        True,
    )
    assert (row.employees_per_executive, row.executives_per_employee, row.created_by_user_id) == (4, 2, ADMIN)
    [event] = audit(uow_factory)
    assert (event.action, event.actor_user_id, event.target) == (
        "cohort.create",
        ADMIN,
        f"cohort:{record.id}",
    )
    assert event.details["start_date"] == "2026-02-02"
    assert event.details["name"] == "Autumn"
    assert event.created_at == NOW


@pytest.mark.parametrize("state", [CohortState.DRAFT, CohortState.ENROLLING, CohortState.ACTIVE])
def test_a_second_cohort_is_refused_while_one_is_not_closed(uow_factory, state):
    first = create(uow_factory)
    advance(uow_factory, first.id, *list(CohortState)[1 : list(CohortState).index(state) + 1])
    with pytest.raises(CohortAlreadyOpenError) as refused:
        create(uow_factory, fields=replace(FIELDS, name="Another"))
    assert f"*Spring 2026* is still {state}" in refused.value.user_message
    assert "one cohort at a time" in refused.value.user_message
    assert cohorts.current_cohort(uow=uow_factory(), team_id=TEAM).id == first.id
    assert [event.action for event in audit(uow_factory)].count("cohort.create") == 1


def test_a_new_cohort_can_follow_a_closed_one(uow_factory):
    first = create(uow_factory)
    advance(uow_factory, first.id, CohortState.ENROLLING, CohortState.ACTIVE, CohortState.CLOSED)
    second = create(uow_factory, fields=replace(FIELDS, name="Summer"))
    assert second.id != first.id
    assert cohorts.current_cohort(uow=uow_factory(), team_id=TEAM).fields.name == "Summer"


def test_cohorts_belong_to_their_workspace(uow_factory):
    mine = create(uow_factory)
    theirs = create(uow_factory, team_id=OTHER_TEAM, fields=replace(FIELDS, name="Theirs"))
    assert cohorts.current_cohort(uow=uow_factory(), team_id=OTHER_TEAM).id == theirs.id
    with pytest.raises(CohortGoneError):
        update(uow_factory, mine.id, replace(FIELDS, name="Hijacked"), team_id=OTHER_TEAM)
    with pytest.raises(CohortGoneError):
        advance(uow_factory, mine.id, CohortState.ENROLLING, team_id=OTHER_TEAM)
    assert stored(uow_factory, mine.id).name == "Spring 2026"
    assert audit(uow_factory, OTHER_TEAM)[-1].action == "cohort.create"


def test_concurrent_creates_leave_exactly_one_cohort(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)  # an existing workspace: nothing else serialises the creates
        uow.commit()
    outcomes: list[object] = []
    barrier = threading.Barrier(4)

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            outcomes.append(create(uow_factory, fields=replace(FIELDS, name=f"Race {index}")))
        except CohortAlreadyOpenError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(outcome, cohorts.CohortRecord) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, CohortAlreadyOpenError) for outcome in outcomes) == 3


def test_create_refuses_a_past_start_date_and_values_outside_the_limits(uow_factory):
    with pytest.raises(CohortSettingsError) as refused:
        create(uow_factory, fields=replace(FIELDS, start_date=date(2026, 1, 1), weeks=60, name="<!here>"))
    assert set(refused.value.field_errors) == {"start_date", "weeks", "name"}
    assert cohorts.current_cohort(uow=uow_factory(), team_id=TEAM) is None
    assert audit(uow_factory) == []


def test_a_draft_or_enrolling_cohort_can_change_everything_and_only_changes_are_audited(uow_factory):
    record = create(uow_factory)
    changed = CohortFields(
        name="Spring 2026 (EMEA)",
        start_date=date(2026, 1, 19),
        weeks=8,
        cadence_weeks=4,
        checkin_weekday=0,
        checkin_hour=9,
        allow_same_department=True,
        employees_per_executive=2,
        executives_per_employee=1,
    )
    advance(uow_factory, record.id, CohortState.ENROLLING)
    saved = update(uow_factory, record.id, changed)
    assert saved.fields == changed
    assert saved.state == CohortState.ENROLLING
    assert stored(uow_factory, record.id).weeks == 8
    event = audit(uow_factory)[-1]
    assert (event.action, event.actor_user_id) == ("cohort.update", "U0EDITOR1")
    assert event.details["changes"]["start_date"] == {"from": "2026-01-12", "to": "2026-01-19"}
    assert event.details["changes"]["weeks"] == {"from": 12, "to": 8}
    assert "executives_per_employee" not in event.details["changes"]
    update(uow_factory, record.id, changed)
    assert audit(uow_factory)[-1].id == event.id, "saving without changes records nothing"


def test_an_active_cohort_only_changes_its_name_and_check_in_time(uow_factory):
    record = create(uow_factory)
    advance(uow_factory, record.id, CohortState.ENROLLING, CohortState.ACTIVE)
    later = NOW + timedelta(days=30)
    saved = update(
        uow_factory, record.id, replace(FIELDS, name="Renamed", checkin_weekday=3, checkin_hour=14), now=later
    )
    assert (saved.fields.name, saved.fields.checkin_weekday, saved.fields.checkin_hour) == ("Renamed", 3, 14)
    with pytest.raises(CohortSettingsError) as refused:
        update(
            uow_factory,
            record.id,
            replace(
                saved.fields, name="Again", start_date=date(2026, 3, 2), weeks=20, allow_same_department=True
            ),
            now=later,
        )
    assert set(refused.value.field_errors) == {"start_date", "weeks", "allow_same_department"}
    assert "fixed once the cohort is active" in refused.value.field_errors["start_date"]
    row = stored(uow_factory, record.id)
    assert (row.name, row.start_date, row.weeks) == ("Renamed", date(2026, 1, 12), 12), "nothing of it saved"


def test_a_started_cohort_keeps_its_past_start_date_but_cannot_move_it_into_the_past(uow_factory):
    record = create(uow_factory)
    a_month_later = NOW + timedelta(days=30)
    saved = update(uow_factory, record.id, replace(FIELDS, name="Still draft"), now=a_month_later)
    assert saved.fields.start_date == date(2026, 1, 12)
    with pytest.raises(CohortSettingsError) as refused:
        update(uow_factory, record.id, replace(FIELDS, start_date=date(2026, 1, 26)), now=a_month_later)
    assert set(refused.value.field_errors) == {"start_date"}
    assert "in the past" in refused.value.field_errors["start_date"]


def test_a_closed_or_unknown_cohort_cannot_be_edited(uow_factory):
    record = create(uow_factory)
    advance(uow_factory, record.id, CohortState.ENROLLING, CohortState.ACTIVE, CohortState.CLOSED)
    with pytest.raises(CohortGoneError):
        update(uow_factory, record.id, replace(FIELDS, name="Too late"))
    with pytest.raises(CohortGoneError):
        update(uow_factory, record.id + 1000, FIELDS)


def test_states_move_forward_one_step_at_a_time_and_each_move_is_audited(uow_factory):
    record = create(uow_factory)
    with pytest.raises(CohortStateError) as skipped:
        advance(uow_factory, record.id, CohortState.ACTIVE)
    assert "draft to enrolling to active to closed" in skipped.value.user_message
    closed = advance(uow_factory, record.id, CohortState.ENROLLING, CohortState.ACTIVE, CohortState.CLOSED)
    assert closed.state == CohortState.CLOSED
    assert stored(uow_factory, record.id).closed_at == NOW
    moves = [(e.details["from"], e.details["to"]) for e in audit(uow_factory) if e.action == "cohort.state"]
    assert moves == [("draft", "enrolling"), ("enrolling", "active"), ("active", "closed")]
    for backwards in (CohortState.ACTIVE, CohortState.DRAFT, CohortState.ENROLLING):
        with pytest.raises(CohortStateError):
            advance(uow_factory, record.id, backwards)


def test_asking_for_the_current_state_again_changes_nothing(uow_factory):
    record = create(uow_factory)
    advance(uow_factory, record.id, CohortState.ENROLLING)
    before = len(audit(uow_factory))
    again = advance(uow_factory, record.id, CohortState.ENROLLING)
    assert again.state == CohortState.ENROLLING
    assert len(audit(uow_factory)) == before


def test_cohort_for_editing_checks_the_button_still_names_the_current_cohort(uow_factory):
    with pytest.raises(NoCohortError):
        cohorts.cohort_for_editing(uow=uow_factory(), team_id=TEAM, cohort_id=None)
    first = create(uow_factory)
    assert cohorts.cohort_for_editing(uow=uow_factory(), team_id=TEAM, cohort_id=first.id).id == first.id
    assert cohorts.cohort_for_editing(uow=uow_factory(), team_id=TEAM, cohort_id=None).id == first.id
    advance(uow_factory, first.id, CohortState.ENROLLING, CohortState.ACTIVE, CohortState.CLOSED)
    with pytest.raises(CohortGoneError):
        cohorts.cohort_for_editing(uow=uow_factory(), team_id=TEAM, cohort_id=first.id)
    second = create(uow_factory, fields=replace(FIELDS, name="Next"))
    with pytest.raises(CohortGoneError):
        cohorts.cohort_for_editing(uow=uow_factory(), team_id=TEAM, cohort_id=first.id)
    assert cohorts.cohort_for_editing(uow=uow_factory(), team_id=TEAM, cohort_id=second.id).id == second.id
