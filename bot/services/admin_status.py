"""What `/mentor-admin status` shows: the current cohort, who is in it, and delivery health."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.services.delivery import DeliveryHealth, read_delivery_health
from storage.models import EnrollmentState, PersonRole
from storage.uow import UnitOfWork

# The order admins read the numbers in: roles as rows, states as columns.
ROLES: tuple[str, ...] = tuple(PersonRole)
STATES: tuple[str, ...] = tuple(EnrollmentState)


@dataclass(frozen=True, kw_only=True)
class EnrolmentCounts:
    """How many people of each role (employee, executive) are in each enrollment state."""

    by_role_and_state: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def count(self, *, role: str, state: str) -> int:
        return self.by_role_and_state.get((role, state), 0)

    def role_total(self, *, role: str) -> int:
        return sum(self.count(role=role, state=state) for state in STATES)

    def state_total(self, *, state: str) -> int:
        return sum(self.count(role=role, state=state) for role in ROLES)

    @property
    def total(self) -> int:
        return sum(self.by_role_and_state.values())


@dataclass(frozen=True, kw_only=True)
class AdminStatus:
    cohort_name: str | None
    cohort_state: str | None
    delivery: DeliveryHealth
    now: datetime
    # None when there is no cohort to count people in.
    counts: EnrolmentCounts | None = None


def read_enrolment_counts(uow: UnitOfWork, *, cohort_id: int) -> EnrolmentCounts:
    """The cohort's numbers, inside a unit of work the caller has open (status and the Home tab)."""
    raw = uow.enrollments.count_by_role_and_state(cohort_id=cohort_id)
    return EnrolmentCounts(
        by_role_and_state={(str(role), str(state)): count for (role, state), count in raw.items()}
    )


def load_admin_status(*, uow: UnitOfWork, team_id: str, now: datetime | None = None) -> AdminStatus:
    now = now or datetime.now(UTC)
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        return AdminStatus(
            cohort_name=cohort.name if cohort else None,
            cohort_state=str(cohort.state) if cohort else None,
            delivery=read_delivery_health(uow, team_id=team_id, now=now),
            now=now,
            counts=read_enrolment_counts(uow, cohort_id=cohort.id) if cohort else None,
        )
