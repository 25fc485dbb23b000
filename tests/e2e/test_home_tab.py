"""The Home tab for each enrolment state, through app_home_opened into the running app."""

from __future__ import annotations

import json
from datetime import date

from bot.ids import ActionId, BlockId
from storage.models import CohortState, EnrollmentState, Pairing, PairingState, PersonRole
from tests.blockkit import assert_valid_view
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.enrolment_kit import EXECUTIVE_USER_ID, enrol, make_cohort


def open_home(bot, user_id: str) -> dict:
    result = bot.slack.app_home_opened(user_id)
    assert result.status == 200
    call = bot.fake.wait_for_call("views.publish")
    assert call.args["user_id"] == user_id
    view = call.args["view"]
    assert_valid_view(view)
    return view


def home_buttons(view: dict) -> dict[str, str | None]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ACTIONS]
    return {element["action_id"]: element.get("value") for element in block["elements"]}


def test_employee_not_enrolled_sees_join_while_enrolment_is_open(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert home_buttons(view) == {ActionId.JOIN: str(cohort_id), ActionId.OPEN_HELP: None}
    assert "Enrolment for *Spring 2026* is open" in json.dumps(view)


def test_draft_cohort_shows_no_buttons_to_employees(running_bot, uow_factory):
    make_cohort(running_bot, uow_factory, state=CohortState.DRAFT)
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert home_buttons(view) == {ActionId.OPEN_HELP: None}
    assert "not part of a mentoring cohort" in json.dumps(view)


def test_invited_executive_is_asked_to_answer_the_survey(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.DRAFT)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.INVITED,
    )
    view = open_home(running_bot, EXECUTIVE_USER_ID)
    assert home_buttons(view) == {ActionId.OPEN_SURVEY: str(cohort_id), ActionId.OPEN_HELP: None}
    assert "Answer the survey" in json.dumps(view)


def test_surveyed_employee_can_edit_pause_and_leave(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.SURVEYED,
    )
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    value = str(cohort_id)
    assert home_buttons(view) == {
        ActionId.OPEN_SURVEY: value,
        ActionId.PAUSE: value,
        ActionId.LEAVE: value,
        ActionId.OPEN_HELP: None,
    }
    assert "Edit my answers" in json.dumps(view)
    assert "Program admin" not in json.dumps(view)


def test_paused_person_sees_until_when_and_can_resume(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.ACTIVE)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.PAUSED,
        paused_until=date(2026, 12, 14),
    )
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    value = str(cohort_id)
    assert home_buttons(view) == {ActionId.RESUME: value, ActionId.LEAVE: value, ActionId.OPEN_HELP: None}
    assert "Paused until Monday 14 December 2026" in json.dumps(view)


def test_matched_person_sees_their_partner(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.ACTIVE)
    employee_id = enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.MATCHED,
    )
    executive_id = enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.MATCHED,
    )
    with uow_factory() as uow:
        uow.session.add(
            Pairing(
                team_id=running_bot.fake.team_id,
                cohort_id=cohort_id,
                employee_id=employee_id,
                executive_id=executive_id,
                score=1.0,
                state=PairingState.ACTIVE,
            )
        )
        uow.commit()
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert f"matched with <@{EXECUTIVE_USER_ID}>" in json.dumps(view)
    assert set(home_buttons(view)) == {ActionId.PAUSE, ActionId.LEAVE, ActionId.OPEN_HELP}


def test_admin_sees_the_cohort_numbers_and_delivery_health(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    for index, state in enumerate([EnrollmentState.SURVEYED, EnrollmentState.SURVEYED, EnrollmentState.LEFT]):
        enrol(
            running_bot,
            uow_factory,
            cohort_id,
            user_id=f"U0EMPL10{index}",
            role=PersonRole.EMPLOYEE,
            state=state,
        )
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.INVITED,
    )
    view = open_home(running_bot, ADMIN_USER_ID)
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    text = admin["text"]["text"]
    assert "Current cohort: *Spring 2026* (enrolling)." in text
    assert "Employees: 2 surveyed, 1 left · Executives: 1 invited" in text
    assert "Delivery: sent 0, waiting 0, failed 0" in text
    assert "/mentor-admin status" in json.dumps(view)
    # The admin is not enrolled: they get the same Join button as everyone else.
    assert home_buttons(view)[ActionId.JOIN] == str(cohort_id)
