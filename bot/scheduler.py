"""The periodic trigger: APScheduler runs the planners, then the dispatcher, every interval.

All state lives in the database (the outbox), so APScheduler keeps nothing: its memory
job store only says "tick every N seconds". Several processes each run their own
scheduler on one PostgreSQL database without sending anything twice, because the
dispatcher's claims are exclusive and planning is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)

TICK_JOB_ID = "delivery-tick"


@dataclass(frozen=True, kw_only=True)
class Planner:
    """Something that derives due messages from program state and puts them in the outbox."""

    name: str
    run: Callable[[], object]


def run_guarded(name: str, job: Callable[[], object]) -> object | None:
    """Run one job and return its result, logging a failure instead of raising (None then),
    so the next job and tick still happen."""
    try:
        return job()
    except Exception:
        logger.exception("Scheduled job %r failed; it runs again at the next tick", name)
        return None


def tick(*, planners: Sequence[Planner], dispatch: Callable[[], object]) -> None:
    """Every planner (each on its own), then a dispatcher run; again at once while a backlog remains.

    A dispatcher run stops at its time budget so that planners keep running during a large
    fan-out; when it stops with messages still due, the next round starts without waiting
    for the next tick.
    """
    while True:
        for planner in planners:
            run_guarded(planner.name, planner.run)
        report = run_guarded("dispatcher", dispatch)
        if not getattr(report, "more_due", False):
            return


def build_scheduler(
    *, interval_seconds: int, planners: Sequence[Planner], dispatch: Callable[[], object]
) -> BackgroundScheduler:
    """A background scheduler with one interval job that never overlaps itself.

    The first tick runs at once, so messages that became due while the bot was down go out
    right after a restart.
    """
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": interval_seconds},
    )
    scheduler.add_job(
        tick,
        "interval",
        seconds=interval_seconds,
        id=TICK_JOB_ID,
        name="plan and deliver",
        kwargs={"planners": list(planners), "dispatch": dispatch},
        next_run_time=datetime.now(UTC),
    )
    return scheduler
