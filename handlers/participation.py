"""Self-service: `/mentor status`, `pause [weeks]`, `resume`, `leave`, their buttons, and the leave modal.

The person acted on is always the one Slack says clicked or typed (the payload's user id);
a button's value or a modal's metadata only names the cohort, so a forged one can at most
be refused. Refusals reach the error handler, which answers privately where they acted.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import ParticipationGoneError, UserFacingError
from bot.ids import ActionId, CallbackId
from bot.services import participation
from bot.views.cohort import read_cohort_id
from bot.views.participation import (
    build_leave_modal,
    leave_notice_view,
    left_view,
    participation_status_message,
    paused_message,
    read_delete_data,
    read_leave_metadata,
    resumed_message,
)
from handlers.deps import HandlerDeps


def status(*, respond: Respond, command: dict[str, Any], deps: HandlerDeps, **_: Any) -> None:
    """`/mentor status`: extra words are ignored."""
    result = participation.participation_status(
        uow=deps.uow(),
        team_id=command["team_id"],
        user_id=command["user_id"],
        default_timezone=deps.default_timezone,
        window=deps.send_window,
    )
    respond(response_type="ephemeral", **participation_status_message(result))


def pause(
    *, respond: Respond, command: dict[str, Any], args: tuple[str, ...], deps: HandlerDeps, **_: Any
) -> None:
    """`/mentor pause [weeks]`."""
    weeks = participation.parse_pause_weeks(args)
    result = participation.pause(
        uow=deps.uow(),
        team_id=command["team_id"],
        user_id=command["user_id"],
        weeks=weeks,
        default_timezone=deps.default_timezone,
    )
    respond(response_type="ephemeral", **paused_message(result))


def resume(*, respond: Respond, command: dict[str, Any], deps: HandlerDeps, **_: Any) -> None:
    """`/mentor resume`."""
    result = participation.resume(uow=deps.uow(), team_id=command["team_id"], user_id=command["user_id"])
    respond(response_type="ephemeral", **resumed_message(result))


def leave(*, command: dict[str, Any], deps: HandlerDeps, client: WebClient, **_: Any) -> None:
    """`/mentor leave`: opens the confirmation modal; nothing changes until it is submitted."""
    form = participation.leave_form(uow=deps.uow(), team_id=command["team_id"], user_id=command["user_id"])
    deps.gateway(client).open_modal(trigger_id=command["trigger_id"], view=build_leave_modal(form))


def _button_cohort_id(body: dict[str, Any]) -> int:
    cohort_id = read_cohort_id((body.get("actions") or [{}])[0].get("value"))
    if cohort_id is None:
        raise ParticipationGoneError()
    return cohort_id


def handle_pause_action(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """The Pause button: a break of the default length; the answer goes where they clicked."""
    ack()
    result = participation.pause(
        uow=deps.uow(),
        team_id=context["team_id"],
        user_id=body["user"]["id"],
        weeks=participation.PAUSE_WEEKS_DEFAULT,
        default_timezone=deps.default_timezone,
        cohort_id=_button_cohort_id(body),
    )
    _answer(body=body, respond=respond, client=client, deps=deps, reply=paused_message(result))


def handle_resume_action(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    ack()
    result = participation.resume(
        uow=deps.uow(),
        team_id=context["team_id"],
        user_id=body["user"]["id"],
        cohort_id=_button_cohort_id(body),
    )
    _answer(body=body, respond=respond, client=client, deps=deps, reply=resumed_message(result))


def handle_leave_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """The Leave button: opens the confirmation modal with the clicker's own trigger_id."""
    ack()
    form = participation.leave_form(
        uow=deps.uow(),
        team_id=context["team_id"],
        user_id=body["user"]["id"],
        cohort_id=_button_cohort_id(body),
    )
    deps.gateway(client).open_modal(trigger_id=body["trigger_id"], view=build_leave_modal(form))


def handle_leave_submission(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], *, deps: HandlerDeps
) -> None:
    """Leave for real; refusals (already left, another cohort) replace the modal with the reason."""
    view = body.get("view") or {}
    try:
        result = participation.leave(
            uow=deps.uow(),
            team_id=context["team_id"],
            user_id=body["user"]["id"],
            cohort_id=read_leave_metadata(view.get("private_metadata")),
            delete_data=read_delete_data((view.get("state") or {}).get("values")),
            admin_user_ids=deps.admin_policy.admin_user_ids,
            default_timezone=deps.default_timezone,
            window=deps.send_window,
        )
    except UserFacingError as error:
        ack(response_action="update", view=leave_notice_view(error.user_message))
        return
    ack(response_action="update", view=left_view(result))


def _answer(
    *, body: dict[str, Any], respond: Respond, client: WebClient, deps: HandlerDeps, reply: dict[str, Any]
) -> None:
    """Ephemeral where a message button was clicked; a DM from the Home tab (it has no response_url)."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **reply)
    else:
        deps.gateway(client).post_message(channel=body["user"]["id"], **reply)


def register(app: App, deps: HandlerDeps) -> None:
    app.action(ActionId.PAUSE)(partial(handle_pause_action, deps=deps))
    app.action(ActionId.RESUME)(partial(handle_resume_action, deps=deps))
    app.action(ActionId.LEAVE)(partial(handle_leave_action, deps=deps))
    app.view(CallbackId.LEAVE_MODAL)(partial(handle_leave_submission, deps=deps))
