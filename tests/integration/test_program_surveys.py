"""The midpoint and closing surveys and `close`, on a real database with an injected clock (no Slack).

A six-week cohort meeting weekly from Monday 1 March 2027: its midpoint is Monday 22 March,
its end Monday 12 April. The four people live in Auckland (UTC+13 in March), Honolulu
(UTC-10), New York and Paris, so the same UTC instant falls on different local days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import NothingToCloseError, ProgramSurveyRefusedError, SurveyAnswersError
from bot.local_time import SendWindow
from bot.services import matchmaking
from bot.services.program_surveys import (
    close_cohort,
    open_survey_form,
    plan_program_surveys,
    save_survey,
    survey_key,
)
from bot.services.rhythm import plan_rhythm
from bot.survey_records import CLOSING, MIDPOINT, ProgramSurveyAnswers
from storage.models import (
    AuditEvent,
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentState,
    OutboxMessage,
    OutboxStatus,
    Pairing,
    PairingState,
    Person,
    PersonRole,
    SurveyResponse,
)
from tests.cohort_kit import make_cohort
from tests.matching_kit import TEAM_ID, skill_ids, surveyed

ADMIN = "U0ADMIN01"
WINDOW = SendWindow()  # 08:00-18:00 local, weekdays
START = date(2027, 3, 1)
MIDPOINT_DAY, END_DAY = date(2027, 3, 22), date(2027, 4, 12)
AKL, HNL, NYC, PAR = "U0EMPAKL1", "U0EXEHNL1", "U0EMPNYC1", "U0EXEPAR1"
ZONES = {AKL: "Pacific/Auckland", HNL: "Pacific/Honolulu", NYC: "America/New_York", PAR: "Europe/Paris"}
# Auckland pairs with Honolulu, New York with Paris; a fifth person answered but found no partner.
PEOPLE = [
    (AKL, PersonRole.EMPLOYEE, ["ai-tools"], ["leadership"]),
    (HNL, PersonRole.EXECUTIVE, ["leadership"], ["ai-tools"]),
    (NYC, PersonRole.EMPLOYEE, ["social-media"], ["strategy"]),
    (PAR, PersonRole.EXECUTIVE, ["strategy"], ["social-media"]),
]
LONELY = "U0EMPLON1"
ANSWERS = ProgramSurveyAnswers(satisfaction=4, again="yes", skills_gained=(), comments="Eye-opening.")


def utc(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(day: date, hour: int, user_id: str) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(ZONES[user_id])).astimezone(UTC)


@pytest.fixture
def cohort_id(uow_factory) -> int:
    """An active cohort with two live pairs, confirmed through the services."""
    cohort = make_cohort(
        uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING, start_date=START, weeks=6, cadence_weeks=1
    )
    for index, (user_id, role, share, learn) in enumerate(PEOPLE):
        surveyed(
            uow_factory,
            team_id=TEAM_ID,
            cohort_id=cohort.id,
            user_id=user_id,
            role=role,
            share=share,
            learn=learn,
            department=f"Dept {index}",
            tz=ZONES[user_id],
        )
    surveyed(
        uow_factory,
        team_id=TEAM_ID,
        cohort_id=cohort.id,
        user_id=LONELY,
        role=PersonRole.EMPLOYEE,
        share=["wellbeing"],
        learn=["career-growth"],
        department="Dept 9",
        tz="Europe/London",
    )
    now = datetime.now(UTC)
    preview = matchmaking.run_matching(uow=uow_factory(), team_id=TEAM_ID, actor_user_id=ADMIN, now=now)
    matchmaking.confirm_matching(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=ADMIN,
        run_id=preview.run_id,
        revision=preview.revision,
        now=now,
        window=WINDOW,
        default_timezone="UTC",
    )
    return cohort.id


def plan(uow_factory, now: datetime) -> int:
    return plan_program_surveys(uow=uow_factory(), now=now, window=WINDOW, default_timezone="UTC")


def close(uow_factory, now: datetime):
    return close_cohort(
        uow=uow_factory(),
        team_id=TEAM_ID,
        actor_user_id=ADMIN,
        now=now,
        window=WINDOW,
        default_timezone="UTC",
    )


def surveys(uow_factory) -> dict[str, OutboxMessage]:
    """Survey DMs in the outbox by dedupe key."""
    with uow_factory() as uow:
        rows = uow.session.query(OutboxMessage).filter(OutboxMessage.kind == "program_survey")
        return {row.dedupe_key: row for row in rows}


def set_state(uow_factory, user_id: str, state: EnrollmentState) -> None:
    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM_ID, user_id=user_id)
        enrollment = uow.session.query(Enrollment).filter(Enrollment.person_id == person.id).one()
        enrollment.state = state
        uow.commit()


def mark_sent(uow_factory) -> None:
    """What the dispatcher would have done by then: every waiting survey DM went out."""
    with uow_factory() as uow:
        uow.session.query(OutboxMessage).filter(OutboxMessage.status == OutboxStatus.PENDING).update(
            {"status": OutboxStatus.SENT}
        )
        uow.commit()


def key(cohort_id: int, kind: str, user_id: str) -> str:
    return survey_key(cohort_id=cohort_id, kind=kind, user_id=user_id)


# ---- the planner ------------------------------------------------------------------------------


def test_nothing_is_due_before_the_midpoint(uow_factory, cohort_id):
    assert plan(uow_factory, utc(2027, 3, 10, 12)) == 0
    assert plan(uow_factory, utc(2027, 3, 21, 10, 59)) == 0  # 23:59 on Sunday 21 March in Auckland
    assert surveys(uow_factory) == {}


def test_midpoint_survey_starts_on_each_persons_local_midpoint_day_inside_their_send_window(
    uow_factory, cohort_id
):
    # 11:00 UTC on Sunday 21 March is already Monday 22 March in Auckland, nowhere else.
    assert plan(uow_factory, utc(2027, 3, 21, 11)) == 1
    queued = surveys(uow_factory)
    assert list(queued) == [key(cohort_id, MIDPOINT, AKL)]
    # Held to Auckland's working hours: 08:00 on Monday 22 March, local.
    assert queued[key(cohort_id, MIDPOINT, AKL)].due_at == local(MIDPOINT_DAY, 8, AKL)
    assert queued[key(cohort_id, MIDPOINT, AKL)].recipient == AKL

    # 10:00 UTC on Monday 22 March: midnight in Honolulu, the morning in New York and Paris.
    assert plan(uow_factory, utc(2027, 3, 22, 10)) == 3
    queued = surveys(uow_factory)
    assert set(queued) == {key(cohort_id, MIDPOINT, user_id) for user_id in ZONES}
    assert queued[key(cohort_id, MIDPOINT, HNL)].due_at == local(MIDPOINT_DAY, 8, HNL)
    assert queued[key(cohort_id, MIDPOINT, NYC)].due_at == local(MIDPOINT_DAY, 8, NYC)
    assert queued[key(cohort_id, MIDPOINT, PAR)].due_at == utc(2027, 3, 22, 10)  # inside the window: now
    payload = queued[key(cohort_id, MIDPOINT, PAR)].payload
    assert "half-way" in payload["text"]
    assert f'"{cohort_id}:midpoint"' in str(payload).replace("'", '"')


def test_planning_again_changes_nothing(uow_factory, cohort_id):
    assert plan(uow_factory, utc(2027, 3, 23, 12)) == 4
    before = {k: (m.due_at, m.status) for k, m in surveys(uow_factory).items()}
    for hours in (0, 1, 24, 24 * 7):
        assert plan(uow_factory, utc(2027, 3, 23, 12) + timedelta(hours=hours)) == 0
    assert {k: (m.due_at, m.status) for k, m in surveys(uow_factory).items()} == before


def test_closing_survey_starts_on_each_persons_local_end_day(uow_factory, cohort_id):
    plan(uow_factory, utc(2027, 3, 23, 12))
    mark_sent(uow_factory)
    # 11:00 UTC on Sunday 11 April is Monday 12 April in Auckland (UTC+12 after 4 April).
    plan(uow_factory, utc(2027, 4, 11, 11))
    plan(uow_factory, utc(2027, 4, 11, 12))
    queued = surveys(uow_factory)
    assert {k for k in queued if ":closing:" in k} == {key(cohort_id, CLOSING, AKL)}
    assert queued[key(cohort_id, CLOSING, AKL)].due_at == local(END_DAY, 8, AKL)
    assert "come to an end" in queued[key(cohort_id, CLOSING, AKL)].payload["text"]

    plan(uow_factory, utc(2027, 4, 12, 10))
    queued = surveys(uow_factory)
    assert {k for k in queued if ":closing:" in k} == {key(cohort_id, CLOSING, u) for u in ZONES}
    assert queued[key(cohort_id, CLOSING, HNL)].due_at == local(END_DAY, 8, HNL)
    # The midpoint surveys that went out are left alone.
    assert all(queued[key(cohort_id, MIDPOINT, u)].status == OutboxStatus.SENT for u in ZONES)


def test_a_cohort_seen_first_after_its_end_gets_only_the_closing_survey(uow_factory, cohort_id):
    assert plan(uow_factory, utc(2027, 4, 20, 12)) == 4
    assert set(surveys(uow_factory)) == {key(cohort_id, CLOSING, u) for u in ZONES}


def test_a_midpoint_survey_still_waiting_when_the_closing_one_is_due_is_dropped(uow_factory, cohort_id):
    # The bot saw the cohort late, on a weekend in Auckland: the midpoint survey waits for Monday
    # morning there, and Monday is the cohort's end. (Started 8 February: midpoint 1 March, end 22 March.)
    with uow_factory() as uow:
        uow.session.query(Cohort).filter(Cohort.id == cohort_id).update({"start_date": date(2027, 2, 8)})
        uow.commit()
    plan(uow_factory, utc(2027, 3, 19, 12))
    assert surveys(uow_factory)[key(cohort_id, MIDPOINT, AKL)].due_at == local(date(2027, 3, 22), 8, AKL)
    plan(uow_factory, utc(2027, 3, 21, 11))  # Monday 22 March in Auckland: the end
    queued = surveys(uow_factory)
    assert queued[key(cohort_id, MIDPOINT, AKL)].status == OutboxStatus.CANCELLED
    assert queued[key(cohort_id, CLOSING, AKL)].status == OutboxStatus.PENDING
    assert queued[key(cohort_id, MIDPOINT, PAR)].status == OutboxStatus.PENDING


def test_who_is_asked(uow_factory, cohort_id):
    set_state(uow_factory, HNL, EnrollmentState.PAUSED)  # on a break: asked
    set_state(uow_factory, NYC, EnrollmentState.LEFT)  # left: never asked
    with uow_factory() as uow:  # Slack refused DMs to Paris: not asked
        uow.people.find(team_id=TEAM_ID, user_id=PAR).unreachable_reason = "account_inactive"
        uow.commit()
    plan(uow_factory, utc(2027, 3, 23, 12))
    assert set(surveys(uow_factory)) == {key(cohort_id, MIDPOINT, AKL), key(cohort_id, MIDPOINT, HNL)}
    # Someone unpaired (back to waiting, surveyed) gets the closing survey, not a midpoint one.
    set_state(uow_factory, AKL, EnrollmentState.SURVEYED)
    plan(uow_factory, utc(2027, 4, 13, 12))
    closing = {k for k in surveys(uow_factory) if ":closing:" in k}
    assert closing == {key(cohort_id, CLOSING, AKL), key(cohort_id, CLOSING, HNL)}
    assert not any(LONELY in k for k in surveys(uow_factory)), "never paired: nothing to ask about"


# ---- close ------------------------------------------------------------------------------------


def test_close_ends_pairings_cancels_waiting_checkins_and_sends_the_closing_survey_once(
    uow_factory, cohort_id
):
    plan_rhythm(
        uow=uow_factory(),
        now=utc(2027, 3, 2, 23),
        window=WINDOW,
        default_timezone="UTC",
        admin_user_ids=[ADMIN],
    )
    with uow_factory() as uow:
        checkins = uow.session.query(OutboxMessage).filter(OutboxMessage.kind == "checkin").all()
    assert len(checkins) == 4
    assert {m.status for m in checkins} == {OutboxStatus.PENDING}

    result = close(uow_factory, utc(2027, 3, 3, 9))

    assert (result.pairings_ended, result.messages_cancelled, result.surveys_queued, result.participants) == (
        2,
        4,
        4,
        4,
    )
    with uow_factory() as uow:
        cohort = uow.session.get(Cohort, cohort_id)
        assert cohort.state == CohortState.CLOSED
        assert cohort.closed_at == utc(2027, 3, 3, 9)
        pairings = uow.session.query(Pairing).all()
        assert {(p.state, p.end_reason, p.ended_at) for p in pairings} == {
            (PairingState.ENDED, "cohort closed", utc(2027, 3, 3, 9))
        }
        statuses = {
            m.status for m in uow.session.query(OutboxMessage).filter(OutboxMessage.kind == "checkin")
        }
        assert statuses == {OutboxStatus.CANCELLED}
        audit = uow.session.query(AuditEvent).filter(AuditEvent.action == "cohort.close").one()
        assert audit.actor_user_id == ADMIN
        assert audit.details["surveys_queued"] == 4
    queued = surveys(uow_factory)
    assert set(queued) == {key(cohort_id, CLOSING, u) for u in ZONES}
    # Wednesday 3 March 09:00 UTC: inside Paris's window, after it in Auckland, before it in Honolulu.
    assert queued[key(cohort_id, CLOSING, PAR)].due_at == utc(2027, 3, 3, 9)
    assert queued[key(cohort_id, CLOSING, AKL)].due_at == local(date(2027, 3, 4), 8, AKL)
    assert queued[key(cohort_id, CLOSING, HNL)].due_at == local(date(2027, 3, 3), 8, HNL)

    # The planner leaves a closed cohort alone, and closing again is refused with a clear message.
    assert plan(uow_factory, utc(2027, 4, 13, 12)) == 0
    with pytest.raises(NothingToCloseError, match="no active cohort"):
        close(uow_factory, utc(2027, 3, 3, 10))
    assert len(surveys(uow_factory)) == 4


def test_the_planner_and_close_never_send_the_closing_survey_twice(uow_factory, cohort_id):
    plan(uow_factory, utc(2027, 3, 23, 12))  # midpoint for all
    mark_sent(uow_factory)
    plan(uow_factory, utc(2027, 4, 12, 10))  # closing for all
    result = close(uow_factory, utc(2027, 4, 13, 9))
    assert (result.surveys_queued, result.participants) == (0, 4)
    plan(uow_factory, utc(2027, 4, 13, 10))
    queued = surveys(uow_factory)
    assert len(queued) == 8
    assert {k for k, m in queued.items() if m.status == OutboxStatus.PENDING} == {
        key(cohort_id, CLOSING, u) for u in ZONES
    }


def test_close_drops_a_midpoint_survey_that_has_not_gone_out(uow_factory, cohort_id):
    plan(uow_factory, utc(2027, 3, 21, 11))  # Auckland's midpoint, due Monday 08:00 there
    close(uow_factory, utc(2027, 3, 21, 12))
    queued = surveys(uow_factory)
    assert queued[key(cohort_id, MIDPOINT, AKL)].status == OutboxStatus.CANCELLED
    assert queued[key(cohort_id, CLOSING, AKL)].status == OutboxStatus.PENDING


def test_close_is_refused_before_the_cohort_runs_and_without_a_cohort(uow_factory):
    with pytest.raises(NothingToCloseError, match="no active cohort"):
        close(uow_factory, utc(2027, 3, 3, 9))
    make_cohort(uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING, name="Autumn", start_date=START)
    with pytest.raises(NothingToCloseError, match=r"\*Autumn\* is still enrolling"):
        close(uow_factory, utc(2027, 3, 3, 9))
    with uow_factory() as uow:
        assert uow.session.query(Cohort).one().state == CohortState.ENROLLING
        assert uow.session.query(AuditEvent).filter(AuditEvent.action == "cohort.close").count() == 0


# ---- answering --------------------------------------------------------------------------------


def save(uow_factory, cohort_id, user_id=AKL, kind=MIDPOINT, answers=ANSWERS, now=None):
    return save_survey(
        uow=uow_factory(),
        team_id=TEAM_ID,
        user_id=user_id,
        cohort_id=cohort_id,
        kind=kind,
        answers=answers,
        now=now or utc(2027, 3, 23, 12),
    )


def test_a_participant_answers_and_answering_again_updates(uow_factory, cohort_id):
    ids = skill_ids(uow_factory, team_id=TEAM_ID)
    form = open_survey_form(
        uow=uow_factory(), team_id=TEAM_ID, user_id=AKL, cohort_id=cohort_id, kind=MIDPOINT
    )
    assert form.saved is None
    assert ids["leadership"] in form.offered_skill_ids

    first = save(uow_factory, cohort_id)
    assert first.updated is False
    changed = ProgramSurveyAnswers(
        satisfaction=2, again="maybe", skills_gained=(ids["leadership"],), comments=None
    )
    second = save(uow_factory, cohort_id, answers=changed, now=utc(2027, 3, 24, 12))
    assert second.updated is True
    save(uow_factory, cohort_id, kind=CLOSING)

    with uow_factory() as uow:
        rows = uow.survey_responses.of_cohort(cohort_id=cohort_id)
        assert [(r.kind, r.satisfaction, r.again, r.skills_gained, r.comments) for r in rows] == [
            (MIDPOINT, 2, "maybe", [ids["leadership"]], None),
            (CLOSING, 4, "yes", [], "Eye-opening."),
        ]
        assert (rows[0].created_at, rows[0].answered_at) == (utc(2027, 3, 23, 12), utc(2027, 3, 24, 12))
    form = open_survey_form(
        uow=uow_factory(), team_id=TEAM_ID, user_id=AKL, cohort_id=cohort_id, kind=MIDPOINT
    )
    assert form.saved == changed


def test_surveys_can_still_be_answered_after_the_close(uow_factory, cohort_id):
    close(uow_factory, utc(2027, 4, 13, 9))
    assert save(uow_factory, cohort_id, kind=CLOSING, now=utc(2027, 5, 1)).updated is False


@pytest.mark.parametrize("user_id", [LONELY, "U0STRANGER"])
def test_only_people_who_took_part_with_a_partner_can_answer(uow_factory, cohort_id, user_id):
    with pytest.raises(ProgramSurveyRefusedError, match="nothing for you to answer"):
        open_survey_form(
            uow=uow_factory(), team_id=TEAM_ID, user_id=user_id, cohort_id=cohort_id, kind=MIDPOINT
        )
    with pytest.raises(ProgramSurveyRefusedError):
        save(uow_factory, cohort_id, user_id=user_id)
    with uow_factory() as uow:
        assert uow.survey_responses.of_cohort(cohort_id=cohort_id) == []


def test_someone_who_left_cannot_answer(uow_factory, cohort_id):
    set_state(uow_factory, AKL, EnrollmentState.LEFT)
    with pytest.raises(ProgramSurveyRefusedError, match="You left"):
        save(uow_factory, cohort_id)


def test_another_workspaces_cohort_or_skill_is_refused(uow_factory, cohort_id):
    with pytest.raises(ProgramSurveyRefusedError, match="cannot find"):
        save_survey(
            uow=uow_factory(),
            team_id="T0OTHER001",
            user_id=AKL,
            cohort_id=cohort_id,
            kind=MIDPOINT,
            answers=ANSWERS,
            now=utc(2027, 3, 23),
        )
    foreign = ProgramSurveyAnswers(satisfaction=3, again="no", skills_gained=(2**31 - 1,), comments=None)
    with pytest.raises(SurveyAnswersError) as refused:
        save(uow_factory, cohort_id, answers=foreign)
    assert list(refused.value.field_errors) == ["program_survey_skills"]


def test_erasing_a_person_deletes_their_survey_answers(uow_factory, cohort_id):
    save(uow_factory, cohort_id, user_id=AKL)
    save(uow_factory, cohort_id, user_id=PAR)
    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM_ID, user_id=AKL)
        uow.privacy.erase_person(person=person, anonymous_user_id="U0ERASED01", at=utc(2027, 3, 24))
        uow.commit()
    with uow_factory() as uow:
        remaining = uow.session.query(SurveyResponse).all()
        people = {p.id: p.user_id for p in uow.session.query(Person)}
        assert [people[r.person_id] for r in remaining] == [PAR]
