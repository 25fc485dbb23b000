"""Which pairs are slipping: the rule the planner alerts admins by, as pure functions.

A pair slips when its last two closed periods or more were asked of both members and
neither answered "met"; a "pause" answer (a break) or a period not asked of both ends the
stretch. A period is closed everywhere a day after it ends. This mirrors
`bot.services.rhythm` (which sends the alerts), so the admins' Home tab counts the same pairs.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta

from bot.cadence import period_start

SLIPPING_PERIODS = 2
_MET = "met"
_PAUSE = "pause"

# One member's check-in of a period: (person id, answer or None while unanswered).
Asked = tuple[int, str | None]


def closed_periods(*, start_date: date, cadence_weeks: int, periods: int, today: date) -> list[int]:
    """The periods that are over everywhere on `today` (UTC), oldest first."""
    last_day = today - timedelta(days=1)
    return [
        period
        for period in range(1, periods + 1)
        if period_start(start_date=start_date, cadence_weeks=cadence_weeks, period=period + 1) <= last_day
    ]


def missed_periods(
    *, closed: Sequence[int], asked: Mapping[int, Collection[Asked]], member_ids: Collection[int]
) -> tuple[int, ...]:
    """The latest stretch of closed periods asked of both members that neither met in, oldest first.

    `asked` maps a period to its check-ins of this pair. Walking back from the newest closed
    period, the stretch ends at a period not asked of both, or answered "met" or "pause".
    """
    missed: list[int] = []
    for period in reversed(closed):
        rows = asked.get(period, ())
        both_asked = {person_id for person_id, _ in rows} >= set(member_ids)
        if not both_asked or any(answer in (_MET, _PAUSE) for _, answer in rows):
            break
        missed.append(period)
    return tuple(sorted(missed))


def is_slipping(missed: Sequence[int]) -> bool:
    """Two periods or more in a row without meeting."""
    return len(missed) >= SLIPPING_PERIODS
