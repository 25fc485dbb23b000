"""Self-service for participants: where they stand, taking a break, coming back, and leaving.

Everything acts on the person who asked (the user id Slack puts in the payload) and on the
current cohort; a button or form naming another cohort changes nothing. Leaving ends the
person's pairings and tells their partner and the program admins through the outbox,
without a reason: either side may leave without fault. Leaving can also erase everything
stored about the person.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.cadence import checkin_time, period_count
from bot.commands import shown_word
from bot.delivery.outbox import cancel, enqueue
from bot.errors import (
    AlreadyLeftError,
    AlreadyPausedError,
    NotEnrolledError,
    NotPausedError,
    ParticipationGoneError,
    PauseWeeksError,
)
from bot.local_time import SendWindow, next_allowed_time, resolve_zone
from bot.services.checkins import cancel_pending_rhythm
from bot.views.participation import (
    format_local_date,
    participant_left_admin_message,
    partner_left_message,
)
from storage.models import Cohort, CohortState, Enrollment, EnrollmentState, PairingState, Person
from storage.uow import UnitOfWork

PAUSE_WEEKS_MIN = 1
PAUSE_WEEKS_MAX = 12
PAUSE_WEEKS_DEFAULT = 2
LEFT_KIND = "participant_left"
_OPEN_PAIRING_STATES = (PairingState.PROPOSED, PairingState.ACTIVE)


@dataclass(frozen=True, kw_only=True)
class ParticipationStatus:
    """What `/mentor status` shows one person about the current cohort."""

    cohort_id: int | None
    cohort_name: str | None
    cohort_state: CohortState | None
    role: str | None
    state: EnrollmentState | None
    paused_until: date | None
    partner_user_ids: tuple[str, ...]
    # The next check-in, in UTC, or None when there is none to announce (no active pairing...).
    next_checkin_at: datetime | None
    zone_name: str


@dataclass(frozen=True, kw_only=True)
class PauseResult:
    cohort_id: int
    cohort_name: str
    until: date


@dataclass(frozen=True, kw_only=True)
class ResumeResult:
    cohort_id: int
    cohort_name: str
    state: EnrollmentState


@dataclass(frozen=True, kw_only=True)
class LeaveForm:
    """What the leave confirmation modal needs."""

    cohort_id: int
    cohort_name: str
    has_partner: bool


@dataclass(frozen=True, kw_only=True)
class LeaveResult:
    cohort_name: str
    deleted_data: bool
    partners_told: int
    admins_told: int


def participation_status(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    default_timezone: str,
    window: SendWindow,
    now: datetime | None = None,
) -> ParticipationStatus:
    """The person's place in the current cohort (all None when there is no cohort or they are not in it)."""
    now = now or datetime.now(UTC)
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        person = uow.people.find(team_id=team_id, user_id=user_id)
        zone = resolve_zone(person.tz if person else None, default=default_timezone)
        enrollment = (
            uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if cohort and person else None
        )
        partners: tuple[str, ...] = ()
        next_checkin = None
        if cohort is not None and person is not None and enrollment is not None:
            if enrollment.state != EnrollmentState.LEFT:
                partners = _partner_user_ids(uow, cohort=cohort, person=person, states=(PairingState.ACTIVE,))
            if partners and enrollment.state == EnrollmentState.MATCHED:
                next_checkin = next_checkin_time(cohort=cohort, zone_name=zone.key, window=window, now=now)
            elif partners and enrollment.state == EnrollmentState.PAUSED and person.paused_until_date:
                after = datetime.combine(person.paused_until_date, datetime.min.time(), tzinfo=zone)
                next_checkin = next_checkin_time(
                    cohort=cohort, zone_name=zone.key, window=window, now=max(now, after.astimezone(UTC))
                )
        return ParticipationStatus(
            cohort_id=cohort.id if cohort else None,
            cohort_name=cohort.name if cohort else None,
            cohort_state=cohort.state if cohort else None,
            role=str(enrollment.role) if enrollment else None,
            state=enrollment.state if enrollment else None,
            paused_until=person.paused_until_date if person and enrollment else None,
            partner_user_ids=partners,
            next_checkin_at=next_checkin,
            zone_name=zone.key,
        )


def next_checkin_time(
    *, cohort: Cohort, zone_name: str, window: SendWindow, now: datetime
) -> datetime | None:
    """The next check-in of the cohort in this zone after `now` (UTC), or None once the cohort is over.

    The same calendar the planner sends by (`bot.cadence`): one check-in per period, in the
    period's last week, at the cohort's weekday and local hour, held to the send window.
    """
    zone = resolve_zone(zone_name, default="UTC")
    for period in range(1, period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks) + 1):
        due = checkin_time(
            start_date=cohort.start_date,
            cadence_weeks=cohort.cadence_weeks,
            period=period,
            weekday=cohort.checkin_weekday,
            hour=cohort.checkin_hour,
            zone=zone,
            window=window,
        )
        if due > now:
            return due
    return None


def pause(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    weeks: int,
    default_timezone: str,
    cohort_id: int | None = None,
    now: datetime | None = None,
) -> PauseResult:
    """Take a break of `weeks` weeks (checked to be 1-12): no check-ins until the local date returned."""
    now = now or datetime.now(UTC)
    with uow:
        cohort, person, enrollment = _participant(uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id)
        zone = resolve_zone(person.tz, default=default_timezone)
        if enrollment.state == EnrollmentState.PAUSED:
            raise AlreadyPausedError(until=_until_text(person.paused_until_date))
        until = now.astimezone(zone).date() + timedelta(weeks=weeks)
        enrollment.state = EnrollmentState.PAUSED
        person.paused_until_date = until
        cancel_pending_rhythm(uow, cohort=cohort, person=person, now=now)
        uow.commit()
        return PauseResult(cohort_id=cohort.id, cohort_name=cohort.name, until=until)


def resume(
    *, uow: UnitOfWork, team_id: str, user_id: str, cohort_id: int | None = None, now: datetime | None = None
) -> ResumeResult:
    """End a break now: back to matched (with an active pairing), surveyed, or invited."""
    del now  # resuming changes no time stamps; kept for a uniform call shape
    with uow:
        cohort, person, enrollment = _participant(uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id)
        if enrollment.state != EnrollmentState.PAUSED:
            raise NotPausedError()
        enrollment.state = _state_after_break(uow, cohort=cohort, person=person, enrollment=enrollment)
        person.paused_until_date = None
        uow.commit()
        return ResumeResult(cohort_id=cohort.id, cohort_name=cohort.name, state=enrollment.state)


def leave_form(*, uow: UnitOfWork, team_id: str, user_id: str, cohort_id: int | None = None) -> LeaveForm:
    """Check that the person can leave before the confirmation modal opens."""
    with uow:
        cohort, person, _ = _participant(uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id)
        partners = _partner_user_ids(uow, cohort=cohort, person=person, states=_OPEN_PAIRING_STATES)
        return LeaveForm(cohort_id=cohort.id, cohort_name=cohort.name, has_partner=bool(partners))


def leave(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    cohort_id: int,
    delete_data: bool,
    admin_user_ids: Collection[str],
    default_timezone: str,
    window: SendWindow,
    now: datetime | None = None,
) -> LeaveResult:
    """Leave the cohort: pairings end, partner and admins are told (no reason), pending DMs are cancelled.

    With `delete_data`, everything stored about the person is erased in the same
    transaction, and the notices do not name them (they would keep their id in the outbox).
    """
    now = now or datetime.now(UTC)
    with uow:
        cohort, person, enrollment = _participant(uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id)
        enrollment.state = EnrollmentState.LEFT
        enrollment.left_at = now
        person.paused_until_date = None
        pairings = uow.privacy.pairings_of(
            cohort_id=cohort.id, person_id=person.id, states=_OPEN_PAIRING_STATES
        )
        partner_ids = {p.executive_id if p.employee_id == person.id else p.employee_id for p in pairings}
        partners = uow.privacy.people_by_id(team_id=team_id, person_ids=partner_ids)
        admins = {
            admin_id: uow.people.find(team_id=team_id, user_id=admin_id)
            for admin_id in sorted(admin_user_ids)
            if admin_id != user_id
        }
        cancel(uow, team_id=team_id, recipient=user_id, at=now)
        # The person's key names them only by database id, so erasing them leaves no trace here.
        key = f"left:{cohort.id}:{person.id}"
        leaver = None if delete_data else user_id
        partners_told = 0
        for pairing in pairings:
            # A proposed pair is only in the admins' preview: its other member never knew of it.
            was_live = pairing.state == PairingState.ACTIVE
            pairing.state = PairingState.ENDED
            pairing.end_reason = "left"
            pairing.ended_at = now
            partner = partners.get(
                pairing.executive_id if pairing.employee_id == person.id else pairing.employee_id
            )
            if not was_live or partner is None or not partner.active:
                continue
            body = partner_left_message(cohort_name=cohort.name, leaver_user_id=leaver)
            partners_told += enqueue(
                uow,
                team_id=team_id,
                recipient=partner.user_id,
                kind=LEFT_KIND,
                dedupe_key=f"{key}:partner:{pairing.id}",
                due_at=_held(now, tz=partner.tz, default=default_timezone, window=window),
                **body,
            )
        admins_told = 0
        for admin_id, admin in admins.items():
            body = participant_left_admin_message(cohort_name=cohort.name, leaver_user_id=leaver)
            admins_told += enqueue(
                uow,
                team_id=team_id,
                recipient=admin_id,
                kind=LEFT_KIND,
                dedupe_key=f"{key}:admin:{admin_id}",
                due_at=_held(now, tz=admin.tz if admin else None, default=default_timezone, window=window),
                **body,
            )
        if delete_data:
            uow.privacy.erase_person(person=person, anonymous_user_id=_anonymous_user_id(), at=now)
        uow.commit()
        return LeaveResult(
            cohort_name=cohort.name,
            deleted_data=delete_data,
            partners_told=partners_told,
            admins_told=admins_told,
        )


def _participant(
    uow: UnitOfWork, *, team_id: str, user_id: str, cohort_id: int | None
) -> tuple[Cohort, Person, Enrollment]:
    """The current cohort, the person and their enrollment; a friendly refusal for everyone who has none."""
    cohort = uow.cohorts.current(team_id=team_id)
    if cohort_id is not None and (cohort is None or cohort.id != cohort_id):
        raise ParticipationGoneError()
    if cohort is None:
        raise NotEnrolledError(name=None)
    cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort.id, for_update=True) or cohort
    person = uow.people.find(team_id=team_id, user_id=user_id)
    enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if person else None
    if person is None or enrollment is None:
        raise NotEnrolledError(name=cohort.name)
    if enrollment.state == EnrollmentState.LEFT:
        raise AlreadyLeftError(name=cohort.name)
    return cohort, person, enrollment


def _partner_user_ids(
    uow: UnitOfWork, *, cohort: Cohort, person: Person, states: Collection[PairingState]
) -> tuple[str, ...]:
    pairings = uow.privacy.pairings_of(cohort_id=cohort.id, person_id=person.id, states=states)
    ids = [p.executive_id if p.employee_id == person.id else p.employee_id for p in pairings]
    people = uow.privacy.people_by_id(team_id=cohort.team_id, person_ids=ids)
    return tuple(people[i].user_id for i in ids if i in people)


def _state_after_break(
    uow: UnitOfWork, *, cohort: Cohort, person: Person, enrollment: Enrollment
) -> EnrollmentState:
    if uow.privacy.pairings_of(cohort_id=cohort.id, person_id=person.id, states=(PairingState.ACTIVE,)):
        return EnrollmentState.MATCHED
    if enrollment.surveyed_at is not None:
        return EnrollmentState.SURVEYED
    return EnrollmentState.INVITED


def _held(now: datetime, *, tz: str | None, default: str, window: SendWindow) -> datetime:
    """Now, or the recipient's next working moment: a notice never arrives at night."""
    return next_allowed_time(at=now, zone=resolve_zone(tz, default=default), window=window)


def _until_text(until: date | None) -> str:
    return format_local_date(until) if until else "you resume"


def _anonymous_user_id() -> str:
    """Stands in for an erased person's Slack id; never a valid Slack id (they start with U or W)."""
    return "anon-" + secrets.token_hex(8)


def parse_pause_weeks(args: tuple[str, ...]) -> int:
    """The length of a break from `/mentor pause [weeks]`: 1-12 whole weeks, 2 when not given.

    Raises PauseWeeksError (with the range) for anything else: `0`, `100`, `two`, `1.5`.
    """
    if not args:
        return PAUSE_WEEKS_DEFAULT
    typed = " ".join(shown_word(arg) for arg in args[:3])
    word = args[0].strip()
    # "3 weeks" and "3w" read naturally; anything more is a mistake worth pointing out.
    extra = [a.casefold() for a in args[1:]]
    if word.casefold().endswith(("weeks", "week", "w")) and word.rstrip("weksWEKS").isdigit():
        word = word.rstrip("weksWEKS")
    if extra not in ([], ["week"], ["weeks"]) or not (word.isascii() and word.isdigit()):
        raise PauseWeeksError(
            typed=typed, minimum=PAUSE_WEEKS_MIN, maximum=PAUSE_WEEKS_MAX, default=PAUSE_WEEKS_DEFAULT
        )
    weeks = int(word)
    if not PAUSE_WEEKS_MIN <= weeks <= PAUSE_WEEKS_MAX:
        raise PauseWeeksError(
            typed=typed, minimum=PAUSE_WEEKS_MIN, maximum=PAUSE_WEEKS_MAX, default=PAUSE_WEEKS_DEFAULT
        )
    return weeks
