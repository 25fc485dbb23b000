"""The enrolment survey: its answers, their rules, and reading them back from the modal.

Pure (no Slack, no database), so every rule is unit-tested on its own. The survey is about
skills only: it never asks about age or demographics. Employees and executives answer the
same questions (same block ids, a public contract) in a different order; an executive may
also say how many employees they can mentor when the cohort allows more than one.

A submitted value that is not one of the offered options (an old form, a forged payload) is
an error like any other, never a crash, and nothing is saved while any answer is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bot.forms import FormReader, InvalidInputError
from bot.ids import ActionId, BlockId
from bot.skills import EMPLOYEE, EXECUTIVE

ROLES: tuple[str, ...] = (EMPLOYEE, EXECUTIVE)
SKILLS_MIN, SKILLS_MAX = 1, 5
DEPARTMENT_MAX_LENGTH = 80
GOALS_MAX_LENGTH = 500

VIDEO, IN_PERSON, EITHER = "video", "in_person", "either"
# The values match storage's MeetingFormat; the labels are what people see.
MEETING_FORMAT_LABELS: dict[str, str] = {
    VIDEO: "Video call",
    IN_PERSON: "In person",
    EITHER: "Either is fine",
}

# Bidirectional overrides and isolates can make text read differently from what it is.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_DATABASE_ID = re.compile(r"^[0-9]{1,10}$")
# Ids are 32-bit integers on PostgreSQL; a bigger number from a forged payload matches nothing.
MAX_DATABASE_ID = 2**31 - 1


@dataclass(frozen=True, kw_only=True)
class SkillChoice:
    """A skill as the survey offers it: the option's value is the id, its text the name."""

    id: int
    name: str


@dataclass(frozen=True, kw_only=True)
class OfferedSkillIds:
    """The skill ids each multi-select may hold: what the modal offered, and nothing else."""

    share: frozenset[int]
    learn: frozenset[int]


@dataclass(frozen=True, kw_only=True)
class SurveyAnswers:
    """One person's answers, checked. `capacity` is None when it was not asked (the cohort allows one)."""

    skills_share: tuple[int, ...]
    skills_learn: tuple[int, ...]
    department: str
    goals: str | None
    meeting_format: str
    capacity: int | None = None


@dataclass(frozen=True, kw_only=True)
class SurveySummary:
    """What the thank-you DM repeats back: the saved answers, with skill names."""

    cohort_id: int
    cohort_name: str
    role: str
    share_names: tuple[str, ...]
    learn_names: tuple[str, ...]
    department: str
    goals: str | None
    meeting_format: str
    capacity: int | None
    updated: bool
    paused: bool = False


def asks_capacity(*, role: str, max_capacity: int | None) -> bool:
    """Only executives say how many employees they can take, and only when the cohort allows several."""
    return role == EXECUTIVE and max_capacity is not None and max_capacity > 1


def parse_survey(
    state_values: Any, *, role: str, offered_skill_ids: OfferedSkillIds, max_capacity: int | None
) -> tuple[SurveyAnswers | None, dict[str, str]]:
    """Read a submitted survey modal: the answers, or the errors keyed by input block_id.

    `state_values` is the view's `state.values` as Slack sends it; anything missing or of
    the wrong shape is reported next to the input it belongs to.
    """
    form = FormReader(state_values, action_id=ActionId.SURVEY_FIELD)
    read = form.read
    errors = form.errors

    share = read(
        BlockId.SURVEY_SKILLS_SHARE,
        lambda e: _parse_skills(e, offered=offered_skill_ids.share, missing=_missing_share(role)),
    )
    learn = read(
        BlockId.SURVEY_SKILLS_LEARN,
        lambda e: _parse_skills(e, offered=offered_skill_ids.learn, missing=_missing_learn(role)),
    )
    department = read(BlockId.SURVEY_DEPARTMENT, _parse_department)
    goals = read(BlockId.SURVEY_GOALS, _parse_goals)
    meeting_format = read(BlockId.SURVEY_MEETING_FORMAT, _parse_meeting_format)
    capacity = None
    if asks_capacity(role=role, max_capacity=max_capacity):
        capacity = read(BlockId.SURVEY_CAPACITY, lambda e: _parse_capacity(e, maximum=max_capacity or 1))
    if errors:
        return None, errors
    return (
        SurveyAnswers(
            skills_share=share,
            skills_learn=learn,
            department=department,
            goals=goals,
            meeting_format=meeting_format,
            capacity=capacity,
        ),
        {},
    )


def answer_problems(
    answers: SurveyAnswers, *, role: str, offered_skill_ids: OfferedSkillIds, max_capacity: int | None
) -> dict[str, str]:
    """Rules the service checks again right before saving, keyed by block_id.

    Between opening the modal and submitting it an admin may have retired a skill or
    lowered the cohort's capacity; the answers are then refused rather than saved half-valid.
    """
    problems: dict[str, str] = {}
    for block_id, chosen, offered in (
        (BlockId.SURVEY_SKILLS_SHARE, answers.skills_share, offered_skill_ids.share),
        (BlockId.SURVEY_SKILLS_LEARN, answers.skills_learn, offered_skill_ids.learn),
    ):
        if not set(chosen) <= offered:
            problems[str(block_id)] = _NOT_OFFERED
        elif not SKILLS_MIN <= len(chosen) <= SKILLS_MAX:
            problems[str(block_id)] = f"Pick {SKILLS_MIN} to {SKILLS_MAX} skills."
    if asks_capacity(role=role, max_capacity=max_capacity):
        if answers.capacity is None or not 1 <= answers.capacity <= (max_capacity or 1):
            problems[str(BlockId.SURVEY_CAPACITY)] = _capacity_message(max_capacity or 1)
    elif answers.capacity not in (None, 1):
        problems[str(BlockId.SURVEY_CAPACITY)] = "This cohort pairs each executive with one employee."
    return problems


def clean_department(raw: str) -> str:
    """The department as stored: NFC-normalised, whitespace runs (newlines too) made one space."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def clean_goals(raw: str) -> str:
    """Goals as stored: NFC-normalised, trimmed, line breaks kept, other control characters dropped."""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(char for char in text if char in "\n\t" or unicodedata.category(char) != "Cc")
    return _BIDI_CONTROLS.sub("", text).strip()


# ---- element parsers ----------------------------------------------------------------------

_NOT_OFFERED = "One of these skills is no longer offered. Please pick again from the list."


def _missing_share(role: str) -> str:
    if role == EXECUTIVE:
        return "Pick at least one thing you can share back, for example leadership or strategy."
    return "Pick at least one skill you can share."


def _missing_learn(role: str) -> str:
    if role == EXECUTIVE:
        return "Pick at least one thing you want to learn: it is the heart of the program."
    return "Pick at least one skill you want to learn."


def _parse_skills(element: Mapping[str, Any], *, offered: Collection[int], missing: str) -> tuple[int, ...]:
    selected = element.get("selected_options")
    if selected is None or selected == []:
        raise InvalidInputError(missing)
    if not isinstance(selected, list):
        raise InvalidInputError("Pick skills from the list.")
    chosen: dict[int, None] = {}
    for option in selected:
        value = option.get("value") if isinstance(option, Mapping) else None
        skill_id = _database_id(value)
        if skill_id is None or skill_id not in offered:
            raise InvalidInputError(_NOT_OFFERED)
        chosen[skill_id] = None
    if len(chosen) > SKILLS_MAX:
        raise InvalidInputError(
            f"Pick up to {SKILLS_MAX} skills (you picked {len(chosen)}): the ones that matter most to you."
        )
    return tuple(chosen)


def _database_id(value: Any) -> int | None:
    if not isinstance(value, str) or not _DATABASE_ID.match(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_DATABASE_ID else None


def _text_value(element: Mapping[str, Any]) -> str:
    raw = element.get("value")
    return raw if isinstance(raw, str) else ""


def _parse_department(element: Mapping[str, Any]) -> str:
    department = clean_department(_text_value(element))
    if not department:
        raise InvalidInputError("Tell us your department, for example “Marketing” or “Finance”.")
    if len(department) > DEPARTMENT_MAX_LENGTH:
        raise InvalidInputError(
            f"Keep it to {DEPARTMENT_MAX_LENGTH} characters or fewer (this has {len(department)})."
        )
    if _BIDI_CONTROLS.search(department) or any(unicodedata.category(char) == "Cc" for char in department):
        raise InvalidInputError("This contains invisible control characters; type it again without them.")
    if not any(char.isalnum() for char in department):
        raise InvalidInputError("A department name needs at least one letter or digit.")
    return department


def _parse_goals(element: Mapping[str, Any]) -> str | None:
    goals = clean_goals(_text_value(element))
    if len(goals) > GOALS_MAX_LENGTH:
        raise InvalidInputError(
            f"Keep it to {GOALS_MAX_LENGTH} characters or fewer (this has {len(goals)}); "
            "a sentence or two is plenty."
        )
    return goals or None


def _selected_value(element: Mapping[str, Any]) -> str | None:
    option = element.get("selected_option")
    if not isinstance(option, Mapping):
        return None
    value = option.get("value")
    return value if isinstance(value, str) else ""


def _parse_meeting_format(element: Mapping[str, Any]) -> str:
    value = _selected_value(element)
    if value is None:
        raise InvalidInputError("Choose how you would like to meet: video, in person, or either.")
    if value not in MEETING_FORMAT_LABELS:
        raise InvalidInputError("Choose one of the options: video, in person, or either.")
    return value


def _capacity_message(maximum: int) -> str:
    return f"Choose how many employees you can mentor: 1 to {maximum}."


def _parse_capacity(element: Mapping[str, Any], *, maximum: int) -> int:
    value = _selected_value(element)
    number = _database_id(value)
    if number is None or not 1 <= number <= maximum:
        raise InvalidInputError(_capacity_message(maximum))
    return number
