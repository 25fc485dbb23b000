"""The program calendar: periods, and each person's check-in moment in their own zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cadence import checkin_time, end_date, midpoint_date, period_count, period_of, period_start
from bot.local_time import SendWindow

START = date(2026, 6, 1)  # a Monday


@pytest.mark.parametrize(
    ("weeks", "cadence", "expected"), [(12, 2, 6), (12, 1, 12), (13, 4, 3), (4, 4, 1), (2, 4, 1)]
)
def test_period_count(weeks, cadence, expected):
    assert period_count(weeks=weeks, cadence_weeks=cadence) == expected


def test_periods_follow_the_cadence_from_the_start_date():
    assert period_start(start_date=START, cadence_weeks=2, period=3) == date(2026, 6, 29)
    assert period_of(start_date=START, cadence_weeks=2, weeks=12, day=date(2026, 5, 31)) == 0
    assert period_of(start_date=START, cadence_weeks=2, weeks=12, day=START) == 1
    assert period_of(start_date=START, cadence_weeks=2, weeks=12, day=date(2026, 6, 14)) == 1
    assert period_of(start_date=START, cadence_weeks=2, weeks=12, day=date(2026, 6, 15)) == 2
    assert period_of(start_date=START, cadence_weeks=2, weeks=12, day=date(2027, 1, 1)) == 7
    assert end_date(start_date=START, weeks=12, cadence_weeks=2) == date(2026, 8, 24)
    assert midpoint_date(start_date=START, weeks=12, cadence_weeks=2) == date(2026, 7, 13)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Pacific/Honolulu", datetime(2026, 6, 9, 20, tzinfo=UTC)),  # UTC-10
        ("America/New_York", datetime(2026, 6, 9, 14, tzinfo=UTC)),  # EDT, UTC-4
        ("Europe/Paris", datetime(2026, 6, 9, 8, tzinfo=UTC)),  # CEST, UTC+2
        ("Asia/Kathmandu", datetime(2026, 6, 9, 4, 15, tzinfo=UTC)),  # UTC+5:45
        ("Pacific/Auckland", datetime(2026, 6, 8, 22, tzinfo=UTC)),  # NZST, UTC+12
        ("Pacific/Tongatapu", datetime(2026, 6, 8, 21, tzinfo=UTC)),  # UTC+13
    ],
)
def test_a_check_in_is_at_the_local_hour_on_the_weekday_of_the_period_s_last_week(zone, expected):
    due = checkin_time(
        start_date=START,
        cadence_weeks=2,
        period=1,
        weekday=1,
        hour=10,
        zone=ZoneInfo(zone),
        window=SendWindow(),
    )
    assert due == expected
    local = due.astimezone(ZoneInfo(zone))
    assert (local.weekday(), local.hour, local.minute) == (1, 10, 0)


def test_the_local_hour_holds_across_a_dst_change():
    paris = ZoneInfo("Europe/Paris")
    autumn = date(2026, 10, 12)  # Monday; clocks go back on Sunday 25 October
    before = checkin_time(
        start_date=autumn, cadence_weeks=1, period=1, weekday=1, hour=10, zone=paris, window=SendWindow()
    )
    after = checkin_time(
        start_date=autumn, cadence_weeks=1, period=3, weekday=1, hour=10, zone=paris, window=SendWindow()
    )
    assert before == datetime(2026, 10, 13, 8, tzinfo=UTC)
    assert after == datetime(2026, 10, 27, 9, tzinfo=UTC)


@given(
    period=st.integers(min_value=1, max_value=12),
    cadence=st.sampled_from([1, 2, 4]),
    weekday=st.integers(min_value=0, max_value=4),
    hour=st.integers(min_value=8, max_value=17),
    zone=st.sampled_from(
        ["Pacific/Honolulu", "America/Sao_Paulo", "Europe/London", "Asia/Kolkata", "Pacific/Auckland"]
    ),
)
def test_every_check_in_falls_in_its_period_s_last_week(period, cadence, weekday, hour, zone):
    tz = ZoneInfo(zone)
    due = checkin_time(
        start_date=START,
        cadence_weeks=cadence,
        period=period,
        weekday=weekday,
        hour=hour,
        zone=tz,
        window=SendWindow(),
    )
    local = due.astimezone(tz)
    first = period_start(start_date=START, cadence_weeks=cadence, period=period)
    assert 7 * (cadence - 1) <= (local.date() - first).days < 7 * cadence
    assert (local.weekday(), local.hour) == (weekday, hour)
