"""Several bot processes on one database: planners, Confirm and matching racing each other.

Each thread stands for one bot process (or one request thread): its own unit of work, its
own connection, all released at the same instant by a barrier. On PostgreSQL the threads
really overlap, and row locks, `ON CONFLICT DO NOTHING` and savepoints must absorb the
races; on SQLite the same code runs one writer at a time (`BEGIN IMMEDIATE`), and the
outcome must be the same.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.errors import NothingToMatchError, StalePreviewError
from bot.local_time import SendWindow
from bot.match_records import MatchConfirmation, MatchPreview
from bot.services import matchmaking, participation
from bot.services.program_surveys import plan_program_surveys
from bot.services.rhythm import plan_rhythm
from storage.models import (
    AuditEvent,
    Checkin,
    CheckinAnswer,
    CohortState,
    MatchRun,
    MatchRunState,
    OutboxMessage,
    OutboxStatus,
    Pairing,
    PairingState,
    PersonRole,
)
from tests.cohort_kit import make_cohort
from tests.matching_kit import TEAM_ID, surveyed

ADMINS = ("U0ADMIN01", "U0ADMIN02")
PAIRS = 8
THREADS = 4
WINDOW = SendWindow(start_hour=8, end_hour=18, weekends=False)
# Six weekly periods from Monday 1 March 2027, check-ins on Mondays at 10:00; everyone in UTC,
# so one instant is everyone's check-in moment. The midpoint (22 March) falls on period 4's.
START = date(2027, 3, 1)
WEEKS = 6
CONFIRMED_AT = datetime(2027, 2, 24, 20, tzinfo=UTC)
CHECKIN_MOMENTS = [datetime(2027, 3, 1, 10, tzinfo=UTC) + timedelta(weeks=week) for week in range(WEEKS)]
CLOSING_MOMENT = datetime(2027, 4, 12, 10, tzinfo=UTC)
# On a two-week break from the day pairs were confirmed: their first two periods are recorded as
# skipped (a check-in row without a DM, where planners race on the row alone), and the third
# round ends the break (planners race to update the same enrollment).
ON_BREAK = ("U0EMP0000", "U0EXE0000", "U0EMP0001")


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(0..count-1)` in `count` threads released together; each result or the exception raised."""
    barrier = threading.Barrier(count, timeout=30)

    def start(index: int) -> Any:
        barrier.wait()
        try:
            return work(index)
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(start, range(count)))


def rows(uow_factory, model) -> list[Any]:
    with uow_factory() as uow:
        return list(uow.session.query(model).order_by(model.id))


def enrolled_cohort(uow_factory) -> int:
    """An enrolling cohort of PAIRS employees and PAIRS executives, every one of them a fit for any other."""
    cohort = make_cohort(
        uow_factory,
        team_id=TEAM_ID,
        state=CohortState.ENROLLING,
        name="Scale-out",
        start_date=START,
        weeks=WEEKS,
        cadence_weeks=1,
        checkin_weekday=0,
        checkin_hour=10,
    )
    for index in range(PAIRS):
        for role, prefix, share, learn in (
            (PersonRole.EMPLOYEE, "U0EMP", ["ai-tools"], ["leadership"]),
            (PersonRole.EXECUTIVE, "U0EXE", ["leadership"], ["ai-tools"]),
        ):
            surveyed(
                uow_factory,
                team_id=TEAM_ID,
                cohort_id=cohort.id,
                user_id=f"{prefix}{index:04d}",
                role=role,
                share=share,
                learn=learn,
                department=f"{prefix} {index}",
                tz="UTC",
            )
    return cohort.id


def preview(uow_factory, *, actor: str = ADMINS[0]) -> MatchPreview:
    return matchmaking.run_matching(uow=uow_factory(), team_id=TEAM_ID, actor_user_id=actor, now=CONFIRMED_AT)


def confirm(uow_factory, shown: MatchPreview, *, actor: str = ADMINS[0]) -> MatchConfirmation:
    return matchmaking.confirm_matching(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=actor,
        run_id=shown.run_id,
        revision=shown.revision,
        now=CONFIRMED_AT,
        window=WINDOW,
        default_timezone="UTC",
    )


@pytest.fixture
def live_cohort(uow_factory) -> int:
    """The cohort with its PAIRS pairs confirmed a few days before it starts."""
    cohort_id = enrolled_cohort(uow_factory)
    assert confirm(uow_factory, preview(uow_factory)).pairs == PAIRS
    return cohort_id


def plan_everything(uow_factory, *, now: datetime, surveys_first: bool) -> int:
    """One scheduler tick's planning, as `bot.runtime.program_planners` runs it; surveys queued."""

    def rhythm() -> None:
        plan_rhythm(
            uow=uow_factory(), now=now, window=WINDOW, default_timezone="UTC", admin_user_ids=ADMINS[:1]
        )

    def surveys() -> int:
        return plan_program_surveys(uow=uow_factory(), now=now, window=WINDOW, default_timezone="UTC")

    if surveys_first:
        queued = surveys()
        rhythm()
        return queued
    rhythm()
    return surveys()


def test_planners_racing_at_each_check_in_moment_queue_every_message_once(uow_factory, live_cohort):
    for user_id in ON_BREAK:
        participation.pause(
            uow=uow_factory(),
            team_id=TEAM_ID,
            user_id=user_id,
            weeks=2,
            default_timezone="UTC",
            now=CONFIRMED_AT,
        )
    surveys_queued = 0
    for moment in [*CHECKIN_MOMENTS, CLOSING_MOMENT]:
        for _ in range(2):  # the next tick finds everything planned
            outcomes = run_together(
                THREADS,
                lambda index, moment=moment: plan_everything(
                    uow_factory, now=moment, surveys_first=index % 2 == 1
                ),
            )
            errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
            assert errors == [], errors
            surveys_queued += sum(outcomes)

    outbox = rows(uow_factory, OutboxMessage)
    members = 2 * PAIRS
    by_kind = Counter(message.kind for message in outbox)
    skipped = 2 * len(ON_BREAK)
    assert by_kind["checkin"] == WEEKS * members - skipped, "one check-in per member and period"
    assert by_kind["program_survey"] == 2 * members, "one midpoint and one closing survey each"
    # Pairs that never answer: one admin alert and one nudge to each member, once.
    assert by_kind["slipping"] == 3 * PAIRS
    assert by_kind["intro"] == PAIRS
    assert surveys_queued == 2 * members, "each survey counted by the one planner that queued it"
    per_person = Counter(m.recipient for m in outbox if m.kind == "checkin")
    assert len(per_person) == members
    assert {u: per_person[u] for u in ON_BREAK} == dict.fromkeys(ON_BREAK, WEEKS - 2), "two weeks off"
    assert {per_person[u] for u in per_person if u not in ON_BREAK} == {WEEKS}

    midpoint = [m for m in outbox if m.kind == "program_survey" and ":midpoint:" in m.dedupe_key]
    assert {m.status for m in midpoint} == {OutboxStatus.CANCELLED}, "replaced by the closing survey"
    checkins = rows(uow_factory, Checkin)
    asked = Counter((c.pairing_id, c.period, c.person_id) for c in checkins)
    assert len(asked) == WEEKS * members
    assert set(asked.values()) == {1}
    assert len([c for c in checkins if c.answer == CheckinAnswer.PAUSE]) == skipped


def test_two_admins_confirming_the_same_preview_at_once_make_the_pairs_live_once(uow_factory):
    enrolled_cohort(uow_factory)
    shown = preview(uow_factory)

    outcomes = run_together(2, lambda index: confirm(uow_factory, shown, actor=ADMINS[index]))

    confirmed = [o for o in outcomes if isinstance(o, MatchConfirmation)]
    refused = [o for o in outcomes if isinstance(o, StalePreviewError)]
    assert (len(confirmed), len(refused)) == (1, 1), outcomes
    assert confirmed[0].pairs == confirmed[0].intros_queued == PAIRS
    assert refused[0].staleness.confirmed, "the second click is told the preview was confirmed"
    outbox = rows(uow_factory, OutboxMessage)
    assert len([m for m in outbox if m.kind == "intro"]) == PAIRS
    assert len({m.recipient for m in outbox if m.kind == "intro"}) == PAIRS
    assert [p.state for p in rows(uow_factory, Pairing)] == [PairingState.ACTIVE] * PAIRS
    assert [e.action for e in rows(uow_factory, AuditEvent)].count("matching.confirm") == 1
    assert [r.state for r in rows(uow_factory, MatchRun)] == [MatchRunState.CONFIRMED]


def test_two_matching_runs_at_once_leave_one_open_preview_without_duplicate_pairs(uow_factory):
    cohort_id = enrolled_cohort(uow_factory)

    outcomes = run_together(2, lambda index: preview(uow_factory, actor=ADMINS[index]))

    assert all(isinstance(o, MatchPreview) for o in outcomes), outcomes
    runs = rows(uow_factory, MatchRun)
    assert sorted(r.state for r in runs) == sorted([MatchRunState.PREVIEW, MatchRunState.SUPERSEDED])
    open_run = next(r for r in runs if r.state == MatchRunState.PREVIEW)
    pairings = [p for p in rows(uow_factory, Pairing) if p.cohort_id == cohort_id]
    assert len(pairings) == PAIRS
    assert {p.state for p in pairings} == {PairingState.PROPOSED}
    assert {p.match_run_id for p in pairings} == {open_run.id}, "the superseded run's proposals are gone"
    members = [member for p in pairings for member in (p.employee_id, p.executive_id)]
    assert len(members) == len(set(members)) == 2 * PAIRS, "nobody is proposed twice"

    # What each admin sees: the later preview confirms, the superseded one is refused as such.
    later = next(o for o in outcomes if o.run_id == open_run.id)
    earlier = next(o for o in outcomes if o.run_id != open_run.id)
    with pytest.raises(StalePreviewError) as stale:
        confirm(uow_factory, earlier)
    assert stale.value.staleness.superseded
    assert confirm(uow_factory, later).intros_queued == PAIRS


def test_confirm_racing_a_re_run_either_confirms_or_is_refused_and_intros_go_out_once(uow_factory):
    enrolled_cohort(uow_factory)
    shown = preview(uow_factory)

    def act(index: int) -> Any:
        if index == 0:
            return confirm(uow_factory, shown)
        return preview(uow_factory, actor=ADMINS[1])

    confirmation, rerun = run_together(2, act)

    intros = [m for m in rows(uow_factory, OutboxMessage) if m.kind == "intro"]
    if isinstance(confirmation, MatchConfirmation):
        # Confirm went first: the re-run finds everyone paired and proposes nobody twice.
        assert len(intros) == PAIRS
        assert isinstance(rerun, NothingToMatchError), rerun
    else:
        # The re-run went first: the shown preview is superseded and nothing was sent.
        assert isinstance(confirmation, StalePreviewError), confirmation
        assert confirmation.staleness.superseded
        assert isinstance(rerun, MatchPreview)
        assert intros == []
    live = [p for p in rows(uow_factory, Pairing) if p.state == PairingState.ACTIVE]
    members = [member for p in live for member in (p.employee_id, p.executive_id)]
    assert len(members) == len(set(members))
