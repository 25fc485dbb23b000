"""The program's rhythm: check-in DMs, the reflection modal, and the alerts when a pair slips.

Check-ins keep momentum (cancelled sessions are what kill programs), so every answer is one
click and "Not yet" comes with a practical tip rather than a reproach. Reflections are
private: the modal says so, and nothing an admin receives ever carries reflection text.
Pure functions of their arguments, within Block Kit limits whatever the names and texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.checkin_records import (
    CheckinAnswerRecord,
    CheckinPrompt,
    ReflectionAnswers,
    ReflectionForm,
    SharedReflection,
    SlippingPair,
)
from bot.commands import MENTOR_COMMAND
from bot.forms import FormReader, InvalidInputError
from bot.ids import ActionId, BlockId, CallbackId
from bot.skills import EXECUTIVE, escape_mrkdwn
from bot.survey import clean_goals
from bot.views.blocks import (
    SECTION_TEXT_LIMIT,
    Block,
    actions,
    button,
    context,
    message,
    modal,
    section,
    shorten,
)

MET, NOT_YET, PAUSE = "met", "not_yet", "pause"
PAUSE_WEEKS = 2
LEARNED_MAX_LENGTH = 3000
WILL_TRY_MAX_LENGTH = 1000
SHARE_VALUE = "share"
# Best first, as people read a scale; the value is the rating itself.
RATING_LABELS: dict[str, str] = {
    "5": "5 – Excellent",
    "4": "4 – Very good",
    "3": "3 – Good",
    "2": "2 – Fair",
    "1": "1 – Poor",
}
# Ids are 32-bit integers on PostgreSQL; a bigger number from a forged payload matches nothing.
MAX_DATABASE_ID = 2**31 - 1
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
# "<pairing>:<period>:<user>" at its longest; anything longer was not written by us.
_CHECKIN_VALUE_MAX = 2 * len(str(MAX_DATABASE_ID)) + 31 + 2
# Periods named in an alert; more would only make it longer.
_MAX_PERIODS_NAMED = 6
TITLE = "Reverse mentoring"
PRIVACY = (
    ":lock: Reflections are private: only you see them, and your partner only if you choose to share. "
    "Program admins never see what you write; they only see how many reflections there are and the ratings."
)

_ANSWER_BUTTONS: dict[str, tuple[str, ActionId]] = {
    MET: ("We met", ActionId.CHECKIN_MET),
    NOT_YET: ("Not yet", ActionId.CHECKIN_NOT_YET),
    PAUSE: ("Pause", ActionId.CHECKIN_PAUSE),
}


# ---- values -------------------------------------------------------------------------------


def _database_int(text: str) -> int | None:
    """A positive 32-bit id written the way we write it (ASCII digits, no sign, no leading zero)."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_DATABASE_ID)):
        return None
    number = int(text)
    if str(number) != text or not 0 < number <= MAX_DATABASE_ID:
        return None
    return number


def checkin_value(*, pairing_id: int, period: int, user_id: str) -> str:
    """The value of a check-in's buttons: which pairing and period, and whom it was sent to."""
    return f"{pairing_id}:{period}:{user_id}"


def read_checkin_value(value: object) -> tuple[int, int, str] | None:
    """(pairing id, period, user id) from a check-in button, or None for anything we did not write."""
    if not isinstance(value, str) or len(value) > _CHECKIN_VALUE_MAX:
        return None
    parts = value.split(":")
    if len(parts) != 3:
        return None
    pairing_id, period = _database_int(parts[0]), _database_int(parts[1])
    if pairing_id is None or period is None or not _USER_ID.fullmatch(parts[2]):
        return None
    return pairing_id, period, parts[2]


def read_pairing_value(value: object) -> int | None:
    """The pairing id from a slipping alert's button, or None if malformed."""
    return _database_int(value) if isinstance(value, str) else None


# ---- check-ins ----------------------------------------------------------------------------


def _day(day: date) -> str:
    """A day as people say it in a sentence: `Tuesday 9 June`."""
    return f"{day:%A} {day.day} {day:%B}"


def _answer_button(answer: str, prompt: CheckinPrompt, *, label: str, primary: bool = False) -> Block:
    value = checkin_value(pairing_id=prompt.pairing_id, period=prompt.period, user_id=prompt.user_id)
    _, action_id = _ANSWER_BUTTONS[answer]
    return button(label, action_id=action_id, value=value, style="primary" if primary else None)


def _answer_buttons(prompt: CheckinPrompt) -> Block:
    """We met (the answer we hope for, so primary), Not yet, Pause."""
    return actions(
        *(
            _answer_button(answer, prompt, label=label, primary=answer == MET)
            for answer, (label, _) in _ANSWER_BUTTONS.items()
        )
    )


def _progress(prompt: CheckinPrompt) -> str:
    return f"Check-in {prompt.period} of {prompt.periods} · {escape_mrkdwn(prompt.cohort_name)}"


def checkin_message(prompt: CheckinPrompt) -> dict[str, Any]:
    """The check-in DM: did you meet your partner this period? One click answers."""
    question = f"Did you meet with <@{prompt.partner_user_id}> since {_day(prompt.since)}?"
    blocks: list[Block] = [
        section(f"{question}\nAny conversation counts: a video call, a coffee, a walk."),
        _answer_buttons(prompt),
        context(f"{_progress(prompt)} · *Pause* takes a {PAUSE_WEEKS}-week break from check-ins."),
    ]
    return message(question, blocks)


def reminder_message(prompt: CheckinPrompt) -> dict[str, Any]:
    """A few days after "Not yet": the same question, more gently, with the same buttons."""
    question = (
        f"A gentle nudge: did you manage to meet <@{prompt.partner_user_id}> since {_day(prompt.since)}?"
    )
    blocks: list[Block] = [
        section(f"{question}\nIf not, there is still time: even 20 minutes on a call keeps things going."),
        _answer_buttons(prompt),
        context(f"{_progress(prompt)} · *Pause* takes a {PAUSE_WEEKS}-week break from check-ins."),
    ]
    return message(question, blocks)


def checkin_answered_message(record: CheckinAnswerRecord) -> dict[str, Any]:
    """What the check-in becomes after a click: the answer in words, and a way to change it."""
    prompt = record.prompt
    partner = f"<@{prompt.partner_user_id}>"
    if record.answer == MET:
        text = (
            f"*We met* :white_check_mark: Thank you! Keeping the rhythm with {partner} is what makes it work."
        )
        detail = (
            "A short reflection form has opened: a few lines help you keep what you learned. "
            f"If you closed it, `{MENTOR_COMMAND} reflect` opens a new one."
        )
    elif record.answer == NOT_YET:
        when = f"on {_day(record.reminder_on)}" if record.reminder_on else "in a few days"
        text = f"*Not yet*: no problem, I'll remind you {when}."
        detail = (
            f"*A tip:* send {partner} a 30-minute invite now and propose two times to choose from. "
            "A walk or a quick call counts just as much as a meeting room."
        )
    elif record.answer == PAUSE:
        text = f"*Paused for {PAUSE_WEEKS} weeks* :palm_tree: no check-ins until then."
        detail = f"`{MENTOR_COMMAND} resume` brings you back sooner."
    else:
        text, detail = "Your answer is saved.", "You can change it below."
    others = [answer for answer in _ANSWER_BUTTONS if answer != record.answer]
    blocks: list[Block] = [
        section(f"{text}\n{detail}"),
        actions(
            *(
                _answer_button(answer, prompt, label=f"Change to: {_ANSWER_BUTTONS[answer][0]}")
                for answer in others
            )
        ),
        context(_progress(prompt)),
    ]
    return message(f"{text} {detail}", blocks)


# ---- the reflection modal -----------------------------------------------------------------


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit)}


def _option(text: str, value: str, *, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": _plain(text, 75), "value": value}
    if description:
        option["description"] = _plain(description, 75)
    return option


def _input(
    block_id: BlockId, *, label: str, element: dict[str, Any], hint: str | None = None, optional: bool = False
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, 2000),
        "element": {**element, "action_id": ActionId.REFLECTION_FIELD},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, 2000)
    return block


def reflection_metadata(*, pairing_id: int, period: int | None) -> str:
    """The modal's private_metadata: which pairing (and period, if from a check-in) it reflects on."""
    return json.dumps({"pairing_id": pairing_id, "period": period})


def _metadata_int(value: object) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return value if 0 < value <= MAX_DATABASE_ID else None


def read_reflection_metadata(private_metadata: object) -> tuple[int, int | None] | None:
    """(pairing id, period or None) of a submitted reflection modal; None for anything we did not write."""
    if not isinstance(private_metadata, str) or len(private_metadata) > 3000:
        return None
    try:
        raw = json.loads(private_metadata)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, dict):
        return None
    pairing_id = _metadata_int(raw.get("pairing_id"))
    period = raw.get("period")
    if pairing_id is None or (period is not None and _metadata_int(period) is None):
        return None
    return pairing_id, period


def reflection_modal(form: ReflectionForm) -> dict[str, Any]:
    """A short reflection: what I learned or taught, one thing to try, a rating, share or not.

    The executive is the learner and the employee the mentor, so the first question is worded
    for each; the block ids are the same.
    """
    partner = f"<@{form.partner_user_id}>"
    name = escape_mrkdwn(form.cohort_name)
    if form.role == EXECUTIVE:
        learned_label = "What did you learn from your partner?"
        learned_placeholder = "e.g. how they use AI tools to prepare a meeting"
    else:
        learned_label = "What did you teach, and what did you learn?"
        learned_placeholder = "e.g. I showed how I use AI tools; I learned how budgets get decided"
    intro = (
        f"How did your conversation with {partner} go? *{name}*, check-in {form.period}."
        if form.period is not None
        else f"A reflection on your mentoring with {partner} in *{name}*."
    )
    blocks: list[Block] = [
        section(intro),
        _input(
            BlockId.REFLECTION_LEARNED,
            label=learned_label,
            element={
                "type": "plain_text_input",
                "multiline": True,
                "max_length": LEARNED_MAX_LENGTH,
                "placeholder": _plain(learned_placeholder, 150),
            },
            hint="A few lines are plenty.",
        ),
        _input(
            BlockId.REFLECTION_WILL_TRY,
            label="One thing you will try",
            element={
                "type": "plain_text_input",
                "multiline": True,
                "max_length": WILL_TRY_MAX_LENGTH,
                "placeholder": _plain("e.g. draft my next update with an AI assistant", 150),
            },
            hint=f"Optional, up to {WILL_TRY_MAX_LENGTH} characters.",
            optional=True,
        ),
        _input(
            BlockId.REFLECTION_RATING,
            label="How valuable was it for you?",
            element={
                "type": "static_select",
                "placeholder": _plain("Choose 1 to 5", 150),
                "options": [_option(text, value) for value, text in RATING_LABELS.items()],
            },
        ),
        _input(
            BlockId.REFLECTION_SHARE,
            label="Your partner",
            element={
                "type": "checkboxes",
                "options": [
                    _option(
                        "Share this with my partner",
                        SHARE_VALUE,
                        description="They get it as a DM; your rating stays private.",
                    )
                ],
            },
            optional=True,
        ),
        context(PRIVACY),
    ]
    view = modal(title="Reflection", blocks=blocks, callback_id=CallbackId.REFLECTION_MODAL, close="Cancel")
    view["submit"] = {"type": "plain_text", "text": "Save"}
    view["private_metadata"] = reflection_metadata(pairing_id=form.pairing_id, period=form.period)
    return view


def _text_value(element: Mapping[str, Any]) -> str:
    raw = element.get("value")
    return raw if isinstance(raw, str) else ""


def _parse_learned(element: Mapping[str, Any]) -> str:
    learned = clean_goals(_text_value(element))
    if not learned:
        raise InvalidInputError("Write a line or two about what you learned or taught.")
    if len(learned) > LEARNED_MAX_LENGTH:
        raise InvalidInputError(
            f"Keep it to {LEARNED_MAX_LENGTH} characters or fewer (this has {len(learned)})."
        )
    return learned


def _parse_will_try(element: Mapping[str, Any]) -> str | None:
    will_try = clean_goals(_text_value(element))
    if len(will_try) > WILL_TRY_MAX_LENGTH:
        raise InvalidInputError(
            f"Keep it to {WILL_TRY_MAX_LENGTH} characters or fewer (this has {len(will_try)}): "
            "one thing is plenty."
        )
    return will_try or None


def _parse_rating(element: Mapping[str, Any]) -> int:
    option = element.get("selected_option")
    if not isinstance(option, Mapping):
        raise InvalidInputError("Choose a rating from 1 to 5.")
    value = option.get("value")
    if not isinstance(value, str) or value not in RATING_LABELS:
        raise InvalidInputError("Choose one of the ratings, from 1 to 5.")
    return int(value)


def _parse_share(element: Mapping[str, Any]) -> bool:
    selected = element.get("selected_options")
    if selected is None:
        return False
    if not isinstance(selected, list):
        raise InvalidInputError("Tick the box to share, or leave it empty.")
    values = [option.get("value") if isinstance(option, Mapping) else None for option in selected]
    if any(value != SHARE_VALUE for value in values):
        raise InvalidInputError("Tick the box to share, or leave it empty.")
    return bool(values)


def parse_reflection(values: Mapping[str, Any]) -> ReflectionAnswers | dict[str, str]:
    """Read a submitted reflection modal: the answers, or the errors keyed by input block_id.

    `values` is the view's `state.values` as Slack sends it; anything missing, of the wrong
    shape or not among the offered options is reported next to its input, never raised.
    """
    form = FormReader(values, action_id=ActionId.REFLECTION_FIELD)
    learned = form.read(BlockId.REFLECTION_LEARNED, _parse_learned)
    will_try = form.read(BlockId.REFLECTION_WILL_TRY, _parse_will_try)
    rating = form.read(BlockId.REFLECTION_RATING, _parse_rating)
    share = form.read(BlockId.REFLECTION_SHARE, _parse_share)
    if form.errors or learned is None or rating is None:
        return form.errors
    return ReflectionAnswers(learned=learned, will_try=will_try, rating=rating, share=bool(share))


def reflection_saved_view(*, shared: bool, partner_user_id: str) -> dict[str, Any]:
    """What the reflection modal becomes once saved: thanks, and who can see it."""
    seen_by = (
        f"I have shared it with <@{partner_user_id}>; your rating stays private."
        if shared
        else "It stays private: only you can see it."
    )
    return modal(
        title="Reflection saved",
        blocks=[
            section(f":white_check_mark: Thank you, your reflection is saved. {seen_by}"),
            context(f"`{MENTOR_COMMAND} reflect` adds another any time, after any conversation."),
        ],
        callback_id=CallbackId.REFLECTION_NOTICE_MODAL,
        close="Done",
    )


# ---- sharing ------------------------------------------------------------------------------


def _escaped_pieces(line: str, *, width: int) -> list[str]:
    """`line` escaped, in pieces of at most `width` characters, never cutting an escape in two."""
    pieces: list[str] = []
    current = ""
    for char in line:
        escaped = escape_mrkdwn(char)
        if len(current) + len(escaped) > width:
            pieces.append(current)
            current = ""
        current += escaped
    pieces.append(current)
    return pieces


def quoted_sections(text: str, *, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """`text` escaped and quoted line by line ("> "), in section-sized pieces, so none of it is lost."""
    lines = [f"> {piece}" for line in text.split("\n") for piece in _escaped_pieces(line, width=limit - 2)]
    sections: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            sections.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    sections.append(current)
    return sections


def shared_reflection_message(shared: SharedReflection) -> dict[str, Any]:
    """To the partner: a reflection its author chose to share, quoted as written (never the rating)."""
    author = f"<@{shared.author_user_id}>"
    name = escape_mrkdwn(shared.cohort_name)
    intro = f"{author} shared a reflection from your mentoring conversations in *{name}*:"
    blocks: list[Block] = [section(intro)]
    learned = shorten(shared.learned, LEARNED_MAX_LENGTH)
    blocks += [section(piece) for piece in quoted_sections(learned)]
    if shared.will_try:
        will_try = shorten(shared.will_try, WILL_TRY_MAX_LENGTH)
        pieces = quoted_sections(will_try, limit=SECTION_TEXT_LIMIT - len("*One thing they will try:*\n"))
        blocks.append(section(f"*One thing they will try:*\n{pieces[0]}"))
        blocks += [section(piece) for piece in pieces[1:]]
    blocks.append(context("Only you and the author see this; the program admins never do."))
    return message(f"{author} shared a reflection from your mentoring conversations in {name}.", blocks)


# ---- slipping pairs -----------------------------------------------------------------------


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _missed_words(periods: Sequence[int]) -> str:
    """`2 check-ins in a row (check-ins 3 and 4)`."""
    if not periods:
        return "a while"
    named = [str(period) for period in periods[-_MAX_PERIODS_NAMED:]]
    if len(periods) > len(named):
        named.insert(0, "…")
    count = "1 check-in" if len(periods) == 1 else f"{len(periods)} check-ins in a row"
    which = f"check-in {named[0]}" if len(named) == 1 else f"check-ins {_and_list(named)}"
    return f"{count} ({which})"


def slipping_alert_message(pair: SlippingPair) -> dict[str, Any]:
    """To each admin: a pair has stopped meeting. Whether they met, and nothing of what they wrote."""
    employee, executive = f"<@{pair.employee_user_id}>", f"<@{pair.executive_user_id}>"
    name = escape_mrkdwn(pair.cohort_name)
    missed = _missed_words(pair.missed_periods)
    text = f":warning: {employee} and {executive} in *{name}* have not met for {missed}."
    unpair = button("Unpair", action_id=ActionId.SLIPPING_UNPAIR, value=str(pair.pairing_id), style="danger")
    unpair["confirm"] = {
        "title": _plain("End this pairing?", 100),
        "text": {
            "type": "mrkdwn",
            "text": f"{employee} and {executive} will be told kindly that their pairing has ended, "
            "with no reason given. This cannot be undone.",
        },
        "confirm": _plain("Unpair", 30),
        "deny": _plain("Keep them paired", 30),
        "style": "danger",
    }
    blocks: list[Block] = [
        section(text),
        section(
            "Pairs that stall rarely restart on their own, and a friendly word early often helps. "
            "There is no blame: busy weeks happen to everyone."
        ),
        actions(
            button(
                "Contact the pair",
                action_id=ActionId.SLIPPING_CONTACT,
                value=str(pair.pairing_id),
                style="primary",
            ),
            unpair,
        ),
        context(
            "*Contact the pair* opens a group DM with the two of them and you. "
            "You only see whether they met, never what they talked about."
        ),
    ]
    return message(text, blocks)


def slipping_nudge_message(*, partner_user_id: str, cohort_name: str) -> dict[str, Any]:
    """To each member of a slipping pair: kind ideas to meet again, and no-fault ways out."""
    partner = f"<@{partner_user_id}>"
    text = (
        f"It's been a while since you and {partner} last met in *{escape_mrkdwn(cohort_name)}*. "
        "Busy weeks happen to everyone; here are a few ways to pick it up again:"
    )
    ideas = (
        f"• Send {partner} a 30-minute invite for this week, with two times to choose from.\n"
        "• Make it easy: a walk or a quick call counts.\n"
        "• Pick one small topic, so neither of you has to prepare."
    )
    blocks: list[Block] = [
        section(text),
        section(ideas),
        context(
            f"If now is not a good time, `{MENTOR_COMMAND} pause` takes a break. If it is not working out, "
            f"`{MENTOR_COMMAND} leave` ends it without fault: nobody will ask why."
        ),
    ]
    return message(
        f"It's been a while since you and {partner} last met. A few ideas to pick it up again.", blocks
    )


def contact_pair_message(
    *, admin_user_id: str, employee_user_id: str, executive_user_id: str, cohort_name: str
) -> dict[str, Any]:
    """Posted in a group DM with an admin and a pair: an open, blame-free check-in."""
    admin = f"<@{admin_user_id}>"
    text = (
        f"Hi <@{employee_user_id}> and <@{executive_user_id}>! {admin}, who runs "
        f"*{escape_mrkdwn(cohort_name)}*, would like to check in on how things are going for you two."
    )
    blocks: list[Block] = [
        section(text),
        section(
            "Nothing is wrong: keeping a rhythm is the hardest part of mentoring, and a quick chat often "
            "helps find one that suits you both. Reply here whenever you like."
        ),
        context(f"{admin} sees whether you met, never what you discussed or what you reflect on."),
    ]
    return message(text, blocks)


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def nudge_summary_message(
    *,
    period: int | None,
    sent: int,
    answered: int,
    cohort_name: str,
    first_checkin_on: date | None = None,
) -> dict[str, Any]:
    """The answer to `/mentor-admin nudge`: what was sent now, and how many had already answered."""
    name = escape_mrkdwn(cohort_name)
    if period is None:
        text = (
            f"No check-in is due yet in *{name}*: the first one is on {_day(first_checkin_on)}."
            if first_checkin_on
            else f"No check-in is due in *{name}* right now."
        )
    elif sent:
        already = "1 has" if answered == 1 else f"{answered} have"
        text = (
            f"Sent check-in {period} of *{name}* now to {_people(sent)} who had not answered; "
            f"{already} already answered."
        )
    else:
        if answered:
            already = "the 1 person due has" if answered == 1 else f"all {answered} people due have"
            text = f"Nobody needed a nudge for check-in {period} of *{name}*: {already} already answered."
        else:
            text = f"Nobody is due to answer check-in {period} of *{name}*, so there was no one to nudge."
    return message(text, [section(text)])
