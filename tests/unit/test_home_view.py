"""The Home tab shows each person their state and only the buttons that fit it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.ids import ActionId, BlockId
from bot.services.admin_status import AdminStatus, EnrolmentCounts
from bot.services.delivery import DeliveryHealth
from bot.views.home import HomeState, build_home_view
from bot.views.status import admin_status_message
from tests.blockkit import assert_valid_message, assert_valid_view

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COHORT_ID = 42


def home(**overrides) -> HomeState:
    values = {
        "is_admin": False,
        "cohort_id": COHORT_ID,
        "cohort_name": "Spring 2026",
        "cohort_state": "enrolling",
        "enrollment_state": None,
        "now": NOW,
    }
    return HomeState(**(values | overrides))


def health(**overrides) -> DeliveryHealth:
    values = {
        "pending": 0,
        "sending": 0,
        "sent": 7,
        "failed": 1,
        "cancelled": 0,
        "oldest_waiting_since": None,
        "recent_failures": [],
    }
    return DeliveryHealth(**(values | overrides))


def buttons(view: dict) -> dict[str, str | None]:
    """The Home tab's buttons by action id, with their values."""
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ACTIONS]
    return {element["action_id"]: element.get("value") for element in block["elements"]}


def labels(view: dict) -> list[str]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ACTIONS]
    return [element["text"]["text"] for element in block["elements"]]


def status_text(view: dict) -> str:
    texts = [block.get("text", {}).get("text", "") for block in view["blocks"]]
    return next(text for text in texts if text.startswith("*Your status*"))


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"cohort_id": None, "cohort_name": None, "cohort_state": None}, {}),
        ({"cohort_state": "draft"}, {}),
        ({"cohort_state": "enrolling"}, {ActionId.JOIN: "42"}),
        ({"cohort_state": "active"}, {}),
        ({"enrollment_state": "invited", "role": "executive"}, {ActionId.OPEN_SURVEY: "42"}),
        (
            {"enrollment_state": "invited", "role": "executive", "cohort_state": "draft"},
            {ActionId.OPEN_SURVEY: "42"},
        ),
        ({"enrollment_state": "invited", "role": "executive", "cohort_state": "active"}, {}),
        (
            {"enrollment_state": "surveyed", "role": "employee"},
            {ActionId.OPEN_SURVEY: "42", ActionId.PAUSE: "42", ActionId.LEAVE: "42"},
        ),
        (
            {"enrollment_state": "surveyed", "role": "employee", "cohort_state": "active"},
            {ActionId.PAUSE: "42", ActionId.LEAVE: "42"},
        ),
        (
            {"enrollment_state": "matched", "cohort_state": "active", "partner_user_id": "U0PARTNER"},
            {ActionId.PAUSE: "42", ActionId.LEAVE: "42"},
        ),
        (
            {"enrollment_state": "paused", "cohort_state": "active", "paused_until": date(2026, 3, 16)},
            {ActionId.RESUME: "42", ActionId.LEAVE: "42"},
        ),
        ({"enrollment_state": "left"}, {}),
        ({"enrollment_state": "left", "cohort_state": "active"}, {}),
    ],
)
@pytest.mark.parametrize("is_admin", [False, True])
def test_each_state_gets_only_the_buttons_that_fit_it(overrides, expected, is_admin):
    view = build_home_view(home(is_admin=is_admin, **overrides))
    assert_valid_view(view)
    assert buttons(view) == {**expected, ActionId.OPEN_HELP: None}, "Show commands is always there, last"
    assert labels(view)[-1] == "Show commands"
    assert ("Program admin" in json.dumps(view)) is is_admin


def test_friendly_lines_say_where_each_person_stands():
    assert "not part of a mentoring cohort" in status_text(build_home_view(home(cohort_state=None)))
    assert "not part of a mentoring cohort" in status_text(build_home_view(home(cohort_state="draft")))
    assert "Enrolment for *Spring 2026* is open" in status_text(build_home_view(home()))
    assert "enrolment is closed" in status_text(build_home_view(home(cohort_state="active")))
    invited = build_home_view(home(enrollment_state="invited", role="executive"))
    assert labels(invited)[0] == "Answer the survey"
    surveyed = build_home_view(home(enrollment_state="surveyed"))
    assert labels(surveyed) == ["Edit my answers", "Pause", "Leave", "Show commands"]
    assert "your answers are in" in status_text(surveyed)
    assert "You left *Spring 2026*" in status_text(build_home_view(home(enrollment_state="left")))


def test_matched_people_see_their_partner_when_there_is_a_pairing():
    with_partner = build_home_view(home(enrollment_state="matched", partner_user_id="U0PARTNER"))
    assert "matched with <@U0PARTNER>" in status_text(with_partner)
    without = build_home_view(home(enrollment_state="matched"))
    assert "You are matched in" in status_text(without)


def test_paused_people_see_until_when():
    view = build_home_view(home(enrollment_state="paused", paused_until=date(2026, 3, 16)))
    assert "Paused until Monday 16 March 2026" in status_text(view)
    assert labels(view) == ["Resume", "Leave", "Show commands"]
    assert "Paused." in status_text(build_home_view(home(enrollment_state="paused")))


def test_admins_see_the_cohort_numbers_and_delivery_health_in_one_line():
    counts = EnrolmentCounts(
        by_role_and_state={
            ("employee", "surveyed"): 3,
            ("employee", "paused"): 1,
            ("executive", "invited"): 2,
        },
    )
    view = build_home_view(home(is_admin=True, counts=counts, delivery=health()))
    assert_valid_view(view)
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    text = admin["text"]["text"]
    assert "Current cohort: *Spring 2026* (enrolling)." in text
    assert "Employees: 3 surveyed, 1 paused · Executives: 2 invited" in text
    assert "Delivery: sent 7, waiting 0, failed 1" in text
    assert "/mentor-admin status" in json.dumps(view)


def test_admins_are_warned_on_home_when_due_messages_are_stuck():
    stuck = health(pending=2, oldest_waiting_since=NOW - timedelta(hours=1))
    view = build_home_view(home(is_admin=True, counts=EnrolmentCounts(), delivery=stuck))
    assert "Delivery: sent 7, waiting 2, failed 1 :warning:" in json.dumps(view)
    assert "Employees: none yet · Executives: none yet" in json.dumps(view, ensure_ascii=False)


def test_participants_never_see_the_numbers():
    counts = EnrolmentCounts(by_role_and_state={("employee", "surveyed"): 3})
    view = build_home_view(home(counts=counts, delivery=health()))
    assert "surveyed" not in json.dumps(view).replace("your answers", "")
    assert "Delivery" not in json.dumps(view)


def test_very_long_names_stay_within_limits():
    view = build_home_view(
        home(is_admin=True, cohort_name="Spring " * 1000, enrollment_state="matched", partner_user_id="U1")
    )
    assert_valid_view(view)


def test_status_shows_people_by_role_and_state_as_a_table():
    counts = EnrolmentCounts(
        by_role_and_state={("employee", "surveyed"): 3, ("employee", "left"): 1, ("executive", "invited"): 12}
    )
    body = admin_status_message(
        AdminStatus(
            cohort_name="Spring 2026", cohort_state="enrolling", delivery=health(), now=NOW, counts=counts
        )
    )
    assert_valid_message(body)
    rendered = body["blocks"][2]["text"]["text"]
    assert rendered.startswith("*People* — 16 in this cohort\n```")
    lines = rendered.split("\n")
    assert lines[2].split() == ["invited", "surveyed", "matched", "paused", "left", "total"]
    assert lines[3].split() == ["Employees", "0", "3", "0", "0", "1", "4"]
    assert lines[4].split() == ["Executives", "12", "0", "0", "0", "0", "12"]
    assert "People: 16." in body["text"]
    blocks = [b.get("text", {}).get("text", "") for b in body["blocks"]]
    assert blocks.index(rendered) < next(i for i, t in enumerate(blocks) if t.startswith("*Delivery*"))


def test_status_without_cohort_has_no_people_table():
    body = admin_status_message(
        AdminStatus(cohort_name=None, cohort_state=None, delivery=health(), now=NOW, counts=None)
    )
    assert_valid_message(body)
    assert "People" not in json.dumps(body)
