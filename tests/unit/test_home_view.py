"""The Home tab shows each person their state and only the buttons that fit it."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.ids import ActionId, BlockId
from bot.services.admin_status import AdminStatus, EnrolmentCounts
from bot.services.delivery import DeliveryHealth
from bot.slipping import closed_periods, is_slipping, missed_periods
from bot.views.home import (
    AdminDashboard,
    HomeCheckin,
    HomeProgram,
    HomeReflection,
    HomeSlippingPair,
    HomeState,
    build_home_view,
)
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


# ---- the admins' dashboard ------------------------------------------------------------------

ADMIN_ACTIONS = (
    ActionId.HOME_ADMIN_MATCH,
    ActionId.HOME_ADMIN_NUDGE,
    ActionId.HOME_ADMIN_REPORT,
    ActionId.HOME_ADMIN_EXPORT,
    ActionId.HOME_ADMIN_AUDIT,
)
START = date(2026, 1, 5)


def board(**overrides) -> AdminDashboard:
    values = {
        "cohort_id": COHORT_ID,
        "cohort_name": "Spring 2026",
        "cohort_state": "active",
        "start_date": START,
        "weeks": 12,
        "period": 4,
        "periods": 6,
        "live_pairs": 3,
        "asked_pairs": 3,
        "met_pairs": 2,
    }
    return AdminDashboard(**(values | overrides))


def dashboard_view(**overrides) -> dict:
    state_overrides = {"cohort_state": overrides.get("cohort_state", "active")}
    view = build_home_view(
        home(
            is_admin=True,
            counts=EnrolmentCounts(),
            delivery=health(),
            dashboard=board(**overrides),
            **state_overrides,
        )
    )
    assert_valid_view(view)
    return view


def admin_buttons(view: dict) -> dict[str, str | None]:
    return {
        element["action_id"]: element.get("value")
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] in ADMIN_ACTIONS
    }


def admin_texts(view: dict) -> str:
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    at = view["blocks"].index(admin)
    return "\n".join(b["text"]["text"] for b in view["blocks"][at:] if b["type"] == "section")


@pytest.mark.parametrize(
    ("cohort_state", "expected"),
    [
        ("draft", [ActionId.HOME_ADMIN_AUDIT]),
        (
            "enrolling",
            [
                ActionId.HOME_ADMIN_MATCH,
                ActionId.HOME_ADMIN_REPORT,
                ActionId.HOME_ADMIN_EXPORT,
                ActionId.HOME_ADMIN_AUDIT,
            ],
        ),
        ("active", list(ADMIN_ACTIONS)),
        ("closed", [ActionId.HOME_ADMIN_REPORT, ActionId.HOME_ADMIN_EXPORT, ActionId.HOME_ADMIN_AUDIT]),
    ],
)
def test_admin_buttons_fit_the_cohorts_state_and_carry_its_id(cohort_state, expected):
    view = dashboard_view(cohort_state=cohort_state)
    assert list(admin_buttons(view)) == expected
    assert set(admin_buttons(view).values()) == {"42"}


def test_without_a_cohort_admins_get_only_the_audit_log():
    view = build_home_view(home(is_admin=True, cohort_id=None, cohort_name=None, cohort_state=None))
    assert_valid_view(view)
    assert admin_buttons(view) == {ActionId.HOME_ADMIN_AUDIT: None}
    assert "There is no cohort yet." in admin_texts(view)


def test_nudging_everyone_asks_for_confirmation_first():
    [nudge] = [
        element
        for block in dashboard_view()["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ActionId.HOME_ADMIN_NUDGE
    ]
    assert nudge["confirm"]["confirm"]["text"] == "Send"


def test_participants_get_no_admin_buttons_or_numbers():
    state = home(cohort_state="active", counts=EnrolmentCounts(), delivery=health(), dashboard=board())
    view = build_home_view(state)
    assert admin_buttons(view) == {}
    for admin_only in ("Live pairs", "Slipping", "Met this period", "Program admin"):
        assert admin_only not in json.dumps(view)


def test_active_cohort_shows_its_calendar_pairs_and_met_rate():
    text = admin_texts(dashboard_view())
    assert "Current cohort: *Spring 2026* (active)." in text
    assert "Dates: Mon 5 Jan 2026 to Mon 30 Mar 2026 · period 4 of 6." in text
    assert "Live pairs: 3." in text
    assert "Met this period so far: 2 of 3 pairs asked (67%)." in text
    assert "*Slipping pairs:* none right now." in text


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        ({"asked_pairs": 0, "met_pairs": 0}, "Met this period so far: no pair has been asked yet."),
        ({"period": 0}, "the first period has not started yet."),
        ({"period": 7}, "all 6 periods are over."),
    ],
)
def test_the_calendar_and_met_rate_say_when_there_is_nothing_to_count(overrides, line):
    assert line in admin_texts(dashboard_view(**overrides))


def test_before_pairs_meet_there_are_no_pair_numbers():
    text = admin_texts(dashboard_view(cohort_state="enrolling", live_pairs=0, asked_pairs=0, met_pairs=0))
    assert "Dates: Mon 5 Jan 2026 to Mon 30 Mar 2026." in text
    for absent in ("Live pairs", "Met this period", "Slipping", "period 4"):
        assert absent not in text


def test_a_closed_cohort_is_the_last_cohort():
    text = admin_texts(dashboard_view(cohort_state="closed", met_pairs=0))
    assert "Last cohort: *Spring 2026* (closed)." in text
    assert "Live pairs: 3." in text
    assert "Met this period" not in text


def test_slipping_pairs_are_counted_and_a_few_are_named():
    pairs = tuple(
        HomeSlippingPair(
            employee_user_id=f"U0EMP{i:04d}", executive_user_id=f"U0EXE{i:04d}", missed_periods=(2, 3)
        )
        for i in range(5)
    )
    gone = HomeSlippingPair(employee_user_id=None, executive_user_id="U0EXE9999", missed_periods=(1, 2, 3))
    text = admin_texts(dashboard_view(slipping=(gone, *pairs[:4]), slipping_count=8))
    assert "*Slipping pairs: 8* (two check-ins or more in a row without meeting)" in text
    assert "• a former participant and <@U0EXE9999>: periods 1–3 without meeting" in text
    assert "• <@U0EMP0000> and <@U0EXE0000>: periods 2–3 without meeting" in text
    assert text.count("• ") == 5
    assert "…and 3 more." in text


def test_cohort_names_are_escaped_on_the_dashboard():
    text = admin_texts(dashboard_view(cohort_name="<!channel> R&D"))
    assert "*&lt;!channel&gt; R&amp;D*" in text
    assert "<!channel>" not in text


def test_the_fullest_home_tab_stays_within_block_kit_limits():
    many_partners = tuple(checkin(partner_user_id=f"U0P{i:04d}") for i in range(60))
    huge = reflection(shared=True, partner_user_id="U0PARTNER", learned="&" * 3000, will_try="<" * 3000)
    slipping = tuple(
        HomeSlippingPair(
            employee_user_id=f"U0EMP{i:04d}", executive_user_id=None, missed_periods=(1, 2, 3, 4, 5)
        )
        for i in range(5)
    )
    state = home(
        is_admin=True,
        cohort_name="&" * 3000,
        cohort_state="active",
        enrollment_state="matched",
        partner_user_id="U0PARTNER",
        counts=EnrolmentCounts(by_role_and_state={("employee", "matched"): 10**6}),
        delivery=health(pending=10**6, oldest_waiting_since=NOW - timedelta(days=3)),
        program=program(reflections=(huge,) * 5, reflection_count=999, checkins=many_partners),
        dashboard=board(cohort_name="&" * 3000, slipping=slipping, slipping_count=10**6),
    )
    view = build_home_view(state)
    assert_valid_view(view)
    assert len(view["blocks"]) <= 100
    assert admin_buttons(view), "the dashboard's buttons survive the fullest tab"
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
            assert re.search(r"&[a-z]*…", block["text"]["text"]) is None


# ---- slipping: the planner's rule as pure functions ---------------------------------------


def test_a_period_is_closed_a_day_after_it_ends():
    # Two-week periods from Monday 5 January: period 1 ends on Sunday 18 January.
    assert closed_periods(start_date=START, cadence_weeks=2, periods=6, today=date(2026, 1, 19)) == []
    assert closed_periods(start_date=START, cadence_weeks=2, periods=6, today=date(2026, 1, 20)) == [1]
    assert closed_periods(start_date=START, cadence_weeks=2, periods=6, today=date(2027, 1, 1)) == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]


EMPLOYEE, EXECUTIVE = 1, 2


@pytest.mark.parametrize(
    ("asked", "missed"),
    [
        ({2: [(EMPLOYEE, None), (EXECUTIVE, "not_yet")], 3: [(EMPLOYEE, None), (EXECUTIVE, None)]}, (2, 3)),
        ({1: [(1, None), (2, None)], 2: [(1, None), (2, None)], 3: [(1, None), (2, None)]}, (1, 2, 3)),
        ({2: [(EMPLOYEE, None), (EXECUTIVE, None)], 3: [(EMPLOYEE, "met"), (EXECUTIVE, None)]}, ()),
        ({2: [(EMPLOYEE, None), (EXECUTIVE, None)], 3: [(EMPLOYEE, "pause"), (EXECUTIVE, None)]}, ()),
        ({2: [(EMPLOYEE, None), (EXECUTIVE, None)], 3: [(EMPLOYEE, None)]}, ()),
        ({1: [(1, None), (2, None)], 2: [(1, "met"), (2, None)], 3: [(1, None), (2, None)]}, (3,)),
    ],
)
def test_slipping_is_the_latest_stretch_asked_of_both_and_never_met(asked, missed):
    found = missed_periods(closed=[1, 2, 3], asked=asked, member_ids=(EMPLOYEE, EXECUTIVE))
    assert found == missed
    assert is_slipping(found) is (len(missed) >= 2)
