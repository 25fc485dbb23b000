"""Logging: even at DEBUG, the libraries that log message bodies and SQL parameters stay quiet."""

from __future__ import annotations

import logging

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
