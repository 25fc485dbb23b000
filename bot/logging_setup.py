"""Process-wide logging, configured once by the CLI."""

from __future__ import annotations

import logging
import sys

# Libraries whose debug lines carry what people wrote: slack_sdk logs request and response
# bodies (DMs, shared reflections), Bolt logs incoming payloads (survey and reflection forms),
# SQLAlchemy logs statement parameters. They never go below these levels, whatever LOG_LEVEL
# says, so turning on DEBUG to chase a problem cannot leak personal text into the logs.
PRIVATE_FLOORS = {"slack_sdk": logging.INFO, "slack_bolt": logging.INFO, "sqlalchemy": logging.WARNING}


def configure_logging(level: str) -> None:
    """Log to stderr with timestamps; quieten chatty libraries unless debugging."""
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for name, floor in PRIVATE_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
    if level != "DEBUG":
        for noisy in ("slack_sdk", "slack_bolt", "waitress.queue"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # "Skipped: maximum number of running instances reached" only means delivery is busy;
        # the job's own failures are logged by the scheduler tick.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
