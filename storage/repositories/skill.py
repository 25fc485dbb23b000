"""Skills: each workspace's taxonomy, offered in the survey and retired rather than deleted.

Survey answers (``enrollment_skill``) point at a skill's id, so a rename shows everywhere and
a retired skill stays on the answers that chose it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import EnrollmentSkill, Skill, SkillSide
from storage.types import utc_now


@dataclass(frozen=True, kw_only=True)
class SkillSeed:
    """A default skill to insert into a workspace's taxonomy if it is missing."""

    key: str
    name: str
    offered_by: SkillSide
    position: int


class SkillRepository:
    """Reads and writes ``skill`` rows, always scoped by ``team_id``."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def find_all(self, *, team_id: str, include_retired: bool = False) -> list[Skill]:
        """The workspace's skills in survey order (position, then name); offered ones only unless asked."""
        statement = select(Skill).where(Skill.team_id == team_id)
        if not include_retired:
            statement = statement.where(Skill.retired_at.is_(None))
        statement = statement.order_by(Skill.position, func.lower(Skill.name), Skill.id)
        return list(self._session.scalars(statement).all())

    def get(self, *, team_id: str, skill_id: int) -> Skill | None:
        """The skill with this id in this workspace, or None (another workspace's id finds nothing)."""
        statement = select(Skill).where(Skill.team_id == team_id, Skill.id == skill_id)
        return self._session.scalars(statement).one_or_none()

    def find_by_key(self, *, team_id: str, key: str) -> Skill | None:
        """The skill with this key, matched without regard to case; None if there is none."""
        statement = select(Skill).where(Skill.team_id == team_id, func.lower(Skill.key) == key.lower())
        return self._session.scalars(statement).first()

    def keys(self, *, team_id: str) -> set[str]:
        """Every key the workspace has used, retired skills included (keys are never reused)."""
        return set(self._session.scalars(select(Skill.key).where(Skill.team_id == team_id)).all())

    def add(self, *, team_id: str, key: str, name: str, offered_by: SkillSide) -> Skill:
        """Add an offered skill after the existing ones. The workspace row must exist."""
        next_position = self._session.scalar(
            select(func.coalesce(func.max(Skill.position), -1) + 1).where(Skill.team_id == team_id)
        )
        skill = Skill(team_id=team_id, key=key, name=name, offered_by=offered_by, position=next_position)
        self._session.add(skill)
        self._session.flush()
        return skill

    def rename(self, *, skill: Skill, name: str) -> Skill:
        skill.name = name
        return skill

    def retire(self, *, skill: Skill, at: datetime) -> Skill:
        """Stop offering the skill; answers that chose it keep it."""
        skill.retired_at = at
        return skill

    def restore(self, *, skill: Skill) -> Skill:
        """Offer a retired skill again."""
        skill.retired_at = None
        return skill

    def seed_defaults(self, *, team_id: str, defaults: Sequence[SkillSeed]) -> int:
        """Insert the defaults the workspace lacks; returns how many were inserted.

        A default is skipped when its key exists (even retired or renamed: the admin decided)
        or an existing skill already has its name. Safe to call on every use and from two
        processes at once: a concurrent insert of the same key is ignored, not an error.
        The workspace row must exist.
        """
        existing = self._session.execute(select(Skill.key, Skill.name).where(Skill.team_id == team_id)).all()
        taken_keys = {key for key, _ in existing}
        taken_names = {name.casefold() for _, name in existing}
        missing = [
            seed
            for seed in defaults
            if seed.key not in taken_keys and seed.name.casefold() not in taken_names
        ]
        if not missing:
            return 0
        now = utc_now()
        insert = postgresql.insert if self._session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert(Skill)
            .values(
                [
                    {
                        "team_id": team_id,
                        "key": seed.key,
                        "name": seed.name,
                        "offered_by": seed.offered_by,
                        "position": seed.position,
                        "retired_at": None,
                        "created_at": now,
                    }
                    for seed in missing
                ]
            )
            .on_conflict_do_nothing(index_elements=["team_id", "key"])
            .returning(Skill.id)
        )
        # Rows come back only for inserted skills (rowcount is unreliable with RETURNING).
        return len(self._session.execute(statement).all())

    def count_enrollments_choosing(self, *, team_id: str, skill_id: int) -> int:
        """How many survey answers (enrollments) chose the skill, to share or to learn."""
        statement = select(func.count(func.distinct(EnrollmentSkill.enrollment_id))).where(
            EnrollmentSkill.team_id == team_id, EnrollmentSkill.skill_id == skill_id
        )
        return self._session.scalar(statement) or 0
