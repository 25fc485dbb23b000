"""The App Home tab: what one person sees when they open the bot."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.access import AdminPolicy
from bot.services.admin_status import read_enrolment_counts
from bot.services.delivery import read_delivery_health
from bot.slack_gateway import SlackGateway
from bot.views.home import HomeState, build_home_view
from storage.uow import UnitOfWork


def publish_home(
    *,
    uow: UnitOfWork,
    gateway: SlackGateway,
    admin_policy: AdminPolicy,
    team_id: str,
    user_id: str,
    now: datetime | None = None,
) -> HomeState:
    """Render and publish the viewer's Home tab (Slack fires app_home_opened on every open).

    It is redrawn on every open, so a survey answered or an invitation received meanwhile
    shows the next time the tab is opened.
    """
    now = now or datetime.now(UTC)
    is_admin = admin_policy.is_admin(gateway=gateway, user_id=user_id)
    with uow:
        uow.workspaces.ensure(team_id=team_id)
        cohort = uow.cohorts.current(team_id=team_id)
        person = uow.people.find(team_id=team_id, user_id=user_id)
        enrollment = (
            uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if cohort and person else None
        )
        partner = (
            uow.people.active_partner(cohort_id=cohort.id, person_id=person.id)
            if cohort and person and enrollment
            else None
        )
        state = HomeState(
            is_admin=is_admin,
            cohort_id=cohort.id if cohort else None,
            cohort_name=cohort.name if cohort else None,
            cohort_state=str(cohort.state) if cohort else None,
            enrollment_state=str(enrollment.state) if enrollment else None,
            role=str(enrollment.role) if enrollment else None,
            paused_until=person.paused_until_date if person else None,
            partner_user_id=partner.user_id if partner else None,
            counts=read_enrolment_counts(uow, cohort_id=cohort.id) if is_admin and cohort else None,
            delivery=read_delivery_health(uow, team_id=team_id, now=now) if is_admin else None,
            now=now,
        )
        uow.commit()
    gateway.publish_home(user_id=user_id, view=build_home_view(state))
    return state
