"""Enrollments: a person's participation in a cohort and their survey answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Enrollment, EnrollmentSkill, EnrollmentState, PersonRole, SkillDirection


class EnrollmentRepository:
    """Reads and writes ``enrollment`` and ``enrollment_skill`` rows (a cohort belongs to one workspace)."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def find(self, *, cohort_id: int, person_id: int) -> Enrollment | None:
        """The person's enrollment in the cohort, or None if they have not been invited."""
        statement = select(Enrollment).where(
            Enrollment.cohort_id == cohort_id, Enrollment.person_id == person_id
        )
        return self._session.scalars(statement).one_or_none()

    def add(
        self,
        *,
        team_id: str,
        cohort_id: int,
        person_id: int,
        role: PersonRole,
        state: EnrollmentState,
        at: datetime,
    ) -> Enrollment:
        """Enroll a person; if a concurrent request enrolled them first, return that enrollment."""
        try:
            with self._session.begin_nested():
                enrollment = Enrollment(
                    team_id=team_id,
                    cohort_id=cohort_id,
                    person_id=person_id,
                    role=role,
                    state=state,
                    invited_at=at if state is EnrollmentState.INVITED else None,
                )
                self._session.add(enrollment)
            return enrollment
        except IntegrityError:
            existing = self.find(cohort_id=cohort_id, person_id=person_id)
            if existing is None:
                raise
            return existing

    def skill_ids(self, *, enrollment_id: int) -> dict[SkillDirection, list[int]]:
        """The chosen skills by direction, in a stable order."""
        statement = (
            select(EnrollmentSkill.direction, EnrollmentSkill.skill_id)
            .where(EnrollmentSkill.enrollment_id == enrollment_id)
            .order_by(EnrollmentSkill.skill_id)
        )
        chosen: dict[SkillDirection, list[int]] = {direction: [] for direction in SkillDirection}
        for direction, skill_id in self._session.execute(statement):
            chosen[SkillDirection(direction)].append(skill_id)
        return chosen

    def replace_skills(self, *, team_id: str, enrollment_id: int, share: list[int], learn: list[int]) -> None:
        """Store the survey's skill answers, replacing earlier ones (answers can be edited until matching)."""
        self._session.execute(delete(EnrollmentSkill).where(EnrollmentSkill.enrollment_id == enrollment_id))
        for direction, skill_ids in ((SkillDirection.SHARE, share), (SkillDirection.LEARN, learn)):
            for skill_id in dict.fromkeys(skill_ids):
                self._session.add(
                    EnrollmentSkill(
                        team_id=team_id, enrollment_id=enrollment_id, skill_id=skill_id, direction=direction
                    )
                )
        self._session.flush()

    def count_by_role_and_state(self, *, cohort_id: int) -> dict[tuple[PersonRole, EnrollmentState], int]:
        """How many people of each role are in each state, for admin status."""
        statement = (
            select(Enrollment.role, Enrollment.state, func.count())
            .where(Enrollment.cohort_id == cohort_id)
            .group_by(Enrollment.role, Enrollment.state)
        )
        return {
            (PersonRole(role), EnrollmentState(state)): count
            for role, state, count in self._session.execute(statement)
        }

    def mark_matched(self, *, cohort_id: int, person_ids: list[int]) -> None:
        """People who answered the survey become matched (a paused person stays paused).

        Loaded enrollments are not refreshed: callers read states again in a new transaction.
        """
        self._session.execute(
            update(Enrollment)
            .where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.person_id.in_(person_ids),
                Enrollment.state == EnrollmentState.SURVEYED,
            )
            .values(state=EnrollmentState.MATCHED)
            .execution_options(synchronize_session=False)
        )
