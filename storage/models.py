"""The database schema as typed SQLAlchemy models, plus the state enums the application uses.

Every row carries ``team_id`` because one bot process may serve several Slack workspaces and
every query is scoped by it. Times are aware UTC datetimes (``*_at``), calendar days are
dates (``*_date``). States are StrEnums stored as plain strings (see ``storage.types``), so a
new state is a code change, not a migration. Defaults are applied in Python at flush time.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import JSONType, StrEnumType, UTCDateTime, utc_now

# Deterministic constraint names: Alembic needs names to alter or drop constraints later,
# and SQLite batch migrations can only recreate what they can name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Slack ids (T…, U…, C…, ts) are short; leave room for Enterprise Grid and future formats.
SLACK_ID = String(32)
NAME = String(255)


class PersonRole(StrEnum):
    EMPLOYEE = "employee"
    EXECUTIVE = "executive"


class SkillSide(StrEnum):
    """Which side of a pair usually has the skill to offer."""

    EMPLOYEE = "employee"
    EXECUTIVE = "executive"


class SkillDirection(StrEnum):
    SHARE = "share"
    LEARN = "learn"


class CohortState(StrEnum):
    DRAFT = "draft"
    ENROLLING = "enrolling"
    ACTIVE = "active"
    CLOSED = "closed"


class EnrollmentState(StrEnum):
    INVITED = "invited"
    SURVEYED = "surveyed"
    MATCHED = "matched"
    PAUSED = "paused"
    LEFT = "left"


class MeetingFormat(StrEnum):
    VIDEO = "video"
    IN_PERSON = "in_person"
    EITHER = "either"


class PairingState(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class PairingSource(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


class MatchRunState(StrEnum):
    """A computed pairing: waiting for Confirm, confirmed, or replaced by a newer one."""

    PREVIEW = "preview"
    CONFIRMED = "confirmed"
    SUPERSEDED = "superseded"


class CheckinAnswer(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    PAUSE = "pause"


class ProgramSurveyKind(StrEnum):
    """The program's two surveys: half-way through a cohort, and at its end."""

    MIDPOINT = "midpoint"
    CLOSING = "closing"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Base(DeclarativeBase):
    """Declarative base: shared metadata (with the naming convention) and type defaults."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # A bare ``Mapped[datetime]`` must never become a naive DateTime column.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
        list[int]: JSONType,
    }


class Workspace(Base):
    """A Slack workspace that installed the bot; holds its settings."""

    __tablename__ = "workspace"

    team_id: Mapped[str] = mapped_column(SLACK_ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(NAME)
    installed_at: Mapped[datetime] = mapped_column(default=utc_now)
    uninstalled_at: Mapped[datetime | None]
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Person(Base):
    """A Slack user as the bot knows them: profile, time zone, role and availability."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, ForeignKey("workspace.team_id"))
    user_id: Mapped[str] = mapped_column(SLACK_ID)
    name: Mapped[str | None] = mapped_column(NAME)
    real_name: Mapped[str | None] = mapped_column(NAME)
    tz: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[PersonRole | None] = mapped_column(StrEnumType(PersonRole))
    department: Mapped[str | None] = mapped_column(NAME)
    manager_user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[datetime | None]
    paused_until_date: Mapped[date | None]
    # Set when Slack refused a DM to this person for good (account_inactive, user_not_found...):
    # nothing more is sent to them until their profile says otherwise.
    unreachable_reason: Mapped[str | None] = mapped_column(String(64))
    unreachable_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class Cohort(Base):
    """One run of the program: its calendar, check-in rhythm and matching rules."""

    __tablename__ = "cohort"
    __table_args__ = (Index("ix_cohort_team_id_state", "team_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, ForeignKey("workspace.team_id"))
    name: Mapped[str] = mapped_column(NAME)
    state: Mapped[CohortState] = mapped_column(StrEnumType(CohortState), default=CohortState.DRAFT)
    start_date: Mapped[date]
    weeks: Mapped[int] = mapped_column(Integer, default=12)
    cadence_weeks: Mapped[int] = mapped_column(Integer, default=2)
    checkin_weekday: Mapped[int] = mapped_column(Integer, default=1)  # 0 = Monday … 6 = Sunday
    checkin_hour: Mapped[int] = mapped_column(Integer, default=10)  # in each person's own time zone
    allow_same_department: Mapped[bool] = mapped_column(Boolean, default=False)
    employees_per_executive: Mapped[int] = mapped_column(Integer, default=1)
    executives_per_employee: Mapped[int] = mapped_column(Integer, default=1)
    created_by_user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    closed_at: Mapped[datetime | None]


class Skill(Base):
    """A skill of the workspace's taxonomy, offered in the survey; retired rather than deleted."""

    __tablename__ = "skill"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID, ForeignKey("workspace.team_id"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(NAME)
    offered_by: Mapped[SkillSide] = mapped_column(StrEnumType(SkillSide))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Enrollment(Base):
    """A person taking part in a cohort, with their survey answers and consent."""

    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[PersonRole] = mapped_column(StrEnumType(PersonRole))
    state: Mapped[EnrollmentState] = mapped_column(
        StrEnumType(EnrollmentState), default=EnrollmentState.INVITED
    )
    department: Mapped[str | None] = mapped_column(NAME)
    goals: Mapped[str | None] = mapped_column(Text)
    meeting_format: Mapped[MeetingFormat | None] = mapped_column(StrEnumType(MeetingFormat))
    capacity: Mapped[int | None] = mapped_column(Integer)
    consent_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]
    surveyed_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class EnrollmentSkill(Base):
    """A skill an enrolled person wants to share or to learn (one row per direction)."""

    __tablename__ = "enrollment_skill"
    __table_args__ = (PrimaryKeyConstraint("enrollment_id", "skill_id", "direction"),)

    team_id: Mapped[str] = mapped_column(SLACK_ID)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"))
    direction: Mapped[SkillDirection] = mapped_column(StrEnumType(SkillDirection))


class MatchRun(Base):
    """One `/mentor-admin match` computation: what it saw, so a stale preview can be refused.

    ``inputs`` holds a digest per participant (their answers and availability) and one of the
    rules, so Confirm can tell what changed since; ``details`` what the preview shows besides
    the proposed pairings (the unmatched and why, who has not answered the survey).
    """

    __tablename__ = "match_run"
    __table_args__ = (Index("ix_match_run_cohort_id_state", "cohort_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    state: Mapped[MatchRunState] = mapped_column(StrEnumType(MatchRunState), default=MatchRunState.PREVIEW)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    fingerprint: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_user_id: Mapped[str] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    confirmed_by_user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    confirmed_at: Mapped[datetime | None]


class Pairing(Base):
    """An employee and an executive matched in a cohort, with why they were matched.

    A proposed pairing belongs to the preview (``match_run_id``) until Confirm makes it
    active; one an admin removed from a preview is kept as ended, so a re-run never
    proposes it again. ``*_skill_ids`` are the shared skills in each direction.
    """

    __tablename__ = "pairing"
    __table_args__ = (Index("ix_pairing_cohort_id_state", "cohort_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    executive_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    state: Mapped[PairingState] = mapped_column(StrEnumType(PairingState), default=PairingState.PROPOSED)
    source: Mapped[PairingSource] = mapped_column(StrEnumType(PairingSource), default=PairingSource.AUTO)
    intro_channel_id: Mapped[str | None] = mapped_column(SLACK_ID)
    match_run_id: Mapped[int | None] = mapped_column(ForeignKey("match_run.id"))
    employee_skill_ids: Mapped[list[int]] = mapped_column(default=list, server_default="[]")
    executive_skill_ids: Mapped[list[int]] = mapped_column(default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    confirmed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(NAME)


class Checkin(Base):
    """One member's answer to one period's check-in of a pairing."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("pairing_id", "period", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id", ondelete="CASCADE"))
    period: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer: Mapped[CheckinAnswer | None] = mapped_column(StrEnumType(CheckinAnswer))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Reflection(Base):
    """What someone learned; private unless ``shared`` is set by its author."""

    __tablename__ = "reflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    period: Mapped[int | None] = mapped_column(Integer)
    learned: Mapped[str] = mapped_column(Text)
    will_try: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class SurveyResponse(Base):
    """One participant's answers to a cohort's midpoint or closing survey; answering again updates it.

    ``again`` is "yes", "maybe" or "no"; ``skills_gained`` holds skill ids of the workspace.
    """

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    kind: Mapped[ProgramSurveyKind] = mapped_column(StrEnumType(ProgramSurveyKind))
    satisfaction: Mapped[int] = mapped_column(Integer)
    again: Mapped[str] = mapped_column(String(16))
    skills_gained: Mapped[list[int]] = mapped_column(default=list)
    comments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    answered_at: Mapped[datetime] = mapped_column(default=utc_now)


def _due_at_of_inserted_row(context: DefaultExecutionContext) -> datetime:
    """A new outbox row is first tried when it falls due."""
    due_at: datetime = context.get_current_parameters()["due_at"]
    return due_at


class OutboxMessage(Base):
    """A message to send later or in bulk (table ``outbox``): written first, delivered by the dispatcher.

    ``dedupe_key`` makes planning idempotent; ``claimed_until`` is the lease of a dispatcher
    that is sending it, so a crashed sender's rows are picked up again.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "dedupe_key"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_team_id_recipient", "team_id", "recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    # A user id, a channel id, or comma-joined user ids for a group DM.
    recipient: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[OutboxStatus] = mapped_column(StrEnumType(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=_due_at_of_inserted_row)
    claimed_until: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    # Identifies the dispatcher's claim: outcomes are recorded only by the current claimant.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # The last attempt may have reached Slack (a crash, a timeout, internal_error): look in
    # the conversation's history for this message before sending it again.
    verify_before_send: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_error: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(SLACK_ID)
    slack_ts: Mapped[str | None] = mapped_column(SLACK_ID)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class AuditEvent(Base):
    """An admin action, kept so that workspace admins can see who changed what."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_team_id_created_at", "team_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SLACK_ID)
    actor_user_id: Mapped[str] = mapped_column(SLACK_ID)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(NAME)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ProcessedEvent(Base):
    """An Events API event already acted on, so Slack's retries of it (same ``event_id``) do nothing.

    Written in the transaction of the event's side effects: an event whose handling failed
    leaves no row, and a retry of it is handled afresh. Slack retries within minutes, so
    rows older than a few days are pruned (``EventRepository.prune``).
    """

    __tablename__ = "processed_event"
    __table_args__ = (
        PrimaryKeyConstraint("team_id", "event_id"),
        Index("ix_processed_event_received_at", "received_at"),
    )

    team_id: Mapped[str] = mapped_column(SLACK_ID)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
