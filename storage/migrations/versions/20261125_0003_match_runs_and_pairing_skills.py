"""Match runs (the admin's matching previews) and the shared skills of each pairing.

Revision ID: 20261125_0003
Revises: 20261124_0002
Create Date: 2026-11-25 01:29:31.881940
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261125_0003"
down_revision: str | Sequence[str] | None = "20261124_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("created_by_user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_user_id", sa.String(length=32), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohort.id"], name=op.f("fk_match_run_cohort_id_cohort")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_run")),
    )
    with op.batch_alter_table("match_run", schema=None) as batch_op:
        batch_op.create_index("ix_match_run_cohort_id_state", ["cohort_id", "state"], unique=False)

    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "employee_skill_ids",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "executive_skill_ids",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pairing_match_run_id_match_run"), "match_run", ["match_run_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pairing_match_run_id_match_run"), type_="foreignkey")
        batch_op.drop_column("executive_skill_ids")
        batch_op.drop_column("employee_skill_ids")
        batch_op.drop_column("match_run_id")

    with op.batch_alter_table("match_run", schema=None) as batch_op:
        batch_op.drop_index("ix_match_run_cohort_id_state")

    op.drop_table("match_run")
