"""A whole cohort lived through its weeks on a simulated clock: check-ins, answers, reflections,
reminders, breaks and slipping pairs, through signed HTTP, the planner and the dispatcher.

Six weekly periods from Monday 1 March 2027 cross three DST changes (the US on 14 March,
Europe on 28 March, New Zealand on 4 April); the six people live from UTC-10 to UTC+13.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.ids import ActionId
from storage.models import CheckinAnswer, Reflection
from tests.conftest import ADMIN_USER_ID
from tests.delivery_kit import Clock
from tests.e2e.test_commands import run_command
from tests.rhythm_kit import PEOPLE, START, ZONES, Program, button, start_clock, start_program, tuesday_10

PRIVATE_MARKER = "PRIVATE-7f3a reflection text"
SHARED_MARKER = "SHARED-91bc what I taught"


@pytest.fixture
def clock() -> Clock:
    return start_clock()


@pytest.fixture
def bot_clock(clock):
    return clock


@pytest.fixture
def program(running_bot, uow_factory, settings, clock) -> Program:
    return start_program(running_bot, uow_factory, settings, clock)


def test_a_cohort_lives_through_its_weeks(program):
    hnl, akl, nyc, par, tbu, lon = (p[0] for p in PEOPLE)

    # Week 1: everyone gets check-in 1 on Tuesday 2 March at 10:00 in their own zone.
    program.run_until(datetime(2027, 3, 3, 12, tzinfo=UTC))
    for user_id in ZONES:
        assert len(program.checkins(user_id)) == 1, user_id
    due = {m.recipient: m.due_at for m in program.outbox() if m.kind == "checkin"}
    assert due == {user_id: tuesday_10(date(2027, 3, 2), user_id) for user_id in ZONES}
    first = program.checkins(hnl)[0]
    assert f"<@{akl}>" in first["text"]

    # Only the person a check-in was sent to may answer it.
    refused = program.click(hnl, first, ActionId.CHECKIN_MET, as_user=akl)
    assert "someone else" in refused["text"]

    # Pair A met: the answer replaces the buttons, the reflection form opens; one reflection is
    # shared with the partner, the other stays private.
    answered = program.click(hnl, first, ActionId.CHECKIN_MET)
    assert answered["replace_original"] is True
    assert button(answered, ActionId.CHECKIN_MET) is None
    program.reflect(hnl, text=SHARED_MARKER, share=True)
    program.click(akl, program.checkins(akl)[0], ActionId.CHECKIN_MET)
    program.reflect(akl, text=PRIVATE_MARKER, share=False)
    # Pair B met too; pair C (Tonga, London) never answers.
    program.click(nyc, program.checkins(nyc)[0], ActionId.CHECKIN_MET)
    program.click(par, program.checkins(par)[0], ActionId.CHECKIN_MET)

    # Planning again at the same moment changes nothing.
    before = len(program.outbox())
    program.tick()
    program.tick()
    assert len(program.outbox()) == before

    # Week 2: Honolulu answers "Not yet" (a reminder is queued), then Auckland answers "We met":
    # the reminder is cancelled and never arrives.
    program.run_until(datetime(2027, 3, 10, 12, tzinfo=UTC))
    program.click(hnl, program.checkins(hnl)[-1], ActionId.CHECKIN_NOT_YET)
    reminder = next(m for m in program.outbox() if m.kind == "checkin_reminder")
    assert reminder.status == "pending"
    program.click(akl, program.checkins(akl)[-1], ActionId.CHECKIN_MET)
    assert next(m for m in program.outbox() if m.id == reminder.id).status == "cancelled"
    for user_id in (nyc, par):
        program.click(user_id, program.checkins(user_id)[-1], ActionId.CHECKIN_MET)

    # Week 3: Honolulu takes a two-week break from the check-in itself.
    program.run_until(datetime(2027, 3, 17, 11, tzinfo=UTC))
    paused = program.click(hnl, program.checkins(hnl)[-1], ActionId.CHECKIN_PAUSE)
    assert "Paused" in json.dumps(paused) or "break" in json.dumps(paused).lower()

    # Through the end of the cohort; pair B keeps meeting every week.
    for wednesday in (date(2027, 3, 17), date(2027, 3, 24), date(2027, 3, 31), date(2027, 4, 7)):
        program.run_until(datetime(wednesday.year, wednesday.month, wednesday.day, 12, tzinfo=UTC))
        for user_id in (nyc, par):
            latest = program.checkins(user_id)[-1]
            if button(latest, ActionId.CHECKIN_MET):
                program.click(user_id, latest, ActionId.CHECKIN_MET)
    program.run_until(datetime(2027, 4, 9, 12, tzinfo=UTC))

    checkins = [m for m in program.outbox() if m.kind == "checkin"]
    by_person: dict[str, list[datetime]] = {}
    for message in checkins:
        by_person.setdefault(message.recipient, []).append(message.due_at)
    tuesdays = [START + timedelta(days=1 + 7 * week) for week in range(6)]
    for user_id in (akl, nyc, par, tbu, lon):
        # Every period, Tuesday 10:00 local, across each DST change.
        assert sorted(by_person[user_id]) == [tuesday_10(day, user_id) for day in tuesdays], user_id
    # Honolulu got nothing while on a break (weeks 4 and 5) and was back for week 6.
    assert sorted(by_person[hnl]) == [tuesday_10(day, hnl) for day in (*tuesdays[:3], tuesdays[5])]
    for message in checkins:
        local = message.due_at.astimezone(ZoneInfo(ZONES[message.recipient]))
        assert (local.weekday(), local.hour) == (1, 10)
    assert all(m.status == "sent" for m in checkins)

    # Pair C never met: one alert per admin and one nudge each, once, however long it lasted.
    slipping = [m for m in program.outbox() if m.kind == "slipping"]
    assert sorted(m.recipient for m in slipping) == sorted([ADMIN_USER_ID, tbu, lon])
    alert = next(m for m in slipping if m.recipient == ADMIN_USER_ID)
    assert f"<@{tbu}>" in json.dumps(alert.payload)
    assert f"<@{lon}>" in json.dumps(alert.payload)

    # Half-way (Monday 22 March) everyone paired got the midpoint survey once, and after the
    # last period (Monday 12 April, not reached yet) nobody has the closing one.
    surveys = [m for m in program.outbox() if m.kind.endswith("survey") or m.dedupe_key.startswith("survey:")]
    midpoint = sorted(m.recipient for m in surveys if ":midpoint:" in m.dedupe_key)
    assert midpoint == sorted(ZONES)
    for message in surveys:
        local = message.due_at.astimezone(ZoneInfo(ZONES[message.recipient]))
        assert local.date() >= date(2027, 3, 22)
        assert 8 <= local.hour < 18
    assert not [m for m in surveys if ":closing:" in m.dedupe_key]
    program.run_until(datetime(2027, 4, 13, 12, tzinfo=UTC), step=timedelta(hours=3))
    closing = sorted(
        m.recipient
        for m in program.outbox()
        if m.dedupe_key.startswith("survey:") and ":closing:" in m.dedupe_key
    )
    assert closing == sorted(ZONES)

    # Reflections: the shared one reached the partner, the private one nobody.
    shared = program.bot.fake.messages(f"D{akl}")
    assert any(SHARED_MARKER in json.dumps(m) for m in shared)
    everything = json.dumps([program.bot.fake.messages(f"D{u}") for u in (*ZONES, ADMIN_USER_ID)])
    assert PRIVATE_MARKER not in everything
    assert PRIVATE_MARKER not in json.dumps([m.payload for m in program.outbox()])
    with program.uow_factory() as uow:
        texts = {r.learned: r.shared for r in uow.session.query(Reflection)}
    assert texts == {SHARED_MARKER: True, PRIVATE_MARKER: False}


def test_answers_are_stored_per_person_and_period_and_can_change(program, uow_factory):
    hnl = PEOPLE[0][0]
    program.run_until(datetime(2027, 3, 3, 12, tzinfo=UTC))
    message = program.checkins(hnl)[0]
    program.click(hnl, message, ActionId.CHECKIN_NOT_YET)
    changed = program.click(hnl, message, ActionId.CHECKIN_MET)
    assert "We met" in json.dumps(changed)
    from storage.models import Checkin

    with uow_factory() as uow:
        answers = [(c.period, c.answer) for c in uow.session.query(Checkin) if c.answered_at is not None]
    assert answers == [(1, CheckinAnswer.MET)]
    assert [m.status for m in program.outbox() if m.kind == "checkin_reminder"] == ["cancelled"]


def test_nudge_sends_this_period_s_check_in_now_to_those_who_have_not_answered(program):
    hnl = PEOPLE[0][0]
    early = run_command(program.bot, "/mentor-admin", "nudge", user_id=ADMIN_USER_ID)
    assert "no check-in" in early["text"].lower() or "first" in early["text"].lower()

    program.run_until(datetime(2027, 3, 3, 12, tzinfo=UTC))
    program.click(hnl, program.checkins(hnl)[0], ActionId.CHECKIN_MET)
    answer = run_command(program.bot, "/mentor-admin", "nudge", user_id=ADMIN_USER_ID)
    assert "5" in answer["text"]
    nudged = sorted(m.recipient for m in program.outbox() if ":nudge:" in m.dedupe_key)
    assert nudged == sorted(u for u in ZONES if u != hnl)
    again = run_command(program.bot, "/mentor-admin", "nudge", user_id=ADMIN_USER_ID)
    assert again["text"]
    assert len([m for m in program.outbox() if ":nudge:" in m.dedupe_key]) == 5, "one repeat a day at most"


def test_slipping_alert_buttons_contact_and_unpair_the_pair(program):
    tbu, lon = PEOPLE[4][0], PEOPLE[5][0]
    program.run_until(datetime(2027, 3, 17, 12, tzinfo=UTC))
    alerts = [
        m for m in program.bot.fake.messages(f"D{ADMIN_USER_ID}") if button(m, ActionId.SLIPPING_UNPAIR)
    ]
    # Pairs A and B never answered either here, so each of the three pairs is flagged once.
    assert len(alerts) == 3
    alert = next(m for m in alerts if f"<@{tbu}>" in json.dumps(m))

    contacted = program.click(ADMIN_USER_ID, alert, ActionId.SLIPPING_CONTACT)
    assert "group DM" in contacted["text"]
    opened = program.bot.fake.calls_to("conversations.open")[-1].args["users"]
    assert sorted(opened.split(",")) == sorted([ADMIN_USER_ID, tbu, lon])

    program.click(ADMIN_USER_ID, alert, ActionId.SLIPPING_UNPAIR)
    ended = sorted(m.recipient for m in program.outbox() if m.kind == "pairing_ended")
    assert ended == sorted([tbu, lon])
    program.run_until(datetime(2027, 3, 24, 12, tzinfo=UTC))
    later = [m for m in program.outbox() if m.kind == "checkin" and m.recipient in (tbu, lon)]
    assert all(m.due_at < datetime(2027, 3, 17, tzinfo=UTC) for m in later), "an ended pair gets no check-ins"
