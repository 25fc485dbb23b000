"""Answers to the program's midpoint and closing surveys: one row per cohort, person and survey."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, ProgramSurveyKind, SurveyResponse


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class SurveyResponseRepository:
    """Reads and writes ``survey_response`` rows (a cohort belongs to one workspace)."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def find(self, *, cohort_id: int, person_id: int, kind: ProgramSurveyKind) -> SurveyResponse | None:
        statement = select(SurveyResponse).where(
            SurveyResponse.cohort_id == cohort_id,
            SurveyResponse.person_id == person_id,
            SurveyResponse.kind == kind,
        )
        return self._session.scalars(statement).one_or_none()

    def upsert(
        self,
        *,
        team_id: str,
        cohort_id: int,
        person_id: int,
        kind: ProgramSurveyKind,
        satisfaction: int,
        again: str,
        skills_gained: list[int],
        comments: str | None,
        at: datetime,
    ) -> tuple[SurveyResponse, bool]:
        """Store the answers, replacing earlier ones; True when this is the person's first answer.

        Two submissions at once (a double click) end as one row holding one of them.
        """
        answers = {
            "satisfaction": satisfaction,
            "again": again,
            "skills_gained": list(dict.fromkeys(skills_gained)),
            "comments": comments,
            "answered_at": at,
        }
        existing = self.find(cohort_id=cohort_id, person_id=person_id, kind=kind)
        if existing is None:
            try:
                with self._session.begin_nested():
                    response = SurveyResponse(
                        team_id=team_id,
                        cohort_id=cohort_id,
                        person_id=person_id,
                        kind=kind,
                        created_at=at,
                        **answers,
                    )
                    self._session.add(response)
                return response, True
            except IntegrityError:
                existing = self.find(cohort_id=cohort_id, person_id=person_id, kind=kind)
                if existing is None:
                    raise
        for name, value in answers.items():
            setattr(existing, name, value)
        self._session.flush()
        return existing, False

    def of_cohort(self, *, cohort_id: int, kind: ProgramSurveyKind | None = None) -> list[SurveyResponse]:
        """The cohort's answers (of one survey, or both), oldest first."""
        statement = select(SurveyResponse).where(SurveyResponse.cohort_id == cohort_id)
        if kind is not None:
            statement = statement.where(SurveyResponse.kind == kind)
        return list(self._session.scalars(statement.order_by(SurveyResponse.id)))

    def asked_keys(self, *, team_id: str, key_prefix: str) -> set[str]:
        """The dedupe keys of survey DMs already in the outbox under `key_prefix` (any status).

        The outbox row is what marks someone asked, so the planner reads these once per cohort
        and round instead of trying one insert per participant every tick.
        """
        statement = select(OutboxMessage.dedupe_key).where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.dedupe_key.like(_like_prefix(key_prefix), escape="\\"),
        )
        return set(self._session.scalars(statement))
