"""The scheduler tick: planners then the dispatcher, a failure never stops the next run."""

from __future__ import annotations

import logging
import threading

from bot.scheduler import Planner, build_scheduler, tick


def test_a_failing_planner_is_logged_and_the_rest_still_runs(caplog):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        tick(
            planners=[
                Planner(name="broken", run=broken),
                Planner(name="fine", run=lambda: ran.append("fine")),
            ],
            dispatch=lambda: ran.append("dispatch"),
        )
    assert ran == ["fine", "dispatch"]
    assert "'broken' failed" in caplog.text


def test_the_scheduler_runs_at_once_then_every_interval_even_after_a_failure():
    runs: list[int] = []
    three_runs = threading.Event()

    def dispatch() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("first run fails")
        if len(runs) >= 3:
            three_runs.set()

    scheduler = build_scheduler(interval_seconds=1, planners=[], dispatch=dispatch)
    scheduler.start()
    try:
        assert three_runs.wait(5), f"only {len(runs)} run(s)"
    finally:
        scheduler.shutdown(wait=True)


def test_runs_never_overlap():
    active = 0
    overlaps = 0
    done = threading.Event()
    count = 0
    lock = threading.Lock()

    def slow_dispatch() -> None:
        nonlocal active, overlaps, count
        with lock:
            active += 1
            overlaps += active > 1
        threading.Event().wait(1.5)
        with lock:
            active -= 1
            count += 1
            if count >= 2:
                done.set()

    scheduler = build_scheduler(interval_seconds=1, planners=[], dispatch=slow_dispatch)
    scheduler.start()
    try:
        assert done.wait(8)
    finally:
        scheduler.shutdown(wait=True)
    assert overlaps == 0


def test_a_tick_goes_on_at_once_while_the_dispatcher_reports_more_due():
    class Report:
        def __init__(self, more_due: bool) -> None:
            self.more_due = more_due

    reports = iter([Report(True), Report(True), Report(False)])
    planned: list[int] = []
    dispatched: list[int] = []

    def dispatch():
        dispatched.append(1)
        return next(reports)

    tick(planners=[Planner(name="plan", run=lambda: planned.append(1))], dispatch=dispatch)
    assert (len(planned), len(dispatched)) == (3, 3), "planners keep running between rounds"
