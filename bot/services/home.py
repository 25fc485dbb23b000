"""The App Home tab: what one person sees when they open the bot."""

from __future__ import annotations

from bot.services.access import AdminPolicy
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
) -> HomeState:
    """Render and publish the viewer's Home tab (Slack fires app_home_opened on every open)."""
    is_admin = admin_policy.is_admin(gateway=gateway, user_id=user_id)
    with uow:
        uow.workspaces.ensure(team_id=team_id)
        cohort = uow.cohorts.current(team_id=team_id)
        person = uow.people.find(team_id=team_id, user_id=user_id)
        enrollment = (
            uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if cohort and person else None
        )
        state = HomeState(
            is_admin=is_admin,
            cohort_name=cohort.name if cohort else None,
            cohort_state=str(cohort.state) if cohort else None,
            enrollment_state=str(enrollment.state) if enrollment else None,
        )
        uow.commit()
    gateway.publish_home(user_id=user_id, view=build_home_view(state))
    return state
