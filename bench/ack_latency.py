"""Ack latency under load: signed slash commands and button clicks at a fixed concurrency.

The real app (`create_app`, every listener, an active cohort in the database) and a bare Bolt
app (trivial listeners that only ack) are served the same way, one after the other: the
production WSGI server (`bot.runtime.HttpServer`: waitress, `HTTP_THREADS` threads) behind
`bot.web.build_wsgi_app`, in a process of their own so that the load generator and the fake
Slack do not share their interpreter lock. Each gets the same mix of signed requests from
`--concurrency` client threads; the latency of a request is from sending it until its HTTP
response (the ack) was read. The work after the ack (the answer at the response_url, a
modal) is waited for and reported too, but the targets are about the ack.
Targets (from the issue): ack p99 under 100 ms, and within 2x of the bare app's p99.

By default the load is a closed loop (each client thread sends again as soon as it has its
ack), so the server is saturated and latency is about concurrency / throughput; `--rate`
sends at a fixed rate instead (open loop), to see the latency below saturation.

    .venv/bin/python -m bench.ack_latency                      # 1,000 requests, concurrency 20, SQLite
    .venv/bin/python -m bench.ack_latency --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench.ack_latency --rate 100           # open loop, 100 requests a second

Exit status 0 when both targets were met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import itertools
import logging
import math
import multiprocessing
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update

from bench.cohort_seed import SeededCohort, seed_active_cohort
from bot.app import create_app
from bot.ids import ActionId
from bot.runtime import HTTP_THREADS, HttpServer
from bot.settings import ConnectionMode, Settings
from bot.slack_gateway import build_web_client
from bot.views.errors import unexpected_error_text
from bot.web import EVENTS_PATH, build_wsgi_app
from storage.engine import create_database_engine, make_session_factory, ping
from storage.migrate import upgrade_database
from storage.models import Enrollment, EnrollmentState, Person
from storage.uow import UnitOfWork
from tests.conftest import ADMIN_USER_ID, SIGNING_SECRET
from tests.dbutil import fresh_database_url
from tests.fakes import slack_api
from tests.fakes.slack_api import FakeSlackApi, _Reply
from tests.fakes.slack_requests import HttpResult, SlackRequestSender

P99_TARGET_SECONDS = 0.100
BARE_RATIO_TARGET = 2.0
WARMUP_REQUESTS = 40
WORK_TIMEOUT_SECONDS = 60.0
# (kind, share of the requests): commands and clicks whose listeners ack first, then work.
MIX: tuple[tuple[str, float], ...] = (
    ("/mentor help", 0.20),
    ("/mentor status", 0.20),
    ("/mentor-admin status", 0.15),
    ("click Pause", 0.15),
    ("click Resume", 0.15),
    ("click Show commands", 0.15),
)
# Where the buttons sit: a message in the person's DM with the bot.
_MESSAGE = {"text": "Your mentoring program", "blocks": []}
_UNEXPECTED = unexpected_error_text(error_id="").split("`")[0]
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


# ---- the fake Slack --------------------------------------------------------------------------


class TimedFakeSlack(FakeSlackApi):
    """The fake Slack, noting when each response_url got its first answer (time.time())."""

    def __init__(self) -> None:
        super().__init__()
        self.answered_at: dict[str, float] = {}

    def _serve_response_url(self, path: str, raw: bytes) -> _Reply:
        reply = super()._serve_response_url(path, raw)
        with self._cond:
            self.answered_at.setdefault(path, time.time())
        return reply


def answer_texts(fake: FakeSlackApi, urls: Sequence[str]) -> list[str]:
    return [str(answer.get("text", "")) for url in urls for answer in fake.responses(url)]


# ---- the requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRequest:
    """One request of the load, built (not yet signed) before the clock starts."""

    kind: str
    body: bytes
    content_type: str
    # Where the work after the ack shows: a response_url's path, or the trigger_id of a modal.
    response_path: str | None = None
    trigger_id: str | None = None


class _Capture(SlackRequestSender):
    """Builds Slack's requests exactly as the e2e tests send them, but keeps them instead of posting."""

    def __init__(self, *, team_id: str) -> None:
        super().__init__(endpoint_url="http://unused", signing_secret=SIGNING_SECRET, team_id=team_id)
        self.captured: tuple[bytes, str] | None = None

    def post_raw(self, body: bytes, *, content_type: str, **_: Any) -> HttpResult:
        self.captured = (body, content_type)
        return HttpResult(status=200, body="", headers={}, elapsed_seconds=0.0)

    def take(self) -> tuple[bytes, str]:
        assert self.captured is not None
        captured, self.captured = self.captured, None
        return captured


@dataclass
class Cast:
    """Who sends what: participants, who clicks Pause, and who is on a break and clicks Resume.

    Each person clicks once (until the lists run out and start over), also across calls of
    `plan_requests`, so the warm-up does not take the measured run's clicks.
    """

    participants: list[str]
    to_pause: list[str]
    to_resume: list[str]
    _pauses: Iterator[str] = field(init=False)
    _resumes: Iterator[str] = field(init=False)

    def __post_init__(self) -> None:
        self._pauses = itertools.cycle(self.to_pause)
        self._resumes = itertools.cycle(self.to_resume)

    def next_to_pause(self) -> str:
        return next(self._pauses)

    def next_to_resume(self) -> str:
        return next(self._resumes)


def plan_requests(
    count: int, *, fake: FakeSlackApi, cast: Cast, cohort_id: int, seed: int
) -> list[PlannedRequest]:
    """`count` requests in the proportions of MIX, shuffled (seeded)."""
    rng = random.Random(seed)
    kinds = [kind for kind, share in MIX for _ in range(round(count * share))]
    kinds = (kinds + [MIX[0][0]] * count)[:count]
    rng.shuffle(kinds)
    capture = _Capture(team_id=fake.team_id)
    planned = []
    for kind in kinds:
        response_url = fake.new_response_url()
        trigger_id = None
        if kind.startswith("/"):
            command, text = kind.split(" ", 1)
            user = ADMIN_USER_ID if command == "/mentor-admin" else rng.choice(cast.participants)
            capture.command(command, text, user_id=user, response_url=response_url, channel_id=f"D{user}")
        elif kind == "click Show commands":
            user = rng.choice(cast.participants)
            trigger_id = capture.new_trigger_id()
            capture.block_action(
                user_id=user, action_id=ActionId.OPEN_HELP, trigger_id=trigger_id, message=dict(_MESSAGE)
            )
            response_url = None
        else:
            user = cast.next_to_pause() if kind == "click Pause" else cast.next_to_resume()
            capture.block_action(
                user_id=user,
                action_id=ActionId.PAUSE if kind == "click Pause" else ActionId.RESUME,
                value=str(cohort_id),
                response_url=response_url,
                message=dict(_MESSAGE),
            )
        body, content_type = capture.take()
        planned.append(
            PlannedRequest(
                kind=kind,
                body=body,
                content_type=content_type,
                response_path=urlsplit(response_url).path if response_url else None,
                trigger_id=trigger_id,
            )
        )
    return planned


# ---- the servers (in a process of their own) -------------------------------------------------


@dataclass(frozen=True)
class ServerSpec:
    """What a server process needs, as plain values (it is started with `spawn`)."""

    app: str  # "real" or "bare"
    database_url: str
    api_url: str
    bot_token: str
    # What-if knobs; None keeps production's values (HTTP_THREADS, Bolt's default executor).
    http_threads: int | None = None
    listener_workers: int | None = None


def build_server(spec: ServerSpec) -> tuple[HttpServer, Callable[[], None], dict[str, Any], ServerProbe]:
    """The app behind the production server on 127.0.0.1: the server, its cleanup, a description, a probe."""
    client = build_web_client(token=spec.bot_token, base_url=spec.api_url)
    if spec.app == "real":
        engine = create_database_engine(spec.database_url)
        session_factory = make_session_factory(engine)

        def uow_factory() -> UnitOfWork:
            return UnitOfWork(session_factory=session_factory)

        settings = Settings(
            slack_bot_token=spec.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=spec.api_url,
            database_url=spec.database_url,
            mentor_admins=frozenset({ADMIN_USER_ID}),
            mode=ConnectionMode.HTTP,
        )
        bolt_app = create_app(settings, client=client, uow_factory=uow_factory)

        def health() -> None:
            ping(engine=engine)

        cleanup: Callable[[], None] = engine.dispose
    else:
        bolt_app = bare_app(client)

        def health() -> None:
            return None

        def cleanup() -> None:
            return None

    if spec.listener_workers is not None:
        # What-if only: swap the pool Bolt runs listeners in (acks are sent from inside them).
        executor = ThreadPoolExecutor(max_workers=spec.listener_workers)
        bolt_app.listener_runner.listener_executor = executor
        bolt_app.listener_runner.lazy_listener_runner.executor = executor
    probe = ServerProbe()
    probe.install(bolt_app)
    server = HttpServer(
        wsgi_app=build_wsgi_app(bolt_app=bolt_app, health_check=health),
        host="127.0.0.1",
        port=0,
        threads=spec.http_threads or HTTP_THREADS,
    )
    executor = bolt_app.listener_runner.listener_executor
    info = {
        "url": server.url,
        "http_threads": spec.http_threads or HTTP_THREADS,
        "listener_workers": getattr(executor, "_max_workers", "?"),
        "process_before_response": bolt_app.process_before_response,
    }
    return server, cleanup, info, probe


def bare_app(client: Any) -> Any:
    """Bolt with nothing of ours: one command listener and one action listener that only ack.

    Same signing secret, same client (so the same auth.test at start), same
    `process_before_response=False`, so it answers the same requests the same way, minus the work.
    """
    from slack_bolt import Ack, App

    app = App(
        client=client,
        signing_secret=SIGNING_SECRET,
        logger=logging.getLogger("bench.bare"),
        process_before_response=False,
    )

    def just_ack(ack: Ack) -> None:
        ack()

    app.command(re.compile(r"^/mentor(-admin)?$"))(just_ack)
    app.action(re.compile(r".*"))(just_ack)
    return app


class ServerProbe:
    """What the server process measures about itself, read and reset by `take()`.

    - the deepest queue of requests waiting for a waitress thread (waitress logs "Task queue
      depth is N" for each queued request: those lines are kept here instead of printed);
    - the garbage collector's pauses by generation (gc.callbacks);
    - where Bolt spends a request's time: from `App.dispatch` to `ThreadListenerRunner.run`
      (middleware and matching, in the waitress thread), from there until the listener starts in
      Bolt's listener pool (waiting for a free worker: the ack is sent from inside the listener),
      and from the listener's start until dispatch returns (the ack, plus Bolt's 10 ms polling).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deepest_queue = 0
        self._gc_started = 0.0
        self._gc: dict[int, list[float]] = defaultdict(list)
        self._spans: list[tuple[float, float | None, float | None, float]] = []

    def install(self, bolt_app: Any) -> None:
        logging.getLogger("waitress.queue").addFilter(self._queue_filter)
        gc.callbacks.append(self._gc_callback)
        runner = bolt_app.listener_runner
        run, start_handler, dispatch = runner.run, runner.listener_start_handler, bolt_app.dispatch

        def timed_run(**kwargs: Any) -> Any:
            kwargs["request"].context["bench_run_at"] = time.perf_counter()
            return run(**kwargs)

        class TimedStart:
            def handle(self, *, request: Any, response: Any) -> None:
                request.context["bench_started_at"] = time.perf_counter()
                start_handler.handle(request=request, response=response)

        def timed_dispatch(request: Any) -> Any:
            began = time.perf_counter()
            try:
                return dispatch(request)
            finally:
                span = (
                    began,
                    request.context.get("bench_run_at"),
                    request.context.get("bench_started_at"),
                    time.perf_counter(),
                )
                with self._lock:
                    self._spans.append(span)

        runner.run = timed_run
        runner.listener_start_handler = TimedStart()
        bolt_app.dispatch = timed_dispatch

    def uninstall(self) -> None:
        logging.getLogger("waitress.queue").removeFilter(self._queue_filter)
        if self._gc_callback in gc.callbacks:
            gc.callbacks.remove(self._gc_callback)

    def _queue_filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], int):
            self._deepest_queue = max(self._deepest_queue, record.args[0])
        return False

    def _gc_callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self._gc[info["generation"]].append(time.perf_counter() - self._gc_started)

    def take(self) -> dict[str, Any]:
        with self._lock:
            spans, self._spans = self._spans, []
            deepest, self._deepest_queue = self._deepest_queue, 0
            pauses, self._gc = dict(self._gc), defaultdict(list)
        return {
            "cpu": time.process_time(),
            "deepest_queue": deepest,
            "gc": pauses,
            "bolt_total": [end - began for began, _, _, end in spans],
            "bolt_matching": [run - began for began, run, _, _ in spans if run is not None],
            "bolt_wait_worker": [
                started - run for _, run, started, _ in spans if run is not None and started is not None
            ],
            "bolt_listener": [end - started for _, _, started, end in spans if started is not None],
        }


def serve_in_process(spec: ServerSpec, connection: Connection) -> None:
    """The server process: start, say where, answer `take` with the probe's figures, stop when told."""
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="server %(levelname)s %(name)s: %(message)s"
    )
    for name in _PROXY_VARIABLES:
        os.environ.pop(name, None)
    server, cleanup, info, probe = build_server(spec)
    server.start()
    connection.send(info)
    try:
        while connection.recv() == "take":
            connection.send(probe.take())
    finally:
        server.stop()
        cleanup()
        connection.send("stopped")


class RunningServer:
    """A server in a child process (default) or in this one (`--in-process`)."""

    def __init__(self, spec: ServerSpec, *, in_process: bool) -> None:
        self._process: Any = None
        self._connection: Connection | None = None
        if in_process:
            self._server, self._cleanup, self.info, self._probe = build_server(spec)
            self._server.start()
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(target=serve_in_process, args=(spec, child), name=f"{spec.app}-app")
        self._process.start()
        self._connection = parent
        if not parent.poll(120):
            raise RuntimeError("the server process did not start")
        self.info = parent.recv()

    @property
    def url(self) -> str:
        return str(self.info["url"])

    def take(self) -> dict[str, Any]:
        """The probe's figures since the last call; CPU time is None in-process (it is shared)."""
        if self._connection is None:
            return {**self._probe.take(), "cpu": None}
        self._connection.send("take")
        return dict(self._connection.recv())

    def stop(self) -> None:
        if self._connection is None:
            self._probe.uninstall()
            self._server.stop()
            self._cleanup()
            return
        self._connection.send("stop")
        self._connection.poll(30)
        self._process.join(30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


# ---- the load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One request's outcome as the client saw it."""

    kind: str
    status: int
    ack: float  # seconds, from sending to the response read
    sent_at: float  # time.time() when it was sent
    late: float  # open loop only: how long after its planned time it could be sent
    body: str


def send_all(
    requests: Sequence[PlannedRequest],
    *,
    url: str,
    concurrency: int,
    keep_alive: bool,
    rate: float | None = None,
) -> tuple[list[Sent], float]:
    """Send every request from `concurrency` threads; returns the outcomes in order and the wall time.

    Closed loop (no `rate`): each thread sends its next request as soon as the previous one was
    answered. Open loop: request i is due at i/rate seconds; a thread sleeps until then, and a
    request finds no free thread when `concurrency` are waiting for answers (it is then `late`).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    signer = SlackRequestSender(endpoint_url=url + EVENTS_PATH, signing_secret=SIGNING_SECRET)
    results: list[Sent | None] = [None] * len(requests)
    next_index = iter(range(len(requests)))
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)
    origin = 0.0

    def worker() -> None:
        connection: http.client.HTTPConnection | None = None
        start.wait()
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            late = 0.0
            if rate is not None:
                due = origin + index / rate
                late = time.perf_counter() - due
                if late < 0:
                    time.sleep(-late)
                    late = 0.0
            request = requests[index]
            headers = signer.signed_headers(request.body, content_type=request.content_type)
            if not keep_alive:
                headers["Connection"] = "close"
            sent_at = time.time()
            began = time.perf_counter()
            will_close = True
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=30)
                connection.request("POST", EVENTS_PATH, body=request.body, headers=headers)
                response = connection.getresponse()
                body = response.read().decode("utf-8", errors="replace")
                status, will_close = response.status, response.will_close
            except (OSError, http.client.HTTPException) as error:
                status, body = 0, f"{type(error).__name__}: {error}"
            ack = time.perf_counter() - began
            if connection is not None and (will_close or not keep_alive):
                connection.close()
                connection = None
            results[index] = Sent(
                kind=request.kind, status=status, ack=ack, sent_at=sent_at, late=late, body=body
            )
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=worker, name=f"client-{n}", daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    origin = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - origin
    return [result for result in results if result is not None], wall


# ---- one app under load ----------------------------------------------------------------------


@dataclass
class AppResult:
    """What one app's run measured."""

    name: str
    info: dict[str, Any]
    sent: list[Sent] = field(default_factory=list)
    wall: float = 0.0
    server: dict[str, Any] = field(default_factory=dict)  # the probe's figures (ServerProbe.take)
    server_cpu: float | None = None
    done_after: list[float] = field(default_factory=list)  # seconds from sending to the work's result
    work_expected: int = 0
    work_missing: int = 0
    unexpected_errors: int = 0

    @property
    def acks(self) -> list[float]:
        return [s.ack for s in self.sent if s.status == 200]

    @property
    def not_ok(self) -> int:
        return sum(1 for s in self.sent if s.status != 200)

    def percentile(self, fraction: float) -> float:
        return percentile(self.acks, fraction)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 1,000 values is the 990th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def run_app(
    name: str,
    spec: ServerSpec,
    *,
    fake: TimedFakeSlack,
    plan: Callable[[int, int], list[PlannedRequest]],
    args: argparse.Namespace,
    expect_work: bool,
) -> AppResult:
    """Start the app, warm it up, send the load, wait for the work after the acks, stop it."""
    server = RunningServer(spec, in_process=args.in_process)
    result = AppResult(name=name, info=server.info)
    try:
        warmup = plan(WARMUP_REQUESTS, args.seed + 1)
        send_all(warmup, url=server.url, concurrency=min(args.concurrency, 4), keep_alive=args.keep_alive)
        if expect_work:
            wait_for_work(fake, warmup, started=time.time())
        requests = plan(args.requests, args.seed)
        before = server.take()
        result.sent, result.wall = send_all(
            requests, url=server.url, concurrency=args.concurrency, keep_alive=args.keep_alive, rate=args.rate
        )
        result.server = server.take()
        if before["cpu"] is not None and result.server["cpu"] is not None:
            result.server_cpu = result.server["cpu"] - before["cpu"]
        if expect_work:
            result.work_expected = len(requests)
            done = wait_for_work(fake, requests, started=time.time())
            result.done_after = [
                done[index] - sent.sent_at for index, sent in enumerate(result.sent) if index in done
            ]
            result.work_missing = len(requests) - len(done)
            texts = answer_texts(fake, [fake.url + r.response_path for r in requests if r.response_path])
            result.unexpected_errors = sum(1 for text in texts if text.startswith(_UNEXPECTED))
    finally:
        server.stop()
    return result


def wait_for_work(
    fake: TimedFakeSlack, requests: Sequence[PlannedRequest], *, started: float
) -> dict[int, float]:
    """When the work after each ack showed at the fake (index -> time.time()), waiting up to a minute."""
    deadline = started + WORK_TIMEOUT_SECONDS
    while True:
        opened = {call.args.get("trigger_id"): call.received_at for call in fake.calls_to("views.open")}
        with fake._cond:
            answered = dict(fake.answered_at)
        done: dict[int, float] = {}
        for index, request in enumerate(requests):
            at = answered.get(request.response_path or "") or opened.get(request.trigger_id)
            if at is not None:
                done[index] = at
        if len(done) == len(requests) or time.time() > deadline:
            return done
        time.sleep(0.2)


# ---- setup and report ------------------------------------------------------------------------


def seed_database(
    database_url: str, fake: FakeSlackApi, *, participants: int, seed: int
) -> tuple[SeededCohort, Cast]:
    """An active cohort; a quarter of the pairs' members are on a break (they click Resume)."""
    upgrade_database(database_url=database_url)
    engine = create_database_engine(database_url)
    try:
        session_factory = make_session_factory(engine)

        def uow_factory() -> UnitOfWork:
            return UnitOfWork(session_factory=session_factory)

        half = participants // 2
        seeded = seed_active_cohort(
            uow_factory, team_id=fake.team_id, employees=half, executives=half, pairs=half, seed=seed
        )
        everyone = [*seeded.employees, *seeded.executives]
        rng = random.Random(seed)
        rng.shuffle(everyone)
        quarter = len(everyone) // 4
        cast = Cast(
            participants=everyone, to_pause=everyone[:quarter], to_resume=everyone[quarter : 2 * quarter]
        )
        with uow_factory() as uow:
            until = (datetime.now(UTC) + timedelta(weeks=2)).date()
            ids = uow.session.scalars(
                select(Person.id).where(Person.team_id == fake.team_id, Person.user_id.in_(cast.to_resume))
            ).all()
            uow.session.execute(update(Person).where(Person.id.in_(ids)).values(paused_until_date=until))
            uow.session.execute(
                update(Enrollment)
                .where(Enrollment.cohort_id == seeded.cohort_id, Enrollment.person_id.in_(ids))
                .values(state=EnrollmentState.PAUSED)
            )
            uow.commit()
        for user_id in everyone:
            fake.add_user(user_id, name=user_id.lower(), tz="Europe/London")
        return seeded, cast
    finally:
        engine.dispose()


def ms(seconds: float | None) -> str:
    return "-" if seconds is None or math.isnan(seconds) else f"{seconds * 1000:.1f}"


def print_table(results: list[AppResult], *, open_loop: bool) -> bool:
    """One column per app, the targets, the real app's figures by kind; True if both targets were met."""
    real, bare = results
    ratio = real.percentile(0.99) / bare.percentile(0.99)

    def cpu(result: AppResult) -> str:
        if result.server_cpu is None or not result.wall:
            return "-"
        return f"{result.server_cpu / result.wall:.0%}"

    def gc_runs(result: AppResult) -> str:
        pauses = result.server.get("gc", {})
        return "/".join(str(len(pauses.get(generation, []))) for generation in range(3))

    def gc_longest(result: AppResult) -> str:
        pauses = result.server.get("gc", {})
        return "/".join(f"{max(pauses.get(generation, [0.0])) * 1000:.0f}" for generation in range(3))

    def spread(values: Sequence[float]) -> str:
        return f"{ms(percentile(values, 0.5))} / {ms(percentile(values, 0.99))}" if values else "-"

    def bolt(result: AppResult, key: str) -> str:
        return spread(result.server.get(key, []))

    def late(result: AppResult) -> str:
        return str(sum(1 for s in result.sent if s.late > 0.005))

    rows: list[tuple[str, list[str]]] = [
        ("", [r.name for r in results]),
        ("requests sent", [str(len(r.sent)) for r in results]),
        ("not HTTP 200 (or no answer)", [str(r.not_ok) for r in results]),
        ("ack p50 (ms)", [ms(r.percentile(0.50)) for r in results]),
        ("ack p95 (ms)", [ms(r.percentile(0.95)) for r in results]),
        ("ack p99 (ms)", [ms(r.percentile(0.99)) for r in results]),
        ("ack max (ms)", [ms(max(r.acks, default=math.nan)) for r in results]),
        ("ack mean (ms)", [ms(statistics.fmean(r.acks) if r.acks else math.nan) for r in results]),
        ("throughput (req/s)", [f"{len(r.sent) / r.wall:.0f}" if r.wall else "-" for r in results]),
        *([("sent > 5 ms after its time", [late(r) for r in results])] if open_loop else []),
        ("-- in the server", ["" for _ in results]),
        ("CPU (100% = one core)", [cpu(r) for r in results]),
        ("most requests waiting for a thread", [str(r.server.get("deepest_queue", "-")) for r in results]),
        ("Bolt: middleware+matching p50/p99", [bolt(r, "bolt_matching") for r in results]),
        ("Bolt: wait for listener worker p50/p99", [bolt(r, "bolt_wait_worker") for r in results]),
        ("Bolt: listener start to response p50/p99", [bolt(r, "bolt_listener") for r in results]),
        ("Bolt: whole dispatch p50/p99", [bolt(r, "bolt_total") for r in results]),
        ("GC runs, gen 0/1/2", [gc_runs(r) for r in results]),
        ("longest GC pause, gen 0/1/2 (ms)", [gc_longest(r) for r in results]),
        ("-- after the ack", ["" for _ in results]),
        ("work done, from sending: p50 (ms)", [spread_one(r.done_after, 0.50) for r in results]),
        ("work done, from sending: p99 (ms)", [spread_one(r.done_after, 0.99) for r in results]),
        ("work never done (60 s)", [str(r.work_missing) if r.work_expected else "-" for r in results]),
        ("unexpected-error answers", [str(r.unexpected_errors) if r.work_expected else "-" for r in results]),
    ]
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(cells[i]) for _, cells in rows) for i in range(len(results))]
    for label, cells in rows:
        line = label.ljust(label_width) + "".join(f"  {cell:>{widths[i]}}" for i, cell in enumerate(cells))
        print(line.rstrip())
    p99_ok = real.percentile(0.99) < P99_TARGET_SECONDS and real.not_ok == 0
    ratio_ok = ratio <= BARE_RATIO_TARGET
    print(f"\nreal / bare: p50 {real.percentile(0.5) / bare.percentile(0.5):.2f}x, p99 {ratio:.2f}x")
    print(f"target: real app ack p99 < {P99_TARGET_SECONDS * 1000:g} ms: {'PASS' if p99_ok else 'FAIL'}")
    print(f"target: real app p99 <= {BARE_RATIO_TARGET:g}x bare p99: {'PASS' if ratio_ok else 'FAIL'}")

    print("\nreal app by kind (ms)      count   p50   p95   p99   max")
    by_kind: dict[str, list[float]] = defaultdict(list)
    for sent in real.sent:
        if sent.status == 200:
            by_kind[sent.kind].append(sent.ack)
    for kind, _ in MIX:
        acks = by_kind.get(kind, [])
        print(
            f"  {kind:<24} {len(acks):5d} {ms(percentile(acks, 0.5)):>5} {ms(percentile(acks, 0.95)):>5} "
            f"{ms(percentile(acks, 0.99)):>5} {ms(max(acks, default=math.nan)):>5}"
        )
    failures = Counter(s.body[:80] for r in results for s in r.sent if s.status != 200)
    for body, count in failures.most_common(5):
        print(f"  non-200 x{count}: {body}")
    return p99_ok and ratio_ok


def spread_one(values: Sequence[float], fraction: float) -> str:
    return ms(percentile(values, fraction)) if values else "-"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ack_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per app")
    parser.add_argument("--concurrency", type=int, default=20, help="client threads sending at once")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="open loop: send R requests a second (at most --concurrency waiting); default: closed loop",
    )
    parser.add_argument("--participants", type=int, default=600, help="people in the active cohort")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL base URL (a fresh schema is used); default SQLite"
    )
    parser.add_argument(
        "--keep-alive", action="store_true", help="reuse one HTTP/1.1 connection per client thread"
    )
    parser.add_argument(
        "--in-process", action="store_true", help="serve from this process (shares the GIL with the load)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the request mix and the cohort")
    parser.add_argument(
        "--http-threads",
        type=int,
        default=None,
        help=f"what-if: waitress threads (production: {HTTP_THREADS})",
    )
    parser.add_argument(
        "--listener-workers",
        type=int,
        default=None,
        help="what-if: Bolt's listener pool in the real app (production: Bolt's default, 5)",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.participants < 8:
        parser.error("--requests and --concurrency must be positive, --participants at least 8")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # slack_sdk would send even 127.0.0.1 calls through a configured proxy.
    for name in _PROXY_VARIABLES:
        os.environ.pop(name, None)
    # The fake's listen backlog (socketserver's default is 5) would drop the bot's bursts of connections.
    slack_api._Server.request_queue_size = 256
    database = "PostgreSQL (fresh schema)" if args.database_url else "SQLite (temporary file)"
    mix = ", ".join(f"{kind} {share:.0%}" for kind, share in MIX)
    with TimedFakeSlack() as fake, fresh_database_url(args.database_url) as database_url:
        fake.add_user(ADMIN_USER_ID, name="ada", real_name="Ada Admin", tz="Europe/London")
        started = time.perf_counter()
        seeded, cast = seed_database(database_url, fake, participants=args.participants, seed=args.seed)
        print(
            f"ack latency: {args.requests} signed requests per app at concurrency {args.concurrency}"
            f"{f' (open loop, {args.rate:g} req/s)' if args.rate else ' (closed loop)'}, "
            f"{'keep-alive connections' if args.keep_alive else 'a new connection per request'}; "
            f"database: {database}",
            flush=True,
        )
        print(f"mix: {mix}")
        print(
            f"cohort: active, {seeded.participants} participants in {len(seeded.pairs)} pairs, "
            f"{len(cast.to_resume)} on a break (stored in {time.perf_counter() - started:.1f} s)"
        )

        def plan(count: int, seed: int) -> list[PlannedRequest]:
            return plan_requests(count, fake=fake, cast=cast, cohort_id=seeded.cohort_id, seed=seed)

        results = []
        for name, app in (("real app", "real"), ("bare Bolt", "bare")):
            print(f"{name} ...", file=sys.stderr, flush=True)
            spec = ServerSpec(
                app=app,
                database_url=database_url,
                api_url=fake.base_url,
                bot_token=fake.bot_token,
                http_threads=args.http_threads,
                listener_workers=args.listener_workers if app == "real" else None,
            )
            results.append(run_app(name, spec, fake=fake, plan=plan, args=args, expect_work=app == "real"))
        info = results[0].info
        if args.http_threads is not None or args.listener_workers is not None:
            print("WHAT-IF RUN: not production's settings (see --http-threads, --listener-workers)")
        print(
            f"server: waitress {info['http_threads']} threads (bot.runtime.HttpServer), "
            f"Bolt listener executor {info['listener_workers']} workers, "
            f"process_before_response={info['process_before_response']}; "
            f"{'in this process' if args.in_process else 'each app in a process of its own'}; "
            f"{WARMUP_REQUESTS} warm-up requests first (not counted)\n"
        )
        passed = print_table(results, open_loop=args.rate is not None)
        if fake.errors:
            raise RuntimeError(f"the fake Slack failed: {fake.errors[0]}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
