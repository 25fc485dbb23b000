"""Enrollments: a person's participation in a cohort and their survey answers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Enrollment


class EnrollmentRepository:
    """Reads and writes ``enrollment`` rows (a cohort belongs to one workspace, so it scopes them)."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def find(self, *, cohort_id: int, person_id: int) -> Enrollment | None:
        """The person's enrollment in the cohort, or None if they have not been invited."""
        statement = select(Enrollment).where(
            Enrollment.cohort_id == cohort_id, Enrollment.person_id == person_id
        )
        return self._session.scalars(statement).one_or_none()
