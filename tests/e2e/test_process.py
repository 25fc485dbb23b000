"""The `mentor-bot` command as a real process: settings errors, migrations, serving, shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot import __version__
from bot.ids import ActionId, BlockId, CallbackId
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID, SIGNING_SECRET
from tests.fakes.slack_requests import SlackRequestSender, plain_text_value, static_select_value

BIN = Path(sys.executable).parent
MENTOR_BOT = str(BIN / "mentor-bot")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment (already cleaned by the autouse fixture) plus `extra`."""
    return {**os.environ, **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_console_script_reports_its_version():
    result = subprocess.run(
        [MENTOR_BOT, "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"mentor-bot {__version__}"


def test_every_command_has_help():
    for args in (["--help"], ["run", "--help"], ["db", "--help"], ["db", "upgrade", "--help"]):
        result = subprocess.run([MENTOR_BOT, *args], capture_output=True, text=True, timeout=30, check=False)
        assert result.returncode == 0, args
        assert "usage: mentor-bot" in result.stdout


def test_run_without_slack_settings_exits_2_naming_each_missing_variable(tmp_path):
    result = subprocess.run(
        [MENTOR_BOT, "run"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env=clean_env(),
        check=False,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is missing" in result.stderr
    assert "SLACK_SIGNING_SECRET is missing" in result.stderr
    assert not (tmp_path / "mentor-bot.db").exists(), "nothing is touched before the configuration is valid"


def test_a_wrong_log_level_or_format_is_a_settings_problem_not_a_traceback(tmp_path):
    # LOG_LEVEL=chatty used to crash logging.basicConfig before the settings were checked.
    result = subprocess.run(
        [MENTOR_BOT, "run"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env=clean_env(LOG_LEVEL="chatty", LOG_FORMAT="xml"),
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "LOG_LEVEL must be one of" in result.stderr
    assert "LOG_FORMAT must be text" in result.stderr


def test_env_file_is_read_but_the_shell_wins(tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_APP_TOKEN=not-valid\n")
    result = subprocess.run(
        [MENTOR_BOT, "run"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env=clean_env(SLACK_APP_TOKEN="also-not-valid"),
        check=False,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" not in result.stderr, "the token came from .env"
    assert "SLACK_APP_TOKEN must be an app-level token" in result.stderr
    assert "not-valid" not in result.stderr


def test_db_upgrade_creates_and_migrates_the_database(tmp_path):
    database = tmp_path / "data" / "bot.db"
    env = clean_env(DATABASE_URL=f"sqlite:///{database}")
    for _ in range(2):  # repeating it is harmless
        result = subprocess.run(
            [MENTOR_BOT, "db", "upgrade"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "is at revision" in result.stdout
    assert database.exists()


def test_db_upgrade_against_an_unreachable_server_explains_without_the_password(tmp_path):
    env = clean_env(DATABASE_URL="postgresql://mentor:hunter2@127.0.0.1:9/mentor?connect_timeout=2")
    result = subprocess.run(
        [MENTOR_BOT, "db", "upgrade"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "Could not use the database" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the bot exited early: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError("the bot never became healthy")


@pytest.mark.slow
def test_run_serves_health_and_help_then_stops_cleanly_on_sigterm(tmp_path, fake_slack):
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    process = subprocess.Popen(
        [MENTOR_BOT, "run", "--http", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_for_health(url, process)["status"] == "ok"

        sender = SlackRequestSender(
            endpoint_url=url + "/slack/events", signing_secret=SIGNING_SECRET, team_id=fake_slack.team_id
        )
        response_url = fake_slack.new_response_url()
        result = sender.command("/mentor", "help", user_id=EMPLOYEE_USER_ID, response_url=response_url)
        assert result.status == 200
        assert result.elapsed_seconds < 1.0, "well within Slack's 3 seconds"
        answer = fake_slack.wait_for_response(response_url)
        assert "/mentor help" in json.dumps(answer)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        stderr = process.stderr.read()
        assert "shutting down" in stderr
        assert fake_slack.bot_token not in stderr
        assert SIGNING_SECRET not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_run_with_a_token_slack_rejects_exits_2(tmp_path, fake_slack):
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-revoked",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    result = subprocess.run(
        [MENTOR_BOT, "run", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "Check SLACK_BOT_TOKEN" in result.stderr
    assert "xoxb-revoked" not in result.stderr


@pytest.mark.slow
def test_debug_json_logs_are_one_json_object_a_line_without_tokens_or_what_people_wrote(tmp_path, fake_slack):
    marker = "REFLECTION-5ecret what I learned"
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_APP_TOKEN=fake_slack.app_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        MENTOR_ADMINS=ADMIN_USER_ID,
        LOG_LEVEL="DEBUG",
        LOG_FORMAT="json",
    )
    process = subprocess.Popen(
        [MENTOR_BOT, "run", "--http", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, process)
        sender = SlackRequestSender(
            endpoint_url=url + "/slack/events", signing_secret=SIGNING_SECRET, team_id=fake_slack.team_id
        )
        for command, text, user_id in (
            ("/mentor", "help", EMPLOYEE_USER_ID),
            ("/mentor", f"dance {marker}", EMPLOYEE_USER_ID),
            ("/mentor-admin", "status", ADMIN_USER_ID),
            ("/mentor-admin", "status", EMPLOYEE_USER_ID),
        ):
            response_url = fake_slack.new_response_url()
            assert sender.command(command, text, user_id=user_id, response_url=response_url).status == 200
            fake_slack.wait_for_response(response_url)
        submitted = sender.view_submission(
            user_id=EMPLOYEE_USER_ID,
            callback_id=CallbackId.REFLECTION_MODAL,
            private_metadata='{"pairing_id": 1, "period": 1}',
            values={
                BlockId.REFLECTION_LEARNED: {ActionId.REFLECTION_FIELD: plain_text_value(marker)},
                BlockId.REFLECTION_RATING: {ActionId.REFLECTION_FIELD: static_select_value("4")},
            },
        )
        assert submitted.status == 200

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        stderr = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    entries = [json.loads(line) for line in stderr.splitlines()]
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert any(entry["level"] == "DEBUG" for entry in entries), "DEBUG is on"
    assert any("starting in http mode" in entry["message"] for entry in entries)
    for secret in (fake_slack.bot_token, fake_slack.app_token, SIGNING_SECRET, marker):
        assert secret not in stderr
