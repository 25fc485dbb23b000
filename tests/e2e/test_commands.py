"""`/mentor` and `/mentor-admin` through signed HTTP into the running app."""

from __future__ import annotations

import json
import logging
import re

from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID, WORKSPACE_ADMIN_USER_ID
from tests.fakes.slack_api import ok, server_error


def run_command(bot, command: str, text: str, *, user_id: str) -> dict:
    """Send a slash command and return what the bot answered through the response_url."""
    response_url = bot.fake.new_response_url()
    result = bot.slack.command(command, text, user_id=user_id, response_url=response_url)
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3, "Slack gives up after 3 seconds"
    return bot.fake.wait_for_response(response_url)


def test_mentor_without_text_answers_with_help(running_bot):
    answer = run_command(running_bot, "/mentor", "", user_id=EMPLOYEE_USER_ID)
    assert answer["response_type"] == "ephemeral"
    assert "/mentor help" in json.dumps(answer)
    assert "Reverse mentoring" in answer["text"]


def test_mentor_help_is_case_and_space_insensitive(running_bot):
    answer = run_command(running_bot, "/mentor", "  HeLp  ", user_id=EMPLOYEE_USER_ID)
    assert "/mentor help" in json.dumps(answer)
    assert "/mentor-admin" not in json.dumps(answer), "participants do not see admin commands"


def test_unknown_subcommand_says_so_and_shows_the_usage(running_bot):
    answer = run_command(running_bot, "/mentor", "dance <@U123|bob> 💃", user_id=EMPLOYEE_USER_ID)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("I don't know `/mentor dance`")
    assert "/mentor help" in json.dumps(answer)


def test_very_long_odd_text_still_gets_a_short_answer(running_bot):
    answer = run_command(running_bot, "/mentor", "`" + "ü" * 3000 + "`", user_id=EMPLOYEE_USER_ID)
    assert answer["text"].startswith("I don't know")
    assert len(answer["text"]) < 200


def test_listed_admin_gets_admin_help_without_asking_slack_who_they_are(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "help", user_id=ADMIN_USER_ID)
    rendered = json.dumps(answer)
    assert "/mentor-admin help" in rendered
    assert f"<@{ADMIN_USER_ID}>" in rendered
    assert running_bot.fake.calls_to("users.info") == []


def test_workspace_admin_counts_as_program_admin(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "", user_id=WORKSPACE_ADMIN_USER_ID)
    assert "/mentor-admin help" in json.dumps(answer)
    assert running_bot.fake.calls_to("users.info")[0].args["user"] == WORKSPACE_ADMIN_USER_ID


def test_non_admin_is_politely_refused(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "help", user_id=EMPLOYEE_USER_ID)
    assert answer["response_type"] == "ephemeral"
    assert "only program admins" in answer["text"]
    assert "/mentor help" in answer["text"]


def test_non_admin_is_refused_before_the_subcommand_is_even_parsed(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "match now please", user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]


def test_admin_unknown_subcommand_gets_admin_usage(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "explode", user_id=ADMIN_USER_ID)
    assert answer["text"].startswith("I don't know `/mentor-admin explode`")
    assert "/mentor-admin help" in json.dumps(answer)


def test_slack_failing_to_answer_gives_a_try_again_message(running_bot):
    running_bot.fake.script("users.info", server_error(500), server_error(503), server_error(500))
    answer = run_command(running_bot, "/mentor-admin", "help", user_id=EMPLOYEE_USER_ID)
    assert "Slack did not answer in time" in answer["text"]
    assert len(running_bot.fake.calls_to("users.info")) == 3, "two retries, then a clear answer"


def test_unexpected_error_gives_an_error_id_that_is_in_the_log(running_bot, caplog):
    running_bot.fake.script("users.info", ok())  # a malformed answer: no "user" at all
    with caplog.at_level(logging.ERROR, logger="mentor_bot.errors"):
        answer = run_command(running_bot, "/mentor-admin", "help", user_id=EMPLOYEE_USER_ID)
    match = re.search(r"error id `([0-9a-f]{8})`", answer["text"])
    assert match, answer["text"]
    assert "something went wrong on my side" in answer["text"]
    logged = [record for record in caplog.records if match.group(1) in record.getMessage()]
    assert logged, "the error id must lead to a log line"
    assert logged[0].exc_info is not None
    assert "/mentor-admin" in logged[0].getMessage()


def test_admin_status_shows_the_cohort_and_delivery_health(running_bot, uow_factory):
    from datetime import UTC, datetime, timedelta

    from bot.delivery import outbox

    team_id = running_bot.fake.team_id
    now = datetime.now(UTC)
    with uow_factory() as uow:
        for index in range(2):
            outbox.enqueue(
                uow,
                team_id=team_id,
                recipient=EMPLOYEE_USER_ID,
                kind="checkin",
                dedupe_key=f"k{index}",
                due_at=now - timedelta(hours=1),
                text="x",
            )
        uow.commit()
        [failed] = uow.outbox.claim_due(now=now, limit=1, lease=timedelta(seconds=60), token="t" * 32)
        uow.outbox.record_failed(message_id=failed.id, claim_token="t" * 32, error="invalid_blocks", at=now)
        uow.commit()
    answer = run_command(running_bot, "/mentor-admin", "status", user_id=ADMIN_USER_ID)
    rendered = json.dumps(answer)
    assert "There is no cohort yet" in rendered
    assert "sent 0, waiting 1, failed 1" in rendered
    assert "Oldest due message has waited 60 min" in rendered
    assert "checkin to <@U0EMPL001> failed: `invalid_blocks`" in rendered
    assert "scheduler running" in rendered, "an hour overdue is flagged"


def test_status_is_refused_to_non_admins(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "status", user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
