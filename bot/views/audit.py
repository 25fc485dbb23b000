"""`/mentor-admin audit`: the log of admin actions, one readable line per event.

Each line says when (a Slack date token, so every admin reads their own time zone), who,
and what in plain words with the key details. Stored details are never dumped as JSON:
user ids become mentions, numbers are said in words, and every other string is folded to
one line, shortened and escaped, so nothing stored can ping, link or break the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.cohort_form import WEEKDAY_NAMES, format_hour
from bot.commands import ADMIN_COMMAND, shown_word
from bot.services.audit_log import MAX_PAGE, PAGE_SIZE, AuditEntry, AuditPage, cohort_id_of
from bot.skills import escape_mrkdwn
from bot.views.blocks import SECTION_TEXT_LIMIT, Block, context, header, message, section, shorten
from bot.views.cohort import format_date

AUDIT_SYNTAX = f"{ADMIN_COMMAND} audit [page]"
# Bounds that keep one event's line far below a section's 3000 characters, even when
# escaping `&` makes a string five times longer.
TEXT_LIMIT = 60
RULE_LIMIT = 160
MENTIONS_SHOWN = 10
CHANGES_SHOWN = 4
RULES_SHOWN = 3
DETAILS_SHOWN = 5
LINE_LIMIT = 2000

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,20}")
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})>")
# Erased people keep a stand-in id that is no Slack user (see participation.leave).
_ERASED_PREFIX = "anon-"

_FIELD_LABELS = {
    "name": "name",
    "start_date": "start date",
    "weeks": "length",
    "cadence_weeks": "cadence",
    "checkin_weekday": "check-in day",
    "checkin_hour": "check-in hour",
    "allow_same_department": "same-department pairs",
    "employees_per_executive": "employees per executive",
    "executives_per_employee": "executives per employee",
}

Describe = Callable[[AuditEntry, Mapping[int, str]], str]


# ---- small formatters ---------------------------------------------------------------------


def _text(value: Any, limit: int = TEXT_LIMIT) -> str:
    """A stored string made safe: one line, cut, then escaped (so no escape is cut in half)."""
    return escape_mrkdwn(shorten(" ".join(str(value).split()), limit))


def _code(value: Any) -> str:
    return "`" + _text(value).replace("`", "'") + "`"


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def when_token(at: datetime) -> str:
    """The moment in each reader's own zone (Slack date token), with UTC as the fallback."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    fallback = f"{aware.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(aware.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _is_user_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_USER_ID.fullmatch(value)) and any(c.isdigit() for c in value)


def _person(value: Any) -> str:
    """A user id as a mention; an erased person as words; anything else as safe text."""
    if _is_user_id(value):
        return f"<@{value}>"
    if isinstance(value, str) and value.startswith(_ERASED_PREFIX):
        return "a former participant"
    return _text(value)


def _people(values: Iterable[Any]) -> str:
    items = list(values)
    shown = ", ".join(_person(value) for value in items[:MENTIONS_SHOWN])
    more = len(items) - MENTIONS_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _value(value: Any) -> str:
    """Any stored value in words (lists shortened, nested objects only counted)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _person(value)
    if isinstance(value, list | tuple):
        return _people(value) if value else "none"
    if isinstance(value, dict):
        return _plural(len(value), "value")
    return _text(value)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _rule(value: Any) -> str:
    """A rule an admin overrode, in the words it was recorded in: its mentions kept, the rest escaped."""
    parts = _MENTION.split(shorten(" ".join(str(value).split()), RULE_LIMIT))
    return "".join(
        f"<@{part}>" if index % 2 else escape_mrkdwn(_unescape(part)) for index, part in enumerate(parts)
    )


def _cohort(entry: AuditEntry, names: Mapping[int, str]) -> str:
    cohort_id = cohort_id_of(entry.target)
    if cohort_id is None:
        return "the cohort"
    name = names.get(cohort_id) or entry.details.get("name")
    return f"*{_text(name)}*" if isinstance(name, str) and name.strip() else f"cohort {cohort_id}"


def _counts(details: Mapping[str, Any], words: Iterable[tuple[str, str, str]]) -> list[str]:
    """`(key, singular, plural)` triples said as "3 pairs" for the keys holding a number."""
    said = []
    for key, singular, plural in words:
        number = _count(details.get(key))
        if number is not None:
            said.append(_plural(number, singular, plural))
    return said


def _with_counts(text: str, counts: list[str]) -> str:
    return f"{text}: {', '.join(counts)}" if counts else text


def _live(details: Mapping[str, Any]) -> str:
    live = details.get("live")
    if live is True:
        return " (live)"
    if live is False:
        return " (in the preview)"
    return ""


def _details_summary(details: Mapping[str, Any], *, skip: Iterable[str] = ()) -> str:
    skipped = set(skip)
    pairs = [
        f"{_text(str(key).replace('_', ' '), 30)} {_value(value)}"
        for key, value in details.items()
        if key not in skipped
    ]
    if not pairs:
        return ""
    more = len(pairs) - DETAILS_SHOWN
    return " (" + ", ".join(pairs[:DETAILS_SHOWN]) + (f" and {more} more" if more > 0 else "") + ")"


# ---- one describer per action ---------------------------------------------------------------


def _cohort_value(field: str, value: Any) -> str:
    """A cohort setting's value as the cohort form says it."""
    number = _count(value)
    if field == "start_date" and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return _text(value)
    if field == "weeks" and number is not None:
        return _plural(number, "week")
    if field == "cadence_weeks" and number is not None:
        return "every week" if number == 1 else f"every {number} weeks"
    if field == "checkin_weekday" and number is not None and 0 <= number <= 6:
        return WEEKDAY_NAMES[number]
    if field == "checkin_hour" and number is not None and 0 <= number <= 23:
        return format_hour(number)
    if field == "allow_same_department" and isinstance(value, bool):
        return "allowed" if value else "not allowed"
    if field == "name" and isinstance(value, str):
        return f"*{_text(value)}*"
    return _value(value)


def _cohort_create(entry: AuditEntry, names: Mapping[int, str]) -> str:
    details = entry.details
    settings = [
        f"{label} {_cohort_value(key, details[key])}"
        for key, label in (("start_date", "starts"), ("weeks", "lasts"), ("cadence_weeks", "pairs meet"))
        if key in details
    ]
    name = details.get("name")
    cohort = f"*{_text(name)}*" if isinstance(name, str) and name.strip() else _cohort(entry, names)
    return _with_counts(f"created cohort {cohort}", settings)


def _cohort_update(entry: AuditEntry, names: Mapping[int, str]) -> str:
    changes = entry.details.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    said = []
    for field, change in list(changes.items())[:CHANGES_SHOWN]:
        label = _FIELD_LABELS.get(field) or _text(str(field).replace("_", " "), 30)
        if isinstance(change, dict):
            before = _cohort_value(field, change.get("from"))
            after = _cohort_value(field, change.get("to"))
            said.append(f"{label} {before} → {after}")
        else:
            said.append(label)
    more = len(changes) - CHANGES_SHOWN
    if more > 0:
        said.append(f"and {_plural(more, 'more setting')}")
    text = f"changed cohort {_cohort(entry, names)}"
    return f"{text}: {'; '.join(said)}" if said else text


def _cohort_state(entry: AuditEntry, names: Mapping[int, str]) -> str:
    before, after = entry.details.get("from"), entry.details.get("to")
    text = f"moved cohort {_cohort(entry, names)}"
    if isinstance(before, str) and isinstance(after, str):
        return f"{text} from {_text(before, 20)} to {_text(after, 20)}"
    return text


def _cohort_invite(entry: AuditEntry, names: Mapping[int, str]) -> str:
    invited = _list(entry.details.get("user_ids"))
    text = f"invited {_plural(len(invited), 'executive')} to {_cohort(entry, names)}"
    return f"{text}: {_people(invited)}" if invited else text


def _cohort_announce(entry: AuditEntry, names: Mapping[int, str]) -> str:
    channel = entry.details.get("channel_id")
    text = f"announced enrolment in {_cohort(entry, names)}"
    if isinstance(channel, str) and _CHANNEL_ID.fullmatch(channel):
        return f"{text} in <#{channel}>"
    return text


def _cohort_close(entry: AuditEntry, names: Mapping[int, str]) -> str:
    counts = _counts(
        entry.details,
        (
            ("pairings_ended", "pairing ended", "pairings ended"),
            ("surveys_queued", "closing survey queued", "closing surveys queued"),
            ("messages_cancelled", "scheduled message cancelled", "scheduled messages cancelled"),
        ),
    )
    return _with_counts(f"closed cohort {_cohort(entry, names)}", counts)


def _skill_name(entry: AuditEntry, key: str = "name") -> str:
    name = entry.details.get(key)
    shown = f"*{_text(name)}*" if isinstance(name, str) and name.strip() else "a skill"
    return f"{shown} ({_code(entry.target)})" if entry.target else shown


def _skill_add(entry: AuditEntry, names: Mapping[int, str]) -> str:
    side = entry.details.get("offered_by")
    by = {"employee": ", shared by employees", "executive": ", shared by executives"}.get(str(side), "")
    return f"added skill {_skill_name(entry)}{by}"


def _skill_rename(entry: AuditEntry, names: Mapping[int, str]) -> str:
    before, after = entry.details.get("from"), entry.details.get("to")
    key = f" {_code(entry.target)}" if entry.target else ""
    return f"renamed skill{key} from *{_text(before)}* to *{_text(after)}*"


def _skill_retire(entry: AuditEntry, names: Mapping[int, str]) -> str:
    text = f"retired skill {_skill_name(entry)}"
    answers = _count(entry.details.get("answers_keeping_it"))
    if answers:
        return f"{text}; {_plural(answers, 'answer')} already given keep it"
    return text


def _skill_restore(entry: AuditEntry, names: Mapping[int, str]) -> str:
    return f"restored skill {_skill_name(entry)}"


def _matching_preview(entry: AuditEntry, names: Mapping[int, str]) -> str:
    counts = _counts(entry.details, (("pairs", "pair", "pairs"), ("unmatched", "unmatched", "unmatched")))
    return _with_counts(f"previewed matching for {_cohort(entry, names)}", counts)


def _matching_confirm(entry: AuditEntry, names: Mapping[int, str]) -> str:
    counts = _counts(
        entry.details,
        (
            ("pairs", "pair made live", "pairs made live"),
            ("intros", "intro sent", "intros sent"),
            ("unmatched_told", "unmatched person told", "unmatched people told"),
        ),
    )
    return _with_counts(f"confirmed matching for {_cohort(entry, names)}", counts)


def _pairing_pair(entry: AuditEntry, names: Mapping[int, str]) -> str:
    details = entry.details
    text = (
        f"paired {_person(details.get('employee'))} with {_person(details.get('executive'))} "
        f"in {_cohort(entry, names)}{_live(details)}"
    )
    overridden = _list(details.get("overridden"))
    if overridden:
        rules = "; ".join(_rule(rule) for rule in overridden[:RULES_SHOWN])
        more = len(overridden) - RULES_SHOWN
        text += f", overriding a rule: {rules}" + (f" and {more} more" if more > 0 else "")
    displaced = _list(details.get("displaced"))
    if displaced:
        text += f"; freed {_people(displaced)} from the preview"
    return text


def _pairing_unpair(entry: AuditEntry, names: Mapping[int, str]) -> str:
    details = entry.details
    partners = _list(details.get("partners"))
    whom = f" from {_people(partners)}" if partners else ""
    return f"unpaired {_person(details.get('user_id'))}{whom} in {_cohort(entry, names)}{_live(details)}"


def _checkin_nudge(entry: AuditEntry, names: Mapping[int, str]) -> str:
    details = entry.details
    period = _count(details.get("period"))
    if period is None:
        return f"asked for a nudge in {_cohort(entry, names)}; no check-in was due"
    counts = _counts(
        details,
        (("sent", "person nudged", "people nudged"), ("answered", "already answered", "already answered")),
    )
    return _with_counts(f"nudged check-in {period} of {_cohort(entry, names)}", counts)


def _export_program(entry: AuditEntry, names: Mapping[int, str]) -> str:
    counts = _counts(entry.details, (("pairs", "pair", "pairs"), ("periods", "period", "periods")))
    text = _with_counts(f"exported the program CSV of {_cohort(entry, names)}", counts)
    file_name = entry.details.get("file_name")
    return f"{text} ({_code(file_name)})" if isinstance(file_name, str) and file_name else text


DESCRIBERS: dict[str, Describe] = {
    "cohort.create": _cohort_create,
    "cohort.update": _cohort_update,
    "cohort.state": _cohort_state,
    "cohort.invite": _cohort_invite,
    "cohort.announce": _cohort_announce,
    "cohort.close": _cohort_close,
    "skill.add": _skill_add,
    "skill.rename": _skill_rename,
    "skill.retire": _skill_retire,
    "skill.restore": _skill_restore,
    "matching.preview": _matching_preview,
    "matching.confirm": _matching_confirm,
    "pairing.pair": _pairing_pair,
    "pairing.unpair": _pairing_unpair,
    "checkin.nudge": _checkin_nudge,
    "export.program": _export_program,
}


def _target_words(entry: AuditEntry, names: Mapping[int, str]) -> str:
    if entry.target is None:
        return ""
    if cohort_id_of(entry.target) is not None:
        return f" for {_cohort(entry, names)}"
    return f" on {_code(entry.target)}"


def _export(entry: AuditEntry, names: Mapping[int, str]) -> str:
    kind = entry.action.split(".", 1)[1].replace("_", " ").replace(".", " ")
    what = f"the {_text(kind, 30)} export" if kind else "an export"
    return f"ran {what}{_target_words(entry, names)}{_details_summary(entry.details)}"


def _generic(entry: AuditEntry, names: Mapping[int, str]) -> str:
    return f"did {_code(entry.action)}{_target_words(entry, names)}{_details_summary(entry.details)}"


def describe_action(entry: AuditEntry, *, cohort_names: Mapping[int, str]) -> str:
    """What the admin did, in plain words with its key details (the action's name when it is unknown)."""
    describe = DESCRIBERS.get(entry.action)
    if describe is None:
        describe = _export if entry.action.startswith("export.") else _generic
    return describe(entry, cohort_names)


def audit_event_line(entry: AuditEntry, *, cohort_names: Mapping[int, str]) -> str:
    """One event in one line: when, who, what."""
    start = f"{when_token(entry.at)} · {_person(entry.actor_user_id)}"
    line = f"{start} {describe_action(entry, cohort_names=cohort_names)}"
    if len(line) > LINE_LIMIT:
        # Cutting the line could split a mention or an escape; say less instead.
        target = _target_words(entry, cohort_names)
        return f"{start} did {_code(entry.action)}{target} (details too long to show)"
    return line


# ---- messages -------------------------------------------------------------------------------


def _packed(lines: list[str]) -> list[Block]:
    """Lines packed into as few sections as fit Slack's 3000 characters each."""
    blocks: list[Block] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_TEXT_LIMIT:
            blocks.append(section(chunk))
            chunk = line
        else:
            chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks


def audit_log_message(page: AuditPage) -> dict[str, Any]:
    """One page of the audit log, newest first, with how to see older events."""
    title = "Audit log" if page.page == 1 else f"Audit log, page {page.page}"
    if not page.entries:
        if page.page == 1:
            text = "No admin actions are recorded yet."
        else:
            text = (
                f"Page {page.page} is past the end of the audit log. "
                f"`{ADMIN_COMMAND} audit` shows the newest admin actions."
            )
        return message(text, [header(title), section(text)])
    lines = [f"• {audit_event_line(entry, cohort_names=page.cohort_names)}" for entry in page.entries]
    first = page.first_number
    last = first + len(page.entries) - 1
    if page.has_more:
        footer = (
            f"Actions {first}–{last}, newest first. `{ADMIN_COMMAND} audit {page.page + 1}` shows older ones."
        )
    else:
        footer = f"Actions {first}–{last}, newest first; that is the oldest recorded."
    blocks = [
        header(title),
        context("Who did what as a program admin. Times are in your own time zone."),
        *_packed(lines),
        context(footer),
    ]
    text = f"Audit log, page {page.page}: {_plural(len(page.entries), 'admin action')}, newest first."
    return message(text, blocks)


def audit_usage_message(*, words: tuple[str, ...]) -> dict[str, Any]:
    """`audit` takes at most a page number; say which words were not understood."""
    typed = " ".join(shown_word(word) for word in words[:3])
    problem = (
        f"`{ADMIN_COMMAND} audit` takes a page number from 1 to {MAX_PAGE}; I did not understand `{typed}`."
    )
    usage = (
        f"Usage: `{AUDIT_SYNTAX}`: the newest {PAGE_SIZE} admin actions; page 2 shows the "
        f"{PAGE_SIZE} before them, and so on."
    )
    return message(problem, [section(problem), section(usage)])
