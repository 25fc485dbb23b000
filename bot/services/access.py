"""Who may run the program: the MENTOR_ADMINS list and, unless turned off, workspace admins."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NotAnAdminError
from bot.slack_gateway import SlackGateway


@dataclass(frozen=True, kw_only=True)
class AdminPolicy:
    """The configured rule for program admins."""

    admin_user_ids: frozenset[str]
    workspace_admins_count: bool

    def is_admin(self, *, gateway: SlackGateway, user_id: str) -> bool:
        """True for listed admins without a Slack call; otherwise ask Slack for the user's role."""
        if user_id in self.admin_user_ids:
            return True
        if not self.workspace_admins_count:
            return False
        user = gateway.user_info(user_id=user_id)
        return user is not None and not user.deleted and (user.is_admin or user.is_owner)

    def require_admin(self, *, gateway: SlackGateway, user_id: str) -> None:
        """Raise NotAnAdminError, whose message the error handler shows, for everyone else."""
        if not self.is_admin(gateway=gateway, user_id=user_id):
            raise NotAnAdminError()
