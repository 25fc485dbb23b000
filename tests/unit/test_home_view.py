"""The Home tab shows each person their state and only the buttons that fit it."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.ids import ActionId, BlockId
from bot.services.admin_status import AdminStatus, EnrolmentCounts
from bot.services.delivery import DeliveryHealth
from bot.views.home import HomeCheckin, HomeProgram, HomeReflection, HomeState, build_home_view
from bot.views.status import admin_status_message
from tests.blockkit import assert_valid_message, assert_valid_view

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COHORT_ID = 42


def home(**overrides) -> HomeState:
    values = {
        "is_admin": False,
        "cohort_id": COHORT_ID,
        "cohort_name": "Spring 2026",
        "cohort_state": "enrolling",
        "enrollment_state": None,
        "now": NOW,
    }
    return HomeState(**(values | overrides))


def health(**overrides) -> DeliveryHealth:
    values = {
        "pending": 0,
        "sending": 0,
        "sent": 7,
        "failed": 1,
        "cancelled": 0,
        "oldest_waiting_since": None,
        "recent_failures": [],
    }
    return DeliveryHealth(**(values | overrides))


def buttons(view: dict) -> dict[str, str | None]:
    """The Home tab's buttons by action id, with their values."""
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ACTIONS]
    return {element["action_id"]: element.get("value") for element in block["elements"]}


def labels(view: dict) -> list[str]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ACTIONS]
    return [element["text"]["text"] for element in block["elements"]]


def status_text(view: dict) -> str:
    texts = [block.get("text", {}).get("text", "") for block in view["blocks"]]
    return next(text for text in texts if text.startswith("*Your status*"))


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"cohort_id": None, "cohort_name": None, "cohort_state": None}, {}),
        ({"cohort_state": "draft"}, {}),
        ({"cohort_state": "enrolling"}, {ActionId.JOIN: "42"}),
        ({"cohort_state": "active"}, {}),
        ({"enrollment_state": "invited", "role": "executive"}, {ActionId.OPEN_SURVEY: "42"}),
        (
            {"enrollment_state": "invited", "role": "executive", "cohort_state": "draft"},
            {ActionId.OPEN_SURVEY: "42"},
        ),
        ({"enrollment_state": "invited", "role": "executive", "cohort_state": "active"}, {}),
        (
            {"enrollment_state": "surveyed", "role": "employee"},
            {ActionId.OPEN_SURVEY: "42", ActionId.PAUSE: "42", ActionId.LEAVE: "42"},
        ),
        (
            {"enrollment_state": "surveyed", "role": "employee", "cohort_state": "active"},
            {ActionId.PAUSE: "42", ActionId.LEAVE: "42"},
        ),
        (
            {"enrollment_state": "matched", "cohort_state": "active", "partner_user_id": "U0PARTNER"},
            {ActionId.PAUSE: "42", ActionId.LEAVE: "42"},
        ),
        (
            {"enrollment_state": "paused", "cohort_state": "active", "paused_until": date(2026, 3, 16)},
            {ActionId.RESUME: "42", ActionId.LEAVE: "42"},
        ),
        ({"enrollment_state": "left"}, {}),
        ({"enrollment_state": "left", "cohort_state": "active"}, {}),
    ],
)
@pytest.mark.parametrize("is_admin", [False, True])
def test_each_state_gets_only_the_buttons_that_fit_it(overrides, expected, is_admin):
    view = build_home_view(home(is_admin=is_admin, **overrides))
    assert_valid_view(view)
    assert buttons(view) == {**expected, ActionId.OPEN_HELP: None}, "Show commands is always there, last"
    assert labels(view)[-1] == "Show commands"
    assert ("Program admin" in json.dumps(view)) is is_admin


def test_friendly_lines_say_where_each_person_stands():
    assert "not part of a mentoring cohort" in status_text(build_home_view(home(cohort_state=None)))
    assert "not part of a mentoring cohort" in status_text(build_home_view(home(cohort_state="draft")))
    assert "Enrolment for *Spring 2026* is open" in status_text(build_home_view(home()))
    assert "enrolment is closed" in status_text(build_home_view(home(cohort_state="active")))
    invited = build_home_view(home(enrollment_state="invited", role="executive"))
    assert labels(invited)[0] == "Answer the survey"
    surveyed = build_home_view(home(enrollment_state="surveyed"))
    assert labels(surveyed) == ["Edit my answers", "Pause", "Leave", "Show commands"]
    assert "your answers are in" in status_text(surveyed)
    assert "You left *Spring 2026*" in status_text(build_home_view(home(enrollment_state="left")))


def test_matched_people_see_their_partner_when_there_is_a_pairing():
    with_partner = build_home_view(home(enrollment_state="matched", partner_user_id="U0PARTNER"))
    assert "matched with <@U0PARTNER>" in status_text(with_partner)
    without = build_home_view(home(enrollment_state="matched"))
    assert "You are matched in" in status_text(without)


def test_paused_people_see_until_when():
    view = build_home_view(home(enrollment_state="paused", paused_until=date(2026, 3, 16)))
    assert "Paused until Monday 16 March 2026" in status_text(view)
    assert labels(view) == ["Resume", "Leave", "Show commands"]
    assert "Paused." in status_text(build_home_view(home(enrollment_state="paused")))


def test_admins_see_the_cohort_numbers_and_delivery_health_in_one_line():
    counts = EnrolmentCounts(
        by_role_and_state={
            ("employee", "surveyed"): 3,
            ("employee", "paused"): 1,
            ("executive", "invited"): 2,
        },
    )
    view = build_home_view(home(is_admin=True, counts=counts, delivery=health()))
    assert_valid_view(view)
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    text = admin["text"]["text"]
    assert "Current cohort: *Spring 2026* (enrolling)." in text
    assert "Employees: 3 surveyed, 1 paused · Executives: 2 invited" in text
    assert "Delivery: sent 7, waiting 0, failed 1" in text
    assert "/mentor-admin status" in json.dumps(view)


def test_admins_are_warned_on_home_when_due_messages_are_stuck():
    stuck = health(pending=2, oldest_waiting_since=NOW - timedelta(hours=1))
    view = build_home_view(home(is_admin=True, counts=EnrolmentCounts(), delivery=stuck))
    assert "Delivery: sent 7, waiting 2, failed 1 :warning:" in json.dumps(view)
    assert "Employees: none yet · Executives: none yet" in json.dumps(view, ensure_ascii=False)


def test_participants_never_see_the_numbers():
    counts = EnrolmentCounts(by_role_and_state={("employee", "surveyed"): 3})
    view = build_home_view(home(counts=counts, delivery=health()))
    assert "surveyed" not in json.dumps(view).replace("your answers", "")
    assert "Delivery" not in json.dumps(view)


def test_very_long_names_stay_within_limits():
    view = build_home_view(
        home(is_admin=True, cohort_name="Spring " * 1000, enrollment_state="matched", partner_user_id="U1")
    )
    assert_valid_view(view)


def test_status_shows_people_by_role_and_state_as_a_table():
    counts = EnrolmentCounts(
        by_role_and_state={("employee", "surveyed"): 3, ("employee", "left"): 1, ("executive", "invited"): 12}
    )
    body = admin_status_message(
        AdminStatus(
            cohort_name="Spring 2026", cohort_state="enrolling", delivery=health(), now=NOW, counts=counts
        )
    )
    assert_valid_message(body)
    rendered = body["blocks"][2]["text"]["text"]
    assert rendered.startswith("*People* — 16 in this cohort\n```")
    lines = rendered.split("\n")
    assert lines[2].split() == ["invited", "surveyed", "matched", "paused", "left", "total"]
    assert lines[3].split() == ["Employees", "0", "3", "0", "0", "1", "4"]
    assert lines[4].split() == ["Executives", "12", "0", "0", "0", "0", "12"]
    assert "People: 16." in body["text"]
    blocks = [b.get("text", {}).get("text", "") for b in body["blocks"]]
    assert blocks.index(rendered) < next(i for i, t in enumerate(blocks) if t.startswith("*Delivery*"))


def test_status_without_cohort_has_no_people_table():
    body = admin_status_message(
        AdminStatus(cohort_name=None, cohort_state=None, delivery=health(), now=NOW, counts=None)
    )
    assert_valid_message(body)
    assert "People" not in json.dumps(body)


# ---- a participant's check-ins and own reflections ----------------------------------------

PARIS = "Europe/Paris"
# Tuesday 10 March 2026, 10:00 in Paris (CET, UTC+1).
NEXT_CHECKIN = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def checkin(**overrides) -> HomeCheckin:
    values = {"partner_user_id": "U0PARTNER", "answer": None, "asked": False, "due_at": NEXT_CHECKIN}
    return HomeCheckin(**(values | overrides))


def reflection(**overrides) -> HomeReflection:
    values = {
        "written_at": datetime(2026, 2, 27, 23, 30, tzinfo=UTC),
        "period": 1,
        "rating": 4,
        "shared": False,
        "partner_user_id": None,
        "learned": "How the new tools save an hour a week.",
        "will_try": None,
    }
    return HomeReflection(**(values | overrides))


def program(**overrides) -> HomeProgram:
    values = {
        "zone_name": PARIS,
        "period": 2,
        "periods": 6,
        "paired": True,
        "next_checkin_at": NEXT_CHECKIN,
        "checkins": (checkin(),),
    }
    return HomeProgram(**(values | overrides))


def matched(**overrides) -> dict:
    state = home(
        cohort_state="active",
        enrollment_state="matched",
        partner_user_id="U0PARTNER",
        program=program(**overrides),
    )
    view = build_home_view(state)
    assert_valid_view(view)
    return view


def texts(view: dict) -> list[str]:
    found = []
    for block in view["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [e.get("text", "") for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return found


def checkins_text(view: dict) -> str:
    return next(text for text in texts(view) if text.startswith("*Check-ins*"))


def reflection_texts(view: dict) -> list[str]:
    """The reflection sections: those after the "Your reflections" heading, up to the next context."""
    blocks = view["blocks"]
    start = next(
        i for i, b in enumerate(blocks) if b.get("text", {}).get("text", "").startswith("*Your refl")
    )
    found = []
    for block in blocks[start + 1 :]:
        if block["type"] != "section":
            break
        found.append(block["text"]["text"])
    return found


def test_next_checkin_is_shown_in_the_persons_own_zone():
    assert "Next check-in: Tuesday 10 March 2026 at 10:00 (Europe/Paris)" in checkins_text(matched())
    tokyo = checkins_text(matched(zone_name="Asia/Tokyo"))
    assert "Next check-in: Tuesday 10 March 2026 at 18:00 (Asia/Tokyo)" in tokyo


def test_no_more_checkins_once_the_program_runs_out():
    text = checkins_text(matched(next_checkin_at=None, period=7, checkins=()))
    assert "There are no more check-ins in this program." in text
    assert "All 6 periods are over." in text


def test_people_on_a_break_without_an_end_hear_of_no_checkins():
    text = checkins_text(matched(next_checkin_at=None, on_break=True))
    assert "No check-ins reach you during your break." in text


def test_people_without_a_partner_have_no_checkins():
    text = checkins_text(matched(paired=False, next_checkin_at=None, checkins=()))
    assert text == "*Check-ins*\nNo partner at the moment, so no check-ins."


@pytest.mark.parametrize(
    ("this_period", "words"),
    [
        (checkin(answer="met", asked=True), "you met ✅"),
        (checkin(answer="not_yet", asked=True), "not met yet"),
        (checkin(answer="pause"), "on a break"),
        (checkin(asked=True, due_at=NOW - timedelta(days=1)), "not answered yet"),
        (checkin(), "your check-in comes on Tuesday 10 March 2026"),
        (checkin(due_at=NOW - timedelta(days=1)), "no check-in was sent to you"),
        (checkin(skipped=True), "no check-in, as you were paired just before it"),
    ],
)
def test_this_periods_answer_is_said_in_words(this_period, words):
    text = checkins_text(matched(checkins=(this_period,)))
    assert f"This period (2 of 6): {words}" in text


def test_with_several_partners_each_periods_answer_names_the_partner():
    both = (checkin(partner_user_id="U0ONE", answer="met"), checkin(partner_user_id="U0TWO"))
    text = checkins_text(matched(checkins=both))
    assert "This period (2 of 6) with <@U0ONE>: you met ✅" in text
    assert "This period (2 of 6) with <@U0TWO>: your check-in comes on" in text


def test_before_the_start_there_is_no_period_yet():
    assert "has not started yet" in checkins_text(matched(period=0, checkins=()))


def test_reflections_show_date_period_rating_and_who_saw_them():
    shared = reflection(
        written_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        period=2,
        rating=5,
        shared=True,
        partner_user_id="U0PARTNER",
        learned="Shared lesson",
        will_try="Short demos",
    )
    private = reflection()
    view = matched(reflections=(shared, private), reflection_count=2)
    first, second = reflection_texts(view)
    assert first.startswith("*Sunday 1 March 2026* · period 2 · rated 5/5 · shared with <@U0PARTNER>")
    assert ">Shared lesson" in first
    assert ">_Will try:_ Short demos" in first
    # Written at 23:30 UTC, which is already the next day in Paris.
    assert second.startswith("*Saturday 28 February 2026* · period 1 · rated 4/5 · private")
    assert "/mentor reflect" in json.dumps(view)
    assert "more" not in json.dumps(view)


def test_a_shared_reflection_whose_partner_is_gone_says_your_partner():
    [text] = reflection_texts(matched(reflections=(reflection(shared=True),), reflection_count=1))
    assert "shared with your partner" in text


def test_reflections_without_period_or_rating_leave_them_out():
    [text] = reflection_texts(
        matched(reflections=(reflection(period=None, rating=None),), reflection_count=1)
    )
    assert text.startswith("*Saturday 28 February 2026* · private\n")


def test_at_most_five_reflections_then_how_many_more():
    many = tuple(reflection(learned=f"lesson {i}") for i in range(7))
    view = matched(reflections=many, reflection_count=12)
    assert [t.split("\n")[1] for t in reflection_texts(view)] == [f">lesson {i}" for i in range(5)]
    assert "And 7 more. `/mentor reflect` writes a new one." in texts(view)


def test_no_reflections_yet_points_to_the_command():
    text = next(t for t in texts(matched()) if t.startswith("*Your reflections*"))
    assert "You have not written any yet" in text
    assert "`/mentor reflect`" in text


def test_reflection_text_is_escaped_and_shortened():
    sneaky = "<!channel> & <@U0BOSS> <https://evil.example|click> " + "x" * 1000
    [text] = reflection_texts(
        matched(reflections=(reflection(learned=sneaky, will_try="<b>bold</b>"),), reflection_count=1)
    )
    for raw in ("<!channel>", "<@U0BOSS>", "<https"):
        assert raw not in text
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt;" in text
    learned = text.split("\n")[1]
    assert learned.endswith("…")
    assert len(learned) < 400


def test_multi_line_reflections_stay_inside_their_quote():
    [text] = reflection_texts(
        matched(reflections=(reflection(learned="one\n\ntwo\nthree"),), reflection_count=1)
    )
    assert text.split("\n")[1:] == [">one two three"]


@pytest.mark.parametrize("character", ["x", "&", "<"])
def test_huge_reflections_stay_within_block_kit_limits(character):
    huge = reflection(
        shared=True, partner_user_id="U0PARTNER", learned=character * 3000, will_try=character * 3000
    )
    many_partners = tuple(checkin(partner_user_id=f"U0P{i:04d}") for i in range(60))
    state = home(
        is_admin=True,
        cohort_name="Spring " * 1000,
        cohort_state="active",
        enrollment_state="matched",
        partner_user_id="U0PARTNER",
        counts=EnrolmentCounts(),
        delivery=health(),
        program=program(reflections=(huge,) * 5, reflection_count=999, checkins=many_partners),
    )
    view = build_home_view(state)
    assert_valid_view(view)
    for text in reflection_texts(view):
        assert len(text) <= 3000
        assert text.count("…") == 2, "both excerpts are cut, and nothing else"
        assert re.search(r"&[a-z]*…", text) is None, "an escape is never cut in half"


def test_the_admin_part_never_shows_reflection_text():
    secret = "SECRET-lesson-42"
    state = home(
        is_admin=True,
        cohort_state="active",
        enrollment_state="matched",
        counts=EnrolmentCounts(),
        delivery=health(),
        program=program(reflections=(reflection(learned=secret, will_try=secret),), reflection_count=1),
    )
    view = build_home_view(state)
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    assert secret not in admin["text"]["text"]
    admin_at = view["blocks"].index(admin)
    assert secret not in json.dumps(view["blocks"][admin_at - 1 :])


def test_people_not_in_the_program_see_no_checkins_or_reflections():
    view = build_home_view(home(enrollment_state="surveyed"))
    assert "Check-ins" not in json.dumps(view)
    assert "Your reflections" not in json.dumps(view)
