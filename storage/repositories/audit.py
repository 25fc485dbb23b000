"""Audit events: who changed what, for admin actions that shape a program."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditEvent


class AuditRepository:
    """Appends ``audit_event`` rows in the caller's transaction: an action and its record commit together."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def record(
        self,
        *,
        team_id: str,
        actor_user_id: str,
        action: str,
        target: str | None,
        details: dict[str, Any],
        at: datetime,
    ) -> AuditEvent:
        """Add one event; ``action`` is a dotted verb such as ``skill.add``, ``target`` what it acted on."""
        event = AuditEvent(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action=action,
            target=target,
            details=details,
            created_at=at,
        )
        self._session.add(event)
        return event

    def recent(self, *, team_id: str, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
        """The workspace's newest events first; ``offset`` skips that many newer ones (paging)."""
        statement = (
            select(AuditEvent)
            .where(AuditEvent.team_id == team_id)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(self._session.scalars(statement).all())
