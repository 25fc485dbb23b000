"""The survey modal and the thank-you DM: inside Slack's limits, worded for each role."""

from __future__ import annotations

import json
import re

import pytest

from bot.errors import SurveyGoneError
from bot.ids import ActionId, BlockId, CallbackId
from bot.survey import OfferedSkillIds, SkillChoice, SurveyAnswers, SurveySummary, parse_survey
from bot.views.survey import (
    build_survey_modal,
    read_survey_metadata,
    survey_metadata,
    survey_notice_view,
    survey_saved_view,
    survey_thanks_message,
)
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.fakes.slack_requests import unchanged_values
from tests.survey_kit import input_block_ids, option_values

EMPLOYEE_SIDE = tuple(SkillChoice(id=i, name=f"Employee skill {i}") for i in range(1, 11))
EXECUTIVE_SIDE = tuple(SkillChoice(id=i, name=f"Executive skill {i}") for i in range(11, 16))
SAVED = SurveyAnswers(
    skills_share=(2, 5),
    skills_learn=(12,),
    department="R&D <east>",
    goals="Learn how decisions are made.",
    meeting_format="either",
    capacity=None,
)
SHARE, LEARN = str(BlockId.SURVEY_SKILLS_SHARE), str(BlockId.SURVEY_SKILLS_LEARN)


def employee_modal(**overrides):
    arguments = {
        "role": "employee",
        "cohort_id": 7,
        "cohort_name": "Spring 2026",
        "share_options": EMPLOYEE_SIDE,
        "learn_options": EXECUTIVE_SIDE,
        "saved": None,
        "max_capacity": None,
        "editing": False,
    } | overrides
    return build_survey_modal(**arguments)


def executive_modal(**overrides):
    arguments = {
        "role": "executive",
        "share_options": EXECUTIVE_SIDE,
        "learn_options": EMPLOYEE_SIDE,
    } | overrides
    return employee_modal(**arguments)


def block(view, block_id):
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def all_text(view) -> str:
    return json.dumps(view, ensure_ascii=False)


def test_the_employee_survey_asks_what_they_can_share_first():
    view = employee_modal()
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.SURVEY_MODAL
    assert input_block_ids(view) == ["skills_share", "skills_learn", "department", "goals", "meeting_format"]
    assert block(view, SHARE)["label"]["text"] == "Skills you can share"
    assert block(view, LEARN)["label"]["text"] == "Skills you want to learn"
    assert option_values(view, SHARE) == [str(skill.id) for skill in EMPLOYEE_SIDE]
    assert option_values(view, LEARN) == [str(skill.id) for skill in EXECUTIVE_SIDE]
    assert block(view, BlockId.SURVEY_GOALS)["optional"] is True
    assert all(
        block(view, block_id)["optional"] is False
        for block_id in ("skills_share", "skills_learn", "department", "meeting_format")
    )
    assert option_values(view, BlockId.SURVEY_MEETING_FORMAT) == ["video", "in_person", "either"]
    assert view["submit"]["text"] == "Join"
    assert "*Spring 2026*" in view["blocks"][0]["text"]["text"]
    assert "never your age" in all_text(view)
    assert "stays between you" in all_text(view)


def test_the_executive_survey_asks_what_they_want_to_learn_first_from_the_employee_skills():
    view = executive_modal()
    assert_valid_view(view)
    assert input_block_ids(view) == ["skills_learn", "skills_share", "department", "goals", "meeting_format"]
    assert block(view, LEARN)["label"]["text"] == "What you want to learn"
    assert block(view, SHARE)["label"]["text"] == "What you can share back"
    assert option_values(view, LEARN) == [str(skill.id) for skill in EMPLOYEE_SIDE]
    assert option_values(view, SHARE) == [str(skill.id) for skill in EXECUTIVE_SIDE]
    assert json.loads(view["private_metadata"]) == {"cohort_id": 7, "role": "executive"}


def test_capacity_is_asked_only_of_executives_whose_cohort_allows_several():
    view = executive_modal(max_capacity=3)
    assert_valid_view(view)
    assert input_block_ids(view)[-1] == "capacity"
    assert option_values(view, BlockId.SURVEY_CAPACITY) == ["1", "2", "3"]
    assert "capacity" not in input_block_ids(executive_modal(max_capacity=1))
    assert "capacity" not in input_block_ids(employee_modal(max_capacity=3))


def test_multi_selects_allow_five_and_values_are_skill_ids():
    view = employee_modal()
    for block_id in (SHARE, LEARN):
        element = block(view, block_id)["element"]
        assert element["type"] == "multi_static_select"
        assert element["max_selected_items"] == 5
        assert element["action_id"] == ActionId.SURVEY_FIELD
        assert "initial_options" not in element


def test_a_hundred_long_skills_stay_within_slacks_limits():
    many = tuple(SkillChoice(id=1000 + i, name=f"{i} " + "very long skill name " * 10) for i in range(100))
    view = employee_modal(share_options=many, learn_options=many, max_capacity=5, cohort_name="n" * 80)
    assert_valid_view(view)
    for block_id in (SHARE, LEARN):
        options = block(view, block_id)["element"]["options"]
        assert len(options) == 100
        assert all(len(option["text"]["text"]) <= 75 for option in options)
    assert len(view["private_metadata"]) <= 3000


def test_a_saved_skill_is_kept_even_when_more_than_a_hundred_are_offered():
    many = tuple(SkillChoice(id=i, name=f"Skill {i}") for i in range(1, 106))
    saved = SurveyAnswers(
        skills_share=(104, 105),
        skills_learn=(1,),
        department="Ops",
        goals=None,
        meeting_format="video",
    )
    view = employee_modal(share_options=many, learn_options=many, saved=saved, editing=True)
    assert_valid_view(view)
    values = option_values(view, SHARE)
    assert len(values) == 100
    assert {"104", "105"} <= set(values)
    initial = block(view, SHARE)["element"]["initial_options"]
    assert [option["value"] for option in initial] == ["104", "105"]


def test_editing_shows_the_saved_answers_and_submitting_them_unchanged_reads_them_back():
    view = employee_modal(saved=SAVED, editing=True)
    assert_valid_view(view)
    assert view["title"]["text"] == "Edit my answers"
    assert view["submit"]["text"] == "Save"
    assert block(view, BlockId.SURVEY_DEPARTMENT)["element"]["initial_value"] == "R&D <east>"
    assert block(view, BlockId.SURVEY_MEETING_FORMAT)["element"]["initial_option"]["value"] == "either"
    answers, errors = parse_survey(
        unchanged_values(view),
        role="employee",
        offered_skill_ids=OfferedSkillIds(
            share=frozenset(s.id for s in EMPLOYEE_SIDE), learn=frozenset(s.id for s in EXECUTIVE_SIDE)
        ),
        max_capacity=None,
    )
    assert errors == {}
    assert answers == SAVED


def test_an_executive_editing_sees_their_capacity_within_the_current_limit():
    saved = SurveyAnswers(
        skills_share=(11,),
        skills_learn=(1,),
        department="Board",
        goals=None,
        meeting_format="video",
        capacity=4,
    )
    view = executive_modal(saved=saved, editing=True, max_capacity=2)
    assert block(view, BlockId.SURVEY_CAPACITY)["element"]["initial_option"]["value"] == "2"


def test_the_survey_never_asks_about_age_or_demographics():
    for view in (employee_modal(), executive_modal(max_capacity=3)):
        labels = " ".join(
            block["label"]["text"] + " " + block.get("hint", {}).get("text", "")
            for block in view["blocks"]
            if block["type"] == "input"
        ).lower()
        assert not re.search(r"\b(age|born|birth|gender|ethnic\w*|race|religion|generation)\b", labels)


def test_metadata_round_trips_and_anything_else_is_refused():
    assert read_survey_metadata(survey_metadata(cohort_id=3, role="employee")).cohort_id == 3
    for junk in (
        None,
        "",
        "not json",
        "[]",
        '{"cohort_id": 3}',
        '{"cohort_id": "3", "role": "employee"}',
        '{"cohort_id": 0, "role": "employee"}',
        '{"cohort_id": true, "role": "employee"}',
        '{"cohort_id": 3, "role": "admin"}',
        json.dumps({"cohort_id": 2**40, "role": "employee"}),
    ):
        with pytest.raises(SurveyGoneError):
            read_survey_metadata(junk)


def test_deeply_nested_metadata_is_refused_not_a_recursion_error():
    # Found by fuzzing: json.loads raises RecursionError, which the submission did not expect (HTTP 500).
    with pytest.raises(SurveyGoneError):
        read_survey_metadata("[" * 5000)


def summary(**overrides) -> SurveySummary:
    fields = {
        "cohort_id": 7,
        "cohort_name": "Spring & Summer",
        "role": "employee",
        "share_names": ("AI and new tools", "DE&I: diversity, equity and inclusion"),
        "learn_names": ("Strategy",),
        "department": "R&D <east>",
        "goals": "Understand <!channel> budgets",
        "meeting_format": "in_person",
        "capacity": None,
        "updated": False,
    } | overrides
    return SurveySummary(**fields)


def test_the_thanks_message_says_what_happens_next_and_offers_to_edit():
    body = survey_thanks_message(summary())
    assert_valid_message(body)
    text = all_text(body)
    assert "Thank you, you're in *Spring &amp; Summer*!" in text
    assert "What happens next" in text
    assert "an executive" in text
    assert "R&amp;D &lt;east&gt;" in text
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in text
    assert "In person" in text
    [button] = next(b for b in body["blocks"] if b["type"] == "actions")["elements"]
    assert (button["action_id"], button["value"]) == (ActionId.OPEN_SURVEY, "7")
    assert button["text"]["text"] == "Edit my answers"


def test_the_thanks_message_for_an_edit_an_executive_and_a_paused_person():
    edited = all_text(survey_thanks_message(summary(updated=True)))
    assert "I saved your new answers" in edited
    body = survey_thanks_message(summary(role="executive", capacity=2))
    assert_valid_message(body)
    text = all_text(body)
    assert text.index("You want to learn") < text.index("You can share")
    assert "Employees you can mentor:* 2" in text
    assert "paused" in all_text(survey_thanks_message(summary(paused=True)))


def test_the_notice_and_saved_views_are_valid():
    assert_valid_view(survey_notice_view("x" * 5000))
    view = survey_saved_view(cohort_name="Spring", updated=False)
    assert_valid_view(view)
    assert "You're in *Spring*" in all_text(view)
    assert "submit" not in view
