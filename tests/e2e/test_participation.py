"""Self-service through signed HTTP into the running app: `/mentor status`, pause, resume, leave."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import MetaData, select

from bot.ids import ActionId, CallbackId
from storage.models import (
    AuditEvent,
    Checkin,
    CheckinAnswer,
    CohortState,
    Enrollment,
    EnrollmentState,
    OutboxMessage,
    OutboxStatus,
    Pairing,
    PairingState,
    Person,
    Reflection,
)
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_survey import (
    click,
    employee_answers,
    invite_executive,
    make_cohort,
    metadata,
    submit,
)
from tests.fakes.slack_requests import checkboxes_value

EXECUTIVE_USER_ID = "U0EXEC0001"
LEAVER_USER_ID = "U0ZEDLEAV1"
LEAVER_NAME = "zed.leaver"
LEAVER_REAL_NAME = "Zephyrine Leavesworth"


# ---- helpers --------------------------------------------------------------------------------


def command(bot, text, *, user_id=EMPLOYEE_USER_ID, trigger_id=None) -> dict:
    """Send `/mentor <text>` and return the ephemeral answer."""
    response_url = bot.fake.new_response_url()
    result = bot.slack.command(
        "/mentor", text, user_id=user_id, response_url=response_url, trigger_id=trigger_id
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3
    answer = bot.fake.wait_for_response(response_url)
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    return answer


def enrol(bot, uow_factory, cohort, *, user_id=EMPLOYEE_USER_ID) -> None:
    """Join through the real survey submission."""
    answer = submit(
        bot, employee_answers(bot, uow_factory), private_metadata=metadata(cohort.id), user_id=user_id
    )
    assert answer.get("response_action") == "update", answer


def enrollment_of(uow_factory, user_id) -> Enrollment | None:
    with uow_factory() as uow:
        return uow.session.scalars(
            select(Enrollment)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Person.user_id == user_id)
        ).one_or_none()


def person_of(uow_factory, user_id) -> Person | None:
    with uow_factory() as uow:
        return uow.session.scalars(select(Person).where(Person.user_id == user_id)).one_or_none()


def pair(uow_factory, cohort_id, *, employee_user_id, executive_user_id) -> int:
    """What confirming a match will leave behind: an active pairing, both members matched."""
    with uow_factory() as uow:
        employee = uow.people.find(team_id=cohort_team(uow, cohort_id), user_id=employee_user_id)
        executive = uow.people.find(team_id=cohort_team(uow, cohort_id), user_id=executive_user_id)
        pairing = Pairing(
            team_id=employee.team_id,
            cohort_id=cohort_id,
            employee_id=employee.id,
            executive_id=executive.id,
            score=1.0,
            reasons=["AI and new tools"],
            state=PairingState.ACTIVE,
            confirmed_at=datetime.now(UTC),
        )
        uow.session.add(pairing)
        for member in (employee, executive):
            enrollment = uow.enrollments.find(cohort_id=cohort_id, person_id=member.id)
            enrollment.state = EnrollmentState.MATCHED
        uow.session.flush()
        pairing_id = pairing.id
        uow.commit()
        return pairing_id


def cohort_team(uow, cohort_id) -> str:
    from storage.models import Cohort

    return uow.session.get(Cohort, cohort_id).team_id


def leave_values(*, delete: bool) -> dict:
    return {
        ActionId.LEAVE_DELETE_DATA.value: {
            ActionId.LEAVE_DELETE_DATA.value: checkboxes_value(["delete"] if delete else [])
        }
    }


def submit_leave(bot, cohort_id, *, delete: bool, user_id=EMPLOYEE_USER_ID) -> dict:
    result = bot.slack.view_submission(
        user_id=user_id,
        callback_id=CallbackId.LEAVE_MODAL,
        values=leave_values(delete=delete),
        private_metadata=json.dumps({"cohort_id": cohort_id}),
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3
    return result.json() if result.body else {}


def outbox_rows(uow_factory) -> list[OutboxMessage]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def text_of(body) -> str:
    return json.dumps(body, ensure_ascii=False)


def add_leaver(bot):
    bot.fake.add_user(LEAVER_USER_ID, name=LEAVER_NAME, real_name=LEAVER_REAL_NAME, tz="Asia/Kolkata")


# ---- status -----------------------------------------------------------------------------------


def test_status_without_a_cohort_and_before_joining(running_bot, uow_factory):
    assert "no mentoring program running" in command(running_bot, "status")["text"]
    make_cohort(running_bot, uow_factory)
    answer = command(running_bot, "status")
    assert_valid_message(answer)
    assert "not taking part in *Spring 2026*" in answer["text"]
    assert "/mentor join" in text_of(answer)


def test_status_after_joining_says_state_and_that_check_ins_come_after_pairing(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    answer = command(running_bot, "STATUS please")
    assert_valid_message(answer)
    assert "survey is answered" in answer["text"]
    assert "first check-in after pairs are made" in answer["text"]
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {(b["action_id"], b["value"]) for b in buttons} == {
        (ActionId.PAUSE.value, str(cohort.id)),
        (ActionId.LEAVE.value, str(cohort.id)),
    }


def test_status_with_a_partner_shows_them_and_the_next_check_in_in_own_time_zone(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    invite_executive(running_bot, uow_factory, cohort.id)
    enrol(running_bot, uow_factory, cohort)
    pair(uow_factory, cohort.id, employee_user_id=EMPLOYEE_USER_ID, executive_user_id=EXECUTIVE_USER_ID)
    answer = command(running_bot, "status")
    assert f"<@{EXECUTIVE_USER_ID}>" in answer["text"]
    # The cohort checks in on Tuesdays at 10:00, in each person's own zone (Emil: Los Angeles).
    assert "Next check-in: Tuesday" in answer["text"]
    assert "at 10:00 (America/Los_Angeles)" in answer["text"]
    executive_answer = command(running_bot, "status", user_id=EXECUTIVE_USER_ID)
    assert "at 10:00 (Europe/Paris)" in executive_answer["text"]
    assert f"<@{EMPLOYEE_USER_ID}>" in executive_answer["text"]


# ---- pause and resume -------------------------------------------------------------------------


def test_pause_and_resume_round_trip(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    answer = command(running_bot, "pause 3")
    assert_valid_message(answer)
    assert "on a break" in answer["text"]
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.PAUSED
    until = person_of(uow_factory, EMPLOYEE_USER_ID).paused_until_date
    today_la = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("America/Los_Angeles")).date()
    assert until == today_la + timedelta(weeks=3)
    assert f"{until.day} {until:%B %Y}" in answer["text"]

    again = command(running_bot, "pause")
    assert "already on a break until" in again["text"]
    assert f"{until.day} {until:%B %Y}" in again["text"]
    status = command(running_bot, "status")
    assert "on a break" in status["text"]
    assert any(
        e["action_id"] == ActionId.RESUME
        for b in status["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )

    assert "Welcome back" in command(running_bot, "resume")["text"]
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED
    assert person_of(uow_factory, EMPLOYEE_USER_ID).paused_until_date is None
    assert "not on a break" in command(running_bot, "resume")["text"]


def test_pause_defaults_to_two_weeks_and_resume_restores_matched(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    invite_executive(running_bot, uow_factory, cohort.id)
    enrol(running_bot, uow_factory, cohort)
    pair(uow_factory, cohort.id, employee_user_id=EMPLOYEE_USER_ID, executive_user_id=EXECUTIVE_USER_ID)
    command(running_bot, "pause")
    until = person_of(uow_factory, EMPLOYEE_USER_ID).paused_until_date
    assert until is not None
    assert until - date.today() >= timedelta(days=13)
    command(running_bot, "resume")
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.MATCHED


@pytest.mark.parametrize(
    "text", ["pause 0", "pause 100", "pause two", "pause -1", "pause 1.5", "pause 3 days"]
)
def test_pause_with_a_bad_length_explains_the_range(running_bot, uow_factory, text):
    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    answer = command(running_bot, text)
    assert "1 to 12 weeks" in answer["text"]
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED


@pytest.mark.parametrize("text", ["pause", "resume", "leave"])
def test_self_service_refuses_kindly_when_not_enrolled(running_bot, uow_factory, text):
    make_cohort(running_bot, uow_factory)
    assert "not taking part in *Spring 2026*" in command(running_bot, text)["text"]


def test_pause_and_resume_buttons_act_on_the_clicker(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    answer = running_bot.fake.wait_for_response(click(running_bot, ActionId.PAUSE, value=str(cohort.id)))
    assert "on a break" in answer["text"]
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.PAUSED
    answer = running_bot.fake.wait_for_response(click(running_bot, ActionId.RESUME, value=str(cohort.id)))
    assert "Welcome back" in answer["text"]
    stale = running_bot.fake.wait_for_response(click(running_bot, ActionId.PAUSE, value=str(cohort.id + 99)))
    assert "ended or been replaced" in stale["text"]
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED


# ---- leave ------------------------------------------------------------------------------------


def test_leave_command_opens_the_confirmation_modal(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    response_url = running_bot.fake.new_response_url()
    running_bot.slack.command(
        "/mentor", "leave", user_id=EMPLOYEE_USER_ID, response_url=response_url, trigger_id="1.2.leave"
    )
    call = running_bot.fake.wait_for_call("views.open")
    assert call.args["trigger_id"] == "1.2.leave"
    view = call.args["view"]
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.LEAVE_MODAL
    assert json.loads(view["private_metadata"]) == {"cohort_id": cohort.id}
    assert "Also delete everything I answered" in text_of(view)
    # Opening changes nothing.
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED
    click(running_bot, ActionId.LEAVE, value=str(cohort.id), trigger_id="3.4.leave")
    assert running_bot.fake.wait_for_call("views.open", count=2).args["trigger_id"] == "3.4.leave"


def test_leave_without_deleting_ends_the_pairing_and_tells_partner_and_admins(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    invite_executive(running_bot, uow_factory, cohort.id)
    enrol(running_bot, uow_factory, cohort)
    pairing_id = pair(
        uow_factory, cohort.id, employee_user_id=EMPLOYEE_USER_ID, executive_user_id=EXECUTIVE_USER_ID
    )
    answer = submit_leave(running_bot, cohort.id, delete=False)
    assert answer["response_action"] == "update"
    assert_valid_view(answer["view"])
    assert "You have left *Spring 2026*" in text_of(answer["view"])

    enrollment = enrollment_of(uow_factory, EMPLOYEE_USER_ID)
    assert enrollment.state == EnrollmentState.LEFT
    assert enrollment.left_at is not None
    with uow_factory() as uow:
        pairing = uow.session.get(Pairing, pairing_id)
        assert (pairing.state, pairing.end_reason) == (PairingState.ENDED, "left")
        assert pairing.ended_at is not None
    notices = {row.recipient: row for row in outbox_rows(uow_factory) if row.kind == "participant_left"}
    assert set(notices) == {EXECUTIVE_USER_ID, ADMIN_USER_ID}
    assert f"<@{EMPLOYEE_USER_ID}> has left" in notices[EXECUTIVE_USER_ID].payload["text"]
    assert f"<@{EMPLOYEE_USER_ID}> has left the program" in notices[ADMIN_USER_ID].payload["text"]
    for row in notices.values():
        assert "reason" not in row.payload["text"].replace("without a reason", "")
        assert_valid_message(row.payload)
    # Nothing was deleted: the answers stay.
    assert person_of(uow_factory, EMPLOYEE_USER_ID).real_name == "Emil Employee"
    assert enrollment.department == "Marketing"
    # Leaving again, or pausing after leaving, is refused kindly.
    again = submit_leave(running_bot, cohort.id, delete=False)
    assert "already left" in text_of(again["view"])
    assert "already left" in command(running_bot, "pause")["text"]
    assert "You have left" in command(running_bot, "status")["text"]


def test_leave_cancels_pending_messages_to_the_leaver(running_bot, uow_factory):
    from bot.delivery.outbox import enqueue

    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    with uow_factory() as uow:
        enqueue(
            uow,
            team_id=running_bot.fake.team_id,
            recipient=EMPLOYEE_USER_ID,
            kind="reminder",
            dedupe_key="reminder:test",
            due_at=datetime.now(UTC) + timedelta(days=3),
            text="Later",
        )
        uow.commit()
    submit_leave(running_bot, cohort.id, delete=False)
    statuses = {row.dedupe_key: row.status for row in outbox_rows(uow_factory)}
    assert statuses["reminder:test"] == OutboxStatus.CANCELLED


def test_leave_with_deletion_leaves_no_personal_data_in_any_table(running_bot, uow_factory, engine):
    cohort = make_cohort(running_bot, uow_factory)
    add_leaver(running_bot)
    invite_executive(running_bot, uow_factory, cohort.id)
    enrol(running_bot, uow_factory, cohort, user_id=LEAVER_USER_ID)
    enrol(running_bot, uow_factory, cohort)  # someone else, whose data must stay
    pairing_id = pair(
        uow_factory, cohort.id, employee_user_id=LEAVER_USER_ID, executive_user_id=EXECUTIVE_USER_ID
    )
    team_id = running_bot.fake.team_id
    with uow_factory() as uow:
        leaver = uow.people.find(team_id=team_id, user_id=LEAVER_USER_ID)
        executive = uow.people.find(team_id=team_id, user_id=EXECUTIVE_USER_ID)
        uow.session.add(
            Checkin(
                team_id=team_id,
                pairing_id=pairing_id,
                period=1,
                person_id=leaver.id,
                answer=CheckinAnswer.MET,
            )
        )
        uow.session.add(
            Reflection(
                team_id=team_id, pairing_id=pairing_id, author_id=leaver.id, learned="Prompting", rating=5
            )
        )
        uow.session.add(
            Reflection(
                team_id=team_id, pairing_id=pairing_id, author_id=executive.id, learned="Kept", rating=4
            )
        )
        uow.audit.record(
            team_id=team_id,
            actor_user_id=ADMIN_USER_ID,
            action="pair.manual",
            target=f"user:{LEAVER_USER_ID}",
            details={"user_ids": [LEAVER_USER_ID, EXECUTIVE_USER_ID]},
            at=datetime.now(UTC),
        )
        from bot.delivery.outbox import enqueue

        enqueue(
            uow,
            team_id=team_id,
            recipient=[LEAVER_USER_ID, EXECUTIVE_USER_ID],
            kind="intro",
            dedupe_key=f"intro:{pairing_id}",
            due_at=datetime.now(UTC),
            text=f"<@{LEAVER_USER_ID}> meet",
        )
        enqueue(
            uow,
            team_id=team_id,
            recipient=EXECUTIVE_USER_ID,
            kind="checkin",
            dedupe_key=f"checkin:{pairing_id}:1:{EXECUTIVE_USER_ID}",
            due_at=datetime.now(UTC),
            text=f"Did you meet with <@{LEAVER_USER_ID}>?",
        )
        uow.commit()

    answer = submit_leave(running_bot, cohort.id, delete=True, user_id=LEAVER_USER_ID)
    assert "Everything you answered has been deleted" in text_of(answer["view"])

    # Search every column of every row of every table for anything that names them.
    needles = (LEAVER_USER_ID, LEAVER_NAME, LEAVER_REAL_NAME)
    metadata_ = MetaData()
    metadata_.reflect(bind=engine)
    found = []
    with engine.connect() as connection:
        for table in metadata_.sorted_tables:
            for row in connection.execute(table.select()).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    shown = (
                        value
                        if isinstance(value, str)
                        else json.dumps(value, ensure_ascii=False, default=str)
                    )
                    if any(needle in shown for needle in needles):
                        found.append((table.name, column, shown))
    assert found == []
    assert {"person", "enrollment", "outbox", "audit_event"} <= set(metadata_.tables)

    # Anonymous counts and other people's data remain; the partner and admins were told, without a name.
    with uow_factory() as uow:
        pairing = uow.session.get(Pairing, pairing_id)
        assert (pairing.state, pairing.end_reason) == (PairingState.ENDED, "left")
        assert uow.session.scalar(select(Reflection.learned).where(Reflection.learned == "Kept")) == "Kept"
        assert uow.session.scalars(select(Reflection).where(Reflection.learned == "Prompting")).all() == []
        audit = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "pair.manual")).one()
        assert audit.target.startswith("user:anon-")
    notices = {
        row.recipient: row.payload["text"]
        for row in outbox_rows(uow_factory)
        if row.kind == "participant_left"
    }
    assert set(notices) == {EXECUTIVE_USER_ID, ADMIN_USER_ID}
    assert "Your partner has left" in notices[EXECUTIVE_USER_ID]
    assert "asked for their data to be deleted" in notices[ADMIN_USER_ID]
    assert person_of(uow_factory, EMPLOYEE_USER_ID).real_name == "Emil Employee"
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED
    # They can still ask where they stand: they are simply not in the program any more.
    assert "not taking part" in command(running_bot, "status", user_id=LEAVER_USER_ID)["text"]


def test_leave_with_deletion_and_no_pairing_removes_the_person_row(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    add_leaver(running_bot)
    enrol(running_bot, uow_factory, cohort, user_id=LEAVER_USER_ID)
    submit_leave(running_bot, cohort.id, delete=True, user_id=LEAVER_USER_ID)
    with uow_factory() as uow:
        people = uow.session.scalars(select(Person)).all()
        assert [p.user_id for p in people if p.user_id == LEAVER_USER_ID] == []
        assert all(p.user_id.startswith("U") for p in people)


def test_a_forged_leave_submission_only_affects_the_submitter(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    add_leaver(running_bot)
    enrol(running_bot, uow_factory, cohort)
    enrol(running_bot, uow_factory, cohort, user_id=LEAVER_USER_ID)
    # The forger is not enrolled: they are refused, and Emil stays in.
    answer = submit_leave(running_bot, cohort.id, delete=True, user_id=ADMIN_USER_ID)
    assert "not taking part" in text_of(answer["view"])
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED
    # An enrolled forger leaves themselves, never anyone else.
    submit_leave(running_bot, cohort.id, delete=True, user_id=LEAVER_USER_ID)
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED
    assert person_of(uow_factory, LEAVER_USER_ID) is None
    # Metadata naming another cohort, or garbage, changes nothing.
    for private_metadata in (
        json.dumps({"cohort_id": cohort.id + 5}),
        "nonsense",
        json.dumps({"cohort_id": "1"}),
    ):
        result = running_bot.slack.view_submission(
            user_id=EMPLOYEE_USER_ID,
            callback_id=CallbackId.LEAVE_MODAL,
            values=leave_values(delete=True),
            private_metadata=private_metadata,
        )
        assert "ended or been replaced" in text_of(result.json()["view"])
    assert enrollment_of(uow_factory, EMPLOYEE_USER_ID).state == EnrollmentState.SURVEYED


def test_a_closed_cohort_has_nothing_to_pause(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    enrol(running_bot, uow_factory, cohort)
    from tests.e2e.test_survey import advance

    advance(running_bot, uow_factory, cohort.id, CohortState.ACTIVE)
    advance(running_bot, uow_factory, cohort.id, CohortState.CLOSED)
    assert "not taking part in a mentoring program right now" in command(running_bot, "pause")["text"]
