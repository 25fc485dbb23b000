"""Fan-out benchmark: N DMs to N users through the real dispatcher and a rate-limited fake Slack.

The fake Slack enforces a workspace-wide limit of R messages a second (429 + Retry-After above
it) and one message a second per channel, and can fail a share of calls with a load balancer's
5xx. The dispatcher's ceiling is 2*R by default, so its adaptive limiter has to find R itself.
Target (from the issue): at least 90% of R, no message lost or duplicated, with and without 5xx.

    .venv/bin/python -m bench.fanout                      # both scenarios (0% and 5% 5xx), SQLite
    .venv/bin/python -m bench.fanout --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench.fanout --processes 2 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

With `--processes N` (PostgreSQL only), N dispatcher processes share the database, each with
its own engine, Dispatcher and limiter, as N bot processes would; this process only watches.

Exit status 0 when every scenario met the target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import math
import multiprocessing
import os
import queue
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import outbox
from bot.delivery.dispatcher import POST_MESSAGE, Dispatcher, DispatcherConfig, DispatchReport
from bot.slack_gateway import build_delivery_client
from storage.engine import create_database_engine, make_session_factory
from storage.migrate import upgrade_database
from storage.models import OutboxMessage, OutboxStatus
from storage.uow import UnitOfWork
from tests.dbutil import fresh_database_url
from tests.fakes.slack_api import FakeSlackApi

# 50/s: about 100 s per scenario, so the default run (two scenarios) takes 3-4 minutes.
DEFAULT_RATE = 50.0
DEFAULT_MESSAGES = 5000
DEFAULT_FAILURE_RATES = (0.0, 0.05)
TARGET_FRACTION = 0.9
PER_CHANNEL_PER_SECOND = 1.0
SAMPLE_SECONDS = 1.0
TIMELINE_SECONDS = 5.0
# Gaps between two posts longer than this are counted as idle time of the sender.
GAP_SECONDS = 0.25


class Latencies:
    """Durations of units of work, shared by the dispatcher's threads: how long the database took."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: list[float] = []

    def add(self, seconds: float) -> None:
        with self._lock:
            self._seconds.append(seconds)

    def snapshot(self) -> list[float]:
        with self._lock:
            return list(self._seconds)


class TimedUnitOfWork(UnitOfWork):
    """A unit of work that records how long each `with` block held its session (DB write latency)."""

    def __init__(self, *, latencies: Latencies, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory=session_factory)
        self._latencies = latencies
        self._entered = 0.0

    def __enter__(self) -> TimedUnitOfWork:
        self._entered = time.perf_counter()
        super().__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc_value, traceback)
        finally:
            self._latencies.add(time.perf_counter() - self._entered)


@dataclass(frozen=True)
class Sample:
    """One look at the fake and the limiter, every SAMPLE_SECONDS during a run."""

    at: float
    accepted: int
    rate_limited: int
    failed_5xx: int
    limiter_rate: float


class Sampler(threading.Thread):
    """Samples the fake's counters and the limiter's pace, to show how the rate evolved."""

    def __init__(self, fake: FakeSlackApi, pace: Callable[[], float], started: float) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self._fake = fake
        self._pace = pace
        self._origin = started
        self._done = threading.Event()
        self.samples: list[Sample] = []

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            self.take()

    def take(self) -> None:
        stats = self._fake.rate_limit_stats
        self.samples.append(
            Sample(
                at=time.monotonic() - self._origin,
                accepted=stats.accepted,
                rate_limited=stats.rate_limited_429,
                failed_5xx=stats.failed_5xx,
                limiter_rate=self._pace(),
            )
        )

    def stop(self) -> None:
        self._done.set()
        self.join()
        self.take()


@dataclass
class Result:
    """What one scenario measured."""

    messages: int
    rate: float
    ceiling: float
    failure_rate: float
    elapsed: float = 0.0
    delivered: int = 0
    rate_limited_429: int = 0
    failed_5xx: int = 0
    lost: int = 0
    duplicated: int = 0
    failed_rows: int = 0
    unsettled_rows: int = 0
    timed_out: bool = False
    report: DispatchReport = field(default_factory=DispatchReport)
    runs: int = 0
    idle_between_runs: float = 0.0
    steady_rate: float = 0.0
    tail_seconds: float = 0.0
    gap_count: int = 0
    gap_seconds: float = 0.0
    longest_gap: float = 0.0
    db_latencies: list[float] = field(default_factory=list)
    limiter_final_rate: float = 0.0
    cpu_seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    started_wall: float = 0.0
    processes: int = 1
    # One entry per dispatcher process (only with several): what each sent and how busy it was.
    per_process: list[WorkerFigures] = field(default_factory=list)

    @property
    def achieved(self) -> float:
        return self.delivered / self.elapsed if self.elapsed else 0.0

    @property
    def fraction(self) -> float:
        return self.achieved / self.rate

    @property
    def passed(self) -> bool:
        return (
            not self.timed_out
            and self.fraction >= TARGET_FRACTION
            and self.lost == 0
            and self.duplicated == 0
        )


def run_scenario(
    *,
    messages: int,
    rate: float,
    failure_rate: float,
    base_database_url: str | None,
    workers: int,
    ceiling: float,
    timeout: float,
    poll: float,
    seed: int,
    processes: int = 1,
) -> Result:
    """Enqueue `messages` DMs, dispatch them against the limited fake, and count what arrived.

    With `processes` > 1, that many dispatcher processes share the database (PostgreSQL), each
    with its own engine, Dispatcher and limiter, as several bot processes would.
    """
    result = Result(
        messages=messages, rate=rate, ceiling=ceiling, failure_rate=failure_rate, processes=processes
    )
    with FakeSlackApi() as fake, fresh_database_url(base_database_url) as database_url:
        users = [f"U0F{index:06d}" for index in range(messages)]
        for user_id in users:
            fake.add_user(user_id, name=user_id.lower())
        upgrade_database(database_url=database_url)
        engine = create_database_engine(database_url)
        try:
            session_factory = make_session_factory(engine)
            latencies = Latencies()

            def uow_factory() -> UnitOfWork:
                return TimedUnitOfWork(latencies=latencies, session_factory=session_factory)

            enqueued = _enqueue(uow_factory, team_id=fake.team_id, users=users)
            fake.enforce_rate_limit(
                per_second=rate,
                per_channel_per_second=PER_CHANNEL_PER_SECOND,
                failure_rate=failure_rate,
                seed=seed,
            )
            config = DispatcherConfig(max_rate_per_second=ceiling, workers=workers)
            if processes == 1:
                client = build_delivery_client(token=fake.bot_token, base_url=fake.base_url)
                dispatcher = Dispatcher(
                    uow_factory=uow_factory, client_for=lambda _team: client, config=config
                )
                _dispatch_here(
                    result,
                    fake=fake,
                    dispatcher=dispatcher,
                    uow_factory=uow_factory,
                    latencies=latencies,
                    timeout=timeout,
                    poll=poll,
                )
            else:
                _dispatch_in_processes(
                    result,
                    fake=fake,
                    database_url=database_url,
                    uow_factory=uow_factory,
                    config=config,
                    processes=processes,
                    timeout=timeout,
                    poll=poll,
                )

            stats = fake.rate_limit_stats
            result.rate_limited_429 = stats.rate_limited_429
            result.failed_5xx = stats.failed_5xx
            delivered, delivered_at = _delivered(fake, users)
            result.delivered = sum(1 for outbox_id in enqueued if delivered[outbox_id] > 0)
            result.lost = len(enqueued) - result.delivered
            result.duplicated = sum(1 for count in delivered.values() if count > 1)
            with uow_factory() as uow:
                counts = uow.outbox.count_by_status(team_id=fake.team_id)
            result.failed_rows = counts[OutboxStatus.FAILED]
            result.unsettled_rows = counts[OutboxStatus.PENDING] + counts[OutboxStatus.SENDING]
            _timeline_figures(
                result, [at - result.started_wall for at in delivered_at], fake, result.started_wall
            )
            if fake.errors:
                raise RuntimeError(f"the fake Slack failed: {fake.errors[0]}")
        finally:
            engine.dispose()
    return result


def _dispatch_here(
    result: Result,
    *,
    fake: FakeSlackApi,
    dispatcher: Dispatcher,
    uow_factory: Callable[[], UnitOfWork],
    latencies: Latencies,
    timeout: float,
    poll: float,
) -> None:
    """One dispatcher in this process: `run_once()` until nothing is pending or being sent."""
    limiter = dispatcher.limiter(team_id=fake.team_id, method=POST_MESSAGE)
    latencies_before = len(latencies.snapshot())

    started = time.monotonic()
    result.started_wall = time.time()
    cpu_started = time.process_time()
    sampler = Sampler(fake, lambda: limiter.rate, started)
    sampler.start()
    in_runs = 0.0
    while True:
        run_started = time.monotonic()
        report = dispatcher.run_once()
        in_runs += time.monotonic() - run_started
        result.runs += 1
        result.report.add(report)
        if _unsettled(uow_factory, team_id=fake.team_id) == 0:
            break
        if time.monotonic() - started > timeout:
            result.timed_out = True
            break
        if report.handled == 0:
            time.sleep(poll)
    result.elapsed = time.monotonic() - started
    result.cpu_seconds = time.process_time() - cpu_started
    sampler.stop()
    result.idle_between_runs = result.elapsed - in_runs
    result.samples = sampler.samples
    result.limiter_final_rate = limiter.rate
    result.db_latencies = latencies.snapshot()[latencies_before:]


@dataclass
class WorkerFigures:
    """What one dispatcher process did (sent back to the parent when it stops)."""

    index: int
    report: DispatchReport = field(default_factory=DispatchReport)
    runs: int = 0
    in_runs: float = 0.0
    elapsed: float = 0.0
    cpu_seconds: float = 0.0
    limiter_final_rate: float = 0.0
    db_latencies: list[float] = field(default_factory=list)
    error: str | None = None


def _dispatch_worker(
    index: int,
    database_url: str,
    api_url: str,
    token: str,
    team_id: str,
    config: DispatcherConfig,
    poll: float,
    barrier: Any,
    stop: Any,
    results: Any,
) -> None:
    """A dispatcher process, as a bot process runs it: its own engine, Dispatcher and limiter.

    Waits at `barrier` until every process is ready, then calls `run_once()` (pausing `poll`
    after a run that found nothing due) until `stop` is set, and puts its WorkerFigures on `results`.
    """
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format=f"dispatcher {index} %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(name, None)
    figures = WorkerFigures(index=index)
    engine = create_database_engine(database_url)
    try:
        session_factory = make_session_factory(engine)
        latencies = Latencies()

        def uow_factory() -> UnitOfWork:
            return TimedUnitOfWork(latencies=latencies, session_factory=session_factory)

        client = build_delivery_client(token=token, base_url=api_url)
        dispatcher = Dispatcher(uow_factory=uow_factory, client_for=lambda _team: client, config=config)
        limiter = dispatcher.limiter(team_id=team_id, method=POST_MESSAGE)
        _unsettled(uow_factory, team_id=team_id)  # opens the pool's first connection before the clock starts
        latencies_before = len(latencies.snapshot())
        barrier.wait()
        threading.Thread(target=lambda: (stop.wait(), dispatcher.request_stop()), daemon=True).start()
        started = time.monotonic()
        cpu_started = time.process_time()
        while not stop.is_set():
            run_started = time.monotonic()
            report = dispatcher.run_once()
            figures.in_runs += time.monotonic() - run_started
            figures.runs += 1
            figures.report.add(report)
            if report.handled == 0:
                stop.wait(poll)
        figures.elapsed = time.monotonic() - started
        figures.cpu_seconds = time.process_time() - cpu_started
        figures.limiter_final_rate = limiter.rate
        figures.db_latencies = latencies.snapshot()[latencies_before:]
    except BaseException:
        figures.error = traceback.format_exc()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.abort()
    finally:
        engine.dispose()
        results.put(figures)


def _dispatch_in_processes(
    result: Result,
    *,
    fake: FakeSlackApi,
    database_url: str,
    uow_factory: Callable[[], UnitOfWork],
    config: DispatcherConfig,
    processes: int,
    timeout: float,
    poll: float,
) -> None:
    """`processes` dispatcher processes on one database; this process watches until all is settled."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    stop = context.Event()
    results = context.Queue()
    workers = [
        context.Process(
            target=_dispatch_worker,
            args=(index, database_url, fake.base_url, fake.bot_token, fake.team_id, config, poll),
            kwargs={"barrier": barrier, "stop": stop, "results": results},
            name=f"dispatcher-{index}",
        )
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    figures: list[WorkerFigures] = []
    sampler: Sampler | None = None
    try:
        barrier.wait(timeout=120)
        started = time.monotonic()
        result.started_wall = time.time()
        # Each process paces itself; their limiters cannot be sampled from here.
        sampler = Sampler(fake, lambda: math.nan, started)
        sampler.start()
        while _unsettled(uow_factory, team_id=fake.team_id) > 0:
            if time.monotonic() - started > timeout:
                result.timed_out = True
                break
            if not all(worker.is_alive() for worker in workers):
                break
            time.sleep(poll)
        result.elapsed = time.monotonic() - started
    except threading.BrokenBarrierError:
        pass  # a process failed before starting; its figures say why
    finally:
        stop.set()
        for _ in workers:
            try:
                figures.append(results.get(timeout=60))
            except queue.Empty:
                break
        for worker in workers:
            worker.join(30)
        if sampler is not None:
            sampler.stop()
    failed = [f for f in figures if f.error]
    if failed or len(figures) < processes:
        raise RuntimeError(
            f"a dispatcher process failed: {failed[0].error if failed else 'it exited without figures'}"
        )
    figures.sort(key=lambda f: f.index)
    result.per_process = figures
    for f in figures:
        result.report.add(f.report)
        result.runs += f.runs
        result.db_latencies.extend(f.db_latencies)
    result.cpu_seconds = sum(f.cpu_seconds for f in figures)
    # Per process, on average: time it spent between its runs.
    result.idle_between_runs = statistics.fmean(f.elapsed - f.in_runs for f in figures)
    result.limiter_final_rate = sum(f.limiter_final_rate for f in figures)
    result.samples = sampler.samples if sampler is not None else []


def _enqueue(uow_factory: Callable[[], UnitOfWork], *, team_id: str, users: list[str]) -> list[int]:
    """One DM per user, all due now, in one transaction; returns the outbox ids."""
    due_at = datetime.now(UTC) - timedelta(seconds=1)
    with uow_factory() as uow:
        for user_id in users:
            outbox.enqueue(
                uow,
                team_id=team_id,
                recipient=user_id,
                kind="bench",
                dedupe_key=f"bench:{user_id}",
                due_at=due_at,
                text=f"Hello {user_id}, this is the fan-out benchmark.",
            )
        uow.commit()
        ids = uow.session.scalars(select(OutboxMessage.id).where(OutboxMessage.team_id == team_id))
        return list(ids)


def _unsettled(uow_factory: Callable[[], UnitOfWork], *, team_id: str) -> int:
    with uow_factory() as uow:
        statement = select(func.count()).where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
        )
        return int(uow.session.scalar(statement) or 0)


def _delivered(fake: FakeSlackApi, users: list[str]) -> tuple[Counter[int], list[float]]:
    """How often each outbox id reached Slack (from message metadata), and when (the ts)."""
    counts: Counter[int] = Counter()
    times: list[float] = []
    for user_id in users:
        for message in fake.messages(user_id):
            outbox_id = outbox.outbox_id_of(message)
            if outbox_id is not None:
                counts[outbox_id] += 1
                times.append(float(message["ts"]))
    return counts, sorted(times)


def _timeline_figures(result: Result, delivered_at: list[float], fake: FakeSlackApi, started: float) -> None:
    """Steady rate (10%-90% of deliveries), the tail (last 1%), and idle gaps between posts."""
    if len(delivered_at) >= 10:
        low, high = delivered_at[len(delivered_at) // 10], delivered_at[(len(delivered_at) * 9) // 10]
        middle = (len(delivered_at) * 9) // 10 - len(delivered_at) // 10
        result.steady_rate = middle / (high - low) if high > low else 0.0
        result.tail_seconds = delivered_at[-1] - delivered_at[(len(delivered_at) * 99) // 100]
    posts = sorted(call.received_at - started for call in fake.calls_to("chat.postMessage"))
    gaps = [later - earlier for earlier, later in itertools.pairwise(posts)]
    long_gaps = [gap for gap in gaps if gap > GAP_SECONDS]
    result.gap_count = len(long_gaps)
    result.gap_seconds = sum(long_gaps)
    result.longest_gap = max(gaps, default=0.0)


def _percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def print_table(results: list[Result]) -> None:
    """One column per scenario, figures aligned."""
    rows: list[tuple[str, list[str]]] = [
        ("5xx injected", [f"{r.failure_rate:.0%}" for r in results]),
        ("messages", [str(r.messages) for r in results]),
        ("R (fake's limit, msg/s)", [f"{r.rate:g}" for r in results]),
        ("dispatcher ceiling (msg/s)", [f"{r.ceiling:g}" for r in results]),
        ("elapsed (s)", [f"{r.elapsed:.1f}" for r in results]),
        ("achieved (delivered/s)", [f"{r.achieved:.2f}" for r in results]),
        ("achieved / R", [f"{r.fraction:.1%}" for r in results]),
        ("429s received", [str(r.rate_limited_429) for r in results]),
        ("5xx received", [str(r.failed_5xx) for r in results]),
        ("retries (5xx, counted)", [str(r.report.retried) for r in results]),
        ("found already sent", [str(r.report.found_already_sent) for r in results]),
        ("lost", [str(r.lost) for r in results]),
        ("duplicated", [str(r.duplicated) for r in results]),
        ("failed rows in db", [str(r.failed_rows) for r in results]),
        ("unsettled rows in db", [str(r.unsettled_rows) for r in results]),
        ("target (>=90% R, 0 lost, 0 dup)", ["PASS" if r.passed else "FAIL" for r in results]),
        ("-- diagnostics", ["" for _ in results]),
        ("steady rate 10%-90% (msg/s)", [f"{r.steady_rate:.2f}" for r in results]),
        ("last 1% of deliveries took (s)", [f"{r.tail_seconds:.1f}" for r in results]),
        (
            "limiter pace at end (msg/s)" + ("" if all(r.processes == 1 for r in results) else ", summed"),
            [f"{r.limiter_final_rate:.2f}" for r in results],
        ),
        (f"gaps > {GAP_SECONDS}s between posts", [str(r.gap_count) for r in results]),
        ("time in those gaps (s)", [f"{r.gap_seconds:.1f}" for r in results]),
        ("longest gap (s)", [f"{r.longest_gap:.2f}" for r in results]),
        ("run_once calls", [str(r.runs) for r in results]),
        ("time outside run_once (s)", [f"{r.idle_between_runs:.1f}" for r in results]),
        *_per_process_rows(results),
        ("units of work", [str(len(r.db_latencies)) for r in results]),
        ("  mean / p95 (ms)", [_latency(r.db_latencies) for r in results]),
        ("  max (ms)", [f"{max(r.db_latencies, default=0) * 1000:.0f}" for r in results]),
        (
            "CPU, both cores = 200%" if all(r.processes == 1 for r in results) else "CPU of the dispatchers",
            [f"{r.cpu_seconds / r.elapsed:.0%}" if r.elapsed else "-" for r in results],
        ),
    ]
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(cells[i]) for _, cells in rows) for i in range(len(results))]
    for label, cells in rows:
        line = label.ljust(label_width) + "".join(f"  {cell:>{widths[i]}}" for i, cell in enumerate(cells))
        print(line.rstrip() if label.startswith("--") else line)


def _per_process_rows(results: list[Result]) -> list[tuple[str, list[str]]]:
    """With several dispatcher processes: what each one did ("a / b / ...")."""
    if all(r.processes == 1 for r in results):
        return []

    def each(show: Callable[[WorkerFigures], str]) -> list[str]:
        return [" / ".join(show(f) for f in r.per_process) or "-" for r in results]

    return [
        ("  per process: sent", each(lambda f: str(f.report.sent))),
        ("  per process: run_once calls", each(lambda f: str(f.runs))),
        ("  per process: 429s (rate_limited)", each(lambda f: str(f.report.rate_limited))),
        ("  per process: limiter pace at end", each(lambda f: f"{f.limiter_final_rate:.1f}")),
        ("  per process: CPU", each(lambda f: f"{f.cpu_seconds / f.elapsed:.0%}" if f.elapsed else "-")),
    ]


def _latency(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.fmean(values) * 1000:.1f} / {_percentile(values, 0.95) * 1000:.1f}"


def print_timeline(result: Result) -> None:
    """Per TIMELINE_SECONDS: accepted posts a second, 429s, 5xx, and the limiter's pace."""
    print(f"\ntimeline, {result.failure_rate:.0%} 5xx (R={result.rate:g}):")
    print(f"{'t (s)':>7}  {'accepted/s':>10}  {'429s':>5}  {'5xx':>5}  {'limiter pace':>12}")
    previous = Sample(at=0.0, accepted=0, rate_limited=0, failed_5xx=0, limiter_rate=result.ceiling)
    per_bucket = max(1, round(TIMELINE_SECONDS / SAMPLE_SECONDS))
    picked = result.samples[per_bucket - 1 :: per_bucket]
    if result.samples and (not picked or picked[-1] is not result.samples[-1]):
        picked.append(result.samples[-1])
    for sample in picked:
        span = sample.at - previous.at
        accepted = (sample.accepted - previous.accepted) / span if span > 0 else 0.0
        print(
            f"{sample.at:7.1f}  {accepted:10.1f}  {sample.rate_limited - previous.rate_limited:5d}  "
            f"{sample.failed_5xx - previous.failed_5xx:5d}  "
            f"{'-' if math.isnan(sample.limiter_rate) else f'{sample.limiter_rate:.2f}':>12}"
        )
        previous = sample


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=DEFAULT_MESSAGES, help="DMs, one per user")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="R: the fake's workspace limit/s")
    parser.add_argument(
        "--failure-rate",
        type=float,
        default=None,
        help="share of calls answered 5xx; default: two scenarios, 0 and 0.05",
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL base URL (a fresh schema is used); default SQLite"
    )
    parser.add_argument("--workers", type=int, default=DispatcherConfig().workers)
    parser.add_argument("--max-rate", type=float, default=None, help="dispatcher ceiling; default 2*R")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per scenario; default 3*N/R+60")
    parser.add_argument("--poll", type=float, default=0.1, help="pause between runs that found nothing due")
    parser.add_argument("--seed", type=int, default=0, help="seed of the injected failures")
    parser.add_argument("--timeline", action="store_true", help="also print the rate every 5 s")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="dispatcher processes sharing the database (more than 1 needs --database-url)",
    )
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.processes > 1 and not args.database_url:
        parser.error("--processes above 1 needs PostgreSQL (--database-url): SQLite is for one process")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # slack_sdk logs every non-JSON 5xx body at ERROR: expected here, and counted in the table.
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    # slack_sdk would send even 127.0.0.1 calls through a configured proxy.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(name, None)

    failure_rates = DEFAULT_FAILURE_RATES if args.failure_rate is None else (args.failure_rate,)
    ceiling = args.max_rate if args.max_rate is not None else 2 * args.rate
    timeout = args.timeout if args.timeout is not None else 3 * args.messages / args.rate + 60
    config = DispatcherConfig(max_rate_per_second=ceiling, workers=args.workers)
    database = "PostgreSQL (fresh schema)" if args.database_url else "SQLite (temporary file)"
    print(
        f"fan-out: {args.messages} DMs; fake Slack: R={args.rate:g} msg/s per workspace, "
        f"{PER_CHANNEL_PER_SECOND:g} msg/s per channel; database: {database}"
    )
    print(
        f"dispatcher: {args.processes} process{'es' if args.processes > 1 else ''} "
        f"({'each with its own engine, Dispatcher and limiter' if args.processes > 1 else 'this one'}), "
        f"ceiling {ceiling:g} msg/s{' each' if args.processes > 1 else ''}, {config.workers} workers, "
        f"batch {config.batch_size}, "
        f"retry base {config.retry_base.total_seconds():g} s, run budget {config.run_budget_seconds:g} s, "
        f"poll {args.poll:g} s",
        flush=True,
    )
    results = []
    for number, failure_rate in enumerate(failure_rates, start=1):
        print(
            f"scenario {number}/{len(failure_rates)}: {failure_rate:.0%} 5xx ...", file=sys.stderr, flush=True
        )
        result = run_scenario(
            messages=args.messages,
            rate=args.rate,
            failure_rate=failure_rate,
            base_database_url=args.database_url,
            workers=args.workers,
            ceiling=ceiling,
            timeout=timeout,
            poll=args.poll,
            seed=args.seed,
            processes=args.processes,
        )
        print(f"  done in {result.elapsed:.1f} s", file=sys.stderr, flush=True)
        results.append(result)
    print()
    print_table(results)
    if args.timeline:
        for result in results:
            print_timeline(result)
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
