"""`/mentor-admin report`: the cohort in numbers as a Block Kit message, and the chart file's name.

Pure functions of a `ProgramReport`. Only counts, ratings, skill names and Slack mentions are
shown: a report never carries a reflection's text or a survey comment. Names from the
database are escaped for mrkdwn; every block stays inside Slack's limits.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from bot.commands import ADMIN_COMMAND, shown_word
from bot.report_records import PeriodStats, ProgramReport, SkillCount, SurveySummary
from bot.skills import escape_mrkdwn
from bot.views.blocks import Block, context, header, message, section, shorten

REPORT_SYNTAX = f"{ADMIN_COMMAND} report"
FIELD_TEXT_LIMIT = 2000
# Rows of the period table; a longer cohort shows its latest periods (a section holds 3,000 characters).
TABLE_PERIODS = 40
FILE_SLUG_LIMIT = 40

DEFINITIONS = (
    "*Participation* counts people now. Invited: invited, survey not answered yet. Enrolled: answered the "
    "survey and still in (matched, waiting or on a break). Matched: enrolled and in a confirmed pair now or "
    "earlier in this cohort. Active: in a live pair and not on a break. Left: left the cohort.",
    "*Met rate* of a period: of the confirmed pairs asked about it, the share where either member "
    "answered “We met”. A pair where someone answered “Pause” and nobody met was on a break and is left "
    "out. Live: pairs confirmed before the period ended and not ended before it began. * marks a period "
    "still open (answers may still come); periods nobody was asked about yet have no rate.",
    "*Slipping*: a live pair whose last two or more finished periods were asked of both members and "
    "neither answered “We met” or “Pause”. *Skills exchanged*: each confirmed pair counts once per skill "
    "it shares, in each direction. Reflections are counted with their ratings; their text stays private.",
)


class ChartNote(StrEnum):
    """What the report says about its chart."""

    NONE = "none"
    """No chart (an enrolling cohort), or the caller says nothing about it."""
    IN_DM = "in_dm"
    """The chart was uploaded to the admin's DM with the bot."""
    BELOW = "below"
    """The report is in the DM itself, and the chart follows it."""
    FAILED = "failed"
    """Slack refused the upload."""


_CHART_NOTES = {
    ChartNote.IN_DM: ":bar_chart: The chart of met rate and participation per period is in your DM with me.",
    ChartNote.BELOW: ":bar_chart: The chart of met rate and participation per period follows.",
    ChartNote.FAILED: ":warning: I could not attach the chart this time; run "
    f"`{REPORT_SYNTAX}` again in a minute.",
}


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _percent(rate: float | None) -> str:
    """A rate as a whole percentage, halves rounded up (62.5% -> 63%)."""
    return "–" if rate is None else f"{int(rate * 100 + 0.5)}%"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _fields_section(title: str, fields: list[tuple[str, str]]) -> Block:
    block = section(title)
    block["fields"] = [
        {"type": "mrkdwn", "text": shorten(f"*{name}*\n{value}", FIELD_TEXT_LIMIT)}
        for name, value in fields[:10]
    ]
    return block


def _where(report: ProgramReport) -> str:
    name = f"*{escape_mrkdwn(report.cohort_name)}*"
    last_day = _day(report.end_date - timedelta(days=1))
    runs = f"{_day(report.start_date)} to {last_day}, {_plural(report.period_count, 'period')}"
    if report.cohort_state == "enrolling":
        state = f"{name} is enrolling ({runs})."
    elif report.cohort_state == "closed":
        state = f"{name} is closed ({runs})."
    elif report.current_period < 1:
        state = f"{name} is active and starts on {_day(report.start_date)} ({runs})."
    elif report.current_period > report.period_count:
        state = f"{name} is active and its last period is over ({runs})."
    else:
        state = f"{name} is active: period {report.current_period} of {report.period_count} ({runs})."
    return f"{state} As of {report.generated_at:%Y-%m-%d %H:%M} UTC."


def _participation(report: ProgramReport) -> Block:
    p = report.participation
    return _fields_section(
        "*Participation* (people)",
        [
            ("Invited", str(p.invited)),
            ("Enrolled", str(p.enrolled)),
            ("Matched", str(p.matched)),
            ("Active", str(p.active)),
            ("Paused", str(p.paused)),
            ("Left", str(p.left)),
        ],
    )


def _pairs(report: ProgramReport) -> Block:
    rate = report.overall_met_rate
    overall = (
        "no check-ins asked yet"
        if rate is None
        else f"{_percent(rate)} ({report.met_total} of {report.asked_total})"
    )
    return _fields_section(
        "*Pairs*",
        [
            ("Confirmed", str(report.pairs.confirmed)),
            ("Live now", str(report.pairs.live)),
            ("Ended", str(report.pairs.ended)),
            ("Met rate so far", overall),
        ],
    )


def period_table(periods: tuple[PeriodStats, ...]) -> str:
    """Met rate per period as a monospaced table in a code block (the latest TABLE_PERIODS periods)."""
    columns = ("Period", "From", "Met", "Asked", "Rate", "Break", "Live")
    rows = []
    for p in periods[-TABLE_PERIODS:]:
        rate = _percent(p.met_rate) + ("" if p.closed or p.met_rate is None else "*")
        rows.append(
            (
                str(p.period),
                _short_day(p.start_date),
                str(p.met_pairs),
                str(p.asked_pairs),
                rate,
                str(p.on_break_pairs),
                str(p.live_pairs),
            )
        )
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(columns)]

    def line(cells: tuple[str, ...]) -> str:
        first = f"{cells[0]:>{widths[0]}}  {cells[1]:<{widths[1]}}"
        rest = "".join(f"  {cell:>{width}}" for cell, width in zip(cells[2:], widths[2:], strict=True))
        return (first + rest).rstrip()

    return "```\n" + "\n".join([line(columns), *(line(row) for row in rows)]) + "\n```"


def _periods(report: ProgramReport) -> Block:
    if not report.periods:
        return section("*Met rate per period*\nThe first period has not begun yet.")
    skipped = len(report.periods) - TABLE_PERIODS
    note = (
        f"\n_The {skipped} earliest periods are left out; the chart shows them all._" if skipped > 0 else ""
    )
    return section(f"*Met rate per period*\n{period_table(report.periods)}{note}")


def _span(periods: tuple[int, ...]) -> str:
    if len(periods) == 1:
        return f"period {periods[0]}"
    return f"periods {periods[0]}–{periods[-1]}"


def _slipping(report: ProgramReport) -> Block:
    if report.slipping_count == 0:
        return section("*Slipping now*\nNo pair is slipping. :tada:")
    lines = [f"*Slipping now*: {_plural(report.slipping_count, 'pair')}"]
    lines += [
        f"• <@{row.employee_user_id}> and <@{row.executive_user_id}>: "
        f"no meeting in {_span(row.missed_periods)}"
        for row in report.slipping
    ]
    if report.slipping_count > len(report.slipping):
        lines.append(f"…and {report.slipping_count - len(report.slipping)} more.")
    return section("\n".join(lines))


def _reflections(report: ProgramReport) -> Block:
    r = report.reflections
    average = (
        "no ratings yet" if r.average_rating is None else f"{r.average_rating:.1f} / 5 ({r.rated} rated)"
    )
    return _fields_section(
        "*Reflections* (counted, never shown)",
        [("Written", str(r.written)), ("Shared with partner", str(r.shared)), ("Average rating", average)],
    )


def _skill_list(skills: tuple[SkillCount, ...], *, unit: str) -> str:
    return "\n".join(
        f"{index}. {escape_mrkdwn(skill.name)}: {_plural(skill.count, unit)}"
        for index, skill in enumerate(skills, start=1)
    )


def _top_skills(report: ProgramReport) -> Block:
    if not report.top_skills:
        return section("*Skills exchanged most*\nNo confirmed pair shares a skill yet.")
    return section(f"*Skills exchanged most*\n{_skill_list(report.top_skills, unit='pair')}")


def _survey(summary: SurveySummary) -> Block:
    title = "Midpoint survey" if summary.kind == "midpoint" else "Closing survey"
    if summary.responses == 0:
        return section(f"*{title}*: no answers yet.")
    satisfaction = (
        f"{summary.average_satisfaction:.1f} / 5" if summary.average_satisfaction is not None else "–"
    )
    again = f"yes {summary.again_yes} · maybe {summary.again_maybe} · no {summary.again_no}"
    gained = (
        ", ".join(f"{escape_mrkdwn(s.name)} ({s.count})" for s in summary.top_skills_gained)
        if summary.top_skills_gained
        else "none named"
    )
    return _fields_section(
        f"*{title}*: {_plural(summary.responses, 'answer')}",
        [("Average satisfaction", satisfaction), ("Would do it again", again), ("Top skills gained", gained)],
    )


def _fallback(report: ProgramReport) -> str:
    name = escape_mrkdwn(report.cohort_name)
    p = report.participation
    text = f"Mentoring report for {name}: {p.enrolled} enrolled, {p.invited} invited"
    if report.has_pairs:
        text += f", {_plural(report.pairs.live, 'live pair')}"
        text += f", met rate so far {_percent(report.overall_met_rate)}, {report.slipping_count} slipping"
    return text + "."


def report_message(report: ProgramReport, *, chart: ChartNote = ChartNote.NONE) -> dict[str, Any]:
    """The report: participation, pairs, met rate per period, slipping pairs, reflections, skills and
    surveys, then what each number means. An enrolling cohort shows its participation only."""
    blocks: list[Block] = [
        header(f"Mentoring report: {report.cohort_name}"),
        section(_where(report)),
        _participation(report),
    ]
    if not report.has_pairs:
        blocks.append(
            context(
                "Pairs, met rates, slipping pairs, reflections and surveys appear here once pairs are "
                f"confirmed (`{ADMIN_COMMAND} match`)."
            )
        )
    else:
        blocks += [
            _pairs(report),
            _periods(report),
            _slipping(report),
            _reflections(report),
            _top_skills(report),
            _survey(report.midpoint),
            _survey(report.closing),
        ]
    blocks.append(context(DEFINITIONS[0]))
    if report.has_pairs:
        blocks.append(context(DEFINITIONS[1]))
        blocks.append(context(DEFINITIONS[2]))
    if chart in _CHART_NOTES:
        blocks.append(context(_CHART_NOTES[chart]))
    return message(_fallback(report), blocks)


def report_file_name(report: ProgramReport) -> str:
    """The chart's file name: the cohort's name made safe for a file, and the report's day."""
    slug = re.sub(r"[^a-z0-9]+", "-", report.cohort_name.casefold()).strip("-")[:FILE_SLUG_LIMIT].strip("-")
    return f"mentoring-report-{slug or 'cohort'}-{report.generated_at:%Y-%m-%d}.png"


def chart_title(report: ProgramReport) -> str:
    """The uploaded chart's title (plain text)."""
    return f"Met rate and participation: {report.cohort_name}"


def chart_comment(report: ProgramReport) -> str:
    """The message the chart is uploaded with."""
    return (
        f"Met rate and participation per period in *{escape_mrkdwn(report.cohort_name)}*, "
        f"as of {report.generated_at:%Y-%m-%d %H:%M} UTC."
    )


def chart_failed_message() -> dict[str, Any]:
    """Said in the DM after the report when the chart could not be uploaded."""
    text = _CHART_NOTES[ChartNote.FAILED]
    return message(text, [section(text)])


def report_usage_message(*, words: tuple[str, ...]) -> dict[str, Any]:
    """`report` takes no words; say which one was not understood."""
    problem = f"`{REPORT_SYNTAX}` takes nothing after it; I did not understand `{shown_word(words[0])}`."
    usage = f"Usage: `{REPORT_SYNTAX}` shows the current cohort in numbers and sends you a chart."
    return message(problem, [section(problem), section(usage)])
