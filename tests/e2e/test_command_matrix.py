"""Across every command: admin rights are enforced everywhere, and odd input always gets a helpful answer."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from bot.ids import ActionId, CallbackId
from bot.views.cohort import cohort_metadata
from handlers import admin_command
from storage.models import AuditEvent, Cohort, Enrollment, MatchRun, OutboxMessage, Pairing, Skill
from tests.cohort_kit import cohort_form_values, make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command

# One call per admin subcommand, with arguments that would change something if allowed.
ADMIN_CALLS = {
    "": "",
    "help": "help",
    "status": "status",
    "cohort": "cohort new",
    "skills": "skills add employee Prompt engineering",
    "invite": f"invite <@{EMPLOYEE_USER_ID}>",
    "announce": "announce <#C0GENERAL1|general>",
    "match": "match",
    "pair": f"pair <@{EMPLOYEE_USER_ID}> <@{ADMIN_USER_ID}>",
    "unpair": f"unpair <@{EMPLOYEE_USER_ID}>",
    "nudge": "nudge",
    "close": "close",
    "remove": f"remove <@{EMPLOYEE_USER_ID}>",
    "export": "export",
    "audit": "audit 2",
    "report": "report",
}

ODD_MENTOR_TEXTS = [
    "",
    "   ",
    "dance",
    "x" * 4000,
    "ünïcödé ✨ 你好",
    "\u200b",
    "join now please",
    "pause two",
    "pause -1",
    "leave <@U0NOBODY1>",
    "status 🤖",
    "<script>&amp;&lt;",
    "reflect",
    "reflect on <@U0NOBODY1>",
    "export",
    "export please",
]
ODD_ADMIN_TEXTS = [
    "bogus",
    "x" * 4000,
    "ünïcödé ✨",
    "invite",
    "invite <@U0NOBODY1>",
    "invite @bob bob@example.com",
    "announce",
    "announce general",
    "skills frobnicate",
    "skills rename",
    "cohort banana",
    "status 🤖",
    "match now please",
    "pair",
    "pair <@U0NOBODY1>",
    "pair @bob @alice",
    "pair <@U0NOBODY1> <@U0NOBODY2>",
    "unpair",
    "unpair <@U0NOBODY1> <@U0NOBODY2>",
    "unpair <@U0NOBODY1>",
    "nudge",
    "nudge everyone now",
    "close",
    "close now please",
    "CLOSE <#C0GENERAL1|general>",
    "remove",
    "remove @bob",
    "remove <@U0NOBODY1>",
    "export",
    "export all of it",
    "audit",
    "audit -1",
    "audit page two",
    "report",
    "report for everyone",
]


# Every admin button, with a value that would change something if allowed.
ADMIN_BUTTONS = {
    ActionId.COHORT_EDIT: "1",
    ActionId.MATCH_CONFIRM: "1:0",
    ActionId.MATCH_RERUN: "1:0",
    ActionId.PAIR_ANYWAY: f"1:{EMPLOYEE_USER_ID}:{ADMIN_USER_ID}",
    ActionId.SLIPPING_CONTACT: "1",
    ActionId.SLIPPING_UNPAIR: "1",
    ActionId.HOME_ADMIN_MATCH: "1",
    ActionId.HOME_ADMIN_NUDGE: "1",
    ActionId.HOME_ADMIN_REPORT: "1",
    ActionId.HOME_ADMIN_EXPORT: "1",
    ActionId.HOME_ADMIN_AUDIT: "1",
}
# Buttons for everyone: each acts only for the person who clicks (the services check it).
PARTICIPANT_BUTTONS = {
    ActionId.OPEN_HELP,
    ActionId.JOIN,
    ActionId.OPEN_SURVEY,
    ActionId.PAUSE,
    ActionId.RESUME,
    ActionId.LEAVE,
    ActionId.CHECKIN_MET,
    ActionId.CHECKIN_NOT_YET,
    ActionId.CHECKIN_PAUSE,
    ActionId.OPEN_PROGRAM_SURVEY,
}
# Inputs inside modals: read from the submission, never sent on their own.
MODAL_INPUTS = {
    ActionId.COHORT_FIELD,
    ActionId.SURVEY_FIELD,
    ActionId.LEAVE_DELETE_DATA,
    ActionId.REFLECTION_FIELD,
    ActionId.PROGRAM_SURVEY_FIELD,
}
ADMIN_HOME_BUTTONS = [action_id for action_id in ADMIN_BUTTONS if action_id.startswith("home_admin_")]
NOT_AN_ADMIN = "only program admins"


def table_counts(uow_factory) -> dict[str, int]:
    with uow_factory() as uow:
        return {
            model.__tablename__: uow.session.scalar(select(func.count()).select_from(model))
            for model in (Cohort, Skill, Enrollment, OutboxMessage, AuditEvent, Pairing, MatchRun)
        }


def test_every_admin_subcommand_is_covered_here():
    assert set(ADMIN_CALLS) == set(admin_command.SUBCOMMANDS)


@pytest.mark.parametrize("text", list(ADMIN_CALLS.values()), ids=list(ADMIN_CALLS))
def test_a_non_admin_is_refused_every_admin_subcommand_and_nothing_changes(running_bot, uow_factory, text):
    before = table_counts(uow_factory)
    answer = run_command(running_bot, "/mentor-admin", text, user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
    assert table_counts(uow_factory) == before
    assert running_bot.fake.calls_to("views.open") == []


@pytest.mark.parametrize(("action_id", "value"), list(ADMIN_BUTTONS.items()))
def test_a_non_admin_clicking_an_admin_button_is_refused(running_bot, uow_factory, action_id, value):
    before = table_counts(uow_factory)
    response_url = running_bot.fake.new_response_url()
    result = running_bot.slack.block_action(
        user_id=EMPLOYEE_USER_ID,
        action_id=action_id,
        value=value,
        response_url=response_url,
        message={"ts": "1.2", "text": "cohort"},
        channel_id="D0ADMIN01",
    )
    assert result.status == 200
    assert "only program admins" in running_bot.fake.wait_for_response(response_url)["text"]
    assert running_bot.fake.calls_to("views.open") == []
    assert table_counts(uow_factory) == before


def test_every_button_is_either_an_admin_button_or_for_everyone():
    """A new button must be placed here, so that the matrix below covers it if it is for admins."""
    assert not set(ADMIN_BUTTONS) & PARTICIPANT_BUTTONS
    assert set(ADMIN_BUTTONS) | PARTICIPANT_BUTTONS | MODAL_INPUTS == set(ActionId)


@pytest.mark.parametrize("action_id", ADMIN_HOME_BUTTONS)
@pytest.mark.parametrize("user_id", [EMPLOYEE_USER_ID, "U0NOBODY1"])
def test_a_non_admin_clicking_a_dashboard_button_on_the_home_tab_is_told_in_a_dm(
    running_bot, uow_factory, action_id, user_id
):
    """A Home-tab click has no response_url: the refusal goes to the clicker's DM, and nothing changes."""
    running_bot.fake.add_user("U0NOBODY1", name="nobody")
    before = table_counts(uow_factory)
    result = running_bot.slack.block_action(
        user_id=user_id,
        action_id=action_id,
        value=ADMIN_BUTTONS[action_id],
        view={"type": "home", "callback_id": "", "blocks": []},
    )
    assert result.status == 200
    refusal = running_bot.fake.wait_for_call("chat.postMessage")
    assert refusal.args["channel"] == user_id
    assert NOT_AN_ADMIN in refusal.args["text"]
    assert table_counts(uow_factory) == before
    assert running_bot.fake.calls_to("files.completeUploadExternal") == []


@pytest.mark.parametrize(("action_id", "value"), list(ADMIN_BUTTONS.items()))
def test_an_admin_clicking_an_admin_button_is_not_refused(running_bot, action_id, value):
    """The other half of the matrix: the refusal above is about who clicks, not a blanket no."""
    response_url = running_bot.fake.new_response_url()
    result = running_bot.slack.block_action(
        user_id=ADMIN_USER_ID,
        action_id=action_id,
        value=value,
        response_url=response_url,
        message={"ts": "1.2", "text": "cohort"},
        channel_id="D0ADMIN01",
    )
    assert result.status == 200
    deadline = time.monotonic() + 5
    answers: list[str] = []
    while not answers and time.monotonic() < deadline:
        time.sleep(0.02)
        answers = [r.get("text", "") for r in running_bot.fake.responses(response_url)] + [
            call.args.get("text", "") for call in running_bot.fake.calls_to("chat.postMessage")
        ]
    assert answers, f"{action_id}: no answer"
    assert not any(NOT_AN_ADMIN in text for text in answers), answers


@pytest.mark.parametrize("existing", [False, True])
def test_a_forged_cohort_modal_by_a_non_admin_creates_or_edits_nothing(running_bot, uow_factory, existing):
    cohort_id = make_cohort(uow_factory, team_id=running_bot.fake.team_id).id if existing else None
    before = table_counts(uow_factory)
    result = running_bot.slack.view_submission(
        user_id=EMPLOYEE_USER_ID,
        callback_id=CallbackId.COHORT_MODAL,
        values=cohort_form_values(name="Hijacked"),
        private_metadata=cohort_metadata(cohort_id),
    )
    assert result.status == 200
    assert result.json()["response_action"] == "update"
    assert NOT_AN_ADMIN in json.dumps(result.json()["view"])
    assert table_counts(uow_factory) == before
    with uow_factory() as uow:
        assert "Hijacked" not in {cohort.name for cohort in uow.session.scalars(select(Cohort))}


def test_a_forged_admin_modal_submission_by_a_non_admin_saves_nothing(running_bot, uow_factory):
    result = running_bot.slack.view_submission(
        user_id=EMPLOYEE_USER_ID, callback_id=CallbackId.COHORT_MODAL, values={}
    )
    assert result.status == 200
    assert "only program admins" in result.body
    assert table_counts(uow_factory)["cohort"] == 0


@pytest.mark.parametrize(
    ("command", "user_id", "text"),
    [("/mentor", EMPLOYEE_USER_ID, text) for text in ODD_MENTOR_TEXTS]
    + [("/mentor-admin", ADMIN_USER_ID, text) for text in ODD_ADMIN_TEXTS],
)
def test_odd_input_always_gets_a_short_helpful_private_answer(running_bot, command, user_id, text):
    answer = run_command(running_bot, command, text, user_id=user_id)
    assert answer.get("response_type") == "ephemeral"
    assert answer["text"].strip()
    assert len(answer["text"]) < 4000
    assert "something went wrong" not in json.dumps(answer), "odd input is not an unexpected error"
