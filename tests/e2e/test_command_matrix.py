"""Across every command: admin rights are enforced everywhere, and odd input always gets a helpful answer."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.ids import ActionId, CallbackId
from handlers import admin_command
from storage.models import AuditEvent, Cohort, Enrollment, MatchRun, OutboxMessage, Pairing, Skill
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


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        (ActionId.COHORT_EDIT, "1"),
        (ActionId.MATCH_CONFIRM, "1:0"),
        (ActionId.MATCH_RERUN, "1:0"),
        (ActionId.PAIR_ANYWAY, f"1:{EMPLOYEE_USER_ID}:{ADMIN_USER_ID}"),
        (ActionId.SLIPPING_CONTACT, "1"),
        (ActionId.SLIPPING_UNPAIR, "1"),
        (ActionId.HOME_ADMIN_MATCH, "1"),
        (ActionId.HOME_ADMIN_NUDGE, "1"),
        (ActionId.HOME_ADMIN_REPORT, "1"),
        (ActionId.HOME_ADMIN_EXPORT, "1"),
        (ActionId.HOME_ADMIN_AUDIT, "1"),
    ],
)
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
