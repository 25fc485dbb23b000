"""Events API events already acted on, so that Slack's retries of them (same event_id) do nothing.

Revision ID: 20261125_0005
Revises: 20261125_0004
Create Date: 2026-11-25 02:44:57.304118
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261125_0005"
down_revision: str | Sequence[str] | None = "20261125_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_event",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "event_id", name=op.f("pk_processed_event")),
    )
    op.create_index("ix_processed_event_received_at", "processed_event", ["received_at"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes too, on SQLite and PostgreSQL alike.
    op.drop_table("processed_event")
