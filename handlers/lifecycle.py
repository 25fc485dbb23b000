"""Slack lifecycle events: profile changes, deactivations and uninstalls."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App

from bot.services import lifecycle
from handlers.deps import HandlerDeps


def handle_user_change(event: dict[str, Any], context: dict[str, Any], *, deps: HandlerDeps) -> None:
    lifecycle.apply_user_change(uow=deps.uow(), team_id=context["team_id"], user=event["user"])


def handle_app_uninstalled(context: dict[str, Any], *, deps: HandlerDeps) -> None:
    lifecycle.mark_workspace_uninstalled(uow=deps.uow(), team_id=context["team_id"])


def handle_tokens_revoked(event: dict[str, Any], context: dict[str, Any], *, deps: HandlerDeps) -> None:
    """Only the bot token matters to us: user tokens are not used."""
    if event.get("tokens", {}).get("bot"):
        lifecycle.mark_workspace_uninstalled(uow=deps.uow(), team_id=context["team_id"])


def register(app: App, deps: HandlerDeps) -> None:
    app.event("user_change")(partial(handle_user_change, deps=deps))
    app.event("app_uninstalled")(partial(handle_app_uninstalled, deps=deps))
    app.event("tokens_revoked")(partial(handle_tokens_revoked, deps=deps))
