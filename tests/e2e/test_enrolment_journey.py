"""The whole of enrolment as people do it, only through Slack: signed commands, clicks and modals."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.ids import ActionId, BlockId, CallbackId
from storage.models import Cohort, CohortState, Enrollment, EnrollmentState, PersonRole
from tests.cohort_kit import cohort_form_values
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.delivery_kit import drain, make_dispatcher
from tests.e2e.test_commands import run_command
from tests.survey_kit import option_values, survey_values

EXECUTIVE_USER_ID = "U0EXEC0001"
SECOND_EMPLOYEE_USER_ID = "U0EMPL002"
CHANNEL = "C0GENERAL1"


def open_modal_with_command(bot, command: str, text: str, *, user_id: str, count: int) -> None:
    """A command that answers by opening a modal (nothing comes back through the response_url)."""
    result = bot.slack.command(command, text, user_id=user_id, response_url=bot.fake.new_response_url())
    assert result.status == 200
    bot.fake.wait_for_call("views.open", count=count)


def last_opened_view(fake) -> dict:
    return fake.calls_to("views.open")[-1].args["view"]


def submit(bot, *, user_id: str, view: dict, values: dict) -> dict:
    result = bot.slack.view_submission(
        user_id=user_id,
        callback_id=view["callback_id"],
        values=values,
        private_metadata=view.get("private_metadata", ""),
    )
    assert result.status == 200, result.body
    body = result.json() if result.body else {}
    assert body.get("response_action") != "errors", body
    return body


def answer_survey(bot, *, user_id: str) -> None:
    view = last_opened_view(bot.fake)
    assert view["callback_id"] == CallbackId.SURVEY_MODAL
    share = option_values(view, BlockId.SURVEY_SKILLS_SHARE)[:2]
    learn = option_values(view, BlockId.SURVEY_SKILLS_LEARN)[:1]
    submit(
        bot, user_id=user_id, view=view, values=survey_values(share=share, learn=learn, department=user_id)
    )


def test_an_admin_runs_enrolment_and_people_join_through_slack_alone(running_bot, uow_factory):
    bot, fake = running_bot, running_bot.fake
    fake.add_user(EXECUTIVE_USER_ID, name="erin", real_name="Erin Executive", tz="America/Chicago")
    fake.add_user(SECOND_EMPLOYEE_USER_ID, name="sam", real_name="Sam Second", tz="Asia/Kolkata")

    # The admin creates a cohort through the modal.
    open_modal_with_command(bot, "/mentor-admin", "cohort", user_id=ADMIN_USER_ID, count=1)
    view = last_opened_view(fake)
    assert view["callback_id"] == CallbackId.COHORT_MODAL
    submit(bot, user_id=ADMIN_USER_ID, view=view, values=cohort_form_values(name="Autumn pilot"))
    with uow_factory() as uow:
        cohort = uow.session.scalars(select(Cohort)).one()
    assert (cohort.name, cohort.state) == ("Autumn pilot", CohortState.DRAFT)

    # ...invites an executive, whose invitation DM goes out through the outbox.
    summary = run_command(bot, "/mentor-admin", f"invite <@{EXECUTIVE_USER_ID}|erin>", user_id=ADMIN_USER_ID)
    assert f"<@{EXECUTIVE_USER_ID}>" in json.dumps(summary)
    drain(make_dispatcher(uow_factory, fake))
    [invitation] = fake.messages(EXECUTIVE_USER_ID)
    assert ActionId.OPEN_SURVEY in json.dumps(invitation["blocks"])

    # ...and announces enrolment in a channel, which opens it.
    run_command(bot, "/mentor-admin", f"announce <#{CHANNEL}|general>", user_id=ADMIN_USER_ID)
    [call] = fake.messages(CHANNEL)
    assert ActionId.JOIN in json.dumps(call["blocks"])
    with uow_factory() as uow:
        assert uow.session.scalars(select(Cohort)).one().state is CohortState.ENROLLING

    # An employee joins with the command, another with the Join button, the executive from the invitation.
    open_modal_with_command(bot, "/mentor", "join", user_id=EMPLOYEE_USER_ID, count=2)
    answer_survey(bot, user_id=EMPLOYEE_USER_ID)
    bot.slack.block_action(
        user_id=SECOND_EMPLOYEE_USER_ID,
        action_id=ActionId.JOIN,
        value=str(cohort.id),
        message={"ts": call["ts"], "text": call["text"]},
        channel_id=CHANNEL,
    )
    fake.wait_for_call("views.open", count=3)
    answer_survey(bot, user_id=SECOND_EMPLOYEE_USER_ID)
    bot.slack.block_action(
        user_id=EXECUTIVE_USER_ID,
        action_id=ActionId.OPEN_SURVEY,
        value=str(cohort.id),
        message={"ts": invitation["ts"], "text": invitation["text"]},
        channel_id=f"D{EXECUTIVE_USER_ID}",
    )
    fake.wait_for_call("views.open", count=4)
    answer_survey(bot, user_id=EXECUTIVE_USER_ID)

    with uow_factory() as uow:
        enrollments = {
            (row.role, row.state, row.department) for row in uow.session.scalars(select(Enrollment))
        }
    assert enrollments == {
        (PersonRole.EMPLOYEE, EnrollmentState.SURVEYED, EMPLOYEE_USER_ID),
        (PersonRole.EMPLOYEE, EnrollmentState.SURVEYED, SECOND_EMPLOYEE_USER_ID),
        (PersonRole.EXECUTIVE, EnrollmentState.SURVEYED, EXECUTIVE_USER_ID),
    }
    with uow_factory() as uow:
        assert uow.people.find(team_id=fake.team_id, user_id=SECOND_EMPLOYEE_USER_ID).tz == "Asia/Kolkata"

    # Everyone can see where they stand; the admin sees the numbers.
    mine = run_command(bot, "/mentor", "status", user_id=EMPLOYEE_USER_ID)
    assert "after pairs are made" in json.dumps(mine)
    status = json.dumps(run_command(bot, "/mentor-admin", "status", user_id=ADMIN_USER_ID))
    assert "Autumn pilot" in status
    assert "3 in this cohort" in status
