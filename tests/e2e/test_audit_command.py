"""`/mentor-admin audit [page]`: admins read who did what, page by page, through signed HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.services import skills
from storage.models import CohortState
from tests.blockkit import assert_valid_message
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command

EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def record(uow_factory, team_id: str, *, count: int, start: datetime = EPOCH) -> None:
    """`count` nudges, one a minute from `start`: check-in i reached i people."""
    with uow_factory() as uow:
        for index in range(1, count + 1):
            uow.audit.record(
                team_id=team_id,
                actor_user_id=ADMIN_USER_ID,
                action="checkin.nudge",
                target="cohort:1",
                details={"period": 1, "sent": index, "answered": 0},
                at=start + timedelta(minutes=index),
            )
        uow.commit()


def lines(answer: dict) -> list[str]:
    sections = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"]
    return [line for text in sections for line in text.split("\n")]


def test_admin_reads_what_admins_did_in_plain_words(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id, state=CohortState.ENROLLING, name="Spring & Co")
    skills.add_skill(
        uow=uow_factory(),
        team_id=team_id,
        actor_user_id=ADMIN_USER_ID,
        offered_by="employee",
        name="Prompt craft",
    )

    answer = run_command(running_bot, "/mentor-admin", "audit", user_id=ADMIN_USER_ID)

    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    shown = lines(answer)
    assert len(shown) == 3
    newest, moved, created = shown
    assert newest.startswith("• <!date^")
    assert "{date_short_pretty} {time}|" in newest
    assert f"<@{ADMIN_USER_ID}> added skill *Prompt craft*" in newest
    assert "shared by employees" in newest
    assert "moved cohort *Spring &amp; Co* from draft to enrolling" in moved
    assert "created cohort *Spring &amp; Co*: starts " in created
    assert f"cohort {cohort.id}" not in json.dumps(shown), "the cohort is named, not numbered"
    assert "that is the oldest recorded" in json.dumps(answer)


def test_pages_go_back_25_at_a_time_and_odd_pages_get_the_usage(running_bot, uow_factory):
    record(uow_factory, running_bot.fake.team_id, count=30)

    first = run_command(running_bot, "/mentor-admin", "audit", user_id=ADMIN_USER_ID)
    assert_valid_message(first)
    assert len(first["blocks"]) <= 50
    shown = lines(first)
    assert len(shown) == 25
    assert "30 people nudged" in shown[0]
    assert "6 people nudged" in shown[-1]
    assert "`/mentor-admin audit 2` shows older ones" in json.dumps(first)

    second = run_command(running_bot, "/mentor-admin", "AUDIT  2", user_id=ADMIN_USER_ID)
    assert_valid_message(second)
    shown = lines(second)
    assert len(shown) == 5
    assert "5 people nudged" in shown[0]
    assert "1 person nudged" in shown[-1]
    assert "Actions 26–30" in json.dumps(second, ensure_ascii=False)

    past = run_command(running_bot, "/mentor-admin", "audit 3", user_id=ADMIN_USER_ID)
    assert "past the end of the audit log" in past["text"]

    for odd in ("audit two", "audit 0", "audit -1", "audit 1 2", "audit <@U0NOBODY1>", "audit " + "9" * 30):
        answer = run_command(running_bot, "/mentor-admin", odd, user_id=ADMIN_USER_ID)
        assert_valid_message(answer)
        assert answer["response_type"] == "ephemeral"
        assert "Usage: `/mentor-admin audit [page]`" in json.dumps(answer), odd


def test_only_this_workspaces_events_are_shown(running_bot, uow_factory):
    record(uow_factory, "T0OTHER01", count=3)
    record(uow_factory, running_bot.fake.team_id, count=1)
    shown = lines(run_command(running_bot, "/mentor-admin", "audit", user_id=ADMIN_USER_ID))
    assert len(shown) == 1


@pytest.mark.parametrize("text", ["audit", "audit 2", "audit nonsense"])
def test_participants_cannot_read_the_audit_log(running_bot, uow_factory, text):
    record(uow_factory, running_bot.fake.team_id, count=2)
    answer = run_command(running_bot, "/mentor-admin", text, user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
    assert "nudged" not in json.dumps(answer)
