"""Check-in DMs, the reflection modal and slipping alerts: what people see, within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.checkin_records import (
    CheckinAnswerRecord,
    CheckinPrompt,
    ReflectionAnswers,
    ReflectionForm,
    SharedReflection,
    SlippingPair,
)
from bot.ids import ActionId, BlockId, CallbackId
from bot.views.checkins import (
    checkin_answered_message,
    checkin_message,
    checkin_value,
    contact_pair_message,
    nudge_summary_message,
    parse_reflection,
    read_checkin_value,
    read_pairing_value,
    read_reflection_metadata,
    reflection_modal,
    reflection_saved_view,
    reminder_message,
    shared_reflection_message,
    slipping_alert_message,
    slipping_nudge_message,
)
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.fakes.slack_requests import (
    checkboxes_value,
    plain_text_value,
    static_select_value,
    unchanged_values,
)

ALICE, BOB, ADMIN = "U0ALICE01", "U0BOB0001", "U0ADMIN01"
EVIL = "<!channel> R&D <@U0EVE0001>"
HUGE_NAME = ("<!here> & " * 26)[:255]
LONGEST_USER = "U" + "Z" * 30
PROMPT = CheckinPrompt(
    pairing_id=12,
    period=2,
    periods=6,
    user_id=ALICE,
    partner_user_id=BOB,
    since=date(2026, 6, 9),
    cohort_name="Spring 2026",
)
FIELD = ActionId.REFLECTION_FIELD
LEARNED, WILL_TRY = str(BlockId.REFLECTION_LEARNED), str(BlockId.REFLECTION_WILL_TRY)
RATING, SHARE = str(BlockId.REFLECTION_RATING), str(BlockId.REFLECTION_SHARE)
CHECKIN_ACTIONS = [ActionId.CHECKIN_MET, ActionId.CHECKIN_NOT_YET, ActionId.CHECKIN_PAUSE]


def buttons(body):
    return [
        element for block in body["blocks"] if block["type"] == "actions" for element in block["elements"]
    ]


def shown(body) -> str:
    """Every text a person can see (mrkdwn and plain_text), one per line."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body.get("blocks", []))
    walk({key: value for key, value in body.items() if key != "blocks"})
    return "\n".join(found)


def answered(answer, *, reminder_on=None, prompt=PROMPT):
    return CheckinAnswerRecord(
        prompt=prompt,
        answer=answer,
        answered_at=datetime(2026, 6, 16, 8, tzinfo=UTC),
        reminder_on=reminder_on,
    )


def form(*, role="employee", period=2, cohort_name="Spring 2026", partner=BOB):
    return ReflectionForm(
        pairing_id=12, period=period, role=role, partner_user_id=partner, cohort_name=cohort_name
    )


def input_block(view, block_id):
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def reflection_values(*, learned="How to prompt an assistant.", will_try=None, rating="4", share=(), drop=()):
    """`state.values` exactly as Slack sends them for the reflection modal."""
    values = {
        LEARNED: {FIELD: plain_text_value(learned)},
        WILL_TRY: {FIELD: plain_text_value(will_try)},
        RATING: {FIELD: static_select_value(rating)},
        SHARE: {FIELD: checkboxes_value(list(share))},
    }
    return {block_id: value for block_id, value in values.items() if block_id not in drop}


# ---- button values ------------------------------------------------------------------------

user_ids = st.from_regex(r"[UW][A-Z0-9]{2,30}", fullmatch=True)
database_ids = st.integers(min_value=1, max_value=2**31 - 1)


@given(pairing_id=database_ids, period=database_ids, user_id=user_ids)
def test_checkin_value_round_trips(pairing_id, period, user_id):
    value = checkin_value(pairing_id=pairing_id, period=period, user_id=user_id)
    assert len(value) <= 150
    assert read_checkin_value(value) == (pairing_id, period, user_id)


@pytest.mark.parametrize(
    "value",
    [
        None,
        12,
        ["12", "2", ALICE],
        "",
        "12:2",
        f"12:2:{ALICE}:extra",
        f"0:2:{ALICE}",
        f"12:0:{ALICE}",
        f"-12:2:{ALICE}",
        f"+12:2:{ALICE}",
        f"012:2:{ALICE}",
        f" 12:2:{ALICE}",
        f"{2**31}:2:{ALICE}",
        f"12:{2**31}:{ALICE}",
        f"１２:2:{ALICE}",
        "12:2:u0alice01",
        "12:2:C0CHANNEL",
        "12:2:U0",
        f"12:2:U{'A' * 31}",
        f"12:2:{ALICE}\n",
        "12:2:<@U0ALICE01>",
    ],
)
def test_malformed_checkin_values_are_refused(value):
    assert read_checkin_value(value) is None


@given(st.text())
def test_any_text_as_checkin_value_is_refused_or_read_back_exactly(text):
    read = read_checkin_value(text)
    if read is not None:
        pairing_id, period, user_id = read
        assert checkin_value(pairing_id=pairing_id, period=period, user_id=user_id) == text


@pytest.mark.parametrize("value", [None, 12, "", "0", "-3", "+3", "03", "3 ", "1e3", str(2**31), "３"])
def test_malformed_pairing_values_are_refused(value):
    assert read_pairing_value(value) is None


@given(st.one_of(st.text(), st.integers(), st.none(), st.binary()))
def test_pairing_value_never_raises_and_accepts_only_our_own(value):
    read = read_pairing_value(value)
    assert read is None or str(read) == value


def test_pairing_value_reads_back_the_alert_buttons():
    alert = slipping_alert_message(
        SlippingPair(
            pairing_id=2**31 - 1,
            employee_user_id=ALICE,
            executive_user_id=BOB,
            cohort_name="Spring",
            missed_periods=(3, 4),
        )
    )
    assert [read_pairing_value(element["value"]) for element in buttons(alert)] == [2**31 - 1] * 2


# ---- check-ins ----------------------------------------------------------------------------


def test_checkin_asks_about_the_partner_since_the_date_with_three_buttons():
    body = checkin_message(PROMPT)
    assert_valid_message(body)
    assert body["text"] == f"Did you meet with <@{BOB}> since Tuesday 9 June?"
    assert f"<@{BOB}> since Tuesday 9 June?" in body["blocks"][0]["text"]["text"]
    assert "Check-in 2 of 6 · Spring 2026" in shown(body)
    assert "2-week break" in shown(body)
    elements = buttons(body)
    assert [element["text"]["text"] for element in elements] == ["We met", "Not yet", "Pause"]
    assert [element["action_id"] for element in elements] == CHECKIN_ACTIONS
    assert {element["value"] for element in elements} == {f"12:2:{ALICE}"}
    assert [element.get("style") for element in elements] == ["primary", None, None]


def test_reminder_asks_again_differently_with_the_same_buttons():
    first, reminder = checkin_message(PROMPT), reminder_message(PROMPT)
    assert_valid_message(reminder)
    assert reminder["text"] != first["text"]
    assert reminder["blocks"][0] != first["blocks"][0]
    assert reminder["text"].startswith(f"A gentle nudge: did you manage to meet <@{BOB}>")
    assert buttons(reminder) == buttons(first)


@pytest.mark.parametrize(
    ("answer", "words", "others"),
    [
        (
            "met",
            ["We met", "Thank you", "/mentor reflect"],
            [ActionId.CHECKIN_NOT_YET, ActionId.CHECKIN_PAUSE],
        ),
        (
            "not_yet",
            ["Not yet", "remind you on Friday 12 June", "30-minute", "two times", "walk"],
            [ActionId.CHECKIN_MET, ActionId.CHECKIN_PAUSE],
        ),
        ("pause", ["Paused for 2 weeks", "/mentor resume"], [ActionId.CHECKIN_MET, ActionId.CHECKIN_NOT_YET]),
    ],
)
def test_answered_checkin_shows_the_answer_and_only_the_other_two_options(answer, words, others):
    body = checkin_answered_message(answered(answer, reminder_on=date(2026, 6, 12)))
    assert_valid_message(body)
    for word in words:
        assert word in body["blocks"][0]["text"]["text"]
        assert word in body["text"]
    elements = buttons(body)
    assert [element["action_id"] for element in elements] == others
    assert all(element["text"]["text"].startswith("Change to: ") for element in elements)
    assert {element["value"] for element in elements} == {f"12:2:{ALICE}"}


def test_not_yet_without_a_reminder_day_still_promises_one():
    body = checkin_answered_message(answered("not_yet"))
    assert "remind you in a few days" in body["text"]


# ---- the reflection modal -----------------------------------------------------------------


def test_reflection_modal_has_the_four_inputs_and_says_who_sees_what():
    view = reflection_modal(form())
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.REFLECTION_MODAL
    assert view["submit"]["text"] == "Save"
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["block_id"] for block in inputs] == [LEARNED, WILL_TRY, RATING, SHARE]
    assert {block["element"]["action_id"] for block in inputs} == {FIELD}
    learned, will_try, rating, share = (block for block in inputs)
    assert learned["optional"] is False
    assert learned["element"] | {"placeholder": None} == {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": 3000,
        "action_id": FIELD,
        "placeholder": None,
    }
    assert will_try["optional"] is True
    assert will_try["element"]["multiline"] is True
    assert will_try["element"]["max_length"] == 1000
    assert rating["optional"] is False
    assert sorted(option["value"] for option in rating["element"]["options"]) == ["1", "2", "3", "4", "5"]
    assert "5 – Excellent" in [option["text"]["text"] for option in rating["element"]["options"]]
    assert share["optional"] is True
    assert share["element"]["type"] == "checkboxes"
    assert share["element"]["options"][0]["text"]["text"] == "Share this with my partner"
    privacy = shown(view)
    assert "only you see them" in privacy
    assert "Program admins never see what you write" in privacy


def test_reflection_question_is_worded_for_the_learner_and_the_mentor():
    executive = input_block(reflection_modal(form(role="executive")), LEARNED)["label"]["text"]
    employee = input_block(reflection_modal(form(role="employee")), LEARNED)["label"]["text"]
    assert executive == "What did you learn from your partner?"
    assert employee == "What did you teach, and what did you learn?"


@pytest.mark.parametrize("period", [2, None])
def test_reflection_metadata_round_trips(period):
    view = reflection_modal(form(period=period))
    assert read_reflection_metadata(view["private_metadata"]) == (12, period)


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        12,
        "",
        "not json",
        "[]",
        "null",
        '{"period": 2}',
        '{"pairing_id": "12", "period": 2}',
        '{"pairing_id": 0, "period": 2}',
        '{"pairing_id": true, "period": 2}',
        '{"pairing_id": 12.0, "period": 2}',
        f'{{"pairing_id": {2**31}, "period": 2}}',
        '{"pairing_id": 12, "period": 0}',
        '{"pairing_id": 12, "period": "2"}',
        '{"pairing_id": 12, "period": false}',
        "[" * 2999,
        "1" * 5000,
    ],
)
def test_malformed_reflection_metadata_is_refused(metadata):
    assert read_reflection_metadata(metadata) is None


@given(st.one_of(st.text(), st.none(), st.integers()))
def test_reflection_metadata_never_raises(metadata):
    read_reflection_metadata(metadata)


def test_a_filled_in_reflection_is_read_cleanly():
    answers = parse_reflection(
        reflection_values(
            learned="  How she uses\r\nAI tools.\u202e \n",
            will_try=" Draft with an assistant. ",
            rating="5",
            share=["share"],
        )
    )
    assert answers == ReflectionAnswers(
        learned="How she uses\nAI tools.", will_try="Draft with an assistant.", rating=5, share=True
    )


def test_optional_answers_left_empty_mean_no_text_and_not_shared():
    answers = parse_reflection(reflection_values(will_try="  ", rating="1", share=()))
    assert answers == ReflectionAnswers(
        learned="How to prompt an assistant.", will_try=None, rating=1, share=False
    )
    assert parse_reflection(reflection_values(drop=(WILL_TRY, SHARE))) == ReflectionAnswers(
        learned="How to prompt an assistant.", will_try=None, rating=4, share=False
    )


def test_an_untouched_modal_asks_for_the_text_and_the_rating():
    errors = parse_reflection(unchanged_values(reflection_modal(form())))
    assert set(errors) == {LEARNED, RATING}


@pytest.mark.parametrize(
    ("overrides", "block_id"),
    [
        ({"learned": None}, LEARNED),
        ({"learned": " \n\t "}, LEARNED),
        ({"learned": "x" * 3001}, LEARNED),
        ({"will_try": "y" * 1001}, WILL_TRY),
        ({"rating": None}, RATING),
        ({"rating": "0"}, RATING),
        ({"rating": "6"}, RATING),
        ({"rating": "4.0"}, RATING),
        ({"rating": " 4"}, RATING),
        ({"share": ["share", "everyone"]}, SHARE),
        ({"drop": (LEARNED,)}, LEARNED),
        ({"drop": (RATING,)}, RATING),
    ],
)
def test_each_wrong_answer_is_reported_next_to_its_input(overrides, block_id):
    errors = parse_reflection(reflection_values(**overrides))
    assert isinstance(errors, dict)
    assert list(errors) == [block_id]
    assert errors[block_id]


def test_the_longest_allowed_texts_are_accepted():
    answers = parse_reflection(reflection_values(learned="x" * 3000, will_try="y" * 1000))
    assert isinstance(answers, ReflectionAnswers)
    assert len(answers.learned) == 3000
    assert answers.will_try == "y" * 1000


@pytest.mark.parametrize(
    "values",
    [
        None,
        [],
        "values",
        {},
        {LEARNED: "text"},
        {LEARNED: {FIELD: []}},
        {LEARNED: {FIELD: {"value": 42}}},
        {RATING: {FIELD: {"selected_option": "5"}}},
        {RATING: {FIELD: {"selected_option": {"value": 5}}}},
        {SHARE: {FIELD: {"selected_options": "share"}}},
        {SHARE: {FIELD: {"selected_options": [None, 5]}}},
    ],
)
def test_malformed_payloads_are_errors_not_crashes(values):
    errors = parse_reflection(values)
    assert isinstance(errors, dict)
    assert LEARNED in errors


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.dictionaries(
        st.sampled_from([LEARNED, WILL_TRY, RATING, SHARE, "other"]),
        st.dictionaries(st.sampled_from([str(FIELD), "other"]), json_values, max_size=2),
    )
)
def test_any_payload_is_read_without_raising(values):
    result = parse_reflection(values)
    assert isinstance(result, ReflectionAnswers | dict)


def test_saved_view_says_whether_the_partner_sees_it():
    shared = reflection_saved_view(shared=True, partner_user_id=BOB)
    private = reflection_saved_view(shared=False, partner_user_id=BOB)
    for view in (shared, private):
        assert_valid_view(view)
        assert view["callback_id"] == CallbackId.REFLECTION_NOTICE_MODAL
        assert "`/mentor reflect` adds another" in shown(view)
    assert f"shared it with <@{BOB}>" in shown(shared)
    assert f"<@{BOB}>" not in shown(private)
    assert "only you can see it" in shown(private)


# ---- sharing ------------------------------------------------------------------------------


def test_a_shared_reflection_is_quoted_line_by_line_and_escaped():
    body = shared_reflection_message(
        SharedReflection(
            author_user_id=ALICE,
            cohort_name="Spring 2026",
            learned="Tell <!channel> about it\n& <@U0EVE0001> too",
            will_try="Use <https://evil.example|this>",
        )
    )
    assert_valid_message(body)
    text = shown(body)
    assert text.startswith(f"<@{ALICE}> shared a reflection from your mentoring conversations")
    assert "> Tell &lt;!channel&gt; about it\n> &amp; &lt;@U0EVE0001&gt; too" in text
    assert "*One thing they will try:*\n> Use &lt;https://evil.example|this&gt;" in text
    assert "<!channel>" not in json.dumps(body)
    assert "<@U0EVE0001>" not in json.dumps(body)
    assert "<https://" not in json.dumps(body)


def test_a_long_shared_reflection_is_never_cut_nor_an_escape_split():
    learned = "&" * 2000 + "\n" + "<" * 999
    body = shared_reflection_message(
        SharedReflection(author_user_id=ALICE, cohort_name=HUGE_NAME, learned=learned, will_try=">" * 1000)
    )
    assert_valid_message(body)
    sections = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    assert all(line.startswith(("> ", "*One thing")) for text in sections[1:] for line in text.split("\n"))
    quoted = "".join(sections[1:])
    assert quoted.count("&amp;") == 2000
    assert quoted.count("&lt;") == 999
    assert quoted.count("&gt;") == 1000
    assert "…" not in quoted


def test_a_shared_reflection_without_a_plan_has_no_plan_line():
    body = shared_reflection_message(
        SharedReflection(author_user_id=ALICE, cohort_name="Spring", learned="Lots.", will_try=None)
    )
    assert "One thing they will try" not in shown(body)


# ---- slipping pairs -----------------------------------------------------------------------


def test_slipping_alert_names_the_pair_and_offers_contact_or_unpair_with_a_confirm():
    body = slipping_alert_message(
        SlippingPair(
            pairing_id=12,
            employee_user_id=ALICE,
            executive_user_id=BOB,
            cohort_name=EVIL,
            missed_periods=(3, 4),
        )
    )
    assert_valid_message(body)
    assert f"<@{ALICE}> and <@{BOB}>" in body["text"]
    assert "2 check-ins in a row (check-ins 3 and 4)" in body["text"]
    assert "&lt;!channel&gt; R&amp;D" in body["text"]
    contact, unpair = buttons(body)
    assert (contact["action_id"], contact["value"]) == (ActionId.SLIPPING_CONTACT, "12")
    assert (unpair["action_id"], unpair["value"], unpair["style"]) == (
        ActionId.SLIPPING_UNPAIR,
        "12",
        "danger",
    )
    assert contact.get("style") != "danger"
    assert "confirm" not in contact
    assert unpair["confirm"]["confirm"]["text"] == "Unpair"
    assert unpair["confirm"]["deny"]["text"]
    assert "reflect" not in json.dumps(body).lower()


def test_slipping_nudge_is_kind_and_offers_a_break_or_leaving_without_fault():
    body = slipping_nudge_message(partner_user_id=BOB, cohort_name=EVIL)
    assert_valid_message(body)
    text = shown(body)
    assert f"since you and <@{BOB}> last met" in text
    assert "`/mentor pause`" in text
    assert "`/mentor leave`" in text
    assert "without fault" in text
    assert "<!channel>" not in json.dumps(body)


def test_contact_message_greets_the_pair_on_behalf_of_the_admin():
    body = contact_pair_message(
        admin_user_id=ADMIN, employee_user_id=ALICE, executive_user_id=BOB, cohort_name=EVIL
    )
    assert_valid_message(body)
    text = shown(body)
    assert f"<@{ALICE}> and <@{BOB}>" in text
    assert f"<@{ADMIN}>" in text
    assert "check in on how things are going" in text
    assert "Nothing is wrong" in text
    assert "<!channel>" not in json.dumps(body)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            {"period": 3, "sent": 4, "answered": 2},
            "Sent check-in 3 of *Spring* now to 4 people who had not answered; 2 have already answered.",
        ),
        (
            {"period": 3, "sent": 1, "answered": 1},
            "Sent check-in 3 of *Spring* now to 1 person who had not answered; 1 has already answered.",
        ),
        ({"period": 3, "sent": 0, "answered": 5}, "all 5 people due have already answered"),
        ({"period": 3, "sent": 0, "answered": 0}, "no one to nudge"),
        (
            {"period": None, "sent": 0, "answered": 0, "first_checkin_on": date(2026, 6, 16)},
            "No check-in is due yet in *Spring*: the first one is on Tuesday 16 June.",
        ),
        ({"period": None, "sent": 0, "answered": 0}, "No check-in is due in *Spring* right now."),
    ],
)
def test_nudge_summary_says_what_was_sent(arguments, expected):
    body = nudge_summary_message(cohort_name="Spring", **arguments)
    assert_valid_message(body)
    assert expected in body["text"]


# ---- limits -------------------------------------------------------------------------------

HUGE_PROMPT = CheckinPrompt(
    pairing_id=2**31 - 1,
    period=2**31 - 1,
    periods=2**31 - 1,
    user_id=LONGEST_USER,
    partner_user_id=LONGEST_USER,
    since=date(2026, 9, 30),
    cohort_name=HUGE_NAME,
)
HUGE_MESSAGES = {
    "checkin": lambda: checkin_message(HUGE_PROMPT),
    "reminder": lambda: reminder_message(HUGE_PROMPT),
    **{
        f"answered {answer}": (
            lambda answer=answer: checkin_answered_message(
                answered(answer, prompt=HUGE_PROMPT, reminder_on=date(2026, 9, 30))
            )
        )
        for answer in ("met", "not_yet", "pause", "unknown")
    },
    "shared": lambda: shared_reflection_message(
        SharedReflection(
            author_user_id=LONGEST_USER,
            cohort_name=HUGE_NAME,
            learned=("<&>\n" * 2000)[:3000],
            will_try="&" * 1000,
        )
    ),
    "shared beyond the limits": lambda: shared_reflection_message(
        SharedReflection(
            author_user_id=LONGEST_USER, cohort_name=HUGE_NAME, learned="&" * 50_000, will_try="\n" * 50_000
        )
    ),
    "slipping": lambda: slipping_alert_message(
        SlippingPair(
            pairing_id=2**31 - 1,
            employee_user_id=LONGEST_USER,
            executive_user_id=LONGEST_USER,
            cohort_name=HUGE_NAME,
            missed_periods=tuple(range(1, 500)),
        )
    ),
    "nudge": lambda: slipping_nudge_message(partner_user_id=LONGEST_USER, cohort_name=HUGE_NAME),
    "contact": lambda: contact_pair_message(
        admin_user_id=LONGEST_USER,
        employee_user_id=LONGEST_USER,
        executive_user_id=LONGEST_USER,
        cohort_name=HUGE_NAME,
    ),
    "summary": lambda: nudge_summary_message(
        period=2**31 - 1, sent=10**9, answered=10**9, cohort_name=HUGE_NAME
    ),
}


@pytest.mark.parametrize("build", HUGE_MESSAGES.values(), ids=HUGE_MESSAGES.keys())
def test_every_message_stays_valid_with_the_longest_inputs(build):
    body = build()
    assert_valid_message(body)
    assert "<!here>" not in json.dumps(body)


@pytest.mark.parametrize("role", ["employee", "executive"])
@pytest.mark.parametrize("period", [2**31 - 1, None])
def test_every_view_stays_valid_with_the_longest_inputs(role, period):
    view = reflection_modal(form(role=role, period=period, cohort_name=HUGE_NAME, partner=LONGEST_USER))
    assert_valid_view(view)
    assert "<!here>" not in json.dumps(view)
    assert_valid_view(reflection_saved_view(shared=True, partner_user_id=LONGEST_USER))
