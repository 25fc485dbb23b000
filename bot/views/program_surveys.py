"""The midpoint and closing surveys: the DM with its button, the modal, what it becomes, and `close`.

Four short questions (how satisfied, would you do it again, skills gained, comments), the same
in both surveys with wording for the moment. Answering again shows the saved answers to change.
Pure functions of their arguments, within Block Kit limits whatever the names and texts.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from bot.commands import ADMIN_COMMAND, shown_word
from bot.forms import FormReader, InvalidInputError
from bot.ids import ActionId, BlockId, CallbackId
from bot.skills import escape_mrkdwn
from bot.survey import SkillChoice, clean_goals
from bot.survey_records import (
    CLOSING,
    MAYBE,
    MIDPOINT,
    NO,
    PROGRAM_SURVEY_KINDS,
    YES,
    CloseResult,
    ProgramSurveyAnswers,
    ProgramSurveyForm,
    ProgramSurveyInvite,
    ProgramSurveySaved,
)
from bot.views.blocks import Block, actions, button, context, message, modal, section, shorten

COMMENTS_MAX_LENGTH = 2000
OPTION_TEXT_LIMIT = 75
SELECT_OPTIONS_LIMIT = 100
PLACEHOLDER_LIMIT = 150
# Ids are 32-bit integers on PostgreSQL; a bigger number from a forged payload matches nothing.
MAX_DATABASE_ID = 2**31 - 1
# Best first, as people read a scale; the value is the score itself.
SATISFACTION_LABELS: dict[str, str] = {
    "5": "5 – Very satisfied",
    "4": "4 – Satisfied",
    "3": "3 – Neutral",
    "2": "2 – Dissatisfied",
    "1": "1 – Very dissatisfied",
}
AGAIN_LABELS: dict[str, str] = {YES: "Yes", MAYBE: "Maybe", NO: "No"}
_TITLES = {MIDPOINT: "Midpoint survey", CLOSING: "Closing survey"}
_NAMES = {MIDPOINT: "midpoint survey", CLOSING: "closing survey"}
_NOT_OFFERED = "One of these skills is no longer offered. Please pick again from the list."
PRIVACY = (
    ":lock: The program admins read the answers to make the program better. Your partner never sees them."
)


# ---- values -------------------------------------------------------------------------------


def _database_int(text: object) -> int | None:
    """A positive 32-bit id written the way we write it (ASCII digits, no sign, no leading zero)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
        return None
    if len(text) > len(str(MAX_DATABASE_ID)):
        return None
    number = int(text)
    if str(number) != text or not 0 < number <= MAX_DATABASE_ID:
        return None
    return number


def program_survey_value(*, cohort_id: int, kind: str) -> str:
    """The value of the survey DM's button: which cohort and which survey."""
    return f"{cohort_id}:{kind}"


def read_program_survey_value(value: object) -> tuple[int, str] | None:
    """(cohort id, kind) from a survey button, or None for anything we did not write."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    cohort, _, kind = value.partition(":")
    cohort_id = _database_int(cohort)
    if cohort_id is None or kind not in PROGRAM_SURVEY_KINDS:
        return None
    return cohort_id, kind


def program_survey_metadata(*, cohort_id: int, kind: str) -> str:
    """The modal's private_metadata (far below Slack's 3000 characters)."""
    return json.dumps({"cohort_id": cohort_id, "kind": kind})


def read_program_survey_metadata(private_metadata: object) -> tuple[int, str] | None:
    """(cohort id, kind) of a submitted survey modal; None for anything we did not write."""
    if not isinstance(private_metadata, str) or len(private_metadata) > 3000:
        return None
    try:
        raw = json.loads(private_metadata)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, dict):
        return None
    cohort_id, kind = raw.get("cohort_id"), raw.get("kind")
    if not isinstance(cohort_id, int) or isinstance(cohort_id, bool) or not 0 < cohort_id <= MAX_DATABASE_ID:
        return None
    if not isinstance(kind, str) or kind not in PROGRAM_SURVEY_KINDS:
        return None
    return cohort_id, kind


# ---- the DM -------------------------------------------------------------------------------


def program_survey_message(invite: ProgramSurveyInvite) -> dict[str, Any]:
    """The survey DM: half-way (how is it going?) or at the end (thank you, how was it?)."""
    name = escape_mrkdwn(invite.cohort_name)
    if invite.kind == CLOSING:
        text = f"*{name}* has come to an end. Thank you for taking part! :pray:"
        ask = (
            "Before you go, one last short survey, two minutes at most: how satisfied you are, "
            "whether you would do it again, the skills you gained, and anything you would like to say. "
            "It helps the next cohort a lot."
        )
    else:
        text = f"You are half-way through *{name}*! :hourglass_flowing_sand: How is it going?"
        ask = (
            "A short survey, two minutes at most: how satisfied you are so far, whether you would do it "
            "again, the skills you have gained, and anything you would like to say."
        )
    blocks: list[Block] = [
        section(f"{text}\n{ask}"),
        actions(
            button(
                "Answer the survey",
                action_id=ActionId.OPEN_PROGRAM_SURVEY,
                value=program_survey_value(cohort_id=invite.cohort_id, kind=invite.kind),
                style="primary",
            )
        ),
        context(f"{PRIVACY} The button opens your answers again if you want to change them."),
    ]
    return message(text, blocks)


# ---- the modal ----------------------------------------------------------------------------


def _plain(text: str, limit: int = PLACEHOLDER_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit)}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _plain(text, OPTION_TEXT_LIMIT), "value": value}


def _input(
    block_id: BlockId, *, label: str, element: dict[str, Any], hint: str | None = None, optional: bool = False
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": {**element, "action_id": ActionId.PROGRAM_SURVEY_FIELD},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def _with_initial(element: dict[str, Any], selected: str | None) -> dict[str, Any]:
    initial = next((option for option in element["options"] if option["value"] == selected), None)
    if initial is not None:
        element["initial_option"] = initial
    return element


def _skills_select(choices: Sequence[SkillChoice], *, selected: Collection[int]) -> dict[str, Any] | None:
    """A multi-select of at most 100 skills (Slack's limit), the saved ones always among them."""
    wanted = set(selected)
    kept = [choice for choice in choices if choice.id in wanted]
    others = [choice for choice in choices if choice.id not in wanted][
        : max(SELECT_OPTIONS_LIMIT - len(kept), 0)
    ]
    shown = {choice.id for choice in kept + others}
    options = [_option(choice.name, str(choice.id)) for choice in choices if choice.id in shown]
    if not options:
        return None
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "placeholder": _plain("Choose any skills"),
        "options": options,
    }
    initial = [option for option in options if int(option["value"]) in wanted]
    if initial:
        element["initial_options"] = initial
    return element


def program_survey_modal(form: ProgramSurveyForm) -> dict[str, Any]:
    """Satisfaction 1-5, would you do it again, skills gained (optional), comments (optional)."""
    closing = form.kind == CLOSING
    saved = form.saved
    name = escape_mrkdwn(form.cohort_name)
    if saved is not None:
        intro = f"Your answers to the {_NAMES[form.kind]} of *{name}*. Change what you like."
    elif closing:
        intro = f"*{name}* is over: thank you for taking part! Four short questions about how it went."
    else:
        intro = f"Half-way through *{name}*: four short questions about how it is going."
    satisfaction = _with_initial(
        {
            "type": "static_select",
            "placeholder": _plain("Choose 1 to 5"),
            "options": [_option(text, value) for value, text in SATISFACTION_LABELS.items()],
        },
        str(saved.satisfaction) if saved else None,
    )
    again = _with_initial(
        {"type": "radio_buttons", "options": [_option(text, value) for value, text in AGAIN_LABELS.items()]},
        saved.again if saved else None,
    )
    comments: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": COMMENTS_MAX_LENGTH,
        "placeholder": _plain("What works well, what could be better"),
    }
    if saved is not None and saved.comments:
        comments["initial_value"] = saved.comments
    blocks: list[Block] = [
        section(intro),
        _input(
            BlockId.PROGRAM_SURVEY_SATISFACTION,
            label="Overall, how satisfied are you with the program?"
            if closing
            else "How satisfied are you with the program so far?",
            element=satisfaction,
        ),
        _input(
            BlockId.PROGRAM_SURVEY_AGAIN,
            label="Would you do it again?"
            if closing
            else "Knowing what you know now, would you sign up again?",
            element=again,
        ),
    ]
    skills = _skills_select(form.skills, selected=saved.skills_gained if saved else ())
    if skills is not None:
        blocks.append(
            _input(
                BlockId.PROGRAM_SURVEY_SKILLS,
                label="Skills you gained" if closing else "Skills you have gained so far",
                element=skills,
                hint="Optional: any skill you learned or got better at, whichever side of the pair you were.",
                optional=True,
            )
        )
    blocks += [
        _input(
            BlockId.PROGRAM_SURVEY_COMMENTS,
            label="Anything else you would like to say?",
            element=comments,
            hint=f"Optional, up to {COMMENTS_MAX_LENGTH} characters.",
            optional=True,
        ),
        context(PRIVACY),
    ]
    view = modal(
        title=_TITLES.get(form.kind, "Survey"),
        blocks=blocks,
        callback_id=CallbackId.PROGRAM_SURVEY_MODAL,
        close="Cancel",
    )
    view["submit"] = {"type": "plain_text", "text": "Save" if saved is not None else "Send"}
    view["private_metadata"] = program_survey_metadata(cohort_id=form.cohort_id, kind=form.kind)
    return view


# ---- reading a submission -----------------------------------------------------------------


def _selected_value(element: Mapping[str, Any]) -> str | None:
    option = element.get("selected_option")
    if not isinstance(option, Mapping):
        return None
    value = option.get("value")
    return value if isinstance(value, str) else ""


def _parse_satisfaction(element: Mapping[str, Any]) -> int:
    value = _selected_value(element)
    if value is None:
        raise InvalidInputError("Choose how satisfied you are, from 1 to 5.")
    if value not in SATISFACTION_LABELS:
        raise InvalidInputError("Choose one of the options, from 1 to 5.")
    return int(value)


def _parse_again(element: Mapping[str, Any]) -> str:
    value = _selected_value(element)
    if value is None:
        raise InvalidInputError("Say whether you would do it again: yes, maybe or no.")
    if value not in AGAIN_LABELS:
        raise InvalidInputError("Choose one of the options: yes, maybe or no.")
    return value


def _parse_skills(element: Mapping[str, Any], *, offered: Collection[int]) -> tuple[int, ...]:
    selected = element.get("selected_options")
    if selected is None:
        return ()
    if not isinstance(selected, list):
        raise InvalidInputError("Pick skills from the list, or leave it empty.")
    chosen: dict[int, None] = {}
    for option in selected:
        skill_id = _database_int(option.get("value") if isinstance(option, Mapping) else None)
        if skill_id is None or skill_id not in offered:
            raise InvalidInputError(_NOT_OFFERED)
        chosen[skill_id] = None
    return tuple(chosen)


def _parse_comments(element: Mapping[str, Any]) -> str | None:
    raw = element.get("value")
    comments = clean_goals(raw if isinstance(raw, str) else "")
    if len(comments) > COMMENTS_MAX_LENGTH:
        raise InvalidInputError(
            f"Keep it to {COMMENTS_MAX_LENGTH} characters or fewer (this has {len(comments)})."
        )
    return comments or None


def parse_program_survey(
    values: object, *, offered_skill_ids: Collection[int]
) -> ProgramSurveyAnswers | dict[str, str]:
    """Read a submitted survey modal: the answers, or the errors keyed by input block_id.

    `values` is the view's `state.values` as Slack sends it; anything missing, of the wrong
    shape or not among the offered options is reported next to its input, never raised.
    """
    form = FormReader(values, action_id=ActionId.PROGRAM_SURVEY_FIELD)
    satisfaction = form.read(BlockId.PROGRAM_SURVEY_SATISFACTION, _parse_satisfaction)
    again = form.read(BlockId.PROGRAM_SURVEY_AGAIN, _parse_again)
    skills = form.read(BlockId.PROGRAM_SURVEY_SKILLS, lambda e: _parse_skills(e, offered=offered_skill_ids))
    comments = form.read(BlockId.PROGRAM_SURVEY_COMMENTS, _parse_comments)
    if form.errors or satisfaction is None or again is None:
        return form.errors
    return ProgramSurveyAnswers(
        satisfaction=satisfaction, again=again, skills_gained=skills or (), comments=comments
    )


# ---- after a submit -----------------------------------------------------------------------


def program_survey_saved_view(saved: ProgramSurveySaved) -> dict[str, Any]:
    """What the modal becomes once saved: thanks, and how to change the answers."""
    name = escape_mrkdwn(saved.cohort_name)
    survey = _NAMES.get(saved.kind, "survey")
    text = (
        f":white_check_mark: Your answers to the {survey} of *{name}* are updated. Thank you!"
        if saved.updated
        else f":white_check_mark: Thank you! Your answers to the {survey} of *{name}* are saved."
    )
    return modal(
        title="Thank you",
        blocks=[
            section(text),
            context("Changed your mind? The button in my message opens your answers again."),
        ],
        callback_id=CallbackId.PROGRAM_SURVEY_NOTICE_MODAL,
        close="Done",
    )


def program_survey_notice_view(text: str) -> dict[str, Any]:
    """What the modal turns into when it cannot be saved for a reason no answer can fix."""
    return modal(
        title="Reverse mentoring",
        blocks=[section(text)],
        callback_id=CallbackId.PROGRAM_SURVEY_NOTICE_MODAL,
    )


# ---- /mentor-admin close ------------------------------------------------------------------


def _count(number: int, one: str, many: str) -> str:
    return f"1 {one}" if number == 1 else f"{number} {many}"


def close_result_message(result: CloseResult) -> dict[str, Any]:
    """The answer to `/mentor-admin close`: what ended, what was cancelled, who gets the survey."""
    name = escape_mrkdwn(result.cohort_name)
    text = f":checkered_flag: *{name}* is closed."
    ended = _count(result.pairings_ended, "pairing", "pairings")
    cancelled = _count(result.messages_cancelled, "check-in or reminder", "check-ins and reminders")
    if result.participants:
        survey = (
            f"The closing survey goes to {_count(result.participants, 'participant', 'participants')} "
            "at their next working hour, once each"
        )
        if result.participants != result.surveys_queued:
            survey += f" ({result.participants - result.surveys_queued} already had it on its way)"
        survey += "."
    else:
        survey = "Nobody had a partner, so there is no closing survey to send."
    detail = f"{ended} ended and {cancelled} waiting to be sent cancelled. {survey}"
    blocks: list[Block] = [
        section(f"{text}\n{detail}"),
        context(
            "Survey answers can still come in after the close. "
            f"`{ADMIN_COMMAND} cohort new` starts the next cohort."
        ),
    ]
    return message(f"{text} {detail}", blocks)


def close_usage_message(*, args: Sequence[str]) -> dict[str, Any]:
    """`close` with words after it: nothing is closed, since closing cannot be undone."""
    typed = shown_word(args[0]) if args else "?"
    text = (
        f"`{ADMIN_COMMAND} close` takes nothing after it (I read `{typed}`), so I closed nothing. "
        f"`{ADMIN_COMMAND} close` alone ends the current cohort: pairings end, waiting check-ins are "
        "cancelled and everyone who had a partner gets the closing survey. It cannot be undone."
    )
    return message(text, [section(text)])
