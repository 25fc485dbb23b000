"""A participant's pairings, and erasing everything stored about a person who asks for it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from storage.models import (
    AuditEvent,
    Checkin,
    Cohort,
    Enrollment,
    EnrollmentSkill,
    MatchRun,
    OutboxMessage,
    OutboxStatus,
    Pairing,
    PairingState,
    Person,
    Reflection,
    SurveyResponse,
)

# What a message that mentioned an erased person carries instead of its text.
ERASED_PAYLOAD: dict[str, Any] = {
    "text": "(removed: the person it was about asked for their data to be deleted)"
}


@dataclass(frozen=True, kw_only=True)
class ErasureCounts:
    """How many rows an erasure removed or scrubbed (numbers only, for logs and tests)."""

    enrollments: int
    checkins: int
    reflections: int
    outbox_deleted: int
    outbox_scrubbed: int
    audit_scrubbed: int
    person_deleted: bool


class PrivacyRepository:
    """Reads pairings of a person and erases a person's data, in the caller's transaction."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def pairings_of(
        self, *, cohort_id: int, person_id: int, states: Collection[PairingState]
    ) -> list[Pairing]:
        """The person's pairings in a cohort in one of `states`, oldest first."""
        statement = (
            select(Pairing)
            .where(
                Pairing.cohort_id == cohort_id,
                or_(Pairing.employee_id == person_id, Pairing.executive_id == person_id),
                Pairing.state.in_(list(states)),
            )
            .order_by(Pairing.id)
        )
        return list(self._session.scalars(statement).all())

    def people_by_id(self, *, team_id: str, person_ids: Collection[int]) -> dict[int, Person]:
        """People of this workspace by database id (unknown ids are left out)."""
        if not person_ids:
            return {}
        statement = select(Person).where(Person.team_id == team_id, Person.id.in_(list(person_ids)))
        return {person.id: person for person in self._session.scalars(statement)}

    def erase_person(self, *, person: Person, anonymous_user_id: str, at: datetime) -> ErasureCounts:
        """Remove every personal field of `person` from every table.

        Their survey answers, enrollments, check-ins, reflections and the messages addressed
        to them are deleted; other messages and audit events that name them are scrubbed. The
        person row is deleted, or, if a pairing still refers to it (their partner's history
        and the anonymous counts need it), emptied and given `anonymous_user_id` instead.
        """
        team_id, user_id = person.team_id, person.user_id
        enrollment_ids = select(Enrollment.id).where(Enrollment.person_id == person.id)
        self._session.execute(
            delete(EnrollmentSkill)
            .where(EnrollmentSkill.enrollment_id.in_(enrollment_ids))
            .execution_options(synchronize_session=False)
        )
        enrollments = self._delete(delete(Enrollment).where(Enrollment.person_id == person.id))
        checkins = self._delete(delete(Checkin).where(Checkin.person_id == person.id))
        reflections = self._delete(delete(Reflection).where(Reflection.author_id == person.id))
        self._delete(delete(SurveyResponse).where(SurveyResponse.person_id == person.id))
        pattern = f"%{_escape_like(user_id)}%"
        outbox_deleted = self._delete(
            delete(OutboxMessage).where(
                OutboxMessage.team_id == team_id,
                or_(
                    OutboxMessage.recipient.like(pattern, escape="\\"),
                    OutboxMessage.dedupe_key.like(pattern, escape="\\"),
                ),
            )
        )
        outbox_scrubbed = self._scrub_outbox(team_id=team_id, pattern=pattern, at=at)
        audit_scrubbed = self._scrub_audit(team_id=team_id, user_id=user_id, replacement=anonymous_user_id)
        self._session.execute(
            update(Cohort)
            .where(Cohort.team_id == team_id, Cohort.created_by_user_id == user_id)
            .values(created_by_user_id=None)
            .execution_options(synchronize_session=False)
        )
        # Reasons are written with both members' names; previews list people by id and name.
        self._session.execute(
            update(Pairing)
            .where(or_(Pairing.employee_id == person.id, Pairing.executive_id == person.id))
            .values(reasons=[])
            .execution_options(synchronize_session=False)
        )
        self._scrub_match_runs(team_id=team_id, user_id=user_id)
        referenced = self._session.scalar(
            select(exists().where(or_(Pairing.employee_id == person.id, Pairing.executive_id == person.id)))
        )
        if referenced:
            person.user_id = anonymous_user_id
            person.name = None
            person.real_name = None
            person.tz = None
            person.department = None
            person.manager_user_id = None
            person.role = None
            person.paused_until_date = None
            person.unreachable_reason = None
            person.unreachable_at = None
            person.deactivated_at = None
            person.active = False
        else:
            self._session.delete(person)
        self._session.flush()
        return ErasureCounts(
            enrollments=enrollments,
            checkins=checkins,
            reflections=reflections,
            outbox_deleted=outbox_deleted,
            outbox_scrubbed=outbox_scrubbed,
            audit_scrubbed=audit_scrubbed,
            person_deleted=not referenced,
        )

    def _delete(self, statement: Any) -> int:
        result = self._session.execute(statement.execution_options(synchronize_session=False))
        return int(result.rowcount or 0)

    def _scrub_outbox(self, *, team_id: str, pattern: str, at: datetime) -> int:
        """Messages to others that mention the person keep their row (and dedupe key), not their text."""
        statement = select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, cast(OutboxMessage.payload, Text).like(pattern, escape="\\")
        )
        rows = list(self._session.scalars(statement))
        for row in rows:
            row.payload = dict(ERASED_PAYLOAD)
            if row.status in (OutboxStatus.PENDING, OutboxStatus.FAILED):
                row.status = OutboxStatus.CANCELLED
            row.updated_at = at
        return len(rows)

    def _scrub_match_runs(self, *, team_id: str, user_id: str) -> None:
        """Matching previews forget the person: their digest, their unmatched line, their invitation."""
        statement = select(MatchRun).where(
            MatchRun.team_id == team_id,
            or_(
                cast(MatchRun.inputs, Text).like(f"%{_escape_like(user_id)}%", escape="\\"),
                cast(MatchRun.details, Text).like(f"%{_escape_like(user_id)}%", escape="\\"),
            ),
        )
        for run in self._session.scalars(statement):
            people = {key: value for key, value in (run.inputs.get("people") or {}).items() if key != user_id}
            run.inputs = {**run.inputs, "people": people}
            run.details = {
                **run.details,
                "unmatched": [e for e in run.details.get("unmatched", []) if e.get("user_id") != user_id],
                "awaiting_survey": [u for u in run.details.get("awaiting_survey", []) if u != user_id],
            }

    def _scrub_audit(self, *, team_id: str, user_id: str, replacement: str) -> int:
        """Audit events keep what happened; the person they name becomes anonymous."""
        pattern = f"%{_escape_like(user_id)}%"
        statement = select(AuditEvent).where(
            AuditEvent.team_id == team_id,
            or_(
                AuditEvent.target.like(pattern, escape="\\"),
                cast(AuditEvent.details, Text).like(pattern, escape="\\"),
            ),
        )
        rows = list(self._session.scalars(statement))
        for row in rows:
            if row.target is not None:
                row.target = row.target.replace(user_id, replacement)
            row.details = _replace_in(row.details, old=user_id, new=replacement)
        return len(rows)


def _replace_in(value: Any, *, old: str, new: str) -> Any:
    """`value` (JSON-like) with every occurrence of `old` in its strings and keys replaced."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace_in(item, old=old, new=new) for item in value]
    if isinstance(value, dict):
        return {
            _replace_in(key, old=old, new=new): _replace_in(item, old=old, new=new)
            for key, item in value.items()
        }
    return value


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
