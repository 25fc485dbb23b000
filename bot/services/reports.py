"""`/mentor-admin report`: the current cohort in numbers, for admins.

The cohort reported on is the workspace's newest one that is enrolling or active, or else the
last closed one (a draft has nothing to report). Enrolling cohorts show participation only.
Definitions (also spelled out in the report itself and in `bot.report_records`):

- participation counts people by enrollment state now (see `Participation`);
- a period's met rate is, over the confirmed pairs asked about it, the share where either
  member answered "met"; a pair where someone answered "pause" and nobody met was on a break
  and is left out; periods nobody was asked about yet have no rate;
- a live pair is slipping when its last two or more closed periods (a period is closed a day
  after it ends) were asked of both members and neither answered "met" or "pause" (the same
  rule as the admins' alerts in `bot.services.rhythm`);
- reflections are counted with their ratings; their text is never read;
- skills exchanged: each confirmed pair counts once for each skill it shares, per direction.

Privacy: the queries (`storage.repositories.report`) select counts, ratings, ids and skill
names only, so no reflection text or survey comment is ever loaded here.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from bot import slipping
from bot.cadence import end_date, period_count, period_of, period_start
from bot.errors import UserFacingError
from bot.report_records import (
    SLIPPING_SHOWN,
    TOP_SKILLS,
    PairCounts,
    Participation,
    PeriodStats,
    ProgramReport,
    ReflectionStats,
    SkillCount,
    SlippingPairRow,
    SurveySummary,
)
from bot.skills import escape_mrkdwn
from bot.slipping import SLIPPING_PERIODS
from storage.models import (
    CheckinAnswer,
    Cohort,
    CohortState,
    EnrollmentState,
    PairingState,
    ProgramSurveyKind,
)
from storage.repositories.report import CheckinFacts, PairingFacts, ReportRepository, SurveyFacts
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

MET, PAUSE = str(CheckinAnswer.MET), str(CheckinAnswer.PAUSE)


class NothingToReportError(UserFacingError):
    """`report` without a cohort past its draft: nothing has happened yet that could be counted."""

    def __init__(self, *, name: str | None = None) -> None:
        if name is None:
            text = (
                "There is no cohort to report on yet. `/mentor-admin cohort new` creates one; the report "
                "starts once its enrolment opens."
            )
        else:
            text = (
                f"*{escape_mrkdwn(name)}* is still a draft, so there is nothing to report yet. The report "
                "starts once enrolment opens: `/mentor-admin announce #channel`."
            )
        super().__init__(text)


def build_report(*, uow: UnitOfWork, team_id: str, now: datetime) -> ProgramReport:
    """The report of the workspace's current cohort (or its last closed one), as of `now`.

    Raises NothingToReportError when there is no cohort, or only a draft.
    """
    with uow:
        reports = ReportRepository(session=uow.session)
        cohort = _reported_cohort(uow, reports, team_id=team_id)
        participation = _participation(reports, team_id=team_id, cohort_id=cohort.id)
        periods = period_count(weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks)
        as_of = _as_of(cohort, now=now)
        current = period_of(
            start_date=cohort.start_date, cadence_weeks=cohort.cadence_weeks, weeks=cohort.weeks, day=as_of
        )
        base = {
            "cohort_id": cohort.id,
            "cohort_name": cohort.name,
            "cohort_state": str(cohort.state),
            "start_date": cohort.start_date,
            "end_date": end_date(
                start_date=cohort.start_date, weeks=cohort.weeks, cadence_weeks=cohort.cadence_weeks
            ),
            "period_count": periods,
            "current_period": current,
            "generated_at": now,
            "participation": participation,
        }
        if cohort.state == CohortState.ENROLLING:
            logger.info("Report of cohort %s (enrolling): participation only", cohort.id)
            return ProgramReport(**base)

        pairings = reports.confirmed_pairings(team_id=team_id, cohort_id=cohort.id)
        checkins = reports.checkins(team_id=team_id, cohort_id=cohort.id)
        answers = reports.survey_answers(team_id=team_id, cohort_id=cohort.id)
        skill_ids = {i for p in pairings for i in (*p.employee_skill_ids, *p.executive_skill_ids)}
        skill_ids |= {i for a in answers for i in a.skills_gained}
        names = reports.skill_names(team_id=team_id, skill_ids=skill_ids)

        starts = [
            period_start(start_date=cohort.start_date, cadence_weeks=cohort.cadence_weeks, period=k)
            for k in range(1, periods + 2)
        ]
        closed = closed_periods(period_starts=starts, today=now.date())
        by_pair_period = answers_by_pair_and_period(checkins)
        asked_periods = {period for _, period in by_pair_period}
        shown = [k for k in range(1, periods + 1) if k <= current or k in asked_periods]
        period_stats = tuple(
            period_stats_of(
                period=k,
                start=starts[k - 1],
                next_start=starts[k],
                closed=k in closed,
                pairings=pairings,
                answers=by_pair_period,
            )
            for k in shown
        )
        slipping = slipping_pairs(pairings=pairings, answers=by_pair_period, closed=closed)
        counts = reports.reflection_counts(team_id=team_id, cohort_id=cohort.id)
        report = ProgramReport(
            **base,
            pairs=PairCounts(
                confirmed=len(pairings),
                live=sum(1 for p in pairings if p.state == PairingState.ACTIVE),
                ended=sum(1 for p in pairings if p.state == PairingState.ENDED),
            ),
            periods=period_stats,
            slipping_count=len(slipping),
            slipping=tuple(slipping[:SLIPPING_SHOWN]),
            reflections=ReflectionStats(
                written=counts.written,
                shared=counts.shared,
                rated=counts.rated,
                average_rating=_mean(counts.rating_sum, counts.rated),
            ),
            top_skills=top_skills_exchanged(pairings, names=names),
            midpoint=survey_summary(answers, kind=str(ProgramSurveyKind.MIDPOINT), names=names),
            closing=survey_summary(answers, kind=str(ProgramSurveyKind.CLOSING), names=names),
        )
        logger.info(
            "Report of cohort %s (%s): %d pairs, %d periods, %d slipping",
            cohort.id,
            cohort.state,
            report.pairs.confirmed,
            len(period_stats),
            report.slipping_count,
        )
        return report


def _reported_cohort(uow: UnitOfWork, reports: ReportRepository, *, team_id: str) -> Cohort:
    current = uow.cohorts.current(team_id=team_id)
    if current is not None and current.state != CohortState.DRAFT:
        return current
    closed = reports.latest_cohort(team_id=team_id, states=(CohortState.CLOSED,))
    if closed is not None:
        return closed
    raise NothingToReportError(name=current.name if current is not None else None)


def _as_of(cohort: Cohort, *, now: datetime) -> date:
    """The day the report's periods run to: today, or the day a closed cohort was closed."""
    if cohort.state == CohortState.CLOSED and cohort.closed_at is not None:
        return min(now, cohort.closed_at).date()
    return now.date()


def _participation(reports: ReportRepository, *, team_id: str, cohort_id: int) -> Participation:
    states = reports.enrollment_counts(team_id=team_id, cohort_id=cohort_id)

    def count(*wanted: EnrollmentState) -> int:
        return sum(states.get(str(state), 0) for state in wanted)

    return Participation(
        invited=count(EnrollmentState.INVITED),
        enrolled=count(EnrollmentState.SURVEYED, EnrollmentState.MATCHED, EnrollmentState.PAUSED),
        matched=reports.count_matched_people(team_id=team_id, cohort_id=cohort_id),
        active=count(EnrollmentState.MATCHED),
        paused=count(EnrollmentState.PAUSED),
        left=count(EnrollmentState.LEFT),
    )


# ---- pure computations (plain data in, plain data out) --------------------------------------


def closed_periods(*, period_starts: Sequence[date], today: date) -> list[int]:
    """The periods that are over everywhere on Earth by `today` (UTC): a day after their last day.

    `period_starts[k - 1]` is the first day of period k, and the last item the day after the
    last period (so there is one more start than periods).
    """
    last_closed_day = today - timedelta(days=1)
    return [k for k in range(1, len(period_starts)) if period_starts[k] <= last_closed_day]


def answers_by_pair_and_period(
    checkins: Iterable[CheckinFacts],
) -> dict[tuple[int, int], dict[int, str | None]]:
    """{(pairing id, period): {person id: answer or None}}: who was asked, and what they said."""
    grouped: dict[tuple[int, int], dict[int, str | None]] = defaultdict(dict)
    for checkin in checkins:
        grouped[(checkin.pairing_id, checkin.period)][checkin.person_id] = checkin.answer
    return dict(grouped)


def pair_outcome(answers: Mapping[int, str | None] | None) -> str | None:
    """A pair's period: "met" (either met), "pause" (a break, nobody met), "missed", or None (not asked)."""
    if not answers:
        return None
    if MET in answers.values():
        return MET
    if PAUSE in answers.values():
        return PAUSE
    return "missed"


def is_live_in(pairing: PairingFacts, *, start: date, next_start: date) -> bool:
    """Confirmed before the period ended, and not ended before it began."""
    if pairing.confirmed_at.date() >= next_start:
        return False
    return pairing.ended_at is None or pairing.ended_at.date() >= start


def period_stats_of(
    *,
    period: int,
    start: date,
    next_start: date,
    closed: bool,
    pairings: Sequence[PairingFacts],
    answers: Mapping[tuple[int, int], Mapping[int, str | None]],
) -> PeriodStats:
    """One period's live pairs, and the met rate's numbers (see `PeriodStats`)."""
    outcomes = Counter(pair_outcome(answers.get((p.pairing_id, period))) for p in pairings)
    met, paused, missed = outcomes[MET], outcomes[PAUSE], outcomes["missed"]
    return PeriodStats(
        period=period,
        start_date=start,
        closed=closed,
        live_pairs=sum(1 for p in pairings if is_live_in(p, start=start, next_start=next_start)),
        asked_pairs=met + missed,
        met_pairs=met,
        on_break_pairs=paused,
    )


def missed_stretch(
    *, closed: Sequence[int], answers: Mapping[int, Mapping[int, str | None]], member_ids: tuple[int, int]
) -> tuple[int, ...]:
    """The latest closed periods that were asked of both members with neither answering "met" or
    "pause": the rule of the admins' slipping alert (`bot.slipping`). `answers` maps a period to
    {person id: answer}."""
    return slipping.missed_periods(
        closed=closed,
        asked={period: list(rows.items()) for period, rows in answers.items()},
        member_ids=member_ids,
    )


def slipping_pairs(
    *,
    pairings: Sequence[PairingFacts],
    answers: Mapping[tuple[int, int], Mapping[int, str | None]],
    closed: Sequence[int],
) -> list[SlippingPairRow]:
    """Live pairs missing SLIPPING_PERIODS or more closed periods in a row, longest stretch first."""
    found: list[tuple[int, SlippingPairRow]] = []
    if len(closed) < SLIPPING_PERIODS:
        return []
    for pairing in pairings:
        if pairing.state != PairingState.ACTIVE:
            continue
        per_period = {k: answers.get((pairing.pairing_id, k)) or {} for k in closed}
        missed = missed_stretch(
            closed=closed, answers=per_period, member_ids=(pairing.employee_id, pairing.executive_id)
        )
        if len(missed) >= SLIPPING_PERIODS:
            row = SlippingPairRow(
                employee_user_id=pairing.employee_user_id,
                executive_user_id=pairing.executive_user_id,
                missed_periods=missed,
            )
            found.append((pairing.pairing_id, row))
    found.sort(key=lambda item: (-len(item[1].missed_periods), item[0]))
    return [row for _, row in found]


def _ranked(
    counts: Counter[int], *, names: Mapping[int, str], limit: int = TOP_SKILLS
) -> tuple[SkillCount, ...]:
    """Most counted first; ties by name (case-insensitive), then id. Unknown ids are skipped."""
    known = [(skill_id, count) for skill_id, count in counts.items() if skill_id in names and count > 0]
    known.sort(key=lambda item: (-item[1], names[item[0]].casefold(), item[0]))
    return tuple(SkillCount(name=names[skill_id], count=count) for skill_id, count in known[:limit])


def top_skills_exchanged(
    pairings: Iterable[PairingFacts], *, names: Mapping[int, str]
) -> tuple[SkillCount, ...]:
    """Skills by how many confirmed pairs share them; a pair counts once per direction it shares one in."""
    counts: Counter[int] = Counter()
    for pairing in pairings:
        counts.update(set(pairing.employee_skill_ids))
        counts.update(set(pairing.executive_skill_ids))
    return _ranked(counts, names=names)


def survey_summary(answers: Iterable[SurveyFacts], *, kind: str, names: Mapping[int, str]) -> SurveySummary:
    """One survey's answers in numbers: how many, mean satisfaction, would-do-again, skills gained."""
    chosen = [a for a in answers if a.kind == kind]
    again = Counter(a.again for a in chosen)
    gained: Counter[int] = Counter()
    for answer in chosen:
        gained.update(set(answer.skills_gained))
    return SurveySummary(
        kind=kind,
        responses=len(chosen),
        average_satisfaction=_mean(sum(a.satisfaction for a in chosen), len(chosen)),
        again_yes=again["yes"],
        again_maybe=again["maybe"],
        again_no=again["no"],
        top_skills_gained=_ranked(gained, names=names),
    )


def _mean(total: int, count: int) -> float | None:
    """total / count rounded half up to one decimal (4.25 -> 4.3), or None without anything counted."""
    if count <= 0:
        return None
    return int((total * 10 * 2 + count) // (2 * count)) / 10
