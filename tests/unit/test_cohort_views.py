"""The cohort modal and summary: inside Slack's limits, and saying what an admin needs."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.cohort_form import BLOCK_OF_FIELD, CohortFields, parse_cohort_form
from bot.errors import CohortGoneError
from bot.ids import ActionId, BlockId, CallbackId
from bot.local_time import SendWindow
from bot.views.cohort import (
    build_cohort_modal,
    cohort_metadata,
    cohort_notice_view,
    cohort_summary_message,
    cohort_usage_message,
    read_cohort_id,
    read_cohort_metadata,
)
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.fakes.slack_requests import unchanged_values

TODAY = date(2026, 1, 7)
WINDOW = SendWindow()
SAVED = CohortFields(
    name="Autumn & friends",
    start_date=date(2026, 1, 12),
    weeks=16,
    cadence_weeks=4,
    checkin_weekday=3,
    checkin_hour=15,
    allow_same_department=True,
    employees_per_executive=2,
    executives_per_employee=3,
)


def block(view, block_id):
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def options(view, block_id):
    return [option["value"] for option in block(view, block_id)["element"]["options"]]


def test_the_create_modal_offers_the_recommended_defaults():
    view = build_cohort_modal(existing=None, window=WINDOW, today=TODAY)
    assert_valid_view(view)
    assert view["title"]["text"] == "New cohort"
    assert view["submit"]["text"] == "Create"
    assert view["callback_id"] == CallbackId.COHORT_MODAL
    assert view["private_metadata"] == ""
    values = unchanged_values(view)
    _, errors = parse_cohort_form(values, window=WINDOW, today=TODAY, creating=True)
    assert set(errors) == {BlockId.COHORT_NAME}, "only the name has no default"
    element = block(view, BlockId.COHORT_START_DATE)["element"]
    assert element["initial_date"] == "2026-01-12", "the next Monday"
    assert block(view, BlockId.COHORT_WEEKS)["element"]["initial_value"] == "12"
    assert block(view, BlockId.COHORT_CADENCE)["element"]["initial_option"]["value"] == "2"
    assert (
        block(view, BlockId.COHORT_CHECKIN_WEEKDAY)["element"]["initial_option"]["text"]["text"] == "Tuesday"
    )
    assert block(view, BlockId.COHORT_CHECKIN_HOUR)["element"]["initial_option"]["text"]["text"] == "10:00"
    assert "initial_options" not in block(view, BlockId.COHORT_RULES)["element"]
    assert block(view, BlockId.COHORT_RULES)["optional"] is True


def test_every_field_has_its_input_block_and_one_action_id():
    view = build_cohort_modal(existing=None, window=WINDOW, today=TODAY)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert {b["block_id"] for b in inputs} == {str(block_id) for block_id in BLOCK_OF_FIELD.values()}
    assert {b["element"]["action_id"] for b in inputs} == {ActionId.COHORT_FIELD}


def test_the_options_follow_the_send_window():
    view = build_cohort_modal(existing=None, window=WINDOW, today=TODAY)
    assert options(view, BlockId.COHORT_CHECKIN_WEEKDAY) == ["0", "1", "2", "3", "4"]
    assert options(view, BlockId.COHORT_CHECKIN_HOUR) == [str(hour) for hour in range(8, 18)]
    assert options(view, BlockId.COHORT_CADENCE) == ["1", "2", "4"]
    assert options(view, BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE) == ["1", "2", "3", "4", "5"]
    assert options(view, BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE) == ["1", "2", "3"]
    weekends = build_cohort_modal(
        existing=None, window=SendWindow(start_hour=12, end_hour=20, weekends=True), today=TODAY
    )
    assert_valid_view(weekends)
    assert options(weekends, BlockId.COHORT_CHECKIN_WEEKDAY)[-1] == "6"
    assert block(weekends, BlockId.COHORT_CHECKIN_HOUR)["element"]["initial_option"]["value"] == "12"


def test_the_edit_modal_shows_the_saved_values_and_submits_them_back_unchanged():
    view = build_cohort_modal(existing=SAVED, cohort_id=42, state="draft", window=WINDOW, today=TODAY)
    assert_valid_view(view)
    assert view["title"]["text"] == "Edit cohort"
    assert view["submit"]["text"] == "Save"
    assert read_cohort_metadata(view["private_metadata"]) == 42
    fields, errors = parse_cohort_form(unchanged_values(view), window=WINDOW, today=TODAY, creating=False)
    assert errors == {}
    assert fields == SAVED


def test_an_active_cohort_explains_what_is_fixed():
    view = build_cohort_modal(existing=SAVED, cohort_id=42, state="active", window=WINDOW, today=TODAY)
    assert_valid_view(view)
    rendered = json.dumps(view)
    assert "only its name and the check-in day and hour can change" in rendered
    assert block(view, BlockId.COHORT_WEEKS)["hint"]["text"] == "Fixed while the cohort is active."
    assert block(view, BlockId.COHORT_CHECKIN_HOUR)["hint"]["text"] != "Fixed while the cohort is active."


def test_a_saved_value_the_window_no_longer_allows_is_left_for_the_admin_to_choose():
    odd = CohortFields(name="Odd", start_date=TODAY, checkin_weekday=6, checkin_hour=7)
    view = build_cohort_modal(existing=odd, cohort_id=1, state="enrolling", window=WINDOW, today=TODAY)
    assert_valid_view(view)
    assert "initial_option" not in block(view, BlockId.COHORT_CHECKIN_WEEKDAY)["element"]
    assert "initial_option" not in block(view, BlockId.COHORT_CHECKIN_HOUR)["element"]


def test_the_longest_names_still_fit():
    wide = CohortFields(name="👩‍💻" * 26 + "xx", start_date=TODAY)
    view = build_cohort_modal(existing=wide, cohort_id=2**31 - 1, state="draft", window=WINDOW, today=TODAY)
    assert_valid_view(view)
    assert_valid_message(
        cohort_summary_message(cohort_id=2**31 - 1, state="enrolling", cohort=wide, saved="saved")
    )


def test_the_summary_says_everything_about_the_cohort():
    body = cohort_summary_message(cohort_id=42, state="enrolling", cohort=SAVED)
    assert_valid_message(body)
    rendered = json.dumps(body)
    assert "Autumn &amp; friends" in body["text"], "names are escaped in mrkdwn"
    assert "Mon 12 Jan 2026 to Mon 4 May 2026 (16 weeks)" in rendered
    assert "Every 4 weeks" in rendered
    assert "Thursdays at 15:00, each person's local time" in rendered
    assert "Same-department pairs: allowed" in rendered
    assert "Up to 2 employees per executive, 3 executives per employee" in rendered
    assert "Enrolling" in rendered
    [edit] = block(body, BlockId.COHORT_ACTIONS)["elements"]
    assert (edit["action_id"], edit["value"]) == (ActionId.COHORT_EDIT, "42")


def test_a_name_with_markup_can_never_ping_or_link():
    stored = CohortFields(name="<!channel> & <https://evil.example|click>", start_date=TODAY)
    body = cohort_summary_message(cohort_id=1, state="draft", cohort=stored, saved="created")
    assert_valid_message(body)
    mrkdwn = [body["text"], body["blocks"][0]["text"]["text"]]
    for text in mrkdwn:
        assert "<" not in text, text
        assert ">" not in text, text
        assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in text


def test_the_summary_of_defaults_reads_naturally():
    body = cohort_summary_message(
        cohort_id=1,
        state="draft",
        cohort=CohortFields(name="Spring", start_date=date(2026, 3, 2)),
        saved="created",
    )
    rendered = json.dumps(body)
    assert "Cohort *Spring* created." in rendered
    assert "Tuesdays at 10:00, each person's local time" in rendered
    assert "Same-department pairs: not allowed" in rendered
    assert "Up to 1 employee per executive, 1 executive per employee" in rendered
    assert "Mon 2 Mar 2026 to Mon 25 May 2026 (12 weeks)" in rendered
    assert body["text"].startswith("Cohort Spring created (draft)")


@pytest.mark.parametrize("state", ["draft", "enrolling", "active", "closed"])
def test_the_summary_is_valid_in_every_state_and_closed_cohorts_have_no_edit_button(state):
    body = cohort_summary_message(cohort_id=1, state=state, cohort=SAVED)
    assert_valid_message(body)
    assert (ActionId.COHORT_EDIT in json.dumps(body)) == (state != "closed")


def test_the_notice_and_usage_answers_are_valid():
    assert_valid_view(cohort_notice_view("x" * 5000))
    body = cohort_usage_message(words=("dance", "`<@U1>`", "ü" * 300, "more", "words"))
    assert_valid_message(body)
    assert body["text"].startswith("I don't know `/mentor-admin cohort dance @U1 ")
    assert "/mentor-admin cohort edit" in json.dumps(body)


def test_deeply_nested_metadata_is_refused_not_a_recursion_error():
    # Found by fuzzing: json.loads raises RecursionError, which the submission did not expect (HTTP 500).
    for nested in ("[" * 5000, '{"cohort_id": ' * 2000):
        with pytest.raises(CohortGoneError):
            read_cohort_metadata(nested)


def test_metadata_round_trips_and_forged_metadata_is_refused():
    assert read_cohort_metadata(cohort_metadata(None)) is None
    assert read_cohort_metadata(cohort_metadata(7)) == 7
    for forged in (
        "{",
        "[]",
        '{"cohort_id": "7"}',
        '{"cohort_id": true}',
        '{"cohort_id": 99999999999}',
        "null",
    ):
        with pytest.raises(CohortGoneError):
            read_cohort_metadata(forged)
    assert read_cohort_id("12") == 12
    for value in ("", "x", "-1", "0", "١٢", "9" * 40, None, 1.5):
        assert read_cohort_id(value) is None
