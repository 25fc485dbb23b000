"""`/mentor-admin invite @person...` and `/mentor-admin announce #channel`.

Subcommands of `/mentor-admin` (the admin check has already happened). Words that name
nobody are answered with what was wrong and the usage; domain errors (no cohort, the bot
not in the channel) reach the error handler, which shows their message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.errors import TooManyInviteesError
from bot.mentions import parse_channel_mentions, parse_user_mentions
from bot.services import announcements, invitations
from bot.views.announcements import announce_problem_message, announced_message
from bot.views.invitations import invite_problem_message, invite_summary_message
from handlers.deps import HandlerDeps


def invite_executives(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Read the people named, invite them, and answer with who was invited, already in, or not found."""
    people = parse_user_mentions(args)
    if not people.ids:
        respond(response_type="ephemeral", **invite_problem_message(unreadable=people.unreadable))
        return
    try:
        summary = invitations.invite_executives(
            uow=deps.uow(),
            gateway=deps.gateway(client),
            team_id=command["team_id"],
            actor_user_id=command["user_id"],
            user_ids=people.ids,
            now=datetime.now(UTC),
        )
    except TooManyInviteesError as error:
        respond(response_type="ephemeral", **invite_problem_message(problem=error.user_message))
        return
    respond(response_type="ephemeral", **invite_summary_message(summary, unreadable=people.unreadable))


def announce_enrolment(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """Post the enrolment call in the one channel named, and tell the admin where it went."""
    channels = parse_channel_mentions(args)
    if len(channels.ids) != 1 or channels.unreadable:
        respond(response_type="ephemeral", **announce_problem_message(channels))
        return
    announcement = announcements.announce(
        gateway=deps.gateway(client),
        uow=deps.uow(),
        team_id=command["team_id"],
        actor_user_id=command["user_id"],
        channel_id=channels.ids[0],
        now=datetime.now(UTC),
    )
    respond(response_type="ephemeral", **announced_message(announcement))
