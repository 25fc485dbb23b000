"""Reflection text never reaches admins: not in any message, file, view or log line they can see.

A simulated cohort writes a private and a shared reflection, each with a unique marker, then
every admin-facing surface is exercised: status, report (and its chart), export, audit,
nudge, the dashboard on the Home tab, and the slipping alerts. The logs are captured at
DEBUG with the library floors the CLI applies, as with LOG_LEVEL=DEBUG in production.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

import pytest

from bot.ids import ActionId
from bot.logging_setup import PRIVATE_FLOORS
from storage.models import Reflection
from tests.conftest import ADMIN_USER_ID
from tests.delivery_kit import Clock
from tests.rhythm_kit import PEOPLE, Program, start_clock, start_program

PRIVATE_MARKER = "PRIVATE-c0ffee only-mine"
SHARED_MARKER = "SHARED-5eed for-my-partner-only"


@pytest.fixture
def clock() -> Clock:
    return start_clock()


@pytest.fixture
def bot_clock(clock):
    return clock


@pytest.fixture
def program(running_bot, uow_factory, settings, clock) -> Program:
    return start_program(running_bot, uow_factory, settings, clock)


def test_no_admin_surface_or_log_line_ever_shows_reflection_text(program, caplog):
    floors = {name: logging.getLogger(name).level for name in PRIVATE_FLOORS}
    for name, floor in PRIVATE_FLOORS.items():
        logging.getLogger(name).setLevel(floor)
    caplog.set_level(logging.DEBUG)
    try:
        _live_through_two_weeks(program)
        seen = _everything_admins_see(program)
    finally:
        for name, level in floors.items():
            logging.getLogger(name).setLevel(level)

    # The markers do exist where they belong, so the search below means something.
    akl = PEOPLE[1][0]
    assert any(SHARED_MARKER in json.dumps(m) for m in program.bot.fake.messages(f"D{akl}"))
    with program.uow_factory() as uow:
        assert {r.learned for r in uow.session.query(Reflection)} == {PRIVATE_MARKER, SHARED_MARKER}
    assert len(seen) > 10_000, "the admin surfaces were really rendered"
    for marker in (PRIVATE_MARKER, SHARED_MARKER):
        assert marker not in seen
        assert marker not in caplog.text


def _live_through_two_weeks(program) -> None:
    hnl, akl = PEOPLE[0][0], PEOPLE[1][0]
    program.run_until(datetime(2027, 3, 3, 12, tzinfo=UTC))
    program.click(hnl, program.checkins(hnl)[0], ActionId.CHECKIN_MET)
    program.reflect(hnl, text=SHARED_MARKER, share=True)
    program.click(akl, program.checkins(akl)[0], ActionId.CHECKIN_MET)
    program.reflect(akl, text=PRIVATE_MARKER, share=False)
    program.run_until(datetime(2027, 3, 17, 12, tzinfo=UTC))  # slipping alerts for the others


def _everything_admins_see(program) -> str:
    bot, fake = program.bot, program.bot.fake
    answers = []
    for text in ("status", "report", "export", "audit", "nudge"):
        response_url = fake.new_response_url()
        result = bot.slack.command("/mentor-admin", text, user_id=ADMIN_USER_ID, response_url=response_url)
        assert result.status == 200
        answers.append(fake.wait_for_response(response_url))
    bot.slack.app_home_opened(ADMIN_USER_ID)
    deadline = time.monotonic() + 5
    while fake.home_view(ADMIN_USER_ID) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    files = [f.content.decode("utf-8", errors="replace") for f in fake.uploaded_files]
    assert any(f.filename.endswith(".csv") for f in fake.uploaded_files)
    assert any(f.filename.endswith(".png") for f in fake.uploaded_files)
    return json.dumps(
        {
            "answers": answers,
            "admin_dm": fake.messages(f"D{ADMIN_USER_ID}"),
            "home": fake.home_view(ADMIN_USER_ID),
            "files": files,
            "ephemeral": fake.ephemeral_messages(user_id=ADMIN_USER_ID),
        }
    )
