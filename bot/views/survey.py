"""The enrolment survey modal, what it turns into, and the thank-you DM with its Edit button.

The same input block ids serve employees and executives (a public contract); the wording
and the order differ: employees first say what they can share, executives what they want
to learn. The survey is about skills only, never about age or demographics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.commands import MENTOR_COMMAND
from bot.errors import SurveyGoneError
from bot.ids import ActionId, BlockId, CallbackId
from bot.skills import EXECUTIVE, escape_mrkdwn
from bot.survey import (
    DEPARTMENT_MAX_LENGTH,
    GOALS_MAX_LENGTH,
    MEETING_FORMAT_LABELS,
    ROLES,
    SKILLS_MAX,
    SkillChoice,
    SurveyAnswers,
    SurveySummary,
    asks_capacity,
)
from bot.views.blocks import Block, actions, button, context, message, modal, section, shorten
from bot.views.cohort import read_cohort_id

OPTION_TEXT_LIMIT = 75
SELECT_OPTIONS_LIMIT = 100
PLACEHOLDER_LIMIT = 150

_ABOUT = (
    "Reverse mentoring pairs newer colleagues with executives so that each learns from the other. "
    "I only ask about skills: never your age or anything about who you are."
)
_CONFIDENTIAL = (
    ":lock: Your answers are used to find you a good partner. What you and your partner discuss "
    "stays between you; reflections are private unless you choose to share them."
)


@dataclass(frozen=True, kw_only=True)
class SurveyTarget:
    """Which survey a submitted modal answers: the cohort and the role it was opened for."""

    cohort_id: int
    role: str


def survey_metadata(*, cohort_id: int, role: str) -> str:
    """The modal's private_metadata (far below Slack's 3000 characters)."""
    return json.dumps({"cohort_id": cohort_id, "role": role})


def read_survey_metadata(private_metadata: Any) -> SurveyTarget:
    """The cohort and role a submission is for; SurveyGoneError for anything we did not write."""
    try:
        raw = json.loads(private_metadata)
    except (TypeError, ValueError, RecursionError):
        raise SurveyGoneError(submitted=True) from None
    if not isinstance(raw, dict):
        raise SurveyGoneError(submitted=True)
    cohort_id = read_cohort_id(raw.get("cohort_id")) if isinstance(raw.get("cohort_id"), int) else None
    role = raw.get("role")
    if cohort_id is None or role not in ROLES:
        raise SurveyGoneError(submitted=True)
    return SurveyTarget(cohort_id=cohort_id, role=role)


# ---- the modal ----------------------------------------------------------------------------


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": shorten(text, OPTION_TEXT_LIMIT)}, "value": value}


def _plain(text: str, limit: int = PLACEHOLDER_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit)}


def _input(
    block_id: BlockId, *, label: str, element: dict[str, Any], hint: str | None = None, optional: bool = False
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": {**element, "action_id": ActionId.SURVEY_FIELD},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def _skills_select(
    choices: Sequence[SkillChoice], *, selected: Sequence[int], placeholder: str
) -> dict[str, Any]:
    """A multi-select of at most 100 skills (Slack's limit); the saved ones are always among them."""
    wanted = set(selected)
    kept = [choice for choice in choices if choice.id in wanted]
    room = SELECT_OPTIONS_LIMIT - len(kept)
    others = [choice for choice in choices if choice.id not in wanted][: max(room, 0)]
    shown = {choice.id for choice in kept + others}
    options = [_option(choice.name, str(choice.id)) for choice in choices if choice.id in shown]
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "placeholder": _plain(placeholder),
        "options": options,
        "max_selected_items": SKILLS_MAX,
    }
    initial = [option for option in options if int(option["value"]) in wanted]
    if initial:
        element["initial_options"] = initial[:SKILLS_MAX]
    return element


def _radio(labels: dict[str, str], *, selected: str | None) -> dict[str, Any]:
    options = [_option(text, value) for value, text in labels.items()]
    element: dict[str, Any] = {"type": "radio_buttons", "options": options}
    initial = next((option for option in options if option["value"] == selected), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def _capacity_select(*, maximum: int, selected: int | None) -> dict[str, Any]:
    options = [
        _option("1 employee" if count == 1 else f"{count} employees", str(count))
        for count in range(1, maximum + 1)
    ]
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": _plain("How many"),
        "options": options,
    }
    initial = next((option for option in options if option["value"] == str(selected)), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def build_survey_modal(
    *,
    role: str,
    cohort_id: int,
    cohort_name: str,
    share_options: Sequence[SkillChoice],
    learn_options: Sequence[SkillChoice],
    saved: SurveyAnswers | None = None,
    max_capacity: int | None = None,
    editing: bool = False,
) -> dict[str, Any]:
    """The survey for `role` (`employee` or `executive`), pre-filled with `saved` answers when editing.

    `share_options` are the skills the person can pick to share, `learn_options` the ones
    to learn: for an employee the employee-side and executive-side skills, for an
    executive the other way round.
    """
    executive = role == EXECUTIVE
    name = escape_mrkdwn(cohort_name)
    if editing:
        intro = f"Your answers for *{name}*. Change what you like: you can edit them until pairs are made."
    elif executive:
        intro = (
            f"Welcome to *{name}*! You will be paired with a colleague who can share current skills with "
            "you, and you share your experience back. A few questions help me find the right match."
        )
    else:
        intro = (
            f"Join *{name}*: you will be paired with an executive. You share current skills, they share "
            "leadership perspective back. A few questions help me find the right match."
        )

    share_block = _input(
        BlockId.SURVEY_SKILLS_SHARE,
        label="What you can share back" if executive else "Skills you can share",
        element=_skills_select(
            share_options,
            selected=saved.skills_share if saved else (),
            placeholder="Choose 1 to 5 skills",
        ),
        hint=(
            f"Pick 1 to {SKILLS_MAX}: the experience your mentor can learn from you."
            if executive
            else f"Pick 1 to {SKILLS_MAX}: what you could teach an executive."
        ),
    )
    learn_block = _input(
        BlockId.SURVEY_SKILLS_LEARN,
        label="What you want to learn" if executive else "Skills you want to learn",
        element=_skills_select(
            learn_options,
            selected=saved.skills_learn if saved else (),
            placeholder="Choose 1 to 5 skills",
        ),
        hint=(
            f"Pick 1 to {SKILLS_MAX}: this matters most, I match you with someone who can teach them."
            if executive
            else f"Pick 1 to {SKILLS_MAX}: what you would like an executive to share with you."
        ),
    )
    department_element: dict[str, Any] = {
        "type": "plain_text_input",
        "max_length": DEPARTMENT_MAX_LENGTH,
        "placeholder": _plain("e.g. Marketing"),
    }
    goals_element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": GOALS_MAX_LENGTH,
        "placeholder": _plain(
            "e.g. understand how the business is run" if not executive else "e.g. get hands-on with AI tools"
        ),
    }
    if saved:
        department_element["initial_value"] = saved.department
        if saved.goals:
            goals_element["initial_value"] = saved.goals

    blocks: list[Block] = [
        section(intro),
        context(_ABOUT),
        *((learn_block, share_block) if executive else (share_block, learn_block)),
        _input(
            BlockId.SURVEY_DEPARTMENT,
            label="Your department",
            element=department_element,
            hint="So that I pair you with someone from another part of the company.",
        ),
        _input(
            BlockId.SURVEY_GOALS,
            label="What do you hope to get from it?",
            element=goals_element,
            hint=f"Optional, up to {GOALS_MAX_LENGTH} characters: a sentence or two is plenty.",
            optional=True,
        ),
        _input(
            BlockId.SURVEY_MEETING_FORMAT,
            label="How would you like to meet?",
            element=_radio(MEETING_FORMAT_LABELS, selected=saved.meeting_format if saved else None),
        ),
    ]
    if asks_capacity(role=role, max_capacity=max_capacity):
        maximum = max_capacity or 1
        selected = min(saved.capacity or 1, maximum) if saved else None
        blocks.append(
            _input(
                BlockId.SURVEY_CAPACITY,
                label="How many employees can you mentor?",
                element=_capacity_select(maximum=maximum, selected=selected),
                hint=f"This cohort allows up to {maximum}; each pair meets on its own.",
            )
        )
    blocks.append(context(_CONFIDENTIAL))
    view = modal(
        title="Edit my answers" if editing else "Reverse mentoring",
        blocks=blocks,
        callback_id=CallbackId.SURVEY_MODAL,
        close="Cancel",
    )
    view["submit"] = {"type": "plain_text", "text": "Save" if editing else "Join"}
    view["private_metadata"] = survey_metadata(cohort_id=cohort_id, role=role)
    return view


def survey_notice_view(text: str) -> dict[str, Any]:
    """What the modal turns into when it cannot be saved for a reason no answer can fix."""
    return modal(
        title="Reverse mentoring", blocks=[section(text)], callback_id=CallbackId.SURVEY_NOTICE_MODAL
    )


def survey_saved_view(*, cohort_name: str, updated: bool) -> dict[str, Any]:
    """The modal after a successful submit: a short confirmation; the details come as a DM."""
    name = escape_mrkdwn(cohort_name)
    text = (
        f":white_check_mark: Your answers for *{name}* are saved."
        if updated
        else f":tada: You're in *{name}*! Thank you."
    )
    return modal(
        title="Reverse mentoring",
        blocks=[section(text), context("I have sent you a DM with your answers and what happens next.")],
        callback_id=CallbackId.SURVEY_NOTICE_MODAL,
        close="Done",
    )


# ---- the DM -------------------------------------------------------------------------------


def edit_answers_button(*, cohort_id: int) -> Block:
    """Reopens the survey with the saved answers (until pairs are made)."""
    return button("Edit my answers", action_id=ActionId.OPEN_SURVEY, value=str(cohort_id))


def _names(names: Sequence[str]) -> str:
    return ", ".join(escape_mrkdwn(name) for name in names) or "-"


def survey_thanks_message(summary: SurveySummary) -> dict[str, Any]:
    """The DM after the survey: what was saved, what happens next, and an Edit button."""
    name = escape_mrkdwn(summary.cohort_name)
    executive = summary.role == EXECUTIVE
    partner = "a colleague who can share what you want to learn" if executive else "an executive"
    if summary.updated:
        headline = f":white_check_mark: I saved your new answers for *{name}*."
    else:
        headline = f":tada: Thank you, you're in *{name}*!"
    if summary.paused:
        next_steps = (
            "Your participation is paused, so you will not be matched until you resume; "
            "your answers are kept for then."
        )
    else:
        next_steps = (
            f"*What happens next:* when enrolment closes, the program admins make the pairs and I introduce "
            f"you to {partner} in a group DM with the two of you and me, with ideas for a first meeting. "
            "Until then you can change your answers."
        )
    learn_line = f"*You want to learn:* {_names(summary.learn_names)}"
    share_line = f"*You can share:* {_names(summary.share_names)}"
    lines = [learn_line, share_line] if executive else [share_line, learn_line]
    lines += [
        f"*Department:* {escape_mrkdwn(summary.department)}",
        f"*Meeting:* {MEETING_FORMAT_LABELS.get(summary.meeting_format, summary.meeting_format)}",
    ]
    if summary.capacity and summary.capacity > 1:
        lines.append(f"*Employees you can mentor:* {summary.capacity}")
    if summary.goals:
        lines.append(f"*What you hope to get from it:* {escape_mrkdwn(summary.goals)}")
    blocks: list[Block] = [
        section(headline),
        section("\n".join(lines)),
        section(next_steps),
        actions(edit_answers_button(cohort_id=summary.cohort_id)),
        context(f"`{MENTOR_COMMAND} join` also opens your answers. {_CONFIDENTIAL}"),
    ]
    text = f"{'Answers saved for' if summary.updated else 'You joined'} {name}. {next_steps}"
    return message(text, blocks)
