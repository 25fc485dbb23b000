"""Shared fixtures: a clean environment, the fake Slack server, and the real app served over HTTP."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from bot.app import create_app
from bot.runtime import HttpServer
from bot.settings import ConnectionMode, Settings
from bot.slack_gateway import build_web_client
from bot.web import EVENTS_PATH, build_wsgi_app
from storage.engine import ping
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_requests import SlackRequestSender

pytest_plugins = ["tests.db_fixtures"]

SIGNING_SECRET = "test-signing-secret"
ADMIN_USER_ID = "U0ADMIN01"
EMPLOYEE_USER_ID = "U0EMPL001"
WORKSPACE_ADMIN_USER_ID = "U0WSADM01"

_OUR_VARIABLES = {
    "DATABASE_URL",
    "MENTOR_ADMINS",
    "MENTOR_ADMINS_INCLUDE_WORKSPACE_ADMINS",
    "PORT",
    "HOST",
    "SCHEDULER_INTERVAL_SECONDS",
    "DEFAULT_TIMEZONE",
    "LOG_LEVEL",
    "LOG_FORMAT",
    # slack_sdk sends even 127.0.0.1 calls through a proxy when one is configured.
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real SLACK_*, bot or proxy variable from the developer's shell may leak into a test."""
    for name in list(os.environ):
        if name.startswith("SLACK_") or name in _OUR_VARIABLES:
            monkeypatch.delenv(name)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        fake.add_user(ADMIN_USER_ID, name="ada", real_name="Ada Admin", tz="Europe/London")
        fake.add_user(EMPLOYEE_USER_ID, name="emil", real_name="Emil Employee", tz="America/Los_Angeles")
        fake.add_user(
            WORKSPACE_ADMIN_USER_ID, name="wanda", real_name="Wanda Owner", tz="Asia/Tokyo", is_admin=True
        )
        yield fake


@pytest.fixture
def settings(fake_slack: FakeSlackApi, database_url: str) -> Settings:
    return Settings(
        slack_bot_token=fake_slack.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.base_url,
        database_url=database_url,
        mentor_admins=frozenset({ADMIN_USER_ID}),
        mode=ConnectionMode.HTTP,
    )


@dataclass
class RunningBot:
    """The real app behind a real HTTP server, and a way to send it signed Slack requests."""

    url: str
    slack: SlackRequestSender
    fake: FakeSlackApi


@pytest.fixture
def bot_clock() -> Callable[[], datetime] | None:
    """The app's clock: None for the real time; a test module overrides it to simulate weeks."""
    return None


@pytest.fixture
def running_bot(
    settings: Settings, fake_slack: FakeSlackApi, uow_factory, engine, bot_clock
) -> Iterator[RunningBot]:
    client = build_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    app = create_app(settings, client=client, uow_factory=uow_factory, clock=bot_clock)
    server = HttpServer(
        wsgi_app=build_wsgi_app(bolt_app=app, health_check=lambda: ping(engine=engine)),
        host="127.0.0.1",
        port=0,
    )
    server.start()
    try:
        yield RunningBot(
            url=server.url,
            slack=SlackRequestSender(
                endpoint_url=server.url + EVENTS_PATH,
                signing_secret=SIGNING_SECRET,
                team_id=fake_slack.team_id,
            ),
            fake=fake_slack,
        )
    finally:
        server.stop()
