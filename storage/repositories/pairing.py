"""Pairings and the matching runs (previews) that propose them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import (
    Enrollment,
    EnrollmentSkill,
    MatchRun,
    MatchRunState,
    Pairing,
    PairingSource,
    PairingState,
    Person,
)


class PairingRepository:
    """Reads and writes ``pairing`` and ``match_run`` rows; a cohort belongs to one workspace."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def get(self, *, team_id: str, pairing_id: int) -> Pairing | None:
        """One pairing of this workspace (None for another workspace's id)."""
        statement = select(Pairing).where(Pairing.team_id == team_id, Pairing.id == pairing_id)
        return self._session.scalars(statement).one_or_none()

    def in_cohort(self, *, cohort_id: int, states: Collection[PairingState]) -> list[Pairing]:
        """The cohort's pairings in these states, oldest first."""
        statement = (
            select(Pairing)
            .where(Pairing.cohort_id == cohort_id, Pairing.state.in_(list(states)))
            .order_by(Pairing.id)
        )
        return list(self._session.scalars(statement))

    def of_person(
        self, *, cohort_id: int, person_id: int, states: Collection[PairingState], for_update: bool = False
    ) -> list[Pairing]:
        """The person's pairings in the cohort in these states, oldest first."""
        statement = (
            select(Pairing)
            .where(
                Pairing.cohort_id == cohort_id,
                Pairing.state.in_(list(states)),
                or_(Pairing.employee_id == person_id, Pairing.executive_id == person_id),
            )
            .order_by(Pairing.id)
        )
        if for_update:
            statement = statement.with_for_update()
        return list(self._session.scalars(statement))

    def add(
        self,
        *,
        team_id: str,
        cohort_id: int,
        employee_id: int,
        executive_id: int,
        score: float,
        reasons: list[str],
        employee_skill_ids: list[int],
        executive_skill_ids: list[int],
        state: PairingState,
        source: PairingSource,
        match_run_id: int | None,
        at: datetime,
    ) -> Pairing:
        """A new pairing, flushed so its id is known."""
        pairing = Pairing(
            team_id=team_id,
            cohort_id=cohort_id,
            employee_id=employee_id,
            executive_id=executive_id,
            score=score,
            reasons=reasons,
            employee_skill_ids=employee_skill_ids,
            executive_skill_ids=executive_skill_ids,
            state=state,
            source=source,
            match_run_id=match_run_id,
            created_at=at,
            confirmed_at=at if state == PairingState.ACTIVE else None,
        )
        self._session.add(pairing)
        self._session.flush()
        return pairing

    def add_proposed(self, *, rows: Iterable[dict[str, Any]]) -> None:
        """Insert many proposed pairings at once (a preview of thousands of people)."""
        self._session.add_all(Pairing(**row) for row in rows)
        self._session.flush()

    def delete_proposed(self, *, cohort_id: int, source: PairingSource) -> int:
        """Drop the proposed pairings of one source (a re-run replaces the optimiser's proposals)."""
        result = self._session.execute(
            delete(Pairing).where(
                Pairing.cohort_id == cohort_id,
                Pairing.state == PairingState.PROPOSED,
                Pairing.source == source,
            )
        )
        return int(result.rowcount or 0)

    def delete(self, *, pairing: Pairing) -> None:
        self._session.delete(pairing)
        self._session.flush()

    def earlier_partners(self, *, team_id: str, cohort_id: int) -> set[tuple[int, int]]:
        """(employee, executive) person ids that were live partners in another cohort of the workspace."""
        statement = select(Pairing.employee_id, Pairing.executive_id).where(
            Pairing.team_id == team_id,
            Pairing.cohort_id != cohort_id,
            Pairing.confirmed_at.is_not(None),
        )
        return {(employee_id, executive_id) for employee_id, executive_id in self._session.execute(statement)}

    def ended_in_cohort(self, *, cohort_id: int) -> set[tuple[int, int]]:
        """(employee, executive) person ids whose pairing in this cohort ended: never proposed again."""
        statement = select(Pairing.employee_id, Pairing.executive_id).where(
            Pairing.cohort_id == cohort_id, Pairing.state == PairingState.ENDED
        )
        return {(employee_id, executive_id) for employee_id, executive_id in self._session.execute(statement)}

    def count_in_cohort(self, *, cohort_id: int, state: PairingState) -> int:
        statement = select(func.count()).where(Pairing.cohort_id == cohort_id, Pairing.state == state)
        return int(self._session.scalar(statement) or 0)

    # Matching runs

    def add_run(
        self,
        *,
        team_id: str,
        cohort_id: int,
        fingerprint: str,
        inputs: dict[str, Any],
        details: dict[str, Any],
        created_by_user_id: str,
        at: datetime,
    ) -> MatchRun:
        """A new preview; earlier previews of the cohort are superseded first."""
        self._session.execute(
            update(MatchRun)
            .where(MatchRun.cohort_id == cohort_id, MatchRun.state == MatchRunState.PREVIEW)
            .values(state=MatchRunState.SUPERSEDED)
        )
        run = MatchRun(
            team_id=team_id,
            cohort_id=cohort_id,
            state=MatchRunState.PREVIEW,
            revision=0,
            fingerprint=fingerprint,
            inputs=inputs,
            details=details,
            created_by_user_id=created_by_user_id,
            created_at=at,
        )
        self._session.add(run)
        self._session.flush()
        return run

    def get_run(self, *, team_id: str, run_id: int, for_update: bool = False) -> MatchRun | None:
        """One run of this workspace (None for another workspace's id)."""
        statement = select(MatchRun).where(MatchRun.team_id == team_id, MatchRun.id == run_id)
        if for_update:
            statement = statement.with_for_update()
        return self._session.scalars(statement).one_or_none()

    def open_run(self, *, cohort_id: int, for_update: bool = False) -> MatchRun | None:
        """The cohort's preview waiting for Confirm, if any."""
        statement = (
            select(MatchRun)
            .where(MatchRun.cohort_id == cohort_id, MatchRun.state == MatchRunState.PREVIEW)
            .order_by(MatchRun.id.desc())
            .limit(1)
        )
        if for_update:
            statement = statement.with_for_update()
        return self._session.scalars(statement).first()

    # What matching reads

    def participants(self, *, cohort_id: int) -> list[tuple[Enrollment, Person]]:
        """Every enrollment of the cohort with its person, in a stable order."""
        statement = (
            select(Enrollment, Person)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Enrollment.cohort_id == cohort_id)
            .order_by(Enrollment.id)
        )
        return [(enrollment, person) for enrollment, person in self._session.execute(statement)]

    def skills_of_cohort(self, *, cohort_id: int) -> dict[int, dict[str, list[int]]]:
        """Chosen skill ids per enrollment and direction ("share" / "learn"), in one query."""
        statement = (
            select(EnrollmentSkill.enrollment_id, EnrollmentSkill.direction, EnrollmentSkill.skill_id)
            .join(Enrollment, Enrollment.id == EnrollmentSkill.enrollment_id)
            .where(Enrollment.cohort_id == cohort_id)
            .order_by(EnrollmentSkill.enrollment_id, EnrollmentSkill.skill_id)
        )
        chosen: dict[int, dict[str, list[int]]] = {}
        for enrollment_id, direction, skill_id in self._session.execute(statement):
            chosen.setdefault(enrollment_id, {"share": [], "learn": []})[str(direction)].append(skill_id)
        return chosen
