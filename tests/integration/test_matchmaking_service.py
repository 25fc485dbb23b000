"""Matching previews, Confirm, staleness and overrides, on a real database (no Slack involved)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import (
    MatchingNotOpenError,
    NoPairsToConfirmError,
    NothingToMatchError,
    PairingRequestError,
    StalePreviewError,
)
from bot.local_time import SendWindow
from bot.match_records import PairCheck, PairOutcome
from bot.services import matchmaking, overrides
from bot.services.participation import leave
from storage.models import (
    AuditEvent,
    CohortState,
    EnrollmentState,
    OutboxMessage,
    Pairing,
    PairingState,
    PersonRole,
)
from tests.cohort_kit import make_cohort
from tests.matching_kit import TEAM_ID, skill_ids, surveyed

ADMIN = "U0ADMIN01"
EMPLOYEE, EXECUTIVE = PersonRole.EMPLOYEE, PersonRole.EXECUTIVE
WINDOW = SendWindow(start_hour=0, end_hour=24, weekends=True)


def _now() -> datetime:
    return datetime.now(UTC)


def _preview(uow_factory, **kwargs):
    return matchmaking.run_matching(
        uow=uow_factory(), team_id=TEAM_ID, actor_user_id=ADMIN, now=_now(), **kwargs
    )


def _confirm(uow_factory, preview):
    return matchmaking.confirm_matching(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=ADMIN,
        run_id=preview.run_id,
        revision=preview.revision,
        now=_now(),
        window=WINDOW,
        default_timezone="UTC",
    )


def _pair(uow_factory, first, second, *, override=False):
    return overrides.pair_people(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=ADMIN,
        first_user_id=first,
        second_user_id=second,
        override=override,
        now=_now(),
        window=WINDOW,
        default_timezone="UTC",
    )


def _unpair(uow_factory, user_id):
    return overrides.unpair_person(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=ADMIN,
        user_id=user_id,
        now=_now(),
        window=WINDOW,
        default_timezone="UTC",
    )


def _rows(uow_factory, model):
    with uow_factory() as uow:
        return list(uow.session.query(model).all())


@pytest.fixture
def cohort_id(uow_factory) -> int:
    """An enrolling cohort: two employees and two executives whose skills fit one way best, plus one loner."""
    cohort = make_cohort(uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING)
    people = [
        ("U0EMPA", EMPLOYEE, ["ai-tools", "social-media"], ["leadership"], "Sales"),
        ("U0EMPB", EMPLOYEE, ["wellbeing"], ["strategy"], "Design"),
        ("U0EXEA", EXECUTIVE, ["leadership"], ["ai-tools", "social-media"], "Finance"),
        ("U0EXEB", EXECUTIVE, ["strategy"], ["wellbeing"], "Legal"),
        ("U0EMPC", EMPLOYEE, ["hybrid-work"], ["career-growth"], "Ops"),
    ]
    for user_id, role, share, learn, department in people:
        surveyed(
            uow_factory,
            team_id=TEAM_ID,
            cohort_id=cohort.id,
            user_id=user_id,
            role=role,
            share=share,
            learn=learn,
            department=department,
        )
    return cohort.id


def test_preview_proposes_the_best_pairs_and_changes_nothing_live(uow_factory, cohort_id):
    preview = _preview(uow_factory)

    assert {(p.employee_user_id, p.executive_user_id) for p in preview.pairs} == {
        ("U0EMPA", "U0EXEA"),
        ("U0EMPB", "U0EXEB"),
    }
    best = next(p for p in preview.pairs if p.employee_user_id == "U0EMPA")
    assert best.score == 5  # two skills the executive wants (2 each) and one back (1)
    assert set(best.employee_shares) == {"AI and new tools", "Social media"}
    assert best.executive_shares == ("Leadership",)
    assert [u.user_id for u in preview.unmatched] == ["U0EMPC"]
    assert preview.unmatched[0].reason == "no shared skill"
    assert preview.executives_with_wanted_skill == 1.0
    assert preview.participants == 5
    assert _rows(uow_factory, OutboxMessage) == [], "nothing is sent before Confirm"
    assert {p.state for p in _rows(uow_factory, Pairing)} == {PairingState.PROPOSED}
    with uow_factory() as uow:
        assert uow.cohorts.get(team_id=TEAM_ID, cohort_id=cohort_id).state == CohortState.ENROLLING


def test_confirm_makes_pairs_live_and_queues_one_intro_per_pair_and_a_note_to_the_unmatched(
    uow_factory, cohort_id
):
    confirmation = _confirm(uow_factory, _preview(uow_factory))

    assert (confirmation.pairs, confirmation.intros_queued, confirmation.unmatched_told) == (2, 2, 1)
    assert confirmation.cohort_activated
    outbox = _rows(uow_factory, OutboxMessage)
    intros = sorted(m.recipient for m in outbox if m.kind == "intro")
    assert intros == ["U0EMPA,U0EXEA", "U0EMPB,U0EXEB"]
    assert [m.recipient for m in outbox if m.kind == "unmatched"] == ["U0EMPC"]
    intro = next(m for m in outbox if m.recipient == "U0EMPA,U0EXEA")
    assert "AI and new tools" in str(intro.payload)
    assert "Leadership" in str(intro.payload)
    assert {p.state for p in _rows(uow_factory, Pairing)} == {PairingState.ACTIVE}
    with uow_factory() as uow:
        assert uow.cohorts.get(team_id=TEAM_ID, cohort_id=cohort_id).state == CohortState.ACTIVE
        states = {e.state for e, p in uow.pairings.participants(cohort_id=cohort_id) if p.user_id != "U0EMPC"}
        assert states == {EnrollmentState.MATCHED}
    actions = [e.action for e in _rows(uow_factory, AuditEvent)]
    assert "matching.confirm" in actions
    assert "matching.preview" in actions


def test_a_preview_cannot_be_confirmed_twice_or_after_a_re_run(uow_factory, cohort_id):
    first = _preview(uow_factory)
    second = _preview(uow_factory)
    with pytest.raises(StalePreviewError) as stale:
        _confirm(uow_factory, first)
    assert stale.value.staleness.superseded
    _confirm(uow_factory, second)
    with pytest.raises(StalePreviewError) as again:
        _confirm(uow_factory, second)
    assert again.value.staleness.confirmed
    assert len([m for m in _rows(uow_factory, OutboxMessage) if m.kind == "intro"]) == 2


def test_changed_answers_and_a_new_participant_make_the_preview_stale(uow_factory, cohort_id):
    preview = _preview(uow_factory)
    ids = skill_ids(uow_factory, team_id=TEAM_ID)
    with uow_factory() as uow:
        enrollment, _ = next(
            (e, p) for e, p in uow.pairings.participants(cohort_id=cohort_id) if p.user_id == "U0EMPB"
        )
        uow.enrollments.replace_skills(
            team_id=TEAM_ID,
            enrollment_id=enrollment.id,
            share=[ids["data-literacy"]],
            learn=[ids["strategy"]],
        )
        uow.commit()
    surveyed(
        uow_factory, team_id=TEAM_ID, cohort_id=cohort_id, user_id="U0EMPD", role=EMPLOYEE, share=["dei"]
    )

    with pytest.raises(StalePreviewError) as stale:
        _confirm(uow_factory, preview)

    assert (stale.value.staleness.changed_answers, stale.value.staleness.joined) == (1, 1)
    assert _rows(uow_factory, OutboxMessage) == []
    assert _confirm(uow_factory, _preview(uow_factory)).pairs == 2


def test_someone_leaving_makes_the_preview_stale_and_their_proposed_partner_is_not_told(
    uow_factory, cohort_id
):
    preview = _preview(uow_factory)
    leave(
        uow=uow_factory(),
        team_id=TEAM_ID,
        user_id="U0EXEA",
        cohort_id=cohort_id,
        delete_data=False,
        admin_user_ids=(),
        default_timezone="UTC",
        window=WINDOW,
    )
    with pytest.raises(StalePreviewError) as stale:
        _confirm(uow_factory, preview)
    assert stale.value.staleness.left == 1
    assert [m for m in _rows(uow_factory, OutboxMessage) if m.recipient == "U0EMPA"] == []


def test_earlier_cohort_partners_are_not_paired_again(uow_factory, cohort_id):
    _confirm(uow_factory, _preview(uow_factory))
    with uow_factory() as uow:
        from bot.services.cohorts import move_cohort_state

        cohort = uow.cohorts.get(team_id=TEAM_ID, cohort_id=cohort_id)
        move_cohort_state(uow, cohort=cohort, actor_user_id=ADMIN, to_state=CohortState.CLOSED, now=_now())
        uow.commit()
    second = make_cohort(uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING, name="Autumn")
    for user_id, role, share, learn in [
        ("U0EMPA", EMPLOYEE, ["ai-tools"], ["leadership"]),
        ("U0EXEA", EXECUTIVE, ["leadership"], ["ai-tools"]),
        ("U0EXEB", EXECUTIVE, ["strategy"], ["ai-tools"]),
    ]:
        surveyed(
            uow_factory,
            team_id=TEAM_ID,
            cohort_id=second.id,
            user_id=user_id,
            role=role,
            share=share,
            learn=learn,
        )

    preview = _preview(uow_factory)

    assert [(p.employee_user_id, p.executive_user_id) for p in preview.pairs] == [("U0EMPA", "U0EXEB")]
    assert preview.unmatched[0].user_id == "U0EXEA"
    assert "earlier cohort" in preview.unmatched[0].explanation


def test_nothing_to_match_and_draft_cohorts_are_refused_with_a_reason(uow_factory):
    make_cohort(uow_factory, team_id=TEAM_ID, state=CohortState.DRAFT)
    with pytest.raises(MatchingNotOpenError):
        _preview(uow_factory)


def test_one_side_only_is_nothing_to_match(uow_factory):
    cohort = make_cohort(uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING)
    surveyed(
        uow_factory, team_id=TEAM_ID, cohort_id=cohort.id, user_id="U0EMPA", role=EMPLOYEE, share=["dei"]
    )
    with pytest.raises(NothingToMatchError) as error:
        _preview(uow_factory)
    assert "1 employee(s) and 0 executive(s)" in error.value.user_message


def test_a_manual_pair_in_the_preview_displaces_proposals_and_survives_a_re_run(uow_factory, cohort_id):
    _preview(uow_factory)

    outcome = _pair(uow_factory, "U0EXEA", "U0EMPB")  # either order

    assert isinstance(outcome, PairOutcome)
    assert not outcome.live
    assert (outcome.employee_user_id, outcome.executive_user_id) == ("U0EMPB", "U0EXEA")
    assert set(outcome.displaced) == {"U0EMPA", "U0EXEB"}
    assert outcome.no_shared_skill
    assert outcome.preview is not None
    assert outcome.preview.revision == 1
    assert {(p.employee_user_id, p.manual) for p in outcome.preview.pairs} == {("U0EMPB", True)}
    rerun = _preview(uow_factory)
    assert ("U0EMPB", "U0EXEA") in {(p.employee_user_id, p.executive_user_id) for p in rerun.pairs}
    assert ("U0EMPA", "U0EXEA") not in {(p.employee_user_id, p.executive_user_id) for p in rerun.pairs}
    assert any(e.action == "pairing.pair" for e in _rows(uow_factory, AuditEvent))


def test_an_older_revision_of_an_adjusted_preview_cannot_be_confirmed(uow_factory, cohort_id):
    preview = _preview(uow_factory)
    adjusted = _pair(uow_factory, "U0EMPB", "U0EXEA")
    with pytest.raises(StalePreviewError) as stale:
        _confirm(uow_factory, preview)
    assert stale.value.staleness.adjusted
    assert _confirm(uow_factory, adjusted.preview).pairs == 1


def test_a_pair_that_breaks_a_rule_needs_an_explicit_override(uow_factory, cohort_id):
    with uow_factory() as uow:
        for enrollment, person in uow.pairings.participants(cohort_id=cohort_id):
            if person.user_id in ("U0EMPC", "U0EXEB"):
                enrollment.department = "Legal"
        uow.commit()
    _preview(uow_factory)

    check = _pair(uow_factory, "U0EMPC", "U0EXEB")
    assert isinstance(check, PairCheck)
    assert any("same department" in v for v in check.violations)
    with uow_factory() as uow:
        assert not [
            p
            for p in uow.pairings.in_cohort(cohort_id=cohort_id, states=[PairingState.PROPOSED])
            if p.source == "manual"
        ]

    done = _pair(uow_factory, "U0EMPC", "U0EXEB", override=True)
    assert isinstance(done, PairOutcome)
    assert any("same department" in v for v in done.overridden)
    audit = next(e for e in _rows(uow_factory, AuditEvent) if e.action == "pairing.pair")
    assert audit.details["overridden"]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("U0EMPA", "U0EMPB", "both employees"),
        ("U0EMPA", "U0EMPA", "two different people"),
        ("U0EMPA", "U0NOBODY", "not taking part"),
    ],
)
def test_impossible_pairs_are_refused_with_the_reason(uow_factory, cohort_id, first, second, expected):
    with pytest.raises(PairingRequestError) as error:
        _pair(uow_factory, first, second)
    assert expected in error.value.user_message


def test_capacity_is_checked_for_live_pairs(uow_factory, cohort_id):
    _confirm(uow_factory, _preview(uow_factory))
    with pytest.raises(PairingRequestError) as error:
        _pair(uow_factory, "U0EMPC", "U0EXEA")
    assert "already has 1 partner" in error.value.user_message


def test_unpair_in_the_preview_keeps_them_apart_on_re_run(uow_factory, cohort_id):
    _preview(uow_factory)
    outcome = _unpair(uow_factory, "U0EMPA")
    assert not outcome.live
    assert outcome.partner_user_ids == ("U0EXEA",)
    assert {u.user_id for u in outcome.preview.unmatched} >= {"U0EMPA", "U0EXEA"}
    rerun = _preview(uow_factory)
    assert ("U0EMPA", "U0EXEA") not in {(p.employee_user_id, p.executive_user_id) for p in rerun.pairs}
    assert _rows(uow_factory, OutboxMessage) == [], "a preview change tells nobody"


def test_live_unpair_tells_both_kindly_and_cancels_an_unsent_intro(uow_factory, cohort_id):
    _confirm(uow_factory, _preview(uow_factory))
    outcome = _unpair(uow_factory, "U0EXEA")
    assert outcome.live
    assert outcome.partner_user_ids == ("U0EMPA",)
    outbox = _rows(uow_factory, OutboxMessage)
    intro = next(m for m in outbox if m.recipient == "U0EMPA,U0EXEA")
    assert intro.status == "cancelled"
    ended = sorted(m.recipient for m in outbox if m.kind == "pairing_ended")
    assert ended == ["U0EMPA", "U0EXEA"]
    with uow_factory() as uow:
        states = {p.user_id: e.state for e, p in uow.pairings.participants(cohort_id=cohort_id)}
    assert states["U0EMPA"] == states["U0EXEA"] == EnrollmentState.SURVEYED


def test_live_pair_in_an_active_cohort_sends_its_intro_at_once(uow_factory, cohort_id):
    _confirm(uow_factory, _preview(uow_factory))
    _unpair(uow_factory, "U0EXEB")
    outcome = _pair(uow_factory, "U0EMPC", "U0EXEB")
    assert isinstance(outcome, PairOutcome)
    assert outcome.live
    intros = {m.recipient: m.status for m in _rows(uow_factory, OutboxMessage) if m.kind == "intro"}
    assert intros == {"U0EMPA,U0EXEA": "pending", "U0EMPB,U0EXEB": "cancelled", "U0EMPC,U0EXEB": "pending"}


def test_confirming_an_empty_preview_is_refused(uow_factory, cohort_id):
    preview = _preview(uow_factory)
    for pair in preview.pairs:
        _unpair(uow_factory, pair.employee_user_id)
    with uow_factory() as uow:
        run = uow.pairings.open_run(cohort_id=cohort_id)
        revision = run.revision
    with pytest.raises(NoPairsToConfirmError):
        matchmaking.confirm_matching(
            uow=uow_factory(),
            team_id=TEAM_ID,
            actor_user_id=ADMIN,
            run_id=preview.run_id,
            revision=revision,
            now=_now(),
            window=WINDOW,
            default_timezone="UTC",
        )


def test_deleting_a_person_s_data_scrubs_previews_and_pair_reasons(uow_factory, cohort_id, engine):
    import json

    from sqlalchemy import MetaData

    with uow_factory() as uow:
        uow.people.find(team_id=TEAM_ID, user_id="U0EMPA").real_name = "Zelda Unique"
        uow.people.find(team_id=TEAM_ID, user_id="U0EMPC").real_name = "Yuri Unique"
        uow.commit()
    preview = _preview(uow_factory)
    assert "Zelda Unique" in str([p.employee_name for p in preview.pairs])
    for user_id in ("U0EMPA", "U0EMPC"):
        leave(
            uow=uow_factory(),
            team_id=TEAM_ID,
            user_id=user_id,
            cohort_id=cohort_id,
            delete_data=True,
            admin_user_ids=(),
            default_timezone="UTC",
            window=WINDOW,
        )

    found = []
    metadata = MetaData()
    metadata.reflect(bind=engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                for column, value in row.items():
                    shown = value if isinstance(value, str) else json.dumps(value, default=str)
                    if any(needle in shown for needle in ("U0EMPA", "U0EMPC", "Zelda", "Yuri")):
                        found.append((table.name, column, shown))
    assert found == []


def test_remove_takes_someone_out_tells_the_partner_and_cancels_what_waits(uow_factory, cohort_id):
    _confirm(uow_factory, _preview(uow_factory))

    outcome = overrides.remove_participant(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=ADMIN,
        user_id="U0EXEA",
        now=_now(),
        window=WINDOW,
        default_timezone="UTC",
    )

    assert outcome.partner_user_ids == ("U0EMPA",)
    outbox = _rows(uow_factory, OutboxMessage)
    assert next(m for m in outbox if m.recipient == "U0EMPA,U0EXEA").status == "cancelled"
    told = [m for m in outbox if m.kind == "pairing_ended"]
    assert [m.recipient for m in told] == ["U0EMPA"]
    assert "<@U0EXEA>" in told[0].payload["text"]
    with uow_factory() as uow:
        states = {p.user_id: e.state for e, p in uow.pairings.participants(cohort_id=cohort_id)}
        ended = list(uow.pairings.in_cohort(cohort_id=cohort_id, states=[PairingState.ENDED]))
    assert states["U0EXEA"] == EnrollmentState.LEFT
    assert states["U0EMPA"] == EnrollmentState.SURVEYED
    assert [p.end_reason for p in ended] == ["removed by an admin"]
    assert any(e.action == "participant.remove" for e in _rows(uow_factory, AuditEvent))
    with pytest.raises(PairingRequestError) as again:
        overrides.remove_participant(
            uow=uow_factory(),
            team_id=TEAM_ID,
            actor_user_id=ADMIN,
            user_id="U0EXEA",
            now=_now(),
            window=WINDOW,
            default_timezone="UTC",
        )
    assert "already left" in again.value.user_message
