"""Answers to the program's midpoint and closing surveys (one row per cohort, person and survey).

Revision ID: 20261125_0004
Revises: 20261125_0003
Create Date: 2026-11-25 02:00:58.784963
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261125_0004"
down_revision: str | Sequence[str] | None = "20261125_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("again", sa.String(length=16), nullable=False),
        sa.Column("skills_gained", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_survey_response_cohort_id_cohort")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_survey_response_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint(
            "cohort_id", "person_id", "kind", name=op.f("uq_survey_response_cohort_id_person_id_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("survey_response")
