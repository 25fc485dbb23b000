"""Process-wide logging, configured once by the CLI."""

from __future__ import annotations

import logging
import sys


def configure_logging(level: str) -> None:
    """Log to stderr with timestamps; quieten chatty libraries unless debugging."""
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    if level != "DEBUG":
        for noisy in ("slack_sdk", "slack_bolt", "waitress.queue"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # "Skipped: maximum number of running instances reached" only means delivery is busy;
        # the job's own failures are logged by the scheduler tick.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
