"""Check-in buttons, the reflection modal, `/mentor reflect`, `/mentor-admin nudge`, and the
slipping-pair alert's buttons.

A check-in click answers only for the person it was sent to (the service checks the value
against the clicking user); the message is then redrawn with the answer instead of stale
buttons. Admin buttons check admin rights again, as every admin entry point does.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import CheckinRefusedError, UserFacingError
from bot.ids import ActionId, CallbackId
from bot.services import checkins, overrides
from bot.views.checkins import (
    checkin_answered_message,
    contact_pair_message,
    nudge_summary_message,
    parse_reflection,
    read_checkin_value,
    read_pairing_value,
    read_reflection_metadata,
    reflection_modal,
    reflection_saved_view,
)
from bot.views.matching import unpair_outcome_message
from bot.views.survey import survey_notice_view
from handlers.deps import HandlerDeps, clicked_value

_ANSWERS = {
    ActionId.CHECKIN_MET: checkins.MET,
    ActionId.CHECKIN_NOT_YET: checkins.NOT_YET,
    ActionId.CHECKIN_PAUSE: checkins.PAUSE,
}


def handle_checkin_answer(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """Store the answer, open the reflection form after "We met", and redraw the check-in."""
    ack()
    action = (body.get("actions") or [{}])[0] or {}
    parsed = read_checkin_value(action.get("value"))
    if parsed is None:
        raise CheckinRefusedError("I could not read this check-in, so nothing changed.")
    pairing_id, period, sent_to = parsed
    user_id = body["user"]["id"]
    record = checkins.answer_checkin(
        uow=deps.uow(),
        team_id=context["team_id"],
        user_id=user_id,
        sent_to_user_id=sent_to,
        pairing_id=pairing_id,
        period=period,
        answer=_ANSWERS[ActionId(action["action_id"])],
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )
    if record.answer == checkins.MET and body.get("trigger_id"):
        form = checkins.reflection_form(
            uow=deps.uow(),
            team_id=context["team_id"],
            user_id=user_id,
            now=deps.now(),
            pairing_id=pairing_id,
            period=period,
        )
        deps.gateway(client).open_modal(trigger_id=body["trigger_id"], view=reflection_modal(form))
    respond(replace_original=True, **checkin_answered_message(record))


def reflect(*, command: dict[str, Any], deps: HandlerDeps, client: WebClient, **_: Any) -> None:
    """`/mentor reflect`: the reflection form about the current partner, any time."""
    form = checkins.reflection_form(
        uow=deps.uow(), team_id=command["team_id"], user_id=command["user_id"], now=deps.now()
    )
    deps.gateway(client).open_modal(trigger_id=command["trigger_id"], view=reflection_modal(form))


def handle_reflection_submission(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], *, deps: HandlerDeps
) -> None:
    """Save a reflection: mistakes go back inline; refusals replace the form with the reason."""
    view = body.get("view") or {}
    target = read_reflection_metadata(view.get("private_metadata"))
    if target is None:
        ack(
            response_action="update",
            view=survey_notice_view("I could not read this form, so nothing was saved."),
        )
        return
    answers = parse_reflection((view.get("state") or {}).get("values") or {})
    if isinstance(answers, dict):
        ack(response_action="errors", errors=answers)
        return
    pairing_id, period = target
    try:
        partner = checkins.save_reflection(
            uow=deps.uow(),
            team_id=context["team_id"],
            user_id=body["user"]["id"],
            pairing_id=pairing_id,
            period=period,
            answers=answers,
            now=deps.now(),
            window=deps.send_window,
            default_timezone=deps.default_timezone,
        )
    except UserFacingError as error:
        ack(response_action="update", view=survey_notice_view(error.user_message))
        return
    ack(response_action="update", view=reflection_saved_view(shared=answers.share, partner_user_id=partner))


def nudge(*, respond: Respond, command: dict[str, Any], deps: HandlerDeps, **_: Any) -> None:
    """`/mentor-admin nudge`: this period's check-in, now, to everyone who has not answered it."""
    result = checkins.nudge_unanswered(
        uow=deps.uow(),
        team_id=command["team_id"],
        actor_user_id=command["user_id"],
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )
    respond(
        response_type="ephemeral",
        **nudge_summary_message(
            period=result.period,
            sent=result.sent,
            answered=result.answered,
            cohort_name=result.cohort_name,
            first_checkin_on=result.first_checkin_on,
        ),
    )


def handle_slipping_contact(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """Open a group DM of the admin and the pair, with a friendly opening line from the bot."""
    ack()
    admin = deps.require_admin_click(body, client)
    pairing_id = _clicked_pairing(body)
    employee, executive, cohort_name, _live = checkins.pair_of(
        uow=deps.uow(), team_id=context["team_id"], pairing_id=pairing_id
    )
    deps.gateway(client).post_to_group(
        user_ids=[admin, employee, executive],
        **contact_pair_message(
            admin_user_id=admin,
            employee_user_id=employee,
            executive_user_id=executive,
            cohort_name=cohort_name,
        ),
    )
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=f"I opened a group DM with <@{employee}> and <@{executive}>: it is in your sidebar.",
    )


def handle_slipping_unpair(
    ack: Ack,
    body: dict[str, Any],
    context: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    deps: HandlerDeps,
) -> None:
    """End the slipping pair (both told kindly), as `/mentor-admin unpair` does."""
    ack()
    admin = deps.require_admin_click(body, client)
    pairing_id = _clicked_pairing(body)
    employee, _executive, _name, live = checkins.pair_of(
        uow=deps.uow(), team_id=context["team_id"], pairing_id=pairing_id
    )
    if not live:
        raise CheckinRefusedError("This pair has already ended. Nothing changed.")
    outcome = overrides.unpair_person(
        uow=deps.uow(),
        team_id=context["team_id"],
        actor_user_id=admin,
        user_id=employee,
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
        pairing_id=pairing_id,
    )
    respond(response_type="ephemeral", replace_original=False, **unpair_outcome_message(outcome))


def _clicked_pairing(body: dict[str, Any]) -> int:
    """The pairing a slipping alert's button names, or a refusal when the value is unreadable."""
    pairing_id = read_pairing_value(clicked_value(body))
    if pairing_id is None:
        raise CheckinRefusedError("I could not read which pair this is, so nothing changed.")
    return pairing_id


def register(app: App, deps: HandlerDeps) -> None:
    for action_id in _ANSWERS:
        app.action(action_id)(partial(handle_checkin_answer, deps=deps))
    app.view(CallbackId.REFLECTION_MODAL)(partial(handle_reflection_submission, deps=deps))
    app.action(ActionId.SLIPPING_CONTACT)(partial(handle_slipping_contact, deps=deps))
    app.action(ActionId.SLIPPING_UNPAIR)(partial(handle_slipping_unpair, deps=deps))
