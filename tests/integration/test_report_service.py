"""`build_report` on a real database: a known cohort, written row by row, counted exactly.

A six-week cohort meeting every two weeks from Monday 1 March 2027 has three periods
(1 Mar, 15 Mar, 29 Mar); the report is read on Tuesday 6 April, in period 3, when periods 1
and 2 are over. Four pairs were confirmed on 26 February:

    pair  members    period 1          period 2              period 3 (open)
    A     E1 - X1    met / met         met / not yet         E1 met
    B     E2 - X2    not yet / -       - / -                 - / -          (slipping: 1-2)
    C     E3 - X3    met / met         not yet / pause       X3 pause       (X3 on a break)
    D     E4 - X4    not yet / met     (ended 20 Mar: E4 left)

("-" = asked, not answered.) E6 answered the survey and found no partner; X6 was invited and
has not answered. A pairing dropped from the preview (never confirmed) shares Wellbeing and
must count nowhere. Another workspace has a cohort of its own that must not leak in.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest

from bot.charts import report_chart_png
from bot.report_records import (
    PairCounts,
    Participation,
    PeriodStats,
    ReflectionStats,
    SkillCount,
    SlippingPairRow,
    SurveySummary,
)
from bot.services.reports import (
    NothingToReportError,
    build_report,
    missed_stretch,
    pair_outcome,
    period_stats_of,
)
from bot.views.report import report_message
from storage.models import (
    CheckinAnswer,
    Cohort,
    CohortState,
    EnrollmentState,
    Pairing,
    PairingSource,
    PairingState,
    PersonRole,
    ProgramSurveyKind,
)
from storage.repositories.report import PairingFacts
from tests.cohort_kit import make_cohort
from tests.matching_kit import TEAM_ID, skill_ids

OTHER_TEAM_ID = "T0OTHER001"
START = date(2027, 3, 1)
CONFIRMED_AT = datetime(2027, 2, 26, 12, tzinfo=UTC)
NOW = datetime(2027, 4, 6, 15, tzinfo=UTC)
REFLECTION_MARKER = "MARKER-REFLECTION-5c1d9e never show admins"
WILL_TRY_MARKER = "MARKER-WILLTRY-0b7a44"
COMMENT_MARKER = "MARKER-COMMENT-e2f610"
MARKERS = (REFLECTION_MARKER, WILL_TRY_MARKER, COMMENT_MARKER)

EMPLOYEE, EXECUTIVE = PersonRole.EMPLOYEE, PersonRole.EXECUTIVE
MATCHED, SURVEYED = EnrollmentState.MATCHED, EnrollmentState.SURVEYED
MET, NOT_YET, PAUSE = CheckinAnswer.MET, CheckinAnswer.NOT_YET, CheckinAnswer.PAUSE
PEOPLE = {
    "U0REPE001": (EMPLOYEE, MATCHED),
    "U0REPX001": (EXECUTIVE, MATCHED),
    "U0REPE002": (EMPLOYEE, MATCHED),
    "U0REPX002": (EXECUTIVE, MATCHED),
    "U0REPE003": (EMPLOYEE, MATCHED),
    "U0REPX003": (EXECUTIVE, EnrollmentState.PAUSED),
    "U0REPE004": (EMPLOYEE, EnrollmentState.LEFT),
    "U0REPX004": (EXECUTIVE, SURVEYED),
    "U0REPE006": (EMPLOYEE, SURVEYED),
    "U0REPX006": (EXECUTIVE, EnrollmentState.INVITED),
}
E2, X2 = "U0REPE002", "U0REPX002"


def _cohort(uow_factory, *, team_id: str, state: CohortState = CohortState.DRAFT, name: str = "Spring 2027"):
    """A cohort made through the services, then moved to START (which may be past by the time this runs)."""
    cohort = make_cohort(uow_factory, team_id=team_id, state=state, name=name, weeks=6, cadence_weeks=2)
    with uow_factory() as uow:
        uow.session.get(Cohort, cohort.id).start_date = START
        uow.commit()
    return cohort


def _people(uow, *, team_id: str, cohort_id: int, people: dict) -> dict[str, int]:
    ids = {}
    for user_id, (role, state) in people.items():
        person = uow.people.upsert_profile(
            team_id=team_id, user_id=user_id, name=user_id.lower(), real_name=None, tz="Europe/London"
        )
        uow.enrollments.add(
            team_id=team_id, cohort_id=cohort_id, person_id=person.id, role=role, state=state, at=CONFIRMED_AT
        )
        ids[user_id] = person.id
    return ids


def _pair(uow, *, team_id: str, cohort_id: int, employee: int, executive: int, shares, learns) -> Pairing:
    return uow.pairings.add(
        team_id=team_id,
        cohort_id=cohort_id,
        employee_id=employee,
        executive_id=executive,
        score=1.0,
        reasons=[],
        employee_skill_ids=list(shares),
        executive_skill_ids=list(learns),
        state=PairingState.ACTIVE,
        source=PairingSource.AUTO,
        match_run_id=None,
        at=CONFIRMED_AT,
    )


def _checkins(uow, *, team_id: str, pairing: Pairing, answers: dict[int, dict[int, CheckinAnswer | None]]):
    for period, by_person in answers.items():
        for person_id, answer in by_person.items():
            checkin = uow.checkins.ensure(
                team_id=team_id, pairing_id=pairing.id, period=period, person_id=person_id, at=CONFIRMED_AT
            )
            if answer is not None:
                uow.checkins.answer(checkin=checkin, answer=answer, at=CONFIRMED_AT)


def build_known_cohort(uow_factory, *, team_id: str = TEAM_ID) -> int:
    """The cohort of the module docstring, active, in `team_id`; returns its id."""
    skills = skill_ids(uow_factory, team_id=team_id)
    cohort = _cohort(uow_factory, team_id=team_id, state=CohortState.ACTIVE, name="Spring 2027 & co")
    with uow_factory() as uow:
        ids = _people(uow, team_id=team_id, cohort_id=cohort.id, people=PEOPLE)
        e1, x1, e2, x2, e3, x3, e4, x4 = (ids[u] for u in list(PEOPLE)[:8])
        ai, social, leadership, strategy, career = (
            skills[k] for k in ("ai-tools", "social-media", "leadership", "strategy", "career-growth")
        )
        pair = {"team_id": team_id, "cohort_id": cohort.id}
        a = _pair(uow, **pair, employee=e1, executive=x1, shares=[ai], learns=[leadership])
        b = _pair(uow, **pair, employee=e2, executive=x2, shares=[ai, social], learns=[strategy])
        c = _pair(uow, **pair, employee=e3, executive=x3, shares=[ai], learns=[leadership])
        d = _pair(uow, **pair, employee=e4, executive=x4, shares=[social], learns=[career])
        d.state, d.ended_at, d.end_reason = PairingState.ENDED, datetime(2027, 3, 20, 9, tzinfo=UTC), "left"
        dropped = uow.pairings.add(
            **pair,
            employee_id=ids["U0REPE006"],
            executive_id=x4,
            score=0.5,
            reasons=[],
            employee_skill_ids=[skills["wellbeing"]],
            executive_skill_ids=[skills["wellbeing"]],
            state=PairingState.PROPOSED,
            source=PairingSource.AUTO,
            match_run_id=None,
            at=CONFIRMED_AT,
        )
        dropped.state = PairingState.ENDED
        t = {"team_id": team_id}
        _checkins(
            uow, **t, pairing=a, answers={1: {e1: MET, x1: MET}, 2: {e1: MET, x1: NOT_YET}, 3: {e1: MET}}
        )
        _checkins(uow, **t, pairing=b, answers={1: {e2: NOT_YET, x2: None}, 2: {e2: None, x2: None}})
        _checkins(uow, **t, pairing=b, answers={3: {e2: None, x2: None}})
        _checkins(
            uow, **t, pairing=c, answers={1: {e3: MET, x3: MET}, 2: {e3: NOT_YET, x3: PAUSE}, 3: {x3: PAUSE}}
        )
        _checkins(uow, **t, pairing=d, answers={1: {e4: NOT_YET, x4: MET}})
        reflections = (
            (a, e1, 1, "What I taught about prompts", 5, True),
            (a, x1, 1, REFLECTION_MARKER, 4, False),
            (c, e3, 1, "Notes on strategy", 3, False),
        )
        for pairing, author, period, learned, rating, shared in reflections:
            uow.checkins.add_reflection(
                **t,
                pairing_id=pairing.id,
                author_id=author,
                period=period,
                learned=learned,
                will_try=WILL_TRY_MARKER,
                rating=rating,
                shared=shared,
                at=CONFIRMED_AT,
            )
        midpoint = ((e1, 5, "yes", [ai]), (x1, 4, "maybe", [ai, leadership]))
        for person_id, satisfaction, again, gained in midpoint:
            uow.survey_responses.upsert(
                **t,
                cohort_id=cohort.id,
                person_id=person_id,
                kind=ProgramSurveyKind.MIDPOINT,
                satisfaction=satisfaction,
                again=again,
                skills_gained=gained,
                comments=COMMENT_MARKER,
                at=CONFIRMED_AT,
            )
        uow.commit()
    return cohort.id


def _other_workspace(uow_factory) -> None:
    """A cohort elsewhere with its own pair, check-ins, reflection and survey answer."""
    skills = skill_ids(uow_factory, team_id=OTHER_TEAM_ID)
    cohort = _cohort(uow_factory, team_id=OTHER_TEAM_ID, state=CohortState.ACTIVE)
    with uow_factory() as uow:
        ids = _people(
            uow,
            team_id=OTHER_TEAM_ID,
            cohort_id=cohort.id,
            people={"U0OTHE001": (EMPLOYEE, MATCHED), "U0OTHX001": (EXECUTIVE, MATCHED)},
        )
        e, x = ids["U0OTHE001"], ids["U0OTHX001"]
        strategy = skills["strategy"]
        pairing = _pair(
            uow,
            team_id=OTHER_TEAM_ID,
            cohort_id=cohort.id,
            employee=e,
            executive=x,
            shares=[],
            learns=[strategy],
        )
        _checkins(uow, team_id=OTHER_TEAM_ID, pairing=pairing, answers={1: {e: NOT_YET, x: NOT_YET}})
        uow.checkins.add_reflection(
            team_id=OTHER_TEAM_ID,
            pairing_id=pairing.id,
            author_id=e,
            period=1,
            learned="elsewhere",
            will_try=None,
            rating=1,
            shared=True,
            at=CONFIRMED_AT,
        )
        uow.survey_responses.upsert(
            team_id=OTHER_TEAM_ID,
            cohort_id=cohort.id,
            person_id=e,
            kind=ProgramSurveyKind.MIDPOINT,
            satisfaction=1,
            again="no",
            skills_gained=[strategy],
            comments=None,
            at=CONFIRMED_AT,
        )
        uow.commit()


@pytest.fixture
def cohort_id(uow_factory) -> int:
    _other_workspace(uow_factory)
    return build_known_cohort(uow_factory)


def test_report_counts_a_known_cohort_exactly(uow_factory, cohort_id):
    report = build_report(uow=uow_factory(), team_id=TEAM_ID, now=NOW)

    assert (report.cohort_id, report.cohort_name, report.cohort_state) == (
        cohort_id,
        "Spring 2027 & co",
        "active",
    )
    assert (report.start_date, report.end_date) == (START, date(2027, 4, 12))
    assert (report.period_count, report.current_period, report.generated_at) == (3, 3, NOW)
    assert report.participation == Participation(invited=1, enrolled=8, matched=7, active=5, paused=1, left=1)
    assert report.pairs == PairCounts(confirmed=4, live=3, ended=1)
    assert report.periods == (
        PeriodStats(
            period=1,
            start_date=START,
            closed=True,
            live_pairs=4,
            asked_pairs=4,
            met_pairs=3,
            on_break_pairs=0,
        ),
        PeriodStats(
            period=2,
            start_date=date(2027, 3, 15),
            closed=True,
            live_pairs=4,
            asked_pairs=2,
            met_pairs=1,
            on_break_pairs=1,
        ),
        PeriodStats(
            period=3,
            start_date=date(2027, 3, 29),
            closed=False,
            live_pairs=3,
            asked_pairs=2,
            met_pairs=1,
            on_break_pairs=1,
        ),
    )
    assert [p.met_rate for p in report.periods] == [0.75, 0.5, 0.5]
    assert (report.met_total, report.asked_total, report.overall_met_rate) == (5, 8, 0.625)
    assert report.slipping_count == 1
    assert report.slipping == (
        SlippingPairRow(employee_user_id=E2, executive_user_id=X2, missed_periods=(1, 2)),
    )
    assert report.reflections == ReflectionStats(written=3, shared=1, rated=3, average_rating=4.0)
    assert report.top_skills == (
        SkillCount(name="AI and new tools", count=3),
        SkillCount(name="Leadership", count=2),
        SkillCount(name="Social media", count=2),
        SkillCount(name="Career growth", count=1),
        SkillCount(name="Strategy", count=1),
    )
    assert report.midpoint == SurveySummary(
        kind="midpoint",
        responses=2,
        average_satisfaction=4.5,
        again_yes=1,
        again_maybe=1,
        again_no=0,
        top_skills_gained=(
            SkillCount(name="AI and new tools", count=2),
            SkillCount(name="Leadership", count=1),
        ),
    )
    assert report.closing == SurveySummary(kind="closing")


def test_another_workspace_sees_only_its_own_cohort(uow_factory, cohort_id):
    report = build_report(uow=uow_factory(), team_id=OTHER_TEAM_ID, now=NOW)

    assert report.cohort_id != cohort_id
    assert report.participation == Participation(enrolled=2, matched=2, active=2)
    assert report.pairs == PairCounts(confirmed=1, live=1, ended=0)
    assert report.reflections == ReflectionStats(written=1, shared=1, rated=1, average_rating=1.0)
    assert report.top_skills == (SkillCount(name="Strategy", count=1),)
    assert (report.midpoint.responses, report.midpoint.again_no) == (1, 1)


def test_private_text_never_reaches_the_report_its_message_chart_or_logs(uow_factory, cohort_id, caplog):
    # SQLAlchemy logs statements and every fetched row at DEBUG: a query that loaded a
    # reflection's text or a survey comment would show it here.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    caplog.clear()

    report = build_report(uow=uow_factory(), team_id=TEAM_ID, now=NOW)
    body = json.dumps(report_message(report))
    png = report_chart_png(report)

    assert "FROM reflection" in caplog.text, "the logs hold the queries and their rows"
    for marker in MARKERS:
        assert marker not in repr(report)
        assert marker not in body
        assert marker.encode() not in png
        assert marker not in caplog.text


def test_an_enrolling_cohort_reports_participation_only(uow_factory):
    cohort = _cohort(uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING)
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM_ID)
        _people(
            uow,
            team_id=TEAM_ID,
            cohort_id=cohort.id,
            people={"U0REPE001": (EMPLOYEE, SURVEYED), "U0REPX001": (EXECUTIVE, EnrollmentState.INVITED)},
        )
        uow.commit()

    report = build_report(uow=uow_factory(), team_id=TEAM_ID, now=NOW)

    assert report.cohort_state == "enrolling"
    assert report.participation == Participation(invited=1, enrolled=1)
    assert (report.periods, report.slipping, report.top_skills) == ((), (), ())
    assert not report.has_pairs
    assert not report.has_chart


def test_without_a_cohort_or_with_only_a_draft_there_is_nothing_to_report(uow_factory):
    with pytest.raises(NothingToReportError, match="no cohort to report on"):
        build_report(uow=uow_factory(), team_id=TEAM_ID, now=NOW)

    _cohort(uow_factory, team_id=TEAM_ID, name="Next & last")
    with pytest.raises(NothingToReportError, match=r"\*Next &amp; last\* is still a draft"):
        build_report(uow=uow_factory(), team_id=TEAM_ID, now=NOW)


def test_a_closed_cohort_stays_reported_while_the_next_one_is_a_draft(uow_factory, cohort_id):
    closed_at = datetime(2027, 3, 22, 10, tzinfo=UTC)  # in period 2
    with uow_factory() as uow:
        cohort = uow.session.get(Cohort, cohort_id)
        cohort.state, cohort.closed_at = CohortState.CLOSED, closed_at
        for pairing in uow.pairings.in_cohort(cohort_id=cohort_id, states=(PairingState.ACTIVE,)):
            pairing.state, pairing.ended_at = PairingState.ENDED, closed_at
        uow.commit()
    _cohort(uow_factory, team_id=TEAM_ID, name="Autumn 2027")

    report = build_report(uow=uow_factory(), team_id=TEAM_ID, now=NOW)

    assert (report.cohort_id, report.cohort_state) == (cohort_id, "closed")
    assert report.pairs == PairCounts(confirmed=4, live=0, ended=4)
    assert report.current_period == 2, "a closed cohort's periods run to the day it closed"
    # Period 3 was asked before the close in this fixture, so it is still shown.
    assert [p.period for p in report.periods] == [1, 2, 3]
    assert report.periods[2].live_pairs == 0
    assert report.slipping_count == 0, "ended pairs do not slip"
    assert report.participation.matched == 7


# ---- the pure rules -------------------------------------------------------------------------


def test_a_met_answer_counts_even_when_the_partner_paused():
    assert pair_outcome({1: "met", 2: "pause"}) == "met"
    assert pair_outcome({1: "pause", 2: None}) == "pause"
    assert pair_outcome({1: "not_yet", 2: None}) == "missed"
    assert pair_outcome({1: None}) == "missed", "asked of one member only is still asked"
    assert pair_outcome({}) is None
    assert pair_outcome(None) is None


def test_slipping_needs_both_members_asked_and_stops_at_a_break_or_a_meeting():
    both = (1, 2)
    missed = {1: {1: None, 2: None}, 2: {1: "not_yet", 2: None}, 3: {1: None, 2: None}}
    assert missed_stretch(closed=[1, 2, 3], answers=missed, member_ids=both) == (1, 2, 3)
    with_break = {**missed, 2: {1: "pause", 2: None}}
    assert missed_stretch(closed=[1, 2, 3], answers=with_break, member_ids=both) == (3,)
    one_asked = {**missed, 3: {1: None}}
    assert missed_stretch(closed=[1, 2, 3], answers=one_asked, member_ids=both) == ()
    met_last = {**missed, 3: {1: "met", 2: None}}
    assert missed_stretch(closed=[1, 2, 3], answers=met_last, member_ids=both) == ()


def test_a_pair_is_live_in_the_periods_between_its_confirmation_and_its_end():
    def facts(confirmed: datetime, ended: datetime | None) -> PairingFacts:
        return PairingFacts(
            pairing_id=1,
            employee_id=1,
            executive_id=2,
            employee_user_id="U1",
            executive_user_id="U2",
            state="ended" if ended else "active",
            confirmed_at=confirmed,
            ended_at=ended,
            employee_skill_ids=(),
            executive_skill_ids=(),
        )

    pairings = [
        facts(datetime(2027, 3, 14, 23, tzinfo=UTC), None),  # last day of period 1
        facts(datetime(2027, 3, 15, 0, tzinfo=UTC), None),  # first day of period 2
        facts(CONFIRMED_AT, datetime(2027, 3, 1, 8, tzinfo=UTC)),  # ended on period 1's first day
        facts(CONFIRMED_AT, datetime(2027, 2, 28, 8, tzinfo=UTC)),  # ended before it
    ]
    stats = period_stats_of(
        period=1, start=START, next_start=date(2027, 3, 15), closed=True, pairings=pairings, answers={}
    )
    assert stats.live_pairs == 2
    assert (stats.asked_pairs, stats.met_rate) == (0, None)
