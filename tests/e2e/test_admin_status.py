"""`/mentor-admin status` with people in the cohort, through signed HTTP into the running app."""

from __future__ import annotations

from storage.models import EnrollmentState, PersonRole
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command
from tests.enrolment_kit import EXECUTIVE_USER_ID, enrol, make_cohort


def test_status_counts_people_by_role_and_state_above_delivery_health(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    employees = {
        EMPLOYEE_USER_ID: EnrollmentState.SURVEYED,
        "U0EMPL002": EnrollmentState.SURVEYED,
        "U0EMPL003": EnrollmentState.PAUSED,
        "U0EMPL004": EnrollmentState.LEFT,
    }
    for user_id, state in employees.items():
        enrol(running_bot, uow_factory, cohort_id, user_id=user_id, role=PersonRole.EMPLOYEE, state=state)
    for user_id in (EXECUTIVE_USER_ID, "U0EXEC0002"):
        enrol(
            running_bot,
            uow_factory,
            cohort_id,
            user_id=user_id,
            role=PersonRole.EXECUTIVE,
            state=EnrollmentState.INVITED,
        )

    answer = run_command(running_bot, "/mentor-admin", "status", user_id=ADMIN_USER_ID)
    assert_valid_message(answer)
    texts = [block.get("text", {}).get("text", "") for block in answer["blocks"]]
    assert "Current cohort: *Spring 2026* (enrolling)." in texts
    [people] = [text for text in texts if text.startswith("*People*")]
    assert "6 in this cohort" in people
    rows = {line.split()[0]: line.split()[1:] for line in people.strip("`").split("\n") if line.strip()}
    assert rows["invited"] == ["surveyed", "matched", "paused", "left", "total"]
    assert rows["Employees"] == ["0", "2", "0", "1", "1", "4"]
    assert rows["Executives"] == ["2", "0", "0", "0", "0", "2"]
    delivery = next(index for index, text in enumerate(texts) if text.startswith("*Delivery*"))
    assert texts.index(people) < delivery, "the people come first, delivery health below"


def test_status_of_a_cohort_nobody_joined_yet_shows_zeros(running_bot, uow_factory):
    make_cohort(running_bot, uow_factory)
    answer = run_command(running_bot, "/mentor-admin", "status", user_id=ADMIN_USER_ID)
    [people] = [
        b["text"]["text"]
        for b in answer["blocks"]
        if b.get("text", {}).get("text", "").startswith("*People*")
    ]
    assert "0 in this cohort" in people
    assert "sent 0, waiting 0, failed 0" in str(answer)
