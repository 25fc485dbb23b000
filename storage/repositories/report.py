"""The read-only queries behind `/mentor-admin report`: counts and plain facts of one cohort.

Each query is scoped by the workspace (``team_id``) and the cohort, and selects only the
columns the report needs. Reflections are read as counts and ratings, and survey answers
without their comments: no query here ever selects a reflection's text or a comment, so
nothing private can reach the report, its logs, or its chart.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from storage.models import (
    Checkin,
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentState,
    Pairing,
    Person,
    Reflection,
    Skill,
    SurveyResponse,
)


@dataclass(frozen=True, kw_only=True)
class PairingFacts:
    """A confirmed pairing of the cohort, with its members' Slack ids and the skills it shares."""

    pairing_id: int
    employee_id: int
    executive_id: int
    employee_user_id: str
    executive_user_id: str
    state: str
    confirmed_at: datetime
    ended_at: datetime | None
    employee_skill_ids: tuple[int, ...]
    executive_skill_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class CheckinFacts:
    """One member's check-in of one period: asked (a row exists), and the answer if any."""

    pairing_id: int
    period: int
    person_id: int
    answer: str | None


@dataclass(frozen=True, kw_only=True)
class ReflectionCounts:
    """How many reflections were written on the cohort's pairs, how many shared, and their ratings."""

    written: int
    shared: int
    rated: int
    rating_sum: int


@dataclass(frozen=True, kw_only=True)
class SurveyFacts:
    """One answer to a program survey, without its comments."""

    kind: str
    satisfaction: int
    again: str
    skills_gained: tuple[int, ...]


class ReportRepository:
    """Aggregate reads for the report; it never writes."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def latest_cohort(self, *, team_id: str, states: Collection[CohortState]) -> Cohort | None:
        """The workspace's newest cohort in one of these states."""
        statement = (
            select(Cohort)
            .where(Cohort.team_id == team_id, Cohort.state.in_(list(states)))
            .order_by(Cohort.created_at.desc(), Cohort.id.desc())
            .limit(1)
        )
        return self._session.scalars(statement).first()

    def enrollment_counts(self, *, team_id: str, cohort_id: int) -> dict[str, int]:
        """How many people of the cohort are in each enrollment state (states nobody is in are absent)."""
        statement = (
            select(Enrollment.state, func.count())
            .where(Enrollment.team_id == team_id, Enrollment.cohort_id == cohort_id)
            .group_by(Enrollment.state)
        )
        return {str(state): int(count) for state, count in self._session.execute(statement)}

    def count_matched_people(self, *, team_id: str, cohort_id: int) -> int:
        """People still in the cohort (not left) who are or were in one of its confirmed pairings."""
        partnered = (
            select(Pairing.id)
            .where(
                Pairing.team_id == team_id,
                Pairing.cohort_id == cohort_id,
                Pairing.confirmed_at.is_not(None),
                or_(
                    Pairing.employee_id == Enrollment.person_id, Pairing.executive_id == Enrollment.person_id
                ),
            )
            .exists()
        )
        statement = (
            select(func.count())
            .select_from(Enrollment)
            .where(
                Enrollment.team_id == team_id,
                Enrollment.cohort_id == cohort_id,
                Enrollment.state != EnrollmentState.LEFT,
                partnered,
            )
        )
        return int(self._session.scalar(statement) or 0)

    def confirmed_pairings(self, *, team_id: str, cohort_id: int) -> list[PairingFacts]:
        """The cohort's pairings that were ever confirmed (live or ended), oldest first."""
        employee, executive = aliased(Person), aliased(Person)
        statement = (
            select(
                Pairing.id,
                Pairing.employee_id,
                Pairing.executive_id,
                employee.user_id,
                executive.user_id,
                Pairing.state,
                Pairing.confirmed_at,
                Pairing.ended_at,
                Pairing.employee_skill_ids,
                Pairing.executive_skill_ids,
            )
            .join(employee, employee.id == Pairing.employee_id)
            .join(executive, executive.id == Pairing.executive_id)
            .where(
                Pairing.team_id == team_id,
                Pairing.cohort_id == cohort_id,
                Pairing.confirmed_at.is_not(None),
            )
            .order_by(Pairing.id)
        )
        return [
            PairingFacts(
                pairing_id=row[0],
                employee_id=row[1],
                executive_id=row[2],
                employee_user_id=row[3],
                executive_user_id=row[4],
                state=str(row[5]),
                confirmed_at=row[6],
                ended_at=row[7],
                employee_skill_ids=tuple(row[8] or ()),
                executive_skill_ids=tuple(row[9] or ()),
            )
            for row in self._session.execute(statement)
        ]

    def checkins(self, *, team_id: str, cohort_id: int) -> list[CheckinFacts]:
        """Every check-in asked of the cohort's confirmed pairings, with its answer (None: not answered)."""
        statement = (
            select(Checkin.pairing_id, Checkin.period, Checkin.person_id, Checkin.answer)
            .join(Pairing, Pairing.id == Checkin.pairing_id)
            .where(
                Checkin.team_id == team_id,
                Pairing.team_id == team_id,
                Pairing.cohort_id == cohort_id,
                Pairing.confirmed_at.is_not(None),
            )
            .order_by(Checkin.pairing_id, Checkin.period, Checkin.person_id)
        )
        return [
            CheckinFacts(
                pairing_id=pairing_id,
                period=period,
                person_id=person_id,
                answer=str(answer) if answer is not None else None,
            )
            for pairing_id, period, person_id, answer in self._session.execute(statement)
        ]

    def reflection_counts(self, *, team_id: str, cohort_id: int) -> ReflectionCounts:
        """Counts and ratings of the reflections on the cohort's pairings (their text is never read)."""
        statement = (
            select(
                func.count(Reflection.id),
                func.coalesce(func.sum(case((Reflection.shared.is_(True), 1), else_=0)), 0),
                func.count(Reflection.rating),
                func.coalesce(func.sum(Reflection.rating), 0),
            )
            .join(Pairing, Pairing.id == Reflection.pairing_id)
            .where(
                Reflection.team_id == team_id,
                Pairing.team_id == team_id,
                Pairing.cohort_id == cohort_id,
            )
        )
        written, shared, rated, rating_sum = self._session.execute(statement).one()
        return ReflectionCounts(
            written=int(written), shared=int(shared), rated=int(rated), rating_sum=int(rating_sum)
        )

    def survey_answers(self, *, team_id: str, cohort_id: int) -> list[SurveyFacts]:
        """The cohort's midpoint and closing survey answers, without comments, oldest first."""
        statement = (
            select(
                SurveyResponse.kind,
                SurveyResponse.satisfaction,
                SurveyResponse.again,
                SurveyResponse.skills_gained,
            )
            .where(SurveyResponse.team_id == team_id, SurveyResponse.cohort_id == cohort_id)
            .order_by(SurveyResponse.id)
        )
        return [
            SurveyFacts(
                kind=str(kind),
                satisfaction=int(satisfaction),
                again=str(again),
                skills_gained=tuple(skills or ()),
            )
            for kind, satisfaction, again, skills in self._session.execute(statement)
        ]

    def skill_names(self, *, team_id: str, skill_ids: Collection[int]) -> dict[int, str]:
        """The names of these skills of the workspace (retired ones included), by id."""
        if not skill_ids:
            return {}
        statement = select(Skill.id, Skill.name).where(
            Skill.team_id == team_id, Skill.id.in_(list(skill_ids))
        )
        return {int(skill_id): str(name) for skill_id, name in self._session.execute(statement)}
