"""The composition root: builds the Bolt app and everything it depends on, never at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from slack_bolt import App
from slack_sdk import WebClient

from bot.services.access import AdminPolicy
from bot.settings import Settings
from bot.slack_gateway import build_web_client
from handlers import register_all
from handlers.deps import HandlerDeps
from storage.engine import create_database_engine, make_session_factory
from storage.uow import UnitOfWork


def create_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    uow_factory: Callable[[], UnitOfWork] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> App:
    """Build the Bolt app with every listener registered.

    Args:
        settings: validated configuration.
        client: the WebClient to use; tests pass one whose base_url points at a fake Slack.
        uow_factory: makes a unit of work per use case; built from DATABASE_URL when omitted.
        clock: the current aware UTC time; tests simulate a cohort's weeks with their own.
    """
    if client is None:
        client = build_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    if uow_factory is None:
        session_factory = make_session_factory(create_database_engine(settings.database_url))

        def uow_factory() -> UnitOfWork:
            return UnitOfWork(session_factory=session_factory)

    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        logger=logging.getLogger("mentor_bot.bolt"),
        # Listeners run after ack in Bolt's thread pool; each use case opens its own
        # unit of work, so nothing depends on the request's lifetime.
        process_before_response=False,
    )
    deps = HandlerDeps(
        uow=uow_factory,
        admin_policy=AdminPolicy(
            admin_user_ids=settings.mentor_admins,
            workspace_admins_count=settings.workspace_admins_are_mentor_admins,
        ),
        send_window=settings.send_window,
        default_timezone=settings.default_timezone,
        clock=clock or _utc_now,
    )
    register_all(app, deps)
    return app


def _utc_now() -> datetime:
    return datetime.now(UTC)
