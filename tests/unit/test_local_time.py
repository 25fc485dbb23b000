"""Send times: the recipient's wall clock, weekdays, working hours, and DST handled one way everywhere."""

from __future__ import annotations

from calendar import FRIDAY, MONDAY, SATURDAY, SUNDAY, TUESDAY, WEDNESDAY
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.local_time import (
    SendWindow,
    add_local_days,
    local_send_time,
    next_allowed_time,
    next_time_allowed_for_all,
    next_weekly_slot,
    resolve_zone,
)

# From UTC-12 to UTC+14, with and without DST, half- and quarter-hour offsets, both hemispheres.
ZONE_NAMES = (
    "UTC",
    "Etc/GMT+12",
    "Pacific/Honolulu",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
)
# Odd DST rules on top: a 30-minute shift, and a change at midnight.
DST_ODDITY_NAMES = ("Australia/Lord_Howe", "America/Havana")
ONE_WEEK_AND_A_DST_SHIFT = timedelta(days=7, hours=1)
DEFAULT_WINDOW = SendWindow()

_FAST = settings(max_examples=150, deadline=None)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def wall(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone), fold=fold)


def wall_time_exists(day: date, at: time, zone: ZoneInfo) -> bool:
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)


def is_utc(value: datetime) -> bool:
    return value.tzinfo is UTC


# Hypothesis inputs: instants anywhere in 2000-2045 given in any of the zones, and, as often,
# instants in the week around a DST change somewhere, where the mistakes live.
_DST_CHANGES = (
    utc(2024, 3, 10, 7),  # US spring forward
    utc(2024, 11, 3, 6),  # US fall back
    utc(2024, 3, 31, 1),  # EU spring forward
    utc(2024, 10, 27, 1),  # EU fall back
    utc(2024, 4, 6, 16),  # Sydney fall back
    utc(2024, 10, 5, 16),  # Sydney spring forward
    utc(2024, 4, 6, 14),  # Auckland fall back
    utc(2024, 9, 28, 14),  # Auckland spring forward
    utc(2024, 10, 5, 15, 30),  # Lord Howe, 30 minutes forward
    utc(2024, 3, 10, 5),  # Havana, midnight
)
_ALL_ZONES = [ZoneInfo(name) for name in ZONE_NAMES + DST_ODDITY_NAMES]
instants = st.one_of(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2045, 12, 31),
        timezones=st.sampled_from([UTC, *_ALL_ZONES]),
    ),
    st.builds(
        lambda change, shift: change + shift,
        st.sampled_from(_DST_CHANGES),
        st.timedeltas(min_value=timedelta(days=-8), max_value=timedelta(days=2)),
    ),
)
zones = st.sampled_from(ZONE_NAMES).map(ZoneInfo)
zones_with_dst_oddities = st.sampled_from(ZONE_NAMES + DST_ODDITY_NAMES).map(ZoneInfo)


@st.composite
def windows(draw: st.DrawFn, *, min_start: int = 0) -> SendWindow:
    start = draw(st.integers(min_value=min_start, max_value=23))
    end = draw(st.integers(min_value=start + 1, max_value=24))
    return SendWindow(start_hour=start, end_hour=end, weekends=draw(st.booleans()))


# --- the weekly check-in slot -------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        # DST starts on 10 March in the US and on 31 March in the EU.
        ("America/New_York", utc(2024, 3, 4), [utc(2024, 3, 5, 15), utc(2024, 3, 12, 14)]),
        ("Europe/Berlin", utc(2024, 3, 25), [utc(2024, 3, 26, 9), utc(2024, 4, 2, 8)]),
        ("Europe/London", utc(2024, 3, 25), [utc(2024, 3, 26, 10), utc(2024, 4, 2, 9)]),
        # Southern hemisphere: DST ends on 7 April, and Tuesday 10:00 is still Monday in UTC.
        ("Australia/Sydney", utc(2024, 3, 31), [utc(2024, 4, 1, 23), utc(2024, 4, 9, 0)]),
        ("Pacific/Auckland", utc(2024, 3, 31), [utc(2024, 4, 1, 21), utc(2024, 4, 8, 22)]),
        # Back to winter time in the autumn.
        ("America/New_York", utc(2024, 10, 28), [utc(2024, 10, 29, 14), utc(2024, 11, 5, 15)]),
        ("Europe/Berlin", utc(2024, 10, 21), [utc(2024, 10, 22, 8), utc(2024, 10, 29, 9)]),
    ],
)
def test_checkin_goes_out_at_ten_local_time_across_dst(zone: str, after: datetime, expected: list[datetime]):
    sent: list[datetime] = []
    for _ in expected:
        after = next_weekly_slot(after=after, weekday=TUESDAY, hour=10, zone=ZoneInfo(zone))
        sent.append(after)
    assert sent == expected
    for instant in sent:
        local = instant.astimezone(ZoneInfo(zone))
        assert (local.weekday(), local.hour, local.minute) == (TUESDAY, 10, 0)
        assert is_utc(instant)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Etc/GMT+12", utc(2024, 1, 2, 22)),  # UTC-12
        ("Pacific/Honolulu", utc(2024, 1, 2, 20)),  # UTC-10, no DST
        ("UTC", utc(2024, 1, 2, 10)),
        ("Asia/Kolkata", utc(2024, 1, 2, 4, 30)),  # +5:30
        ("Asia/Kathmandu", utc(2024, 1, 2, 4, 15)),  # +5:45
        ("Australia/Sydney", utc(2024, 1, 1, 23)),  # +11 in the southern summer
        ("Pacific/Auckland", utc(2024, 1, 1, 21)),  # +13 in the southern summer
        ("Pacific/Kiritimati", utc(2024, 1, 1, 20)),  # +14: Tuesday 10:00 is Monday in UTC
    ],
)
def test_tuesday_ten_is_the_recipients_tuesday_from_utc_minus_12_to_plus_14(zone: str, expected: datetime):
    slot = next_weekly_slot(after=utc(2024, 1, 1), weekday=TUESDAY, hour=10, zone=ZoneInfo(zone))
    assert slot == expected


def test_after_exactly_at_the_slot_gives_next_weeks_slot():
    berlin = ZoneInfo("Europe/Berlin")
    slot = utc(2024, 1, 9, 9)  # Tuesday 10:00 CET
    assert next_weekly_slot(after=slot, weekday=TUESDAY, hour=10, zone=berlin) == utc(2024, 1, 16, 9)
    just_before = slot - timedelta(microseconds=1)
    assert next_weekly_slot(after=just_before, weekday=TUESDAY, hour=10, zone=berlin) == slot


def test_later_the_same_day_is_still_this_weeks_slot_and_earlier_is_next_weeks():
    kolkata = ZoneInfo("Asia/Kolkata")
    tuesday_nine = wall("Asia/Kolkata", 2024, 1, 9, 9)
    tuesday_eleven = wall("Asia/Kolkata", 2024, 1, 9, 11)
    assert next_weekly_slot(after=tuesday_nine, weekday=TUESDAY, hour=10, zone=kolkata) == utc(
        2024, 1, 9, 4, 30
    )
    assert next_weekly_slot(after=tuesday_eleven, weekday=TUESDAY, hour=10, zone=kolkata) == utc(
        2024, 1, 16, 4, 30
    )


def test_after_may_be_given_in_any_zone():
    auckland = ZoneInfo("Pacific/Auckland")
    instant = utc(2024, 1, 1, 12)
    expected = next_weekly_slot(after=instant, weekday=TUESDAY, hour=10, zone=auckland)
    for name in ZONE_NAMES:
        after = instant.astimezone(ZoneInfo(name))
        assert next_weekly_slot(after=after, weekday=TUESDAY, hour=10, zone=auckland) == expected


def test_minutes_are_kept():
    slot = next_weekly_slot(
        after=utc(2024, 1, 1), weekday=WEDNESDAY, hour=9, minute=45, zone=ZoneInfo("Asia/Kathmandu")
    )
    assert slot == utc(2024, 1, 3, 4)


@pytest.mark.parametrize(
    ("zone", "after", "hour", "minute", "expected", "expected_local"),
    [
        # 02:00 EST jumps to 03:00 EDT: 02:30 does not exist, the gap ends at 03:00 EDT.
        ("America/New_York", utc(2024, 3, 9), 2, 30, utc(2024, 3, 10, 7), "03:00-04:00"),
        ("America/New_York", utc(2024, 3, 9), 2, 0, utc(2024, 3, 10, 7), "03:00-04:00"),
        ("Europe/Berlin", utc(2024, 3, 30), 2, 30, utc(2024, 3, 31, 1), "03:00+02:00"),
        ("Europe/London", utc(2024, 3, 30), 1, 30, utc(2024, 3, 31, 1), "02:00+01:00"),
        ("Australia/Sydney", utc(2024, 10, 5), 2, 30, utc(2024, 10, 5, 16), "03:00+11:00"),
        ("Pacific/Auckland", utc(2024, 9, 28), 2, 30, utc(2024, 9, 28, 14), "03:00+13:00"),
        # Lord Howe moves only 30 minutes: 02:00 -> 02:30.
        ("Australia/Lord_Howe", utc(2024, 10, 5), 2, 15, utc(2024, 10, 5, 15, 30), "02:30+11:00"),
        # Havana moves at midnight: 00:00 -> 01:00 on the same Sunday.
        ("America/Havana", utc(2024, 3, 9), 0, 30, utc(2024, 3, 10, 5), "01:00-04:00"),
    ],
)
def test_a_slot_in_the_spring_forward_gap_goes_out_when_the_gap_ends(
    zone: str, after: datetime, hour: int, minute: int, expected: datetime, expected_local: str
):
    slot = next_weekly_slot(after=after, weekday=SUNDAY, hour=hour, minute=minute, zone=ZoneInfo(zone))
    assert slot == expected
    local = slot.astimezone(ZoneInfo(zone))
    assert local.weekday() == SUNDAY
    assert local.isoformat(timespec="minutes")[-11:] == expected_local


def test_the_week_after_a_gap_the_slot_is_back_at_its_wall_time():
    new_york = ZoneInfo("America/New_York")
    gap_end = utc(2024, 3, 10, 7)
    following = next_weekly_slot(after=gap_end, weekday=SUNDAY, hour=2, minute=30, zone=new_york)
    assert following == utc(2024, 3, 17, 6, 30)  # 02:30 EDT


@pytest.mark.parametrize(
    ("zone", "after", "hour", "minute", "expected"),
    [
        # 02:00 EDT falls back to 01:00 EST: 01:30 happens twice; the first one (EDT) counts.
        ("America/New_York", utc(2024, 11, 2), 1, 30, utc(2024, 11, 3, 5, 30)),
        ("Europe/Berlin", utc(2024, 10, 26), 2, 30, utc(2024, 10, 27, 0, 30)),
        ("Europe/London", utc(2024, 10, 26), 1, 30, utc(2024, 10, 27, 0, 30)),
        ("Australia/Sydney", utc(2024, 4, 6), 2, 30, utc(2024, 4, 6, 15, 30)),
        ("Pacific/Auckland", utc(2024, 4, 6), 2, 30, utc(2024, 4, 6, 13, 30)),
    ],
)
def test_a_slot_in_the_repeated_fall_back_hour_goes_out_at_its_first_occurrence(
    zone: str, after: datetime, hour: int, minute: int, expected: datetime
):
    slot = next_weekly_slot(after=after, weekday=SUNDAY, hour=hour, minute=minute, zone=ZoneInfo(zone))
    assert slot == expected
    assert slot.astimezone(ZoneInfo(zone)).fold == 0


@pytest.mark.parametrize(
    "after",
    [
        utc(2024, 11, 3, 5, 30),  # the first 01:30, just handled
        utc(2024, 11, 3, 5, 45),  # 01:45 EDT, before the clock shows 01:30 again
        utc(2024, 11, 3, 6, 30),  # the second 01:30 itself
    ],
)
def test_the_repeated_hour_does_not_give_a_second_checkin_that_week(after: datetime):
    slot = next_weekly_slot(after=after, weekday=SUNDAY, hour=1, minute=30, zone=ZoneInfo("America/New_York"))
    assert slot == utc(2024, 11, 10, 6, 30)  # next Sunday 01:30 EST


@pytest.mark.parametrize(
    ("weekday", "hour", "minute"),
    [(-1, 10, 0), (7, 10, 0), (TUESDAY, 24, 0), (TUESDAY, -1, 0), (TUESDAY, 9, 60)],
)
def test_a_slot_outside_the_week_or_the_day_is_refused(weekday: int, hour: int, minute: int):
    with pytest.raises(ValueError, match=r"weekday|hour"):
        next_weekly_slot(
            after=utc(2024, 1, 1), weekday=weekday, hour=hour, minute=minute, zone=ZoneInfo("UTC")
        )


# --- the send window ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (wall("Europe/Berlin", 2024, 1, 9, 10), utc(2024, 1, 9, 9)),  # Tuesday 10:00: now
        (wall("Europe/Berlin", 2024, 1, 9, 8), utc(2024, 1, 9, 7)),  # opening time is inside
        (wall("Europe/Berlin", 2024, 1, 9, 6, 30), utc(2024, 1, 9, 7)),  # early: today 08:00
        (wall("Europe/Berlin", 2024, 1, 9, 18), utc(2024, 1, 10, 7)),  # closing time is outside
        (wall("Europe/Berlin", 2024, 1, 9, 23, 59), utc(2024, 1, 10, 7)),  # night: tomorrow 08:00
        (wall("Europe/Berlin", 2024, 1, 12, 19), utc(2024, 1, 15, 7)),  # Friday evening: Monday
        (wall("Europe/Berlin", 2024, 1, 13, 10), utc(2024, 1, 15, 7)),  # Saturday: Monday
        (wall("Europe/Berlin", 2024, 1, 14, 23), utc(2024, 1, 15, 7)),  # Sunday night: Monday
        (wall("Europe/Berlin", 2024, 3, 29, 19), utc(2024, 4, 1, 6)),  # Monday 08:00 is CEST now
    ],
)
def test_messages_are_held_until_the_next_working_moment(at: datetime, expected: datetime):
    held = next_allowed_time(at=at, zone=ZoneInfo("Europe/Berlin"), window=DEFAULT_WINDOW)
    assert held == expected
    assert is_utc(held)


def test_the_last_instant_before_closing_time_is_still_inside_the_window():
    at = datetime(2024, 1, 9, 17, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Berlin"))
    assert next_allowed_time(at=at, zone=ZoneInfo("Europe/Berlin"), window=DEFAULT_WINDOW) == at


def test_with_weekends_on_saturday_is_a_working_day():
    window = SendWindow(weekends=True)
    berlin = ZoneInfo("Europe/Berlin")
    saturday_ten = wall("Europe/Berlin", 2024, 1, 13, 10)
    assert next_allowed_time(at=saturday_ten, zone=berlin, window=window) == saturday_ten
    saturday_night = wall("Europe/Berlin", 2024, 1, 13, 21)
    assert next_allowed_time(at=saturday_night, zone=berlin, window=window) == utc(2024, 1, 14, 7)


def test_the_window_is_judged_on_the_recipients_clock_not_utc():
    # Monday 09:00 in Kiritimati is Sunday 19:00 UTC; Friday 15:00 at UTC-12 is Saturday 03:00 UTC.
    monday_in_kiritimati = utc(2024, 1, 7, 19)
    assert (
        next_allowed_time(at=monday_in_kiritimati, zone=ZoneInfo("Pacific/Kiritimati"), window=DEFAULT_WINDOW)
        == monday_in_kiritimati
    )
    friday_at_minus_12 = utc(2024, 1, 13, 3)
    assert (
        next_allowed_time(at=friday_at_minus_12, zone=ZoneInfo("Etc/GMT+12"), window=DEFAULT_WINDOW)
        == friday_at_minus_12
    )


def test_a_custom_window_opens_and_closes_at_its_own_hours():
    window = SendWindow(start_hour=9, end_hour=17)
    kathmandu = ZoneInfo("Asia/Kathmandu")
    assert next_allowed_time(at=wall("Asia/Kathmandu", 2024, 1, 9, 8, 30), zone=kathmandu, window=window) == (
        utc(2024, 1, 9, 3, 15)
    )
    assert next_allowed_time(at=wall("Asia/Kathmandu", 2024, 1, 9, 17), zone=kathmandu, window=window) == (
        utc(2024, 1, 10, 3, 15)
    )


@pytest.mark.parametrize(("start", "end"), [(8, 8), (18, 8), (-1, 8), (8, 25), (0, 0)])
def test_a_window_that_is_empty_or_off_the_clock_is_refused(start: int, end: int):
    with pytest.raises(ValueError, match="0 <= start_hour < end_hour <= 24"):
        SendWindow(start_hour=start, end_hour=end)


def test_a_window_needs_whole_hours():
    with pytest.raises(ValueError, match="whole hours"):
        SendWindow(start_hour=8.5, end_hour=18)  # type: ignore[arg-type]


def test_the_whole_day_is_a_valid_window():
    window = SendWindow(start_hour=0, end_hour=24, weekends=True)
    assert window.allows(datetime(2024, 1, 13, 0, 0))
    assert window.allows(datetime(2024, 1, 14, 23, 59, 59))


def test_a_nonexistent_wall_time_is_taken_as_the_instant_it_denotes():
    # 01:30 on London's spring-forward day does not exist; read as GMT it is 01:30 UTC,
    # which the clock shows as 02:30 BST: inside a 02:00-03:00 window.
    london = ZoneInfo("Europe/London")
    at = datetime(2024, 3, 31, 1, 30, tzinfo=london)
    window = SendWindow(start_hour=2, end_hour=3, weekends=True)
    assert next_allowed_time(at=at, zone=london, window=window) == utc(2024, 3, 31, 1, 30)
    assert add_local_days(at=at, days=1, zone=london) == utc(2024, 4, 1, 1, 30)  # Monday 02:30 BST


# --- the cohort's check-in, put together -----------------------------------------------------


def test_a_checkin_inside_the_window_goes_out_at_the_cohort_hour():
    sent = local_send_time(
        after=utc(2024, 1, 1),
        weekday=TUESDAY,
        hour=10,
        zone=ZoneInfo("Pacific/Honolulu"),
        window=DEFAULT_WINDOW,
    )
    assert sent == utc(2024, 1, 2, 20)


def test_a_saturday_checkin_waits_for_monday_when_weekends_are_off():
    sydney = ZoneInfo("Australia/Sydney")
    after = utc(2024, 1, 8)
    off = local_send_time(after=after, weekday=SATURDAY, hour=10, zone=sydney, window=DEFAULT_WINDOW)
    on = local_send_time(
        after=after, weekday=SATURDAY, hour=10, zone=sydney, window=SendWindow(weekends=True)
    )
    assert off == wall("Australia/Sydney", 2024, 1, 15, 8)  # Monday 08:00
    assert on == wall("Australia/Sydney", 2024, 1, 13, 10)  # Saturday 10:00


@pytest.mark.parametrize(
    ("weekday", "hour", "expected"),
    [
        (TUESDAY, 7, wall("America/New_York", 2024, 1, 9, 8)),  # too early: opening time that day
        (TUESDAY, 20, wall("America/New_York", 2024, 1, 10, 8)),  # too late: next morning
        (FRIDAY, 20, wall("America/New_York", 2024, 1, 15, 8)),  # Friday night: Monday morning
        (SUNDAY, 3, wall("America/New_York", 2024, 1, 8, 8)),
        (MONDAY, 17, wall("America/New_York", 2024, 1, 8, 17)),
    ],
)
def test_a_cohort_hour_outside_the_window_lands_on_the_next_working_moment(
    weekday: int, hour: int, expected: datetime
):
    sent = local_send_time(
        after=utc(2024, 1, 7),  # Saturday 19:00 in New York
        weekday=weekday,
        hour=hour,
        zone=ZoneInfo("America/New_York"),
        window=DEFAULT_WINDOW,
    )
    assert sent == expected


# --- "in N days" ------------------------------------------------------------------------------


def test_a_reminder_in_three_days_keeps_the_wall_clock_time_across_dst():
    new_york = ZoneInfo("America/New_York")
    friday_ten = wall("America/New_York", 2024, 3, 8, 10)  # EST
    monday = add_local_days(at=friday_ten, days=3, zone=new_york)
    assert monday == utc(2024, 3, 11, 14)  # 10:00 EDT, 71 hours later
    assert is_utc(monday)
    berlin = ZoneInfo("Europe/Berlin")
    assert add_local_days(at=wall("Europe/Berlin", 2024, 10, 25, 10), days=3, zone=berlin) == utc(
        2024, 10, 28, 9
    )


def test_days_may_be_negative():
    monday_ten = wall("America/New_York", 2024, 3, 11, 10)
    assert add_local_days(at=monday_ten, days=-3, zone=ZoneInfo("America/New_York")) == utc(2024, 3, 8, 15)


def test_a_reminder_landing_in_the_gap_moves_to_the_end_of_the_gap():
    saturday = wall("America/New_York", 2024, 3, 9, 2, 30)
    assert add_local_days(at=saturday, days=1, zone=ZoneInfo("America/New_York")) == utc(2024, 3, 10, 7)


def test_a_reminder_landing_in_the_repeated_hour_keeps_the_occurrence():
    new_york = ZoneInfo("America/New_York")
    saturday = wall("America/New_York", 2024, 11, 2, 1, 30)
    assert add_local_days(at=saturday, days=1, zone=new_york) == utc(2024, 11, 3, 5, 30)
    second_occurrence = utc(2024, 11, 3, 6, 30)
    assert add_local_days(at=second_occurrence, days=0, zone=new_york) == second_occurrence


def test_a_reminder_that_falls_on_a_weekend_is_held_until_monday():
    berlin = ZoneInfo("Europe/Berlin")
    due = add_local_days(at=wall("Europe/Berlin", 2024, 1, 11, 10), days=3, zone=berlin)  # Sunday
    assert next_allowed_time(at=due, zone=berlin, window=DEFAULT_WINDOW) == utc(2024, 1, 15, 7)


# --- input from outside -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Asia/Kathmandu", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"])
def test_a_valid_slack_tz_is_used(name: str):
    assert resolve_zone(name, default="Europe/London").key == name


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "Mars/Olympus",
        "America",  # a directory
        "zone.tab",  # a file in the database that is not a zone
        "../etc/passwd",
        "/etc/localtime",
        "Europe/Berlin/",
        " Europe/Berlin",
        "Europe/Berlin\x00",
        "A" * 1000,
    ],
)
def test_a_missing_or_invalid_slack_tz_falls_back_to_the_default(name: str | None):
    assert resolve_zone(name, default="Europe/London").key == "Europe/London"


def test_a_broken_default_is_a_configuration_error_not_hidden():
    with pytest.raises(ZoneInfoNotFoundError):
        resolve_zone(None, default="Mars/Olympus")


NAIVE = datetime(2024, 1, 9, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_weekly_slot(after=NAIVE, weekday=TUESDAY, hour=10, zone=ZoneInfo("UTC")),
        lambda: next_allowed_time(at=NAIVE, zone=ZoneInfo("UTC"), window=DEFAULT_WINDOW),
        lambda: local_send_time(
            after=NAIVE, weekday=TUESDAY, hour=10, zone=ZoneInfo("UTC"), window=DEFAULT_WINDOW
        ),
        lambda: add_local_days(at=NAIVE, days=1, zone=ZoneInfo("UTC")),
    ],
    ids=["next_weekly_slot", "next_allowed_time", "local_send_time", "add_local_days"],
)
def test_naive_datetimes_are_refused_because_their_zone_would_be_a_guess(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- properties -------------------------------------------------------------------------------


@_FAST
@given(
    after=instants,
    zone=zones_with_dst_oddities,
    weekday=st.integers(min_value=0, max_value=6),
    hour=st.integers(min_value=0, max_value=23),
    minute=st.sampled_from([0, 15, 30, 45, 59]),
)
def test_weekly_slot_is_the_next_occurrence_of_the_local_wall_time(
    after: datetime, zone: ZoneInfo, weekday: int, hour: int, minute: int
):
    slot = next_weekly_slot(after=after, weekday=weekday, hour=hour, minute=minute, zone=zone)
    assert is_utc(slot)
    assert after < slot <= after + ONE_WEEK_AND_A_DST_SHIFT
    local = slot.astimezone(zone)
    assert local.weekday() == weekday
    wanted = time(hour, minute)
    if local.time() != wanted:
        # The documented gap rule: the wall time does not exist that day, and the slot is
        # the instant the clock jumps, which reads as the first time after the gap.
        assert not wall_time_exists(local.date(), wanted, zone)
        assert local.time() > wanted
        assert (slot - timedelta(seconds=1)).astimezone(zone).utcoffset() != local.utcoffset()
    else:
        assert local.fold == 0
    # Nothing earlier qualifies: last week's slot was not after `after`.
    last_week = local.date() - timedelta(days=7)
    if wall_time_exists(last_week, wanted, zone):
        assert datetime.combine(last_week, wanted, tzinfo=zone) <= after


@_FAST
@given(
    after=instants,
    zone=zones,
    window=windows(min_start=4),  # DST changes in these zones all happen before 04:00
    data=st.data(),
)
def test_checkin_in_the_window_goes_out_on_the_local_weekday_and_hour(
    after: datetime, zone: ZoneInfo, window: SendWindow, data: st.DataObject
):
    allowed_days = [day for day in range(7) if window.allows_weekday(day)]
    weekday = data.draw(st.sampled_from(allowed_days), label="weekday")
    hour = data.draw(st.integers(min_value=window.start_hour, max_value=window.end_hour - 1), label="hour")
    sent = local_send_time(after=after, weekday=weekday, hour=hour, zone=zone, window=window)
    assert is_utc(sent)
    assert after < sent <= after + ONE_WEEK_AND_A_DST_SHIFT
    local = sent.astimezone(zone)
    assert (local.weekday(), local.hour, local.minute, local.second) == (weekday, hour, 0, 0)
    assert window.allows(local)
    assert next_allowed_time(at=sent, zone=zone, window=window) == sent


@_FAST
@given(
    after=instants,
    zone=zones_with_dst_oddities,
    window=windows(),
    weekday=st.integers(min_value=0, max_value=6),
    hour=st.integers(min_value=0, max_value=23),
)
def test_any_cohort_setting_lands_inside_the_window_soon_after_its_slot(
    after: datetime, zone: ZoneInfo, window: SendWindow, weekday: int, hour: int
):
    slot = next_weekly_slot(after=after, weekday=weekday, hour=hour, zone=zone)
    sent = local_send_time(after=after, weekday=weekday, hour=hour, zone=zone, window=window)
    assert is_utc(sent)
    assert after < slot <= sent <= slot + timedelta(days=3, hours=1)
    assert window.allows(sent.astimezone(zone))
    if window.allows(slot.astimezone(zone)):
        assert sent == slot
    assert next_allowed_time(at=sent, zone=zone, window=window) == sent


def first_allowed_instant_by_scanning(at: datetime, zone: ZoneInfo, window: SendWindow) -> datetime:
    """Oracle: whether a moment is allowed changes only on local hour boundaries, which in
    these zones (offsets and DST changes in quarter hours) fall on UTC quarter hours."""
    at = at.astimezone(UTC)
    if window.allows(at.astimezone(zone)):
        return at
    quarter = timedelta(minutes=15)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    candidate = epoch - ((epoch - at) // quarter) * quarter  # the quarter hour at or after `at`
    while not window.allows(candidate.astimezone(zone)):
        candidate += quarter
    return candidate


@_FAST
@given(at=instants, zone=zones_with_dst_oddities, window=windows())
def test_next_allowed_time_is_the_first_allowed_moment_from_at(
    at: datetime, zone: ZoneInfo, window: SendWindow
):
    held = next_allowed_time(at=at, zone=zone, window=window)
    assert is_utc(held)
    assert held == first_allowed_instant_by_scanning(at, zone, window)
    assert next_allowed_time(at=held, zone=zone, window=window) == held


@_FAST
@given(at=instants, zone=zones_with_dst_oddities, days=st.integers(min_value=-40, max_value=40))
def test_add_local_days_keeps_the_wall_clock_time(at: datetime, zone: ZoneInfo, days: int):
    moved = add_local_days(at=at, days=days, zone=zone)
    assert is_utc(moved)
    start, end = at.astimezone(UTC).astimezone(zone), moved.astimezone(zone)
    assert end.date() == start.date() + timedelta(days=days)
    if wall_time_exists(end.date(), start.time(), zone):
        assert end.time() == start.time()
    else:
        assert end.time() > start.time()
    assert add_local_days(at=at, days=0, zone=zone) == at.astimezone(UTC)


# --- a moment that suits everyone in a group DM ---------------------------------------------------


def zones_named(*names: str) -> list[ZoneInfo]:
    return [ZoneInfo(name) for name in names]


@_FAST
@given(at=instants, zone=zones_with_dst_oddities, window=windows())
def test_for_one_zone_the_common_moment_is_its_next_allowed_time(
    at: datetime, zone: ZoneInfo, window: SendWindow
):
    assert next_time_allowed_for_all(at=at, zones=[zone, zone], window=window) == next_allowed_time(
        at=at, zone=zone, window=window
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Tuesday 06:00 UTC: London opens at 08:00 UTC, New York (EST) at 13:00 UTC.
        (utc(2024, 1, 9, 6), utc(2024, 1, 9, 13)),
        # Tuesday 17:30 UTC is 12:30 in New York: both are at work, so now.
        (utc(2024, 1, 9, 17, 30), utc(2024, 1, 9, 17, 30)),
        # Tuesday 18:30 UTC: London has closed; Wednesday 08:00 UTC is 03:00 in New York.
        (utc(2024, 1, 9, 18, 30), utc(2024, 1, 10, 13)),
    ],
)
def test_london_and_new_york_meet_in_their_weekday_overlap(at: datetime, expected: datetime):
    zones = zones_named("Europe/London", "America/New_York")
    sent = next_time_allowed_for_all(at=at, zones=zones, window=DEFAULT_WINDOW)
    assert sent == expected
    assert is_utc(sent)


def test_paris_on_friday_evening_and_tokyo_wait_for_monday_morning_in_paris():
    # Friday 17:30 in Paris is Saturday 01:30 in Tokyo. Tokyo's Monday 08:00 is Sunday
    # 23:00 UTC, midnight in Paris; Paris opens Monday 08:00 (07:00 UTC), 16:00 in Tokyo.
    friday = wall("Europe/Paris", 2024, 1, 12, 17, 30)
    sent = next_time_allowed_for_all(
        at=friday, zones=zones_named("Europe/Paris", "Asia/Tokyo"), window=DEFAULT_WINDOW
    )
    assert sent == utc(2024, 1, 15, 7)
    assert sent.astimezone(ZoneInfo("Asia/Tokyo")) == wall("Asia/Tokyo", 2024, 1, 15, 16)


def test_across_the_date_line_honolulu_monday_meets_auckland_tuesday():
    # Monday 18:00 UTC: 08:00 Monday in Honolulu, 07:00 Tuesday in Auckland (NZDT, UTC+13).
    sent = next_time_allowed_for_all(
        at=utc(2024, 1, 8, 18),
        zones=zones_named("Pacific/Honolulu", "Pacific/Auckland"),
        window=DEFAULT_WINDOW,
    )
    assert sent == utc(2024, 1, 8, 19)


def test_a_quarter_hour_zone_opens_the_common_window_on_its_quarter_hour():
    # Tuesday 00:00 UTC: 14:00 Monday in Honolulu, 05:45 Tuesday in Kathmandu (UTC+5:45),
    # which opens at 02:15 UTC, 16:15 in Honolulu.
    sent = next_time_allowed_for_all(
        at=utc(2024, 1, 9),
        zones=zones_named("Pacific/Honolulu", "Asia/Kathmandu"),
        window=DEFAULT_WINDOW,
    )
    assert sent == utc(2024, 1, 9, 2, 15)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # Los Angeles works 16:00-02:00 UTC, Kolkata 02:30-12:30 UTC: LA opens last.
        (("Asia/Kolkata", "America/Los_Angeles"), utc(2024, 1, 9, 16)),
        # Honolulu works 18:00-04:00 UTC, Paris 07:00-17:00 UTC: Honolulu opens last.
        (("Pacific/Honolulu", "Europe/Paris"), utc(2024, 1, 9, 18)),
    ],
)
def test_without_a_common_moment_the_latest_zone_opening_is_used(names: tuple[str, ...], expected: datetime):
    at = utc(2024, 1, 9, 12)  # Tuesday
    zones = zones_named(*names)
    sent = next_time_allowed_for_all(at=at, zones=zones, window=DEFAULT_WINDOW)
    assert sent == expected
    assert sent == max(next_allowed_time(at=at, zone=zone, window=DEFAULT_WINDOW) for zone in zones)


def test_with_nobody_to_wait_for_the_moment_is_now():
    at = wall("Europe/Paris", 2024, 1, 13, 23)
    assert next_time_allowed_for_all(at=at, zones=[], window=DEFAULT_WINDOW) == at
    assert is_utc(next_time_allowed_for_all(at=at, zones=[], window=DEFAULT_WINDOW))


def test_a_naive_datetime_is_refused_for_a_group_too():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_time_allowed_for_all(at=NAIVE, zones=zones_named("UTC", "Asia/Tokyo"), window=DEFAULT_WINDOW)


GROUP_ZONE_NAMES = (
    "Pacific/Honolulu",
    "Pacific/Auckland",
    "Asia/Kathmandu",
    "America/Los_Angeles",
    "Europe/Paris",
)
QUARTER_HOUR = timedelta(minutes=15)


def first_common_instant_by_scanning(
    at: datetime, zones: list[ZoneInfo], window: SendWindow
) -> datetime | None:
    """Oracle: `at`, then every UTC quarter hour after it for 8 days (window edges in these zones
    fall on quarter hours), the first allowed in every zone; None if there is none."""
    at = at.astimezone(UTC)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    candidate = at
    next_quarter = epoch + ((at - epoch) // QUARTER_HOUR + 1) * QUARTER_HOUR
    while candidate <= at + timedelta(days=8):
        if all(window.allows(candidate.astimezone(zone)) for zone in zones):
            return candidate
        candidate, next_quarter = next_quarter, next_quarter + QUARTER_HOUR
    return None


@_FAST
@given(
    at=instants,
    zones=st.lists(st.sampled_from(GROUP_ZONE_NAMES).map(ZoneInfo), min_size=1, max_size=3),
    window=windows(),
)
def test_the_common_moment_is_the_first_one_allowed_everywhere(
    at: datetime, zones: list[ZoneInfo], window: SendWindow
):
    sent = next_time_allowed_for_all(at=at, zones=zones, window=window)
    assert is_utc(sent)
    assert sent >= at
    expected = first_common_instant_by_scanning(at, zones, window)
    if expected is None:
        assert sent == max(next_allowed_time(at=at, zone=zone, window=window) for zone in zones)
    else:
        assert sent == expected
        assert all(window.allows(sent.astimezone(zone)) for zone in zones)
