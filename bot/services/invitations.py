"""Inviting executives into the current cohort: enrol them, and DM each an invitation to the survey.

Inviting is idempotent: someone already in the cohort is reported, never changed, and the
invitation DM goes through the outbox under one dedupe key per cohort and person, so an
admin who runs the same command twice (or Slack retrying it) never sends anything twice.
Slack is asked about everyone first, outside the transaction, so a slow Slack never holds
database locks, and a failure half-way leaves nothing half-done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.delivery.outbox import enqueue
from bot.errors import CohortNotOpenForEnrolmentError, NoCohortError, TooManyInviteesError, UserFacingError
from bot.services.people import sync_person
from bot.slack_gateway import SlackGateway, SlackUser
from bot.views.invitations import invitation_message
from storage.models import Cohort, CohortState, EnrollmentState, PersonRole
from storage.uow import UnitOfWork

MAX_INVITEES_PER_COMMAND = 50
INVITATION_KIND = "invitation"
# Invitations and announcements only make sense before matching.
ENROLMENT_STATES = frozenset({CohortState.DRAFT, CohortState.ENROLLING})


@dataclass(frozen=True, kw_only=True)
class InviteSummary:
    """What happened to each person named, for the admin's answer (user ids, in the order given)."""

    cohort_id: int
    cohort_name: str
    invited: tuple[str, ...] = ()
    # Already an executive of this cohort (invited, surveyed, matched or paused): nothing changed.
    already_invited: tuple[str, ...] = ()
    # Enrolled as an employee of this cohort: reported, not turned into an executive.
    already_employee: tuple[str, ...] = ()
    # Left this cohort: not invited again (they can come back themselves).
    left: tuple[str, ...] = ()
    # Slack does not know them (or they are not visible to the bot).
    not_found: tuple[str, ...] = ()
    bots: tuple[str, ...] = ()
    deactivated: tuple[str, ...] = ()

    @property
    def not_allowed(self) -> tuple[str, ...]:
        """People who cannot take part at all: bots and deactivated accounts."""
        return self.bots + self.deactivated


def invite_executives(
    *,
    uow: UnitOfWork,
    gateway: SlackGateway,
    team_id: str,
    actor_user_id: str,
    user_ids: tuple[str, ...] | list[str],
    now: datetime,
) -> InviteSummary:
    """Enrol each person as an executive of the current cohort and queue their invitation DM.

    Raises NoCohortError or CohortNotOpenForEnrolmentError when there is no cohort in draft
    or enrolling, TooManyInviteesError past MAX_INVITEES_PER_COMMAND people, and
    SlackUnavailableError when Slack cannot say who someone is (nothing is saved then).
    """
    user_ids = tuple(dict.fromkeys(user_ids))
    if not user_ids:
        raise UserFacingError("Name at least one person to invite.")
    if len(user_ids) > MAX_INVITEES_PER_COMMAND:
        raise TooManyInviteesError(count=len(user_ids), limit=MAX_INVITEES_PER_COMMAND)
    with uow:
        open_for_enrolment(uow.cohorts.current(team_id=team_id))

    found: list[SlackUser] = []
    not_found: list[str] = []
    bots: list[str] = []
    deactivated: list[str] = []
    for user_id in user_ids:
        user = gateway.user_info(user_id=user_id)
        if user is None:
            not_found.append(user_id)
        elif user.is_bot:
            bots.append(user.user_id)
        elif user.deleted:
            deactivated.append(user.user_id)
        else:
            found.append(user)

    invited: list[str] = []
    already_invited: list[str] = []
    already_employee: list[str] = []
    left: list[str] = []
    with uow:
        # Read again (and lock): the cohort may have moved on while Slack was answering.
        current = uow.cohorts.current(team_id=team_id)
        cohort = open_for_enrolment(
            uow.cohorts.get(team_id=team_id, cohort_id=current.id, for_update=True) if current else None
        )
        for user in found:
            person = sync_person(uow, team_id=team_id, user=user)
            enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id)
            if enrollment is None:
                uow.enrollments.add(
                    team_id=team_id,
                    cohort_id=cohort.id,
                    person_id=person.id,
                    role=PersonRole.EXECUTIVE,
                    state=EnrollmentState.INVITED,
                    at=now,
                )
                invited.append(user.user_id)
            elif enrollment.role != PersonRole.EXECUTIVE:
                already_employee.append(user.user_id)
                continue
            elif enrollment.state == EnrollmentState.LEFT:
                left.append(user.user_id)
                continue
            else:
                already_invited.append(user.user_id)
                if enrollment.state != EnrollmentState.INVITED:
                    continue
            # Also for someone still only invited: a no-op if their invitation is already queued.
            enqueue(
                uow,
                team_id=team_id,
                recipient=user.user_id,
                kind=INVITATION_KIND,
                dedupe_key=f"invite:{cohort.id}:{user.user_id}",
                due_at=now,
                **invitation_message(
                    cohort_id=cohort.id,
                    cohort_name=cohort.name,
                    inviter_user_id=actor_user_id,
                    cadence_weeks=cohort.cadence_weeks,
                    weeks=cohort.weeks,
                    start_date=cohort.start_date,
                ),
            )
        if invited:
            uow.audit.record(
                team_id=team_id,
                actor_user_id=actor_user_id,
                action="cohort.invite",
                target=f"cohort:{cohort.id}",
                details={"user_ids": invited},
                at=now,
            )
        uow.commit()
        return InviteSummary(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            invited=tuple(invited),
            already_invited=tuple(already_invited),
            already_employee=tuple(already_employee),
            left=tuple(left),
            not_found=tuple(not_found),
            bots=tuple(bots),
            deactivated=tuple(deactivated),
        )


def open_for_enrolment(cohort: Cohort | None) -> Cohort:
    """The cohort if people can still be invited into it; the reason why not otherwise."""
    if cohort is None:
        raise NoCohortError()
    if cohort.state not in ENROLMENT_STATES:
        raise CohortNotOpenForEnrolmentError(name=cohort.name, state=str(cohort.state))
    return cohort
