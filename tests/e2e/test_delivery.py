"""The dispatcher against the fake Slack over HTTP and a real database: exactly once, on time, paced."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.delivery import outbox
from bot.delivery.dispatcher import DispatcherConfig
from storage.models import OutboxMessage, OutboxStatus
from tests.delivery_kit import FAST, Clock, delivered_ids, drain, make_dispatcher
from tests.fakes.slack_api import accept_then, drop_connection, ratelimited, server_error, slack_error

TEAM = "T0TEAM001"


def add_people(fake, count: int, *, prefix: str = "U0P") -> list[str]:
    users = [f"{prefix}{index:05d}" for index in range(count)]
    for user_id in users:
        fake.add_user(user_id, name=user_id.lower(), tz="Europe/Paris")
    return users


def enqueue(uow_factory, recipients, *, due_at=None, kind="test", key_prefix="msg") -> None:
    due_at = due_at or datetime.now(UTC) - timedelta(seconds=1)
    with uow_factory() as uow:
        for recipient in recipients:
            key = f"{key_prefix}:{recipient if isinstance(recipient, str) else '+'.join(recipient)}"
            outbox.enqueue(
                uow,
                team_id=TEAM,
                recipient=recipient,
                kind=kind,
                dedupe_key=key,
                due_at=due_at,
                text=f"Hello {recipient}",
            )
        uow.commit()


def statuses(uow_factory) -> dict[OutboxStatus, int]:
    with uow_factory() as uow:
        return {status: count for status, count in uow.outbox.count_by_status(team_id=TEAM).items() if count}


def rows(uow_factory) -> list[OutboxMessage]:
    with uow_factory() as uow:
        return list(uow.session.query(OutboxMessage).order_by(OutboxMessage.id))


def test_every_message_is_delivered_once_with_its_outbox_id_in_metadata(uow_factory, fake_slack):
    users = add_people(fake_slack, 30)
    enqueue(uow_factory, users)
    report = drain(make_dispatcher(uow_factory, fake_slack))
    assert report.sent == 30
    counts = delivered_ids(fake_slack, users)
    assert sorted(counts.values()) == [1] * 30
    assert statuses(uow_factory) == {OutboxStatus.SENT: 30}
    sent = rows(uow_factory)
    assert {row.channel_id for row in sent} == {f"D{user}" for user in users}
    assert all(row.slack_ts and row.sent_at for row in sent)


def test_enqueueing_the_same_key_twice_sends_once(uow_factory, fake_slack):
    users = add_people(fake_slack, 1)
    enqueue(uow_factory, users)
    enqueue(uow_factory, users)
    with uow_factory() as uow:
        again = outbox.enqueue(
            uow,
            team_id=TEAM,
            recipient=users[0],
            kind="test",
            dedupe_key=f"msg:{users[0]}",
            due_at=datetime.now(UTC),
            text="different text",
        )
        uow.commit()
    assert again is False
    drain(make_dispatcher(uow_factory, fake_slack))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    with uow_factory() as uow:
        entry = outbox.inspect(uow, team_id=TEAM, dedupe_key=f"msg:{users[0]}")
        assert outbox.inspect(uow, team_id=TEAM, dedupe_key="no-such-key") is None
    assert (entry.status, entry.attempts, entry.channel_id) == (OutboxStatus.SENT, 1, f"D{users[0]}")
    assert entry.slack_ts == fake_slack.messages(users[0])[0]["ts"]


def test_nothing_goes_out_before_it_is_due(uow_factory, fake_slack):
    users = add_people(fake_slack, 2)
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    enqueue(uow_factory, users, due_at=due)
    clock = Clock(due - timedelta(seconds=1))
    dispatcher = make_dispatcher(uow_factory, fake_slack, clock=clock)
    assert dispatcher.run_once().handled == 0
    assert fake_slack.calls_to("chat.postMessage") == []
    clock.set(due)
    assert dispatcher.run_once().sent == 2


def test_rate_limit_answers_are_honoured_and_every_message_still_arrives_once(uow_factory, fake_slack):
    users = add_people(fake_slack, 12)
    fake_slack.script("chat.postMessage", ratelimited(retry_after=1), ratelimited(retry_after=1))
    enqueue(uow_factory, users)
    dispatcher = make_dispatcher(uow_factory, fake_slack)
    report = drain(dispatcher)
    assert sorted(delivered_ids(fake_slack, users).values()) == [1] * 12
    assert report.rate_limited >= 1
    arrivals = [call.received_at for call in fake_slack.calls_to("chat.postMessage")]
    first_429 = arrivals[0]
    # Calls already in flight when the 429 came back cannot be recalled; after them, silence.
    during_pause = [at for at in arrivals if first_429 + 0.2 < at < first_429 + 0.95]
    assert during_pause == [], "nobody may call again before Retry-After has passed"
    assert any(at >= first_429 + 0.95 for at in arrivals)
    assert dispatcher.limiter(team_id=TEAM, method="chat.postMessage").rate < FAST.max_rate_per_second
    with uow_factory() as uow:
        assert all(row.attempts <= 1 for row in uow.session.query(OutboxMessage)), (
            "a 429 is not a failed attempt"
        )


@pytest.mark.parametrize(
    "failure",
    [
        server_error(500),
        server_error(503, error="service_unavailable"),
        slack_error("internal_error"),
        drop_connection(),
    ],
    ids=["500", "503", "internal_error", "dropped_connection"],
)
def test_transient_failures_are_retried_until_delivered_exactly_once(uow_factory, fake_slack, failure):
    users = add_people(fake_slack, 5)
    fake_slack.script("chat.postMessage", failure, failure, failure)
    enqueue(uow_factory, users)
    drain(make_dispatcher(uow_factory, fake_slack))
    assert sorted(delivered_ids(fake_slack, users).values()) == [1] * 5
    assert statuses(uow_factory) == {OutboxStatus.SENT: 5}


@pytest.mark.parametrize(
    "lost_answer",
    [slack_error("internal_error"), server_error(504, error="gateway_timeout"), drop_connection()],
    ids=["internal_error", "504", "dropped_connection"],
)
def test_a_message_slack_accepted_before_failing_is_found_in_history_not_resent(
    uow_factory, fake_slack, lost_answer
):
    users = add_people(fake_slack, 3)
    fake_slack.script("chat.postMessage", accept_then(lost_answer))
    enqueue(uow_factory, users)
    report = drain(make_dispatcher(uow_factory, fake_slack))
    assert sorted(delivered_ids(fake_slack, users).values()) == [1] * 3
    assert report.found_already_sent == 1
    assert fake_slack.calls_to("conversations.history"), "the dispatcher looked before resending"
    assert statuses(uow_factory) == {OutboxStatus.SENT: 3}


def test_giving_up_after_the_maximum_number_of_attempts(uow_factory, fake_slack):
    users = add_people(fake_slack, 1)
    fake_slack.script("chat.postMessage", *[server_error(500)] * 10)
    enqueue(uow_factory, users)
    config = DispatcherConfig(**{**FAST.__dict__, "max_attempts": 3})
    drain(make_dispatcher(uow_factory, fake_slack, config=config))
    assert len(fake_slack.calls_to("chat.postMessage")) == 3
    [row] = rows(uow_factory)
    assert row.status is OutboxStatus.FAILED
    assert row.last_error == "gave up after 3 attempts: internal_error"


@pytest.mark.parametrize("error", ["account_inactive", "user_not_found", "user_disabled", "cannot_dm_bot"])
def test_an_unreachable_person_fails_once_is_flagged_and_gets_nothing_more(uow_factory, fake_slack, error):
    users = add_people(fake_slack, 1)
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uow.people.upsert_profile(team_id=TEAM, user_id=users[0], name="p", real_name=None, tz=None)
        uow.commit()
    enqueue(uow_factory, users, key_prefix="first")
    enqueue(uow_factory, users, key_prefix="later", due_at=datetime.now(UTC) + timedelta(days=7))
    fake_slack.script("chat.postMessage", slack_error(error))
    drain(make_dispatcher(uow_factory, fake_slack))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1, "no retry loop"
    first, later = rows(uow_factory)
    assert (first.status, first.last_error) == (OutboxStatus.FAILED, error)
    assert later.status is OutboxStatus.CANCELLED
    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM, user_id=users[0])
        assert person.unreachable_reason == error
        assert person.unreachable_at is not None


@pytest.mark.parametrize("error", ["invalid_blocks", "msg_blocks_too_long", "missing_scope", "something_new"])
def test_a_message_slack_refuses_fails_with_the_reason_without_blaming_the_person(
    uow_factory, fake_slack, error
):
    users = add_people(fake_slack, 1)
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uow.people.upsert_profile(team_id=TEAM, user_id=users[0], name="p", real_name=None, tz=None)
        uow.commit()
    fake_slack.script("chat.postMessage", slack_error(error))
    enqueue(uow_factory, users)
    drain(make_dispatcher(uow_factory, fake_slack))
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    [row] = rows(uow_factory)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, error)
    with uow_factory() as uow:
        assert uow.people.find(team_id=TEAM, user_id=users[0]).unreachable_reason is None


def test_a_revoked_token_keeps_messages_for_later_instead_of_failing_them(uow_factory, fake_slack):
    users = add_people(fake_slack, 2)
    fake_slack.script("chat.postMessage", slack_error("token_revoked"), slack_error("token_revoked"))
    enqueue(uow_factory, users)
    dispatcher = make_dispatcher(uow_factory, fake_slack)
    dispatcher.run_once()
    assert statuses(uow_factory) == {OutboxStatus.PENDING: 2}
    assert all(row.next_attempt_at > datetime.now(UTC) + timedelta(minutes=10) for row in rows(uow_factory))


def test_an_uninstalled_workspace_gets_nothing_sent(uow_factory, fake_slack):
    users = add_people(fake_slack, 2)
    enqueue(uow_factory, users)
    with uow_factory() as uow:
        uow.workspaces.mark_uninstalled(team_id=TEAM, at=datetime.now(UTC))
        uow.commit()
    assert make_dispatcher(uow_factory, fake_slack).run_once().handled == 0
    assert fake_slack.calls_to("chat.postMessage") == []


def test_a_group_dm_opens_the_conversation_once_and_posts_there(uow_factory, fake_slack):
    users = add_people(fake_slack, 2)
    enqueue(uow_factory, [users])
    drain(make_dispatcher(uow_factory, fake_slack))
    [open_call] = fake_slack.calls_to("conversations.open")
    assert sorted(open_call.args["users"].split(",")) == sorted(users)
    [row] = rows(uow_factory)
    assert row.status is OutboxStatus.SENT
    assert row.channel_id.startswith("G")
    assert delivered_ids(fake_slack, [row.channel_id]) == {row.id: 1}


def test_cancelled_messages_are_not_sent(uow_factory, fake_slack):
    users = add_people(fake_slack, 3)
    enqueue(uow_factory, users, key_prefix="reminder:42")
    with uow_factory() as uow:
        assert outbox.cancel(uow, team_id=TEAM, key_prefix="reminder:42:", at=datetime.now(UTC)) == 3
        uow.commit()
    assert make_dispatcher(uow_factory, fake_slack).run_once().handled == 0


def test_a_crashed_senders_messages_are_recovered_without_duplicates(uow_factory, fake_slack):
    """Messages claimed by a dispatcher that died: those Slack accepted are recorded, the rest sent once."""
    users = add_people(fake_slack, 10)
    enqueue(uow_factory, users)
    start = datetime.now(UTC)
    with uow_factory() as uow:
        claimed = uow.outbox.claim_due(now=start, limit=10, lease=timedelta(seconds=30), token="dead" * 8)
        uow.commit()
    client = WebClient(token=fake_slack.bot_token, base_url=fake_slack.base_url)
    for row in claimed[:4]:  # the dead dispatcher got these through before dying
        client.chat_postMessage(channel=row.recipient, text="x", metadata=outbox.message_metadata(row.id))
    clock = Clock(start + timedelta(seconds=10))
    dispatcher = make_dispatcher(uow_factory, fake_slack, clock=clock)
    assert dispatcher.run_once().handled == 0, "nothing is touched while the lease runs"
    clock.set(start + timedelta(seconds=31))
    report = dispatcher.run_once()
    assert (report.found_already_sent, report.sent) == (4, 6)
    assert sorted(delivered_ids(fake_slack, users).values()) == [1] * 10
    assert statuses(uow_factory) == {OutboxStatus.SENT: 10}


def test_two_dispatchers_at_once_never_send_a_message_twice(uow_factory, fake_slack):
    users = add_people(fake_slack, 120)
    enqueue(uow_factory, users)
    config = DispatcherConfig(**{**FAST.__dict__, "batch_size": 5})
    first, second = (
        make_dispatcher(uow_factory, fake_slack, config=config),
        make_dispatcher(uow_factory, fake_slack, config=config),
    )
    reports = []
    threads = [threading.Thread(target=lambda d=d: reports.append(drain(d))) for d in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(delivered_ids(fake_slack, users).values()) == [1] * 120
    assert sum(report.sent for report in reports) == 120
    assert all(report.sent > 0 for report in reports), "both took part"


def test_delivery_health_shows_counts_oldest_waiting_and_last_errors(uow_factory, fake_slack):
    from bot.services.delivery import delivery_health

    users = add_people(fake_slack, 3)
    enqueue(uow_factory, users[:2])
    enqueue(uow_factory, users[2:], due_at=datetime.now(UTC) + timedelta(days=1))
    fake_slack.script("chat.postMessage", slack_error("invalid_blocks"))
    drain(make_dispatcher(uow_factory, fake_slack))
    health = delivery_health(uow=uow_factory(), team_id=TEAM, now=datetime.now(UTC))
    assert (health.sent, health.failed, health.pending) == (1, 1, 1)
    assert health.oldest_waiting_since is None, "the pending one is not due yet"
    assert [failure.error for failure in health.recent_failures] == ["invalid_blocks"]


def test_checkins_go_out_at_ten_local_time_on_tuesday_across_the_us_dst_change(uow_factory, fake_slack):
    """US clocks go back on Sunday 1 November 2026; Europe's went back a week before."""
    from zoneinfo import ZoneInfo

    from bot.local_time import SendWindow, local_send_time

    zones = {
        "U0NEWYORK": "America/New_York",
        "U0LONDON0": "Europe/London",
        "U0TOKYO00": "Asia/Tokyo",
        "U0HONOLUL": "Pacific/Honolulu",
        "U0AUCKLAN": "Pacific/Auckland",
    }
    for user_id, tz in zones.items():
        fake_slack.add_user(user_id, name=user_id.lower(), tz=tz)
    start = datetime(2026, 10, 30, 12, 0, tzinfo=UTC)  # a Friday, before the US change
    due = {
        user_id: local_send_time(after=start, weekday=1, hour=10, zone=ZoneInfo(tz), window=SendWindow())
        for user_id, tz in zones.items()
    }
    with uow_factory() as uow:
        for user_id, due_at in due.items():
            outbox.enqueue(
                uow,
                team_id=TEAM,
                recipient=user_id,
                kind="checkin",
                dedupe_key=f"checkin:1:1:{user_id}",
                due_at=due_at,
                text="Did you meet?",
            )
        uow.commit()
    clock = Clock(start)
    dispatcher = make_dispatcher(uow_factory, fake_slack, clock=clock)
    for user_id, due_at in sorted(due.items(), key=lambda item: item[1]):
        clock.set(due_at - timedelta(seconds=1))
        dispatcher.run_once()
        assert f"D{user_id}" not in {call.args["channel"] for call in fake_slack.calls_to("chat.postMessage")}
        clock.set(due_at)
        dispatcher.run_once()
    sent_at = {row.recipient: row.sent_at for row in rows(uow_factory)}
    for user_id, tz in zones.items():
        local = sent_at[user_id].astimezone(ZoneInfo(tz))
        assert (local.strftime("%A"), local.hour, local.minute) == ("Tuesday", 10, 0), (user_id, local)
    assert sent_at["U0NEWYORK"].hour == 15, "10:00 EST is 15:00 UTC once US DST has ended"
    assert sent_at["U0LONDON0"].hour == 10
    assert sent_at["U0AUCKLAN"].hour == 21, "10:00 NZDT on Tuesday is 21:00 UTC on Monday"


def test_a_first_failure_that_posted_nothing_is_retried_within_a_second(uow_factory, fake_slack):
    users = add_people(fake_slack, 1)
    fake_slack.script("chat.postMessage", server_error(503, error="service_unavailable"))
    enqueue(uow_factory, users)
    report = make_dispatcher(uow_factory, fake_slack).run_once()
    assert (report.retried, report.sent) == (1, 1), "sent in the same run, not after the backlog"
    first, second = fake_slack.calls_to("chat.postMessage")
    assert 0.45 <= second.received_at - first.received_at <= 1.5


def test_a_run_waits_for_a_retry_that_becomes_due_within_its_budget(uow_factory, fake_slack):
    users = add_people(fake_slack, 1)
    failure = server_error(503, error="service_unavailable")
    fake_slack.script("chat.postMessage", failure, failure)
    enqueue(uow_factory, users)
    report = make_dispatcher(uow_factory, fake_slack).run_once()
    assert (report.retried, report.sent) == (2, 1), (
        "the backlog's last retries are not left for the next tick"
    )
    assert report.more_due is False
    assert statuses(uow_factory) == {OutboxStatus.SENT: 1}


def test_a_run_that_spends_its_budget_says_more_is_due(uow_factory, fake_slack):
    users = add_people(fake_slack, 30)
    enqueue(uow_factory, users)
    config = DispatcherConfig(**{**FAST.__dict__, "max_rate_per_second": 10.0, "run_budget_seconds": 0.5})
    report = make_dispatcher(uow_factory, fake_slack, config=config).run_once()
    assert 0 < report.sent < 30
    assert report.more_due is True
