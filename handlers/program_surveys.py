"""The midpoint and closing surveys (the DM's button and the modal), and `/mentor-admin close`.

The button opens the survey for whoever clicks it, if they are a participant of that cohort
(the service checks), with their trigger_id right after ack. A submission with mistakes gets
them inline; one that cannot be saved at all is replaced by the reason.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import ProgramSurveyRefusedError, SurveyAnswersError, UserFacingError
from bot.ids import ActionId, CallbackId
from bot.services import program_surveys
from bot.views.program_surveys import (
    close_result_message,
    close_usage_message,
    parse_program_survey,
    program_survey_modal,
    program_survey_notice_view,
    program_survey_saved_view,
    read_program_survey_metadata,
    read_program_survey_value,
)
from handlers.deps import HandlerDeps
from handlers.reports import send_report


def handle_open_program_survey_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """The survey DM's button: its value is "<cohort id>:<kind>"."""
    ack()
    target = read_program_survey_value(((body.get("actions") or [{}])[0] or {}).get("value"))
    if target is None:
        raise ProgramSurveyRefusedError("I could not read this survey button, so there is nothing to open.")
    cohort_id, kind = target
    form = program_surveys.open_survey_form(
        uow=deps.uow(), team_id=context["team_id"], user_id=body["user"]["id"], cohort_id=cohort_id, kind=kind
    )
    deps.gateway(client).open_modal(trigger_id=body["trigger_id"], view=program_survey_modal(form))


def handle_program_survey_submission(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], *, deps: HandlerDeps
) -> None:
    """Save the answers: mistakes go back inline; refusals replace the form with the reason."""
    view = body.get("view") or {}
    target = read_program_survey_metadata(view.get("private_metadata"))
    if target is None:
        ack(
            response_action="update",
            view=program_survey_notice_view("I could not read this form, so nothing was saved."),
        )
        return
    cohort_id, kind = target
    user_id = body["user"]["id"]
    try:
        form = program_surveys.open_survey_form(
            uow=deps.uow(), team_id=context["team_id"], user_id=user_id, cohort_id=cohort_id, kind=kind
        )
        answers = parse_program_survey(
            (view.get("state") or {}).get("values"), offered_skill_ids=form.offered_skill_ids
        )
        if isinstance(answers, dict):
            ack(response_action="errors", errors=answers)
            return
        saved = program_surveys.save_survey(
            uow=deps.uow(),
            team_id=context["team_id"],
            user_id=user_id,
            cohort_id=cohort_id,
            kind=kind,
            answers=answers,
            now=deps.now(),
        )
    except SurveyAnswersError as error:
        ack(response_action="errors", errors=error.field_errors)
        return
    except UserFacingError as error:
        ack(response_action="update", view=program_survey_notice_view(error.user_message))
        return
    ack(response_action="update", view=program_survey_saved_view(saved))


def close(
    *,
    respond: Respond,
    command: dict[str, Any],
    args: tuple[str, ...],
    deps: HandlerDeps,
    client: WebClient,
    **_: Any,
) -> None:
    """`/mentor-admin close`: end the current cohort, send the closing survey, then the final report."""
    if args:
        respond(response_type="ephemeral", **close_usage_message(args=args))
        return
    result = program_surveys.close_cohort(
        uow=deps.uow(),
        team_id=command["team_id"],
        actor_user_id=command["user_id"],
        now=deps.now(),
        window=deps.send_window,
        default_timezone=deps.default_timezone,
    )
    respond(response_type="ephemeral", **close_result_message(result))
    # The final report (and its chart) goes to the admin who closed the cohort.
    send_report(
        deps=deps, gateway=deps.gateway(client), team_id=command["team_id"], user_id=command["user_id"]
    )


def register(app: App, deps: HandlerDeps) -> None:
    app.action(ActionId.OPEN_PROGRAM_SURVEY)(partial(handle_open_program_survey_action, deps=deps))
    app.view(CallbackId.PROGRAM_SURVEY_MODAL)(partial(handle_program_survey_submission, deps=deps))
