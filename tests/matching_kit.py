"""Participants who answered the survey, stored as the survey leaves them, for matching tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bot.services.skills import list_skills
from storage.models import EnrollmentState, PersonRole
from storage.uow import UnitOfWork

TEAM_ID = "T0TEST0001"


def skill_ids(uow_factory: Callable[[], UnitOfWork], *, team_id: str) -> dict[str, int]:
    """The workspace's skills by key (the defaults are seeded on first use)."""
    return {skill.key: skill.id for skill in list_skills(uow=uow_factory(), team_id=team_id).skills}


def surveyed(
    uow_factory: Callable[[], UnitOfWork],
    *,
    team_id: str,
    cohort_id: int,
    user_id: str,
    role: PersonRole,
    share: Sequence[str] = (),
    learn: Sequence[str] = (),
    department: str | None = None,
    capacity: int | None = None,
    state: EnrollmentState = EnrollmentState.SURVEYED,
    tz: str = "Europe/Paris",
    real_name: str | None = None,
) -> int:
    """Someone in the cohort who answered the survey with these skill keys; returns their person id."""
    ids = skill_ids(uow_factory, team_id=team_id)
    now = datetime.now(UTC)
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        person = uow.people.upsert_profile(
            team_id=team_id, user_id=user_id, name=user_id.lower(), real_name=real_name, tz=tz
        )
        enrollment = uow.enrollments.add(
            team_id=team_id, cohort_id=cohort_id, person_id=person.id, role=role, state=state, at=now
        )
        enrollment.department = department
        enrollment.capacity = capacity
        enrollment.surveyed_at = now
        enrollment.consent_at = now
        uow.enrollments.replace_skills(
            team_id=team_id,
            enrollment_id=enrollment.id,
            share=[ids[key] for key in share],
            learn=[ids[key] for key in learn],
        )
        uow.commit()
        return person.id
