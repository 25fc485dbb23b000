"""Opening enrolment: post the call to join in a channel, then move the cohort from draft to enrolling.

The call is posted directly, not through the outbox: the admin is waiting for the result
(the usual failure, the bot not being in the channel, must come back at once), and the
outbox's check before a re-send needs channel history, a scope the bot does not ask for.
The cohort only opens once the call is really in the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import ChannelUnavailableError
from bot.services.cohorts import advance_cohort_state
from bot.services.invitations import open_for_enrolment
from bot.slack_gateway import ChannelPostRefusedError, SlackGateway
from bot.views.announcements import enrolment_call_message
from storage.models import CohortState
from storage.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class Announcement:
    """Where the enrolment call went, and whether it opened enrolment."""

    cohort_id: int
    cohort_name: str
    channel_id: str
    ts: str
    # True when this call moved the cohort from draft to enrolling.
    opened_enrolment: bool


def announce(
    *,
    gateway: SlackGateway,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    channel_id: str,
    now: datetime,
) -> Announcement:
    """Post the current cohort's enrolment call in `channel_id`, then open enrolment; audited.

    Raises NoCohortError or CohortNotOpenForEnrolmentError when there is no cohort in draft
    or enrolling, and ChannelUnavailableError (saying how to add the bot) when Slack will
    not post there; nothing changes then. Announcing again posts again and is otherwise harmless.
    """
    with uow:
        cohort = open_for_enrolment(uow.cohorts.current(team_id=team_id))
        cohort_id, cohort_name, was_draft = cohort.id, cohort.name, cohort.state == CohortState.DRAFT
        body = enrolment_call_message(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            cadence_weeks=cohort.cadence_weeks,
            weeks=cohort.weeks,
            start_date=cohort.start_date,
        )
    try:
        ts = gateway.post_to_channel(channel_id=channel_id, **body)
    except ChannelPostRefusedError as refusal:
        raise ChannelUnavailableError(channel_id=channel_id, reason=refusal.error) from refusal
    advance_cohort_state(
        uow=uow,
        team_id=team_id,
        cohort_id=cohort_id,
        actor_user_id=actor_user_id,
        to_state=CohortState.ENROLLING,
        now=now,
    )
    with uow:
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="cohort.announce",
            target=f"cohort:{cohort_id}",
            details={"channel_id": channel_id, "ts": ts},
            at=now,
        )
        uow.commit()
    return Announcement(
        cohort_id=cohort_id,
        cohort_name=cohort_name,
        channel_id=channel_id,
        ts=ts,
        opened_enrolment=was_draft,
    )
