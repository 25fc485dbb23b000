"""The enrolment survey: `/mentor join`, the Join and survey buttons, and the modal's submission.

Whoever clicks gets their own survey (a Join button in a channel is shared by everyone),
opened with their own trigger_id right after ack. Refusals (no cohort, pairs made...) reach
the error handler, which answers privately where the person clicked.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import CannotJoinError, SurveyAnswersError, UserFacingError
from bot.ids import ActionId, CallbackId
from bot.services import enrolment
from bot.services.enrolment import SurveyForm
from bot.survey import parse_survey
from bot.views.cohort import read_cohort_id
from bot.views.survey import (
    build_survey_modal,
    read_survey_metadata,
    survey_notice_view,
    survey_saved_view,
    survey_thanks_message,
)
from handlers.deps import HandlerDeps


def join(
    *, respond: Respond, command: dict[str, Any], deps: HandlerDeps, client: WebClient, **_: Any
) -> None:
    """`/mentor join`: open the survey (the saved answers when editing); extra words are ignored."""
    form = enrolment.open_survey(uow=deps.uow(), team_id=command["team_id"], user_id=command["user_id"])
    deps.gateway(client).open_modal(trigger_id=command["trigger_id"], view=survey_modal(form))


def handle_open_survey_action(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """Join (an announcement), an executive's invitation, or Edit my answers: their value is the cohort id."""
    ack()
    value = (body.get("actions") or [{}])[0].get("value")
    form = enrolment.open_survey(
        uow=deps.uow(),
        team_id=context["team_id"],
        user_id=body["user"]["id"],
        cohort_id=read_cohort_id(value),
    )
    deps.gateway(client).open_modal(trigger_id=body["trigger_id"], view=survey_modal(form))


def handle_survey_submission(
    ack: Ack, body: dict[str, Any], context: dict[str, Any], client: WebClient, *, deps: HandlerDeps
) -> None:
    """Save the answers: mistakes go back inline (nothing saved); on success a confirmation and a DM.

    Problems no answer can fix (pairs made meanwhile, another cohort, a bot) replace the
    modal with a short explanation rather than failing silently.
    """
    user_id = body["user"]["id"]
    team_id = context["team_id"]
    view = body.get("view") or {}
    gateway = deps.gateway(client)
    try:
        target = read_survey_metadata(view.get("private_metadata"))
        form = enrolment.survey_for_submission(
            uow=deps.uow(), team_id=team_id, user_id=user_id, cohort_id=target.cohort_id, role=target.role
        )
        answers, errors = parse_survey(
            (view.get("state") or {}).get("values"),
            role=form.role,
            offered_skill_ids=form.offered_skill_ids,
            max_capacity=form.max_capacity,
        )
        if answers is None:
            ack(response_action="errors", errors=errors)
            return
        # Fresh from Slack: the time zone their DMs go out in, and whether they can take part.
        user = gateway.user_info(user_id=user_id)
        if user is None:
            raise CannotJoinError()
        summary = enrolment.submit_survey(
            uow=deps.uow(),
            user=user,
            team_id=team_id,
            cohort_id=form.cohort_id,
            role=form.role,
            answers=answers,
        )
    except SurveyAnswersError as error:
        ack(response_action="errors", errors=error.field_errors)
        return
    except UserFacingError as error:
        ack(response_action="update", view=survey_notice_view(error.user_message))
        return
    ack(
        response_action="update",
        view=survey_saved_view(cohort_name=summary.cohort_name, updated=summary.updated),
    )
    gateway.post_message(channel=user_id, **survey_thanks_message(summary))


def survey_modal(form: SurveyForm) -> dict[str, Any]:
    return build_survey_modal(
        role=form.role,
        cohort_id=form.cohort_id,
        cohort_name=form.cohort_name,
        share_options=form.share_options,
        learn_options=form.learn_options,
        saved=form.saved,
        max_capacity=form.max_capacity,
        editing=form.editing,
    )


def register(app: App, deps: HandlerDeps) -> None:
    app.action(ActionId.JOIN)(partial(handle_open_survey_action, deps=deps))
    app.action(ActionId.OPEN_SURVEY)(partial(handle_open_survey_action, deps=deps))
    app.view(CallbackId.SURVEY_MODAL)(partial(handle_survey_submission, deps=deps))
