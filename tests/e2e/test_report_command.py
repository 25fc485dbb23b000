"""`/mentor-admin report` through signed HTTP into the running app, with the fake Slack Web API:
the ephemeral report, the chart uploaded to the admin's DM, and `send_report` for DMs.

The cohort is the known one of the service's integration test, read on Tuesday 6 April 2027.
"""

from __future__ import annotations

import json
import logging
import struct

import pytest

from bot.services.access import AdminPolicy
from bot.slack_gateway import SlackGateway, build_web_client
from handlers.deps import HandlerDeps
from handlers.reports import send_report
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command
from tests.fakes.slack_api import slack_error
from tests.integration.test_report_service import E2, MARKERS, NOW, X2, build_known_cohort

CHART_NAME = "mentoring-report-spring-2027-co-2027-04-06.png"


@pytest.fixture
def bot_clock():
    return lambda: NOW


@pytest.fixture
def cohort(running_bot, uow_factory) -> int:
    return build_known_cohort(uow_factory, team_id=running_bot.fake.team_id)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def block_texts(body: dict) -> str:
    return json.dumps(body["blocks"], ensure_ascii=False)


def test_report_answers_with_the_numbers_and_puts_the_chart_in_the_admins_dm(running_bot, cohort):
    answer = run_command(running_bot, "/mentor-admin", "report", user_id=ADMIN_USER_ID)

    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    assert answer["text"] == (
        "Mentoring report for Spring 2027 &amp; co: 8 enrolled, 1 invited, 3 live pairs, "
        "met rate so far 63%, 1 slipping."
    )
    shown = block_texts(answer)
    for expected in (
        "*Spring 2027 &amp; co* is active: period 3 of 3",
        "*Enrolled*\\n8",
        "*Matched*\\n7",
        "     1  1 Mar     3      4   75%      0     4",
        "     3  29 Mar    1      2  50%*      1     3",
        f"<@{E2}> and <@{X2}>: no meeting in periods 1–2",
        "*Average rating*\\n4.0 / 5 (3 rated)",
        "1. AI and new tools: 3 pairs",
        "*Midpoint survey*: 2 answers",
        "The chart of met rate and participation per period is in your DM with me.",
    ):
        assert expected in shown, expected

    [chart] = running_bot.fake.uploaded_files
    assert chart.filename == CHART_NAME
    assert chart.channel_id == f"D{ADMIN_USER_ID}"
    assert chart.title == "Met rate and participation: Spring 2027 & co"
    assert png_size(chart.content) == (1200, 600)


def test_private_text_never_reaches_any_admin_facing_message_file_or_log(
    running_bot, uow_factory, cohort, caplog
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    caplog.clear()

    answer = run_command(running_bot, "/mentor-admin", "report", user_id=ADMIN_USER_ID)
    assert send_report(
        deps=_deps(uow_factory),
        gateway=_gateway(running_bot.fake),
        team_id=running_bot.fake.team_id,
        user_id=ADMIN_USER_ID,
    )

    calls = json.dumps([call.args for call in running_bot.fake.calls], ensure_ascii=False, default=str)
    files = [f.content for f in running_bot.fake.uploaded_files]
    assert len(files) == 2
    assert "FROM reflection" in caplog.text, "SQL and fetched rows are logged, so the check means something"
    for marker in MARKERS:
        assert marker not in json.dumps(answer, ensure_ascii=False)
        assert marker not in calls
        assert all(marker.encode() not in content for content in files)
        assert marker not in caplog.text


def test_report_with_words_after_it_shows_the_usage(running_bot, cohort):
    answer = run_command(running_bot, "/mentor-admin", "report everything", user_id=ADMIN_USER_ID)
    assert answer["text"] == (
        "`/mentor-admin report` takes nothing after it; I did not understand `everything`."
    )
    assert running_bot.fake.uploaded_files == []


def test_report_without_a_cohort_says_how_to_start_one(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "report", user_id=ADMIN_USER_ID)
    assert answer["response_type"] == "ephemeral"
    assert "There is no cohort to report on yet" in answer["text"]


def test_report_is_for_admins_only(running_bot, cohort):
    answer = run_command(running_bot, "/mentor-admin", "report", user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
    assert "Enrolled" not in json.dumps(answer)
    assert running_bot.fake.uploaded_files == []


def test_a_refused_chart_upload_still_answers_with_the_report(running_bot, cohort):
    running_bot.fake.script("files.getUploadURLExternal", slack_error("not_allowed_token_type"))

    answer = run_command(running_bot, "/mentor-admin", "report", user_id=ADMIN_USER_ID)

    assert_valid_message(answer)
    assert "*Enrolled*\\n8" in block_texts(answer)
    assert "I could not attach the chart this time" in block_texts(answer)
    assert running_bot.fake.uploaded_files == []


def _deps(uow_factory) -> HandlerDeps:
    return HandlerDeps(
        uow=uow_factory,
        admin_policy=AdminPolicy(admin_user_ids=frozenset({ADMIN_USER_ID}), workspace_admins_count=False),
        clock=lambda: NOW,
    )


def _gateway(fake) -> SlackGateway:
    return SlackGateway(client=build_web_client(token=fake.bot_token, base_url=fake.base_url))


def test_send_report_posts_the_report_in_the_dm_followed_by_its_chart(fake_slack, uow_factory):
    build_known_cohort(uow_factory, team_id=fake_slack.team_id)

    sent = send_report(
        deps=_deps(uow_factory),
        gateway=_gateway(fake_slack),
        team_id=fake_slack.team_id,
        user_id=ADMIN_USER_ID,
    )

    assert sent is True
    report, shared_chart = fake_slack.messages(ADMIN_USER_ID)
    assert_valid_message(report)
    assert report["text"].startswith("Mentoring report for Spring 2027 &amp; co: 8 enrolled")
    assert "The chart of met rate and participation per period follows." in block_texts(report)
    assert shared_chart["text"] == (
        "Met rate and participation per period in *Spring 2027 &amp; co*, as of 2027-04-06 15:00 UTC."
    )
    [chart] = fake_slack.uploaded_files
    assert (chart.filename, chart.channel_id) == (CHART_NAME, f"D{ADMIN_USER_ID}")
    assert png_size(chart.content) == (1200, 600)


def test_send_report_says_so_in_the_dm_when_the_chart_is_refused(fake_slack, uow_factory):
    build_known_cohort(uow_factory, team_id=fake_slack.team_id)
    fake_slack.script("files.getUploadURLExternal", slack_error("not_allowed_token_type"))

    sent = send_report(
        deps=_deps(uow_factory),
        gateway=_gateway(fake_slack),
        team_id=fake_slack.team_id,
        user_id=ADMIN_USER_ID,
    )

    assert sent is False
    report, failure = fake_slack.messages(ADMIN_USER_ID)
    assert report["text"].startswith("Mentoring report for Spring 2027")
    assert "I could not attach the chart this time" in failure["text"]
    assert fake_slack.uploaded_files == []
