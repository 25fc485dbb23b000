"""`/mentor-admin export` and `/mentor export` through signed HTTP and the fake Slack.

The program is written to the database as the services leave it (see the integration tests);
the commands, the answers and the files that land in the DMs go through Slack.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.services.exports import AUDIT_ACTION
from storage.models import AuditEvent
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command
from tests.fakes.slack_api import slack_error
from tests.integration.test_export_service import (
    ANN,
    ANN_WILL_TRY,
    BOB,
    BOB_PRIVATE,
    BOB_SHARED,
    COMMENT_MARKER,
    NAMES,
    REFLECTION_MARKER,
    seed_program,
)


@pytest.fixture
def program(running_bot, uow_factory):
    for user_id, real_name in NAMES.items():
        running_bot.fake.add_user(user_id, name=user_id.lower(), real_name=real_name)
    return seed_program(uow_factory, team_id=running_bot.fake.team_id)


def text_of(answer: dict) -> str:
    return json.dumps(answer)


def audited_exports(uow_factory) -> list[AuditEvent]:
    with uow_factory() as uow:
        return list(uow.session.query(AuditEvent).filter(AuditEvent.action == AUDIT_ACTION))


def test_admin_export_lands_in_the_admins_dm_without_any_free_text(running_bot, uow_factory, program):
    answer = run_command(running_bot, "/mentor-admin", "export", user_id=ADMIN_USER_ID)

    assert answer["response_type"] == "ephemeral"
    assert "(2 pairs) is in your DM" in answer["text"]
    [uploaded] = running_bot.fake.uploaded_files
    assert uploaded.channel_id == f"D{ADMIN_USER_ID}"
    assert uploaded.filename.startswith("mentoring-spring-q1-2027-")
    assert uploaded.filename.endswith(".csv")
    assert uploaded.filename in answer["text"]
    content = uploaded.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 3
    assert [row[0] for row in rows[1:]] == [
        str(program.pairings["ann_bob"]),
        str(program.pairings["cat_dan"]),
    ]
    assert rows[1][1].startswith("'="), "a name that looks like a formula is neutralised"
    assert rows[1][3] == NAMES[BOB], "a name with a comma, quotes and a newline survives"
    for secret in (REFLECTION_MARKER, COMMENT_MARKER, ANN_WILL_TRY):
        assert secret not in content
        assert secret not in (uploaded.initial_comment or "")
    assert len(audited_exports(uow_factory)) == 1


def test_non_admin_cannot_export_the_program(running_bot, uow_factory, program):
    answer = run_command(running_bot, "/mentor-admin", "export", user_id=EMPLOYEE_USER_ID)

    assert "only program admins" in text_of(answer)
    assert running_bot.fake.uploaded_files == []
    assert audited_exports(uow_factory) == []


def test_admin_export_with_extra_words_shows_the_usage(running_bot, uow_factory, program):
    answer = run_command(running_bot, "/mentor-admin", "export everything", user_id=ADMIN_USER_ID)

    assert "takes nothing after it" in answer["text"]
    assert "`everything`" in answer["text"]
    assert running_bot.fake.uploaded_files == []
    assert audited_exports(uow_factory) == []


def test_admin_export_without_a_cohort_says_so(running_bot):
    answer = run_command(running_bot, "/mentor-admin", "export", user_id=ADMIN_USER_ID)

    assert "no cohort to export" in answer["text"]
    assert running_bot.fake.uploaded_files == []


def test_a_refused_upload_is_explained(running_bot, uow_factory, program):
    running_bot.fake.script("files.getUploadURLExternal", slack_error("not_allowed_token_type"))

    answer = run_command(running_bot, "/mentor-admin", "export", user_id=ADMIN_USER_ID)

    assert "could not upload" in answer["text"]
    assert running_bot.fake.uploaded_files == []


def test_my_learning_log_lands_in_my_dm_with_my_text_only(running_bot, program):
    answer = run_command(running_bot, "/mentor", "export", user_id=ANN)

    assert answer["response_type"] == "ephemeral"
    assert "(2 reflections, 2 check-in answers) is in your DM" in answer["text"]
    [uploaded] = running_bot.fake.uploaded_files
    assert uploaded.channel_id == f"D{ANN}"
    assert uploaded.filename.startswith("learning-log-")
    assert uploaded.filename.endswith(".md")
    log = uploaded.content.decode("utf-8")
    assert "run a retro" in log
    assert ANN_WILL_TRY in log
    assert BOB_PRIVATE not in log
    assert BOB_SHARED not in log


def test_an_empty_learning_log_answers_without_a_file(running_bot):
    answer = run_command(running_bot, "/mentor", "export", user_id=EMPLOYEE_USER_ID)

    assert answer["response_type"] == "ephemeral"
    assert "empty so far" in answer["text"]
    assert running_bot.fake.uploaded_files == []


def test_learning_log_with_extra_words_shows_the_usage(running_bot, program):
    answer = run_command(running_bot, "/mentor", "export all", user_id=ANN)

    assert "`/mentor export` takes nothing after it" in answer["text"]
    assert running_bot.fake.uploaded_files == []
