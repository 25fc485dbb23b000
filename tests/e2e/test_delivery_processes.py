"""Delivery across real bot processes: SIGKILL mid-batch, and two processes on one database
(delivering a backlog, and planning a cohort's check-ins themselves)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import outbox
from bot.local_time import SendWindow
from bot.services import matchmaking
from storage.models import Checkin, Cohort, CohortState, OutboxMessage, OutboxStatus, PersonRole
from tests.cohort_kit import make_cohort
from tests.conftest import SIGNING_SECRET
from tests.delivery_kit import delivered_ids
from tests.e2e.test_process import MENTOR_BOT, clean_env, free_port
from tests.fakes.slack_api import delay
from tests.matching_kit import surveyed

TEAM = "T0TEAM001"
pytestmark = pytest.mark.slow


def start_bot(
    fake, database_url: str, tmp_path, name: str, *extra_args: str, **extra_env: str
) -> subprocess.Popen:
    env = clean_env(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.base_url,
        DATABASE_URL=database_url,
        SCHEDULER_INTERVAL_SECONDS="1",
        DELIVERY_LEASE_SECONDS="5",
        DELIVERY_MAX_PER_SECOND="200",
        **extra_env,
    )
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [MENTOR_BOT, "run", "--http", "--port", str(free_port()), *extra_args],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def enqueue_for(fake, uow_factory, count: int) -> list[str]:
    users = [f"U0Q{index:05d}" for index in range(count)]
    for user_id in users:
        fake.add_user(user_id, name=user_id.lower())
    with uow_factory() as uow:
        for user_id in users:
            outbox.enqueue(
                uow,
                team_id=TEAM,
                recipient=user_id,
                kind="test",
                dedupe_key=f"p:{user_id}",
                due_at=datetime.now(UTC) - timedelta(seconds=1),
                text=f"hello {user_id}",
            )
        uow.commit()
    return users


def wait_until_all_sent(uow_factory, count: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with uow_factory() as uow:
            if uow.outbox.count_by_status(team_id=TEAM)[OutboxStatus.SENT] == count:
                return
        time.sleep(0.2)
    with uow_factory() as uow:
        raise AssertionError(f"not all sent: {uow.outbox.count_by_status(team_id=TEAM)}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_bot_killed_mid_batch_then_restarted_delivers_everything_exactly_once(
    fake_slack, database_url, uow_factory, tmp_path
):
    users = enqueue_for(fake_slack, uow_factory, 150)
    # Slow Slack down so the kill lands while sends are in flight.
    fake_slack.script("chat.postMessage", *[delay(0.03)] * 150)
    first = start_bot(fake_slack, database_url, tmp_path, "first")
    try:
        fake_slack.wait_for_call("chat.postMessage", count=40, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first)
    posted_before_restart = len(fake_slack.calls_to("chat.postMessage"))
    assert posted_before_restart < 150, "the kill came mid-batch"
    with uow_factory() as uow:
        assert uow.outbox.count_by_status(team_id=TEAM)[OutboxStatus.SENDING] > 0, "claims were left behind"

    second = start_bot(fake_slack, database_url, tmp_path, "second")
    try:
        wait_until_all_sent(uow_factory, 150, timeout=60)
    finally:
        stop(second)
    counts = delivered_ids(fake_slack, users)
    assert len(counts) == 150, "nothing lost"
    assert max(counts.values()) == 1, "nothing sent twice"
    assert "Recovering" in (tmp_path / "second.log").read_text()


def test_two_bot_processes_on_one_database_never_send_a_message_twice(
    fake_slack, database_url, uow_factory, tmp_path
):
    users = enqueue_for(fake_slack, uow_factory, 300)
    fake_slack.script("chat.postMessage", *[delay(0.01)] * 300)
    processes = [start_bot(fake_slack, database_url, tmp_path, f"bot{index}") for index in range(2)]
    try:
        wait_until_all_sent(uow_factory, 300, timeout=90)
    finally:
        for process in processes:
            stop(process)
    counts = delivered_ids(fake_slack, users)
    assert len(counts) == 300
    assert max(counts.values()) == 1
    for index in range(2):
        assert "Delivery:" in (tmp_path / f"bot{index}.log").read_text(), f"bot{index} delivered nothing"


def test_a_process_started_with_no_scheduler_serves_but_sends_nothing(
    fake_slack, database_url, uow_factory, tmp_path
):
    enqueue_for(fake_slack, uow_factory, 3)
    process = start_bot(fake_slack, database_url, tmp_path, "web", "--no-scheduler")
    try:
        deadline = time.monotonic() + 20
        while "Serving Slack requests" not in (tmp_path / "web.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()
            time.sleep(0.1)
        time.sleep(2.5)  # more than two scheduler intervals
    finally:
        stop(process)
    assert fake_slack.calls_to("chat.postMessage") == []
    assert "Scheduler disabled" in (tmp_path / "web.log").read_text()
    with uow_factory() as uow:
        assert uow.outbox.count_by_status(team_id=TEAM)[OutboxStatus.PENDING] == 3


def cohort_due_for_check_ins_now(fake, uow_factory, *, pairs: int) -> None:
    """An active cohort of `pairs` pairs (everyone in UTC) whose period-2 check-in was due at 00:00
    today: it started a week ago, meets every week on today's weekday at midnight, and its pairs
    were confirmed three days ago."""
    now = datetime.now(UTC)
    today = now.date()
    cohort = make_cohort(
        uow_factory,
        team_id=TEAM,
        state=CohortState.ENROLLING,
        name="Two processes",
        weeks=4,
        cadence_weeks=1,
        checkin_weekday=today.weekday(),
        checkin_hour=0,
    )
    with uow_factory() as uow:
        # A start date in the past, which the admins' form refuses, set directly.
        uow.session.get(Cohort, cohort.id).start_date = today - timedelta(weeks=1)
        uow.commit()
    for index in range(pairs):
        for role, prefix, share, learn in (
            (PersonRole.EMPLOYEE, "U0PE", ["ai-tools"], ["leadership"]),
            (PersonRole.EXECUTIVE, "U0PX", ["leadership"], ["ai-tools"]),
        ):
            user_id = f"{prefix}{index:04d}"
            fake.add_user(user_id, name=user_id.lower(), tz="UTC")
            surveyed(
                uow_factory,
                team_id=TEAM,
                cohort_id=cohort.id,
                user_id=user_id,
                role=role,
                share=share,
                learn=learn,
                department=f"{prefix} {index}",
                tz="UTC",
            )
    confirmed_at = now - timedelta(days=3)
    shown = matchmaking.run_matching(
        uow=uow_factory(), team_id=TEAM, actor_user_id="U0ADMIN01", now=confirmed_at
    )
    matchmaking.confirm_matching(
        uow=uow_factory(),
        team_id=TEAM,
        actor_user_id="U0ADMIN01",
        run_id=shown.run_id,
        revision=shown.revision,
        now=confirmed_at,
        window=SendWindow(start_hour=0, end_hour=24, weekends=True),
        default_timezone="UTC",
    )
    # Intros are group DMs, opened at Slack's Tier 3 pace (under one a second): out of the way here.
    with uow_factory() as uow:
        for message in uow.session.query(OutboxMessage).filter(OutboxMessage.kind == "intro"):
            outbox.cancel(uow, team_id=TEAM, key_prefix=message.dedupe_key, at=now)
        uow.commit()


def test_two_bot_processes_plan_and_deliver_a_cohorts_check_ins_once(
    fake_slack, database_url, uow_factory, tmp_path
):
    pairs = 10
    cohort_due_for_check_ins_now(fake_slack, uow_factory, pairs=pairs)
    # Any hour, any day: the check-in is due whenever the test runs.
    window = {"SEND_WINDOW_START_HOUR": "0", "SEND_WINDOW_END_HOUR": "24", "SEND_ON_WEEKENDS": "true"}
    processes = [start_bot(fake_slack, database_url, tmp_path, f"bot{index}", **window) for index in range(2)]
    try:
        wait_until_all_sent(uow_factory, 2 * pairs, timeout=30)  # a check-in per member
        time.sleep(1.5)  # another tick of both: planning again adds nothing
    finally:
        for process in processes:
            stop(process)

    with uow_factory() as uow:
        messages = list(uow.session.query(OutboxMessage))
        checkins = list(uow.session.query(Checkin))
    messages = [m for m in messages if m.kind != "intro"]
    assert Counter(m.kind for m in messages) == {"checkin": 2 * pairs}
    assert {m.status for m in messages} == {OutboxStatus.SENT}
    assert len({(c.pairing_id, c.period, c.person_id) for c in checkins}) == len(checkins) == 2 * pairs
    counts = delivered_ids(fake_slack, sorted({m.channel_id for m in messages}))
    assert sorted(counts) == sorted(m.id for m in messages), "every message reached Slack"
    assert max(counts.values()) == 1, "and only once"
    for index in range(2):
        log = (tmp_path / f"bot{index}.log").read_text()
        assert "Scheduler started" in log
        assert "Scheduled job" not in log, log  # no planner or dispatcher run failed
