"""Resident memory of one real bot process: idle, and with a 10,000-participant active cohort.

Each scenario starts `mentor-bot run --http` as a subprocess (the scheduler on, every
`--interval` seconds) against the fake Slack and a database prepared beforehand, and reads
the process's /proc/<pid>/status (VmRSS, VmHWM: the peak) and smaps_rollup (Pss):

- idle: an empty database; read once the process is healthy and has ticked a few times;
- quiet week: an active cohort of N people (half employees, half executives) in N/2 live
  pairs, with no check-in due; the scheduler's planners load the whole cohort every tick;
- check-in day: the same cohort on its check-in day, so the first ticks queue a check-in DM
  for every member of every pair (N outbox rows) and the dispatcher starts sending them.

In both loaded scenarios, after the ticks, the admin sends `/mentor-admin status` and
`/mentor-admin report` (which draws the chart with matplotlib and uploads it), and the memory
is read after each. Target (from the issue): under 200 MiB with 10,000 participants.
A second table shows where the idle memory goes: a fresh interpreter's RSS after importing,
one after the other, the libraries the bot imports at start.

    .venv/bin/python -m bench.memory                      # idle, quiet week, check-in day; SQLite
    .venv/bin/python -m bench.memory --scenario quiet --participants 20000

Exit status 0 when every scenario's peak stayed under the target, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from bench.cohort_seed import seed_active_cohort
from storage.engine import create_database_engine, make_session_factory
from storage.migrate import upgrade_database
from storage.models import OutboxMessage, OutboxStatus
from storage.uow import UnitOfWork
from tests.conftest import ADMIN_USER_ID, SIGNING_SECRET
from tests.dbutil import fresh_database_url
from tests.fakes import slack_api
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_requests import SlackRequestSender

TARGET_MIB = 200.0
MENTOR_BOT = str(Path(sys.executable).parent / "mentor-bot")
SAMPLE_SECONDS = 0.2
START_TIMEOUT_SECONDS = 60.0
ANSWER_TIMEOUT_SECONDS = 180.0
# Only these variables of the shell reach the bot; everything else it needs is set here.
# Enough frames to reach the bot's own line through SQLAlchemy's stack.
TRACE_FRAMES = 16
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "PGPASSWORD")
SCENARIOS = ("idle", "quiet", "checkin-day")
# What the bot imports at start, heaviest suspects first, then the rest of the app.
IMPORTS = (
    ("python itself", ()),
    ("sqlalchemy", ("sqlalchemy", "sqlalchemy.orm")),
    ("slack_sdk, slack_bolt", ("slack_sdk", "slack_bolt", "slack_bolt.adapter.wsgi")),
    ("waitress, apscheduler, dotenv", ("waitress", "apscheduler.schedulers.background", "dotenv")),
    ("numpy", ("numpy",)),
    ("scipy.optimize (bot.matching)", ("scipy.optimize",)),
    ("matplotlib (bot.charts)", ("matplotlib.figure", "matplotlib.backends.backend_agg")),
    ("psycopg", ("psycopg",)),
    ("alembic (storage.migrate)", ("alembic.command", "alembic.config", "alembic.script")),
    ("the bot: bot.runtime, handlers", ("bot.cli", "bot.runtime")),
)


def read_proc(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM, RssAnon, RssFile (status) and Pss (smaps_rollup) in MiB."""
    figures: dict[str, float] = {}
    status = Path(f"/proc/{pid}/status").read_text()
    for name in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
        found = re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            figures[name] = int(found.group(1)) / 1024
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return figures
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    if found:
        figures["Pss"] = int(found.group(1)) / 1024
    return figures


class RssSampler(threading.Thread):
    """Reads VmRSS every SAMPLE_SECONDS: the highest value seen, and when."""

    def __init__(self, pid: int) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self._pid = pid
        self._done = threading.Event()
        self.samples: list[tuple[float, float]] = []

    def run(self) -> None:
        started = time.monotonic()
        while not self._done.wait(SAMPLE_SECONDS):
            try:
                rss = read_proc(self._pid).get("VmRSS")
            except OSError:
                return
            if rss is not None:
                self.samples.append((time.monotonic() - started, rss))

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class Checkpoint:
    """Memory read at one moment of a scenario."""

    name: str
    figures: dict[str, float]
    seconds: float  # since the process was started


@dataclass
class ScenarioResult:
    name: str
    participants: int = 0
    pairs: int = 0
    checkpoints: list[Checkpoint] = field(default_factory=list)
    peak_sampled: float = 0.0
    hwm: float = 0.0
    outbox: dict[str, int] = field(default_factory=dict)
    answers: dict[str, float] = field(default_factory=dict)  # command -> seconds until answered
    ready_seconds: float = 0.0
    failed_health_checks: int = 0

    @property
    def peak(self) -> float:
        """The higher of the kernel's VmHWM and the sampled VmRSS (Linux updates VmHWM lazily)."""
        return max(self.hwm, self.peak_sampled)

    @property
    def passed(self) -> bool:
        return self.peak < TARGET_MIB


class BotProcess:
    """`mentor-bot run --http` in a folder of its own, its log in a file."""

    def __init__(
        self,
        *,
        fake: FakeSlackApi,
        database_url: str,
        interval: int,
        folder: Path,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "bot.log"
        env = {name: os.environ[name] for name in INHERITED if name in os.environ}
        env.update(
            SLACK_BOT_TOKEN=fake.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.base_url,
            DATABASE_URL=database_url,
            MENTOR_ADMINS=ADMIN_USER_ID,
            SCHEDULER_INTERVAL_SECONDS=str(interval),
            # The check-in day may be a Saturday or Sunday in a given run: let check-ins out then too.
            SEND_ON_WEEKENDS="true",
            LOG_LEVEL="INFO",
        )
        env.update(extra_env or {})
        self._log = self.log_path.open("w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [MENTOR_BOT, "run", "--http", "--port", str(self.port)],
            cwd=folder,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def since_start(self) -> float:
        return time.monotonic() - self.started

    def wait_until_healthy(self) -> float:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited early:\n{self.log_tail()}")
            try:
                with opener.open(self.url + "/healthz", timeout=2) as response:
                    if json.loads(response.read()).get("status") == "ok":
                        return self.since_start()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the bot never became healthy:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def errors_in_log(self) -> list[str]:
        return [line for line in self.log_path.read_text().splitlines() if " ERROR " in line]

    def failed_health_checks(self) -> int:
        """/healthz answers 503 (and logs it) when the database does not answer, e.g. SQLite is locked."""
        return sum(1 for line in self.log_path.read_text().splitlines() if "Health check failed" in line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_scenario(name: str, args: argparse.Namespace) -> ScenarioResult:
    """Prepare the database, start the bot, drive it, read its memory at each step."""
    result = ScenarioResult(name=name)
    loaded = name != "idle"
    with (
        FakeSlackApi() as fake,
        fresh_database_url(args.database_url) as database_url,
        tempfile.TemporaryDirectory(prefix="mentor-bot-memory-") as folder,
    ):
        engine = None
        uow_factory: Callable[[], UnitOfWork] | None = None
        if loaded:
            upgrade_database(database_url=database_url)
            engine = create_database_engine(database_url)
            session_factory = make_session_factory(engine)

            def uow_factory() -> UnitOfWork:
                return UnitOfWork(session_factory=session_factory)

            started = time.perf_counter()
            half = args.participants // 2
            seeded = seed_active_cohort(
                uow_factory,
                team_id=fake.team_id,
                employees=half,
                executives=args.participants - half,
                pairs=args.pairs if args.pairs is not None else half,
                checkins_due=name == "checkin-day",
            )
            result.participants, result.pairs = seeded.participants, len(seeded.pairs)
            print(
                f"  {name}: {result.participants} participants, {result.pairs} pairs stored in "
                f"{time.perf_counter() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        bot = BotProcess(
            fake=fake,
            database_url=database_url,
            interval=args.interval,
            folder=Path(folder),
            extra_env=dict(item.split("=", 1) for item in args.env),
        )
        sampler = RssSampler(bot.pid)
        sampler.start()
        try:
            result.ready_seconds = bot.wait_until_healthy()

            def checkpoint(label: str) -> None:
                result.checkpoints.append(Checkpoint(label, read_proc(bot.pid), bot.since_start()))

            checkpoint("healthy (HTTP up)")
            time.sleep(args.ticks * args.interval)
            if name == "checkin-day" and uow_factory is not None:
                _wait_for_checkins(uow_factory, team_id=fake.team_id, expected=2 * result.pairs, bot=bot)
            checkpoint(
                f"after {args.ticks} scheduler ticks"
                + (" (check-ins queued)" if name == "checkin-day" else "")
            )
            if loaded:
                slack = SlackRequestSender(
                    endpoint_url=bot.url + "/slack/events",
                    signing_secret=SIGNING_SECRET,
                    team_id=fake.team_id,
                    timeout=30,
                )
                for text in ("status", "report"):
                    result.answers[text] = _admin_command(slack, fake, text)
                    checkpoint(f"after /mentor-admin {text}")
                time.sleep(2 * args.interval)
                checkpoint(f"{2 * args.interval} s later")
            result.hwm = read_proc(bot.pid).get("VmHWM", 0.0)
            if uow_factory is not None:
                result.outbox = _outbox(uow_factory, team_id=fake.team_id)
            result.failed_health_checks = bot.failed_health_checks()
            errors = bot.errors_in_log()
            if errors:
                print(f"  {name}: the bot logged {len(errors)} error(s), first: {errors[0]}", file=sys.stderr)
        finally:
            sampler.stop()
            bot.stop()
            if engine is not None:
                engine.dispose()
        result.peak_sampled = max((rss for _, rss in sampler.samples), default=0.0)
        if fake.errors:
            raise RuntimeError(f"the fake Slack failed: {fake.errors[0]}")
    return result


def _wait_for_checkins(
    uow_factory: Callable[[], UnitOfWork], *, team_id: str, expected: int, bot: BotProcess
) -> None:
    """Until the planner queued every member's check-in (it does it in one transaction)."""
    deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if bot.process.poll() is not None:
            raise RuntimeError(f"the bot exited:\n{bot.log_tail()}")
        with uow_factory() as uow:
            queued = uow.session.scalar(
                select(func.count()).where(OutboxMessage.team_id == team_id, OutboxMessage.kind == "checkin")
            )
        if (queued or 0) >= expected:
            return
        time.sleep(0.5)
    raise RuntimeError(f"the planner did not queue {expected} check-ins in {ANSWER_TIMEOUT_SECONDS:g} s")


def _admin_command(slack: SlackRequestSender, fake: FakeSlackApi, text: str) -> float:
    """Send `/mentor-admin <text>` and wait for the answer at its response_url; seconds it took."""
    url = fake.new_response_url()
    started = time.perf_counter()
    result = slack.command("/mentor-admin", text, user_id=ADMIN_USER_ID, response_url=url)
    if result.status != 200:
        raise RuntimeError(f"/mentor-admin {text}: HTTP {result.status} {result.body[:200]}")
    answer = fake.wait_for_response(url, timeout=ANSWER_TIMEOUT_SECONDS)
    if "went wrong" in str(answer.get("text", "")):
        raise RuntimeError(f"/mentor-admin {text} failed: {answer.get('text')}")
    return time.perf_counter() - started


def _outbox(uow_factory: Callable[[], UnitOfWork], *, team_id: str) -> dict[str, int]:
    with uow_factory() as uow:
        counts = uow.outbox.count_by_status(team_id=team_id)
    return {str(status): counts[status] for status in (OutboxStatus.PENDING, OutboxStatus.SENT)}


def import_costs() -> list[tuple[str, float]]:
    """A fresh interpreter's VmRSS after each group of IMPORTS, cumulative (MiB)."""
    script = (
        "import importlib, re, sys, json\n"
        "def rss():\n"
        "    text = open('/proc/self/status').read()\n"
        "    return int(re.search(r'VmRSS:\\s+(\\d+) kB', text).group(1)) / 1024\n"
        "out = []\n"
        "for label, modules in json.loads(sys.argv[1]):\n"
        "    for module in modules:\n"
        "        importlib.import_module(module)\n"
        "    out.append((label, rss()))\n"
        "print(json.dumps(out))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, json.dumps(IMPORTS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return [(label, float(rss)) for label, rss in json.loads(completed.stdout)]


def print_results(results: list[ScenarioResult]) -> None:
    def mib(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    for result in results:
        title = {
            "idle": "idle (empty database)",
            "quiet": (
                f"quiet week: {result.participants} participants, {result.pairs} live pairs, nothing due"
            ),
            "checkin-day": (
                f"check-in day: {result.participants} participants, {result.pairs} live pairs, "
                f"{2 * result.pairs} check-ins due"
            ),
        }[result.name]
        failed = f", {result.failed_health_checks} failed before" if result.failed_health_checks else ""
        print(f"\n{title} (healthy {result.ready_seconds:.1f} s after start{failed})")
        print(f"  {'moment':<44} {'at (s)':>7} {'VmRSS':>7} {'RssAnon':>8} {'RssFile':>8} {'Pss':>7}")
        for point in result.checkpoints:
            f = point.figures
            print(
                f"  {point.name:<44} {point.seconds:7.1f} {mib(f.get('VmRSS')):>7} "
                f"{mib(f.get('RssAnon')):>8} {mib(f.get('RssFile')):>8} {mib(f.get('Pss')):>7}"
            )
        print(f"  {'highest VmRSS sampled every 0.2 s':<44} {'':>7} {result.peak_sampled:7.1f}")
        print(f"  {'VmHWM (peak resident, kernel)':<44} {'':>7} {result.hwm:7.1f}")
        if result.answers:
            answers = ", ".join(f"{text} {seconds:.2f} s" for text, seconds in result.answers.items())
            print(f"  answers at the response_url: {answers}")
        if result.outbox:
            print(f"  outbox at the end: {result.outbox['pending']} pending, {result.outbox['sent']} sent")
        verdict = "PASS" if result.passed else "FAIL"
        print(f"  target: peak {result.peak:.1f} < {TARGET_MIB:g} MiB: {verdict}")


@dataclass
class HeapFigures:
    """tracemalloc's view of one operation: its peak, and what was alive at the chosen moment."""

    operation: str
    peak: float  # MiB above what was allocated before the operation
    seconds: float
    sites: list[tuple[str, float]]  # (our code's line, MiB alive at the snapshot), largest first
    snapshot_at: str


_PROJECT_DIRS = ("/bot/", "/storage/", "/handlers/")


def heap_breakdown(args: argparse.Namespace) -> list[HeapFigures]:
    """The loaded scenarios' work, run in this process under tracemalloc, one operation at a time.

    For the planner rounds the snapshot is taken at their first `commit` (the loaded cohort and
    what was queued are all alive then); each allocation is charged to the innermost line of the
    bot's own code (bot/, storage/, handlers/) on its stack. Python allocations only: not the
    interpreter, not the libraries' C buffers, and not memory freed but kept by the allocator.
    """
    figures = _heap_of_operations(args, due=False)
    if args.heap_checkin_day:
        figures += _heap_of_operations(args, due=True)
    return figures


def _heap_of_operations(args: argparse.Namespace, *, due: bool) -> list[HeapFigures]:
    import tracemalloc
    from datetime import UTC, datetime

    from bot.charts import report_chart_png
    from bot.local_time import SendWindow
    from bot.services import admin_status
    from bot.services.program_surveys import plan_program_surveys
    from bot.services.reports import build_report
    from bot.services.rhythm import plan_rhythm

    window = SendWindow(weekends=True)
    now = datetime.now(UTC)
    snapshots: list[tracemalloc.Snapshot] = []
    figures: list[HeapFigures] = []
    with FakeSlackApi() as fake, fresh_database_url(args.database_url) as database_url:
        upgrade_database(database_url=database_url)
        engine = create_database_engine(database_url)
        session_factory = make_session_factory(engine)

        class TracedUnitOfWork(UnitOfWork):
            def commit(self) -> None:
                if tracemalloc.is_tracing():
                    snapshots.append(tracemalloc.take_snapshot())
                super().commit()

        def uow_factory() -> UnitOfWork:
            return TracedUnitOfWork(session_factory=session_factory)

        half = args.participants // 2
        seed_active_cohort(
            uow_factory,
            team_id=fake.team_id,
            employees=half,
            executives=args.participants - half,
            pairs=args.pairs if args.pairs is not None else half,
            checkins_due=due,
        )

        def planner_round() -> None:
            plan_rhythm(
                uow=uow_factory(),
                now=now,
                window=window,
                default_timezone="UTC",
                admin_user_ids=[ADMIN_USER_ID],
            )
            plan_program_surveys(uow=uow_factory(), now=now, window=window, default_timezone="UTC")

        def status() -> None:
            admin_status.load_admin_status(uow=uow_factory(), team_id=fake.team_id)

        def report() -> None:
            report_chart_png(build_report(uow=uow_factory(), team_id=fake.team_id, now=now))

        operations: list[tuple[str, Callable[[], None]]] = (
            [("planner round, check-in day (queues every check-in)", planner_round)]
            if due
            else [
                ("planner round, quiet week", planner_round),
                ("/mentor-admin status (load_admin_status)", status),
                ("/mentor-admin report (build_report + chart)", report),
            ]
        )
        try:
            for label, operation in operations:
                snapshots.clear()
                tracemalloc.start(TRACE_FRAMES)
                try:
                    started = time.perf_counter()
                    operation()
                    seconds = time.perf_counter() - started
                    _, peak = tracemalloc.get_traced_memory()
                    snapshot_at = "its first commit" if snapshots else "its end"
                    snapshot = snapshots[0] if snapshots else tracemalloc.take_snapshot()
                finally:
                    tracemalloc.stop()
                figures.append(
                    HeapFigures(
                        operation=label,
                        peak=peak / 2**20,
                        seconds=seconds,
                        sites=_charge_to_our_code(snapshot),
                        snapshot_at=snapshot_at,
                    )
                )
        finally:
            engine.dispose()
    return figures


def _charge_to_our_code(snapshot: object, top: int = 6) -> list[tuple[str, float]]:
    import linecache
    import tracemalloc

    assert isinstance(snapshot, tracemalloc.Snapshot)
    root = str(Path(__file__).resolve().parent.parent)
    charged: dict[str, float] = {}
    for statistic in snapshot.statistics("traceback"):
        site = "(elsewhere: libraries, the interpreter)"
        for frame in reversed(statistic.traceback):  # tracemalloc lists the oldest frame first
            if frame.filename.startswith(root) and any(part in frame.filename for part in _PROJECT_DIRS):
                code = linecache.getline(frame.filename, frame.lineno).strip()
                site = f"{frame.filename[len(root) + 1 :]}:{frame.lineno} {code[:60]}"
                break
        charged[site] = charged.get(site, 0.0) + statistic.size / 2**20
    return sorted(charged.items(), key=lambda item: item[1], reverse=True)[:top]


def print_heap_breakdown(figures: list[HeapFigures]) -> None:
    print("\nwhere the loaded memory goes: tracemalloc of each operation run in the bench process (MiB)")
    for f in figures:
        print(f"  {f.operation}: peak {f.peak:.1f} MiB of Python objects, {f.seconds:.1f} s")
        print(f"    alive at {f.snapshot_at}, by the bot's line that allocated it:")
        for site, size in f.sites:
            print(f"    {size:6.1f}  {site}")


# What lazy imports would give: the same start with these packages replaced by empty stand-ins.
LAZY_CANDIDATES = ("scipy", "matplotlib", "alembic")


def import_without(packages: Sequence[str]) -> float:
    """A fresh interpreter's VmRSS after importing the bot with `packages` stubbed out (MiB)."""
    script = (
        "import importlib.abc, importlib.machinery, json, re, sys, types\n"
        "STUBBED = tuple(json.loads(sys.argv[1]))\n"
        "class Stub(types.ModuleType):\n"
        "    def __getattr__(self, name):\n"
        "        if name.startswith('__'):\n"
        "            raise AttributeError(name)\n"
        "        return type(name, (), {'__init__': lambda self, *a, **k: None})\n"
        "class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] in STUBBED:\n"
        "            return importlib.machinery.ModuleSpec(name, self, is_package=True)\n"
        "    def create_module(self, spec):\n"
        "        return Stub(spec.name)\n"
        "    def exec_module(self, module):\n"
        "        module.__path__ = []\n"
        "sys.meta_path.insert(0, Finder())\n"
        "import bot.cli, bot.runtime\n"
        "text = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmRSS:\\s+(\\d+) kB', text).group(1)) / 1024)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, json.dumps(list(packages))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return float(completed.stdout.strip())


def print_import_costs(costs: list[tuple[str, float]], *, without_lazy: float) -> None:
    print("\nwhere the idle memory goes: a fresh interpreter's VmRSS after importing (MiB)")
    print(f"  {'imported, in this order':<36} {'total':>7} {'added':>7}")
    previous = 0.0
    for label, rss in costs:
        print(f"  {label:<36} {rss:7.1f} {rss - previous:7.1f}")
        previous = rss
    print(
        f"  what-if: the same start without {', '.join(LAZY_CANDIDATES)} imported (stubbed): "
        f"{without_lazy:.1f} MiB, {previous - without_lazy:.1f} less"
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario", choices=SCENARIOS, action="append", help="run only these (repeatable); default all"
    )
    parser.add_argument("--participants", type=int, default=10_000, help="people in the active cohort")
    parser.add_argument("--pairs", type=int, default=None, help="live pairs; default half the participants")
    parser.add_argument("--interval", type=int, default=2, help="SCHEDULER_INTERVAL_SECONDS of the bot")
    parser.add_argument(
        "--ticks", type=int, default=5, help="scheduler intervals to wait before the commands"
    )
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL base URL (a fresh schema is used); default SQLite"
    )
    parser.add_argument(
        "--no-heap", action="store_true", help="skip the tracemalloc breakdown of the loaded work"
    )
    parser.add_argument(
        "--heap-checkin-day",
        action="store_true",
        help="also break down the check-in day's planner round (slow under tracemalloc: about 8 minutes)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="what-if: an extra variable for the bot process, e.g. MALLOC_ARENA_MAX=2 (repeatable)",
    )
    args = parser.parse_args(argv)
    if any("=" not in item for item in args.env):
        parser.error("--env takes NAME=VALUE")
    if args.participants < 2 or args.interval < 1 or args.ticks < 1:
        parser.error("--participants must be at least 2, --interval and --ticks at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(name, None)
    # The fake's listen backlog (socketserver's default is 5) would drop the bot's bursts of connections.
    slack_api._Server.request_queue_size = 256
    database = "PostgreSQL (fresh schema)" if args.database_url else "SQLite (temporary file)"
    print(
        f"memory of one `mentor-bot run --http` process, scheduler every {args.interval} s, "
        f"{args.ticks} ticks before the admin's commands; database: {database}; figures in MiB",
        flush=True,
    )
    if args.env:
        print(f"WHAT-IF RUN: extra environment for the bot: {' '.join(args.env)}")
    results = []
    for name in args.scenario or SCENARIOS:
        print(f"{name} ...", file=sys.stderr, flush=True)
        results.append(run_scenario(name, args))
    print_results(results)
    print_import_costs(import_costs(), without_lazy=import_without(LAZY_CANDIDATES))
    if not args.no_heap and any(result.name != "idle" for result in results):
        print("heap breakdown ...", file=sys.stderr, flush=True)
        print_heap_breakdown(heap_breakdown(args))
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
