"""Check-ins (one row per pairing, period and member, created when asked) and reflections."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Checkin, CheckinAnswer, Reflection


class CheckinRepository:
    """Reads and writes ``checkin`` and ``reflection`` rows (a pairing belongs to one workspace)."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def find(self, *, pairing_id: int, period: int, person_id: int) -> Checkin | None:
        statement = select(Checkin).where(
            Checkin.pairing_id == pairing_id, Checkin.period == period, Checkin.person_id == person_id
        )
        return self._session.scalars(statement).one_or_none()

    def ensure(self, *, team_id: str, pairing_id: int, period: int, person_id: int, at: datetime) -> Checkin:
        """The check-in row, created unanswered when first asked; concurrent planners share one row."""
        existing = self.find(pairing_id=pairing_id, period=period, person_id=person_id)
        if existing is not None:
            return existing
        try:
            with self._session.begin_nested():
                checkin = Checkin(
                    team_id=team_id, pairing_id=pairing_id, period=period, person_id=person_id, created_at=at
                )
                self._session.add(checkin)
            return checkin
        except IntegrityError:
            found = self.find(pairing_id=pairing_id, period=period, person_id=person_id)
            if found is None:
                raise
            return found

    def of_pairings(self, *, pairing_ids: Collection[int]) -> list[Checkin]:
        """Every check-in of these pairings (asked and answered), for the planner's slipping check."""
        if not pairing_ids:
            return []
        statement = select(Checkin).where(Checkin.pairing_id.in_(list(pairing_ids))).order_by(Checkin.id)
        return list(self._session.scalars(statement))

    def of_person(self, *, person_id: int, pairing_id: int) -> list[Checkin]:
        statement = (
            select(Checkin)
            .where(Checkin.person_id == person_id, Checkin.pairing_id == pairing_id)
            .order_by(Checkin.period)
        )
        return list(self._session.scalars(statement))

    def answer(self, *, checkin: Checkin, answer: CheckinAnswer, at: datetime) -> None:
        checkin.answer = answer
        checkin.answered_at = at

    def add_reflection(
        self,
        *,
        team_id: str,
        pairing_id: int | None,
        author_id: int,
        period: int | None,
        learned: str,
        will_try: str | None,
        rating: int,
        shared: bool,
        at: datetime,
    ) -> Reflection:
        reflection = Reflection(
            team_id=team_id,
            pairing_id=pairing_id,
            author_id=author_id,
            period=period,
            learned=learned,
            will_try=will_try,
            rating=rating,
            shared=shared,
            created_at=at,
        )
        self._session.add(reflection)
        self._session.flush()
        return reflection

    def reflections_of(self, *, author_id: int, limit: int = 20) -> list[Reflection]:
        """The author's own reflections, newest first (only ever shown to the author)."""
        statement = (
            select(Reflection)
            .where(Reflection.author_id == author_id)
            .order_by(Reflection.created_at.desc(), Reflection.id.desc())
            .limit(limit)
        )
        return list(self._session.scalars(statement))

    def count_reflections_of(self, *, author_id: int) -> int:
        """How many reflections the author has written (the Home tab lists a few and counts the rest)."""
        statement = select(func.count()).select_from(Reflection).where(Reflection.author_id == author_id)
        return self._session.scalar(statement) or 0
