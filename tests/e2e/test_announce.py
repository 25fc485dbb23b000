"""`/mentor-admin announce` through signed HTTP into the running app; the fake Slack shows what was posted."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.ids import ActionId
from bot.services import cohorts
from storage.models import AuditEvent, Cohort, CohortState
from tests.blockkit import assert_valid_message
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command
from tests.fakes.slack_api import server_error, slack_error

GENERAL, PRIVATE, OTHER = "C0GENERAL1", "G0PRIVATE1", "C0RANDOM01"
USAGE_LINE = "/mentor-admin announce #channel"


def announce(bot, text: str, *, user_id: str = ADMIN_USER_ID) -> dict:
    answer = run_command(bot, "/mentor-admin", f"announce {text}".strip(), user_id=user_id)
    assert answer["response_type"] == "ephemeral"
    return answer


def cohort_state(uow_factory) -> CohortState:
    with uow_factory() as uow:
        return uow.session.scalars(select(Cohort)).one().state


def audit_actions(uow_factory) -> list[tuple[str, dict]]:
    with uow_factory() as uow:
        events = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(event.action, event.details) for event in events]


def join_buttons(message: dict) -> list[dict]:
    return [
        element
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ActionId.JOIN
    ]


def test_the_call_is_posted_with_a_join_button_and_enrolment_opens(running_bot, uow_factory):
    fake = running_bot.fake
    cohort = make_cohort(uow_factory, team_id=fake.team_id, cadence_weeks=4)

    answer = announce(running_bot, f"<#{GENERAL}|general>")

    [call] = fake.messages(GENERAL)
    assert_valid_message(call)
    [join] = join_buttons(call)
    assert join["value"] == str(cohort.id)
    rendered = json.dumps(call)
    assert "Join reverse mentoring: Spring 2026" in rendered
    assert "one conversation every 4 weeks" in rendered
    assert "never your age or any demographic detail" in rendered
    assert "`/mentor join`" in rendered
    assert cohort_state(uow_factory) == CohortState.ENROLLING
    assert_valid_message(answer)
    assert answer["text"].startswith(f":mega: Posted the enrolment call for *Spring 2026* in <#{GENERAL}>")
    assert "moved from draft to enrolling" in answer["text"]
    assert audit_actions(uow_factory) == [
        ("cohort.create", audit_actions(uow_factory)[0][1]),
        ("cohort.state", {"from": "draft", "to": "enrolling"}),
        ("cohort.announce", {"channel_id": GENERAL, "ts": call["ts"]}),
    ]


def test_announcing_again_posts_again_and_keeps_the_cohort_enrolling(running_bot, uow_factory):
    fake = running_bot.fake
    make_cohort(uow_factory, team_id=fake.team_id)
    announce(running_bot, f"<#{GENERAL}>")

    again = announce(running_bot, f"{OTHER}")

    assert len(fake.messages(GENERAL)) == 1
    assert len(join_buttons(fake.messages(OTHER)[0])) == 1
    assert "The cohort was already enrolling." in again["text"]
    assert cohort_state(uow_factory) == CohortState.ENROLLING
    actions = [action for action, _ in audit_actions(uow_factory)]
    assert actions == ["cohort.create", "cohort.state", "cohort.announce", "cohort.announce"]


@pytest.mark.parametrize(
    ("channel", "error", "expected"),
    [
        (GENERAL, "not_in_channel", f"I am not a member of <#{GENERAL}>"),
        (PRIVATE, "channel_not_found", "private channels need an invitation too"),
    ],
)
def test_a_channel_without_the_bot_gets_how_to_add_it_and_the_cohort_stays_draft(
    running_bot, uow_factory, channel, error, expected
):
    fake = running_bot.fake
    make_cohort(uow_factory, team_id=fake.team_id)
    fake.script("chat.postMessage", slack_error(error))

    answer = announce(running_bot, f"<#{channel}|somewhere>")

    assert expected in answer["text"]
    assert "`/invite @Reverse Mentoring`" in answer["text"]
    assert "run `/mentor-admin announce`" in answer["text"]
    assert fake.messages(channel) == []
    assert cohort_state(uow_factory) == CohortState.DRAFT
    assert [action for action, _ in audit_actions(uow_factory)] == ["cohort.create"]

    retried = announce(running_bot, f"<#{channel}|somewhere>")
    assert "Posted the enrolment call" in retried["text"], "after adding the bot, the same command works"
    assert cohort_state(uow_factory) == CohortState.ENROLLING


def test_an_archived_channel_is_explained(running_bot, uow_factory):
    fake = running_bot.fake
    make_cohort(uow_factory, team_id=fake.team_id)
    fake.script("chat.postMessage", slack_error("is_archived"))
    answer = announce(running_bot, f"<#{GENERAL}|old>")
    assert f"<#{GENERAL}> is archived" in answer["text"]
    assert cohort_state(uow_factory) == CohortState.DRAFT


def test_slack_failing_leaves_the_cohort_draft_and_says_to_try_again(running_bot, uow_factory):
    fake = running_bot.fake
    make_cohort(uow_factory, team_id=fake.team_id)
    fake.script("chat.postMessage", *[server_error(status=503, error="service_unavailable")] * 3)
    answer = announce(running_bot, f"<#{GENERAL}|general>")
    assert "Slack did not answer in time" in answer["text"]
    assert cohort_state(uow_factory) == CohortState.DRAFT


@pytest.mark.parametrize(
    ("text", "expected", "hint"),
    [
        ("", "Which channel should I post the enrolment call in?", None),
        ("general", "I need a channel mention, like #general", "`general`: not a channel mention"),
        ("#general", "I need a channel mention", "`#general`: Slack did not recognise that channel"),
        (f"<@{EMPLOYEE_USER_ID}|emil>", "I need a channel mention", "`emil`: that is a person"),
        (f"<#{GENERAL}|general> <#{OTHER}|random>", "One channel at a time", None),
        (f"<#{GENERAL}|general> please", "I only need the channel", "`please`"),
        ("`" + "ü" * 3000 + "`", "I need a channel mention", None),
    ],
)
def test_bad_input_gets_a_helpful_answer_with_the_usage_and_posts_nothing(
    running_bot, uow_factory, text, expected, hint
):
    fake = running_bot.fake
    make_cohort(uow_factory, team_id=fake.team_id)
    answer = announce(running_bot, text)
    assert_valid_message(answer)
    assert answer["text"].startswith(expected)
    rendered = json.dumps(answer, ensure_ascii=False)
    assert USAGE_LINE in rendered
    if hint:
        assert hint in rendered
    assert fake.calls_to("chat.postMessage") == []
    assert cohort_state(uow_factory) == CohortState.DRAFT


def test_without_a_cohort_the_admin_is_told_how_to_create_one(running_bot):
    answer = announce(running_bot, f"<#{GENERAL}|general>")
    assert answer["text"] == "There is no cohort yet. `/mentor-admin cohort` opens the form to create one."
    assert running_bot.fake.calls_to("chat.postMessage") == []


def test_an_active_cohort_is_not_announced(running_bot, uow_factory):
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
    answer = announce(running_bot, f"<#{GENERAL}|general>")
    assert answer["text"].startswith("*Spring 2026* is active, so its enrolment is over")
    assert running_bot.fake.calls_to("chat.postMessage") == []


def test_non_admins_cannot_announce(running_bot, uow_factory):
    make_cohort(uow_factory, team_id=running_bot.fake.team_id)
    answer = announce(running_bot, f"<#{GENERAL}|general>", user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
    assert running_bot.fake.messages(GENERAL) == []
    assert cohort_state(uow_factory) == CohortState.DRAFT
