"""Keeping a participant's stored profile in step with Slack when they act."""

from __future__ import annotations

from bot.slack_gateway import SlackUser
from storage.models import Person
from storage.uow import UnitOfWork


def sync_person(uow: UnitOfWork, *, team_id: str, user: SlackUser) -> Person:
    """Create or refresh the person from their Slack profile (name, time zone), inside an open unit of work.

    Called when someone joins, is invited or answers the survey, so the time zone used for
    their DMs is the one Slack has now.
    """
    uow.workspaces.ensure(team_id=team_id)
    return uow.people.upsert_profile(
        team_id=team_id, user_id=user.user_id, name=user.name, real_name=user.real_name, tz=user.tz
    )
