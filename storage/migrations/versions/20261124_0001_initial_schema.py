"""initial schema

Revision ID: 20261124_0001
Revises:
Create Date: 2026-11-24 23:18:03.725434

Self-contained on purpose (no import of storage.*): a migration must keep creating the same
schema after the models have moved on. Tables are created parents first, dropped children first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261124_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Column types as the models define them (storage.types), spelled with plain SQLAlchemy types.
SLACK_ID = sa.String(length=32)
NAME = sa.String(length=255)
ENUM = sa.String(length=20)
UTC_DATETIME = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

TABLES_CHILDREN_FIRST = (
    "audit_event",
    "outbox",
    "reflection",
    "checkin",
    "pairing",
    "enrollment_skill",
    "enrollment",
    "skill",
    "cohort",
    "person",
    "workspace",
)


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("name", NAME, nullable=True),
        sa.Column("installed_at", UTC_DATETIME, nullable=False),
        sa.Column("uninstalled_at", UTC_DATETIME, nullable=True),
        sa.Column("settings", JSON, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspace")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("user_id", SLACK_ID, nullable=False),
        sa.Column("name", NAME, nullable=True),
        sa.Column("real_name", NAME, nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("role", ENUM, nullable=True),
        sa.Column("department", NAME, nullable=True),
        sa.Column("manager_user_id", SLACK_ID, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_at", UTC_DATETIME, nullable=True),
        sa.Column("paused_until_date", sa.Date(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"], name=op.f("fk_person_team_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_person_team_id_user_id")),
    )
    op.create_table(
        "cohort",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("cadence_weeks", sa.Integer(), nullable=False),
        sa.Column("checkin_weekday", sa.Integer(), nullable=False),
        sa.Column("checkin_hour", sa.Integer(), nullable=False),
        sa.Column("allow_same_department", sa.Boolean(), nullable=False),
        sa.Column("employees_per_executive", sa.Integer(), nullable=False),
        sa.Column("executives_per_employee", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", SLACK_ID, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"], name=op.f("fk_cohort_team_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort")),
    )
    op.create_index(op.f("ix_cohort_team_id_state"), "cohort", ["team_id", "state"], unique=False)
    op.create_table(
        "skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("offered_by", ENUM, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"], name=op.f("fk_skill_team_id_workspace")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_skill_team_id_key")),
    )
    op.create_table(
        "enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("department", NAME, nullable=True),
        sa.Column("goals", sa.Text(), nullable=True),
        sa.Column("meeting_format", ENUM, nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("consent_at", UTC_DATETIME, nullable=True),
        sa.Column("invited_at", UTC_DATETIME, nullable=True),
        sa.Column("surveyed_at", UTC_DATETIME, nullable=True),
        sa.Column("left_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_enrollment_cohort_id_cohort")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_enrollment_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
        sa.UniqueConstraint("cohort_id", "person_id", name=op.f("uq_enrollment_cohort_id_person_id")),
    )
    op.create_table(
        "enrollment_skill",
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("direction", ENUM, nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollment.id"],
            name=op.f("fk_enrollment_skill_enrollment_id_enrollment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["skill_id"], ["skill.id"], name=op.f("fk_enrollment_skill_skill_id_skill")),
        sa.PrimaryKeyConstraint("enrollment_id", "skill_id", "direction", name=op.f("pk_enrollment_skill")),
    )
    op.create_table(
        "pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("executive_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("source", ENUM, nullable=False),
        sa.Column("intro_channel_id", SLACK_ID, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("confirmed_at", UTC_DATETIME, nullable=True),
        sa.Column("ended_at", UTC_DATETIME, nullable=True),
        sa.Column("end_reason", NAME, nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_pairing_cohort_id_cohort")),
        sa.ForeignKeyConstraint(["employee_id"], ["person.id"], name=op.f("fk_pairing_employee_id_person")),
        sa.ForeignKeyConstraint(["executive_id"], ["person.id"], name=op.f("fk_pairing_executive_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing")),
    )
    op.create_index(op.f("ix_pairing_cohort_id_state"), "pairing", ["cohort_id", "state"], unique=False)
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answer", ENUM, nullable=True),
        sa.Column("answered_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairing.id"], name=op.f("fk_checkin_pairing_id_pairing"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_checkin_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
        sa.UniqueConstraint(
            "pairing_id", "period", "person_id", name=op.f("uq_checkin_pairing_id_period_person_id")
        ),
    )
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("will_try", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_reflection_author_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairing.id"], name=op.f("fk_reflection_pairing_id_pairing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflection")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", ENUM, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=False),
        sa.Column("claimed_until", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("channel_id", SLACK_ID, nullable=True),
        sa.Column("slack_ts", SLACK_ID, nullable=True),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("team_id", "dedupe_key", name=op.f("uq_outbox_team_id_dedupe_key")),
    )
    op.create_index(
        op.f("ix_outbox_status_next_attempt_at"), "outbox", ["status", "next_attempt_at"], unique=False
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", SLACK_ID, nullable=False),
        sa.Column("actor_user_id", SLACK_ID, nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", NAME, nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(
        op.f("ix_audit_event_team_id_created_at"), "audit_event", ["team_id", "created_at"], unique=False
    )


def downgrade() -> None:
    # Dropping a table drops its indexes too, on SQLite and PostgreSQL alike.
    for table in TABLES_CHILDREN_FIRST:
        op.drop_table(table)
