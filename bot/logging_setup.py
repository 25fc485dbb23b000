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
        for noisy in ("slack_sdk", "slack_bolt", "waitress.queue", "apscheduler"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
