"""Keeping our copy of people and workspaces in step with Slack's lifecycle events."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from bot.slack_gateway import SlackUser
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)


def apply_user_change(
    *, uow: UnitOfWork, team_id: str, user: dict[str, Any], now: datetime | None = None
) -> bool:
    """Refresh a participant's name and time zone, or mark them gone when deactivated.

    People who are not in the program are not stored: a profile change of anyone else is
    ignored. Returns True when a participant was updated. Idempotent, so Slack's event
    retries are harmless.
    """
    profile = SlackUser.from_api(user)
    with uow:
        person = uow.people.find(team_id=team_id, user_id=profile.user_id)
        if person is None:
            return False
        if profile.deleted:
            uow.people.mark_deactivated(team_id=team_id, user_id=profile.user_id, at=now or datetime.now(UTC))
            logger.info("Participant %s was deactivated in Slack", profile.user_id)
        else:
            uow.people.upsert_profile(
                team_id=team_id,
                user_id=profile.user_id,
                name=profile.name,
                real_name=profile.real_name,
                tz=profile.tz,
            )
        uow.commit()
        return True


def mark_workspace_uninstalled(*, uow: UnitOfWork, team_id: str, now: datetime | None = None) -> None:
    """Remember that the app was removed (or its bot token revoked): data is kept, sending stops."""
    with uow:
        uow.workspaces.ensure(team_id=team_id)
        uow.workspaces.mark_uninstalled(team_id=team_id, at=now or datetime.now(UTC))
        uow.commit()
    logger.info("Workspace %s uninstalled the app or revoked its bot token", team_id)
