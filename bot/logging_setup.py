"""Process-wide logging, configured once by the CLI: text or JSON lines on stderr, secrets masked."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

# Libraries whose debug lines carry what people wrote: slack_sdk logs request and response
# bodies (DMs, shared reflections), Bolt logs incoming payloads (survey and reflection forms),
# SQLAlchemy logs statement parameters. They never go below these levels, whatever LOG_LEVEL
# says, so turning on DEBUG to chase a problem cannot leak personal text into the logs.
PRIVATE_FLOORS = {"slack_sdk": logging.INFO, "slack_bolt": logging.INFO, "sqlalchemy": logging.WARNING}

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Bot and user tokens (xoxb-, xoxp-, and the other xox?- kinds), rotating tokens
# (xoxe.xoxb-..., refresh tokens xoxe-...) and app-level tokens (xapp-...).
SLACK_TOKEN = re.compile(r"(?:xoxe\.)?(xox[a-z]|xapp)-[A-Za-z0-9-]+")
MASK = "***"

# Every attribute a LogRecord has of its own; anything else on a record came from `extra`.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class RedactSecrets(logging.Filter):
    """Masks Slack tokens, and the given secrets, in each record before any handler writes it.

    Installed on the handler, so it sees records from every logger (our own, Bolt, slack_sdk,
    waitress...): a library that logs a URL, a header or an exception with a token in it
    cannot leak the token.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        literal = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._secrets = re.compile("|".join(map(re.escape, literal))) if literal else None

    def redact(self, text: str) -> str:
        text = SLACK_TOKEN.sub(lambda match: f"{match.group(1)}-{MASK}", text)
        return self._secrets.sub(MASK, text) if self._secrets else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # Arguments that do not fit the format: log the format alone (stdlib logging would
            # print the arguments, which may hold anything, in its "Logging error" report).
            record.msg, record.args = self.redact(str(record.msg)), None
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, exception, `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry.setdefault(key, value)
        return json.dumps(entry, default=str)


def configure_logging(level: str, *, json_format: bool = False, secrets: Iterable[str | None] = ()) -> None:
    """Log to stderr, as text or JSON lines, with Slack tokens and `secrets` masked; quieten chatty libraries.

    Args:
        level: DEBUG, INFO, WARNING or ERROR.
        json_format: one JSON object per line (LOG_FORMAT=json) instead of plain text.
        secrets: values masked wherever they appear, such as the signing secret.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_format else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name, floor in PRIVATE_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelName(level)))
    if level != "DEBUG":
        for noisy in ("slack_sdk", "slack_bolt", "waitress.queue"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # "Skipped: maximum number of running instances reached" only means delivery is busy;
        # the job's own failures are logged by the scheduler tick.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
