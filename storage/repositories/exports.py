"""The reads behind the exports: a cohort's program figures for admins, one person's own learning log.

Every query is scoped by ``team_id``. The admin export's queries select rating and score columns
only, never ``reflection.learned`` / ``will_try`` nor ``survey_response.comments``: free text
written by participants is not even loaded on that path, so no later change to the CSV can
leak it by accident.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import (
    Checkin,
    Cohort,
    CohortState,
    Pairing,
    Person,
    ProgramSurveyKind,
    Reflection,
    Skill,
    SurveyResponse,
)


@dataclass(frozen=True, kw_only=True)
class CheckinAnswerRow:
    """One member's check-in of one period: None as the answer when asked and not answered yet."""

    pairing_id: int
    person_id: int
    period: int
    answer: str | None


@dataclass(frozen=True, kw_only=True)
class ReflectionRating:
    """A reflection reduced to what admins may see: whose, in which pairing, its rating (if any)."""

    pairing_id: int
    author_id: int
    rating: int | None


@dataclass(frozen=True, kw_only=True)
class SurveyScore:
    """A midpoint or closing survey answer without its comments."""

    person_id: int
    kind: ProgramSurveyKind
    satisfaction: int
    again: str


@dataclass(frozen=True, kw_only=True)
class OwnReflection:
    """One of the person's own reflections, with where it was written (pairing and cohort may be gone)."""

    reflection: Reflection
    pairing: Pairing | None
    cohort: Cohort | None


@dataclass(frozen=True, kw_only=True)
class OwnCheckin:
    """One of the person's own answered check-ins, with its pairing and cohort."""

    period: int
    answer: str
    answered_at: datetime
    pairing: Pairing
    cohort: Cohort


class ExportRepository:
    """Read-only queries for `/mentor-admin export` and `/mentor export`, in the caller's session."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    # ---- the admin's program export ----------------------------------------------------------

    def latest_closed_cohort(self, *, team_id: str) -> Cohort | None:
        """The workspace's most recently closed cohort, or None."""
        statement = (
            select(Cohort)
            .where(Cohort.team_id == team_id, Cohort.state == CohortState.CLOSED)
            .order_by(Cohort.closed_at.desc().nulls_last(), Cohort.id.desc())
            .limit(1)
        )
        return self._session.scalars(statement).first()

    def confirmed_pairings(self, *, team_id: str, cohort_id: int) -> list[Pairing]:
        """The cohort's pairings that were ever live (confirmed), whatever their state now; oldest first.

        Proposals of a preview, and proposals an admin removed before Confirm, have no
        ``confirmed_at`` and are left out.
        """
        statement = (
            select(Pairing)
            .where(
                Pairing.team_id == team_id,
                Pairing.cohort_id == cohort_id,
                Pairing.confirmed_at.is_not(None),
            )
            .order_by(Pairing.id)
        )
        return list(self._session.scalars(statement))

    def people(self, *, team_id: str, person_ids: Collection[int]) -> dict[int, Person]:
        """People of this workspace by database id (unknown ids are left out)."""
        if not person_ids:
            return {}
        statement = select(Person).where(Person.team_id == team_id, Person.id.in_(sorted(set(person_ids))))
        return {person.id: person for person in self._session.scalars(statement)}

    def skill_names(self, *, team_id: str) -> dict[int, str]:
        """Every skill's name by id, retired ones included (a pairing keeps the skills it was made on)."""
        statement = select(Skill.id, Skill.name).where(Skill.team_id == team_id)
        return {row.id: row.name for row in self._session.execute(statement)}

    def checkin_answers(self, *, team_id: str, pairing_ids: Collection[int]) -> list[CheckinAnswerRow]:
        """Every asked check-in of these pairings, answered or not."""
        if not pairing_ids:
            return []
        statement = (
            select(Checkin.pairing_id, Checkin.person_id, Checkin.period, Checkin.answer)
            .where(Checkin.team_id == team_id, Checkin.pairing_id.in_(sorted(set(pairing_ids))))
            .order_by(Checkin.pairing_id, Checkin.period, Checkin.person_id)
        )
        return [
            CheckinAnswerRow(
                pairing_id=pairing_id,
                person_id=person_id,
                period=period,
                answer=str(answer) if answer is not None else None,
            )
            for pairing_id, person_id, period, answer in self._session.execute(statement)
        ]

    def reflection_ratings(self, *, team_id: str, pairing_ids: Collection[int]) -> list[ReflectionRating]:
        """Who wrote reflections in these pairings, and their ratings: never the text."""
        if not pairing_ids:
            return []
        statement = (
            select(Reflection.pairing_id, Reflection.author_id, Reflection.rating)
            .where(Reflection.team_id == team_id, Reflection.pairing_id.in_(sorted(set(pairing_ids))))
            .order_by(Reflection.id)
        )
        return [
            ReflectionRating(pairing_id=pairing_id, author_id=author_id, rating=rating)
            for pairing_id, author_id, rating in self._session.execute(statement)
        ]

    def survey_scores(self, *, team_id: str, cohort_id: int) -> list[SurveyScore]:
        """The cohort's midpoint and closing survey scores: never the comments."""
        statement = (
            select(
                SurveyResponse.person_id,
                SurveyResponse.kind,
                SurveyResponse.satisfaction,
                SurveyResponse.again,
            )
            .where(SurveyResponse.team_id == team_id, SurveyResponse.cohort_id == cohort_id)
            .order_by(SurveyResponse.id)
        )
        return [
            SurveyScore(
                person_id=person_id, kind=ProgramSurveyKind(kind), satisfaction=satisfaction, again=again
            )
            for person_id, kind, satisfaction, again in self._session.execute(statement)
        ]

    # ---- one person's learning log --------------------------------------------------------------

    def own_reflections(self, *, team_id: str, author_id: int) -> list[OwnReflection]:
        """Every reflection the person wrote, in every cohort, newest first."""
        statement = (
            select(Reflection, Pairing, Cohort)
            .outerjoin(Pairing, Pairing.id == Reflection.pairing_id)
            .outerjoin(Cohort, Cohort.id == Pairing.cohort_id)
            .where(Reflection.team_id == team_id, Reflection.author_id == author_id)
            .order_by(Reflection.created_at.desc(), Reflection.id.desc())
        )
        return [
            OwnReflection(reflection=reflection, pairing=pairing, cohort=cohort)
            for reflection, pairing, cohort in self._session.execute(statement)
        ]

    def own_checkins(self, *, team_id: str, person_id: int) -> list[OwnCheckin]:
        """Every check-in the person answered, in every cohort, newest first."""
        statement = (
            select(Checkin.period, Checkin.answer, Checkin.answered_at, Pairing, Cohort)
            .join(Pairing, Pairing.id == Checkin.pairing_id)
            .join(Cohort, Cohort.id == Pairing.cohort_id)
            .where(
                Checkin.team_id == team_id,
                Checkin.person_id == person_id,
                Checkin.answer.is_not(None),
                Checkin.answered_at.is_not(None),
                or_(Pairing.employee_id == person_id, Pairing.executive_id == person_id),
            )
            .order_by(Checkin.answered_at.desc(), Checkin.id.desc())
        )
        return [
            OwnCheckin(
                period=period, answer=str(answer), answered_at=answered_at, pairing=pairing, cohort=cohort
            )
            for period, answer, answered_at, pairing, cohort in self._session.execute(statement)
        ]
