"""Cohorts and people in each enrolment state, made through the services, for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.cohort_form import CohortFields
from bot.services import cohorts
from storage.models import CohortState, EnrollmentState, PersonRole
from tests.cohort_kit import next_monday
from tests.conftest import ADMIN_USER_ID

EXECUTIVE_USER_ID = "U0EXEC0001"


def make_cohort(bot, uow_factory, *, state: CohortState = CohortState.ENROLLING) -> int:
    """A cohort created and moved forward through the services, as admins' commands do."""
    record = cohorts.create_cohort(
        uow=uow_factory(),
        team_id=bot.fake.team_id,
        actor_user_id=ADMIN_USER_ID,
        fields=CohortFields(name="Spring 2026", start_date=next_monday()),
    )
    order = [CohortState.DRAFT, CohortState.ENROLLING, CohortState.ACTIVE]
    for step in order[1 : order.index(state) + 1]:
        cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=bot.fake.team_id,
            cohort_id=record.id,
            actor_user_id=ADMIN_USER_ID,
            to_state=step,
        )
    return record.id


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
