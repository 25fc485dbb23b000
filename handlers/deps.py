"""What handlers need, passed in by the composition root instead of imported globals."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.services import UowFactory
from bot.services.access import AdminPolicy
from bot.slack_gateway import SlackGateway


@dataclass(frozen=True, kw_only=True)
class HandlerDeps:
    """Factories and policies shared by all listeners."""

    uow: UowFactory
    admin_policy: AdminPolicy

    def gateway(self, client: WebClient) -> SlackGateway:
        """Wrap the per-request client Bolt hands a listener (it carries that workspace's token)."""
        return SlackGateway(client=client)
