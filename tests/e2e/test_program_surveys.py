"""The midpoint and closing surveys and `/mentor-admin close`, through signed HTTP, the planner and
the dispatcher, on a simulated clock.

Two pairs in a four-week cohort meeting weekly from Monday 1 March 2027 (midpoint Monday
15 March, end Monday 29 March); a fifth person answered the survey but found no partner.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.ids import ActionId, BlockId, CallbackId
from bot.services.program_surveys import plan_program_surveys
from storage.models import AuditEvent, Cohort, CohortState, Pairing, PairingState, PersonRole, SurveyResponse
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.delivery_kit import Clock, make_dispatcher
from tests.e2e.test_commands import run_command
from tests.fakes.slack_requests import (
    multi_static_select_value,
    plain_text_value,
    radio_buttons_value,
    static_select_value,
)
from tests.matching_kit import skill_ids
from tests.rhythm_kit import button, enrol_and_confirm

START = date(2027, 3, 1)
EMPLOYEE, EXECUTIVE = PersonRole.EMPLOYEE, PersonRole.EXECUTIVE
PEOPLE = [
    ("U0EMPLON1", EMPLOYEE, "Europe/London", ["ai-tools"], ["leadership"]),
    ("U0EXEPAR1", EXECUTIVE, "Europe/Paris", ["leadership"], ["ai-tools"]),
    ("U0EMPNYC1", EMPLOYEE, "America/New_York", ["social-media"], ["strategy"]),
    ("U0EXETYO1", EXECUTIVE, "Asia/Tokyo", ["strategy"], ["social-media"]),
]
PARTICIPANTS = [user_id for user_id, *_ in PEOPLE]
LONELY = "U0EMPBER1"
FIELD = ActionId.PROGRAM_SURVEY_FIELD


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 2, 24, 12, tzinfo=UTC))


@pytest.fixture
def bot_clock(clock):
    return clock


class Program:
    """The running bot, the survey planner and the dispatcher, driven by the simulated clock."""

    def __init__(self, bot, uow_factory, settings, clock: Clock) -> None:
        self.bot, self.uow_factory, self.settings, self.clock = bot, uow_factory, settings, clock
        self.dispatcher = make_dispatcher(uow_factory, bot.fake, clock=clock)

    def tick(self) -> None:
        plan_program_surveys(
            uow=self.uow_factory(), now=self.clock(), window=self.settings.send_window, default_timezone="UTC"
        )
        for _ in range(5):
            if self.dispatcher.run_once().handled == 0:
                break

    def run_until(self, when: datetime, *, step: timedelta = timedelta(hours=1)) -> None:
        while self.clock() < when:
            self.clock.advance(step)
            self.tick()

    def surveys(self, user_id: str) -> list[dict]:
        """Survey DMs in the person's DM, oldest first."""
        return [m for m in self.bot.fake.messages(f"D{user_id}") if button(m, ActionId.OPEN_PROGRAM_SURVEY)]

    def open(self, user_id: str, message: dict, *, as_user: str | None = None) -> dict | str:
        """Click "Answer the survey": the modal opened, or the private answer when refused."""
        opened = len(self.bot.fake.calls_to("views.open"))
        response_url = self.bot.fake.new_response_url()
        result = self.bot.slack.block_action(
            user_id=as_user or user_id,
            action_id=ActionId.OPEN_PROGRAM_SURVEY,
            value=button(message, ActionId.OPEN_PROGRAM_SURVEY)["value"],
            response_url=response_url,
            message={"ts": message["ts"], "text": message["text"]},
            channel_id=f"D{user_id}",
        )
        assert result.status == 200
        if as_user is not None:
            return self.bot.fake.wait_for_response(response_url)["text"]
        calls = self.bot.fake.calls_to("views.open")
        assert len(calls) == opened + 1
        return calls[-1].args["view"]

    def submit(self, user_id: str, view: dict, values: dict) -> dict:
        result = self.bot.slack.view_submission(
            user_id=user_id,
            callback_id=CallbackId.PROGRAM_SURVEY_MODAL,
            private_metadata=view["private_metadata"],
            values=values,
        )
        assert result.status == 200
        return result.json()

    def responses(self) -> list[SurveyResponse]:
        with self.uow_factory() as uow:
            return list(uow.session.query(SurveyResponse).order_by(SurveyResponse.id))


def answers(*, satisfaction="5", again="yes", skills=(), comments=None) -> dict:
    return {
        BlockId.PROGRAM_SURVEY_SATISFACTION: {FIELD: static_select_value(satisfaction)},
        BlockId.PROGRAM_SURVEY_AGAIN: {FIELD: radio_buttons_value(again)},
        BlockId.PROGRAM_SURVEY_SKILLS: {FIELD: multi_static_select_value(list(skills))},
        BlockId.PROGRAM_SURVEY_COMMENTS: {FIELD: plain_text_value(comments)},
    }


@pytest.fixture
def program(running_bot, uow_factory, settings, clock) -> Program:
    team_id = running_bot.fake.team_id
    cohort = make_cohort(
        uow_factory,
        team_id=team_id,
        state=CohortState.ENROLLING,
        name="Spring & Co",
        start_date=START,
        weeks=4,
        cadence_weeks=1,
    )
    lonely = (LONELY, EMPLOYEE, "Europe/Berlin", ["wellbeing"], ["career-growth"])
    enrol_and_confirm(running_bot, uow_factory, cohort_id=cohort.id, people=[*PEOPLE, lonely])
    return Program(running_bot, uow_factory, settings, clock)


def test_the_midpoint_survey_arrives_half_way_and_is_answered(program):
    london = PARTICIPANTS[0]
    program.run_until(datetime(2027, 3, 14, 12, tzinfo=UTC))
    assert all(program.surveys(user_id) == [] for user_id in PARTICIPANTS)

    # Monday 15 March: each gets it once, in the morning of their own day.
    program.run_until(datetime(2027, 3, 16, 12, tzinfo=UTC))
    for user_id in PARTICIPANTS:
        assert len(program.surveys(user_id)) == 1, user_id
    assert program.surveys(LONELY) == []
    dm = program.surveys(london)[0]
    assert "half-way" in dm["text"]

    view = program.open(london, dm)
    assert view["title"]["text"] == "Midpoint survey"
    skills = skill_ids(program.uow_factory, team_id=program.bot.fake.team_id)
    done = program.submit(london, view, answers(satisfaction="4", skills=[str(skills["leadership"])]))
    assert done["response_action"] == "update"
    assert "saved" in json.dumps(done["view"])
    [saved] = program.responses()
    assert (saved.kind, saved.satisfaction, saved.again, saved.skills_gained) == (
        "midpoint",
        4,
        "yes",
        [skills["leadership"]],
    )

    # A week later: nothing new.
    program.run_until(datetime(2027, 3, 23, 12, tzinfo=UTC))
    assert all(len(program.surveys(user_id)) == 1 for user_id in PARTICIPANTS)


def test_close_ends_the_cohort_and_everyone_who_took_part_answers_the_closing_survey(program):
    london, paris, new_york, _tokyo = PARTICIPANTS
    program.clock.set(datetime(2027, 3, 10, 12, tzinfo=UTC))

    refused = run_command(program.bot, "/mentor-admin", "close", user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in refused["text"]
    careful = run_command(program.bot, "/mentor-admin", "close now please", user_id=ADMIN_USER_ID)
    assert "closed nothing" in careful["text"]
    with program.uow_factory() as uow:
        assert uow.session.query(Cohort).one().state == CohortState.ACTIVE

    answer = run_command(program.bot, "/mentor-admin", "close", user_id=ADMIN_USER_ID)
    assert answer["response_type"] == "ephemeral"
    assert "is closed" in answer["text"]
    assert "Spring &amp; Co" in answer["text"]
    assert "2 pairings ended" in answer["text"]
    assert "closing survey goes to 4 participants" in answer["text"]
    with program.uow_factory() as uow:
        assert uow.session.query(Cohort).one().state == CohortState.CLOSED
        assert {p.state for p in uow.session.query(Pairing)} == {PairingState.ENDED}
        assert uow.session.query(AuditEvent).filter(AuditEvent.action == "cohort.close").count() == 1

    again = run_command(program.bot, "/mentor-admin", "close", user_id=ADMIN_USER_ID)
    assert "no active cohort" in again["text"]

    # The DMs go out at each person's next working moment, once, whatever the planner does later.
    program.run_until(datetime(2027, 3, 12, 12, tzinfo=UTC))
    program.run_until(datetime(2027, 4, 5, 12, tzinfo=UTC), step=timedelta(days=1))
    for user_id in PARTICIPANTS:
        assert len(program.surveys(user_id)) == 1, user_id
    assert program.surveys(LONELY) == []
    dm = program.surveys(paris)[0]
    assert "come to an end" in dm["text"]

    # Someone else's click is refused; the recipient's opens the closing survey.
    assert "nothing for you to answer" in program.open(paris, dm, as_user=LONELY)
    view = program.open(paris, dm)
    assert view["title"]["text"] == "Closing survey"

    # A bad submission gets its mistakes inline and saves nothing.
    bad = program.submit(paris, view, answers(satisfaction=None, again="perhaps", comments="x" * 2001))
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {
        BlockId.PROGRAM_SURVEY_SATISFACTION,
        BlockId.PROGRAM_SURVEY_AGAIN,
        BlockId.PROGRAM_SURVEY_COMMENTS,
    }
    assert program.responses() == []

    first = program.submit(paris, view, answers(satisfaction="3", again="maybe", comments="More structure."))
    assert "saved" in json.dumps(first["view"])
    # Answering again (the button shows the saved answers) updates the same row.
    reopened = program.open(paris, dm)
    assert reopened["submit"]["text"] == "Save"
    second = program.submit(paris, reopened, answers(satisfaction="5", again="yes"))
    assert "updated" in json.dumps(second["view"])
    [stored] = program.responses()
    assert (stored.kind, stored.satisfaction, stored.again, stored.comments) == ("closing", 5, "yes", None)

    # Others answer too, weeks after the close.
    for user_id in (london, new_york):
        view = program.open(user_id, program.surveys(user_id)[0])
        assert program.submit(user_id, view, answers())["response_action"] == "update"
    assert len(program.responses()) == 3


def test_a_forged_survey_submission_is_refused_with_the_reason(program):
    result = program.bot.slack.view_submission(
        user_id=PARTICIPANTS[0],
        callback_id=CallbackId.PROGRAM_SURVEY_MODAL,
        private_metadata='{"cohort_id": 999, "kind": "closing"}',
        values=answers(),
    )
    assert result.status == 200
    body = result.json()
    assert body["response_action"] == "update"
    assert "cannot find" in json.dumps(body["view"])
    unreadable = program.bot.slack.view_submission(
        user_id=PARTICIPANTS[0], callback_id=CallbackId.PROGRAM_SURVEY_MODAL, private_metadata="?", values={}
    )
    assert "could not read this form" in unreadable.body
    assert program.responses() == []
