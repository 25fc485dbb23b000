"""The program's calendar: periods, and when each person's check-in of a period falls.

A cohort of `weeks` weeks meeting every `cadence_weeks` weeks has `weeks // cadence_weeks`
periods; period 1 starts on the cohort's start date. A period's check-in asks "did you meet
since the period began?" in the period's last week, at the cohort's weekday and hour in
each person's own time zone, held inside the send window (so never at night). Pure: dates
and zones in, aware UTC datetimes out.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.local_time import SendWindow, local_send_time


def period_count(*, weeks: int, cadence_weeks: int) -> int:
    """How many check-in periods a cohort has (at least one)."""
    return max(1, weeks // max(1, cadence_weeks))


def period_start(*, start_date: date, cadence_weeks: int, period: int) -> date:
    """The first day of `period` (1-based)."""
    return start_date + timedelta(weeks=cadence_weeks * (period - 1))


def period_of(*, start_date: date, cadence_weeks: int, weeks: int, day: date) -> int:
    """The period `day` falls in: 0 before the start, period_count + 1 after the end."""
    if day < start_date:
        return 0
    count = period_count(weeks=weeks, cadence_weeks=cadence_weeks)
    return min((day - start_date).days // (7 * cadence_weeks) + 1, count + 1)


def end_date(*, start_date: date, weeks: int, cadence_weeks: int) -> date:
    """The day after the last period: when the cohort's program is over."""
    count = period_count(weeks=weeks, cadence_weeks=cadence_weeks)
    return period_start(start_date=start_date, cadence_weeks=cadence_weeks, period=count + 1)


def midpoint_date(*, start_date: date, weeks: int, cadence_weeks: int) -> date:
    """Half-way through the program: the midpoint survey's day."""
    days = (end_date(start_date=start_date, weeks=weeks, cadence_weeks=cadence_weeks) - start_date).days
    return start_date + timedelta(days=days // 2)


def checkin_time(
    *,
    start_date: date,
    cadence_weeks: int,
    period: int,
    weekday: int,
    hour: int,
    zone: ZoneInfo,
    window: SendWindow,
) -> datetime:
    """When this person's check-in of `period` is due, in UTC: the cohort's weekly slot in the
    period's last week (local), held to the send window."""
    last_week = period_start(start_date=start_date, cadence_weeks=cadence_weeks, period=period) + timedelta(
        weeks=cadence_weeks - 1
    )
    midnight = datetime.combine(last_week, time(0), tzinfo=zone)
    return local_send_time(
        after=midnight - timedelta(seconds=1), weekday=weekday, hour=hour, zone=zone, window=window
    )
