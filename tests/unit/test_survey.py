"""Reading the survey back: every rule, and no crash whatever a payload holds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ids import ActionId, BlockId
from bot.survey import (
    OfferedSkillIds,
    SurveyAnswers,
    answer_problems,
    asks_capacity,
    parse_survey,
)
from tests.fakes.slack_requests import multi_static_select_value, radio_buttons_value
from tests.survey_kit import set_answer
from tests.survey_kit import survey_values as kit_values

# Employee-side skills 1-10, executive-side 11-15, as a freshly seeded workspace might number them.
EMPLOYEE_SKILLS = frozenset(range(1, 11))
EXECUTIVE_SKILLS = frozenset(range(11, 16))
FOR_EMPLOYEE = OfferedSkillIds(share=EMPLOYEE_SKILLS, learn=EXECUTIVE_SKILLS)
FOR_EXECUTIVE = OfferedSkillIds(share=EXECUTIVE_SKILLS, learn=EMPLOYEE_SKILLS)

SHARE, LEARN = str(BlockId.SURVEY_SKILLS_SHARE), str(BlockId.SURVEY_SKILLS_LEARN)
DEPARTMENT, GOALS = str(BlockId.SURVEY_DEPARTMENT), str(BlockId.SURVEY_GOALS)
MEETING, CAPACITY = str(BlockId.SURVEY_MEETING_FORMAT), str(BlockId.SURVEY_CAPACITY)


def survey_values(**answers):
    """A valid employee submission unless told otherwise (employee skill 1, executive skill 11)."""
    answers.setdefault("share", [1])
    answers.setdefault("learn", [11])
    return kit_values(**answers)


def employee(values, *, max_capacity=None):
    return parse_survey(values, role="employee", offered_skill_ids=FOR_EMPLOYEE, max_capacity=max_capacity)


def executive(values, *, max_capacity=None):
    return parse_survey(values, role="executive", offered_skill_ids=FOR_EXECUTIVE, max_capacity=max_capacity)


def test_a_complete_employee_survey_is_read():
    answers, errors = employee(
        survey_values(
            share=[1, 4, 7],
            learn=[12],
            department="  Customer   Success ",
            goals="  Learn how strategy is made.\r\nAnd share what I know.  ",
            meeting_format="in_person",
        )
    )
    assert errors == {}
    assert answers == SurveyAnswers(
        skills_share=(1, 4, 7),
        skills_learn=(12,),
        department="Customer Success",
        goals="Learn how strategy is made.\nAnd share what I know.",
        meeting_format="in_person",
        capacity=None,
    )


@pytest.mark.parametrize("meeting_format", ["video", "in_person", "either"])
def test_each_meeting_format_is_accepted(meeting_format):
    answers, _ = employee(survey_values(meeting_format=meeting_format))
    assert answers.meeting_format == meeting_format


def test_goals_are_optional():
    for goals in (None, "", "   \n  "):
        answers, errors = employee(survey_values(goals=goals))
        assert errors == {}
        assert answers.goals is None


def test_an_empty_or_missing_form_names_every_required_input():
    expected = {SHARE, LEARN, DEPARTMENT, MEETING}
    for values in ({}, None, "junk", [], {SHARE: "x", LEARN: {ActionId.SURVEY_FIELD: []}}):
        answers, errors = employee(values)
        assert answers is None
        assert set(errors) == expected
    _, errors = employee({})
    assert errors[SHARE] == "Pick at least one skill you can share."
    assert errors[LEARN] == "Pick at least one skill you want to learn."
    assert "department" in errors[DEPARTMENT]
    assert "video, in person, or either" in errors[MEETING]


def test_a_missing_block_is_an_error_on_that_block_only():
    for block_id in (SHARE, LEARN, DEPARTMENT, MEETING):
        _, errors = employee(survey_values(drop=(block_id,)))
        assert set(errors) == {block_id}
    answers, errors = employee(survey_values(drop=(GOALS,)))
    assert errors == {}
    assert answers.goals is None


def test_one_to_five_distinct_skills_each():
    answers, _ = employee(survey_values(share=[1, 2, 3, 4, 5], learn=[11, 12, 13, 14, 15]))
    assert answers.skills_share == (1, 2, 3, 4, 5)
    _, errors = employee(survey_values(share=[1, 2, 3, 4, 5, 6], learn=[]))
    assert errors[SHARE] == "Pick up to 5 skills (you picked 6): the ones that matter most to you."
    assert errors[LEARN] == "Pick at least one skill you want to learn."
    # The same option twice (only a forged payload can do that) counts once.
    answers, errors = employee(survey_values(share=[3, 3, 3, 3, 3, 3], learn=[11]))
    assert errors == {}
    assert answers.skills_share == (3,)


@pytest.mark.parametrize(
    "tampered",
    [
        ["12"],  # an executive-side skill offered as an employee's share
        ["99"],  # no such skill
        ["0"],
        ["-1"],
        ["1.0"],
        ["1e3"],
        [" 1"],
        ["٣"],  # an Arabic-Indic digit: isdigit() but not an id we wrote
        [str(2**31)],
        ["9" * 200],
        ["<@U123>"],
    ],
)
def test_skill_values_that_were_not_offered_are_refused(tampered):
    answers, errors = employee(survey_values(share=tampered))
    assert answers is None
    assert errors == {SHARE: "One of these skills is no longer offered. Please pick again from the list."}


@pytest.mark.parametrize(
    "state",
    [
        {"type": "multi_static_select", "selected_options": "1"},
        {"type": "multi_static_select", "selected_options": {"value": "1"}},
        {"type": "multi_static_select", "selected_options": [1]},
        {"type": "multi_static_select", "selected_options": [{"value": 1}]},
        {"type": "multi_static_select", "selected_options": [{"text": "AI"}]},
        {"type": "multi_static_select", "selected_options": [None]},
    ],
)
def test_mangled_skill_states_are_errors_not_crashes(state):
    answers, errors = employee(set_answer(survey_values(), SHARE, state))
    assert answers is None
    assert set(errors) == {SHARE}


def test_the_executive_survey_checks_the_mirror_skills_and_says_so():
    answers, errors = executive(survey_values(share=[11], learn=[1, 2]))
    assert errors == {}
    assert (answers.skills_share, answers.skills_learn) == ((11,), (1, 2))
    _, errors = executive(survey_values(share=[1], learn=[11]))
    assert set(errors) == {SHARE, LEARN}
    _, errors = executive(survey_values(share=[], learn=[]))
    assert "want to learn" in errors[LEARN]
    assert "share back" in errors[SHARE]


def test_department_is_required_trimmed_and_at_most_80_characters():
    assert employee(survey_values(department="x" * 80))[0].department == "x" * 80
    _, errors = employee(survey_values(department="x" * 81))
    assert errors == {DEPARTMENT: "Keep it to 80 characters or fewer (this has 81)."}
    for blank in ("", "   ", "\n\t", None):
        _, errors = employee(survey_values(department=blank))
        assert set(errors) == {DEPARTMENT}
    _, errors = employee(survey_values(department="---"))
    assert "letter or digit" in errors[DEPARTMENT]
    _, errors = employee(survey_values(department="Sales\x00"))
    assert "control characters" in errors[DEPARTMENT]
    _, errors = employee(survey_values(department="Sales\u202e"))
    assert "control characters" in errors[DEPARTMENT]


def test_unicode_department_and_goals_are_kept_normalised():
    decomposed = unicodedata.normalize("NFD", "Développement & R&D 🚀")
    answers, errors = employee(survey_values(department=decomposed, goals="日本語で話したい 🙂 <b>"))
    assert errors == {}
    assert answers.department == "Développement & R&D 🚀"
    assert unicodedata.is_normalized("NFC", answers.department)
    assert answers.goals == "日本語で話したい 🙂 <b>"


def test_huge_input_is_refused_with_its_length_not_stored_or_crashing():
    _, errors = employee(survey_values(department="é" * 100_000, goals="x" * 1_000_000))
    assert errors[DEPARTMENT] == "Keep it to 80 characters or fewer (this has 100000)."
    assert errors[GOALS].startswith("Keep it to 500 characters or fewer (this has 1000000)")


def test_goals_up_to_500_characters_counted_as_people_see_them():
    assert employee(survey_values(goals="ü" * 500))[0].goals == "ü" * 500
    _, errors = employee(survey_values(goals="ü" * 501))
    assert set(errors) == {GOALS}
    # Control characters other than line breaks and tabs are dropped, not counted.
    assert employee(survey_values(goals="a\x07b\u202ec"))[0].goals == "abc"


@pytest.mark.parametrize("value", ["zoom", "", "VIDEO", "video "])
def test_an_unknown_meeting_format_is_refused(value):
    _, errors = employee(survey_values(meeting_format=value))
    assert errors == {MEETING: "Choose one of the options: video, in person, or either."}


def test_capacity_is_read_only_from_executives_when_the_cohort_allows_several():
    assert asks_capacity(role="executive", max_capacity=3)
    assert not asks_capacity(role="executive", max_capacity=1)
    assert not asks_capacity(role="executive", max_capacity=None)
    assert not asks_capacity(role="employee", max_capacity=3)
    values = survey_values(share=[11], learn=[1], capacity="2")
    assert executive(values, max_capacity=3)[0].capacity == 2
    # Not asked: whatever a payload carries is ignored.
    assert executive(values, max_capacity=1)[0].capacity is None
    assert employee(survey_values(capacity="2"), max_capacity=3)[0].capacity is None


@pytest.mark.parametrize("value", ["0", "4", "two", "", "-1", "2.0"])
def test_a_capacity_outside_the_cohort_limit_is_refused(value):
    _, errors = executive(survey_values(share=[11], learn=[1], capacity=value), max_capacity=3)
    assert errors == {CAPACITY: "Choose how many employees you can mentor: 1 to 3."}


def test_a_missing_capacity_is_refused_when_asked():
    _, errors = executive(survey_values(share=[11], learn=[1]), max_capacity=3)
    assert set(errors) == {CAPACITY}


def test_answers_are_checked_again_against_what_is_offered_when_saving():
    answers, _ = employee(survey_values(share=[1, 2], learn=[11]))
    assert answer_problems(answers, role="employee", offered_skill_ids=FOR_EMPLOYEE, max_capacity=None) == {}
    retired = OfferedSkillIds(share=frozenset({1}), learn=EXECUTIVE_SKILLS)
    problems = answer_problems(answers, role="employee", offered_skill_ids=retired, max_capacity=None)
    assert set(problems) == {SHARE}
    big, _ = executive(survey_values(share=[11], learn=[1], capacity="3"), max_capacity=3)
    lowered = answer_problems(big, role="executive", offered_skill_ids=FOR_EXECUTIVE, max_capacity=2)
    assert set(lowered) == {CAPACITY}
    now_one = answer_problems(big, role="executive", offered_skill_ids=FOR_EXECUTIVE, max_capacity=1)
    assert set(now_one) == {CAPACITY}


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    share=_json,
    department=_json,
    meeting=_json,
    capacity=_json,
)
def test_any_payload_gives_answers_or_errors_never_an_exception(share, department, meeting, capacity):
    values = survey_values(
        share={"type": "multi_static_select", "selected_options": share},
        department={"type": "plain_text_input", "value": department},
        meeting_format={"type": "radio_buttons", "selected_option": meeting},
        capacity={"type": "static_select", "selected_option": capacity},
    )
    for role, offered in (("employee", FOR_EMPLOYEE), ("executive", FOR_EXECUTIVE)):
        answers, errors = parse_survey(values, role=role, offered_skill_ids=offered, max_capacity=3)
        assert (answers is None) == bool(errors)
        assert set(errors) <= {SHARE, LEARN, DEPARTMENT, GOALS, MEETING, CAPACITY}


def test_state_built_by_the_fake_matches_what_the_parser_reads():
    values = {
        SHARE: {ActionId.SURVEY_FIELD: multi_static_select_value(["1"])},
        LEARN: {ActionId.SURVEY_FIELD: multi_static_select_value(["11"])},
        DEPARTMENT: {ActionId.SURVEY_FIELD: {"type": "plain_text_input", "value": "HR"}},
        MEETING: {ActionId.SURVEY_FIELD: radio_buttons_value("either")},
    }
    answers, errors = employee(values)
    assert errors == {}
    assert answers.department == "HR"
