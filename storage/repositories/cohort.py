"""Cohorts: one run of the program per workspace at a time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Cohort, CohortState, Workspace


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

    def in_state(self, *, state: CohortState) -> list[Cohort]:
        """Every workspace's cohorts in this state (the planner serves all workspaces at once)."""
        statement = select(Cohort).where(Cohort.state == state).order_by(Cohort.id)
        return list(self._session.scalars(statement))

    def get(self, *, team_id: str, cohort_id: int, for_update: bool = False) -> Cohort | None:
        """One cohort of this workspace (None for another workspace's id); ``for_update`` locks the row."""
        statement = select(Cohort).where(Cohort.team_id == team_id, Cohort.id == cohort_id)
        if for_update:
            statement = statement.with_for_update()
        return self._session.scalars(statement).one_or_none()

    def lock_team(self, *, team_id: str) -> None:
        """Serialise cohort changes of one workspace until the transaction ends.

        "One open cohort at a time" is a read-then-insert: on PostgreSQL two admins could both
        see none and both insert, so the workspace row is locked first. SQLite has one writer
        at a time anyway and ignores the lock. The workspace row must exist (``ensure``).
        """
        self._session.execute(select(Workspace.team_id).where(Workspace.team_id == team_id).with_for_update())

    def add(
        self,
        *,
        team_id: str,
        name: str,
        start_date: date,
        weeks: int,
        cadence_weeks: int,
        checkin_weekday: int,
        checkin_hour: int,
        allow_same_department: bool,
        employees_per_executive: int,
        executives_per_employee: int,
        created_by_user_id: str | None,
    ) -> Cohort:
        """A new cohort in draft; flushed so that its id is known."""
        cohort = Cohort(
            team_id=team_id,
            name=name,
            state=CohortState.DRAFT,
            start_date=start_date,
            weeks=weeks,
            cadence_weeks=cadence_weeks,
            checkin_weekday=checkin_weekday,
            checkin_hour=checkin_hour,
            allow_same_department=allow_same_department,
            employees_per_executive=employees_per_executive,
            executives_per_employee=executives_per_employee,
            created_by_user_id=created_by_user_id,
        )
        self._session.add(cohort)
        self._session.flush()
        return cohort
