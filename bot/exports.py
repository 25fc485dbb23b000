"""The export files and their answers, as pure functions: records in, CSV bytes or Markdown text out.

Two exports with different readers and different privacy rules:

- The program export (`/mentor-admin export`) is for admins: one CSV row per pairing with
  check-in answers, rating averages and survey scores. It carries no free text written by
  participants: reflection text is only ever seen by its author (and the partner, if shared),
  and survey comments are left out too, because they are free text as well: people write
  names, feelings and confidences there, and a spreadsheet is copied and forwarded far more
  easily than a Slack message. Its records have no field that could hold such text.
- The learning log (`/mentor export`) is for one person: everything they wrote themselves
  (reflections in full, check-in answers). It never holds a partner's reflections, not even
  shared ones: those were DMed to the person already, and they stay their author's to delete
  (`/mentor leave` can erase them), which a copy in someone else's file would defeat.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, so every CSV cell
that could start so is prefixed with an apostrophe (shown as text, never run).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.commands import shown_word
from bot.skills import escape_mrkdwn

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ERASED_NAME = "(data deleted)"
_SLUG_LENGTH = 40

ANSWER_WORDS = {"met": "met", "not_yet": "not yet", "pause": "pause"}
"""How a check-in answer reads in the admin CSV (a period never asked stays empty)."""
NO_ANSWER = "no answer"
"""A check-in that was asked and not answered (yet)."""
LOG_ANSWER_WORDS = {"met": "We met", "not_yet": "Not yet", "pause": "Pause"}

AGAIN_WORDS = {"yes": "yes", "maybe": "maybe", "no": "no"}


# ---- records --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MemberFigures:
    """One member of a pairing as the admin export shows them: numbers and answers, no free text.

    `answers` maps a period to the check-in answer ("met", "not_yet", "pause"), or to None when
    the check-in was asked and not answered; a period never asked is absent. `ratings` are the
    ratings of their reflections in this pairing (unrated ones left out); `reflections` counts
    all of them. Survey scores are the person's in the cohort, so a person with two partners
    shows the same scores on both rows.
    """

    name: str
    user_id: str
    answers: Mapping[int, str | None] = field(default_factory=dict)
    ratings: tuple[int, ...] = ()
    reflections: int = 0
    midpoint_satisfaction: int | None = None
    closing_satisfaction: int | None = None
    again: str | None = None


@dataclass(frozen=True, kw_only=True)
class PairingFigures:
    """One confirmed pairing of the cohort, with both members' figures."""

    pairing_id: int
    state: str
    started_on: date | None
    ended_on: date | None
    end_reason: str | None
    score: float
    employee_shares: tuple[str, ...]
    """Skills the employee shares with the executive (who wants them)."""
    executive_shares: tuple[str, ...]
    """Skills the executive shares with the employee (who wants them)."""
    employee: MemberFigures
    executive: MemberFigures


@dataclass(frozen=True, kw_only=True)
class ProgramExport:
    """A cohort's figures for the admin CSV."""

    cohort_name: str
    periods: int
    pairings: tuple[PairingFigures, ...]


@dataclass(frozen=True, kw_only=True)
class ProgramExportResult:
    """What `/mentor-admin export` did: which cohort, how many pairs, the file and whether it arrived.

    `cohort_name` is None when the workspace has no cohort; `file_name` None when there was
    nothing to export (no confirmed pairs).
    """

    cohort_name: str | None
    pairs: int = 0
    file_name: str | None = None
    delivered: bool = False


@dataclass(frozen=True, kw_only=True)
class LogReflection:
    """One of the person's own reflections, in full."""

    written_on: date
    cohort_name: str | None
    partner_name: str | None
    period: int | None
    rating: int | None
    shared: bool
    learned: str
    will_try: str | None


@dataclass(frozen=True, kw_only=True)
class LogCheckin:
    """One of the person's own check-in answers."""

    answered_on: date
    cohort_name: str
    period: int
    partner_name: str
    answer: str


@dataclass(frozen=True, kw_only=True)
class LearningLog:
    """Everything one person wrote, newest first."""

    name: str
    exported_on: date
    reflections: tuple[LogReflection, ...] = ()
    checkins: tuple[LogCheckin, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.reflections and not self.checkins


@dataclass(frozen=True, kw_only=True)
class LearningLogResult:
    """What `/mentor export` did: how much the log holds, the file and whether it arrived."""

    reflections: int = 0
    checkins: int = 0
    file_name: str | None = None
    delivered: bool = False


# ---- the admin's CSV ------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character is neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _average(ratings: Sequence[int]) -> str:
    return _number(sum(ratings) / len(ratings)) if ratings else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _answer(answers: Mapping[int, str | None], period: int) -> str:
    if period not in answers:
        return ""
    answer = answers[period]
    return NO_ANSWER if answer is None else ANSWER_WORDS.get(answer, answer)


def program_csv_header(periods: int) -> tuple[str, ...]:
    """The CSV's columns: the pairing, each period's answers, then ratings and survey scores."""
    per_period = [f"period {k} {role}" for k in range(1, periods + 1) for role in ("employee", "executive")]
    per_member = [
        f"{role} {figure}"
        for role in ("employee", "executive")
        for figure in ("average rating", "reflections")
    ]
    surveys = [
        f"{role} {figure}"
        for role in ("employee", "executive")
        for figure in ("midpoint satisfaction", "closing satisfaction", "would do again")
    ]
    return (
        "pair id",
        "employee name",
        "employee user id",
        "executive name",
        "executive user id",
        "state",
        "started (UTC)",
        "ended (UTC)",
        "end reason",
        "score",
        "skills the employee shares (the executive wants them)",
        "skills the executive shares (the employee wants them)",
        *per_period,
        *per_member,
        *surveys,
    )


def _pairing_row(pairing: PairingFigures, *, periods: int) -> list[object]:
    employee, executive = pairing.employee, pairing.executive
    row: list[object] = [
        pairing.pairing_id,
        employee.name,
        employee.user_id,
        executive.name,
        executive.user_id,
        pairing.state,
        _day(pairing.started_on),
        _day(pairing.ended_on),
        pairing.end_reason or "",
        _number(pairing.score),
        "; ".join(pairing.employee_shares),
        "; ".join(pairing.executive_shares),
    ]
    for period in range(1, periods + 1):
        row += [_answer(employee.answers, period), _answer(executive.answers, period)]
    for member in (employee, executive):
        row += [_average(member.ratings), member.reflections]
    for member in (employee, executive):
        row += [
            member.midpoint_satisfaction,
            member.closing_satisfaction,
            AGAIN_WORDS.get(member.again, member.again) if member.again else "",
        ]
    return row


def program_csv(export: ProgramExport) -> bytes:
    """One row per confirmed pairing, as UTF-8 CSV (every cell guarded against formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(program_csv_header(export.periods))
    for pairing in export.pairings:
        writer.writerow([csv_cell(value) for value in _pairing_row(pairing, periods=export.periods)])
    return buffer.getvalue().encode("utf-8")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_SLUG_LENGTH].strip("-")


def program_file_name(*, cohort_name: str, day: date) -> str:
    """A short ASCII name, e.g. "mentoring-spring-2026-2026-06-01.csv"."""
    return f"mentoring-{_slug(cohort_name) or 'cohort'}-{day.isoformat()}.csv"


def program_export_comment(export: ProgramExport) -> str:
    """The message that comes with the file in the admin's DM (mrkdwn)."""
    pairs = _plural(len(export.pairings), "pair")
    return (
        f"The program export of *{escape_mrkdwn(export.cohort_name)}*: {pairs}, with check-ins per period, "
        "ratings and survey scores. It holds no reflection text and no survey comments; "
        "please keep it as private as the program itself."
    )


def program_export_answer(result: ProgramExportResult) -> str:
    """The admin's ephemeral answer to `/mentor-admin export` (mrkdwn)."""
    if result.cohort_name is None:
        return "There is no cohort to export yet. `/mentor-admin cohort` opens the form to create one."
    name = f"*{escape_mrkdwn(result.cohort_name)}*"
    if result.file_name is None:
        return (
            f"{name} has no confirmed pairs yet, so there is nothing to export. "
            "Pairs are made with `/mentor-admin match`."
        )
    if not result.delivered:
        return (
            f"I could not upload the export of {name} to our DM; Slack refused the file. "
            "Please try `/mentor-admin export` again in a minute."
        )
    return (
        f"The export of {name} ({_plural(result.pairs, 'pair')}) is in your DM with me: "
        f"`{escape_mrkdwn(result.file_name)}`."
    )


# ---- the learning log -----------------------------------------------------------------------


def _quoted(text: str) -> str:
    """Free text as a Markdown block quote, so whatever it holds stays inside its entry."""
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def _inline(text: str) -> str:
    """A name on one line (a newline in a cohort or person name would break the heading)."""
    return " ".join(text.split())


def _reflection_entry(reflection: LogReflection) -> list[str]:
    where = [reflection.written_on.isoformat()]
    if reflection.cohort_name:
        where.append(_inline(reflection.cohort_name))
    if reflection.partner_name:
        where.append(f"with {_inline(reflection.partner_name)}")
    if reflection.period is not None:
        where.append(f"period {reflection.period}")
    facts = [
        f"Rating: {reflection.rating}/5" if reflection.rating is not None else "Rating: none",
        "Shared with your partner" if reflection.shared else "Private (only you)",
    ]
    lines = [f"### {' · '.join(where)}", "", " · ".join(facts), "", "**What I learned or taught**", ""]
    lines.append(_quoted(reflection.learned))
    if reflection.will_try and reflection.will_try.strip():
        lines += ["", "**One thing I will try**", "", _quoted(reflection.will_try)]
    lines.append("")
    return lines


def _checkin_line(checkin: LogCheckin) -> str:
    answer = LOG_ANSWER_WORDS.get(checkin.answer, checkin.answer)
    return (
        f"- {checkin.answered_on.isoformat()} · {_inline(checkin.cohort_name)} · period {checkin.period} · "
        f"with {_inline(checkin.partner_name)}: {answer}"
    )


def learning_log_markdown(log: LearningLog) -> str:
    """The person's learning log as a Markdown file: reflections in full, then check-ins."""
    lines = [
        f"# Learning log of {_inline(log.name)}",
        "",
        f"Exported on {log.exported_on.isoformat()}. This file holds what you wrote yourself: your "
        "reflections, private and shared, and your check-in answers, newest first. Reflections your "
        "partners shared with you are in your DMs, not here.",
        "",
        f"## Reflections ({len(log.reflections)})",
        "",
    ]
    if log.reflections:
        for reflection in log.reflections:
            lines += _reflection_entry(reflection)
    else:
        lines += ["No reflections yet. `/mentor reflect` writes one.", ""]
    lines += [f"## Check-ins ({len(log.checkins)})", ""]
    if log.checkins:
        lines += [_checkin_line(checkin) for checkin in log.checkins]
    else:
        lines.append("No check-in answers yet.")
    return "\n".join(lines) + "\n"


def learning_log_file_name(day: date) -> str:
    return f"learning-log-{day.isoformat()}.md"


def learning_log_comment(log: LearningLog) -> str:
    """The message that comes with the file in the person's DM (mrkdwn)."""
    return (
        f"Your learning log: {_plural(len(log.reflections), 'reflection')} and "
        f"{_plural(len(log.checkins), 'check-in answer')}. Only you received this file."
    )


def learning_log_answer(result: LearningLogResult) -> str:
    """The person's ephemeral answer to `/mentor export` (mrkdwn)."""
    if result.file_name is None:
        return (
            "Your learning log is empty so far: it fills up as you answer check-ins and write "
            "reflections (`/mentor reflect`). Nothing was sent."
        )
    if not result.delivered:
        return (
            "I could not upload your learning log to our DM; Slack refused the file. "
            "Please try `/mentor export` again in a minute."
        )
    return (
        f"Your learning log ({_plural(result.reflections, 'reflection')}, "
        f"{_plural(result.checkins, 'check-in answer')}) is in your DM with me: "
        f"`{escape_mrkdwn(result.file_name)}`."
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def export_usage_answer(*, command: str, words: Sequence[str]) -> str:
    """`export` takes no words; say which one was not understood (mrkdwn)."""
    return (
        f"`{command} export` takes nothing after it; I did not understand `{shown_word(words[0])}`. "
        f"Usage: `{command} export`"
    )
