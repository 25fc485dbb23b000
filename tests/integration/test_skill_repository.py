"""The skill and audit repositories, and the skills services, against a real database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.services import skills
from bot.skills import DEFAULT_SKILLS
from storage.models import Skill, SkillSide
from storage.repositories.skill import SkillSeed

TEAM = "T0001"
OTHER_TEAM = "T0002"
SEEDS = [
    SkillSeed(key="leadership", name="Leadership", offered_by=SkillSide.EXECUTIVE, position=1),
    SkillSeed(key="ai-tools", name="AI and new tools", offered_by=SkillSide.EMPLOYEE, position=0),
]


def seed(uow_factory, *, team_id: str = TEAM, seeds=SEEDS) -> int:
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        inserted = uow.skills.seed_defaults(team_id=team_id, defaults=seeds)
        uow.commit()
        return inserted


def test_seeding_inserts_only_what_is_missing(uow_factory):
    assert seed(uow_factory) == 2
    assert seed(uow_factory) == 0
    with uow_factory() as uow:
        assert [skill.key for skill in uow.skills.find_all(team_id=TEAM)] == ["ai-tools", "leadership"]


def test_seeding_respects_what_admins_did_with_the_defaults(uow_factory):
    seed(uow_factory)
    with uow_factory() as uow:
        leadership = uow.skills.find_by_key(team_id=TEAM, key="leadership")
        uow.skills.retire(skill=leadership, at=datetime.now(UTC))
        ai_tools = uow.skills.find_by_key(team_id=TEAM, key="ai-tools")
        uow.skills.rename(skill=ai_tools, name="AI at work")
        uow.skills.add(team_id=TEAM, key="my-strategy", name="Strategy", offered_by=SkillSide.EXECUTIVE)
        uow.commit()
    more = [*SEEDS, SkillSeed(key="strategy", name="Strategy", offered_by=SkillSide.EXECUTIVE, position=2)]
    assert seed(uow_factory, seeds=more) == 0, "retired, renamed and same-named defaults are not re-added"


def test_skills_are_scoped_by_workspace(uow_factory):
    seed(uow_factory)
    seed(uow_factory, team_id=OTHER_TEAM)
    with uow_factory() as uow:
        mine = uow.skills.find_by_key(team_id=TEAM, key="leadership")
        theirs = uow.skills.find_by_key(team_id=OTHER_TEAM, key="leadership")
        assert mine.id != theirs.id
        assert uow.skills.get(team_id=TEAM, skill_id=theirs.id) is None
        assert uow.skills.get(team_id=TEAM, skill_id=mine.id) is mine
        uow.skills.retire(skill=mine, at=datetime.now(UTC))
        uow.commit()
    with uow_factory() as uow:
        assert len(uow.skills.find_all(team_id=OTHER_TEAM)) == 2


def test_keys_are_found_in_any_case(uow_factory):
    seed(uow_factory)
    with uow_factory() as uow:
        assert uow.skills.find_by_key(team_id=TEAM, key="AI-Tools").key == "ai-tools"
        assert uow.skills.find_by_key(team_id=TEAM, key="nope") is None


def test_listing_orders_by_position_then_name_and_hides_retired_unless_asked(uow_factory):
    seed(uow_factory)
    with uow_factory() as uow:
        added = uow.skills.add(team_id=TEAM, key="zen", name="zen", offered_by=SkillSide.EMPLOYEE)
        assert added.position == 2, "added after the existing ones"
        uow.skills.add(team_id=TEAM, key="art", name="Art", offered_by=SkillSide.EMPLOYEE)
        uow.skills.retire(skill=added, at=datetime.now(UTC))
        uow.commit()
    with uow_factory() as uow:
        assert [skill.key for skill in uow.skills.find_all(team_id=TEAM)] == ["ai-tools", "leadership", "art"]
        everything = uow.skills.find_all(team_id=TEAM, include_retired=True)
        assert [skill.key for skill in everything] == ["ai-tools", "leadership", "zen", "art"]
        zen = everything[2]
        uow.skills.restore(skill=zen)
        uow.commit()
    with uow_factory() as uow:
        assert uow.skills.find_by_key(team_id=TEAM, key="zen").retired_at is None
        assert uow.skills.keys(team_id=TEAM) == {"ai-tools", "leadership", "zen", "art"}


def test_audit_events_are_recorded_and_read_newest_first(uow_factory):
    now = datetime.now(UTC)
    with uow_factory() as uow:
        for minutes, action in ((1, "skill.add"), (2, "skill.retire")):
            uow.audit.record(
                team_id=TEAM,
                actor_user_id="U1",
                action=action,
                target="zen",
                details={"n": minutes},
                at=now + timedelta(minutes=minutes),
            )
        uow.audit.record(team_id=OTHER_TEAM, actor_user_id="U2", action="x", target=None, details={}, at=now)
        uow.commit()
    with uow_factory() as uow:
        events = uow.audit.recent(team_id=TEAM)
        assert [event.action for event in events] == ["skill.retire", "skill.add"]
        assert events[0].details == {"n": 2}
        assert events[0].created_at == now + timedelta(minutes=2)


def test_first_looks_from_many_threads_seed_the_defaults_once(uow_factory):
    threads = 6
    start = threading.Barrier(threads, timeout=10)

    def first_look() -> int:
        start.wait()
        return len(skills.list_skills(uow=uow_factory(), team_id=TEAM).skills)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        counts = [future.result(timeout=30) for future in [pool.submit(first_look) for _ in range(threads)]]

    assert counts == [len(DEFAULT_SKILLS)] * threads
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Skill)) == len(DEFAULT_SKILLS)
