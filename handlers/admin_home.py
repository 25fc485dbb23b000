"""The admin dashboard's buttons on the Home tab: Run matching, Nudge, Report, Export, Audit log.

Anyone can forge a click, so every button checks admin rights again. A Home-tab click has
no response_url: answers go to the admin's DM with the bot. Domain errors (no cohort, a
button drawn for a cohort that was replaced, nothing to match...) reach the global error
handler, which DMs them too.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.ids import ActionId
from bot.services import audit_log, checkins, home, matchmaking
from bot.views.audit import audit_log_message
from bot.views.checkins import nudge_summary_message
from bot.views.matching import match_preview_message
from handlers.deps import HandlerDeps, clicked_value
from handlers.exports import send_program_export
from handlers.matching import _attach_full_list
from handlers.reports import send_report


def handle_home_match_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """Compute the matching preview and DM it to the admin (nothing is live until Confirm)."""
    ack()
    user_id = deps.require_admin_click(body, client)
    home.require_current_cohort(uow=deps.uow(), team_id=context["team_id"], cohort_id=_cohort_id(body))
    preview = matchmaking.run_matching(
        uow=deps.uow(), team_id=context["team_id"], actor_user_id=user_id, now=deps.now()
    )
    gateway = deps.gateway(client)
    file_name = _attach_full_list(preview, gateway=gateway, user_id=user_id)
    gateway.post_message(channel=user_id, **match_preview_message(preview, file_name=file_name))


def handle_home_nudge_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """Send this period's check-in now to everyone who has not answered it; DM the admin what was sent."""
    ack()
    user_id = deps.require_admin_click(body, client)
    home.require_current_cohort(uow=deps.uow(), team_id=context["team_id"], cohort_id=_cohort_id(body))
    result = checkins.nudge_unanswered(
        uow=deps.uow(),
        team_id=context["team_id"],
        actor_user_id=user_id,
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )
    deps.gateway(client).post_message(
        channel=user_id,
        **nudge_summary_message(
            period=result.period,
            sent=result.sent,
            answered=result.answered,
            cohort_name=result.cohort_name,
            first_checkin_on=result.first_checkin_on,
        ),
    )


def handle_home_audit_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """DM the newest page of the audit log (older pages: `/mentor-admin audit 2`)."""
    ack()
    user_id = deps.require_admin_click(body, client)
    log = audit_log.load_audit_page(uow=deps.uow(), team_id=context["team_id"], page=1)
    deps.gateway(client).post_message(channel=user_id, **audit_log_message(log))


def handle_home_report_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """The program report and its chart, in the admin's DM."""
    ack()
    user_id = deps.require_admin_click(body, client)
    send_report(deps=deps, gateway=deps.gateway(client), team_id=context["team_id"], user_id=user_id)


def handle_home_export_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """The program CSV in the admin's DM, with a line saying what it holds."""
    ack()
    user_id = deps.require_admin_click(body, client)
    gateway = deps.gateway(client)
    answer = send_program_export(deps=deps, gateway=gateway, team_id=context["team_id"], user_id=user_id)
    gateway.post_message(channel=user_id, text=answer)


def _cohort_id(body: dict[str, Any]) -> int | None:
    """The cohort the button was drawn for (its value), or None if the value is unreadable."""
    value = clicked_value(body)
    text = str(value) if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def register(app: App, deps: HandlerDeps) -> None:
    app.action(ActionId.HOME_ADMIN_MATCH)(partial(handle_home_match_action, deps=deps))
    app.action(ActionId.HOME_ADMIN_NUDGE)(partial(handle_home_nudge_action, deps=deps))
    app.action(ActionId.HOME_ADMIN_AUDIT)(partial(handle_home_audit_action, deps=deps))
    app.action(ActionId.HOME_ADMIN_REPORT)(partial(handle_home_report_action, deps=deps))
    app.action(ActionId.HOME_ADMIN_EXPORT)(partial(handle_home_export_action, deps=deps))
