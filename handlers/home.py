"""The App Home tab: publish on open, and its buttons."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import ActionId
from bot.services import home
from bot.views.help import help_modal
from handlers.deps import HandlerDeps


def handle_app_home_opened(
    event: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """Slack sends this for the Messages tab too; only the Home tab has something to draw."""
    if event.get("tab", "home") != "home":
        return
    home.publish_home(
        uow=deps.uow(),
        gateway=deps.gateway(client),
        admin_policy=deps.admin_policy,
        team_id=context["team_id"],
        user_id=event["user"],
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )


def handle_open_help_action(ack: Ack, body: dict[str, Any], client: WebClient, *, deps: HandlerDeps) -> None:
    """Open the help modal right after ack: the trigger_id lives only 3 seconds."""
    ack()
    gateway = deps.gateway(client)
    is_admin = deps.admin_policy.is_admin(gateway=gateway, user_id=body["user"]["id"])
    gateway.open_modal(trigger_id=body["trigger_id"], view=help_modal(include_admin=is_admin))


def register(app: App, deps: HandlerDeps) -> None:
    app.event("app_home_opened")(partial(handle_app_home_opened, deps=deps))
    app.action(ActionId.OPEN_HELP)(partial(handle_open_help_action, deps=deps))
