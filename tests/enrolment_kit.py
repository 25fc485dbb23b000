"""Cohorts and people in each enrolment state, made through the services, for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage.models import CohortState, EnrollmentState, PersonRole
from tests import cohort_kit

EXECUTIVE_USER_ID = "U0EXEC0001"


def make_cohort(bot, uow_factory, *, state: CohortState = CohortState.ENROLLING) -> int:
    """The id of a cohort in `state`, made through the services."""
    return cohort_kit.make_cohort(uow_factory, team_id=bot.fake.team_id, state=state).id


def enrol(
    bot,
    uow_factory,
    cohort_id: int,
    *,
    user_id: str,
    role: PersonRole,
    state: EnrollmentState,
    paused_until: date | None = None,
) -> int:
    """Someone in the cohort in this state, as invitations, the survey and `/mentor pause` leave them."""
    team_id = bot.fake.team_id
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        person = uow.people.upsert_profile(
            team_id=team_id, user_id=user_id, name=user_id.lower(), real_name=None, tz="Europe/Paris"
        )
        person.paused_until_date = paused_until
        uow.enrollments.add(
            team_id=team_id,
            cohort_id=cohort_id,
            person_id=person.id,
            role=role,
            state=state,
            at=datetime.now(UTC),
        )
        uow.commit()
        return person.id
