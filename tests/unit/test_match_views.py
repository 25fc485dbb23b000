"""The matching preview, its CSV file and the override answers: what the admin sees, inside Slack's limits."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ids import ActionId
from bot.match_records import (
    MatchConfirmation,
    MatchPreview,
    PairCheck,
    PairLine,
    PairOutcome,
    Staleness,
    UnmatchedLine,
    UnpairOutcome,
)
from bot.views.matching import (
    CSV_HEADER,
    PREVIEW_PAIR_LIMIT,
    PREVIEW_UNMATCHED_LIMIT,
    button_value,
    match_confirmed_message,
    match_preview_csv,
    match_preview_message,
    pair_check_message,
    pair_outcome_message,
    preview_file_name,
    preview_is_truncated,
    read_button_value,
    read_pair_anyway_value,
    stale_preview_message,
    unpair_outcome_message,
)
from tests.blockkit import assert_valid_message

COMPUTED_AT = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
LONG = "Ünïcode & <friends> " * 30


def pair(index: int, **overrides) -> PairLine:
    fields = {
        "pairing_id": index,
        "employee_user_id": f"UEMP{index:05d}",
        "executive_user_id": f"UEXE{index:05d}",
        "employee_name": f"Employee {index}",
        "executive_name": f"Executive {index}",
        "score": 5.0,
        "employee_shares": ("AI tools", "TikTok"),
        "executive_shares": ("Strategy",),
    }
    return PairLine(**{**fields, **overrides})


def unmatched(
    index: int, *, reason: str = "no shared skill", role: str = "executive", **overrides
) -> UnmatchedLine:
    fields = {
        "user_id": f"UUNM{index:05d}",
        "name": f"Person {index}",
        "role": role,
        "reason": reason,
        "explanation": f"None of the employees shares a skill with Person {index} in either direction.",
    }
    return UnmatchedLine(**{**fields, "reason": reason, "role": role, **overrides})


def preview(**overrides) -> MatchPreview:
    fields = {
        "run_id": 12,
        "revision": 3,
        "cohort_id": 7,
        "cohort_name": "Spring 2026",
        "computed_at": COMPUTED_AT,
        "pairs": (pair(1), pair(2, manual=True), pair(3, employee_shares=(), score=1.0)),
        "live_pairs": 0,
        "unmatched": (
            unmatched(1),
            unmatched(
                2, reason="capacity full", role="employee", explanation="All taken by stronger matches."
            ),
            unmatched(3),
        ),
        "awaiting_survey": (),
        "participants": 10,
        "executives_with_wanted_skill": 0.8333,
        "average_score": 11 / 3,
    }
    return MatchPreview(**{**fields, **overrides})


def big_preview(**overrides) -> MatchPreview:
    long_skills = tuple(f"{LONG} skill {n}" for n in range(40))
    pairs = tuple(
        pair(
            n,
            employee_name=LONG,
            executive_name=LONG,
            employee_shares=long_skills,
            executive_shares=long_skills,
            manual=n % 7 == 0,
        )
        for n in range(5000)
    )
    reasons = ("no shared skill", "capacity full", "excluded by rule", "unavailable", LONG)
    people = tuple(
        unmatched(n, reason=reasons[n % len(reasons)], name=LONG, explanation=LONG * 3) for n in range(2000)
    )
    fields = {
        "cohort_name": LONG[:80],
        "pairs": pairs,
        "unmatched": people,
        "awaiting_survey": tuple(f"UAWAIT{n:04d}" for n in range(300)),
        "live_pairs": 4,
        "participants": 12000,
    }
    return preview(**{**fields, **overrides})


def buttons(body: dict) -> list[dict]:
    return [
        element for block in body["blocks"] if block["type"] == "actions" for element in block["elements"]
    ]


def button_of(body: dict, action_id: str) -> dict | None:
    return next((element for element in buttons(body) if element["action_id"] == action_id), None)


def rendered(body: dict) -> str:
    """Every text a user can read, in one string (mrkdwn as sent)."""
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body["blocks"])
    return "\n".join(texts)


def sections(body: dict) -> list[str]:
    return [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]


def assert_small_and_valid(body: dict) -> None:
    assert_valid_message(body)
    assert len(body["blocks"]) <= 50
    assert all(len(text) <= 3000 for text in sections(body))
    assert len(json.dumps(body)) < 40_000, "a preview message stays a readable size"


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# ---- the preview ----------------------------------------------------------------------------


def test_the_preview_shows_the_figures_an_admin_decides_on():
    body = match_preview_message(
        preview(live_pairs=2, awaiting_survey=("UWAIT0001", "UWAIT0002")), file_name=None
    )
    assert_small_and_valid(body)
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Matching preview: Spring 2026"},
    }
    text = rendered(body)
    assert "*New pairs:* 3" in text
    assert "*Executives matched with at least one skill they want:* 83%" in text
    assert "*Average score:* 3.7" in text
    assert "*Unmatched:* 3" in text
    assert "*Participants:* 10" in text
    assert "*Live pairs kept from an earlier round:* 2" in text
    assert "have not answered the survey:* 2 (<@UWAIT0001> and <@UWAIT0002>)" in text
    assert "2 points per skill the executive wants to learn from the employee" in text
    assert "1 per skill the employee wants to learn from the executive" in text
    assert "Nothing is live until you confirm." in text
    assert "<!date^1772460300^" in text
    assert "|2026-03-02 14:05 UTC>" in text
    assert "/mentor-admin pair @employee @executive" in text
    assert "/mentor-admin unpair @person" in text
    assert body["text"] == "Matching preview for Spring 2026: 3 pairs, 3 unmatched."


def test_no_live_pairs_and_no_one_awaiting_are_not_mentioned():
    text = rendered(match_preview_message(preview(), file_name=None))
    assert "Live pairs kept" not in text
    assert "not answered the survey" not in text


def test_awaiting_executives_are_counted_but_only_ten_are_mentioned():
    awaiting = tuple(f"UWAIT{n:04d}" for n in range(25))
    text = rendered(match_preview_message(preview(awaiting_survey=awaiting), file_name=None))
    assert "have not answered the survey:* 25 (" in text
    assert "<@UWAIT0009>" in text
    assert "<@UWAIT0010>" not in text
    assert "and 15 others" in text


def test_each_pair_reads_employee_to_executive_with_score_and_skills_in_the_right_direction():
    text = rendered(match_preview_message(preview(), file_name=None))
    assert (
        "<@UEMP00001> → <@UEXE00001> (score 5): shares AI tools, TikTok (wanted by the executive); "
        "learns Strategy" in text
    )
    assert "<@UEMP00003> → <@UEXE00003> (score 1): learns Strategy" in text
    line_of = {line.split(" → ")[0]: line for line in text.splitlines() if " → <@" in line}
    assert "paired by an admin" in line_of["• <@UEMP00002>"]
    assert "paired by an admin" not in line_of["• <@UEMP00001>"]
    assert "the employee mentors the executive" in text


def test_unmatched_people_are_grouped_by_reason_with_counts_and_explanations():
    text = rendered(match_preview_message(preview(), file_name=None))
    assert "*No shared skill*: 2 people" in text
    assert "*Capacity full*: 1 person" in text
    assert "• <@UUNM00001> (executive): None of the employees shares a skill with Person 1" in text
    assert "• <@UUNM00002> (employee): All taken by stronger matches." in text
    no_skill = text.index("*No shared skill*")
    capacity = text.index("*Capacity full*")
    assert no_skill < text.index("<@UUNM00003>") < capacity, "people sit under their reason"


def test_a_rare_reason_still_shows_someone_when_a_common_one_has_many():
    people = (*(unmatched(n) for n in range(50)), unmatched(99, reason="unavailable"))
    text = rendered(match_preview_message(preview(unmatched=people), file_name="x.csv"))
    assert "*No shared skill*: 50 people" in text
    assert "*Unavailable*: 1 person" in text
    assert "<@UUNM00099>" in text
    assert sum(1 for line in text.splitlines() if line.startswith("• <@UUNM")) == PREVIEW_UNMATCHED_LIMIT


def test_a_small_preview_is_not_truncated_and_says_nothing_about_a_file():
    small = preview()
    assert not preview_is_truncated(small)
    assert "Showing" not in rendered(match_preview_message(small, file_name="f.csv"))


def test_a_big_preview_stays_within_slacks_limits_and_points_to_the_file():
    big = big_preview()
    assert preview_is_truncated(big)
    started = time.perf_counter()
    body = match_preview_message(big, file_name="matching-preview-spring-12.csv")
    assert time.perf_counter() - started < 0.5, "only what is shown is formatted"
    assert_small_and_valid(body)
    text = rendered(body)
    assert (
        "Showing 20 of 5000 pairs and 20 of 2000 unmatched; the full list is in "
        "`matching-preview-spring-12.csv` in your DM with me." in text
    )
    assert sum(1 for line in text.splitlines() if " → <@" in line) == PREVIEW_PAIR_LIMIT
    assert sum(1 for line in text.splitlines() if line.startswith("• <@UUNM")) == PREVIEW_UNMATCHED_LIMIT
    assert "*New pairs:* 5000" in text
    assert "*Unmatched:* 2000" in text
    mrkdwn = "\n".join(sections(body))
    assert "&lt;friends&gt;" in mrkdwn
    assert "<friends>" not in mrkdwn
    assert body["text"].startswith("Matching preview for ")
    assert button_of(body, ActionId.MATCH_CONFIRM) is not None


def test_truncated_without_a_file_says_so_and_how_to_get_it():
    text = rendered(match_preview_message(big_preview(), file_name=None))
    assert "Showing 20 of 5000 pairs and 20 of 2000 unmatched" in text
    assert "could not attach the full list" in text
    assert "`/mentor-admin match` again" in text
    assert "in your DM with me" not in text


def test_truncation_counts_pairs_and_unmatched_separately():
    assert preview_is_truncated(preview(pairs=tuple(pair(n) for n in range(PREVIEW_PAIR_LIMIT + 1))))
    assert not preview_is_truncated(preview(pairs=tuple(pair(n) for n in range(PREVIEW_PAIR_LIMIT))))
    assert preview_is_truncated(
        preview(unmatched=tuple(unmatched(n) for n in range(PREVIEW_UNMATCHED_LIMIT + 1)))
    )
    assert not preview_is_truncated(
        preview(unmatched=tuple(unmatched(n) for n in range(PREVIEW_UNMATCHED_LIMIT)))
    )


def test_confirm_carries_the_run_and_revision_and_asks_before_sending_intros():
    body = match_preview_message(preview(), file_name=None)
    confirm = button_of(body, ActionId.MATCH_CONFIRM)
    rerun = button_of(body, ActionId.MATCH_RERUN)
    assert confirm is not None
    assert rerun is not None
    assert confirm["text"]["text"] == "Confirm 3 pairs"
    assert confirm["style"] == "primary"
    assert confirm["value"] == rerun["value"] == "12:3"
    assert read_button_value(confirm["value"]) == (12, 3)
    dialog = confirm["confirm"]
    assert dialog["confirm"]["text"] == "Send intros"
    assert dialog["deny"]["text"] == "Cancel"
    assert len(dialog["title"]["text"]) <= 100
    assert "3 pairs" in dialog["text"]["text"]
    assert "3 people not matched are told kindly" in dialog["text"]["text"]
    assert "confirm" not in rerun


def test_without_pairs_there_is_nothing_to_confirm_and_it_says_why():
    empty = preview(pairs=(), average_score=0.0, executives_with_wanted_skill=0.0)
    body = match_preview_message(empty, file_name=None)
    assert_small_and_valid(body)
    assert button_of(body, ActionId.MATCH_CONFIRM) is None
    assert button_of(body, ActionId.MATCH_RERUN)["value"] == "12:3"
    text = rendered(body)
    assert "Nothing to confirm: no employee and executive could be paired" in text
    assert "*New pairs:* 0" in text
    assert body["text"] == "Matching preview for Spring 2026: 0 pairs, 3 unmatched."


def test_an_empty_cohort_says_nobody_has_answered_yet():
    body = match_preview_message(preview(pairs=(), unmatched=(), participants=0), file_name=None)
    assert_small_and_valid(body)
    assert "nobody has answered the survey yet" in rendered(body)
    assert button_of(body, ActionId.MATCH_CONFIRM) is None


def test_one_pair_is_singular():
    body = match_preview_message(preview(pairs=(pair(1),), unmatched=()), file_name=None)
    assert button_of(body, ActionId.MATCH_CONFIRM)["text"]["text"] == "Confirm 1 pair"
    assert body["text"] == "Matching preview for Spring 2026: 1 pair, 0 unmatched."


def test_cohort_names_skills_and_explanations_cannot_ping_or_link():
    evil = "<!channel> & <https://evil.example|click>"
    body = match_preview_message(
        preview(
            cohort_name=evil,
            pairs=(pair(1, employee_shares=(evil,)),),
            unmatched=(unmatched(1, reason=evil, explanation=evil),),
        ),
        file_name=None,
    )
    assert_small_and_valid(body)
    mrkdwn = "\n".join(sections(body)) + body["text"]
    assert "<!channel>" not in mrkdwn
    assert "<https://" not in mrkdwn
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in mrkdwn
    assert body["text"].startswith("Matching preview for &lt;!channel&gt; &amp;")
    # The header is plain text, which Slack never turns into a mention or a link.
    assert body["blocks"][0]["text"]["type"] == "plain_text"


def test_long_escaped_text_is_never_cut_inside_an_escape():
    body = match_preview_message(
        preview(
            pairs=(pair(1, employee_shares=("&" * 500,), executive_shares=("<" * 500,)),),
            unmatched=(unmatched(1, explanation=">" * 500, reason="&" * 200),),
        ),
        file_name=None,
    )
    assert_small_and_valid(body)
    for text in sections(body):
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text


# ---- button values --------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=2**31 - 1), st.integers(min_value=0, max_value=2**31 - 1))
def test_button_values_round_trip(run_id, revision):
    assert read_button_value(button_value(run_id=run_id, revision=revision)) == (run_id, revision)


@pytest.mark.parametrize(
    "value",
    [
        None,
        12,
        b"12:3",
        ["12", "3"],
        "",
        "12",
        "12:",
        ":3",
        "12:3:4",
        "-12:3",
        "12:-3",
        "0:3",
        "12 :3",
        " 12:3",
        "12:3\n",
        "1.5:3",
        "١٢:٣",
        "²:3",
        "12:99999999999",
        "9" * 5000 + ":1",
        "abc:def",
    ],
)
def test_malformed_button_values_are_none(value):
    assert read_button_value(value) is None


@settings(max_examples=300)
@given(st.text(max_size=60) | st.integers() | st.none() | st.binary(max_size=10))
def test_any_button_value_never_raises(value):
    result = read_button_value(value)
    assert result is None or (isinstance(result, tuple) and result[0] > 0 and result[1] >= 0)


# ---- the CSV file ---------------------------------------------------------------------------


def test_the_csv_lists_every_pair_unmatched_and_awaiting_person():
    data = match_preview_csv(preview(awaiting_survey=("UWAIT0001",)))
    rows = csv_rows(data)
    assert rows[0] == list(CSV_HEADER)
    by_status = [row[0] for row in rows[1:]]
    assert by_status == [
        "pair",
        "pair (manual)",
        "pair",
        "unmatched",
        "unmatched",
        "unmatched",
        "awaiting survey",
    ]
    first = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert first["employee name"] == "Employee 1"
    assert first["employee user id"] == "UEMP00001"
    assert first["executive name"] == "Executive 1"
    assert first["executive user id"] == "UEXE00001"
    assert first["score"] == "5"
    assert first["skills the employee shares (the executive wants them)"] == "AI tools; TikTok"
    assert first["skills the executive shares (the employee wants them)"] == "Strategy"
    executive = dict(zip(CSV_HEADER, rows[4], strict=True))
    assert executive["executive name"] == "Person 1"
    assert executive["executive user id"] == "UUNM00001"
    assert executive["employee name"] == ""
    assert executive["reason"] == "no shared skill"
    assert executive["explanation"].startswith("None of the employees")
    employee = dict(zip(CSV_HEADER, rows[5], strict=True))
    assert employee["employee user id"] == "UUNM00002"
    assert employee["reason"] == "capacity full"
    awaiting = dict(zip(CSV_HEADER, rows[7], strict=True))
    assert awaiting["executive user id"] == "UWAIT0001"
    assert all(len(row) == len(CSV_HEADER) for row in rows)


def test_the_csv_neutralises_formulas_and_keeps_awkward_names_intact():
    awkward = 'Smith, "Jo"\nsecond line'
    rows = csv_rows(
        match_preview_csv(
            preview(
                pairs=(
                    pair(1, employee_name='=HYPERLINK("http://x")', executive_name=awkward),
                    pair(2, employee_name="+1", executive_name="-2", employee_shares=("@SUM(A1)", "ok")),
                ),
                unmatched=(
                    unmatched(1, name="\tTabbed", explanation="\rcarriage"),
                    unmatched(2, name="Zoë ünïcode", explanation="fine = fine"),
                ),
            )
        )
    )
    first, second, tabbed, plain = (dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:])
    assert first["employee name"] == '\'=HYPERLINK("http://x")'
    assert first["executive name"] == awkward
    assert second["employee name"] == "'+1"
    assert second["executive name"] == "'-2"
    assert second["skills the employee shares (the executive wants them)"] == "'@SUM(A1); ok"
    assert tabbed["executive name"] == "'\tTabbed"
    assert tabbed["explanation"] == "'\rcarriage"
    assert plain["executive name"] == "Zoë ünïcode"
    assert plain["explanation"] == "fine = fine"
    formula = re.compile(r"^[=+\-@\t\r]")
    assert not any(formula.match(cell) for row in rows for cell in row)


def test_a_big_csv_holds_everyone():
    big = preview(
        pairs=tuple(pair(n, executive_name=f"Exec, {n}") for n in range(5000)),
        unmatched=tuple(unmatched(n) for n in range(2000)),
        awaiting_survey=tuple(f"UAWAIT{n:04d}" for n in range(300)),
    )
    rows = csv_rows(match_preview_csv(big))
    assert len(rows) == 1 + 5000 + 2000 + 300
    assert rows[5000][3] == "Exec, 4999"
    assert [row[0] for row in rows[5001:5003]] == ["unmatched", "unmatched"]


def test_the_file_name_is_short_ascii_and_names_the_run():
    assert preview_file_name(preview()) == "matching-preview-spring-2026-12.csv"
    odd = preview_file_name(preview(cohort_name="Zoë's <Q3> cohort / ünïcode & friends " * 5, run_id=99))
    assert odd.isascii()
    assert re.fullmatch(r"matching-preview-[a-z0-9-]+-99\.csv", odd)
    assert len(odd) <= 80
    assert preview_file_name(preview(cohort_name="日本語")) == "matching-preview-cohort-12.csv"


# ---- after Confirm --------------------------------------------------------------------------


def confirmation(**overrides) -> MatchConfirmation:
    fields = {
        "cohort_id": 7,
        "cohort_name": "Spring 2026",
        "pairs": 3,
        "intros_queued": 3,
        "unmatched_told": 2,
        "cohort_activated": True,
    }
    return MatchConfirmation(**{**fields, **overrides})


def test_the_confirmation_says_what_went_live_and_has_no_buttons():
    body = match_confirmed_message(confirmation())
    assert_valid_message(body)
    assert buttons(body) == []
    assert (
        "Confirmed: 3 pairs are live. Intros are on their way (group DMs); 2 people who were not matched "
        "are told kindly. The cohort is now active." in rendered(body)
    )
    assert "Spring 2026" in rendered(body)


def test_the_confirmation_of_a_later_round_does_not_say_the_cohort_became_active():
    body = match_confirmed_message(
        confirmation(pairs=1, intros_queued=1, unmatched_told=0, cohort_activated=False)
    )
    assert_valid_message(body)
    text = rendered(body)
    assert "Confirmed: 1 pair is live. Intros are on their way (group DMs)." in text
    assert "told kindly" not in text
    assert "now active" not in text


# ---- stale previews -------------------------------------------------------------------------


def test_a_stale_preview_says_why_in_plain_words_and_offers_rerun():
    body = stale_preview_message(Staleness(changed_answers=2, joined=1), run_id=12, revision=3)
    assert_valid_message(body)
    assert "cannot be confirmed" in rendered(body)
    assert "2 people changed their answers and 1 joined since this preview" in rendered(body)
    rerun = button_of(body, ActionId.MATCH_RERUN)
    assert rerun is not None
    assert read_button_value(rerun["value"]) == (12, 3)
    assert button_of(body, ActionId.MATCH_CONFIRM) is None


@pytest.mark.parametrize(
    ("staleness", "words"),
    [
        (Staleness(superseded=True), "a newer preview replaced it"),
        (Staleness(adjusted=True), "it was changed by pair/unpair since"),
        (Staleness(rules_changed=True), "rules, capacities or live pairs changed"),
        (Staleness(left=1), "1 person left or paused since this preview"),
        (Staleness(joined=3, left=1), "3 people joined and 1 left or paused since this preview"),
        (Staleness(), "it is out of date"),
    ],
)
def test_each_staleness_reason_is_named(staleness, words):
    body = stale_preview_message(staleness, run_id=12, revision=3)
    assert_valid_message(body)
    assert words in rendered(body)
    assert button_of(body, ActionId.MATCH_RERUN) is not None


def test_an_already_confirmed_preview_offers_no_rerun():
    body = stale_preview_message(Staleness(confirmed=True, superseded=True), run_id=12, revision=3)
    assert_valid_message(body)
    assert "it was already confirmed" in rendered(body)
    assert buttons(body) == []


# ---- pair and unpair ------------------------------------------------------------------------


def test_a_pair_check_lists_the_broken_rules_and_asks_for_pair_anyway():
    check = PairCheck(
        cohort_id=7,
        employee_user_id="UEMP00001",
        executive_user_id="WEXE00001",
        violations=("both are in Sales", "partners in an earlier cohort & <b>"),
    )
    body = pair_check_message(check)
    assert_valid_message(body)
    text = rendered(body)
    assert "<@UEMP00001> with <@WEXE00001>" in text
    assert "• both are in Sales" in text
    assert "• partners in an earlier cohort &amp; &lt;b&gt;" in text
    assert "do nothing" in text
    anyway = button_of(body, ActionId.PAIR_ANYWAY)
    assert anyway is not None
    assert anyway["style"] == "danger"
    assert anyway["text"]["text"] == "Pair anyway"
    assert read_pair_anyway_value(anyway["value"]) == (7, "UEMP00001", "WEXE00001")


def test_a_pair_check_with_many_rules_stays_valid():
    check = PairCheck(
        cohort_id=7, employee_user_id="UEMP00001", executive_user_id="UEXE00001", violations=(LONG * 3,) * 40
    )
    body = pair_check_message(check)
    assert_valid_message(body)
    assert "and 30 more rules" in rendered(body)


@pytest.mark.parametrize(
    "value",
    [
        None,
        7,
        "",
        "7:UEMP1:UEXE1:x",
        "7:UEMP1",
        "0:UEMP1:UEXE1",
        "-7:UEMP1:UEXE1",
        " 7:UEMP1:UEXE1",
        "7:uemp1:UEXE1",
        "7:U1:UEXE1",
        "7:CEMP1:UEXE1",
        "7:UEMP1:UEXE1\n",
        "7:UEMP1 :UEXE1",
        "7:<@UEMP1>:UEXE1",
        "99999999999:UEMP1:UEXE1",
        "7:U" + "A" * 500 + ":UEXE1",
    ],
)
def test_malformed_pair_anyway_values_are_none(value):
    assert read_pair_anyway_value(value) is None


@settings(max_examples=300)
@given(st.text(max_size=60) | st.integers() | st.none())
def test_any_pair_anyway_value_never_raises(value):
    result = read_pair_anyway_value(value)
    assert result is None or (isinstance(result, tuple) and len(result) == 3)


def test_a_live_pair_says_its_intro_is_on_its_way_with_overrides_and_warnings():
    body = pair_outcome_message(
        PairOutcome(
            cohort_id=7,
            cohort_name="Spring 2026",
            employee_user_id="UEMP00001",
            executive_user_id="UEXE00001",
            live=True,
            overridden=("both are in Sales",),
            no_shared_skill=True,
        )
    )
    assert_valid_message(body)
    text = rendered(body)
    assert "Paired <@UEMP00001> with <@UEXE00001>." in text
    assert "Live now: their intro is on its way." in text
    assert "Rules overridden: both are in Sales." in text
    assert "share no skill" in text
    assert buttons(body) == []


def test_a_preview_pair_names_the_displaced_and_shows_the_adjusted_preview():
    adjusted = preview(revision=4)
    body = pair_outcome_message(
        PairOutcome(
            cohort_id=7,
            cohort_name="Spring 2026",
            employee_user_id="UEMP00001",
            executive_user_id="UEXE00001",
            live=False,
            displaced=("UEMP00009",),
            preview=adjusted,
        ),
        file_name=None,
    )
    assert_small_and_valid(body)
    text = rendered(body)
    assert "Added to the preview; it goes live when you confirm." in text
    assert "<@UEMP00009> lost their proposed partner; Re-run to find them another" in text
    assert "share no skill" not in text
    assert "Matching preview: Spring 2026" in text
    assert read_button_value(button_of(body, ActionId.MATCH_CONFIRM)["value"]) == (12, 4)
    assert body["blocks"][0]["type"] == "section", "what the command did comes first"


def test_override_answers_with_a_big_preview_stay_under_fifty_blocks():
    big = big_preview()
    paired = pair_outcome_message(
        PairOutcome(
            cohort_id=7,
            cohort_name=big.cohort_name,
            employee_user_id="UEMP00001",
            executive_user_id="UEXE00001",
            live=False,
            overridden=(LONG,) * 20,
            displaced=tuple(f"UDISP{n:04d}" for n in range(30)),
            preview=big,
        ),
        file_name="matching-preview-x-12.csv",
    )
    unpaired = unpair_outcome_message(
        UnpairOutcome(
            cohort_id=7,
            cohort_name=big.cohort_name,
            user_id="UEMP00001",
            partner_user_ids=("UEXE00001",),
            live=False,
            preview=big,
        ),
        file_name="matching-preview-x-12.csv",
    )
    for body in (paired, unpaired):
        assert_small_and_valid(body)
        assert "`matching-preview-x-12.csv`" in rendered(body)
        assert button_of(body, ActionId.MATCH_CONFIRM) is not None
        assert body["blocks"][-1]["type"] == "actions", "the buttons are never cut off"


def test_a_live_unpair_says_both_were_told():
    body = unpair_outcome_message(
        UnpairOutcome(
            cohort_id=7,
            cohort_name="Spring 2026",
            user_id="UEMP00001",
            partner_user_ids=("UEXE00001",),
            live=True,
        )
    )
    assert_valid_message(body)
    assert "Ended <@UEMP00001>'s pairing with <@UEXE00001>; both were told kindly." in rendered(body)
    assert buttons(body) == []


def test_a_preview_unpair_says_they_will_not_be_paired_again_and_shows_the_preview():
    body = unpair_outcome_message(
        UnpairOutcome(
            cohort_id=7,
            cohort_name="Spring 2026",
            user_id="UEMP00001",
            partner_user_ids=("UEXE00001",),
            live=False,
            preview=preview(revision=5),
        )
    )
    assert_small_and_valid(body)
    text = rendered(body)
    assert "Removed <@UEMP00001>'s proposed pair from the preview." in text
    assert "will not be paired together again in this cohort" in text
    assert read_button_value(button_of(body, ActionId.MATCH_RERUN)["value"]) == (12, 5)
