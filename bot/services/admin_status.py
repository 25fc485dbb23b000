"""What `/mentor-admin status` shows: the current cohort and delivery health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.services.delivery import DeliveryHealth, read_delivery_health
from storage.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class AdminStatus:
    cohort_name: str | None
    cohort_state: str | None
    delivery: DeliveryHealth
    now: datetime


def load_admin_status(*, uow: UnitOfWork, team_id: str, now: datetime | None = None) -> AdminStatus:
    now = now or datetime.now(UTC)
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        return AdminStatus(
            cohort_name=cohort.name if cohort else None,
            cohort_state=str(cohort.state) if cohort else None,
            delivery=read_delivery_health(uow, team_id=team_id, now=now),
            now=now,
        )
