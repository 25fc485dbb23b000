"""The report message and the chart's file name: pure views of a `ProgramReport`."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.report_records import (
    PairCounts,
    Participation,
    PeriodStats,
    ProgramReport,
    ReflectionStats,
    SkillCount,
    SlippingPairRow,
    SurveySummary,
)
from bot.views.report import ChartNote, report_file_name, report_message, report_usage_message
from tests.blockkit import assert_valid_message

START = date(2027, 3, 1)
NOW = datetime(2027, 4, 6, 15, 30, tzinfo=UTC)


def period(
    number: int, *, live: int, asked: int, met: int, on_break: int = 0, closed: bool = True
) -> PeriodStats:
    return PeriodStats(
        period=number,
        start_date=START + timedelta(weeks=2 * (number - 1)),
        closed=closed,
        live_pairs=live,
        asked_pairs=asked,
        met_pairs=met,
        on_break_pairs=on_break,
    )


def sample_report(**changes: Any) -> ProgramReport:
    """An active cohort in its third period, with a bit of everything."""
    report = ProgramReport(
        cohort_id=7,
        cohort_name="R&D <beta>",
        cohort_state="active",
        start_date=START,
        end_date=date(2027, 4, 12),
        period_count=3,
        current_period=3,
        generated_at=NOW,
        participation=Participation(invited=1, enrolled=8, matched=7, active=5, paused=1, left=1),
        pairs=PairCounts(confirmed=4, live=3, ended=1),
        periods=(
            period(1, live=4, asked=4, met=3),
            period(2, live=4, asked=2, met=1, on_break=1),
            period(3, live=3, asked=2, met=1, on_break=1, closed=False),
        ),
        slipping_count=1,
        slipping=(SlippingPairRow(employee_user_id="U0E2", executive_user_id="U0X2", missed_periods=(1, 2)),),
        reflections=ReflectionStats(written=3, shared=1, rated=3, average_rating=4.0),
        top_skills=(
            SkillCount(name="AI and new tools", count=3),
            SkillCount(name="DE&I: diversity, equity and inclusion", count=2),
        ),
        midpoint=SurveySummary(
            kind="midpoint",
            responses=2,
            average_satisfaction=4.5,
            again_yes=1,
            again_maybe=1,
            again_no=0,
            top_skills_gained=(SkillCount(name="AI and new tools", count=2),),
        ),
        closing=SurveySummary(kind="closing"),
    )
    return replace(report, **changes)


def texts(body: dict[str, Any]) -> list[str]:
    """Every piece of text a person would read in the message's blocks."""
    found: list[str] = []
    for block in body["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [field["text"] for field in block.get("fields", [])]
        found += [element["text"] for element in block.get("elements", []) if "text" in element]
    return found


def fields_of(body: dict[str, Any], title: str) -> dict[str, str]:
    [block] = [b for b in body["blocks"] if b.get("text", {}).get("text", "").startswith(title)]
    return dict(field["text"].split("\n", 1) for field in block["fields"])


def test_the_report_shows_every_number_within_block_kit_limits():
    body = report_message(sample_report())
    assert_valid_message(body)
    shown = texts(body)

    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Mentoring report: R&D <beta>"},
    }
    assert shown[1] == (
        "*R&amp;D &lt;beta&gt;* is active: period 3 of 3 (1 Mar 2027 to 11 Apr 2027, 3 periods). "
        "As of 2027-04-06 15:30 UTC."
    )
    assert fields_of(body, "*Participation*") == {
        "*Invited*": "1",
        "*Enrolled*": "8",
        "*Matched*": "7",
        "*Active*": "5",
        "*Paused*": "1",
        "*Left*": "1",
    }
    assert fields_of(body, "*Pairs*") == {
        "*Confirmed*": "4",
        "*Live now*": "3",
        "*Ended*": "1",
        "*Met rate so far*": "63% (5 of 8)",
    }
    [table] = [t for t in shown if t.startswith("*Met rate per period*")]
    assert table.split("\n")[1:] == [
        "```",
        "Period  From    Met  Asked  Rate  Break  Live",
        "     1  1 Mar     3      4   75%      0     4",
        "     2  15 Mar    1      2   50%      1     4",
        "     3  29 Mar    1      2  50%*      1     3",
        "```",
    ]
    assert "*Slipping now*: 1 pair\n• <@U0E2> and <@U0X2>: no meeting in periods 1–2" in shown
    assert fields_of(body, "*Reflections*") == {
        "*Written*": "3",
        "*Shared with partner*": "1",
        "*Average rating*": "4.0 / 5 (3 rated)",
    }
    assert (
        "*Skills exchanged most*\n1. AI and new tools: 3 pairs\n"
        "2. DE&amp;I: diversity, equity and inclusion: 2 pairs" in shown
    )
    assert fields_of(body, "*Midpoint survey*: 2 answers") == {
        "*Average satisfaction*": "4.5 / 5",
        "*Would do it again*": "yes 1 · maybe 1 · no 0",
        "*Top skills gained*": "AI and new tools (2)",
    }
    assert "*Closing survey*: no answers yet." in shown
    assert body["text"] == (
        "Mentoring report for R&amp;D &lt;beta&gt;: 8 enrolled, 1 invited, 3 live pairs, "
        "met rate so far 63%, 1 slipping."
    )


def test_the_report_explains_its_definitions_in_context():
    contexts = [
        element["text"]
        for block in report_message(sample_report())["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
    ]
    together = " ".join(contexts)
    for words in (
        "Invited: invited, survey not answered yet",
        "Matched: enrolled and in a confirmed pair",
        "*Met rate* of a period",
        "was on a break and is left out",
        "*Slipping*: a live pair whose last two or more finished periods",
        "their text stays private",
    ):
        assert words in together


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (ChartNote.IN_DM, "is in your DM with me"),
        (ChartNote.BELOW, "follows"),
        (ChartNote.FAILED, "I could not attach the chart"),
    ],
)
def test_the_report_says_where_its_chart_is(note, expected):
    last = report_message(sample_report(), chart=note)["blocks"][-1]
    assert last["type"] == "context"
    assert expected in last["elements"][0]["text"]


def test_without_a_chart_note_nothing_is_said_about_a_chart():
    assert "chart" not in json.dumps(report_message(sample_report())["blocks"][-1]).lower()


def test_an_enrolling_cohort_shows_participation_and_when_the_rest_comes():
    report = sample_report(
        cohort_state="enrolling",
        current_period=0,
        participation=Participation(invited=3, enrolled=5),
        pairs=PairCounts(),
        periods=(),
        slipping_count=0,
        slipping=(),
        reflections=ReflectionStats(),
        top_skills=(),
        midpoint=SurveySummary(kind="midpoint"),
    )
    body = report_message(report)
    assert_valid_message(body)
    shown = " ".join(texts(body))
    assert "is enrolling (1 Mar 2027 to 11 Apr 2027, 3 periods)" in shown
    assert fields_of(body, "*Participation*")["*Enrolled*"] == "5"
    assert "appear here once pairs are confirmed (`/mentor-admin match`)" in shown
    for absent in ("*Pairs*", "*Met rate per period*", "*Slipping now*", "*Reflections*", "survey*"):
        assert absent not in shown
    assert body["text"] == "Mentoring report for R&amp;D &lt;beta&gt;: 5 enrolled, 3 invited."


def test_an_active_cohort_before_its_first_check_in_says_so():
    report = sample_report(
        current_period=0,
        periods=(),
        slipping_count=0,
        slipping=(),
        reflections=ReflectionStats(),
        midpoint=SurveySummary(kind="midpoint"),
    )
    shown = texts(report_message(report))
    assert any("is active and starts on 1 Mar 2027" in text for text in shown)
    assert "*Met rate per period*\nThe first period has not begun yet." in shown
    assert fields_of(report_message(report), "*Pairs*")["*Met rate so far*"] == "no check-ins asked yet"
    assert fields_of(report_message(report), "*Reflections*")["*Average rating*"] == "no ratings yet"
    assert "*Slipping now*\nNo pair is slipping. :tada:" in shown


def test_slipping_pairs_beyond_the_first_ten_are_counted():
    rows = tuple(
        SlippingPairRow(employee_user_id=f"U0E{i:02}", executive_user_id=f"U0X{i:02}", missed_periods=(2,))
        for i in range(10)
    )
    [text] = [
        t
        for t in texts(report_message(sample_report(slipping_count=12, slipping=rows)))
        if t.startswith("*Slipping now*")
    ]
    assert text.startswith("*Slipping now*: 12 pairs")
    assert text.count("• <@U0E") == 10
    assert "no meeting in period 2" in text
    assert text.endswith("…and 2 more.")


def test_a_year_of_weekly_periods_and_very_long_names_stay_within_limits():
    periods = tuple(period(k, live=400, asked=390, met=200 + k, on_break=10) for k in range(1, 53))
    long_name = "Ü&<" * 200
    report = sample_report(
        cohort_name=long_name,
        period_count=52,
        current_period=53,
        periods=periods,
        top_skills=tuple(SkillCount(name=f"{long_name}{i}", count=10 - i) for i in range(5)),
        midpoint=replace(
            sample_report().midpoint,
            top_skills_gained=tuple(SkillCount(name=f"{long_name}{i}", count=9) for i in range(5)),
        ),
    )
    body = report_message(report, chart=ChartNote.FAILED)
    assert_valid_message(body)
    [table] = [t for t in texts(body) if t.startswith("*Met rate per period*")]
    assert "The 12 earliest periods are left out; the chart shows them all." in table
    assert table.count("\n    52  ") == 1
    assert "its last period is over" in texts(body)[1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("R&D <beta>", "mentoring-report-r-d-beta-2027-04-06.png"),
        ("Spring 2027", "mentoring-report-spring-2027-2027-04-06.png"),
        ("🚀🚀", "mentoring-report-cohort-2027-04-06.png"),
        ("x" * 100, f"mentoring-report-{'x' * 40}-2027-04-06.png"),
    ],
)
def test_the_chart_file_name_is_safe_and_dated(name, expected):
    assert report_file_name(sample_report(cohort_name=name)) == expected


def test_report_with_words_after_it_answers_with_the_usage():
    body = report_usage_message(words=("now`<x>",))
    assert_valid_message(body)
    assert body["text"] == "`/mentor-admin report` takes nothing after it; I did not understand `nowx`."
    assert "Usage: `/mentor-admin report`" in json.dumps(body)
