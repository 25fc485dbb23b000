"""What handlers need, passed in by the composition root instead of imported globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from bot.local_time import SendWindow
from bot.services import UowFactory
from bot.services.access import AdminPolicy
from bot.slack_gateway import SlackGateway


@dataclass(frozen=True, kw_only=True)
class HandlerDeps:
    """Factories and policies shared by all listeners."""

    uow: UowFactory
    admin_policy: AdminPolicy
    # When DMs may go out: check-in days and hours offered in the cohort form stay inside it.
    send_window: SendWindow = field(default_factory=SendWindow)
    # The zone for people whose Slack profile has none (DEFAULT_TIMEZONE).
    default_timezone: str = "UTC"
    # The current time (aware UTC): injectable so tests can live through a cohort's weeks.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock()

    def require_admin_click(self, body: dict[str, Any], client: WebClient) -> str:
        """The clicking user's id, once checked to be a program admin: anyone can forge a click."""
        user_id = str((body.get("user") or {}).get("id") or "")
        self.admin_policy.require_admin(gateway=self.gateway(client), user_id=user_id)
        return user_id

    def gateway(self, client: WebClient) -> SlackGateway:
        """Wrap the per-request client Bolt hands a listener (it carries that workspace's token)."""
        return SlackGateway(client=client)


def clicked_value(body: dict[str, Any]) -> object:
    """The `value` of the button a block_actions payload reports (None when it is missing)."""
    action = (body.get("actions") or [{}])[0]
    return action.get("value") if isinstance(action, dict) else None
