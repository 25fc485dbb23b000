"""The audit log reads as one plain line per admin action, safely escaped, within Block Kit limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.audit_log import MAX_PAGE, AuditEntry, AuditPage, cohort_id_of, parse_page
from bot.views.audit import audit_event_line, audit_log_message, audit_usage_message, when_token
from tests.blockkit import assert_valid_message

AT = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
ADMIN = "U0ADMIN01"
NAMES = {7: "Spring 2026"}


def entry(
    action: str, details: dict | None = None, *, target: str | None = "cohort:7", **overrides
) -> AuditEntry:
    values = {
        "id": 1,
        "at": AT,
        "actor_user_id": ADMIN,
        "action": action,
        "target": target,
        "details": details or {},
    }
    return AuditEntry(**(values | overrides))


def line(action: str, details: dict | None = None, **overrides) -> str:
    return audit_event_line(entry(action, details, **overrides), cohort_names=NAMES)


def test_a_line_says_when_in_the_readers_zone_and_who():
    text = line("cohort.state", {"from": "draft", "to": "enrolling"})
    epoch = int(AT.timestamp())
    assert text.startswith(
        f"<!date^{epoch}^{{date_short_pretty}} {{time}}|2026-03-02 09:05 UTC> · <@{ADMIN}> "
    )
    assert text.endswith("moved cohort *Spring 2026* from draft to enrolling")


def test_naive_times_are_taken_as_utc():
    assert when_token(AT.replace(tzinfo=None)) == when_token(AT)


@pytest.mark.parametrize(
    ("action", "details", "target", "words"),
    [
        (
            "cohort.create",
            {"name": "Spring 2026", "start_date": "2026-03-02", "weeks": 12, "cadence_weeks": 2},
            "cohort:7",
            "created cohort *Spring 2026*: starts Mon 2 Mar 2026, lasts 12 weeks, pairs meet every 2 weeks",
        ),
        (
            "cohort.update",
            {
                "changes": {
                    "weeks": {"from": 12, "to": 10},
                    "checkin_hour": {"from": 10, "to": 14},
                    "checkin_weekday": {"from": 1, "to": 3},
                    "allow_same_department": {"from": False, "to": True},
                }
            },
            "cohort:7",
            "changed cohort *Spring 2026*: length 12 weeks → 10 weeks; check-in hour 10:00 → 14:00; "
            "check-in day Tuesday → Thursday; same-department pairs not allowed → allowed",
        ),
        (
            "cohort.invite",
            {"user_ids": ["U0EXEC0001", "U0EXEC0002"]},
            "cohort:7",
            "invited 2 executives to *Spring 2026*: <@U0EXEC0001>, <@U0EXEC0002>",
        ),
        (
            "cohort.announce",
            {"channel_id": "C0GENERAL1", "ts": "1.2"},
            "cohort:7",
            "announced enrolment in *Spring 2026* in <#C0GENERAL1>",
        ),
        (
            "cohort.close",
            {"pairings_ended": 4, "messages_cancelled": 1, "surveys_queued": 8, "participants": 9},
            "cohort:7",
            "closed cohort *Spring 2026*: 4 pairings ended, 8 closing surveys queued, "
            "1 scheduled message cancelled",
        ),
        (
            "skill.add",
            {"name": "Prompt craft", "offered_by": "employee"},
            "prompt-craft",
            "added skill *Prompt craft* (`prompt-craft`), shared by employees",
        ),
        (
            "skill.rename",
            {"from": "AI tools", "to": "AI & new tools"},
            "ai-tools",
            "renamed skill `ai-tools` from *AI tools* to *AI &amp; new tools*",
        ),
        (
            "skill.retire",
            {"name": "Fax", "answers_keeping_it": 3},
            "fax",
            "retired skill *Fax* (`fax`); 3 answers already given keep it",
        ),
        ("skill.restore", {"name": "Fax"}, "fax", "restored skill *Fax* (`fax`)"),
        (
            "matching.preview",
            {"run_id": 3, "pairs": 5, "unmatched": 1},
            "cohort:7",
            "previewed matching for *Spring 2026*: 5 pairs, 1 unmatched",
        ),
        (
            "matching.confirm",
            {"run_id": 3, "pairs": 5, "intros": 5, "unmatched_told": 1},
            "cohort:7",
            "confirmed matching for *Spring 2026*: 5 pairs made live, 5 intros sent, 1 unmatched person told",
        ),
        (
            "pairing.unpair",
            {"user_id": "U0EMPL001", "partners": ["U0EXEC0001"], "live": True},
            "cohort:7",
            "unpaired <@U0EMPL001> from <@U0EXEC0001> in *Spring 2026* (live)",
        ),
        (
            "checkin.nudge",
            {"period": 3, "sent": 4, "answered": 6},
            "cohort:7",
            "nudged check-in 3 of *Spring 2026*: 4 people nudged, 6 already answered",
        ),
    ],
)
def test_each_recorded_action_reads_in_plain_words(action, details, target, words):
    text = line(action, details, target=target)
    assert text.endswith(f"<@{ADMIN}> {words}")
    assert "{" not in text.split("|", 1)[1], "no raw JSON"


def test_a_pair_made_against_the_rules_says_which_rules_with_mentions_kept():
    text = line(
        "pairing.pair",
        {
            "pairing_id": 9,
            "employee": "U0EMPL001",
            "executive": "U0EXEC0001",
            "live": False,
            "overridden": [
                "both are in the same department (R&amp;D)",
                "<@U0EXEC0001> is taking a break (paused)",
            ],
            "displaced": ["U0EMPL002"],
        },
    )
    assert "paired <@U0EMPL001> with <@U0EXEC0001> in *Spring 2026* (in the preview)" in text
    assert (
        "overriding a rule: both are in the same department (R&amp;D); <@U0EXEC0001> is taking a break"
        in text
    )
    assert "&amp;amp;" not in text, "recorded rules are not escaped twice"
    assert "freed <@U0EMPL002> from the preview" in text


def test_unknown_actions_show_their_name_and_key_details_without_json():
    text = line("pairing.swap", {"user_id": "U0EMPL001", "count": 2, "nested": {"a": 1}, "why": "<!here>"})
    assert "did `pairing.swap` for *Spring 2026*" in text
    assert "user id <@U0EMPL001>" in text
    assert "count 2" in text
    assert "nested 1 value" in text
    assert "&lt;!here&gt;" in text
    assert "<!here>" not in text
    assert '{"' not in text


def test_exports_say_what_was_exported_whatever_their_kind():
    text = line("export.program", {"pairs": 5, "periods": 6, "file_name": "spring-2026.csv"})
    assert text.endswith("exported the program CSV of *Spring 2026*: 5 pairs, 6 periods (`spring-2026.csv`)")
    other = line("export.skills", {"rows": 12})
    assert other.endswith("ran the skills export for *Spring 2026* (rows 12)")
    assert line("export.pairs_csv", {}, target=None).endswith("ran the pairs csv export")


def test_stored_strings_never_ping_link_or_format():
    sneaky = "<!channel> <https://evil.example|click> & *bold*\nnext line"
    text = line("skill.add", {"name": sneaky, "offered_by": "executive"}, target="x<y>")
    for raw in ("<!channel>", "<https", "\n"):
        assert raw not in text
    assert "&lt;!channel&gt;" in text
    assert "(`x&lt;y&gt;`)" in text
    assert text.endswith("shared by executives")


def test_erased_people_and_odd_values_are_not_shown_as_mentions():
    text = line("pairing.unpair", {"user_id": "anon-1f2e", "partners": ["WEEKLY"], "live": True})
    assert "unpaired a former participant from WEEKLY" in text
    assert "<@anon" not in text
    assert "<@WEEKLY>" not in text


def test_a_cohort_that_is_gone_is_named_by_its_id():
    assert line("matching.preview", {"pairs": 1, "unmatched": 0}, target="cohort:99").endswith(
        "previewed matching for cohort 99: 1 pair, 0 unmatched"
    )


def test_long_lists_and_many_changes_are_cut_with_how_many_more():
    invited = [f"U0EXEC{i:04d}" for i in range(30)]
    text = line("cohort.invite", {"user_ids": invited})
    assert text.count("<@U0EXEC") == 10
    assert text.endswith("and 20 more")
    changes = {f"field_{i}": {"from": i, "to": i + 1} for i in range(9)}
    assert line("cohort.update", {"changes": changes}).endswith("; and 5 more settings")


def test_details_of_the_wrong_shape_still_read():
    for action in ("cohort.update", "cohort.invite", "pairing.pair", "checkin.nudge", "cohort.close"):
        text = line(action, {"changes": "oops", "user_ids": "U0X1", "overridden": 3, "period": "two"})
        assert f"<@{ADMIN}> " in text


def page(entries: list[AuditEntry], *, number: int = 1, has_more: bool = False) -> AuditPage:
    return AuditPage(page=number, page_size=25, entries=tuple(entries), has_more=has_more, cohort_names=NAMES)


def texts(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def test_a_page_lists_events_newest_first_and_says_how_to_see_older_ones():
    events = [entry("checkin.nudge", {"period": 2, "sent": i, "answered": 0}, id=i) for i in range(25, 0, -1)]
    body = audit_log_message(page(events, has_more=True))
    assert_valid_message(body)
    sections = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    assert sections.count("\n") == 24
    assert sections.index("25 people nudged") < sections.index("24 people nudged")
    assert "Actions 1–25, newest first. `/mentor-admin audit 2` shows older ones." in texts(body)
    assert body["text"] == "Audit log, page 1: 25 admin actions, newest first."


def test_the_last_page_says_it_is_the_oldest():
    body = audit_log_message(page([entry("skill.restore", {"name": "Fax"}, target="fax")], number=3))
    assert_valid_message(body)
    assert "Audit log, page 3" in texts(body)
    assert "Actions 51–51, newest first; that is the oldest recorded." in texts(body)


def test_an_empty_log_and_a_page_past_its_end_say_so():
    assert "No admin actions are recorded yet." in texts(audit_log_message(page([])))
    past = audit_log_message(page([], number=4))
    assert_valid_message(past)
    assert "Page 4 is past the end of the audit log" in past["text"]


@pytest.mark.parametrize("character", ["x", "&", "<"])
def test_25_huge_events_stay_within_block_kit_limits(character):
    huge = character * 5000
    events = [
        entry(
            "pairing.pair",
            {
                "employee": "U0EMPL001",
                "executive": "U0EXEC0001",
                "overridden": [huge] * 10,
                "displaced": [f"U0E{i:05d}" for i in range(100)],
            },
            at=AT - timedelta(minutes=i),
        )
        for i in range(12)
    ] + [
        entry(
            "cohort.update",
            {"changes": {f"{huge}{i}": {"from": huge, "to": huge} for i in range(9)}},
            target=huge,
        )
        for _ in range(13)
    ]
    body = audit_log_message(page(events, has_more=True))
    assert_valid_message(body)
    for block in body["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
            assert not block["text"]["text"].endswith("…"), "lines are packed whole, never cut by the section"


@pytest.mark.parametrize(
    ("args", "expected"),
    [((), 1), (("1",), 1), (("2",), 2), (("10000",), 10000)],
)
def test_pages_are_whole_numbers_from_one(args, expected):
    assert parse_page(args) == expected


@pytest.mark.parametrize(
    "args", [("0",), ("-1",), ("two",), ("1", "2"), ("10001",), ("1.5",), ("²",), ("9" * 40,)]
)
def test_anything_else_is_not_a_page(args):
    assert parse_page(args) is None


def test_the_usage_answer_says_what_was_wrong():
    body = audit_usage_message(words=("`<!here>`", "x"))
    assert_valid_message(body)
    assert (
        body["text"]
        == f"`/mentor-admin audit` takes a page number from 1 to {MAX_PAGE}; I did not understand `!here x`."
    )
    assert "Usage: `/mentor-admin audit [page]`" in texts(body)


def test_cohort_targets_are_read_back():
    assert cohort_id_of("cohort:12") == 12
    assert cohort_id_of("ai-tools") is None
    assert cohort_id_of(None) is None
