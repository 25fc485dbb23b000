"""`/mentor-admin cohort`, the summary's Edit button, and the cohort modal's submission.

Every entry point checks admin rights: the command through `/mentor-admin`, the button and
the submission here, because anyone can click a button they see or forge a payload.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.cohort_form import errors_by_block, parse_cohort_form
from bot.errors import CohortAlreadyOpenError, CohortSettingsError, NoCohortError, UserFacingError
from bot.ids import ActionId, CallbackId
from bot.services import cohorts
from bot.services.cohorts import CohortRecord
from bot.views.cohort import (
    build_cohort_modal,
    cohort_notice_view,
    cohort_summary_message,
    cohort_usage_message,
    read_cohort_id,
    read_cohort_metadata,
)
from handlers.deps import HandlerDeps

_ACTIONS = ("", "new", "edit")


def show_cohort(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """`/mentor-admin cohort [new|edit]`: the summary, or the modal (opened at once: triggers live 3 s)."""
    action = args[0].casefold() if args else ""
    if action not in _ACTIONS or len(args) > 1:
        respond(response_type="ephemeral", **cohort_usage_message(words=args))
        return
    cohort = cohorts.current_cohort(uow=deps.uow(), team_id=command["team_id"])
    if action == "new" and cohort is not None:
        raise CohortAlreadyOpenError(name=cohort.fields.name, state=str(cohort.state))
    if action == "edit" and cohort is None:
        raise NoCohortError()
    gateway = deps.gateway(client)
    if cohort is None:
        view = build_cohort_modal(existing=None, window=deps.send_window, today=_today())
        gateway.open_modal(trigger_id=command["trigger_id"], view=view)
    elif action == "edit":
        gateway.open_modal(trigger_id=command["trigger_id"], view=_edit_modal(cohort, deps=deps))
    else:
        respond(
            response_type="ephemeral",
            **cohort_summary_message(cohort_id=cohort.id, state=str(cohort.state), cohort=cohort.fields),
        )


def handle_cohort_edit_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """The summary's Edit button: admins only, and only for the cohort that is still current."""
    ack()
    gateway = deps.gateway(client)
    deps.admin_policy.require_admin(gateway=gateway, user_id=body["user"]["id"])
    value = (body.get("actions") or [{}])[0].get("value")
    cohort = cohorts.cohort_for_editing(
        uow=deps.uow(), team_id=context["team_id"], cohort_id=read_cohort_id(value)
    )
    gateway.open_modal(trigger_id=body["trigger_id"], view=_edit_modal(cohort, deps=deps))


def handle_cohort_submission(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """Save the modal: errors go back inline (nothing saved); on success it closes and the admin gets a DM.

    Problems no input can fix (not an admin, a cohort already open, the cohort closed
    meanwhile) replace the modal with a short explanation rather than failing silently.
    """
    user_id = body["user"]["id"]
    view = body.get("view") or {}
    gateway = deps.gateway(client)
    try:
        deps.admin_policy.require_admin(gateway=gateway, user_id=user_id)
        cohort_id = read_cohort_metadata(view.get("private_metadata"))
        fields, errors = parse_cohort_form(
            (view.get("state") or {}).get("values"),
            window=deps.send_window,
            today=_today(),
            creating=cohort_id is None,
        )
        if fields is None:
            ack(response_action="errors", errors=errors)
            return
        if cohort_id is None:
            saved = cohorts.create_cohort(
                uow=deps.uow(), team_id=context["team_id"], actor_user_id=user_id, fields=fields
            )
        else:
            saved = cohorts.update_cohort(
                uow=deps.uow(),
                team_id=context["team_id"],
                cohort_id=cohort_id,
                actor_user_id=user_id,
                fields=fields,
            )
    except CohortSettingsError as error:
        inline = errors_by_block(error.field_errors)
        if inline:
            ack(response_action="errors", errors=inline)
        else:
            ack(response_action="update", view=cohort_notice_view(error.user_message))
        return
    except UserFacingError as error:
        ack(response_action="update", view=cohort_notice_view(error.user_message))
        return
    ack(response_action="clear")
    gateway.post_message(
        channel=user_id,
        **cohort_summary_message(
            cohort_id=saved.id,
            state=str(saved.state),
            cohort=saved.fields,
            saved="created" if cohort_id is None else "saved",
        ),
    )


def _edit_modal(cohort: CohortRecord, *, deps: HandlerDeps) -> dict[str, Any]:
    return build_cohort_modal(
        existing=cohort.fields,
        cohort_id=cohort.id,
        state=str(cohort.state),
        window=deps.send_window,
        today=_today(),
    )


def _today() -> date:
    return datetime.now(UTC).date()


def register(app: App, deps: HandlerDeps) -> None:
    app.action(ActionId.COHORT_EDIT)(partial(handle_cohort_edit_action, deps=deps))
    app.view(CallbackId.COHORT_MODAL)(partial(handle_cohort_submission, deps=deps))
