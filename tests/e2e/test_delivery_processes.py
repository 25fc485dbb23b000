"""Delivery across real bot processes: SIGKILL mid-batch, and two processes on one database."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import outbox
from storage.models import OutboxStatus
from tests.conftest import SIGNING_SECRET
from tests.delivery_kit import delivered_ids
from tests.e2e.test_process import MENTOR_BOT, clean_env, free_port
from tests.fakes.slack_api import delay

TEAM = "T0TEAM001"
pytestmark = pytest.mark.slow


def start_bot(fake, database_url: str, tmp_path, name: str, *extra_args: str) -> subprocess.Popen:
    env = clean_env(
        SLACK_BOT_TOKEN=fake.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.base_url,
        DATABASE_URL=database_url,
        SCHEDULER_INTERVAL_SECONDS="1",
        DELIVERY_LEASE_SECONDS="5",
        DELIVERY_MAX_PER_SECOND="200",
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
