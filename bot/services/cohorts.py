"""Cohorts: creating, editing and moving one run of the program through its states.

A workspace has at most one cohort that is not closed. Its state only moves forward,
draft -> enrolling -> active -> closed; once active, pairs have agreed on a rhythm, so only
the name and the check-in day and hour may change. Every change is audited.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.cohort_form import (
    EDITABLE_WHEN_ACTIVE,
    FIELD_NAMES,
    CohortFields,
    earliest_start_date,
    range_problems,
)
from bot.errors import (
    CohortAlreadyOpenError,
    CohortGoneError,
    CohortSettingsError,
    CohortStateError,
    NoCohortError,
)
from storage.models import Cohort, CohortState
from storage.uow import UnitOfWork

# The only moves a cohort can make; later features call advance_cohort_state to make them.
NEXT_STATE: dict[CohortState, CohortState] = {
    CohortState.DRAFT: CohortState.ENROLLING,
    CohortState.ENROLLING: CohortState.ACTIVE,
    CohortState.ACTIVE: CohortState.CLOSED,
}


@dataclass(frozen=True, kw_only=True)
class CohortRecord:
    """A saved cohort as views and handlers see it, detached from the database."""

    id: int
    state: CohortState
    fields: CohortFields
    created_by_user_id: str | None


def current_cohort(*, uow: UnitOfWork, team_id: str) -> CohortRecord | None:
    """The workspace's cohort that is not closed, or None."""
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        return _record(cohort) if cohort else None


def cohort_for_editing(*, uow: UnitOfWork, team_id: str, cohort_id: int | None) -> CohortRecord:
    """The current cohort, checked to be the one an old message's Edit button names.

    Raises NoCohortError when there is none, CohortGoneError when `cohort_id` names a
    cohort that was closed or replaced since the message was sent.
    """
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        if cohort is None:
            if cohort_id is not None:
                raise CohortGoneError()
            raise NoCohortError()
        if cohort_id is not None and cohort.id != cohort_id:
            raise CohortGoneError()
        return _record(cohort)


def create_cohort(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    fields: CohortFields,
    now: datetime | None = None,
) -> CohortRecord:
    """Create the workspace's cohort in draft.

    Refused with CohortAlreadyOpenError while another cohort is not closed, and with
    CohortSettingsError for values outside the limits or a start date in the past.
    """
    now = now or datetime.now(UTC)
    problems = range_problems(fields)
    if fields.start_date < earliest_start_date(now.date()):
        problems["start_date"] = f"{fields.start_date:%d %b %Y} is in the past; pick today or a later day."
    if problems:
        raise CohortSettingsError(problems)
    with uow:
        uow.workspaces.ensure(team_id=team_id)
        uow.cohorts.lock_team(team_id=team_id)
        existing = uow.cohorts.current(team_id=team_id)
        if existing is not None:
            raise CohortAlreadyOpenError(name=existing.name, state=str(existing.state))
        cohort = uow.cohorts.add(team_id=team_id, created_by_user_id=actor_user_id, **asdict(fields))
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="cohort.create",
            target=_target(cohort),
            details={name: _plain(value) for name, value in asdict(fields).items()},
            at=now,
        )
        uow.commit()
        return _record(cohort)


def update_cohort(
    *,
    uow: UnitOfWork,
    team_id: str,
    cohort_id: int,
    actor_user_id: str,
    fields: CohortFields,
    now: datetime | None = None,
) -> CohortRecord:
    """Save an edited cohort; only the fields that changed are written and audited.

    Everything can change while the cohort is a draft or enrolling; once active, only the
    name and the check-in day and hour (CohortSettingsError names the others). A closed or
    replaced cohort raises CohortGoneError. A new start date cannot be in the past; an
    unchanged one may be (the cohort has simply started).
    """
    now = now or datetime.now(UTC)
    problems = range_problems(fields)
    if problems:
        raise CohortSettingsError(problems)
    with uow:
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort_id, for_update=True)
        if cohort is None or cohort.state == CohortState.CLOSED:
            raise CohortGoneError()
        before = _fields(cohort)
        changes = {
            name: (getattr(before, name), getattr(fields, name))
            for name in FIELD_NAMES
            if getattr(before, name) != getattr(fields, name)
        }
        if cohort.state == CohortState.ACTIVE:
            problems = {
                name: "This is fixed once the cohort is active, so pairs keep the rhythm they agreed on."
                for name in changes
                if name not in EDITABLE_WHEN_ACTIVE
            }
        if "start_date" in changes and fields.start_date < earliest_start_date(now.date()) and not problems:
            problems["start_date"] = (
                f"{fields.start_date:%d %b %Y} is in the past; pick today or a later day."
            )
        if problems:
            raise CohortSettingsError(problems)
        if changes:
            for name, (_, new) in changes.items():
                setattr(cohort, name, new)
            uow.audit.record(
                team_id=team_id,
                actor_user_id=actor_user_id,
                action="cohort.update",
                target=_target(cohort),
                details={
                    "changes": {
                        name: {"from": _plain(old), "to": _plain(new)} for name, (old, new) in changes.items()
                    }
                },
                at=now,
            )
            uow.commit()
        return _record(cohort)


def advance_cohort_state(
    *,
    uow: UnitOfWork,
    team_id: str,
    cohort_id: int,
    actor_user_id: str,
    to_state: CohortState | str,
    now: datetime | None = None,
) -> CohortRecord:
    """Move a cohort one step forward: draft -> enrolling -> active -> closed.

    Asking for the state it is already in changes nothing (an announce or close run twice
    is harmless); any other move raises CohortStateError, and an unknown cohort
    CohortGoneError. `to_state` may be the state's value ("enrolling"), for callers outside bot/.
    """
    now = now or datetime.now(UTC)
    to_state = CohortState(to_state)
    with uow:
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort_id, for_update=True)
        if cohort is None:
            raise CohortGoneError()
        if move_cohort_state(uow, cohort=cohort, actor_user_id=actor_user_id, to_state=to_state, now=now):
            uow.commit()
        return _record(cohort)


def move_cohort_state(
    uow: UnitOfWork, *, cohort: Cohort, actor_user_id: str, to_state: CohortState, now: datetime
) -> bool:
    """The move itself, inside the caller's open unit of work (e.g. with Confirm's pairs); audited.

    False when the cohort is already in `to_state`; CohortStateError for any other move.
    """
    if cohort.state == to_state:
        return False
    if NEXT_STATE.get(cohort.state) != to_state:
        raise CohortStateError(current=str(cohort.state), requested=str(to_state))
    previous = cohort.state
    cohort.state = to_state
    if to_state == CohortState.CLOSED:
        cohort.closed_at = now
    uow.audit.record(
        team_id=cohort.team_id,
        actor_user_id=actor_user_id,
        action="cohort.state",
        target=_target(cohort),
        details={"from": str(previous), "to": str(to_state)},
        at=now,
    )
    return True


def _fields(cohort: Cohort) -> CohortFields:
    return CohortFields(**{name: getattr(cohort, name) for name in FIELD_NAMES})


def _record(cohort: Cohort) -> CohortRecord:
    return CohortRecord(
        id=cohort.id,
        state=cohort.state,
        fields=_fields(cohort),
        created_by_user_id=cohort.created_by_user_id,
    )


def _target(cohort: Cohort) -> str:
    return f"cohort:{cohort.id}"


def _plain(value: Any) -> Any:
    """A JSON-friendly value for the audit details."""
    return value.isoformat() if isinstance(value, date) else value
