"""The midpoint and closing survey DM, modal and parser, and the answer to `close`: what people see."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ids import ActionId, BlockId, CallbackId
from bot.survey import SkillChoice
from bot.survey_records import (
    CLOSING,
    MIDPOINT,
    CloseResult,
    ProgramSurveyAnswers,
    ProgramSurveyForm,
    ProgramSurveyInvite,
    ProgramSurveySaved,
)
from bot.views.program_surveys import (
    close_result_message,
    close_usage_message,
    parse_program_survey,
    program_survey_message,
    program_survey_metadata,
    program_survey_modal,
    program_survey_notice_view,
    program_survey_saved_view,
    program_survey_value,
    read_program_survey_metadata,
    read_program_survey_value,
)
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.fakes.slack_requests import (
    multi_static_select_value,
    plain_text_value,
    radio_buttons_value,
    static_select_value,
    unchanged_values,
)

FIELD = ActionId.PROGRAM_SURVEY_FIELD
SATISFACTION = str(BlockId.PROGRAM_SURVEY_SATISFACTION)
AGAIN = str(BlockId.PROGRAM_SURVEY_AGAIN)
SKILLS = str(BlockId.PROGRAM_SURVEY_SKILLS)
COMMENTS = str(BlockId.PROGRAM_SURVEY_COMMENTS)
EVIL = "<!channel> R&D <@U0EVE0001>"
HUGE_NAME = ("<!here> & " * 26)[:255]
SKILL_CHOICES = (
    SkillChoice(id=3, name="AI and new tools"),
    SkillChoice(id=7, name="Leadership"),
    SkillChoice(id=9, name="Strategy"),
)
OFFERED = frozenset(choice.id for choice in SKILL_CHOICES)


def form(*, kind=MIDPOINT, saved=None, skills=SKILL_CHOICES, cohort_name="Spring 2026", cohort_id=4):
    return ProgramSurveyForm(
        cohort_id=cohort_id, cohort_name=cohort_name, kind=kind, skills=skills, saved=saved
    )


def input_block(view, block_id):
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def buttons(body):
    return [
        element for block in body["blocks"] if block["type"] == "actions" for element in block["elements"]
    ]


def shown(body) -> str:
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return "\n".join(found)


def survey_values(*, satisfaction="4", again="yes", skills=("3",), comments=None, drop=()):
    """`state.values` exactly as Slack sends them for the survey modal."""
    values = {
        SATISFACTION: {FIELD: static_select_value(satisfaction)},
        AGAIN: {FIELD: radio_buttons_value(again)},
        SKILLS: {FIELD: multi_static_select_value(list(skills))},
        COMMENTS: {FIELD: plain_text_value(comments)},
    }
    return {block_id: value for block_id, value in values.items() if block_id not in drop}


# ---- values and metadata ------------------------------------------------------------------


@given(cohort_id=st.integers(min_value=1, max_value=2**31 - 1), kind=st.sampled_from([MIDPOINT, CLOSING]))
def test_button_value_and_metadata_round_trip(cohort_id, kind):
    assert read_program_survey_value(program_survey_value(cohort_id=cohort_id, kind=kind)) == (
        cohort_id,
        kind,
    )
    metadata = program_survey_metadata(cohort_id=cohort_id, kind=kind)
    assert read_program_survey_metadata(metadata) == (cohort_id, kind)


@pytest.mark.parametrize(
    "value",
    [
        None,
        4,
        "",
        "4",
        "4:",
        ":midpoint",
        "0:midpoint",
        "04:midpoint",
        "-4:midpoint",
        "4:final",
        "4:MIDPOINT",
        f"{2**31}:closing",
        "4:closing:extra",
        " 4:closing",
        "４:closing",
        "4:closing\n",
    ],
)
def test_malformed_button_values_are_refused(value):
    assert read_program_survey_value(value) is None


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        4,
        "",
        "not json",
        "[]",
        "null",
        '{"kind": "midpoint"}',
        '{"cohort_id": "4", "kind": "midpoint"}',
        '{"cohort_id": 0, "kind": "midpoint"}',
        '{"cohort_id": true, "kind": "midpoint"}',
        '{"cohort_id": 4, "kind": "final"}',
        '{"cohort_id": 4}',
        "[" * 2999,
        "1" * 5000,
    ],
)
def test_malformed_metadata_is_refused(metadata):
    assert read_program_survey_metadata(metadata) is None


@given(st.one_of(st.text(), st.none(), st.integers()))
def test_reading_values_and_metadata_never_raises(value):
    read_program_survey_value(value)
    read_program_survey_metadata(value)


# ---- the DM -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [MIDPOINT, CLOSING])
def test_the_survey_dm_has_one_button_that_names_the_cohort_and_survey(kind):
    body = program_survey_message(ProgramSurveyInvite(cohort_id=4, cohort_name="Spring 2026", kind=kind))
    assert_valid_message(body)
    [answer] = buttons(body)
    assert answer["action_id"] == ActionId.OPEN_PROGRAM_SURVEY
    assert answer["text"]["text"] == "Answer the survey"
    assert answer["value"] == f"4:{kind}"
    assert "Spring 2026" in body["text"]


def test_midpoint_and_closing_dms_are_worded_for_the_moment():
    midpoint = program_survey_message(ProgramSurveyInvite(cohort_id=4, cohort_name="Spring", kind=MIDPOINT))
    closing = program_survey_message(ProgramSurveyInvite(cohort_id=4, cohort_name="Spring", kind=CLOSING))
    assert "half-way" in midpoint["text"]
    assert "come to an end" in closing["text"]
    assert "Thank you" in closing["text"]
    assert "partner never sees" in shown(midpoint)


def test_cohort_names_are_escaped_in_the_dm():
    body = program_survey_message(ProgramSurveyInvite(cohort_id=4, cohort_name=EVIL, kind=CLOSING))
    assert "<!channel>" not in json.dumps(body)
    assert "<@U0EVE0001>" not in json.dumps(body)


# ---- the modal ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [MIDPOINT, CLOSING])
def test_the_modal_asks_four_questions_the_last_two_optional(kind):
    view = program_survey_modal(form(kind=kind))
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.PROGRAM_SURVEY_MODAL
    assert read_program_survey_metadata(view["private_metadata"]) == (4, kind)
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["block_id"] for block in inputs] == [SATISFACTION, AGAIN, SKILLS, COMMENTS]
    assert [block["optional"] for block in inputs] == [False, False, True, True]
    assert {block["element"]["action_id"] for block in inputs} == {FIELD}
    satisfaction = input_block(view, SATISFACTION)["element"]
    assert satisfaction["type"] == "static_select"
    assert [option["value"] for option in satisfaction["options"]] == ["5", "4", "3", "2", "1"]
    again = input_block(view, AGAIN)["element"]
    assert again["type"] == "radio_buttons"
    assert [option["value"] for option in again["options"]] == ["yes", "maybe", "no"]
    skills = input_block(view, SKILLS)["element"]
    assert skills["type"] == "multi_static_select"
    assert [option["value"] for option in skills["options"]] == ["3", "7", "9"]
    comments = input_block(view, COMMENTS)["element"]
    assert comments["max_length"] == 2000
    assert comments["multiline"] is True
    assert view["submit"]["text"] == "Send"


def test_the_modal_is_worded_for_the_moment():
    midpoint = program_survey_modal(form(kind=MIDPOINT))
    closing = program_survey_modal(form(kind=CLOSING))
    assert midpoint["title"]["text"] == "Midpoint survey"
    assert closing["title"]["text"] == "Closing survey"
    assert "so far" in input_block(midpoint, SATISFACTION)["label"]["text"]
    assert input_block(closing, AGAIN)["label"]["text"] == "Would you do it again?"


def test_answering_again_shows_the_saved_answers():
    saved = ProgramSurveyAnswers(satisfaction=2, again="maybe", skills_gained=(9, 3), comments="More time.")
    view = program_survey_modal(form(saved=saved))
    assert_valid_view(view)
    assert input_block(view, SATISFACTION)["element"]["initial_option"]["value"] == "2"
    assert input_block(view, AGAIN)["element"]["initial_option"]["value"] == "maybe"
    assert [o["value"] for o in input_block(view, SKILLS)["element"]["initial_options"]] == ["3", "9"]
    assert input_block(view, COMMENTS)["element"]["initial_value"] == "More time."
    assert view["submit"]["text"] == "Save"
    # Submitting it unchanged gives back the same answers.
    assert parse_program_survey(unchanged_values(view), offered_skill_ids=OFFERED) == ProgramSurveyAnswers(
        satisfaction=2, again="maybe", skills_gained=(3, 9), comments="More time."
    )


def test_at_most_100_skills_are_offered_and_the_saved_ones_are_always_among_them():
    many = tuple(SkillChoice(id=i, name=f"Skill {i} " + "x" * 100) for i in range(1, 251))
    saved = ProgramSurveyAnswers(satisfaction=5, again="yes", skills_gained=(250,), comments=None)
    view = program_survey_modal(form(skills=many, saved=saved))
    assert_valid_view(view)
    options = input_block(view, SKILLS)["element"]["options"]
    assert len(options) == 100
    assert "250" in [option["value"] for option in options]
    assert all(len(option["text"]["text"]) <= 75 for option in options)


def test_without_any_skill_the_skills_question_is_left_out():
    view = program_survey_modal(form(skills=()))
    assert_valid_view(view)
    assert SKILLS not in [block.get("block_id") for block in view["blocks"]]
    answers = parse_program_survey(survey_values(drop=(SKILLS,)), offered_skill_ids=frozenset())
    assert answers == ProgramSurveyAnswers(satisfaction=4, again="yes", skills_gained=(), comments=None)


def test_every_view_stays_valid_with_the_longest_inputs():
    saved = ProgramSurveyAnswers(satisfaction=1, again="no", skills_gained=(3,), comments="é" * 2000)
    for kind in (MIDPOINT, CLOSING):
        view = program_survey_modal(form(kind=kind, saved=saved, cohort_name=HUGE_NAME, cohort_id=2**31 - 1))
        assert_valid_view(view)
        assert "<!here>" not in json.dumps(view)
        for updated in (True, False):
            assert_valid_view(
                program_survey_saved_view(
                    ProgramSurveySaved(cohort_name=HUGE_NAME, kind=kind, updated=updated)
                )
            )
        message = program_survey_message(
            ProgramSurveyInvite(cohort_id=2**31 - 1, cohort_name=HUGE_NAME, kind=kind)
        )
        assert_valid_message(message)
    assert_valid_view(program_survey_notice_view("x" * 5000))


# ---- reading a submission -----------------------------------------------------------------


def test_a_filled_in_survey_is_read_cleanly():
    answers = parse_program_survey(
        survey_values(
            satisfaction="5", again="maybe", skills=("9", "3", "9"), comments="  Great\r\npair.\u202e "
        ),
        offered_skill_ids=OFFERED,
    )
    assert answers == ProgramSurveyAnswers(
        satisfaction=5, again="maybe", skills_gained=(9, 3), comments="Great\npair."
    )


def test_optional_answers_may_be_left_empty_or_missing():
    expected = ProgramSurveyAnswers(satisfaction=4, again="yes", skills_gained=(), comments=None)
    assert (
        parse_program_survey(survey_values(skills=(), comments="  "), offered_skill_ids=OFFERED) == expected
    )
    assert parse_program_survey(survey_values(drop=(SKILLS, COMMENTS)), offered_skill_ids=OFFERED) == expected
    skipped = survey_values()
    skipped[SKILLS] = {FIELD: {"type": "multi_static_select", "selected_options": None}}
    assert parse_program_survey(skipped, offered_skill_ids=OFFERED).skills_gained == ()


def test_an_untouched_modal_asks_for_the_two_required_answers():
    errors = parse_program_survey(unchanged_values(program_survey_modal(form())), offered_skill_ids=OFFERED)
    assert set(errors) == {SATISFACTION, AGAIN}


@pytest.mark.parametrize(
    ("overrides", "block_id"),
    [
        ({"satisfaction": None}, SATISFACTION),
        ({"satisfaction": "0"}, SATISFACTION),
        ({"satisfaction": "6"}, SATISFACTION),
        ({"satisfaction": "4.0"}, SATISFACTION),
        ({"again": None}, AGAIN),
        ({"again": "never"}, AGAIN),
        ({"again": "YES"}, AGAIN),
        ({"skills": ("42",)}, SKILLS),
        ({"skills": ("3", "03")}, SKILLS),
        ({"skills": ("-3",)}, SKILLS),
        ({"comments": "y" * 2001}, COMMENTS),
        ({"drop": (SATISFACTION,)}, SATISFACTION),
        ({"drop": (AGAIN,)}, AGAIN),
    ],
)
def test_each_wrong_answer_is_reported_next_to_its_input(overrides, block_id):
    errors = parse_program_survey(survey_values(**overrides), offered_skill_ids=OFFERED)
    assert isinstance(errors, dict)
    assert list(errors) == [block_id]
    assert errors[block_id]


def test_the_longest_comment_is_accepted():
    answers = parse_program_survey(survey_values(comments="z" * 2000), offered_skill_ids=OFFERED)
    assert answers.comments == "z" * 2000


@pytest.mark.parametrize(
    "values",
    [
        None,
        [],
        "values",
        {},
        {SATISFACTION: "4"},
        {SATISFACTION: {FIELD: []}},
        {SATISFACTION: {FIELD: {"selected_option": "4"}}},
        {SATISFACTION: {FIELD: {"selected_option": {"value": 4}}}},
        {AGAIN: {FIELD: {"selected_option": ["yes"]}}},
        {SKILLS: {FIELD: {"selected_options": "3"}}},
        {SKILLS: {FIELD: {"selected_options": [None, 3]}}},
        {COMMENTS: {FIELD: {"value": 42}}},
    ],
)
def test_malformed_payloads_are_errors_not_crashes(values):
    errors = parse_program_survey(values, offered_skill_ids=OFFERED)
    assert isinstance(errors, dict)
    assert SATISFACTION in errors or AGAIN in errors


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_payload_gives_answers_or_errors_never_an_exception(values):
    result = parse_program_survey(values, offered_skill_ids=OFFERED)
    assert isinstance(result, (dict, ProgramSurveyAnswers))


# ---- after a submit, and close ------------------------------------------------------------


def test_the_saved_view_thanks_and_says_whether_it_updated():
    first = program_survey_saved_view(ProgramSurveySaved(cohort_name="Spring", kind=MIDPOINT, updated=False))
    again = program_survey_saved_view(ProgramSurveySaved(cohort_name="Spring", kind=CLOSING, updated=True))
    assert "Thank you! Your answers to the midpoint survey of *Spring* are saved." in shown(first)
    assert "closing survey of *Spring* are updated" in shown(again)


def test_the_close_answer_says_what_ended_and_who_gets_the_survey():
    body = close_result_message(
        CloseResult(
            cohort_id=4,
            cohort_name=EVIL,
            pairings_ended=3,
            messages_cancelled=1,
            surveys_queued=5,
            participants=6,
        )
    )
    assert_valid_message(body)
    text = body["text"]
    assert "is closed" in text
    assert "3 pairings ended" in text
    assert "1 check-in or reminder" in text
    assert "closing survey goes to 6 participants" in text
    assert "1 already had it on its way" in text
    assert "<!channel>" not in json.dumps(body)


def test_the_close_answer_without_participants():
    body = close_result_message(
        CloseResult(
            cohort_id=4,
            cohort_name="Spring",
            pairings_ended=0,
            messages_cancelled=0,
            surveys_queued=0,
            participants=0,
        )
    )
    assert_valid_message(body)
    assert "no closing survey" in body["text"]


def test_close_with_words_after_it_closes_nothing_and_says_so():
    body = close_usage_message(args=("now`<!here>", "please"))
    assert_valid_message(body)
    assert "closed nothing" in body["text"]
    assert "<!here>" not in body["text"]
