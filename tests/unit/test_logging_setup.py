"""Logging: even at DEBUG, the libraries that log message bodies and SQL parameters stay quiet; text or
JSON lines; Slack tokens and the signing secret are masked whoever logs them."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.logging_setup import PRIVATE_FLOORS, configure_logging


@pytest.fixture
def restored_levels(monkeypatch: pytest.MonkeyPatch):
    # basicConfig(force=True) would replace pytest's own log handlers; the levels are what matter.
    monkeypatch.setattr(logging, "basicConfig", lambda **_: None)
    names = [*PRIVATE_FLOORS, "waitress.queue", "apscheduler"]
    saved = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING"])
def test_personal_text_carrying_loggers_never_go_below_their_floor(restored_levels, level):
    configure_logging(level)
    for name, floor in PRIVATE_FLOORS.items():
        assert logging.getLogger(name).getEffectiveLevel() >= floor, name
    assert not logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)


# ---- what the installed handler writes ------------------------------------------------------------

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"
USER_TOKEN = "xoxp-1111-2222-3333-abcdef"
APP_TOKEN = "xapp-1-A0APP0001-4444-deadbeefcafe"
ROTATING_TOKEN = "xoxe.xoxb-1-MS0yLTEyMzQ1Njc4"
REFRESH_TOKEN = "xoxe-1-My0xLTU2Nzg5MDEyMzQ"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
EVERY_SECRET = (BOT_TOKEN, USER_TOKEN, APP_TOKEN, ROTATING_TOKEN, REFRESH_TOKEN, SIGNING_SECRET)


@pytest.fixture
def log_to(restored_levels, monkeypatch: pytest.MonkeyPatch):
    """Configure logging and return (a logger, its output): root's handlers are never touched."""
    installed: list[logging.Handler] = []
    monkeypatch.setattr(logging, "basicConfig", lambda **kwargs: installed.extend(kwargs["handlers"]))
    logger = logging.getLogger("mentor_bot.test_logging_setup")
    saved = (logger.level, logger.propagate)

    def configure(**options) -> tuple[logging.Logger, io.StringIO]:
        installed.clear()
        configure_logging("DEBUG", **options)
        (handler,) = installed
        output = io.StringIO()
        handler.setStream(output)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        return logger, output

    yield configure
    logger.handlers = []
    logger.setLevel(saved[0])
    logger.propagate = saved[1]


def test_text_is_the_default_format(log_to):
    logger, output = log_to()
    logger.info("hello %s", "world")
    assert output.getvalue().rstrip("\n").endswith(" INFO mentor_bot.test_logging_setup: hello world")


def test_json_lines_carry_time_level_logger_message_exception_and_extra_fields(log_to):
    logger, output = log_to(json_format=True)
    logger.warning("first line\nsecond line with %s", "ünïcödé", extra={"error_id": "ab12", "count": 3})
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"when": datetime(2027, 3, 1, tzinfo=UTC)})

    lines = output.getvalue().splitlines()
    assert len(lines) == 2, "one line per record, newlines escaped"
    first, second = (json.loads(line) for line in lines)
    assert first == {
        "time": first["time"],
        "level": "WARNING",
        "logger": "mentor_bot.test_logging_setup",
        "message": "first line\nsecond line with ünïcödé",
        "error_id": "ab12",
        "count": 3,
    }
    logged_at = datetime.fromisoformat(first["time"])
    assert logged_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - logged_at) < timedelta(minutes=1)
    assert second["level"] == "ERROR"
    assert second["exception"].startswith("Traceback")
    assert second["exception"].endswith("ValueError: boom")
    assert second["when"] == "2027-03-01 00:00:00+00:00", "values JSON cannot hold are written as text"


@pytest.mark.parametrize("json_format", [False, True])
def test_tokens_and_the_signing_secret_never_reach_the_output(log_to, json_format):
    logger, output = log_to(json_format=json_format, secrets=[SIGNING_SECRET, None, ""])
    logger.debug("POST https://slack.com/api/auth.test?token=%s", BOT_TOKEN)
    logger.info("headers %s", {"Authorization": f"Bearer {USER_TOKEN}", "X-App": APP_TOKEN})
    logger.info(f"rotated to {ROTATING_TOKEN} with refresh token {REFRESH_TOKEN}")
    logger.info("secret=%s", SIGNING_SECRET, extra={"header": f"v0={SIGNING_SECRET}", "token": BOT_TOKEN})
    try:
        raise RuntimeError(f"Slack refused {BOT_TOKEN}")
    except RuntimeError:
        logger.exception("call failed")
    logger.info("two %s %s", "arguments for one")  # a mistake: logged without its arguments

    written = output.getvalue()
    for secret in EVERY_SECRET:
        assert secret not in written
    assert "AbCdEfGhIjKlMnOp" not in written, "no part of a token either"
    assert "token=xoxb-***" in written, "the kind of token stays, to help debugging"
    assert "Bearer xoxp-***" in written
    assert "RuntimeError: Slack refused xoxb-***" in written
    assert written.count("\n") >= 6


def test_text_that_only_looks_alike_is_left_alone(log_to):
    logger, output = log_to(secrets=[SIGNING_SECRET])
    logger.info("xox is not a token, nor is xoxb without a dash, nor x-app-1")
    assert "xox is not a token, nor is xoxb without a dash, nor x-app-1" in output.getvalue()
