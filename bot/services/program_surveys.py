"""The midpoint and closing surveys, and closing a cohort (`/mentor-admin close`).

Who is asked: everyone who had a live partner in the cohort and is still in it (never someone
who left, is deactivated or cannot receive DMs). The midpoint survey goes to those matched or
on a break, from the cohort's midpoint date in their own time zone; the closing survey from
its end date, or at once when an admin closes the cohort (pairs that ended early included).
Each DM goes through the outbox under one key per cohort, survey and person, so the planner,
`close` and a second process never send it twice; it waits for the recipient's send window.
When the closing survey is due, a midpoint survey not yet sent is dropped rather than sent
alongside it. Answers can be given (and changed) while the cohort runs and after it closed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from bot.cadence import end_date, midpoint_date
from bot.delivery.outbox import cancel, enqueue
from bot.errors import NothingToCloseError, ProgramSurveyRefusedError, SurveyAnswersError
from bot.ids import BlockId
from bot.local_time import SendWindow, next_allowed_time, resolve_zone
from bot.services.cohorts import move_cohort_state
from bot.services.skills import list_skills
from bot.skills import escape_mrkdwn
from bot.survey import SkillChoice
from bot.survey_records import (
    CLOSING,
    MIDPOINT,
    PROGRAM_SURVEY_KINDS,
    CloseResult,
    ProgramSurveyAnswers,
    ProgramSurveyForm,
    ProgramSurveyInvite,
    ProgramSurveySaved,
)
from bot.views.program_surveys import AGAIN_LABELS, SATISFACTION_LABELS, program_survey_message
from storage.models import (
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentState,
    PairingState,
    Person,
    ProgramSurveyKind,
)
from storage.uow import UnitOfWork

SURVEY_KIND = "program_survey"
CLOSE_REASON = "cohort closed"
MIDPOINT_STATES = (EnrollmentState.MATCHED, EnrollmentState.PAUSED)
CLOSING_STATES = (EnrollmentState.MATCHED, EnrollmentState.PAUSED, EnrollmentState.SURVEYED)
# The earliest local date on Earth is UTC+14: before the midpoint starts there, nobody is due.
_EARLIEST_OFFSET = timedelta(hours=14)


def survey_key(*, cohort_id: int, kind: str, user_id: str) -> str:
    """The dedupe key of one person's survey DM: the planner and `close` agree on it."""
    return f"survey:{cohort_id}:{kind}:{user_id}"


def plan_program_surveys(*, uow: UnitOfWork, now: datetime, window: SendWindow, default_timezone: str) -> int:
    """Queue the surveys that became due in every active cohort; returns how many were queued.

    One transaction for the whole round; running it again (or in another process) adds nothing.
    """
    queued = 0
    with uow:
        for cohort in uow.cohorts.in_state(state=CohortState.ACTIVE):
            queued += _plan_cohort(
                uow, cohort=cohort, now=now, window=window, default_timezone=default_timezone
            )
        uow.commit()
    return queued


def close_cohort(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> CloseResult:
    """End the current (active) cohort: its pairings end, waiting check-ins and reminders are
    cancelled, and everyone who had a partner gets the closing survey (once). Audited.

    NothingToCloseError when there is no cohort, it is still a draft or enrolling, or it was
    closed already (closing twice changes nothing).
    """
    with uow:
        current = uow.cohorts.current(team_id=team_id)
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=current.id, for_update=True) if current else None
        if cohort is None or cohort.state == CohortState.CLOSED:
            raise NothingToCloseError()
        if cohort.state != CohortState.ACTIVE:
            raise NothingToCloseError(name=cohort.name, state=str(cohort.state))
        move_cohort_state(
            uow, cohort=cohort, actor_user_id=actor_user_id, to_state=CohortState.CLOSED, now=now
        )
        ended = cancelled = 0
        states = (PairingState.PROPOSED, PairingState.ACTIVE, PairingState.ENDED)
        for pairing in uow.pairings.in_cohort(cohort_id=cohort.id, states=states):
            if pairing.state != PairingState.ENDED:
                pairing.state = PairingState.ENDED
                pairing.ended_at = now
                pairing.end_reason = CLOSE_REASON
                ended += 1
            for part in ("checkin", "reminder"):
                cancelled += cancel(uow, team_id=team_id, key_prefix=f"pairing:{pairing.id}:{part}:", at=now)
        # The closing survey replaces a midpoint survey that has not gone out yet.
        cancel(uow, team_id=team_id, key_prefix=f"survey:{cohort.id}:{MIDPOINT}:", at=now)
        audience = _audience(uow, cohort=cohort, states=CLOSING_STATES)
        queued = sum(
            _ask(
                uow,
                cohort=cohort,
                person=person,
                kind=CLOSING,
                now=now,
                window=window,
                default_timezone=default_timezone,
            )
            for _, person in audience
        )
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="cohort.close",
            target=f"cohort:{cohort.id}",
            details={
                "pairings_ended": ended,
                "messages_cancelled": cancelled,
                "surveys_queued": queued,
                "participants": len(audience),
            },
            at=now,
        )
        uow.commit()
        return CloseResult(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            pairings_ended=ended,
            messages_cancelled=cancelled,
            surveys_queued=queued,
            participants=len(audience),
        )


def open_survey_form(
    *, uow: UnitOfWork, team_id: str, user_id: str, cohort_id: int, kind: str
) -> ProgramSurveyForm:
    """The survey modal for this person, with their earlier answers to change if they answered.

    ProgramSurveyRefusedError for anyone who is not a participant of that cohort.
    """
    # Listing the skills seeds a new workspace's defaults: its own short transaction.
    catalogue = list_skills(uow=uow, team_id=team_id)
    with uow:
        cohort, person = _participant(uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id, kind=kind)
        saved = uow.survey_responses.find(
            cohort_id=cohort.id, person_id=person.id, kind=ProgramSurveyKind(kind)
        )
        kept = set(saved.skills_gained) if saved else set()
        skills = tuple(
            SkillChoice(id=skill.id, name=skill.name)
            for skill in catalogue.skills
            if not skill.retired or skill.id in kept
        )
        return ProgramSurveyForm(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            kind=kind,
            skills=skills,
            saved=ProgramSurveyAnswers(
                satisfaction=saved.satisfaction,
                again=saved.again,
                skills_gained=tuple(saved.skills_gained),
                comments=saved.comments,
            )
            if saved
            else None,
        )


def save_survey(
    *,
    uow: UnitOfWork,
    team_id: str,
    user_id: str,
    cohort_id: int,
    kind: str,
    answers: ProgramSurveyAnswers,
    now: datetime,
) -> ProgramSurveySaved:
    """Store the answers (answering again replaces them). Checked again, as a modal can stay open.

    ProgramSurveyRefusedError for anyone who is not a participant; SurveyAnswersError (keyed by
    block id) for a skill that is not the workspace's.
    """
    if not (str(answers.satisfaction) in SATISFACTION_LABELS and answers.again in AGAIN_LABELS):
        raise ProgramSurveyRefusedError("I could not read these answers, so I saved nothing.")
    with uow:
        cohort, person = _participant(uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id, kind=kind)
        known = {skill.id for skill in uow.skills.find_all(team_id=team_id, include_retired=True)}
        if not set(answers.skills_gained) <= known:
            raise SurveyAnswersError(
                {
                    str(BlockId.PROGRAM_SURVEY_SKILLS): (
                        "One of these skills is no longer offered. Please pick again from the list."
                    )
                }
            )
        _, created = uow.survey_responses.upsert(
            team_id=team_id,
            cohort_id=cohort.id,
            person_id=person.id,
            kind=ProgramSurveyKind(kind),
            satisfaction=answers.satisfaction,
            again=answers.again,
            skills_gained=list(answers.skills_gained),
            comments=answers.comments,
            at=now,
        )
        uow.commit()
        return ProgramSurveySaved(cohort_name=cohort.name, kind=kind, updated=not created)


# ---- helpers ------------------------------------------------------------------------------


def _plan_cohort(
    uow: UnitOfWork, *, cohort: Cohort, now: datetime, window: SendWindow, default_timezone: str
) -> int:
    """Queue this cohort's due surveys, each person's local date deciding which one is due."""
    midpoint = midpoint_date(
        start_date=cohort.start_date, weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks
    )
    end = end_date(start_date=cohort.start_date, weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
    if (now + _EARLIEST_OFFSET).date() < midpoint:
        return 0
    asked = uow.survey_responses.asked_keys(team_id=cohort.team_id, key_prefix=f"survey:{cohort.id}:")
    queued = 0
    for enrollment, person in _audience(uow, cohort=cohort, states=CLOSING_STATES):
        kind = _due_kind(
            enrollment,
            today=_local_today(person, now=now, default=default_timezone),
            midpoint=midpoint,
            end=end,
        )
        if kind is None:
            continue
        closing_key = survey_key(cohort_id=cohort.id, kind=CLOSING, user_id=person.user_id)
        if (
            closing_key in asked
            or survey_key(cohort_id=cohort.id, kind=kind, user_id=person.user_id) in asked
        ):
            continue
        midpoint_key = survey_key(cohort_id=cohort.id, kind=MIDPOINT, user_id=person.user_id)
        if kind == CLOSING and midpoint_key in asked:
            cancel(
                uow,
                team_id=cohort.team_id,
                key_prefix=midpoint_key,
                recipient=person.user_id,
                at=now,
            )
        queued += _ask(
            uow,
            cohort=cohort,
            person=person,
            kind=kind,
            now=now,
            window=window,
            default_timezone=default_timezone,
        )
    return queued


def _due_kind(enrollment: Enrollment, *, today: date, midpoint: date, end: date) -> str | None:
    """The survey due for this person today: closing from the end date, midpoint from half-way."""
    if today >= end:
        return CLOSING
    if today >= midpoint and enrollment.state in MIDPOINT_STATES:
        return MIDPOINT
    return None


def _audience(
    uow: UnitOfWork, *, cohort: Cohort, states: Collection[EnrollmentState]
) -> list[tuple[Enrollment, Person]]:
    """Participants in `states` who had a live partner in the cohort and can receive DMs."""
    paired = _paired_person_ids(uow, cohort=cohort)
    return [
        (enrollment, person)
        for enrollment, person in uow.pairings.participants(cohort_id=cohort.id)
        if enrollment.state in states
        and person.id in paired
        and person.active
        and person.unreachable_reason is None
    ]


def _paired_person_ids(uow: UnitOfWork, *, cohort: Cohort) -> set[int]:
    """Everyone who had a live pairing in the cohort (a proposal that was never confirmed does not count)."""
    pairings = uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.ACTIVE, PairingState.ENDED))
    return {
        member
        for pairing in pairings
        if pairing.confirmed_at is not None
        for member in (pairing.employee_id, pairing.executive_id)
    }


def _ask(
    uow: UnitOfWork,
    *,
    cohort: Cohort,
    person: Person,
    kind: str,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> bool:
    """Queue the survey DM for the person's next working moment; False if it was queued before."""
    zone = resolve_zone(person.tz, default=default_timezone)
    return enqueue(
        uow,
        team_id=cohort.team_id,
        recipient=person.user_id,
        kind=SURVEY_KIND,
        dedupe_key=survey_key(cohort_id=cohort.id, kind=kind, user_id=person.user_id),
        due_at=next_allowed_time(at=now, zone=zone, window=window),
        **program_survey_message(
            ProgramSurveyInvite(cohort_id=cohort.id, cohort_name=cohort.name, kind=kind)
        ),
    )


def _participant(
    uow: UnitOfWork, *, team_id: str, user_id: str, cohort_id: int, kind: str
) -> tuple[Cohort, Person]:
    """The cohort and the person, checked to be someone the survey is for."""
    if kind not in PROGRAM_SURVEY_KINDS:
        raise ProgramSurveyRefusedError(
            "I could not read which survey this is, so there is nothing to answer."
        )
    cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort_id)
    if cohort is None or cohort.state not in (CohortState.ACTIVE, CohortState.CLOSED):
        raise ProgramSurveyRefusedError(
            "This survey belongs to a program I cannot find any more, so there is nothing to answer here."
        )
    person = uow.people.find(team_id=team_id, user_id=user_id)
    enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if person else None
    name = escape_mrkdwn(cohort.name)
    paired = person is not None and any(
        pairing.confirmed_at is not None
        for pairing in uow.pairings.of_person(
            cohort_id=cohort.id, person_id=person.id, states=(PairingState.ACTIVE, PairingState.ENDED)
        )
    )
    if person is None or enrollment is None or not paired:
        raise ProgramSurveyRefusedError(
            f"This survey is for the people who took part in *{name}* with a partner, so there is nothing "
            "for you to answer here."
        )
    if enrollment.state == EnrollmentState.LEFT:
        raise ProgramSurveyRefusedError(f"You left *{name}*, so its surveys are closed for you. Thank you!")
    return cohort, person


def _local_today(person: Person, *, now: datetime, default: str) -> date:
    return now.astimezone(resolve_zone(person.tz, default=default)).date()
