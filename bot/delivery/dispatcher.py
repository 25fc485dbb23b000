"""The dispatcher: sends due outbox messages exactly once, at a pace Slack accepts.

One run recovers messages whose sender died (their lease ran out), then claims due
messages in small batches and sends them over a few worker threads. Each outcome is
written by the worker that sent the message, guarded by its claim token:

- sent: status, channel and Slack `ts`;
- 429: Retry-After is honoured by every worker (the rate limiter pauses), the message
  goes back to pending without counting as an attempt;
- transient failures (5xx, internal_error, timeouts, broken connections): retried with
  exponential backoff, and verified first when Slack may have posted it;
- the recipient cannot be reached (account_inactive, user_not_found...): failed, the
  person flagged and their other pending messages cancelled;
- anything else Slack refuses: failed with the reason, never retried in a loop.

Before re-sending a message whose earlier attempt may have reached Slack, the dispatcher
looks in the conversation's recent history for the outbox id it stamps in every
message's metadata, so a message Slack already accepted is recorded, not sent again.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.delivery.errors import SLACK_CALL_ERRORS, Failure, Verdict, classify
from bot.delivery.outbox import message_metadata, outbox_id_of
from bot.delivery.ratelimit import AdaptiveRateLimiter
from bot.services import UowFactory
from storage.models import OutboxMessage

logger = logging.getLogger(__name__)

POST_MESSAGE = "chat.postMessage"
OPEN_CONVERSATION = "conversations.open"
READ_HISTORY = "conversations.history"
# Tier 3 methods: 50+ calls a minute.
TIER_3_RATE = 50 / 60
# Slack allows about one message per second into one conversation.
PER_CHANNEL_SPACING_SECONDS = 1.0
# A first failure that certainly posted nothing (503, a refused connection) is retried after a
# short pause rather than the full backoff: most such failures are momentary.
FIRST_RETRY_PAUSE_SECONDS = (0.5, 1.0)
# A worker starts a send only if this much of its lease is left (or a quarter of a short lease).
LEASE_SAFETY_SECONDS = 15.0


def utc_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class DispatcherConfig:
    """Tuning of the dispatcher; the defaults suit Slack's published limits."""

    max_rate_per_second: float = 10.0
    # conversations.open and conversations.history (Tier 3), used for group DMs and recovery.
    tier3_rate_per_second: float = TIER_3_RATE
    workers: int = 4
    batch_size: int = 40
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 8
    retry_base: timedelta = timedelta(seconds=2)
    retry_cap: timedelta = timedelta(minutes=30)
    workspace_retry: timedelta = timedelta(minutes=15)
    run_budget_seconds: float = 50.0
    history_pages: int = 5
    channel_spacing_seconds: float = PER_CHANNEL_SPACING_SECONDS


@dataclass(frozen=True, kw_only=True)
class ClaimedMessage:
    """A plain, thread-safe copy of a claimed outbox row."""

    id: int
    team_id: str
    recipient: str
    kind: str
    payload: dict[str, Any]
    channel_id: str | None
    attempts: int
    verify_before_send: bool
    due_at: datetime
    claimed_until: datetime
    token: str

    @classmethod
    def of(cls, row: OutboxMessage, *, token: str) -> ClaimedMessage:
        assert row.claimed_until is not None
        return cls(
            id=row.id,
            team_id=row.team_id,
            recipient=row.recipient,
            kind=row.kind,
            payload=dict(row.payload),
            channel_id=row.channel_id,
            attempts=row.attempts,
            verify_before_send=row.verify_before_send,
            due_at=row.due_at,
            claimed_until=row.claimed_until,
            token=token,
        )

    @property
    def single_user(self) -> str | None:
        """The user id when this is a 1:1 DM, else None."""
        return self.recipient if self.recipient[0] in "UW" and "," not in self.recipient else None


@dataclass
class DispatchReport:
    """What one run did, for logs, benchmarks and tests."""

    sent: int = 0
    found_already_sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    released: int = 0
    # The run's time budget ran out while messages were still due: run again at once.
    more_due: bool = False

    def add(self, other: DispatchReport) -> None:
        for name, value in vars(other).items():
            if isinstance(value, bool):
                setattr(self, name, getattr(self, name) or value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @property
    def handled(self) -> int:
        return (
            self.sent
            + self.found_already_sent
            + self.retried
            + self.rate_limited
            + self.failed
            + self.released
        )


class Dispatcher:
    """Sends due outbox messages; safe to run in several processes on one PostgreSQL database."""

    def __init__(
        self,
        *,
        uow_factory: UowFactory,
        client_for: Callable[[str], WebClient],
        config: DispatcherConfig | None = None,
        clock: Callable[[], datetime] = utc_clock,
    ) -> None:
        self._uow_factory = uow_factory
        self._client_for = client_for
        self._config = config or DispatcherConfig()
        self._clock = clock
        self._limiters: dict[tuple[str, str], AdaptiveRateLimiter] = {}
        self._limiters_lock = threading.Lock()
        self._channel_next_send: dict[str, float] = {}
        self._channel_lock = threading.Lock()
        self._stopping = threading.Event()

    def request_stop(self) -> None:
        """Finish the batch in hand and claim nothing more (used at shutdown)."""
        self._stopping.set()

    def limiter(self, *, team_id: str, method: str) -> AdaptiveRateLimiter:
        """The pacer of one Slack method in one workspace (shared by all workers of this process)."""
        with self._limiters_lock:
            key = (team_id, method)
            if key not in self._limiters:
                config = self._config
                rate = config.max_rate_per_second if method == POST_MESSAGE else config.tier3_rate_per_second
                self._limiters[key] = AdaptiveRateLimiter(max_rate=rate, min_rate=min(rate, 0.2))
            return self._limiters[key]

    def run_once(self) -> DispatchReport:
        """Recover abandoned sends, then send what is due until nothing is left or the budget is spent.

        A retry that becomes due before the budget ends is waited for, so a backlog's last
        messages are not left for the next tick.
        """
        report = DispatchReport()
        budget_ends = time.monotonic() + self._config.run_budget_seconds
        with ThreadPoolExecutor(max_workers=self._config.workers, thread_name_prefix="dispatch") as pool:
            for claim in (self._reclaim_expired, self._claim_due):
                while time.monotonic() < budget_ends and not self._stopping.is_set():
                    batch = claim()
                    if batch:
                        report.add(self._send_batch(pool, batch))
                    elif claim is self._reclaim_expired or not self._wait_for_next_due(budget_ends):
                        break
            report.more_due = time.monotonic() >= budget_ends and not self._stopping.is_set()
        self._channel_next_send.clear()
        if report.handled:
            logger.info(
                "Delivery: %d sent, %d found already sent, %d to retry, %d rate-limited, %d failed, "
                "%d released",
                report.sent,
                report.found_already_sent,
                report.retried,
                report.rate_limited,
                report.failed,
                report.released,
            )
        return report

    def _wait_for_next_due(self, budget_ends: float) -> bool:
        """Sleep until the next pending message is due, if that is within the budget; False otherwise."""
        now = self._clock()
        with self._uow_factory() as uow:
            next_due = uow.outbox.next_attempt_after(now=now)
        if next_due is None:
            return False
        wait = (next_due - now).total_seconds()
        if time.monotonic() + wait >= budget_ends:
            return False
        self._stopping.wait(max(wait, 0.0))
        return not self._stopping.is_set()

    def _reclaim_expired(self) -> list[ClaimedMessage]:
        return self._claim(expired=True)

    def _claim_due(self) -> list[ClaimedMessage]:
        return self._claim(expired=False)

    def _claim(self, *, expired: bool) -> list[ClaimedMessage]:
        token = secrets.token_hex(16)
        now = self._clock()
        with self._uow_factory() as uow:
            claim = uow.outbox.reclaim_expired if expired else uow.outbox.claim_due
            rows = claim(now=now, limit=self._config.batch_size, lease=self._config.lease, token=token)
            claimed = [ClaimedMessage.of(row, token=token) for row in rows]
            uow.commit()
        if expired and claimed:
            logger.warning("Recovering %d message(s) whose sender stopped mid-send", len(claimed))
        return claimed

    def _send_batch(self, pool: ThreadPoolExecutor, batch: list[ClaimedMessage]) -> DispatchReport:
        outcomes: Counter[str] = Counter()
        futures = [pool.submit(self._deliver, message) for message in batch]
        wait(futures)
        for message, future in zip(batch, futures, strict=True):
            error = future.exception()
            if error is not None:
                # The outcome could not be recorded; the lease runs out and recovery verifies it.
                logger.error("Could not record the outcome of outbox message %d", message.id, exc_info=error)
            else:
                outcomes[future.result()] += 1
        report = DispatchReport()
        for name, count in outcomes.items():
            setattr(report, name, getattr(report, name) + count)
        return report

    def _deliver(self, message: ClaimedMessage) -> str:
        """Send one message and record what happened; returns the DispatchReport field to count."""
        client = self._client_for(message.team_id)
        method = READ_HISTORY
        try:
            channel = message.channel_id
            if message.verify_before_send:
                if channel is None and message.single_user is not None:
                    method = OPEN_CONVERSATION
                    channel = self._open_conversation(client, message)
                if channel is not None:
                    method = READ_HISTORY
                    ts = self._find_in_history(client, message, channel)
                    if ts is not None:
                        self._record_sent(message, channel_id=channel, ts=ts)
                        return "found_already_sent"
            if channel is None and "," in message.recipient:
                method = OPEN_CONVERSATION
                channel = self._open_conversation(client, message)
                with self._uow_factory() as uow:
                    uow.outbox.record_channel(
                        message_id=message.id, claim_token=message.token, channel_id=channel
                    )
                    uow.commit()
            target = channel or message.recipient
            method = POST_MESSAGE
            limiter = self.limiter(team_id=message.team_id, method=POST_MESSAGE)
            if not limiter.acquire(deadline=self._lease_deadline(message)):
                return self._release(message, wait=limiter.seconds_until_free())
            self._space_out(target)
            response = client.chat_postMessage(
                channel=target,
                text=message.payload["text"],
                blocks=message.payload.get("blocks"),
                metadata=message_metadata(message.id),
                unfurl_links=False,
                unfurl_media=False,
            )
            limiter.on_success()
        except SLACK_CALL_ERRORS as error:
            return self._record_failure(message, failure=classify(error), method=method)
        self._record_sent(message, channel_id=response["channel"], ts=response["ts"])
        return "sent"

    def _open_conversation(self, client: WebClient, message: ClaimedMessage) -> str:
        self.limiter(team_id=message.team_id, method=OPEN_CONVERSATION).acquire()
        response = client.conversations_open(users=message.recipient.split(","))
        self.limiter(team_id=message.team_id, method=OPEN_CONVERSATION).on_success()
        return str(response["channel"]["id"])

    def _find_in_history(self, client: WebClient, message: ClaimedMessage, channel: str) -> str | None:
        """The ts of an earlier copy of this message in the conversation, if Slack accepted one."""
        limiter = self.limiter(team_id=message.team_id, method=READ_HISTORY)
        oldest = (message.due_at - timedelta(minutes=5)).timestamp()
        cursor = None
        for _ in range(self._config.history_pages):
            limiter.acquire()
            response = client.conversations_history(
                channel=channel, oldest=f"{oldest:.6f}", include_all_metadata=True, limit=100, cursor=cursor
            )
            limiter.on_success()
            for posted in response.get("messages") or []:
                if outbox_id_of(posted) == message.id:
                    return str(posted["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not response.get("has_more") or not cursor:
                break
        return None

    def _space_out(self, target: str) -> None:
        """Keep about a second between two posts into one conversation (Slack's per-channel limit)."""
        with self._channel_lock:
            now = time.monotonic()
            slot = max(now, self._channel_next_send.get(target, 0.0))
            self._channel_next_send[target] = slot + self._config.channel_spacing_seconds
        if slot > now:
            time.sleep(slot - now)

    def _lease_deadline(self, message: ClaimedMessage) -> float:
        safety = min(LEASE_SAFETY_SECONDS, self._config.lease.total_seconds() / 4)
        remaining = (message.claimed_until - self._clock()).total_seconds() - safety
        return time.monotonic() + remaining

    def _record_sent(self, message: ClaimedMessage, *, channel_id: str, ts: str) -> None:
        with self._uow_factory() as uow:
            recorded = uow.outbox.record_sent(
                message_id=message.id,
                claim_token=message.token,
                channel_id=channel_id,
                ts=ts,
                at=self._clock(),
            )
            uow.commit()
        if not recorded:
            logger.warning("Outbox message %d was sent after its claim had expired", message.id)

    def _release(self, message: ClaimedMessage, *, wait: float) -> str:
        """Give an unsent message back until the pacer has room (Slack asked us to wait long)."""
        now = self._clock()
        with self._uow_factory() as uow:
            uow.outbox.record_retry(
                message_id=message.id,
                claim_token=message.token,
                retry_at=now + timedelta(seconds=max(wait, 1.0)),
                error=None,
                verify=False,
                count_attempt=False,
                at=now,
            )
            uow.commit()
        return "released"

    def _record_failure(self, message: ClaimedMessage, *, failure: Failure, method: str) -> str:
        now = self._clock()
        config = self._config
        if failure.verdict is Verdict.RATE_LIMITED:
            retry_after = failure.retry_after if failure.retry_after is not None else 1.0
            self.limiter(team_id=message.team_id, method=method).on_rate_limited(retry_after=retry_after)
            return self._retry(message, failure, retry_at=now + timedelta(seconds=retry_after), count=False)
        if failure.verdict is Verdict.WORKSPACE_UNAVAILABLE:
            logger.error(
                "Slack refused the bot token of workspace %s (%s): delivery is paused for it",
                message.team_id,
                failure.reason,
            )
            return self._retry(message, failure, retry_at=now + config.workspace_retry, count=False)
        if failure.verdict is Verdict.RETRY:
            if message.attempts >= config.max_attempts:
                reason = f"gave up after {message.attempts} attempts: {failure.reason}"
                return self._fail(message, reason=reason)
            if message.attempts == 1 and not failure.may_have_been_sent:
                backoff = timedelta(seconds=random.uniform(*FIRST_RETRY_PAUSE_SECONDS))
            else:
                exponent = message.attempts - (1 if failure.may_have_been_sent else 2)
                backoff = min(config.retry_cap, config.retry_base * 2**exponent) * random.uniform(0.8, 1.2)
            retry_at = now + backoff
            logger.info("Outbox message %d: %s; retrying in %s", message.id, failure.reason, retry_at - now)
            return self._retry(message, failure, retry_at=retry_at, count=True)
        return self._fail(
            message, reason=failure.reason, recipient_gone=failure.verdict is Verdict.RECIPIENT_GONE
        )

    def _retry(self, message: ClaimedMessage, failure: Failure, *, retry_at: datetime, count: bool) -> str:
        now = self._clock()
        with self._uow_factory() as uow:
            uow.outbox.record_retry(
                message_id=message.id,
                claim_token=message.token,
                retry_at=retry_at,
                error=failure.reason,
                verify=failure.may_have_been_sent,
                count_attempt=count,
                at=now,
            )
            uow.commit()
        return "retried" if count else "rate_limited"

    def _fail(self, message: ClaimedMessage, *, reason: str, recipient_gone: bool = False) -> str:
        now = self._clock()
        logger.warning("Outbox message %d (%s) failed: %s", message.id, message.kind, reason)
        with self._uow_factory() as uow:
            uow.outbox.record_failed(message_id=message.id, claim_token=message.token, error=reason, at=now)
            user_id = message.single_user
            if recipient_gone and user_id is not None:
                uow.people.mark_unreachable(team_id=message.team_id, user_id=user_id, reason=reason, at=now)
                cancelled = uow.outbox.cancel(team_id=message.team_id, recipient=user_id, at=now)
                if cancelled:
                    logger.info("Cancelled %d more message(s) to unreachable user %s", cancelled, user_id)
            uow.commit()
        return "failed"
