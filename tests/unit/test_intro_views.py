"""The intro group DM of a new pair and the note to someone left unpaired: content, tone, Slack's limits."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.match_records import IntroDetails
from bot.skills import DEFAULT_SKILLS
from bot.views.intros import (
    GENERIC_STARTER,
    OPEN_STARTERS,
    STARTERS,
    conversation_starters,
    intro_message,
    unmatched_message,
)
from tests.blockkit import assert_valid_message

EMPLOYEE = "<@U0EMP0001>"
EXECUTIVE = "<@U0EXE0001>"


def intro_details(**overrides: Any) -> IntroDetails:
    details = IntroDetails(
        pairing_id=7,
        cohort_name="Spring 2026",
        employee_user_id="U0EMP0001",
        executive_user_id="U0EXE0001",
        employee_shares=("AI and new tools", "Social media"),
        executive_shares=("Leadership",),
        employee_skill_keys=("ai-tools", "social-media"),
        executive_skill_keys=("leadership",),
        cadence_weeks=2,
        weeks=12,
        start_date=date(2026, 3, 2),
        employee_meeting_format="video",
        executive_meeting_format="video",
    )
    return replace(details, **overrides)


def mrkdwn_texts(body: dict[str, Any]) -> list[str]:
    """Every text Slack reads as mrkdwn (where mentions ping and links render), notification included."""
    texts = [body["text"]]
    for block in body["blocks"]:
        if block["type"] == "section":
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            texts += [element["text"] for element in block["elements"]]
    return texts


def shown(body: dict[str, Any]) -> str:
    """All a person sees, header included."""
    headers = [block["text"]["text"] for block in body["blocks"] if block["type"] == "header"]
    return "\n".join(headers + mrkdwn_texts(body)[1:])


def lines(body: dict[str, Any]) -> list[str]:
    return shown(body).splitlines()


def starter_lines(body: dict[str, Any]) -> list[str]:
    [block] = [
        block
        for block in body["blocks"]
        if block["type"] == "section" and block["text"]["text"].startswith("*Conversation starters*")
    ]
    return [line.removeprefix("• ") for line in block["text"]["text"].splitlines()[1:]]


# --- who, and why ------------------------------------------------------------------------------


def test_the_intro_welcomes_both_to_the_cohort_and_the_notification_stands_alone():
    body = intro_message(intro_details())
    assert_valid_message(body)
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Welcome to Spring 2026"},
    }
    text = shown(body)
    assert EMPLOYEE in text
    assert EXECUTIVE in text
    assert f"{EMPLOYEE} is the mentor and {EXECUTIVE} the learner" in text
    assert EMPLOYEE in body["text"]
    assert EXECUTIVE in body["text"]
    assert "paired in Spring 2026" in body["text"]


def test_each_direction_names_the_skills_that_side_can_share():
    body = intro_message(intro_details())
    [employee_line] = [line for line in lines(body) if line.startswith(f"• {EMPLOYEE} can share")]
    [executive_line] = [line for line in lines(body) if line.startswith(f"• {EXECUTIVE} can share")]
    assert employee_line == (
        f"• {EMPLOYEE} can share *AI and new tools* and *Social media*, which {EXECUTIVE} wants to learn."
    )
    assert executive_line == f"• {EXECUTIVE} can share *Leadership*, which {EMPLOYEE} wants to learn."


def test_only_the_direction_that_has_skills_is_described():
    body = intro_message(intro_details(executive_shares=(), executive_skill_keys=()))
    assert_valid_message(body)
    assert any(line.startswith(f"• {EMPLOYEE} can share") for line in lines(body))
    assert not any(line.startswith(f"• {EXECUTIVE} can share") for line in lines(body))
    assert "admins paired you" not in shown(body)


def test_a_pair_made_by_hand_without_shared_skills_is_invited_to_discover_them():
    body = intro_message(
        intro_details(
            employee_shares=(), executive_shares=(), employee_skill_keys=(), executive_skill_keys=()
        )
    )
    assert_valid_message(body)
    text = shown(body)
    assert "can share" not in text
    assert "The program admins paired you themselves" in text
    assert "what you can teach each other" in text
    starters = starter_lines(body)
    assert 2 <= len(starters) <= 3
    assert set(starters) <= set(OPEN_STARTERS)


# --- what to do first, and the ground rules -----------------------------------------------------


def test_the_executive_is_asked_to_book_the_first_meeting():
    body = intro_message(intro_details())
    ask = f"{EXECUTIVE}, could you send a calendar invite for a first 30-minute meeting in the next week?"
    assert ask in shown(body)
    assert ask in body["text"], "the notification carries the ask too"
    assert f"{EMPLOYEE}, could you send" not in shown(body)


def test_the_first_meeting_has_a_short_numbered_agenda():
    text = shown(intro_message(intro_details()))
    agenda = re.findall(r"^(\d)\. ", text, flags=re.MULTILINE)
    assert agenda == ["1", "2", "3", "4"]
    assert "Introductions" in text
    assert "hopes to learn" in text
    assert "rhythm and format" in text
    assert "first topic" in text


def test_the_ground_rules_say_confidential_cadence_and_leaving_without_fault():
    text = shown(intro_message(intro_details()))
    assert "*Confidential*: what you say stays between the two of you" in text
    assert "only see whether you met, never what you discussed" in text
    assert "one conversation every 2 weeks for 12 weeks, starting Mon 2 Mar 2026" in text
    assert "without fault" in text
    assert "`/mentor leave`" in text


def test_a_weekly_one_week_program_reads_naturally():
    text = shown(intro_message(intro_details(cadence_weeks=1, weeks=1)))
    assert "one conversation every week for 1 week," in text


# --- conversation starters ------------------------------------------------------------------------


def test_every_default_skill_has_its_own_thoughtful_question():
    assert set(STARTERS) == {skill.key for skill in DEFAULT_SKILLS}
    assert len(set(STARTERS.values())) == len(STARTERS)
    assert all(question.endswith("?") for question in STARTERS.values())
    assert not any(
        re.search(r"\b(age|old|young|generation|born)\b", question, re.IGNORECASE)
        for question in STARTERS.values()
    ), "starters are about skills, never about who people are"


def test_starters_come_from_the_shared_skills_taking_turns_between_directions():
    details = intro_details(
        employee_shares=("AI and new tools", "Social media", "Data literacy"),
        employee_skill_keys=("ai-tools", "social-media", "data-literacy"),
        executive_shares=("Leadership", "Strategy"),
        executive_skill_keys=("leadership", "strategy"),
    )
    expected = [STARTERS[key] for key in ("ai-tools", "leadership", "social-media", "strategy")]
    assert conversation_starters(details) == expected
    assert starter_lines(intro_message(details)) == expected


def test_a_skill_added_by_an_admin_gets_the_generic_question_with_its_name():
    details = intro_details(
        employee_shares=("Prompt & context design",),
        employee_skill_keys=("prompt-design",),
        executive_shares=("Leadership",),
        executive_skill_keys=("leadership",),
    )
    starters = starter_lines(intro_message(details))
    assert starters == [
        GENERIC_STARTER.format(name="Prompt &amp; context design"),
        STARTERS["leadership"],
    ]
    assert starters[0] == "What does good Prompt &amp; context design look like in your day-to-day work?"


def test_starters_are_never_repeated_and_at_most_four():
    details = intro_details(
        employee_shares=("Creativity and innovation", "Storytelling", "Storytelling", "Hybrid work", "Data"),
        employee_skill_keys=("creativity", "story", "story-2", "hybrid-work", "data"),
        executive_shares=("Creativity and innovation", "Storytelling", "Strategy"),
        executive_skill_keys=("creativity", "story", "strategy"),
    )
    starters = starter_lines(intro_message(details))
    assert len(starters) == 4
    assert len(set(starters)) == 4
    assert starters == [
        STARTERS["creativity"],
        GENERIC_STARTER.format(name="Storytelling"),
        STARTERS["strategy"],
        STARTERS["hybrid-work"],
    ]


# --- how they like to meet ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employee_format", "executive_format", "expected"),
    [
        ("video", "video", "You both prefer video calls."),
        ("in_person", "in_person", "You both prefer meeting in person."),
        ("either", "either", "You are both happy with video calls or meeting in person."),
        (
            "video",
            "in_person",
            f"{EMPLOYEE} prefers video calls and {EXECUTIVE} prefers meeting in person: perhaps take turns",
        ),
        (
            "either",
            "in_person",
            f"{EMPLOYEE} is happy with video calls or meeting in person and {EXECUTIVE} prefers meeting in "
            "person.",
        ),
        (None, "video", f"{EXECUTIVE} prefers video calls."),
    ],
)
def test_the_meeting_preference_is_said_in_one_short_sentence(
    employee_format: str | None, executive_format: str | None, expected: str
):
    details = intro_details(
        employee_meeting_format=employee_format, executive_meeting_format=executive_format
    )
    assert expected in shown(intro_message(details))


@pytest.mark.parametrize("formats", [(None, None), ("hologram", None)])
def test_an_unknown_meeting_preference_is_not_mentioned(formats: tuple[str | None, str | None]):
    details = intro_details(employee_meeting_format=formats[0], executive_meeting_format=formats[1])
    text = shown(intro_message(details))
    assert "prefer" not in text
    assert "hologram" not in text


# --- Slack's limits, whatever the names ----------------------------------------------------------------


def test_absurdly_long_names_stay_within_slack_limits_and_cannot_ping_anyone():
    cohort_name = ("Team <@U123> & <!channel> " * 10)[:255]
    long_names = tuple(f"Skill {number:02d} & " + "x" * 49 for number in range(40))
    assert {len(name) for name in long_names} == {60}
    details = intro_details(
        cohort_name=cohort_name,
        employee_shares=long_names,
        employee_skill_keys=tuple(f"custom-{number}" for number in range(40)),
        executive_shares=long_names,
        executive_skill_keys=tuple(f"other-{number}" for number in range(40)),
    )
    body = intro_message(details)
    assert_valid_message(body)
    for text in mrkdwn_texts(body):
        assert "<@U123>" not in text
        assert "<!channel>" not in text
    assert "&lt;@U123&gt; &amp; &lt;!channel&gt;" in body["text"]
    assert "Skill 00 &amp; " in shown(body)
    assert "34 more" in shown(body), "the list of skills is cut short, saying how many were left out"
    assert len(starter_lines(body)) == 4


def test_every_combination_of_shares_is_a_valid_message():
    for employee_shares in ((), ("AI and new tools",)):
        for executive_shares in ((), ("Leadership",)):
            details = intro_details(
                employee_shares=employee_shares,
                employee_skill_keys=("ai-tools",) if employee_shares else (),
                executive_shares=executive_shares,
                executive_skill_keys=("leadership",) if executive_shares else (),
                employee_meeting_format=None,
                executive_meeting_format="either",
            )
            assert_valid_message(intro_message(details))


# --- nobody this round ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["employee", "executive"])
def test_someone_left_unpaired_is_thanked_kindly_and_told_what_happens_next(role: str):
    body = unmatched_message(cohort_name="Spring 2026", role=role)
    assert_valid_message(body)
    text = shown(body)
    assert text.startswith("Thank you")
    assert "*Spring 2026*" in text
    assert "no suitable partner" in text
    assert "next round" in text
    assert "program admins will be in touch" in text
    assert "answers are kept" in text
    assert "`/mentor leave`" in text
    assert "next round" in body["text"]
    assert "<@" not in text, "nobody else is named"
    assert not re.search(r"\b(rules?|department\w*|exclu\w*|capacity|blame|fault)\b", text, re.IGNORECASE), (
        "no reason, no rule, nobody to blame"
    )


def test_the_unpaired_note_speaks_to_each_role_and_escapes_the_cohort_name():
    employee = unmatched_message(cohort_name="Q3 <@U123> & co", role="employee")
    executive = unmatched_message(cohort_name="Q3 <@U123> & co", role="executive")
    assert "share your skills" in employee["text"]
    assert "offering your time" in executive["text"]
    for body in (employee, executive):
        assert "*Q3 &lt;@U123&gt; &amp; co*" in body["text"]
        assert all("<@U123>" not in text for text in mrkdwn_texts(body))
