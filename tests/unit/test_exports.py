"""The export files and answers as pure functions: exact CSV cells, formula guard, learning log text."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.exports import (
    ERASED_NAME,
    LearningLog,
    LearningLogResult,
    LogCheckin,
    LogReflection,
    MemberFigures,
    PairingFigures,
    ProgramExport,
    ProgramExportResult,
    csv_cell,
    export_usage_answer,
    learning_log_answer,
    learning_log_comment,
    learning_log_file_name,
    learning_log_markdown,
    program_csv,
    program_csv_header,
    program_export_answer,
    program_export_comment,
    program_file_name,
)


def member(name: str, user_id: str, **fields) -> MemberFigures:
    return MemberFigures(name=name, user_id=user_id, **fields)


def figures(pairing_id: int = 7, **overrides) -> PairingFigures:
    fields = {
        "pairing_id": pairing_id,
        "state": "active",
        "started_on": date(2026, 3, 2),
        "ended_on": None,
        "end_reason": None,
        "score": 3.0,
        "employee_shares": ("AI tools", "TikTok"),
        "executive_shares": ("Strategy",),
        "employee": member("Ann", "U0ANN"),
        "executive": member("Bob", "U0BOB"),
    }
    return PairingFigures(**{**fields, **overrides})


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


# ---- the admin CSV --------------------------------------------------------------------------


def test_header_has_two_answer_columns_per_period_then_ratings_and_surveys():
    header = program_csv_header(2)
    assert header[:3] == ("pair id", "employee name", "employee user id")
    assert header[12:16] == (
        "period 1 employee",
        "period 1 executive",
        "period 2 employee",
        "period 2 executive",
    )
    assert header[16:20] == (
        "employee average rating",
        "employee reflections",
        "executive average rating",
        "executive reflections",
    )
    assert header[-3:] == (
        "executive midpoint satisfaction",
        "executive closing satisfaction",
        "executive would do again",
    )
    assert len(program_csv_header(6)) == len(header) + 8


def test_csv_row_holds_exactly_the_figures():
    pairing = figures(
        state="ended",
        ended_on=date(2026, 4, 1),
        end_reason="partner left",
        score=2.5,
        employee=member(
            "Ann",
            "U0ANN",
            answers={1: "met", 2: "not_yet", 3: None},
            ratings=(4, 5, 5),
            reflections=4,
            midpoint_satisfaction=4,
            closing_satisfaction=5,
            again="yes",
        ),
        executive=member("Bob", "U0BOB", answers={1: "pause"}, midpoint_satisfaction=3, again="maybe"),
    )

    rows = rows_of(program_csv(ProgramExport(cohort_name="Spring", periods=4, pairings=(pairing,))))

    assert rows[0] == list(program_csv_header(4))
    assert rows[1] == [
        "7",
        "Ann",
        "U0ANN",
        "Bob",
        "U0BOB",
        "ended",
        "2026-03-02",
        "2026-04-01",
        "partner left",
        "2.5",
        "AI tools; TikTok",
        "Strategy",
        "met",
        "pause",
        "not yet",
        "",
        "no answer",
        "",
        "",
        "",
        "4.67",
        "4",
        "",
        "0",
        "4",
        "5",
        "yes",
        "3",
        "",
        "maybe",
    ]


def test_an_empty_program_is_just_the_header():
    rows = rows_of(program_csv(ProgramExport(cohort_name="Spring", periods=1, pairings=())))
    assert rows == [list(program_csv_header(1))]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ann = nice", "Ann = nice"),
        ("", ""),
        (None, ""),
        (4, "4"),
    ],
)
def test_csv_cell_neutralises_formulas(value, shown):
    assert csv_cell(value) == shown


def test_names_with_formulas_are_neutralised_in_the_file():
    pairing = figures(
        employee=member("=cmd|' /C calc'!A0", "U0ANN"),
        executive=member("@Bob", "U0BOB"),
        employee_shares=("+ skills",),
        end_reason="-gone",
    )
    row = rows_of(program_csv(ProgramExport(cohort_name="S", periods=1, pairings=(pairing,))))[1]
    assert row[1] == "'=cmd|' /C calc'!A0"
    assert row[3] == "'@Bob"
    assert row[8] == "'-gone"
    assert row[10] == "'+ skills"


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    )
)
def test_any_name_survives_the_round_trip(name):
    pairing = figures(employee=member(name, "U0ANN"), executive=member(f'{name}, "x"\n{name}', "U0BOB"))
    row = rows_of(program_csv(ProgramExport(cohort_name="S", periods=1, pairings=(pairing,))))[1]
    assert row[1] == csv_cell(name)
    assert row[3] == csv_cell(f'{name}, "x"\n{name}')
    assert row[2] == "U0ANN"
    assert len(row) == len(program_csv_header(1))


def test_names_with_commas_quotes_and_newlines_survive():
    tricky = 'Smith, "Bob"\nJr.'
    pairing = figures(employee=member(tricky, "U0ANN"), executive_shares=('Leadership, "people"',))
    row = rows_of(program_csv(ProgramExport(cohort_name="S", periods=1, pairings=(pairing,))))[1]
    assert row[1] == tricky
    assert row[11] == 'Leadership, "people"'


def test_the_records_have_no_field_for_free_text():
    """The admin export cannot carry reflection text or survey comments: nothing would hold them."""
    names = {
        f.name
        for record in (MemberFigures, PairingFigures, ProgramExport)
        for f in dataclasses.fields(record)
    }
    assert not names & {"learned", "will_try", "comments", "text", "goals"}


@pytest.mark.parametrize(
    ("cohort", "expected"),
    [
        ("Spring 2026", "mentoring-spring-2026-2026-06-01.csv"),
        ("Équipe & Co / Q2", "mentoring-equipe-co-q2-2026-06-01.csv"),
        ("🚀🚀", "mentoring-cohort-2026-06-01.csv"),
        ("x" * 100, f"mentoring-{'x' * 40}-2026-06-01.csv"),
    ],
)
def test_program_file_name_is_short_ascii(cohort, expected):
    assert program_file_name(cohort_name=cohort, day=date(2026, 6, 1)) == expected


def test_program_answers_say_what_happened():
    assert "no cohort" in program_export_answer(ProgramExportResult(cohort_name=None))
    assert "no confirmed pairs" in program_export_answer(ProgramExportResult(cohort_name="Spring <3"))
    assert "*Spring &lt;3*" in program_export_answer(ProgramExportResult(cohort_name="Spring <3"))
    done = ProgramExportResult(cohort_name="Spring", pairs=12, file_name="m.csv", delivered=True)
    assert program_export_answer(done) == "The export of *Spring* (12 pairs) is in your DM with me: `m.csv`."
    one = dataclasses.replace(done, pairs=1)
    assert "(1 pair)" in program_export_answer(one)
    refused = dataclasses.replace(done, delivered=False)
    assert "could not upload" in program_export_answer(refused)


def test_program_comment_says_what_the_file_holds_and_escapes_the_name():
    comment = program_export_comment(
        ProgramExport(cohort_name="<!channel>", periods=1, pairings=(figures(),))
    )
    assert "&lt;!channel&gt;" in comment
    assert "1 pair" in comment
    assert "no reflection text" in comment


# ---- the learning log -----------------------------------------------------------------------


def reflection(**overrides) -> LogReflection:
    fields = {
        "written_on": date(2026, 3, 10),
        "cohort_name": "Spring",
        "partner_name": "Bob Boss",
        "period": 1,
        "rating": 4,
        "shared": False,
        "learned": "How TikTok works",
        "will_try": "Post weekly",
    }
    return LogReflection(**{**fields, **overrides})


def checkin(**overrides) -> LogCheckin:
    fields = {
        "answered_on": date(2026, 3, 9),
        "cohort_name": "Spring",
        "period": 1,
        "partner_name": "Bob Boss",
        "answer": "met",
    }
    return LogCheckin(**{**fields, **overrides})


def test_learning_log_shows_reflections_in_full_then_checkins():
    log = LearningLog(
        name="Ann",
        exported_on=date(2026, 6, 1),
        reflections=(
            reflection(
                written_on=date(2026, 3, 24), period=2, rating=5, shared=True, learned="Second", will_try=None
            ),
            reflection(),
        ),
        checkins=(checkin(answered_on=date(2026, 3, 23), period=2, answer="not_yet"), checkin()),
    )

    text = learning_log_markdown(log)

    assert text.startswith("# Learning log of Ann\n")
    assert "Exported on 2026-06-01." in text
    assert "## Reflections (2)" in text
    assert (
        "### 2026-03-24 · Spring · with Bob Boss · period 2\n\nRating: 5/5 · Shared with your partner" in text
    )
    assert "### 2026-03-10 · Spring · with Bob Boss · period 1\n\nRating: 4/5 · Private (only you)" in text
    assert "**What I learned or taught**\n\n> How TikTok works" in text
    assert "**One thing I will try**\n\n> Post weekly" in text
    assert text.count("One thing I will try") == 1, "an empty 'will try' is left out"
    assert "## Check-ins (2)" in text
    assert "- 2026-03-23 · Spring · period 2 · with Bob Boss: Not yet" in text
    assert "- 2026-03-09 · Spring · period 1 · with Bob Boss: We met" in text
    assert text.index("2026-03-24") < text.index("2026-03-10")


def test_free_text_stays_quoted_inside_its_entry():
    text = learning_log_markdown(
        LearningLog(
            name="Ann",
            exported_on=date(2026, 6, 1),
            reflections=(reflection(learned="line one\n## Not a heading\n\nlast", rating=None),),
        )
    )
    assert "> line one\n> ## Not a heading\n>\n> last" in text
    assert "Rating: none" in text


def test_names_with_newlines_stay_on_their_line():
    text = learning_log_markdown(
        LearningLog(
            name="Ann\nSmith",
            exported_on=date(2026, 6, 1),
            checkins=(checkin(partner_name="Bob\nBoss", cohort_name="Spring\n2026"),),
        )
    )
    assert "# Learning log of Ann Smith\n" in text
    assert "· Spring 2026 · period 1 · with Bob Boss: We met" in text


def test_a_reflection_without_pairing_still_reads_well():
    text = learning_log_markdown(
        LearningLog(
            name="Ann",
            exported_on=date(2026, 6, 1),
            reflections=(reflection(cohort_name=None, partner_name=None, period=None),),
        )
    )
    assert "### 2026-03-10\n" in text
    assert "No check-in answers yet." in text


def test_empty_log_is_empty():
    assert LearningLog(name="Ann", exported_on=date(2026, 6, 1)).is_empty
    assert not LearningLog(name="Ann", exported_on=date(2026, 6, 1), checkins=(checkin(),)).is_empty


def test_learning_log_file_name_and_comment():
    assert learning_log_file_name(date(2026, 6, 1)) == "learning-log-2026-06-01.md"
    log = LearningLog(
        name="Ann", exported_on=date(2026, 6, 1), reflections=(reflection(),), checkins=(checkin(),) * 2
    )
    assert learning_log_comment(log).startswith("Your learning log: 1 reflection and 2 check-in answers.")


def test_learning_log_answers_say_what_happened():
    assert "empty so far" in learning_log_answer(LearningLogResult())
    done = LearningLogResult(
        reflections=3, checkins=1, file_name="learning-log-2026-06-01.md", delivered=True
    )
    assert learning_log_answer(done) == (
        "Your learning log (3 reflections, 1 check-in answer) is in your DM with me: "
        "`learning-log-2026-06-01.md`."
    )
    assert "could not upload" in learning_log_answer(dataclasses.replace(done, delivered=False))


def test_usage_answer_names_the_word_not_understood():
    answer = export_usage_answer(command="/mentor-admin", words=("`<@U1>`", "x"))
    assert answer.startswith("`/mentor-admin export` takes nothing after it; I did not understand `@U1`.")
    assert answer.endswith("Usage: `/mentor-admin export`")


def test_erased_name_is_not_a_formula():
    assert csv_cell(ERASED_NAME) == ERASED_NAME
