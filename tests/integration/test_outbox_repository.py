"""The outbox repository on a real database: idempotent inserts, exclusive claims, guarded outcomes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery import outbox
from storage.models import OutboxStatus

TEAM = "T0TEAM001"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def add(uow_factory, count: int, *, due_at=NOW, team_id=TEAM) -> None:
    with uow_factory() as uow:
        for index in range(count):
            outbox.enqueue(
                uow,
                team_id=team_id,
                recipient=f"U{index:06d}",
                kind="test",
                dedupe_key=f"k:{index}",
                due_at=due_at,
                text="hi",
            )
        uow.commit()


def claim(uow_factory, *, limit: int = 100, token: str = "t" * 32, now=NOW):
    with uow_factory() as uow:
        rows = uow.outbox.claim_due(now=now, limit=limit, lease=LEASE, token=token)
        uow.commit()
        return rows


def test_insert_is_idempotent_per_team_and_key(uow_factory):
    with uow_factory() as uow:
        assert outbox.enqueue(
            uow, team_id=TEAM, recipient="U1AB", kind="k", dedupe_key="same", due_at=NOW, text="a"
        )
        assert not outbox.enqueue(
            uow, team_id=TEAM, recipient="U1AB", kind="k", dedupe_key="same", due_at=NOW, text="b"
        )
        assert outbox.enqueue(
            uow, team_id="T0OTHER01", recipient="U1AB", kind="k", dedupe_key="same", due_at=NOW, text="c"
        ), "another workspace has its own keys"
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.get(team_id=TEAM, dedupe_key="same").payload == {"text": "a"}


def test_claims_take_only_due_rows_oldest_first_and_mark_them_sending(uow_factory):
    add(uow_factory, 3)
    add_later = NOW + timedelta(hours=1)
    with uow_factory() as uow:
        outbox.enqueue(
            uow, team_id=TEAM, recipient="U0LATER1", kind="t", dedupe_key="later", due_at=add_later, text="x"
        )
        uow.commit()
    rows = claim(uow_factory)
    assert [row.dedupe_key for row in rows] == ["k:0", "k:1", "k:2"]
    assert {row.status for row in rows} == {OutboxStatus.SENDING}
    assert {row.attempts for row in rows} == {1}
    assert all(row.claimed_until == NOW + LEASE for row in rows)
    assert claim(uow_factory) == [], "claimed rows are not claimed again"


def test_concurrent_claims_never_overlap(uow_factory):
    add(uow_factory, 200)
    results: list[list[int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def claimer(index: int) -> None:
        barrier.wait()
        mine: list[int] = []
        while batch := claim(uow_factory, limit=7, token=f"{index:032d}"):
            mine += [row.id for row in batch]
        with lock:
            results.append(mine)

    threads = [threading.Thread(target=claimer, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    claimed = [message_id for mine in results for message_id in mine]
    assert len(claimed) == 200
    assert len(set(claimed)) == 200, "no row was claimed twice"


def test_only_the_current_claimant_can_record_an_outcome(uow_factory):
    add(uow_factory, 1)
    [row] = claim(uow_factory, token="a" * 32)
    with uow_factory() as uow:
        assert not uow.outbox.record_sent(
            message_id=row.id, claim_token="b" * 32, channel_id="D1", ts="1.0", at=NOW
        )
        assert uow.outbox.record_sent(
            message_id=row.id, claim_token="a" * 32, channel_id="D1", ts="1.0", at=NOW
        )
        assert not uow.outbox.record_failed(message_id=row.id, claim_token="a" * 32, error="x", at=NOW), (
            "a sent message cannot be failed afterwards"
        )
        uow.commit()


def test_expired_claims_are_reclaimed_for_verification_and_fresh_ones_are_not(uow_factory):
    add(uow_factory, 2)
    rows = claim(uow_factory, token="a" * 32)
    with uow_factory() as uow:
        assert uow.outbox.reclaim_expired(now=NOW + LEASE / 2, limit=10, lease=LEASE, token="b" * 32) == []
        reclaimed = uow.outbox.reclaim_expired(now=NOW + LEASE * 2, limit=10, lease=LEASE, token="b" * 32)
        uow.commit()
    assert sorted(row.id for row in reclaimed) == sorted(row.id for row in rows)
    assert all(row.verify_before_send and row.attempts == 2 for row in reclaimed)
    with uow_factory() as uow:
        assert not uow.outbox.record_sent(
            message_id=rows[0].id, claim_token="a" * 32, channel_id="D", ts="1", at=NOW
        ), "the dead claimant's token no longer counts"


def test_a_rate_limited_retry_does_not_count_as_an_attempt(uow_factory):
    add(uow_factory, 1)
    [row] = claim(uow_factory, token="a" * 32)
    with uow_factory() as uow:
        uow.outbox.record_retry(
            message_id=row.id,
            claim_token="a" * 32,
            retry_at=NOW + timedelta(seconds=1),
            error="ratelimited",
            verify=False,
            count_attempt=False,
            at=NOW,
        )
        uow.commit()
    with uow_factory() as uow:
        again = uow.outbox.get(team_id=TEAM, dedupe_key="k:0")
    assert (again.status, again.attempts, again.last_error) == (OutboxStatus.PENDING, 0, "ratelimited")
    assert claim(uow_factory) == [], "not before the retry time"
    assert len(claim(uow_factory, now=NOW + timedelta(seconds=1))) == 1


def test_cancel_by_prefix_takes_wildcards_literally_and_leaves_sent_rows(uow_factory):
    with uow_factory() as uow:
        for key in ("reminder:1_2:a", "reminder:1_2:b", "reminder:1x2:c", "checkin:1_2:a"):
            outbox.enqueue(
                uow, team_id=TEAM, recipient="U0ABC", kind="t", dedupe_key=key, due_at=NOW, text="x"
            )
        uow.commit()
    with uow_factory() as uow:
        assert outbox.cancel(uow, team_id=TEAM, key_prefix="reminder:1_2:", at=NOW) == 2
        uow.commit()
        counts = uow.outbox.count_by_status(team_id=TEAM)
    assert (counts[OutboxStatus.CANCELLED], counts[OutboxStatus.PENDING]) == (2, 2)


@pytest.mark.parametrize(
    ("recipient", "problem"),
    [
        ("not-an-id", "not Slack ids"),
        (["U1AB"] * 1 + ["C1AB"], "group DM"),
        ([f"U{i:04d}" for i in range(9)], "2 to 8"),
    ],
)
def test_invalid_recipients_are_refused_at_enqueue_time(uow_factory, recipient, problem):
    with uow_factory() as uow, pytest.raises(outbox.InvalidMessageError, match=problem):
        outbox.enqueue(uow, team_id=TEAM, recipient=recipient, kind="t", dedupe_key="k", due_at=NOW, text="x")


def test_naive_due_times_and_empty_text_are_refused(uow_factory):
    with uow_factory() as uow:
        with pytest.raises(outbox.InvalidMessageError, match="timezone-aware"):
            outbox.enqueue(
                uow,
                team_id=TEAM,
                recipient="U1AB",
                kind="t",
                dedupe_key="k",
                due_at=datetime(2026, 1, 1),
                text="x",
            )
        with pytest.raises(outbox.InvalidMessageError, match="needs text"):
            outbox.enqueue(
                uow, team_id=TEAM, recipient="U1AB", kind="t", dedupe_key="k", due_at=NOW, text="  "
            )


def test_a_retried_message_keeps_its_place_in_line(uow_factory):
    add(uow_factory, 1)
    with uow_factory() as uow:
        outbox.enqueue(
            uow,
            team_id=TEAM,
            recipient="U0LATER1",
            kind="t",
            dedupe_key="later",
            due_at=NOW + timedelta(seconds=1),
            text="x",
        )
        uow.commit()
    [first] = claim(uow_factory, limit=1, token="a" * 32)
    with uow_factory() as uow:
        uow.outbox.record_retry(
            message_id=first.id,
            claim_token="a" * 32,
            retry_at=NOW + timedelta(seconds=5),
            error="HTTP 503",
            verify=False,
            count_attempt=True,
            at=NOW,
        )
        uow.commit()
        assert uow.outbox.next_attempt_after(now=NOW + timedelta(seconds=2)) == NOW + timedelta(seconds=5)
    [again] = claim(uow_factory, limit=1, now=NOW + timedelta(seconds=10))
    assert again.id == first.id, "the earlier-due message goes first, retry or not"
