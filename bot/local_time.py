"""When a DM may go out: the recipient's local time, weekdays, working hours, DST-safe.

The planner stores every send time as an aware UTC `due_at`, but people live by their
wall clock, so every rule here is stated in local time and converted at the edge. Two
wall-clock oddities get one fixed answer each, used by every function:

- a wall time that does not exist (the spring-forward gap, e.g. 02:30 on the day New York
  moves from 02:00 EST to 03:00 EDT) maps to the instant the gap ends, i.e. the first
  wall time after the gap (03:00 EDT);
- a wall time that happens twice (the fall-back hour) maps to its first occurrence
  (`fold=0`), so a weekly slot is one instant per week, never two.

Pure standard library, so the planner can be tested without a clock or a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
# Every allowed day has an opening and at most two days in a row are excluded, so a few
# days would do; the margin covers zones that once skipped a whole calendar day.
_DAYS_TO_SEARCH = 15
# How far ahead a moment that suits every recipient of a group DM is looked for.
_COMMON_WINDOW_SEARCH = timedelta(days=8)
# Each step of that search lands on a window opening, on a quarter hour in every real zone, so
# there cannot be more steps than quarter hours in the search; the cap only guards against a loop.
_COMMON_WINDOW_STEPS = _COMMON_WINDOW_SEARCH // timedelta(minutes=15)


@dataclass(frozen=True, kw_only=True)
class SendWindow:
    """Local hours and days in which a message may be due: [start_hour:00, end_hour:00)."""

    start_hour: int = 8
    end_hour: int = 18
    weekends: bool = False

    def __post_init__(self) -> None:
        hours = (self.start_hour, self.end_hour)
        if not all(isinstance(hour, int) and not isinstance(hour, bool) for hour in hours):
            raise ValueError(f"SendWindow hours must be whole hours (int), got {hours!r}")
        if not 0 <= self.start_hour < self.end_hour <= 24:
            raise ValueError(
                "SendWindow needs 0 <= start_hour < end_hour <= 24 (end is exclusive), "
                f"got start_hour={self.start_hour}, end_hour={self.end_hour}"
            )

    def allows_weekday(self, weekday: int) -> bool:
        """Whether messages may go out on this weekday (0=Monday .. 6=Sunday) at all."""
        return self.weekends or weekday < 5

    def allows(self, local: datetime) -> bool:
        """Whether a wall-clock time (already in the recipient's zone) is inside the window."""
        return self.allows_weekday(local.weekday()) and self.start_hour <= local.hour < self.end_hour


def resolve_zone(tz_name: str | None, *, default: str) -> ZoneInfo:
    """The person's zone from Slack's `tz`, or `default` when it is missing or unusable.

    Slack profile data is outside our control, so a bad name must not stop a send; the
    `default` comes from our own validated settings and is allowed to raise.
    """
    if isinstance(tz_name, str) and tz_name:
        try:
            return ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return ZoneInfo(default)


def next_weekly_slot(
    *, after: datetime, weekday: int, hour: int, minute: int = 0, zone: ZoneInfo
) -> datetime:
    """The first weekly slot (`weekday` at `hour:minute` local) strictly after `after`, in UTC.

    Strictly after, so a planner that passes the slot it just handled gets next week's.
    Each local week has exactly one slot instant: a slot in a spring-forward gap moves to
    the end of the gap (in practice the same day), and one in the repeated fall-back hour is its first
    occurrence, so the second occurrence never counts as another slot.
    """
    _require_aware(after, name="after")
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    if not 0 <= hour <= 23 or not 0 <= minute <= 59:
        raise ValueError(f"hour:minute must be a time of day, got {hour}:{minute:02d}")
    slot_time = time(hour, minute)
    day = _local(after, zone=zone).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while (slot := _wall_to_utc(datetime.combine(day, slot_time), zone=zone)) <= after:
        day += timedelta(days=7)
    return slot


def next_allowed_time(*, at: datetime, zone: ZoneInfo, window: SendWindow) -> datetime:
    """`at` in UTC if it is inside the window locally, else the next local window start.

    Used to push reminders and retries out of nights and weekends: a message is never
    sent earlier than asked, only held until the recipient's next working moment.
    """
    _require_aware(at, name="at")
    local = _local(at, zone=zone)
    if window.allows(local):
        return at.astimezone(UTC)
    day = local.date()
    opening = time(window.start_hour)
    for _ in range(_DAYS_TO_SEARCH):
        if window.allows_weekday(day.weekday()):
            start = _wall_to_utc(datetime.combine(day, opening), zone=zone)
            # The check on `allows` only matters if the opening hour sits in a DST gap
            # that ends after the window closes; then that day has no window at all.
            if start > at and window.allows(start.astimezone(zone)):
                return start
        day += timedelta(days=1)
    raise RuntimeError(f"no send window within {_DAYS_TO_SEARCH} days of {at.isoformat()} in {zone}")


def local_send_time(
    *, after: datetime, weekday: int, hour: int, zone: ZoneInfo, window: SendWindow
) -> datetime:
    """When a cohort's weekly check-in reaches this person, in UTC.

    The rule: take the next weekly slot (`weekday` at `hour:00` local, strictly after
    `after`), then, if that moment is outside the window or on a day the window excludes,
    hold it until the next window start. A cohort set to 07:00, or to Saturday with
    weekends off, therefore lands at start_hour on the same or next working day instead of
    being dropped or sent at night.
    """
    slot = next_weekly_slot(after=after, weekday=weekday, hour=hour, zone=zone)
    return next_allowed_time(at=slot, zone=zone, window=window)


def add_local_days(*, at: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same local wall-clock time `days` calendar days later (or earlier if negative), in UTC.

    "In 3 days" means the same time on the clock, not 72 hours, which differ across a DST
    change. A result in a gap moves to the end of the gap; one in a repeated hour keeps
    the occurrence `at` had, so `days=0` returns `at` itself. Combine with
    `next_allowed_time` to keep the result out of nights and weekends.
    """
    _require_aware(at, name="at")
    local = _local(at, zone=zone)
    wall = local.replace(tzinfo=None) + timedelta(days=days)
    return _wall_to_utc(wall, zone=zone, fold=local.fold)


def _require_aware(value: datetime, *, name: str) -> None:
    """A naive datetime's zone would be a guess, and a wrong guess sends at the wrong hour."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")


def _local(value: datetime, *, zone: ZoneInfo) -> datetime:
    """The wall clock in `zone` at the instant `value` denotes.

    Going through UTC matters: `astimezone` to a datetime's own zone returns it unchanged,
    so a nonexistent wall time (02:30 on a spring-forward day) would be read as written
    instead of as the real instant it stands for.
    """
    return value.astimezone(UTC).astimezone(zone)


def _wall_to_utc(wall: datetime, *, zone: ZoneInfo, fold: int = 0) -> datetime:
    """The UTC instant of a naive local wall time, with the module's gap and fold rules."""
    candidate = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
    if candidate.astimezone(zone).replace(tzinfo=None) == wall:
        return candidate
    return _gap_end(wall, zone=zone)


def _gap_end(wall: datetime, *, zone: ZoneInfo) -> datetime:
    """The transition instant that skips over `wall`, found by bisection on whole seconds.

    Read with the offset after the transition, `wall` lands just before it; read with the
    offset before, at or after it. Transitions in the tz database fall on whole seconds.
    """
    early, late = sorted(wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1))
    offset_before = early.astimezone(zone).utcoffset()
    low = (early - _EPOCH) // _SECOND  # still before the transition
    high = -((_EPOCH - late) // _SECOND)  # ceiling: at or after the transition
    while high - low > 1:
        middle = (low + high) // 2
        if (_EPOCH + middle * _SECOND).astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return _EPOCH + high * _SECOND


def next_time_allowed_for_all(*, at: datetime, zones: Sequence[ZoneInfo], window: SendWindow) -> datetime:
    """The earliest moment from `at` (in UTC) inside the window in every zone at once.

    A group DM reaches everyone in it at the same instant, so it waits for a moment that
    is working time for all of them. No zone allows anything before its own
    `next_allowed_time`, so the search jumps to the latest of those and checks again: each
    jump lands on some zone's window opening, so it ends after a few steps. With no common
    moment within 8 days (e.g. Honolulu and Paris with an 08-18 window), it falls back to
    the latest zone's next allowed time, which is working time for that zone at least.
    With no zones there is nobody to wait for, and `at` itself is returned.
    """
    _require_aware(at, name="at")
    candidate = at.astimezone(UTC)
    if not zones:
        return candidate
    deadline = candidate + _COMMON_WINDOW_SEARCH
    for _ in range(_COMMON_WINDOW_STEPS):
        if candidate > deadline:
            break
        latest = max(next_allowed_time(at=candidate, zone=zone, window=window) for zone in zones)
        if latest == candidate:
            return candidate
        candidate = latest  # strictly later: next_allowed_time returns its input only when allowed
    return max(next_allowed_time(at=at, zone=zone, window=window) for zone in zones)
