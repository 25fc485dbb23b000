"""Reading the cohort modal back: every rule, and odd or forged values never crash."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cohort_form import (
    BLOCK_OF_FIELD,
    CohortFields,
    default_hour,
    default_start_date,
    hour_choices,
    parse_cohort_form,
    range_problems,
    weekday_choices,
)
from bot.ids import ActionId, BlockId
from bot.local_time import SendWindow
from tests.cohort_kit import cohort_form_values, datepicker_value, number_input_value

TODAY = date(2026, 1, 7)  # a Wednesday
WINDOW = SendWindow()  # 08:00-18:00, weekdays


def parse(*, window: SendWindow = WINDOW, creating: bool = True, **overrides):
    overrides.setdefault("start_date", "2026-01-12")
    return parse_cohort_form(cohort_form_values(**overrides), window=window, today=TODAY, creating=creating)


def error_for(block_id: BlockId, **overrides) -> str:
    fields, errors = parse(**overrides)
    assert fields is None
    assert set(errors) == {str(block_id)}, errors
    return errors[str(block_id)]


def test_a_valid_form_gives_every_field():
    fields, errors = parse(
        name="Spring 2026",
        weeks="16",
        cadence="4",
        weekday="3",
        hour="14",
        same_department=True,
        employees_per_executive="3",
        executives_per_employee="2",
    )
    assert errors == {}
    assert fields == CohortFields(
        name="Spring 2026",
        start_date=date(2026, 1, 12),
        weeks=16,
        cadence_weeks=4,
        checkin_weekday=3,
        checkin_hour=14,
        allow_same_department=True,
        employees_per_executive=3,
        executives_per_employee=2,
    )
    assert fields.end_date == date(2026, 5, 4)


def test_defaults_match_the_program_recommendations():
    fields = CohortFields(name="x", start_date=TODAY)
    assert (fields.weeks, fields.cadence_weeks, fields.checkin_weekday, fields.checkin_hour) == (12, 2, 1, 10)
    assert (fields.employees_per_executive, fields.executives_per_employee) == (1, 1)
    assert fields.allow_same_department is False
    assert default_start_date(TODAY) == date(2026, 1, 12)
    assert default_start_date(date(2026, 1, 12)) == date(2026, 1, 19), "a Monday moves to the next one"


# Name


def test_name_is_trimmed_and_inner_whitespace_collapsed():
    fields, _ = parse(name="  Spring\n\t 2026  ")
    assert fields.name == "Spring 2026"


def test_unicode_names_are_kept_as_typed():
    name = "👩‍💻 Équipe Ünïcode 春 2026 :rocket:"
    fields, _ = parse(name=name)
    assert fields.name == name


@pytest.mark.parametrize("name", [None, "", "    ", "\n\t"])
def test_a_missing_name_is_asked_for(name):
    assert "name" in error_for(BlockId.COHORT_NAME, name=name)


def test_eighty_characters_is_the_longest_name():
    assert parse(name="x" * 80)[1] == {}
    assert "80 characters" in error_for(BlockId.COHORT_NAME, name="x" * 81)
    assert "(this one has 100000)" in error_for(BlockId.COHORT_NAME, name="é" * 100_000)


@pytest.mark.parametrize("name", ["*bold*", "_it_", "~gone~", "`code`", "<!channel>", "<@U123>", "a > b"])
def test_names_with_slack_markup_are_refused(name):
    assert "formatting or links" in error_for(BlockId.COHORT_NAME, name=name)


@pytest.mark.parametrize("name", ["bad\x00name", "bell\x07", "abc\u202edcba"])
def test_names_with_control_characters_are_refused(name):
    assert "control characters" in error_for(BlockId.COHORT_NAME, name=name)


def test_a_name_that_is_not_text_counts_as_missing():
    assert "name" in error_for(BlockId.COHORT_NAME, name={"type": "plain_text_input", "value": 42})


# Start date


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_start_date_is_asked_for(value):
    assert "Pick the day" in error_for(BlockId.COHORT_START_DATE, start_date=value)


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "tomorrow", "12/01/2026", "2026-1-12", "２０２６-０１-１２", "2026-01-12T10:00", 20260112],
)
def test_a_start_date_not_from_the_calendar_is_refused(value):
    assert "calendar" in error_for(BlockId.COHORT_START_DATE, start_date=datepicker_value(value))


def test_a_new_cohort_cannot_start_in_the_past():
    message = error_for(BlockId.COHORT_START_DATE, start_date="2026-01-05")
    assert message == "05 Jan 2026 is in the past; pick today or a later day."


def test_today_is_accepted_in_every_time_zone():
    for day in (TODAY, TODAY - timedelta(days=1)):
        assert parse(start_date=day.isoformat())[1] == {}, day


def test_an_edited_cohort_may_keep_a_past_start_date():
    fields, errors = parse(start_date="2025-12-01", creating=False)
    assert errors == {}
    assert fields.start_date == date(2025, 12, 1)


def test_a_start_date_more_than_a_year_ahead_is_refused():
    assert parse(start_date=(TODAY + timedelta(days=366)).isoformat())[1] == {}
    assert "next year" in error_for(BlockId.COHORT_START_DATE, start_date="9999-12-31")


# Length


@pytest.mark.parametrize(("value", "weeks"), [("4", 4), ("52", 52), (" 12 ", 12), ("012", 12)])
def test_weeks_from_4_to_52_are_accepted(value, weeks):
    assert parse(weeks=value)[0].weeks == weeks


@pytest.mark.parametrize("value", ["3", "53", "0", "-5", "12.5", "1e2", "twelve", "١٢", "9" * 5000, True])
def test_other_lengths_are_refused(value):
    assert "4 to 52" in error_for(BlockId.COHORT_WEEKS, weeks=number_input_value(value))


@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_missing_length_is_asked_for(value):
    assert "length in weeks" in error_for(BlockId.COHORT_WEEKS, weeks=value)


# Selects


@pytest.mark.parametrize("cadence", ["1", "2", "4"])
def test_cadence_is_every_1_2_or_4_weeks(cadence):
    assert parse(cadence=cadence)[0].cadence_weeks == int(cadence)


@pytest.mark.parametrize("cadence", ["3", "0", "8", "two", ""])
def test_a_cadence_outside_the_options_is_refused(cadence):
    assert "options in the list" in error_for(BlockId.COHORT_CADENCE, cadence=cadence)


def test_a_select_with_nothing_chosen_is_asked_for():
    assert "how often" in error_for(BlockId.COHORT_CADENCE, cadence=None)


def test_a_selected_option_of_the_wrong_type_is_refused():
    forged = {"type": "static_select", "selected_option": {"value": 2}}
    assert "options in the list" in error_for(BlockId.COHORT_CADENCE, cadence=forged)
    forged = {"type": "static_select", "selected_option": "2"}
    assert "how often" in error_for(BlockId.COHORT_CADENCE, cadence=forged)


def test_weekend_check_ins_need_weekends_in_the_send_window():
    assert "weekdays only" in error_for(BlockId.COHORT_CHECKIN_WEEKDAY, weekday="6")
    fields, _ = parse(weekday="6", window=SendWindow(weekends=True))
    assert fields.checkin_weekday == 6
    assert weekday_choices(WINDOW) == (0, 1, 2, 3, 4)
    assert weekday_choices(SendWindow(weekends=True)) == tuple(range(7))


@pytest.mark.parametrize("weekday", ["7", "-1", "Tuesday"])
def test_a_weekday_that_does_not_exist_is_refused(weekday):
    assert "options in the list" in error_for(BlockId.COHORT_CHECKIN_WEEKDAY, weekday=weekday)


def test_the_check_in_hour_stays_inside_the_send_window():
    assert parse(hour="8")[0].checkin_hour == 8
    assert parse(hour="17")[0].checkin_hour == 17
    for hour in ("7", "18", "23", "10.5"):
        message = error_for(BlockId.COHORT_CHECKIN_HOUR, hour=hour)
        assert "from 08:00 to 17:00" in message
    late = SendWindow(start_hour=12, end_hour=20)
    assert parse(hour="19", window=late)[0].checkin_hour == 19
    assert "from 12:00 to 19:00" in error_for(BlockId.COHORT_CHECKIN_HOUR, hour="10", window=late)


def test_the_default_hour_moves_into_a_window_without_ten():
    assert default_hour(WINDOW) == 10
    assert default_hour(SendWindow(start_hour=12, end_hour=20)) == 12
    assert hour_choices(SendWindow(start_hour=20, end_hour=24)) == (20, 21, 22, 23)


def test_capacities_are_1_to_5_and_1_to_3():
    assert parse(employees_per_executive="5")[0].employees_per_executive == 5
    assert parse(executives_per_employee="3")[0].executives_per_employee == 3
    for value in ("0", "6", "-1"):
        error_for(BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE, employees_per_executive=value)
    for value in ("0", "4"):
        error_for(BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE, executives_per_employee=value)


def test_same_department_pairs_are_off_unless_ticked():
    assert parse()[0].allow_same_department is False
    assert parse(same_department=True)[0].allow_same_department is True
    assert parse(drop=(BlockId.COHORT_RULES,))[0].allow_same_department is False, "the checkbox is optional"


def test_an_unknown_checkbox_value_is_refused():
    forged = cohort_form_values(start_date="2026-01-12")
    forged[BlockId.COHORT_RULES][ActionId.COHORT_FIELD]["selected_options"] = [{"value": "allow_everything"}]
    _, errors = parse_cohort_form(forged, window=WINDOW, today=TODAY, creating=True)
    assert set(errors) == {BlockId.COHORT_RULES}


# Whole forms


def test_every_problem_is_reported_at_once():
    fields, errors = parse(name="", start_date=None, weeks="99", cadence="3", hour="3")
    assert fields is None
    assert set(errors) == {
        BlockId.COHORT_NAME,
        BlockId.COHORT_START_DATE,
        BlockId.COHORT_WEEKS,
        BlockId.COHORT_CADENCE,
        BlockId.COHORT_CHECKIN_HOUR,
    }


@pytest.mark.parametrize("state_values", [{}, None, "garbage", [], {"cohort_name": "x"}, {"cohort_name": {}}])
def test_missing_or_malformed_state_asks_for_every_required_field(state_values):
    fields, errors = parse_cohort_form(state_values, window=WINDOW, today=TODAY, creating=True)
    assert fields is None
    required = set(BLOCK_OF_FIELD.values()) - {BlockId.COHORT_RULES}
    assert set(errors) == {str(block_id) for block_id in required}
    assert all(isinstance(message, str) and 0 < len(message) <= 200 for message in errors.values())


def test_an_element_under_another_action_id_counts_as_missing():
    values = cohort_form_values(start_date="2026-01-12")
    values[BlockId.COHORT_WEEKS] = {"other_action": number_input_value("12")}
    _, errors = parse_cohort_form(values, window=WINDOW, today=TODAY, creating=True)
    assert set(errors) == {BlockId.COHORT_WEEKS}


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from([str(block_id) for block_id in BLOCK_OF_FIELD.values()]),
        st.dictionaries(st.just(ActionId.COHORT_FIELD.value) | st.text(max_size=5), _json, max_size=2),
    )
)
def test_any_submitted_state_gives_fields_or_errors_never_an_exception(state_values):
    fields, errors = parse_cohort_form(state_values, window=WINDOW, today=TODAY, creating=True)
    assert (fields is None) == bool(errors)
    assert set(errors) <= {str(block_id) for block_id in BLOCK_OF_FIELD.values()}


def test_range_problems_catch_what_the_form_would_have():
    bad = CohortFields(
        name="<!here>",
        start_date=TODAY,
        weeks=2,
        cadence_weeks=3,
        checkin_weekday=9,
        checkin_hour=24,
        employees_per_executive=9,
        executives_per_employee=0,
    )
    assert set(range_problems(bad)) == {
        "name",
        "weeks",
        "cadence_weeks",
        "checkin_weekday",
        "checkin_hour",
        "employees_per_executive",
        "executives_per_employee",
    }
    assert range_problems(CohortFields(name="Fine", start_date=TODAY)) == {}
