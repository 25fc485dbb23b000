"""`/mentor-admin invite` through signed HTTP into the running app, then the real dispatcher to fake Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.ids import ActionId
from bot.services import cohorts
from storage.models import (
    AuditEvent,
    Enrollment,
    EnrollmentState,
    OutboxMessage,
    OutboxStatus,
    Person,
    PersonRole,
)
from tests.blockkit import assert_valid_message
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.delivery_kit import drain, make_dispatcher
from tests.e2e.test_commands import run_command
from tests.fakes.slack_api import slack_error

ANN, BOB, CAT = "U0ANN0001", "U0BOB0002", "W0CAT0003"
ROBOT, GONE, NOBODY = "U0BOT0001", "U0GONE001", "U0NOBODY9"
USAGE_LINE = "/mentor-admin invite @person..."


@pytest.fixture
def executives(fake_slack) -> None:
    fake_slack.add_user(ANN, name="ann", real_name="Ann Exec", tz="Europe/Paris")
    fake_slack.add_user(BOB, name="bob", real_name="Bob Exec", tz="Asia/Kolkata")
    fake_slack.add_user(CAT, name="cat", real_name="Cat Exec", tz="America/Chicago")
    fake_slack.add_user(ROBOT, name="robot", is_bot=True)
    fake_slack.add_user(GONE, name="gone", deleted=True)


def invite(bot, text: str, *, user_id: str = ADMIN_USER_ID) -> dict:
    answer = run_command(bot, "/mentor-admin", f"invite {text}".strip(), user_id=user_id)
    assert answer["response_type"] == "ephemeral"
    return answer


def sections(answer: dict) -> list[str]:
    return [block["text"]["text"] for block in answer.get("blocks") or [] if block["type"] == "section"]


def group(answer: dict, title: str) -> str:
    """The people listed under one heading of the summary ("" if the heading is absent)."""
    for text in sections(answer):
        if text.startswith(f"*{title}*\n"):
            return text.split("\n", 1)[1]
    return ""


def enrollments(uow_factory) -> dict[str, Enrollment]:
    with uow_factory() as uow:
        statement = select(Person.user_id, Enrollment).join(Person, Person.id == Enrollment.person_id)
        return {row[0]: row[1] for row in uow.session.execute(statement)}


def people(uow_factory) -> dict[str, Person]:
    with uow_factory() as uow:
        return {person.user_id: person for person in uow.session.scalars(select(Person))}


def outbox_rows(uow_factory) -> list[OutboxMessage]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def audit_events(uow_factory, action: str) -> list[AuditEvent]:
    with uow_factory() as uow:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(uow.session.scalars(statement))


def survey_buttons(fake, user_id: str) -> list[dict]:
    """The OPEN_SURVEY buttons of every DM the user got."""
    return [
        element
        for message in fake.messages(user_id)
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ActionId.OPEN_SURVEY
    ]


def count_rows(uow_factory, model) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_invite_enrols_executives_reports_everyone_and_each_gets_one_dm(running_bot, uow_factory, executives):
    fake, team_id = running_bot.fake, running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id)

    answer = invite(
        running_bot,
        f"<@{ANN}|ann> <@{BOB}>, {CAT} <@{NOBODY}|ghost> <@{ROBOT}|robot> {GONE} @dave <@{ANN}|ann>",
    )

    assert_valid_message(answer)
    assert sections(answer)[0].startswith(":white_check_mark: Invited 3 executives to *Spring 2026*")
    assert group(answer, "Invited") == f"<@{ANN}>, <@{BOB}>, <@{CAT}>", "each once, in the order named"
    assert group(answer, "Not found in this workspace") == f"`{NOBODY}`"
    assert group(answer, "Cannot take part") == f"<@{ROBOT}> (a bot), <@{GONE}> (deactivated)"
    assert "`@dave`: type @ and pick the person" in group(answer, "Could not read")
    assert group(answer, "Already in, nothing changed (no second DM)") == ""

    enrolled = enrollments(uow_factory)
    assert set(enrolled) == {ANN, BOB, CAT}
    for enrollment in enrolled.values():
        assert (enrollment.cohort_id, enrollment.team_id) == (cohort.id, team_id)
        assert (enrollment.role, enrollment.state) == (PersonRole.EXECUTIVE, EnrollmentState.INVITED)
        assert enrollment.invited_at is not None
    stored = people(uow_factory)
    assert set(stored) == {ANN, BOB, CAT}, "nobody else is stored: not the bot, the deactivated or unknown"
    assert (stored[ANN].tz, stored[BOB].tz, stored[CAT].tz) == (
        "Europe/Paris",
        "Asia/Kolkata",
        "America/Chicago",
    )
    assert stored[ANN].real_name == "Ann Exec"

    rows = outbox_rows(uow_factory)
    assert [(row.recipient, row.kind, row.dedupe_key, row.status) for row in rows] == [
        (user_id, "invitation", f"invite:{cohort.id}:{user_id}", OutboxStatus.PENDING)
        for user_id in (ANN, BOB, CAT)
    ]
    [event] = audit_events(uow_factory, "cohort.invite")
    assert (event.actor_user_id, event.target) == (ADMIN_USER_ID, f"cohort:{cohort.id}")
    assert event.details == {"user_ids": [ANN, BOB, CAT]}
    assert fake.messages(ANN) == [], "DMs go through the outbox, not from the command"

    report = drain(make_dispatcher(uow_factory, fake))

    assert report.sent == 3
    for user_id in (ANN, BOB, CAT):
        [dm] = fake.messages(user_id)
        assert_valid_message(dm)
        assert f"<@{ADMIN_USER_ID}> invited you" in json.dumps(dm)
        [button] = survey_buttons(fake, user_id)
        assert button["value"] == str(cohort.id)
    for user_id in (ROBOT, GONE, NOBODY):
        assert fake.messages(user_id) == []


def test_inviting_again_is_harmless_and_never_sends_a_second_dm(running_bot, uow_factory, executives):
    fake, team_id = running_bot.fake, running_bot.fake.team_id
    make_cohort(uow_factory, team_id=team_id)
    invite(running_bot, f"<@{ANN}|ann>")
    drain(make_dispatcher(uow_factory, fake))

    again = invite(running_bot, f"{ANN} <@{BOB}|bob>")
    twice = invite(running_bot, f"<@{ANN}> <@{BOB}>")
    drain(make_dispatcher(uow_factory, fake))

    assert group(again, "Already in, nothing changed (no second DM)") == f"<@{ANN}>"
    assert group(again, "Invited") == f"<@{BOB}>"
    assert sections(twice)[0] == "Nobody new was invited to *Spring 2026*."
    assert group(twice, "Already in, nothing changed (no second DM)") == f"<@{ANN}>, <@{BOB}>"
    assert len(survey_buttons(fake, ANN)) == 1
    assert len(survey_buttons(fake, BOB)) == 1
    assert [row.recipient for row in outbox_rows(uow_factory)] == [ANN, BOB]
    assert len(enrollments(uow_factory)) == 2
    assert [event.details for event in audit_events(uow_factory, "cohort.invite")] == [
        {"user_ids": [ANN]},
        {"user_ids": [BOB]},
    ], "an invite that changed nothing is not audited"


def test_someone_already_enrolled_as_an_employee_is_reported_and_left_alone(
    running_bot, uow_factory, executives
):
    team_id = running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id)
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        person = uow.people.upsert_profile(
            team_id=team_id, user_id=EMPLOYEE_USER_ID, name="emil", real_name=None, tz="America/Los_Angeles"
        )
        uow.enrollments.add(
            team_id=team_id,
            cohort_id=cohort.id,
            person_id=person.id,
            role=PersonRole.EMPLOYEE,
            state=EnrollmentState.SURVEYED,
            at=datetime.now(UTC),
        )
        uow.commit()

    answer = invite(running_bot, f"<@{EMPLOYEE_USER_ID}|emil> <@{ANN}|ann>")

    assert group(answer, "Enrolled as employees, left as they are") == f"<@{EMPLOYEE_USER_ID}>"
    assert group(answer, "Invited") == f"<@{ANN}>"
    employee = enrollments(uow_factory)[EMPLOYEE_USER_ID]
    assert (employee.role, employee.state) == (PersonRole.EMPLOYEE, EnrollmentState.SURVEYED)
    assert [row.recipient for row in outbox_rows(uow_factory)] == [ANN]


def test_an_executive_who_left_is_not_invited_again(running_bot, uow_factory, executives):
    team_id = running_bot.fake.team_id
    make_cohort(uow_factory, team_id=team_id)
    invite(running_bot, f"<@{ANN}|ann>")
    with uow_factory() as uow:
        [enrollment] = uow.session.scalars(select(Enrollment)).all()
        enrollment.state = EnrollmentState.LEFT
        uow.commit()

    answer = invite(running_bot, f"<@{ANN}|ann>")

    assert group(answer, "Left the program, not invited again") == f"<@{ANN}>"
    assert enrollments(uow_factory)[ANN].state == EnrollmentState.LEFT


def test_an_enrolling_cohort_takes_invitations_and_the_dm_names_its_rhythm(
    running_bot, uow_factory, executives
):
    fake, team_id = running_bot.fake, running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id, cadence_weeks=4, weeks=16)
    cohorts.advance_cohort_state(
        uow=uow_factory(),
        team_id=team_id,
        cohort_id=cohort.id,
        actor_user_id=ADMIN_USER_ID,
        to_state="enrolling",
    )

    invite(running_bot, f"<@{CAT}|cat>")
    drain(make_dispatcher(uow_factory, fake))

    [dm] = fake.messages(CAT)
    assert "one conversation every 4 weeks for 16 weeks" in json.dumps(dm)


def test_without_a_cohort_the_admin_is_told_how_to_create_one(running_bot, uow_factory, executives):
    answer = invite(running_bot, f"<@{ANN}|ann>")
    assert answer["text"] == "There is no cohort yet. `/mentor-admin cohort` opens the form to create one."
    assert count_rows(uow_factory, Person) == 0
    assert running_bot.fake.calls_to("users.info") == [], "nobody is looked up for nothing"


def test_a_cohort_past_enrolment_takes_no_invitations(running_bot, uow_factory, executives):
    team_id = running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id)
    for state in ("enrolling", "active"):
        cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=team_id,
            cohort_id=cohort.id,
            actor_user_id=ADMIN_USER_ID,
            to_state=state,
        )
    answer = invite(running_bot, f"<@{ANN}|ann>")
    assert answer["text"].startswith("*Spring 2026* is active, so its enrolment is over")
    assert "`/mentor-admin cohort`" in answer["text"]
    assert count_rows(uow_factory, Enrollment) == 0


@pytest.mark.parametrize(
    ("text", "expected", "hint"),
    [
        ("", "Who should I invite?", None),
        ("   ", "Who should I invite?", None),
        ("@bob", "I could not find anyone to invite in that", "`@bob`: type @ and pick the person"),
        ("bob@example.com, <#C0GENERAL|general>", "I could not find anyone", "that is a channel"),
        ("<!here> 💃 " + "ü" * 3000, "I could not find anyone", "that is a group"),
        (" ".join(f"U0MANY{n:04d}" for n in range(60)), "That names 60 people", "at most 50"),
    ],
)
def test_bad_input_gets_a_helpful_answer_with_the_usage_and_changes_nothing(
    running_bot, uow_factory, executives, text, expected, hint
):
    make_cohort(uow_factory, team_id=running_bot.fake.team_id)
    answer = invite(running_bot, text)
    assert_valid_message(answer)
    assert answer["text"].startswith(expected)
    rendered = json.dumps(answer, ensure_ascii=False)
    assert USAGE_LINE in rendered
    if hint:
        assert hint in rendered
    assert count_rows(uow_factory, Enrollment) == 0
    assert count_rows(uow_factory, OutboxMessage) == 0
    assert running_bot.fake.calls_to("users.info") == []


def test_fifty_people_at_once_are_all_invited(running_bot, uow_factory):
    fake = running_bot.fake
    many = [f"U0MANY{n:04d}" for n in range(50)]
    for user_id in many:
        fake.add_user(user_id, name=user_id.lower(), tz="Europe/Berlin")
    make_cohort(uow_factory, team_id=fake.team_id)
    answer = invite(running_bot, " ".join(f"<@{user_id}|{user_id.lower()}>" for user_id in many))
    assert_valid_message(answer)
    assert sections(answer)[0].startswith(":white_check_mark: Invited 50 executives")
    assert count_rows(uow_factory, OutboxMessage) == 50


def test_slack_failing_to_say_who_someone_is_saves_nothing(running_bot, uow_factory, executives):
    fake = running_bot.fake
    make_cohort(uow_factory, team_id=fake.team_id)
    fake.script("users.info", slack_error("fatal_error"))
    answer = invite(running_bot, f"<@{ANN}|ann> <@{BOB}|bob>")
    assert "Slack did not answer in time" in answer["text"]
    assert count_rows(uow_factory, Person) == 0
    assert count_rows(uow_factory, OutboxMessage) == 0


def test_non_admins_cannot_invite(running_bot, uow_factory, executives):
    make_cohort(uow_factory, team_id=running_bot.fake.team_id)
    answer = invite(running_bot, f"<@{ANN}|ann>", user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
    assert count_rows(uow_factory, Enrollment) == 0
    assert count_rows(uow_factory, OutboxMessage) == 0
