"""The deployment examples in `deploy/` stay true to the code: command, port, health path, settings.

Read as text (no Docker, no systemd needed); the container's health check script is run
against the bot's real WSGI app on a local port.
"""

from __future__ import annotations

import configparser
import dataclasses
import importlib.util
import inspect
import json
import re
import shlex
import socket
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path
from types import ModuleType

import pytest
from dotenv import dotenv_values
from slack_bolt import App

import bot.settings
from bot.cli import EXIT_CONFIG, build_parser
from bot.runtime import HttpServer
from bot.settings import Settings, load_settings
from bot.web import HEALTH_PATH, build_wsgi_app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
UNIT = DEPLOY / "mentor-bot.service"
ENV_EXAMPLE = DEPLOY / "mentor-bot.env.example"
HEALTHCHECK = DEPLOY / "healthcheck.py"
# Set by the Dockerfile or the unit for Python and libraries, not read by the bot.
NOT_BOT_SETTINGS = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "MPLCONFIGDIR"}
NOT_BOT_SETTINGS |= {"PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_CACHE_DIR"}


def setting_default(name: str) -> object:
    return next(f.default for f in dataclasses.fields(Settings) if f.name == name)


def variables_the_bot_reads() -> set[str]:
    """Every environment variable name bot/settings.py mentions (all settings are read there)."""
    return set(re.findall(r'"([A-Z][A-Z0-9_]+)"', inspect.getsource(bot.settings)))


def console_scripts() -> dict[str, str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(index for index, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def unit_file() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string(UNIT.read_text())
    return parser


def load_healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", HEALTHCHECK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def docker_excludes(path: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore rule, simplified: the last pattern matching the path or a parent wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        cleaned = pattern.removeprefix("!").rstrip("/")
        if any(fnmatchcase(candidate, cleaned) for candidate in candidates):
            excluded = not negated
    return excluded


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# ---- Dockerfile -----------------------------------------------------------------------------


def test_the_image_runs_the_console_script_that_migrates_then_serves():
    cmd = json.loads(dict(final_stage())["CMD"])
    assert cmd[0] in console_scripts(), "the CMD names the console script pyproject installs"
    assert cmd[1:] == ["run"]
    assert build_parser().parse_args(cmd[1:]).command == "run"


def test_the_image_uses_a_python_the_project_supports():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    lowest = tuple(int(part) for part in re.fullmatch(r">=(\d+)\.(\d+)", requires).groups())
    for name, arguments in dockerfile_instructions():
        if name == "FROM":
            version = re.match(r"python:(\d+)\.(\d+)-slim\b", arguments)
            assert version, arguments
            assert tuple(int(part) for part in version.groups()) >= lowest


def test_the_image_runs_as_a_dedicated_user_and_exposes_the_default_port():
    stage = final_stage()
    users = [arguments for name, arguments in stage if name == "USER"]
    assert users, "a USER instruction"
    assert users[-1] not in ("root", "0"), "the bot never runs as root"
    assert ("EXPOSE", str(setting_default("port"))) in stage
    assert ("STOPSIGNAL", "SIGTERM") in stage, "the signal the bot drains on"


def test_the_health_check_asks_the_path_and_port_the_bot_serves():
    healthcheck = load_healthcheck()
    assert healthcheck.HEALTH_PATH == HEALTH_PATH
    assert setting_default("port") == healthcheck.DEFAULT_PORT
    command = dict(final_stage())["HEALTHCHECK"]
    exec_form = json.loads(command[command.index("CMD") + len("CMD") :])
    assert exec_form[0] == "python"
    copied = [arguments.split() for name, arguments in final_stage() if name == "COPY"]
    assert ["deploy/healthcheck.py", exec_form[1]] in copied


def test_the_build_copies_only_what_the_package_is_built_from_and_dockerignore_lets_it_through():
    patterns = dockerignore_patterns()
    sources = [
        source
        for name, arguments in dockerfile_instructions()
        if name == "COPY" and not arguments.startswith("--from")
        for source in arguments.split()[:-1]
    ]
    assert {"pyproject.toml", "README.md", "bot", "handlers", "storage"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not docker_excludes(source, patterns), f"{source} is excluded from the build context"
    assert not docker_excludes("bot/app.py", patterns)
    assert not docker_excludes("storage/migrations/versions/x.py", patterns), "migrations ship in the image"
    for secret_or_local in (".env", "mentor-bot.db", ".venv/bin/python", ".git/config", "tests/conftest.py"):
        assert docker_excludes(secret_or_local, patterns), secret_or_local
    assert docker_excludes("bot/__pycache__/app.cpython-311.pyc", patterns)


def test_every_variable_the_dockerfile_sets_is_a_setting_or_a_known_library_one():
    for name, arguments in dockerfile_instructions():
        if name == "ENV":
            for variable in re.findall(r"([A-Z][A-Z0-9_]*)=", arguments):
                assert variable in variables_the_bot_reads() | NOT_BOT_SETTINGS, variable


# ---- systemd --------------------------------------------------------------------------------


def test_the_unit_runs_the_console_script_from_its_virtualenv_under_its_own_user():
    service = unit_file()["Service"]
    executable, *arguments = shlex.split(service["ExecStart"])
    assert Path(executable).name in console_scripts()
    assert Path(executable).parent.name == "bin"
    assert arguments == ["run"]
    assert build_parser().parse_args(arguments).command == "run"
    assert service["User"] not in ("root", "0")
    assert service["EnvironmentFile"].lstrip("-") == "/etc/mentor-bot.env"


def test_the_unit_restarts_on_failure_but_not_for_a_configuration_error():
    service = unit_file()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"].split() == [str(EXIT_CONFIG)]


def test_the_unit_is_hardened_with_a_writable_state_directory_as_working_directory():
    service = unit_file()["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    # ProtectSystem=strict leaves only the state directory writable: the SQLite file goes there.
    assert service["WorkingDirectory"] == f"/var/lib/{service['StateDirectory']}"


def test_the_stop_timeout_covers_the_http_drain_and_stays_within_the_delivery_lease():
    service = unit_file()["Service"]
    timeout = int(service["TimeoutStopSec"])
    drain = inspect.signature(HttpServer.stop).parameters["timeout"].default
    # Stopping waits for running requests (drain), then for the batch of messages in hand.
    assert timeout > 2 * drain
    # Waiting longer than the lease gains nothing: by then other processes recover the messages.
    assert timeout <= setting_default("delivery_lease_seconds")
    assert service["KillSignal"] == "SIGTERM"


def test_the_unit_sets_no_setting_the_bot_does_not_read():
    for line in UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            variable = line.removeprefix("Environment=").split("=", 1)[0]
            assert variable in variables_the_bot_reads() | NOT_BOT_SETTINGS, variable


# ---- the environment file -------------------------------------------------------------------


def test_the_env_example_names_only_real_settings_in_a_format_systemd_and_docker_both_read():
    lines = [
        line for line in ENV_EXAMPLE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    for line in lines:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\"'#\s]*", line), f"not a plain KEY=value line: {line!r}"
        assert line.split("=", 1)[0] in variables_the_bot_reads(), line


def test_the_env_example_is_a_valid_http_configuration_on_postgresql():
    values = {key: value for key, value in dotenv_values(ENV_EXAMPLE).items() if value is not None}
    settings = load_settings(values)
    assert settings.mode == "http", "behind a load balancer, not Socket Mode"
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.scheduler_enabled


# ---- the health check script, against the real WSGI app --------------------------------------


@pytest.fixture
def health_server():
    state = {"database_up": True}

    def ping() -> None:
        if not state["database_up"]:
            raise ConnectionError("database down")

    bolt_app = App(signing_secret="secret", token="xoxb-test", token_verification_enabled=False)
    server = HttpServer(
        wsgi_app=build_wsgi_app(bolt_app=bolt_app, health_check=ping), host="127.0.0.1", port=0
    )
    server.start()
    try:
        yield server, state
    finally:
        server.stop()


def test_the_health_check_passes_while_the_database_answers_and_fails_when_it_does_not(
    health_server, monkeypatch
):
    server, state = health_server
    healthcheck = load_healthcheck()
    # A proxy in the container's environment is not used: the request stays inside.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    environ = {"PORT": str(server.port), "HOST": "0.0.0.0"}

    status, line = healthcheck.check(environ)
    assert status == 0, line
    assert json.loads(line)["status"] == "ok"

    state["database_up"] = False
    status, line = healthcheck.check(environ)
    assert status == 1
    assert "503" in line


def test_the_health_check_fails_when_nothing_listens_and_passes_in_socket_mode():
    healthcheck = load_healthcheck()
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert healthcheck.check({"PORT": str(port)})[0] == 1
    assert healthcheck.check({"PORT": str(port), "SLACK_APP_TOKEN": "xapp-1"})[0] == 0
    assert healthcheck.health_url({}) == f"http://127.0.0.1:{setting_default('port')}{HEALTH_PATH}"
    assert healthcheck.health_url({"HOST": "::1", "PORT": "8080"}) == f"http://[::1]:8080{HEALTH_PATH}"
