"""Cohorts: one run of the program per workspace at a time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cohort, CohortState


class CohortRepository:
    """Reads and writes ``cohort`` rows, always scoped by ``team_id``."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def current(self, *, team_id: str) -> Cohort | None:
        """The newest cohort that is not closed: the one commands and surveys act on."""
        statement = (
            select(Cohort)
            .where(Cohort.team_id == team_id, Cohort.state != CohortState.CLOSED)
            .order_by(Cohort.created_at.desc(), Cohort.id.desc())
            .limit(1)
        )
        return self._session.scalars(statement).first()
