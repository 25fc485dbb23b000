"""Answering check-ins, writing reflections, and the admins' nudge.

A check-in answer is stored per person and period; a later click changes it. "We met"
cancels the pair's reminders for the period and opens the reflection form; "Not yet" queues
a reminder a few days later; "Pause" takes a two-week break. Only the person a check-in
was sent to can answer it. A reflection is private to its author unless they share it with
their partner, who then gets it in a DM; admins never see its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.cadence import checkin_time, period_count, period_of, period_start
from bot.checkin_records import (
    CheckinAnswerRecord,
    CheckinPrompt,
    ReflectionAnswers,
    ReflectionForm,
    SharedReflection,
)
from bot.delivery.outbox import cancel, enqueue
from bot.errors import CheckinRefusedError, NoActiveCohortError, NotYourCheckinError
from bot.local_time import SendWindow, add_local_days, next_allowed_time, resolve_zone
from bot.services.rhythm import CHECKIN_KIND, checkin_key
from bot.views.checkins import checkin_message, reminder_message, shared_reflection_message
from storage.models import CheckinAnswer, Cohort, CohortState, EnrollmentState, Pairing, PairingState, Person
from storage.uow import UnitOfWork

MET = str(CheckinAnswer.MET)
NOT_YET = str(CheckinAnswer.NOT_YET)
PAUSE = str(CheckinAnswer.PAUSE)
REMINDER_KIND = "checkin_reminder"
REFLECTION_KIND = "shared_reflection"
REMINDER_AFTER_DAYS = 3
PAUSE_WEEKS = 2


@dataclass(frozen=True, kw_only=True)
class NudgeResult:
    cohort_name: str
    period: int | None
    sent: int
    answered: int
    first_checkin_on: date | None = None


def answer_checkin(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    sent_to_user_id: str,
    pairing_id: int,
    period: int,
    answer: str,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> CheckinAnswerRecord:
    """Store (or change) the person's answer (MET, NOT_YET, PAUSE) and do what it implies.

    NotYourCheckinError for anyone but the person it was sent to.
    """
    if user_id != sent_to_user_id:
        raise NotYourCheckinError()
    answer = CheckinAnswer(answer)
    with uow:
        cohort, pairing, person, partner = _membership(
            uow, team_id=team_id, user_id=user_id, pairing_id=pairing_id
        )
        periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
        if not 1 <= period <= periods:
            raise CheckinRefusedError(
                "This check-in does not belong to this program any more. Nothing changed."
            )
        checkin = uow.checkins.ensure(
            team_id=team_id, pairing_id=pairing.id, period=period, person_id=person.id, at=now
        )
        uow.checkins.answer(checkin=checkin, answer=answer, at=now)
        zone = resolve_zone(person.tz, default=default_timezone)
        prompt = _prompt(
            cohort, pairing, period=period, person=person, partner=partner, periods=periods, now=now
        )
        reminder_on = None
        # Any answer replaces this person's pending reminder; "met" also ends the partner's.
        cancel(uow, team_id=team_id, key_prefix=f"pairing:{pairing.id}:reminder:{period}:{user_id}:", at=now)
        if answer == CheckinAnswer.MET:
            cancel(uow, team_id=team_id, key_prefix=f"pairing:{pairing.id}:reminder:{period}:", at=now)
        elif answer == CheckinAnswer.NOT_YET:
            due = next_allowed_time(
                at=add_local_days(at=now, days=REMINDER_AFTER_DAYS, zone=zone), zone=zone, window=window
            )
            enqueue(
                uow,
                team_id=team_id,
                recipient=user_id,
                kind=REMINDER_KIND,
                dedupe_key=f"pairing:{pairing.id}:reminder:{period}:{user_id}:{now:%Y%m%d%H%M%S}",
                due_at=due,
                **reminder_message(prompt),
            )
            reminder_on = due.astimezone(zone).date()
        else:
            _pause(uow, cohort=cohort, person=person, zone_today=now.astimezone(zone).date(), now=now)
        uow.commit()
        return CheckinAnswerRecord(
            prompt=prompt, answer=str(answer), answered_at=now, reminder_on=reminder_on
        )


def reflection_form(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    now: datetime,
    pairing_id: int | None = None,
    period: int | None = None,
) -> ReflectionForm:
    """The reflection modal for this person: about a check-in's pairing, or their current partner."""
    with uow:
        if pairing_id is None:
            cohort, pairing, person, partner = _current_pairing(uow, team_id=team_id, user_id=user_id)
            today = now.date()
            current = period_of(
                start_date=cohort.start_date,
                cadence_weeks=cohort.cadence_weeks,
                weeks=cohort.weeks,
                day=today,
            )
            periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
            period = current if 1 <= current <= periods else None
        else:
            cohort, pairing, person, partner = _membership(
                uow, team_id=team_id, user_id=user_id, pairing_id=pairing_id, allow_ended=True
            )
        role = "employee" if pairing.employee_id == person.id else "executive"
        return ReflectionForm(
            pairing_id=pairing.id,
            period=period,
            role=role,
            partner_user_id=partner.user_id,
            cohort_name=cohort.name,
        )


def save_reflection(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    pairing_id: int,
    period: int | None,
    answers: ReflectionAnswers,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> str:
    """Store the reflection; when shared, DM it to the partner. Returns the partner's user id."""
    with uow:
        cohort, pairing, person, partner = _membership(
            uow, team_id=team_id, user_id=user_id, pairing_id=pairing_id, allow_ended=True
        )
        reflection = uow.checkins.add_reflection(
            team_id=team_id,
            pairing_id=pairing.id,
            author_id=person.id,
            period=period,
            learned=answers.learned,
            will_try=answers.will_try,
            rating=answers.rating,
            shared=answers.share,
            at=now,
        )
        if answers.share and partner.active and partner.unreachable_reason is None:
            enqueue(
                uow,
                team_id=team_id,
                recipient=partner.user_id,
                kind=REFLECTION_KIND,
                dedupe_key=f"reflection:{reflection.id}",
                due_at=next_allowed_time(
                    at=now, zone=resolve_zone(partner.tz, default=default_timezone), window=window
                ),
                **shared_reflection_message(
                    SharedReflection(
                        author_user_id=user_id,
                        cohort_name=cohort.name,
                        learned=answers.learned,
                        will_try=answers.will_try,
                    )
                ),
            )
        uow.commit()
        return partner.user_id


def nudge_unanswered(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> NudgeResult:
    """Send the current period's check-in now (or at their next working moment) to everyone who has
    not answered it; a check-in already asked gets one repeat a day at most."""
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        if cohort is None or cohort.state != CohortState.ACTIVE:
            raise NoActiveCohortError(name=cohort.name if cohort else None)
        periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
        current = period_of(
            start_date=cohort.start_date,
            cadence_weeks=cohort.cadence_weeks,
            weeks=cohort.weeks,
            day=now.date(),
        )
        if current < 1:
            first = checkin_time(
                start_date=cohort.start_date,
                cadence_weeks=cohort.cadence_weeks,
                period=1,
                weekday=cohort.checkin_weekday,
                hour=cohort.checkin_hour,
                zone=resolve_zone(None, default=default_timezone),
                window=window,
            )
            return NudgeResult(
                cohort_name=cohort.name, period=None, sent=0, answered=0, first_checkin_on=first.date()
            )
        period = min(current, periods)
        members = {
            person.id: (enrollment, person)
            for enrollment, person in uow.pairings.participants(cohort_id=cohort.id)
        }
        sent = answered = 0
        for pairing in uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.ACTIVE,)):
            for person_id, partner_id in (
                (pairing.employee_id, pairing.executive_id),
                (pairing.executive_id, pairing.employee_id),
            ):
                enrollment, person = members[person_id]
                if (
                    enrollment.state != EnrollmentState.MATCHED
                    or not person.active
                    or person.unreachable_reason
                ):
                    continue
                checkin = uow.checkins.find(pairing_id=pairing.id, period=period, person_id=person.id)
                if checkin is not None and checkin.answer is not None:
                    answered += 1
                    continue
                key = checkin_key(pairing_id=pairing.id, period=period, user_id=person.user_id)
                if checkin is not None:
                    key += f":nudge:{now:%Y-%m-%d}"
                prompt = _prompt(
                    cohort,
                    pairing,
                    period=period,
                    person=person,
                    partner=members[partner_id][1],
                    periods=periods,
                    now=now,
                )
                sent += enqueue(
                    uow,
                    team_id=team_id,
                    recipient=person.user_id,
                    kind=CHECKIN_KIND,
                    dedupe_key=key,
                    due_at=next_allowed_time(
                        at=now, zone=resolve_zone(person.tz, default=default_timezone), window=window
                    ),
                    **checkin_message(prompt),
                )
                uow.checkins.ensure(
                    team_id=team_id, pairing_id=pairing.id, period=period, person_id=person.id, at=now
                )
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="checkin.nudge",
            target=f"cohort:{cohort.id}",
            details={"period": period, "sent": sent, "answered": answered},
            at=now,
        )
        uow.commit()
        return NudgeResult(cohort_name=cohort.name, period=period, sent=sent, answered=answered)


def pair_of(*, uow: UnitOfWork, team_id: str, pairing_id: int) -> tuple[str, str, str, bool]:
    """(employee, executive, cohort name, still live) of a pairing of this workspace, for admin buttons."""
    with uow:
        pairing = uow.pairings.get(team_id=team_id, pairing_id=pairing_id)
        if pairing is None:
            raise CheckinRefusedError("I could not find this pair any more. Nothing changed.")
        people = uow.privacy.people_by_id(
            team_id=team_id, person_ids=[pairing.employee_id, pairing.executive_id]
        )
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=pairing.cohort_id)
        return (
            people[pairing.employee_id].user_id,
            people[pairing.executive_id].user_id,
            cohort.name if cohort else "",
            pairing.state == PairingState.ACTIVE,
        )


def _prompt(
    cohort: Cohort,
    pairing: Pairing,
    *,
    period: int,
    person: Person,
    partner: Person,
    periods: int,
    now: datetime,
) -> CheckinPrompt:
    start = period_start(start_date=cohort.start_date, cadence_weeks=cohort.cadence_weeks, period=period)
    made = pairing.confirmed_at.date() if pairing.confirmed_at else start
    return CheckinPrompt(
        pairing_id=pairing.id,
        period=period,
        periods=periods,
        user_id=person.user_id,
        partner_user_id=partner.user_id,
        since=min(max(start, made), now.date()),
        cohort_name=cohort.name,
    )


def _membership(
    uow: UnitOfWork, *, team_id: str, user_id: str, pairing_id: int, allow_ended: bool = False
) -> tuple[Cohort, Pairing, Person, Person]:
    """The pairing, checked to be this person's (and live, unless `allow_ended`)."""
    pairing = uow.pairings.get(team_id=team_id, pairing_id=pairing_id)
    person = uow.people.find(team_id=team_id, user_id=user_id)
    if pairing is None or person is None or person.id not in (pairing.employee_id, pairing.executive_id):
        raise NotYourCheckinError()
    if pairing.state != PairingState.ACTIVE and not (allow_ended and pairing.state == PairingState.ENDED):
        raise CheckinRefusedError(
            "This pairing has ended, so there is nothing to answer any more. Thank you!"
        )
    cohort = uow.cohorts.get(team_id=team_id, cohort_id=pairing.cohort_id)
    partner_id = pairing.executive_id if pairing.employee_id == person.id else pairing.employee_id
    partner = uow.privacy.people_by_id(team_id=team_id, person_ids=[partner_id]).get(partner_id)
    if cohort is None or partner is None:
        raise CheckinRefusedError(
            "This pairing has ended, so there is nothing to answer any more. Thank you!"
        )
    return cohort, pairing, person, partner


def _current_pairing(
    uow: UnitOfWork, *, team_id: str, user_id: str
) -> tuple[Cohort, Pairing, Person, Person]:
    """The person's live pairing in the current cohort, or a friendly refusal."""
    cohort = uow.cohorts.current(team_id=team_id)
    person = uow.people.find(team_id=team_id, user_id=user_id)
    pairings = (
        uow.pairings.of_person(cohort_id=cohort.id, person_id=person.id, states=(PairingState.ACTIVE,))
        if cohort is not None and person is not None
        else []
    )
    if not pairings:
        raise CheckinRefusedError(
            "Reflections are about your mentoring conversations, and you do not have a partner yet. "
            "`/mentor status` shows where you stand."
        )
    return _membership(uow, team_id=team_id, user_id=user_id, pairing_id=pairings[0].id)


def _pause(uow: UnitOfWork, *, cohort: Cohort, person: Person, zone_today: date, now: datetime) -> None:
    """A two-week break from the check-in's Pause button; their pending check-ins and reminders stop."""
    enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id)
    if enrollment is None or enrollment.state == EnrollmentState.LEFT:
        return
    if enrollment.state != EnrollmentState.PAUSED:
        enrollment.state = EnrollmentState.PAUSED
        person.paused_until_date = zone_today + timedelta(weeks=PAUSE_WEEKS)
    cancel_pending_rhythm(uow, cohort=cohort, person=person, now=now)


def cancel_pending_rhythm(uow: UnitOfWork, *, cohort: Cohort, person: Person, now: datetime) -> None:
    """Check-ins and reminders waiting for this person are cancelled (a break, leaving)."""
    for pairing in uow.pairings.of_person(
        cohort_id=cohort.id, person_id=person.id, states=(PairingState.ACTIVE,)
    ):
        for part in ("checkin", "reminder"):
            cancel(
                uow,
                team_id=cohort.team_id,
                key_prefix=f"pairing:{pairing.id}:{part}:",
                recipient=person.user_id,
                at=now,
            )
