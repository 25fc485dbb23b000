"""The App Home tab: what one person sees when they open the bot (admins: also the dashboard)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cadence import checkin_time, period_count, period_of
from bot.errors import CohortGoneError, NoCohortError
from bot.local_time import SendWindow, resolve_zone
from bot.services.access import AdminPolicy
from bot.services.admin_status import read_enrolment_counts
from bot.services.delivery import read_delivery_health
from bot.services.participation import next_checkin_time
from bot.services.rhythm import TIME_TO_MEET
from bot.slack_gateway import SlackGateway
from bot.slipping import Asked, closed_periods, is_slipping, missed_periods
from bot.views.home import (
    REFLECTIONS_SHOWN,
    SLIPPING_SHOWN,
    AdminDashboard,
    HomeCheckin,
    HomeProgram,
    HomeReflection,
    HomeSlippingPair,
    HomeState,
    build_home_view,
)
from storage.models import (
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

_IN_PROGRAM = (EnrollmentState.MATCHED, EnrollmentState.PAUSED)
# Erased people keep a stand-in id that is no Slack user (see participation.leave).
_ERASED_PREFIX = "anon-"


def publish_home(
    *,
    uow: UnitOfWork,
    gateway: SlackGateway,
    admin_policy: AdminPolicy,
    team_id: str,
    user_id: str,
    now: datetime | None = None,
    window: SendWindow | None = None,
    default_timezone: str = "UTC",
) -> HomeState:
    """Render and publish the viewer's Home tab (Slack fires app_home_opened on every open).

    It is redrawn on every open, so a survey answered, a check-in answered or a reflection
    written meanwhile shows the next time the tab is opened. Check-in times follow the
    planner's calendar in the viewer's zone (`window` and `default_timezone` as the planner's).
    """
    now = now or datetime.now(UTC)
    window = window or SendWindow()
    is_admin = admin_policy.is_admin(gateway=gateway, user_id=user_id)
    with uow:
        uow.workspaces.ensure(team_id=team_id)
        cohort = uow.cohorts.current(team_id=team_id)
        person = uow.people.find(team_id=team_id, user_id=user_id)
        enrollment = (
            uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if cohort and person else None
        )
        partner = (
            uow.people.active_partner(cohort_id=cohort.id, person_id=person.id)
            if cohort and person and enrollment
            else None
        )
        program = (
            _read_program(
                uow,
                cohort=cohort,
                person=person,
                zone=resolve_zone(person.tz, default=default_timezone),
                on_break=enrollment.state == EnrollmentState.PAUSED,
                window=window,
                now=now,
            )
            if _in_program(cohort, enrollment) and person is not None and cohort is not None
            else None
        )
        board_cohort = (cohort or _last_closed(uow, team_id=team_id)) if is_admin else None
        state = HomeState(
            is_admin=is_admin,
            cohort_id=cohort.id if cohort else None,
            cohort_name=cohort.name if cohort else None,
            cohort_state=str(cohort.state) if cohort else None,
            enrollment_state=str(enrollment.state) if enrollment else None,
            role=str(enrollment.role) if enrollment else None,
            paused_until=person.paused_until_date if person else None,
            partner_user_id=partner.user_id if partner else None,
            counts=read_enrolment_counts(uow, cohort_id=board_cohort.id) if board_cohort else None,
            delivery=read_delivery_health(uow, team_id=team_id, now=now) if is_admin else None,
            now=now,
            program=program,
            dashboard=read_dashboard(uow, cohort=board_cohort, now=now) if board_cohort else None,
        )
        uow.commit()
    gateway.publish_home(user_id=user_id, view=build_home_view(state))
    return state


def require_current_cohort(*, uow: UnitOfWork, team_id: str, cohort_id: int | None) -> None:
    """A dashboard button acts on the cohort it was drawn for: refuse if that is no longer the current one."""
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        current_id = cohort.id if cohort is not None else None
    if current_id is None:
        raise NoCohortError()
    if cohort_id != current_id:
        raise CohortGoneError()


def read_dashboard(uow: UnitOfWork, *, cohort: Cohort, now: datetime) -> AdminDashboard:
    """The admins' numbers for one cohort, inside a unit of work the caller has open.

    Periods follow the UTC calendar, as `/mentor-admin nudge` does. Pairs are counted asked
    once either member's check-in for this period is queued; slipping follows the planner's
    rule (`bot.slipping`), so the pairs listed are the ones admins are alerted about.
    """
    periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
    today = now.astimezone(UTC).date()
    period = period_of(
        start_date=cohort.start_date, cadence_weeks=cohort.cadence_weeks, weeks=cohort.weeks, day=today
    )
    pairings = uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.ACTIVE,))
    board = AdminDashboard(
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        cohort_state=str(cohort.state),
        start_date=cohort.start_date,
        weeks=cohort.weeks,
        period=period,
        periods=periods,
        live_pairs=len(pairings),
    )
    if cohort.state != CohortState.ACTIVE or not pairings:
        return board
    asked: dict[int, dict[int, list[Asked]]] = {p.id: {} for p in pairings}
    for row in uow.checkins.of_pairings(pairing_ids=list(asked)):
        asked[row.pairing_id].setdefault(row.period, []).append(
            (row.person_id, str(row.answer) if row.answer is not None else None)
        )
    this_period = [asked[p.id].get(period, []) for p in pairings] if 1 <= period <= periods else []
    closed = closed_periods(
        start_date=cohort.start_date, cadence_weeks=cohort.cadence_weeks, periods=periods, today=today
    )
    slipping = [
        (pairing, missed)
        for pairing in pairings
        if is_slipping(
            missed := missed_periods(
                closed=closed, asked=asked[pairing.id], member_ids=(pairing.employee_id, pairing.executive_id)
            )
        )
    ]
    shown = slipping[:SLIPPING_SHOWN]
    people = uow.privacy.people_by_id(
        team_id=cohort.team_id, person_ids={i for p, _ in shown for i in (p.employee_id, p.executive_id)}
    )
    return replace(
        board,
        asked_pairs=sum(1 for rows in this_period if rows),
        met_pairs=sum(1 for rows in this_period if any(answer == CheckinAnswer.MET for _, answer in rows)),
        slipping=tuple(
            HomeSlippingPair(
                employee_user_id=_slack_id(people.get(pairing.employee_id)),
                executive_user_id=_slack_id(people.get(pairing.executive_id)),
                missed_periods=missed,
            )
            for pairing, missed in shown
        ),
        slipping_count=len(slipping),
    )


def _last_closed(uow: UnitOfWork, *, team_id: str) -> Cohort | None:
    """The workspace's newest closed cohort: the dashboard keeps showing it until a new one exists."""
    closed = [c for c in uow.cohorts.in_state(state=CohortState.CLOSED) if c.team_id == team_id]
    return max(closed, key=lambda c: (c.created_at, c.id), default=None)


def _in_program(cohort: Cohort | None, enrollment: Enrollment | None) -> bool:
    return (
        cohort is not None
        and cohort.state == CohortState.ACTIVE
        and enrollment is not None
        and enrollment.state in _IN_PROGRAM
    )


def _read_program(
    uow: UnitOfWork,
    *,
    cohort: Cohort,
    person: Person,
    zone: ZoneInfo,
    on_break: bool,
    window: SendWindow,
    now: datetime,
) -> HomeProgram:
    """The viewer's check-ins on the planner's calendar, and their own reflections (nobody else's)."""
    periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
    period = period_of(
        start_date=cohort.start_date,
        cadence_weeks=cohort.cadence_weeks,
        weeks=cohort.weeks,
        day=now.astimezone(zone).date(),
    )
    pairings = uow.pairings.of_person(cohort_id=cohort.id, person_id=person.id, states=(PairingState.ACTIVE,))
    partners = uow.privacy.people_by_id(
        team_id=cohort.team_id, person_ids=[_other(p, person_id=person.id) for p in pairings]
    )
    # A break ends at the start of its last local day; check-ins before that are skipped.
    break_ends = (
        datetime.combine(person.paused_until_date, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        if on_break and person.paused_until_date
        else None
    )
    checkins: list[HomeCheckin] = []
    nexts: list[datetime] = []
    for pairing in pairings:
        not_before = now
        if pairing.confirmed_at is not None:
            # The planner does not ask a pair about a check-in due before they had time to meet.
            not_before = max(not_before, pairing.confirmed_at + TIME_TO_MEET - timedelta(microseconds=1))
        if break_ends is not None:
            not_before = max(not_before, break_ends - timedelta(microseconds=1))
        if not (on_break and break_ends is None):
            upcoming = next_checkin_time(cohort=cohort, zone_name=zone.key, window=window, now=not_before)
            if upcoming is not None:
                nexts.append(upcoming)
        if 1 <= period <= periods:
            checkins.append(
                _this_period(
                    uow,
                    cohort=cohort,
                    pairing=pairing,
                    person=person,
                    partner=partners.get(_other(pairing, person_id=person.id)),
                    period=period,
                    zone=zone,
                    window=window,
                    on_break=on_break,
                    break_ends=break_ends,
                )
            )
    reflections = uow.checkins.reflections_of(author_id=person.id, limit=REFLECTIONS_SHOWN)
    count = (
        uow.checkins.count_reflections_of(author_id=person.id)
        if len(reflections) >= REFLECTIONS_SHOWN
        else len(reflections)
    )
    shared_with = _shared_with(
        uow,
        team_id=cohort.team_id,
        person=person,
        pairing_ids=[r.pairing_id for r in reflections if r.shared and r.pairing_id is not None],
    )
    return HomeProgram(
        zone_name=zone.key,
        period=period,
        periods=periods,
        paired=bool(pairings),
        on_break=on_break,
        next_checkin_at=min(nexts) if nexts else None,
        checkins=tuple(checkins),
        reflections=tuple(
            HomeReflection(
                written_at=r.created_at,
                period=r.period,
                rating=r.rating,
                shared=r.shared,
                partner_user_id=shared_with.get(r.pairing_id) if r.pairing_id is not None else None,
                learned=r.learned,
                will_try=r.will_try,
            )
            for r in reflections
        ),
        reflection_count=count,
    )


def _this_period(
    uow: UnitOfWork,
    *,
    cohort: Cohort,
    pairing: Pairing,
    person: Person,
    partner: Person | None,
    period: int,
    zone: ZoneInfo,
    window: SendWindow,
    on_break: bool,
    break_ends: datetime | None,
) -> HomeCheckin:
    due = checkin_time(
        start_date=cohort.start_date,
        cadence_weeks=cohort.cadence_weeks,
        period=period,
        weekday=cohort.checkin_weekday,
        hour=cohort.checkin_hour,
        zone=zone,
        window=window,
    )
    row = uow.checkins.find(pairing_id=pairing.id, period=period, person_id=person.id)
    answer = row.answer if row is not None else None
    if answer is None and on_break and (break_ends is None or due < break_ends):
        # The planner records a check-in that falls in a break as skipped ("pause").
        answer = CheckinAnswer.PAUSE
    skipped = pairing.confirmed_at is not None and due < pairing.confirmed_at + TIME_TO_MEET
    return HomeCheckin(
        partner_user_id=_slack_id(partner),
        answer=str(answer) if answer is not None else None,
        asked=row is not None,
        due_at=due,
        skipped=skipped and row is None,
    )


def _shared_with(uow: UnitOfWork, *, team_id: str, person: Person, pairing_ids: list[int]) -> dict[int, str]:
    """The partner each shared reflection went to, by pairing id (erased partners left out)."""
    others: dict[int, int] = {}
    for pairing_id in set(pairing_ids):
        pairing = uow.pairings.get(team_id=team_id, pairing_id=pairing_id)
        if pairing is not None:
            others[pairing_id] = _other(pairing, person_id=person.id)
    people = uow.privacy.people_by_id(team_id=team_id, person_ids=set(others.values()))
    found = {pairing_id: _slack_id(people.get(other)) for pairing_id, other in others.items()}
    return {pairing_id: user_id for pairing_id, user_id in found.items() if user_id}


def _other(pairing: Pairing, *, person_id: int) -> int:
    return pairing.executive_id if pairing.employee_id == person_id else pairing.employee_id


def _slack_id(person: Person | None) -> str | None:
    if person is None or person.user_id.startswith(_ERASED_PREFIX):
        return None
    return person.user_id
