"""Use cases of the skills taxonomy: list it (seeding the defaults), add, rename, retire, restore.

Every change is written to the audit log in the same transaction. Answers point at skill
ids, so nothing here ever touches them: a rename relabels them, a retirement leaves them be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.commands import shown_word
from bot.skills import (
    DEFAULT_SKILLS,
    EMPLOYEE,
    EXECUTIVE,
    MAX_ACTIVE_SKILLS,
    SkillError,
    check_skill_name,
    escape_mrkdwn,
    new_skill_key,
)
from storage.models import Skill, SkillSide
from storage.repositories.skill import SkillSeed
from storage.uow import UnitOfWork

_DEFAULT_SEEDS = tuple(
    SkillSeed(key=skill.key, name=skill.name, offered_by=SkillSide(skill.offered_by), position=position)
    for position, skill in enumerate(DEFAULT_SKILLS)
)


@dataclass(frozen=True, kw_only=True)
class SkillInfo:
    """A skill as the views need it; `offered_by` is `employee` or `executive`."""

    id: int
    key: str
    name: str
    offered_by: str
    retired: bool

    @classmethod
    def of(cls, skill: Skill) -> SkillInfo:
        return cls(
            id=skill.id,
            key=skill.key,
            name=skill.name,
            offered_by=str(skill.offered_by),
            retired=skill.retired_at is not None,
        )


@dataclass(frozen=True, kw_only=True)
class SkillCatalogue:
    """A workspace's whole taxonomy, in survey order."""

    skills: tuple[SkillInfo, ...]

    def offered_by(self, side: str) -> tuple[SkillInfo, ...]:
        """The skills still offered that `side` (`employee` or `executive`) shares."""
        return tuple(skill for skill in self.skills if not skill.retired and skill.offered_by == side)

    @property
    def retired(self) -> tuple[SkillInfo, ...]:
        return tuple(skill for skill in self.skills if skill.retired)


@dataclass(frozen=True, kw_only=True)
class SkillChange:
    """What a change did, for the admin's answer."""

    action: str
    skill: SkillInfo
    previous_name: str | None = None
    answers_keeping_it: int = 0


def list_skills(*, uow: UnitOfWork, team_id: str) -> SkillCatalogue:
    """The taxonomy, retired skills included; a workspace's first look seeds the defaults."""
    with uow:
        _ensure_taxonomy(uow, team_id=team_id)
        skills = uow.skills.find_all(team_id=team_id, include_retired=True)
        uow.commit()
        return SkillCatalogue(skills=tuple(SkillInfo.of(skill) for skill in skills))


def add_skill(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    offered_by: str,
    name: str,
    now: datetime | None = None,
) -> SkillChange:
    """Add a skill that `offered_by` (`employee` or `executive`) shares; it gets a new, unused key."""
    if offered_by not in (EMPLOYEE, EXECUTIVE):
        raise SkillError("Say who shares the new skill: `employee` or `executive`.")
    now = now or datetime.now(UTC)
    with uow:
        _ensure_taxonomy(uow, team_id=team_id)
        offered = uow.skills.find_all(team_id=team_id)
        clean_name = check_skill_name(name, active_names=[skill.name for skill in offered])
        _require_room(len(offered))
        key = new_skill_key(clean_name, taken=uow.skills.keys(team_id=team_id))
        skill = uow.skills.add(team_id=team_id, key=key, name=clean_name, offered_by=SkillSide(offered_by))
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="skill.add",
            target=key,
            details={"name": clean_name, "offered_by": offered_by},
            at=now,
        )
        uow.commit()
        return SkillChange(action="add", skill=SkillInfo.of(skill))


def rename_skill(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    key: str,
    name: str,
    now: datetime | None = None,
) -> SkillChange:
    """Give a skill a new name; its key stays, and answers that chose it show the new name."""
    now = now or datetime.now(UTC)
    with uow:
        skill = _require_skill(uow, team_id=team_id, key=key)
        others = [other.name for other in uow.skills.find_all(team_id=team_id) if other.id != skill.id]
        clean_name = check_skill_name(name, active_names=others)
        previous_name = skill.name
        if clean_name == previous_name:
            raise SkillError(f"`{skill.key}` is already called *{escape_mrkdwn(previous_name)}*.")
        uow.skills.rename(skill=skill, name=clean_name)
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="skill.rename",
            target=skill.key,
            details={"from": previous_name, "to": clean_name},
            at=now,
        )
        uow.commit()
        return SkillChange(action="rename", skill=SkillInfo.of(skill), previous_name=previous_name)


def retire_skill(
    *, uow: UnitOfWork, team_id: str, actor_user_id: str, key: str, now: datetime | None = None
) -> SkillChange:
    """Stop offering a skill in the survey; answers that already chose it keep it."""
    now = now or datetime.now(UTC)
    with uow:
        skill = _require_skill(uow, team_id=team_id, key=key)
        if skill.retired_at is not None:
            raise SkillError(
                f"*{escape_mrkdwn(skill.name)}* (`{skill.key}`) is already retired. "
                f"`/mentor-admin skills restore {skill.key}` offers it again."
            )
        same_side = [
            other for other in uow.skills.find_all(team_id=team_id) if other.offered_by == skill.offered_by
        ]
        if len(same_side) <= 1:
            # The survey asks for at least one skill from each side; an empty list would block it.
            side = _side_plural(str(skill.offered_by))
            raise SkillError(
                f"*{escape_mrkdwn(skill.name)}* is the last skill {side} can share, and the survey "
                "needs at least one. Add another first."
            )
        uow.skills.retire(skill=skill, at=now)
        answers = uow.skills.count_enrollments_choosing(team_id=team_id, skill_id=skill.id)
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="skill.retire",
            target=skill.key,
            details={"name": skill.name, "answers_keeping_it": answers},
            at=now,
        )
        uow.commit()
        return SkillChange(action="retire", skill=SkillInfo.of(skill), answers_keeping_it=answers)


def restore_skill(
    *, uow: UnitOfWork, team_id: str, actor_user_id: str, key: str, now: datetime | None = None
) -> SkillChange:
    """Offer a retired skill again, unless an offered skill has taken its name meanwhile."""
    now = now or datetime.now(UTC)
    with uow:
        skill = _require_skill(uow, team_id=team_id, key=key)
        if skill.retired_at is None:
            raise SkillError(
                f"*{escape_mrkdwn(skill.name)}* (`{skill.key}`) is not retired: the survey offers it."
            )
        offered = uow.skills.find_all(team_id=team_id)
        clash = next((other for other in offered if other.name.casefold() == skill.name.casefold()), None)
        if clash is not None:
            raise SkillError(
                f"The offered skill `{clash.key}` is also called *{escape_mrkdwn(clash.name)}*. "
                f"Rename one of them first, for example `/mentor-admin skills rename {skill.key} NEW NAME`."
            )
        _require_room(len(offered))
        uow.skills.restore(skill=skill)
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="skill.restore",
            target=skill.key,
            details={"name": skill.name},
            at=now,
        )
        uow.commit()
        return SkillChange(action="restore", skill=SkillInfo.of(skill))


def _ensure_taxonomy(uow: UnitOfWork, *, team_id: str) -> None:
    """Make sure the workspace exists and has the default skills it has not had yet."""
    uow.workspaces.ensure(team_id=team_id)
    uow.skills.seed_defaults(team_id=team_id, defaults=_DEFAULT_SEEDS)


def _require_skill(uow: UnitOfWork, *, team_id: str, key: str) -> Skill:
    _ensure_taxonomy(uow, team_id=team_id)
    skill = uow.skills.find_by_key(team_id=team_id, key=key)
    if skill is None:
        raise SkillError(
            f"I don't know a skill with the key `{shown_word(key)}`. "
            "`/mentor-admin skills` lists every skill with its key."
        )
    return skill


def _require_room(offered_count: int) -> None:
    if offered_count >= MAX_ACTIVE_SKILLS:
        raise SkillError(
            f"The survey already offers {offered_count} skills, as many as Slack's menus can show. "
            "Retire one first."
        )


def _side_plural(side: str) -> str:
    return "employees" if side == EMPLOYEE else "executives"
