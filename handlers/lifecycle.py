"""Slack lifecycle events: profile changes, deactivations and uninstalls.

Bolt acks an event before its listener runs and does not de-duplicate Slack's retries, so
each listener passes the envelope's `event_id` to its service, which records it in the same
transaction as what the event changes: a retry of an event already handled does nothing.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest

from bot.services import lifecycle
from handlers.deps import HandlerDeps

logger = logging.getLogger(__name__)


def handle_user_change(
    event: dict[str, Any],
    body: dict[str, Any],
    context: dict[str, Any],
    request: BoltRequest,
    *,
    deps: HandlerDeps,
) -> None:
    _note_retry(request, body)
    lifecycle.apply_user_change(
        uow=deps.uow(),
        team_id=context["team_id"],
        user=event["user"],
        admin_user_ids=deps.admin_policy.admin_user_ids,
        default_timezone=deps.default_timezone,
        window=deps.send_window,
        event_id=body.get("event_id"),
        now=deps.now(),
    )


def handle_app_uninstalled(
    body: dict[str, Any], context: dict[str, Any], request: BoltRequest, *, deps: HandlerDeps
) -> None:
    _note_retry(request, body)
    lifecycle.mark_workspace_uninstalled(
        uow=deps.uow(), team_id=context["team_id"], event_id=body.get("event_id"), now=deps.now()
    )


def handle_tokens_revoked(
    event: dict[str, Any],
    body: dict[str, Any],
    context: dict[str, Any],
    request: BoltRequest,
    *,
    deps: HandlerDeps,
) -> None:
    """Only the bot token matters to us: user tokens are not used."""
    _note_retry(request, body)
    if event.get("tokens", {}).get("bot"):
        lifecycle.mark_workspace_uninstalled(
            uow=deps.uow(),
            team_id=context["team_id"],
            event_id=body.get("event_id"),
            event_type="tokens_revoked",
            now=deps.now(),
        )


def _note_retry(request: BoltRequest, body: dict[str, Any]) -> None:
    """Log Slack's retries (HTTP headers; Bolt's Socket Mode adapter maps the envelope's fields to them)."""
    attempt = request.headers.get("x-slack-retry-num", [None])[0]
    if attempt is not None:
        reason = request.headers.get("x-slack-retry-reason", ["unknown"])[0]
        logger.info("Slack retry %s (%s) of event %s", attempt, reason, body.get("event_id"))


def register(app: App, deps: HandlerDeps) -> None:
    app.event("user_change")(partial(handle_user_change, deps=deps))
    app.event("app_uninstalled")(partial(handle_app_uninstalled, deps=deps))
    app.event("tokens_revoked")(partial(handle_tokens_revoked, deps=deps))
