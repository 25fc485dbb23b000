"""The skills taxonomy: defaults, names, keys, the command's words, and the list view's limits."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.skills import SkillCatalogue, SkillChange, SkillInfo
from bot.skills import (
    DEFAULT_SKILLS,
    EMPLOYEE,
    EXECUTIVE,
    KEY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    SkillError,
    SkillsRequest,
    check_skill_name,
    clean_skill_name,
    new_skill_key,
    parse_skills_request,
    slugify,
)
from bot.views.skills import skill_change_message, skills_list_message, skills_problem_message
from tests.blockkit import assert_valid_message

# Words about who people are rather than what they can teach. The issue asks for
# "Gen Z and millennial perspectives" by name, so generation words are not listed.
DEMOGRAPHIC_WORDS = {
    "age",
    "aged",
    "ageing",
    "aging",
    "young",
    "younger",
    "youth",
    "old",
    "older",
    "elderly",
    "senior",
    "junior",
    "gender",
    "male",
    "female",
    "men",
    "women",
    "race",
    "racial",
    "ethnic",
    "ethnicity",
    "religion",
    "religious",
    "nationality",
    "disability",
    "disabled",
    "married",
    "pregnant",
    "sexual",
    "orientation",
    "boomer",
    "boomers",
}


def test_default_keys_and_names_are_unique():
    keys = [skill.key for skill in DEFAULT_SKILLS]
    names = [skill.name.casefold() for skill in DEFAULT_SKILLS]
    assert len(set(keys)) == len(keys)
    assert len(set(names)) == len(names)


def test_defaults_cover_both_sides_and_the_examples_the_issue_asks_for():
    by_side = {
        side: {skill.name for skill in DEFAULT_SKILLS if skill.offered_by == side}
        for side in (EMPLOYEE, EXECUTIVE)
    }
    assert {skill.offered_by for skill in DEFAULT_SKILLS} == {EMPLOYEE, EXECUTIVE}
    assert "Gen Z and millennial perspectives" in by_side[EMPLOYEE]
    assert "AI and new tools" in by_side[EMPLOYEE]
    assert "Leadership" in by_side[EXECUTIVE]
    assert "Navigating the organisation" in by_side[EXECUTIVE]


@pytest.mark.parametrize("skill", DEFAULT_SKILLS, ids=lambda skill: skill.key)
def test_default_skill_is_about_skills_not_demographics(skill):
    words = set(re.findall(r"[a-z]+", f"{skill.name} {skill.key}".casefold()))
    assert not words & DEMOGRAPHIC_WORDS


@pytest.mark.parametrize("skill", DEFAULT_SKILLS, ids=lambda skill: skill.key)
def test_default_skill_passes_the_rules_admins_follow(skill):
    assert check_skill_name(skill.name, active_names=[]) == skill.name
    assert len(skill.name) <= 75, "a select option's text is at most 75 characters"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", skill.key)
    assert len(skill.key) <= KEY_MAX_LENGTH


def test_names_are_trimmed_collapsed_and_unescaped_the_way_slack_sends_them():
    assert clean_skill_name("  Public \t speaking  ") == "Public speaking"
    assert check_skill_name("R&amp;D tools", active_names=[]) == "R&D tools"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("x" * (NAME_MAX_LENGTH + 1), "keep it to 60"),
        ("*bold* moves", "cannot contain"),
        ("`code` review", "cannot contain"),
        ("&lt;@U123&gt; fan club", "cannot contain"),
        ("<https://evil.example|click>", "cannot contain"),
        ("---", "letter or digit"),
        ("social MEDIA", "already a skill called"),
    ],
)
def test_bad_names_are_refused_with_the_reason(typed, problem):
    with pytest.raises(SkillError) as refused:
        check_skill_name(typed, active_names=["Social media", "Leadership"])
    assert problem in refused.value.user_message


def test_a_name_of_exactly_sixty_characters_and_unicode_is_fine():
    assert check_skill_name("é" * NAME_MAX_LENGTH, active_names=[]) == "é" * NAME_MAX_LENGTH
    assert check_skill_name("Café culture 🎉", active_names=[]) == "Café culture 🎉"


def test_slugs_are_short_ascii_and_readable():
    assert slugify("AI and new tools") == "ai-and-new-tools"
    assert slugify("DE&I: diversity, equity & inclusion") == "de-i-diversity-equity-inclusion"
    assert slugify("Café culture") == "cafe-culture"
    assert slugify("🎉🎉") == "skill"
    assert len(slugify("word " * 50)) <= KEY_MAX_LENGTH
    assert not slugify("word " * 50).endswith("-")


def test_new_keys_never_reuse_a_taken_one():
    assert new_skill_key("Leadership", taken={"strategy"}) == "leadership"
    assert new_skill_key("Leadership", taken={"leadership"}) == "leadership-2"
    assert new_skill_key("Leadership", taken={"leadership", "leadership-2"}) == "leadership-3"
    long_key = new_skill_key("x" * 80, taken={"x" * KEY_MAX_LENGTH})
    assert long_key.endswith("-2")
    assert len(long_key) <= KEY_MAX_LENGTH


@given(st.text(max_size=200), st.sets(st.text(alphabet="abc-", max_size=5), max_size=20))
def test_any_name_gets_a_valid_unused_key(name, taken):
    key = new_skill_key(name, taken=taken)
    assert key not in taken
    assert 0 < len(key) <= KEY_MAX_LENGTH
    assert re.fullmatch(r"[a-z0-9-]+", key)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), SkillsRequest(action="list")),
        (("LIST",), SkillsRequest(action="list")),
        (
            ("add", "Executive", "Board", "dynamics"),
            SkillsRequest(action="add", offered_by=EXECUTIVE, name="Board dynamics"),
        ),
        (
            ("add", "employees", "Prompting"),
            SkillsRequest(action="add", offered_by=EMPLOYEE, name="Prompting"),
        ),
        (
            ("Rename", "AI-Tools", "AI", "at", "work"),
            SkillsRequest(action="rename", key="ai-tools", name="AI at work"),
        ),
        (("retire", "`Social-Media`"), SkillsRequest(action="retire", key="social-media")),
        (("restore", "dei"), SkillsRequest(action="restore", key="dei")),
    ],
)
def test_skills_command_words_are_understood(args, expected):
    assert parse_skills_request(args) == expected


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("dance",), "I don't know `/mentor-admin skills dance`"),
        (("add",), "`employee` or `executive`"),
        (("add", "manager", "Golf"), "`employee` or `executive`"),
        (("add", "employee"), "needs a name"),
        (("rename",), "which skill to rename"),
        (("rename", "ai-tools"), "What should `ai-tools` be called?"),
        (("retire",), "key of one skill to retire"),
        (("restore", "a", "b"), "key of one skill to restore"),
    ],
)
def test_malformed_skills_commands_say_what_is_missing(args, problem):
    with pytest.raises(SkillError) as refused:
        parse_skills_request(args)
    assert problem in refused.value.user_message


def _skill(index: int, *, side: str = EMPLOYEE, retired: bool = False, name: str | None = None) -> SkillInfo:
    return SkillInfo(
        id=index,
        key=f"skill-{index}-" + "k" * 30,
        name=name or f"Skill {index} & " + "n" * (NAME_MAX_LENGTH - 12),
        offered_by=side,
        retired=retired,
    )


def test_list_view_groups_skills_by_side_and_shows_keys_in_code():
    catalogue = SkillCatalogue(
        skills=(
            SkillInfo(id=1, key="ai-tools", name="AI and new tools", offered_by=EMPLOYEE, retired=False),
            SkillInfo(id=2, key="leadership", name="Leadership", offered_by=EXECUTIVE, retired=False),
            SkillInfo(id=3, key="fax", name="Fax & telex", offered_by=EMPLOYEE, retired=True),
        )
    )
    body = skills_list_message(catalogue)
    assert_valid_message(body)
    sections = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    employees = next(text for text in sections if text.startswith("*Employees share*"))
    executives = next(text for text in sections if text.startswith("*Executives share*"))
    retired = next(text for text in sections if text.startswith("*Retired"))
    assert "AI and new tools  `ai-tools`" in employees
    assert "Leadership  `leadership`" in executives
    assert "Fax &amp; telex  `fax`  (employees)" in retired
    assert "/mentor-admin skills rename KEY NAME" in json.dumps(body)
    assert body["text"] == "Skills: 1 shared by employees, 1 by executives, 1 retired."


def test_list_view_without_retired_skills_has_no_retired_group():
    body = skills_list_message(SkillCatalogue(skills=(_skill(1), _skill(2, side=EXECUTIVE))))
    assert_valid_message(body)
    assert "Retired" not in json.dumps(body)


@pytest.mark.parametrize(("offered", "retired"), [(60, 0), (60, 60), (100, 500), (0, 0)])
def test_list_view_stays_within_block_kit_limits_with_many_long_skills(offered, retired):
    skills = [_skill(index, side=EMPLOYEE if index % 3 else EXECUTIVE) for index in range(offered)]
    skills += [_skill(1000 + index, retired=True) for index in range(retired)]
    body = skills_list_message(SkillCatalogue(skills=tuple(skills)))
    assert_valid_message(body)
    rendered = json.dumps(body)
    for skill in skills[:offered]:
        assert f"`{skill.key}`" in rendered, "every offered skill is listed"
    if retired > 100:
        assert "more." in rendered, "what does not fit is counted"
    assert "Skills commands" in rendered, "the usage always fits"


def test_change_messages_say_what_happened():
    skill = SkillInfo(id=1, key="social-media", name="Social & media", offered_by=EMPLOYEE, retired=False)
    added = skill_change_message(SkillChange(action="add", skill=skill))
    renamed = skill_change_message(SkillChange(action="rename", skill=skill, previous_name="Social"))
    retired = skill_change_message(SkillChange(action="retire", skill=skill, answers_keeping_it=3))
    restored = skill_change_message(SkillChange(action="restore", skill=skill))
    for body in (added, renamed, retired, restored):
        assert_valid_message(body)
    assert "Added *Social &amp; media* for employees to share, with the key `social-media`" in added["text"]
    assert "from *Social* to *Social &amp; media*" in renamed["text"]
    assert "The 3 answers that chose it keep it." in retired["text"]
    assert "skills restore social-media" in retired["text"]
    assert "offers it again" in restored["text"]


def test_problem_message_says_what_was_wrong_then_the_usage():
    body = skills_problem_message("I don't know a skill with the key `nope`.")
    assert_valid_message(body)
    assert body["text"] == "I don't know a skill with the key `nope`."
    rendered = json.dumps(body)
    for syntax in ("skills add employee|executive NAME", "skills retire KEY", "skills restore KEY"):
        assert f"/mentor-admin {syntax}" in rendered
