"""Delivery health for admins: is the outbox flowing, and what failed recently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models import OutboxStatus
from storage.uow import UnitOfWork

RECENT_FAILURES_SHOWN = 5


@dataclass(frozen=True, kw_only=True)
class DeliveryFailure:
    kind: str
    recipient: str
    error: str
    at: datetime


@dataclass(frozen=True, kw_only=True)
class DeliveryHealth:
    """Counts by status, how long the oldest due message has waited, and the last failures."""

    pending: int
    sending: int
    sent: int
    failed: int
    cancelled: int
    oldest_waiting_since: datetime | None
    recent_failures: list[DeliveryFailure]


def delivery_health(*, uow: UnitOfWork, team_id: str, now: datetime) -> DeliveryHealth:
    with uow:
        return read_delivery_health(uow, team_id=team_id, now=now)


def read_delivery_health(uow: UnitOfWork, *, team_id: str, now: datetime) -> DeliveryHealth:
    """The same, inside a unit of work the caller has open (for status pages that show more)."""
    counts = uow.outbox.count_by_status(team_id=team_id)
    oldest = uow.outbox.oldest_overdue(team_id=team_id, now=now)
    failures = [
        DeliveryFailure(
            kind=row.kind, recipient=row.recipient, error=row.last_error or "unknown", at=row.updated_at
        )
        for row in uow.outbox.recent_failures(team_id=team_id, limit=RECENT_FAILURES_SHOWN)
    ]
    return DeliveryHealth(
        pending=counts[OutboxStatus.PENDING],
        sending=counts[OutboxStatus.SENDING],
        sent=counts[OutboxStatus.SENT],
        failed=counts[OutboxStatus.FAILED],
        cancelled=counts[OutboxStatus.CANCELLED],
        oldest_waiting_since=oldest,
        recent_failures=failures,
    )
