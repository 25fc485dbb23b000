"""Exports: the program CSV for admins (`/mentor-admin export`) and a person's own learning log
(`/mentor export`), each uploaded as a file into the asker's DM with the bot.

The program export covers the cohort that is open, once it has confirmed pairs; until then
(a fresh draft for the next round, say) the most recently closed cohort, so that starting the
next program does not hide the last one's figures. It is personal data leaving the bot, so it
is audited ("export.program") in the same transaction that reads it, before the upload: the
record exists even if the upload or the process fails half-way. The learning log is a person
reading their own data and is not audited.

What each file may hold is decided by the queries (storage.repositories.exports) and the
records (bot.exports): admins never get reflection text or survey comments; a person gets
only what they wrote themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from bot.cadence import period_count
from bot.exports import (
    ERASED_NAME,
    LearningLog,
    LearningLogResult,
    LogCheckin,
    LogReflection,
    MemberFigures,
    PairingFigures,
    ProgramExport,
    ProgramExportResult,
    learning_log_comment,
    learning_log_file_name,
    learning_log_markdown,
    program_csv,
    program_export_comment,
    program_file_name,
)
from bot.local_time import resolve_zone
from bot.slack_gateway import SlackGateway
from storage.models import Cohort, Pairing, Person, ProgramSurveyKind
from storage.repositories.exports import (
    CheckinAnswerRow,
    ExportRepository,
    ReflectionRating,
    SurveyScore,
)
from storage.uow import UnitOfWork

AUDIT_ACTION = "export.program"
# Erased people keep a stand-in id that is no Slack user (see participation.leave).
_ERASED_PREFIX = "anon-"
_LOG_ERASED_PARTNER = "a partner whose data was deleted"


def export_program(
    *, uow: UnitOfWork, gateway: SlackGateway, team_id: str, user_id: str, now: datetime
) -> ProgramExportResult:
    """Build the program CSV, audit it, and upload it to the admin's DM.

    The caller has checked that `user_id` is a program admin. Nothing is uploaded (nor
    audited) when the workspace has no cohort or the cohort has no confirmed pairs yet.
    """
    with uow:
        exports = ExportRepository(session=uow.session)
        cohort, pairings = _cohort_to_export(uow, exports, team_id=team_id)
        if cohort is None:
            return ProgramExportResult(cohort_name=None)
        if not pairings:
            return ProgramExportResult(cohort_name=cohort.name)
        export = _program_export(exports, cohort=cohort, pairings=pairings)
        file_name = program_file_name(cohort_name=cohort.name, day=now.astimezone(UTC).date())
        uow.audit.record(
            team_id=team_id,
            actor_user_id=user_id,
            action=AUDIT_ACTION,
            target=f"cohort:{cohort.id}",
            details={"pairs": len(pairings), "periods": export.periods, "file_name": file_name},
            at=now,
        )
        uow.commit()
    delivered = gateway.send_file(
        user_id=user_id,
        filename=file_name,
        content=program_csv(export),
        title=f"Mentoring export: {export.cohort_name}",
        initial_comment=program_export_comment(export),
    )
    return ProgramExportResult(
        cohort_name=export.cohort_name, pairs=len(export.pairings), file_name=file_name, delivered=delivered
    )


def export_learning_log(
    *,
    uow: UnitOfWork,
    gateway: SlackGateway,
    team_id: str,
    user_id: str,
    now: datetime,
    default_timezone: str = "UTC",
) -> LearningLogResult:
    """Upload the person's own learning log to their DM; nothing is sent when it would be empty.

    Dates are the person's local days (their Slack time zone, else `default_timezone`).
    """
    with uow:
        person = uow.people.find(team_id=team_id, user_id=user_id)
        if person is None:
            return LearningLogResult()
        log = _learning_log(
            ExportRepository(session=uow.session), person=person, now=now, default_timezone=default_timezone
        )
    if log.is_empty:
        return LearningLogResult()
    file_name = learning_log_file_name(log.exported_on)
    delivered = gateway.send_file(
        user_id=user_id,
        filename=file_name,
        content=learning_log_markdown(log).encode("utf-8"),
        title="Your learning log",
        initial_comment=learning_log_comment(log),
    )
    return LearningLogResult(
        reflections=len(log.reflections),
        checkins=len(log.checkins),
        file_name=file_name,
        delivered=delivered,
    )


# ---- the program export ---------------------------------------------------------------------


def _cohort_to_export(
    uow: UnitOfWork, exports: ExportRepository, *, team_id: str
) -> tuple[Cohort | None, list[Pairing]]:
    """The open cohort if it has confirmed pairs, else the last closed one; with its pairings."""
    first: Cohort | None = None
    for cohort in (uow.cohorts.current(team_id=team_id), exports.latest_closed_cohort(team_id=team_id)):
        if cohort is None:
            continue
        first = first or cohort
        pairings = exports.confirmed_pairings(team_id=team_id, cohort_id=cohort.id)
        if pairings:
            return cohort, pairings
    return first, []


def _program_export(exports: ExportRepository, *, cohort: Cohort, pairings: list[Pairing]) -> ProgramExport:
    team_id = cohort.team_id
    pairing_ids = [pairing.id for pairing in pairings]
    people = exports.people(
        team_id=team_id, person_ids={pid for p in pairings for pid in (p.employee_id, p.executive_id)}
    )
    skills = exports.skill_names(team_id=team_id)
    answers = _answers_by_member(exports.checkin_answers(team_id=team_id, pairing_ids=pairing_ids))
    ratings = _ratings_by_member(exports.reflection_ratings(team_id=team_id, pairing_ids=pairing_ids))
    surveys = _surveys_by_person(exports.survey_scores(team_id=team_id, cohort_id=cohort.id))
    asked = max((period for member in answers.values() for period in member), default=0)
    periods = max(period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks), asked)

    def member(pairing: Pairing, person_id: int) -> MemberFigures:
        person = people.get(person_id)
        key = (pairing.id, person_id)
        rated, count = ratings.get(key, ((), 0))
        midpoint, closing = surveys.get(person_id, (None, None))
        latest = closing or midpoint
        return MemberFigures(
            name=_admin_name(person),
            user_id=_user_id(person),
            answers=answers.get(key, {}),
            ratings=rated,
            reflections=count,
            midpoint_satisfaction=midpoint.satisfaction if midpoint else None,
            closing_satisfaction=closing.satisfaction if closing else None,
            again=latest.again if latest else None,
        )

    return ProgramExport(
        cohort_name=cohort.name,
        periods=periods,
        pairings=tuple(
            PairingFigures(
                pairing_id=pairing.id,
                state=str(pairing.state),
                started_on=pairing.confirmed_at.astimezone(UTC).date() if pairing.confirmed_at else None,
                ended_on=pairing.ended_at.astimezone(UTC).date() if pairing.ended_at else None,
                end_reason=pairing.end_reason,
                score=pairing.score,
                employee_shares=_skill_names(pairing.employee_skill_ids, skills),
                executive_shares=_skill_names(pairing.executive_skill_ids, skills),
                employee=member(pairing, pairing.employee_id),
                executive=member(pairing, pairing.executive_id),
            )
            for pairing in pairings
        ),
    )


def _answers_by_member(rows: Iterable[CheckinAnswerRow]) -> dict[tuple[int, int], dict[int, str | None]]:
    answers: dict[tuple[int, int], dict[int, str | None]] = {}
    for row in rows:
        answers.setdefault((row.pairing_id, row.person_id), {})[row.period] = row.answer
    return answers


def _ratings_by_member(
    rows: Iterable[ReflectionRating],
) -> dict[tuple[int, int], tuple[tuple[int, ...], int]]:
    """(pairing, author) -> (the ratings given, how many reflections)."""
    rated: dict[tuple[int, int], list[int]] = {}
    counts: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (row.pairing_id, row.author_id)
        counts[key] = counts.get(key, 0) + 1
        if row.rating is not None:
            rated.setdefault(key, []).append(row.rating)
    return {key: (tuple(rated.get(key, ())), count) for key, count in counts.items()}


def _surveys_by_person(
    rows: Iterable[SurveyScore],
) -> dict[int, tuple[SurveyScore | None, SurveyScore | None]]:
    """person -> (midpoint answer, closing answer)."""
    by_person: dict[int, dict[ProgramSurveyKind, SurveyScore]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, {})[row.kind] = row
    return {
        person_id: (kinds.get(ProgramSurveyKind.MIDPOINT), kinds.get(ProgramSurveyKind.CLOSING))
        for person_id, kinds in by_person.items()
    }


def _skill_names(skill_ids: Iterable[int], names: dict[int, str]) -> tuple[str, ...]:
    return tuple(names[skill_id] for skill_id in skill_ids if skill_id in names)


def _is_erased(person: Person | None) -> bool:
    return person is None or person.user_id.startswith(_ERASED_PREFIX)


def _admin_name(person: Person | None) -> str:
    """The name admins recognise; someone who had their data deleted stays anonymous."""
    if person is None or _is_erased(person):
        return ERASED_NAME
    return person.real_name or person.name or person.user_id


def _user_id(person: Person | None) -> str:
    return "" if person is None or _is_erased(person) else person.user_id


# ---- the learning log -----------------------------------------------------------------------


def _learning_log(
    exports: ExportRepository, *, person: Person, now: datetime, default_timezone: str
) -> LearningLog:
    """The person's own reflections and check-in answers; a partner appears by name only."""
    team_id = person.team_id
    zone = resolve_zone(person.tz, default=default_timezone)
    reflections = exports.own_reflections(team_id=team_id, author_id=person.id)
    checkins = exports.own_checkins(team_id=team_id, person_id=person.id)
    pairings = [entry.pairing for entry in reflections if entry.pairing] + [e.pairing for e in checkins]
    partners = exports.people(team_id=team_id, person_ids={_partner_id(p, person.id) for p in pairings})

    def partner_name(pairing: Pairing | None) -> str | None:
        if pairing is None:
            return None
        partner = partners.get(_partner_id(pairing, person.id))
        if partner is None or _is_erased(partner):
            return _LOG_ERASED_PARTNER
        return partner.real_name or partner.name or partner.user_id

    return LearningLog(
        name=person.real_name or person.name or person.user_id,
        exported_on=now.astimezone(zone).date(),
        reflections=tuple(
            LogReflection(
                written_on=entry.reflection.created_at.astimezone(zone).date(),
                cohort_name=entry.cohort.name if entry.cohort else None,
                partner_name=partner_name(entry.pairing),
                period=entry.reflection.period,
                rating=entry.reflection.rating,
                shared=entry.reflection.shared,
                learned=entry.reflection.learned,
                will_try=entry.reflection.will_try,
            )
            for entry in reflections
        ),
        checkins=tuple(
            LogCheckin(
                answered_on=entry.answered_at.astimezone(zone).date(),
                cohort_name=entry.cohort.name,
                period=entry.period,
                partner_name=partner_name(entry.pairing) or "",
                answer=entry.answer,
            )
            for entry in checkins
        ),
    )


def _partner_id(pairing: Pairing, person_id: int) -> int:
    return pairing.executive_id if pairing.employee_id == person_id else pairing.employee_id
