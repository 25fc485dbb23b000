"""Outbox claims (token, time, verify-before-send) and unreachable people.

Revision ID: 20261124_0002
Revises: 20261124_0001
Create Date: 2026-11-24 23:36:10.150826
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261124_0002"
down_revision: str | Sequence[str] | None = "20261124_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("verify_before_send", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_outbox_team_id_recipient", ["team_id", "recipient"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_reason", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("unreachable_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("unreachable_at")
        batch_op.drop_column("unreachable_reason")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_team_id_recipient")
        batch_op.drop_column("verify_before_send")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("claimed_at")
