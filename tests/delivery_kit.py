"""Helpers for delivery tests: a dispatcher wired to the fake Slack, and an adjustable clock."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.delivery.dispatcher import Dispatcher, DispatcherConfig, DispatchReport
from bot.delivery.outbox import outbox_id_of
from bot.slack_gateway import build_delivery_client
from tests.fakes.slack_api import FakeSlackApi

FAST = DispatcherConfig(
    max_rate_per_second=200.0,
    tier3_rate_per_second=200.0,
    workers=4,
    batch_size=20,
    lease=timedelta(seconds=30),
    retry_base=timedelta(milliseconds=50),
    retry_cap=timedelta(milliseconds=200),
    run_budget_seconds=20.0,
    channel_spacing_seconds=0.0,
)


class Clock:
    """A settable UTC clock, shared safely with the dispatcher's worker threads."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = at

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


def make_dispatcher(
    uow_factory, fake: FakeSlackApi, *, config: DispatcherConfig = FAST, clock=None
) -> Dispatcher:
    """The real dispatcher against the fake Slack.

    With a simulated `clock`, time only moves when the test moves it, so a run must not
    wait (in real time) for a retry to become due: its budget is cut to a blink.
    """
    client = build_delivery_client(token=fake.bot_token, base_url=fake.base_url)
    kwargs = {}
    if clock is not None:
        kwargs["clock"] = clock
        config = replace(config, run_budget_seconds=0.2)
    return Dispatcher(uow_factory=uow_factory, client_for=lambda _team: client, config=config, **kwargs)


def drain(
    dispatcher: Dispatcher, *, rounds: int = 50, pause: float = 0.06, clock: Clock | None = None
) -> DispatchReport:
    """Run the dispatcher until a run finds nothing to do (retries become due as time passes)."""
    total = DispatchReport()
    idle = 0
    for _ in range(rounds):
        if clock is not None:
            clock.advance(timedelta(seconds=1))
        report = dispatcher.run_once()
        total.add(report)
        idle = idle + 1 if report.handled == 0 else 0
        if idle >= 3:
            break
        threading.Event().wait(pause)
    return total


def delivered_ids(fake: FakeSlackApi, channels: list[str]) -> Counter[int]:
    """How many times each outbox id reached Slack, read from the messages' metadata."""
    counts: Counter[int] = Counter()
    for channel in channels:
        for message in fake.messages(channel):
            outbox_id = outbox_id_of(message)
            if outbox_id is not None:
                counts[outbox_id] += 1
    return counts
