"""The program's rhythm, planned from state by the scheduler: check-ins, breaks ending, slipping pairs.

Run every tick for every workspace. Everything it sends goes through the outbox under a
dedupe key, and a check-in row marks each one asked, so running it twice (or in several
processes) changes nothing. What it does, per active cohort:

- each period, a check-in DM to each member of every active pair at their own local
  check-in hour on the cohort's weekday (`bot.cadence`); people on a break get nothing,
  and a check-in that falls in a break is recorded as skipped rather than sent later;
- breaks whose last day has passed end by themselves;
- a pair whose last two periods (or more) were asked of both and not met gets one alert
  to the admins and one gentle nudge each, once per such stretch (a break is not a miss).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.cadence import checkin_time, period_count, period_of, period_start
from bot.checkin_records import CheckinPrompt, SlippingPair
from bot.delivery.outbox import enqueue
from bot.local_time import SendWindow, next_allowed_time, resolve_zone
from bot.slipping import SLIPPING_PERIODS, closed_periods, is_slipping, missed_periods
from bot.views.checkins import checkin_message, slipping_alert_message, slipping_nudge_message
from storage.models import (
    Checkin,
    CheckinAnswer,
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentState,
    Pairing,
    PairingState,
    Person,
)
from storage.uow import UnitOfWork

CHECKIN_KIND = "checkin"
SLIPPING_KIND = "slipping"
# A check-in is put in the outbox this long before it is due, and still sent this long after
# (the bot was down): later than that, the period's question is stale and is skipped.
LOOKAHEAD = timedelta(minutes=15)
GRACE = timedelta(days=2)
# A pair made in the middle of a period is not asked about it before they had time to meet.
TIME_TO_MEET = timedelta(days=2)


@dataclass(frozen=True, kw_only=True)
class RhythmReport:
    checkins: int = 0
    breaks_ended: int = 0
    slipping_alerts: int = 0


def plan_rhythm(
    *,
    uow: UnitOfWork,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
    admin_user_ids: Collection[str],
) -> RhythmReport:
    """Plan what is due in every active cohort; one transaction for the whole round."""
    checkins = breaks = alerts = 0
    with uow:
        for cohort in uow.cohorts.in_state(state=CohortState.ACTIVE):
            plan = _CohortPlan(uow, cohort=cohort, now=now, window=window, default_timezone=default_timezone)
            breaks += plan.end_breaks()
            checkins += plan.ask_checkins()
            alerts += plan.flag_slipping(admin_user_ids=admin_user_ids)
        uow.commit()
    return RhythmReport(checkins=checkins, breaks_ended=breaks, slipping_alerts=alerts)


def checkin_key(*, pairing_id: int, period: int, user_id: str) -> str:
    """The dedupe key of one person's check-in: planner, nudge and reminders agree on it."""
    return f"pairing:{pairing_id}:checkin:{period}:{user_id}"


class _CohortPlan:
    """One cohort's state, loaded once per round (a handful of queries, whatever its size)."""

    def __init__(
        self, uow: UnitOfWork, *, cohort: Cohort, now: datetime, window: SendWindow, default_timezone: str
    ) -> None:
        self.uow = uow
        self.cohort = cohort
        self.now = now
        self.window = window
        self.default_timezone = default_timezone
        self.periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
        self.pairings = uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.ACTIVE,))
        self.members: dict[int, tuple[Enrollment, Person]] = {
            person.id: (enrollment, person)
            for enrollment, person in uow.pairings.participants(cohort_id=cohort.id)
        }
        self.asked: dict[tuple[int, int], list[Checkin]] = defaultdict(list)
        for checkin in uow.checkins.of_pairings(pairing_ids=[p.id for p in self.pairings]):
            self.asked[(checkin.pairing_id, checkin.period)].append(checkin)

    def end_breaks(self) -> int:
        """Breaks whose last day has passed (in the person's zone) end: back to their partner."""
        ended = 0
        partnered = {i for p in self.pairings for i in (p.employee_id, p.executive_id)}
        for enrollment, person in self.members.values():
            if enrollment.state != EnrollmentState.PAUSED or person.paused_until_date is None:
                continue
            if self._local_today(person) < person.paused_until_date:
                continue
            enrollment.state = EnrollmentState.MATCHED if person.id in partnered else EnrollmentState.SURVEYED
            person.paused_until_date = None
            ended += 1
        return ended

    def ask_checkins(self) -> int:
        """Queue each member's check-in of the period that is due now (once)."""
        queued = 0
        for pairing in self.pairings:
            for person_id, partner_id in (
                (pairing.employee_id, pairing.executive_id),
                (pairing.executive_id, pairing.employee_id),
            ):
                member, partner = self.members.get(person_id), self.members.get(partner_id)
                if member is None or partner is None:
                    continue
                if member[0].state == EnrollmentState.PAUSED:
                    self._ask(pairing, person=member[1], partner=partner[1], on_break=True)
                elif _reachable(*member):
                    queued += self._ask(pairing, person=member[1], partner=partner[1])
        return queued

    def _ask(self, pairing: Pairing, *, person: Person, partner: Person, on_break: bool = False) -> int:
        """Queue the person's due check-in; on a break, mark it skipped instead (answered "pause"),
        so the period is not asked about once the break is over."""
        zone = resolve_zone(person.tz, default=self.default_timezone)
        today = self.now.astimezone(zone).date()
        current = period_of(
            start_date=self.cohort.start_date,
            cadence_weeks=self.cohort.cadence_weeks,
            weeks=self.cohort.weeks,
            day=today,
        )
        queued = 0
        for period in range(max(current - 1, 1), min(current + 1, self.periods) + 1):
            if any(c.person_id == person.id for c in self.asked[(pairing.id, period)]):
                continue
            due = checkin_time(
                start_date=self.cohort.start_date,
                cadence_weeks=self.cohort.cadence_weeks,
                period=period,
                weekday=self.cohort.checkin_weekday,
                hour=self.cohort.checkin_hour,
                zone=zone,
                window=self.window,
            )
            if not self.now - GRACE <= due <= self.now + LOOKAHEAD:
                continue
            if pairing.confirmed_at is not None and due < pairing.confirmed_at + TIME_TO_MEET:
                continue
            if on_break:
                skipped = self.uow.checkins.ensure(
                    team_id=self.cohort.team_id,
                    pairing_id=pairing.id,
                    period=period,
                    person_id=person.id,
                    at=self.now,
                )
                self.uow.checkins.answer(checkin=skipped, answer=CheckinAnswer.PAUSE, at=self.now)
                self.asked[(pairing.id, period)].append(skipped)
                continue
            prompt = CheckinPrompt(
                pairing_id=pairing.id,
                period=period,
                periods=self.periods,
                user_id=person.user_id,
                partner_user_id=partner.user_id,
                since=self._since(pairing, period=period, zone_today=today),
                cohort_name=self.cohort.name,
            )
            enqueue(
                self.uow,
                team_id=self.cohort.team_id,
                recipient=person.user_id,
                kind=CHECKIN_KIND,
                dedupe_key=checkin_key(pairing_id=pairing.id, period=period, user_id=person.user_id),
                due_at=due,
                **checkin_message(prompt),
            )
            checkin = self.uow.checkins.ensure(
                team_id=self.cohort.team_id,
                pairing_id=pairing.id,
                period=period,
                person_id=person.id,
                at=self.now,
            )
            self.asked[(pairing.id, period)].append(checkin)
            queued += 1
        return queued

    def _since(self, pairing: Pairing, *, period: int, zone_today: date) -> date:
        start = period_start(
            start_date=self.cohort.start_date, cadence_weeks=self.cohort.cadence_weeks, period=period
        )
        made = pairing.confirmed_at.date() if pairing.confirmed_at else start
        return min(max(start, made), zone_today)

    def flag_slipping(self, *, admin_user_ids: Collection[str]) -> int:
        """One alert per stretch of two or more periods, asked of both members, that neither met in
        (the rule in `bot.slipping`, shared with the admins' dashboard and the report)."""
        closed = closed_periods(
            start_date=self.cohort.start_date,
            cadence_weeks=self.cohort.cadence_weeks,
            periods=self.periods,
            today=self.now.date(),
        )
        if len(closed) < SLIPPING_PERIODS:
            return 0
        admins: list[tuple[str, str | None]] = []
        for admin_id in sorted(admin_user_ids):
            stored = self.uow.people.find(team_id=self.cohort.team_id, user_id=admin_id)
            admins.append((admin_id, stored.tz if stored else None))
        alerts = 0
        for pairing in self.pairings:
            asked = {
                period: [
                    (c.person_id, str(c.answer) if c.answer else None)
                    for c in self.asked.get((pairing.id, period), [])
                ]
                for period in closed
            }
            missed = missed_periods(
                closed=closed, asked=asked, member_ids=(pairing.employee_id, pairing.executive_id)
            )
            if is_slipping(missed):
                alerts += self._alert(pairing, missed=missed, admins=admins)
        return alerts

    def _alert(
        self, pairing: Pairing, *, missed: tuple[int, ...], admins: list[tuple[str, str | None]]
    ) -> int:
        employee = self.members.get(pairing.employee_id)
        executive = self.members.get(pairing.executive_id)
        if employee is None or executive is None:
            return 0
        key = f"pairing:{pairing.id}:slipping:{missed[0]}"
        pair = SlippingPair(
            pairing_id=pairing.id,
            employee_user_id=employee[1].user_id,
            executive_user_id=executive[1].user_id,
            cohort_name=self.cohort.name,
            missed_periods=missed,
        )
        sent = 0
        for admin_id, admin_tz in admins:
            sent += enqueue(
                self.uow,
                team_id=self.cohort.team_id,
                recipient=admin_id,
                kind=SLIPPING_KIND,
                dedupe_key=f"{key}:admin:{admin_id}",
                due_at=self._held(admin_tz),
                **slipping_alert_message(pair),
            )
        for member, other in ((employee, executive), (executive, employee)):
            if _reachable(*member):
                enqueue(
                    self.uow,
                    team_id=self.cohort.team_id,
                    recipient=member[1].user_id,
                    kind=SLIPPING_KIND,
                    dedupe_key=f"{key}:nudge:{member[1].user_id}",
                    due_at=self._held(member[1].tz),
                    **slipping_nudge_message(partner_user_id=other[1].user_id, cohort_name=self.cohort.name),
                )
        return 1 if sent else 0

    def _held(self, tz: str | None) -> datetime:
        """Now, or the recipient's next working moment."""
        return next_allowed_time(
            at=self.now, zone=resolve_zone(tz, default=self.default_timezone), window=self.window
        )

    def _local_today(self, person: Person) -> date:
        return self.now.astimezone(resolve_zone(person.tz, default=self.default_timezone)).date()


def _reachable(enrollment: Enrollment, person: Person) -> bool:
    """Someone who takes part now: matched (not on a break, not gone) and reachable in Slack."""
    return enrollment.state == EnrollmentState.MATCHED and person.active and person.unreachable_reason is None
