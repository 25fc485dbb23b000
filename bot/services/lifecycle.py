"""Keeping our copy of people and workspaces in step with Slack's lifecycle events.

A participant whose Slack account is deactivated (Slack sends the same `user_change` with
`deleted` when someone is removed from the workspace) leaves the current cohort: their
open pairings end, each live partner is told kindly and goes back to waiting for the next
match, the program admins get one notice, and every message still waiting for them is
cancelled. Reactivation makes them active again without enrolling them anew. When the app
is uninstalled or its bot token revoked, sending stops for the workspace and its data is
kept (pending messages stay pending and go out if it is installed again).

Each event is handled in one transaction that also records its `event_id`, so a retry of
an event already handled (Slack resends with `X-Slack-Retry-Num` when we were slow)
changes nothing. The changes are idempotent by state as well: a second deactivation with a
new event id finds nothing left to end and sends nothing. Recorded ids are kept for
`PROCESSED_EVENTS_KEPT` (Slack retries within minutes) and pruned as new events come in.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.delivery.outbox import cancel, enqueue
from bot.local_time import SendWindow, next_allowed_time, resolve_zone
from bot.services.overrides import _back_to_waiting
from bot.skills import escape_mrkdwn
from bot.slack_gateway import SlackUser
from bot.views.blocks import context, message, section
from bot.views.participation import partner_left_message
from storage.models import Cohort, EnrollmentState, PairingState, Person
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

DEACTIVATED = "deactivated"
DEACTIVATED_KIND = "participant_deactivated"
# The audit log's actor for what Slack did rather than an admin.
SLACK_ACTOR = "slack"
PROCESSED_EVENTS_KEPT = timedelta(days=7)
_OPEN = (PairingState.PROPOSED, PairingState.ACTIVE)
# Why the dispatcher may have flagged someone unreachable when their account was off;
# reactivation clears these (a refused DM for another reason stays flagged).
_ACCOUNT_OFF_REASONS = frozenset({"account_inactive", "user_disabled", "user_not_found", "users_not_found"})


@dataclass(frozen=True, kw_only=True)
class UserChangeOutcome:
    """What one `user_change` event did (all zero/False for someone the program does not know)."""

    participant: bool = False
    # A retry of an event already handled: nothing was done.
    duplicate: bool = False
    deactivated: bool = False
    reactivated: bool = False
    pairings_ended: int = 0
    partners_told: int = 0
    admins_told: int = 0
    cancelled: int = 0


def apply_user_change(
    *,
    uow: UnitOfWork,
    team_id: str,
    user: dict[str, Any],
    admin_user_ids: Collection[str] = (),
    default_timezone: str = "UTC",
    window: SendWindow | None = None,
    event_id: str | None = None,
    now: datetime | None = None,
) -> UserChangeOutcome:
    """Refresh a participant's profile, take them out of the program when their account is
    deactivated, or mark them active again when it is reactivated.

    People the program does not store are ignored (nothing is recorded about them). With
    `event_id`, an event already handled is recognised and changes nothing.
    """
    profile = SlackUser.from_api(user)
    now = now or datetime.now(UTC)
    with uow:
        # Locked before the person is read, so two deactivation events handled at once run one
        # after the other and the second sees what the first did.
        cohort = _locked_current_cohort(uow, team_id=team_id) if profile.deleted else None
        person = uow.people.find(team_id=team_id, user_id=profile.user_id)
        if person is None:
            return UserChangeOutcome()
        if not _first_delivery(uow, team_id=team_id, event_id=event_id, event_type="user_change", now=now):
            logger.info("Event %s was already handled; Slack's retry of it is ignored", event_id)
            return UserChangeOutcome(participant=True, duplicate=True)
        if profile.deleted:
            outcome = _deactivate(
                uow,
                cohort=cohort,
                person=person,
                admin_user_ids=admin_user_ids,
                default_timezone=default_timezone,
                window=window or SendWindow(),
                now=now,
            )
        else:
            uow.people.upsert_profile(
                team_id=team_id,
                user_id=profile.user_id,
                name=profile.name,
                real_name=profile.real_name,
                tz=profile.tz,
            )
            outcome = UserChangeOutcome(
                participant=True, reactivated=_reactivate(uow, person=person, now=now)
            )
        uow.commit()
    return outcome


def mark_workspace_uninstalled(
    *,
    uow: UnitOfWork,
    team_id: str,
    event_id: str | None = None,
    event_type: str = "app_uninstalled",
    now: datetime | None = None,
) -> bool:
    """Remember that the app was removed (or its bot token revoked): data is kept, sending stops.

    Returns True when this call marked it (False for a retry or a workspace already marked).
    """
    now = now or datetime.now(UTC)
    with uow:
        workspace = uow.workspaces.ensure(team_id=team_id)
        if not _first_delivery(uow, team_id=team_id, event_id=event_id, event_type=event_type, now=now):
            logger.info("Event %s was already handled; Slack's retry of it is ignored", event_id)
            return False
        marked = workspace.uninstalled_at is None
        if marked:
            uow.workspaces.mark_uninstalled(team_id=team_id, at=now)
        uow.commit()
    if marked:
        logger.info("Workspace %s uninstalled the app or revoked its bot token: sending stops", team_id)
    return marked


def mark_workspace_installed(*, uow: UnitOfWork, team_id: str, now: datetime | None = None) -> bool:
    """Remember a (re)installation, so messages kept while uninstalled go out; True if it was uninstalled."""
    with uow:
        workspace = uow.workspaces.get(team_id=team_id)
        was_uninstalled = workspace is not None and workspace.uninstalled_at is not None
        uow.workspaces.mark_installed(team_id=team_id, at=now or datetime.now(UTC))
        uow.commit()
    if was_uninstalled:
        logger.info("Workspace %s installed the app again: sending resumes", team_id)
    return was_uninstalled


def _first_delivery(
    uow: UnitOfWork, *, team_id: str, event_id: str | None, event_type: str, now: datetime
) -> bool:
    """Record the event in the caller's transaction; False when it was handled before (a retry)."""
    if not event_id:
        return True
    if not uow.events.record(team_id=team_id, event_id=event_id, event_type=event_type, at=now):
        return False
    uow.events.prune(team_id=team_id, before=now - PROCESSED_EVENTS_KEPT)
    return True


def _deactivate(
    uow: UnitOfWork,
    *,
    cohort: Cohort | None,
    person: Person,
    admin_user_ids: Collection[str],
    default_timezone: str,
    window: SendWindow,
    now: datetime,
) -> UserChangeOutcome:
    """Everything a deactivated account means for the program; does only what is still left to do."""
    team_id, user_id = person.team_id, person.user_id
    was_active = person.active
    if was_active:
        person.active = False
        person.deactivated_at = now
        logger.info("Participant %s was deactivated in Slack", user_id)
    cancelled = cancel(uow, team_id=team_id, recipient=user_id, at=now)
    ended = (
        _end_pairings(
            uow, cohort=cohort, person=person, default_timezone=default_timezone, window=window, now=now
        )
        if cohort is not None
        else _Ended()
    )
    enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if cohort else None
    left = enrollment is not None and enrollment.state != EnrollmentState.LEFT
    admins_told = 0
    if cohort is not None and enrollment is not None and left:
        enrollment.state = EnrollmentState.LEFT
        enrollment.left_at = now
        person.paused_until_date = None
        for admin_id in sorted(set(admin_user_ids) - {user_id}):
            admin = uow.people.find(team_id=team_id, user_id=admin_id)
            if admin is not None and not admin.active:
                continue
            admins_told += enqueue(
                uow,
                team_id=team_id,
                recipient=admin_id,
                kind=DEACTIVATED_KIND,
                dedupe_key=f"deactivated:{cohort.id}:{person.id}:admin:{admin_id}",
                due_at=_held(now, tz=admin.tz if admin else None, default=default_timezone, window=window),
                **participant_deactivated_admin_message(
                    cohort_name=cohort.name, user_id=user_id, partner_user_ids=ended.told
                ),
            )
    if was_active or left or ended.pairings:
        uow.audit.record(
            team_id=team_id,
            actor_user_id=SLACK_ACTOR,
            action="participant.deactivated",
            target=f"cohort:{cohort.id}" if cohort else None,
            details={"user_id": user_id, "pairings_ended": ended.pairings, "partners_told": list(ended.told)},
            at=now,
        )
    return UserChangeOutcome(
        participant=True,
        deactivated=was_active,
        pairings_ended=ended.pairings,
        partners_told=len(ended.told),
        admins_told=admins_told,
        cancelled=cancelled + ended.cancelled,
    )


@dataclass(frozen=True, kw_only=True)
class _Ended:
    pairings: int = 0
    told: tuple[str, ...] = ()
    cancelled: int = 0


def _end_pairings(
    uow: UnitOfWork,
    *,
    cohort: Cohort,
    person: Person,
    default_timezone: str,
    window: SendWindow,
    now: datetime,
) -> _Ended:
    """End the person's open pairings in the cohort; each live partner is told and waits for a new match."""
    pairings = uow.pairings.of_person(cohort_id=cohort.id, person_id=person.id, states=_OPEN, for_update=True)
    partner_ids = [p.executive_id if p.employee_id == person.id else p.employee_id for p in pairings]
    partners = uow.privacy.people_by_id(team_id=cohort.team_id, person_ids=partner_ids)
    told: list[str] = []
    cancelled = 0
    for pairing, partner_id in zip(pairings, partner_ids, strict=True):
        was_live = pairing.state == PairingState.ACTIVE
        pairing.state = PairingState.ENDED
        pairing.ended_at = now
        pairing.end_reason = DEACTIVATED
        # The pair's intro, check-ins and reminders, to either member; the notice below comes after.
        cancelled += cancel(uow, team_id=cohort.team_id, key_prefix=f"pairing:{pairing.id}:", at=now)
        partner = partners.get(partner_id)
        if partner is None:
            continue
        _back_to_waiting(uow, cohort=cohort, person_id=partner.id)
        # A proposed pair is only in the admins' preview: its other member never knew of it.
        if was_live and partner.active:
            queued = enqueue(
                uow,
                team_id=cohort.team_id,
                recipient=partner.user_id,
                kind=DEACTIVATED_KIND,
                dedupe_key=f"pairing:{pairing.id}:deactivated:{partner.user_id}",
                due_at=_held(now, tz=partner.tz, default=default_timezone, window=window),
                **partner_left_message(cohort_name=cohort.name, leaver_user_id=person.user_id),
            )
            if queued:
                told.append(partner.user_id)
    return _Ended(pairings=len(pairings), told=tuple(told), cancelled=cancelled)


def _locked_current_cohort(uow: UnitOfWork, *, team_id: str) -> Cohort | None:
    """The current cohort, locked like every change of who is paired with whom (matching, overrides)."""
    current = uow.cohorts.current(team_id=team_id)
    if current is None:
        return None
    return uow.cohorts.get(team_id=team_id, cohort_id=current.id, for_update=True) or current


def _reactivate(uow: UnitOfWork, *, person: Person, now: datetime) -> bool:
    """Active again after a deactivation; they are not enrolled anew (an admin or they themselves decide)."""
    if person.active:
        return False
    person.active = True
    person.deactivated_at = None
    if person.unreachable_reason in _ACCOUNT_OFF_REASONS:
        person.unreachable_reason = None
        person.unreachable_at = None
    current = uow.cohorts.current(team_id=person.team_id)
    uow.audit.record(
        team_id=person.team_id,
        actor_user_id=SLACK_ACTOR,
        action="participant.reactivated",
        target=f"cohort:{current.id}" if current else None,
        details={"user_id": person.user_id},
        at=now,
    )
    logger.info("Participant %s was reactivated in Slack", person.user_id)
    return True


def _held(now: datetime, *, tz: str | None, default: str, window: SendWindow) -> datetime:
    """Now, or the recipient's next working moment: a notice never arrives at night."""
    return next_allowed_time(at=now, zone=resolve_zone(tz, default=default), window=window)


def participant_deactivated_admin_message(
    *, cohort_name: str, user_id: str, partner_user_ids: tuple[str, ...]
) -> dict[str, Any]:
    """To each admin: a participant's Slack account was deactivated, so they left the program.

    The variant of `participant_left_admin_message` for an account Slack turned off: the
    admins learn why, since the person cannot tell them.
    """
    text = (
        f"<@{user_id}>'s Slack account was deactivated, so they have left the program "
        f"*{escape_mrkdwn(cohort_name)}*."
    )
    if len(partner_user_ids) == 1:
        note = f"Their pairing has ended and their partner <@{partner_user_ids[0]}> has been told."
    elif partner_user_ids:
        partners = ", ".join(f"<@{partner}>" for partner in partner_user_ids)
        note = f"Their pairings have ended and their partners ({partners}) have been told."
    else:
        note = "They had no live pairing. Messages still waiting for them were cancelled."
    return message(text, [section(text), context(note)])
