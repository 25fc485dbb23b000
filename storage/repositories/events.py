"""Events API deliveries already acted on: how a retried event is recognised and ignored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ProcessedEvent


class EventRepository:
    """Reads and writes ``processed_event`` rows inside the caller's transaction."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def record(self, *, team_id: str, event_id: str, event_type: str, at: datetime) -> bool:
        """Note that this event is being acted on; False if it already was (a retry).

        An insert that ignores a conflict, so two deliveries of one event racing each other
        cannot both win: on PostgreSQL the second waits for the first transaction and gets
        False once it commits (or True, and does the work, if it rolled back).
        """
        insert = postgresql.insert if self._session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(ProcessedEvent)
            .values(team_id=team_id, event_id=event_id, event_type=event_type, received_at=at)
            .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
            .returning(ProcessedEvent.event_id)
        )
        # A row comes back only when it was inserted (rowcount is unreliable with RETURNING).
        return self._session.execute(statement).scalar_one_or_none() is not None

    def seen(self, *, team_id: str, event_id: str) -> bool:
        """Whether this event was recorded (and its transaction committed, or is this one)."""
        statement = select(ProcessedEvent.event_id).where(
            ProcessedEvent.team_id == team_id, ProcessedEvent.event_id == event_id
        )
        return self._session.scalar(statement) is not None

    def prune(self, *, team_id: str, before: datetime) -> int:
        """Forget the workspace's events received before `before`; returns how many."""
        statement = (
            delete(ProcessedEvent)
            .where(ProcessedEvent.team_id == team_id, ProcessedEvent.received_at < before)
            .execution_options(synchronize_session=False)
        )
        return int(self._session.execute(statement).rowcount or 0)
