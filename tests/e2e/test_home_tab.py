"""The Home tab for each enrolment state, through app_home_opened into the running app."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from bot.checkin_records import ReflectionAnswers
from bot.ids import ActionId, BlockId
from bot.local_time import SendWindow
from bot.services import checkins
from storage.models import (
    AuditEvent,
    Checkin,
    CheckinAnswer,
    CohortState,
    EnrollmentState,
    MatchRun,
    OutboxMessage,
    Pairing,
    PairingState,
    PersonRole,
)
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.cohort_kit import next_monday
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.enrolment_kit import EXECUTIVE_USER_ID, enrol, make_cohort
from tests.matching_kit import surveyed


def open_home(bot, user_id: str) -> dict:
    result = bot.slack.app_home_opened(user_id)
    assert result.status == 200
    # Several people may open their tab in one test: wait for this person's.
    call = bot.fake.wait_for_call("views.publish", predicate=lambda c: c.args.get("user_id") == user_id)
    view = call.args["view"]
    assert_valid_view(view)
    return view


def home_buttons(view: dict) -> dict[str, str | None]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ACTIONS]
    return {element["action_id"]: element.get("value") for element in block["elements"]}


def test_employee_not_enrolled_sees_join_while_enrolment_is_open(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert home_buttons(view) == {ActionId.JOIN: str(cohort_id), ActionId.OPEN_HELP: None}
    assert "Enrolment for *Spring 2026* is open" in json.dumps(view)


def test_draft_cohort_shows_no_buttons_to_employees(running_bot, uow_factory):
    make_cohort(running_bot, uow_factory, state=CohortState.DRAFT)
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert home_buttons(view) == {ActionId.OPEN_HELP: None}
    assert "not part of a mentoring cohort" in json.dumps(view)


def test_invited_executive_is_asked_to_answer_the_survey(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.DRAFT)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.INVITED,
    )
    view = open_home(running_bot, EXECUTIVE_USER_ID)
    assert home_buttons(view) == {ActionId.OPEN_SURVEY: str(cohort_id), ActionId.OPEN_HELP: None}
    assert "Answer the survey" in json.dumps(view)


def test_surveyed_employee_can_edit_pause_and_leave(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.SURVEYED,
    )
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    value = str(cohort_id)
    assert home_buttons(view) == {
        ActionId.OPEN_SURVEY: value,
        ActionId.PAUSE: value,
        ActionId.LEAVE: value,
        ActionId.OPEN_HELP: None,
    }
    assert "Edit my answers" in json.dumps(view)
    assert "Program admin" not in json.dumps(view)


def test_paused_person_sees_until_when_and_can_resume(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.ACTIVE)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.PAUSED,
        paused_until=date(2026, 12, 14),
    )
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    value = str(cohort_id)
    assert home_buttons(view) == {ActionId.RESUME: value, ActionId.LEAVE: value, ActionId.OPEN_HELP: None}
    assert "Paused until Monday 14 December 2026" in json.dumps(view)


def test_matched_person_sees_their_partner(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.ACTIVE)
    employee_id = enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.MATCHED,
    )
    executive_id = enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.MATCHED,
    )
    with uow_factory() as uow:
        uow.session.add(
            Pairing(
                team_id=running_bot.fake.team_id,
                cohort_id=cohort_id,
                employee_id=employee_id,
                executive_id=executive_id,
                score=1.0,
                state=PairingState.ACTIVE,
            )
        )
        uow.commit()
    view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert f"matched with <@{EXECUTIVE_USER_ID}>" in json.dumps(view)
    assert set(home_buttons(view)) == {ActionId.PAUSE, ActionId.LEAVE, ActionId.OPEN_HELP}


def test_admin_sees_the_cohort_numbers_and_delivery_health(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    for index, state in enumerate([EnrollmentState.SURVEYED, EnrollmentState.SURVEYED, EnrollmentState.LEFT]):
        enrol(
            running_bot,
            uow_factory,
            cohort_id,
            user_id=f"U0EMPL10{index}",
            role=PersonRole.EMPLOYEE,
            state=state,
        )
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.INVITED,
    )
    view = open_home(running_bot, ADMIN_USER_ID)
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    text = admin["text"]["text"]
    assert "Current cohort: *Spring 2026* (enrolling)." in text
    assert "Employees: 2 surveyed, 1 left · Executives: 1 invited" in text
    assert "Delivery: sent 0, waiting 0, failed 0" in text
    assert "/mentor-admin status" in json.dumps(view)
    # The admin is not enrolled: they get the same Join button as everyone else.
    assert home_buttons(view)[ActionId.JOIN] == str(cohort_id)


# ---- check-ins and reflections on a simulated clock ----------------------------------------

START = next_monday()
# Wednesday of the cohort's third week: period 2 of 6 (two-week periods over 12 weeks).
NOW = datetime.combine(START + timedelta(days=16), time(12), tzinfo=UTC)
PRIVATE_TEXT = "PRIVATE-5e1d what I keep to myself"
SHARED_TEXT = "SHARED-2c7a what I told my partner"


def pair_up(
    bot, uow_factory, *, employee_state: EnrollmentState = EnrollmentState.MATCHED
) -> tuple[int, int]:
    """An active cohort (started two weeks ago on the clock) and an active pairing; (cohort, pairing) ids."""
    cohort_id = make_cohort(bot, uow_factory, state=CohortState.ACTIVE)
    employee_id = enrol(
        bot, uow_factory, cohort_id, user_id=EMPLOYEE_USER_ID, role=PersonRole.EMPLOYEE, state=employee_state
    )
    executive_id = enrol(
        bot,
        uow_factory,
        cohort_id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        state=EnrollmentState.MATCHED,
    )
    with uow_factory() as uow:
        pairing = Pairing(
            team_id=bot.fake.team_id,
            cohort_id=cohort_id,
            employee_id=employee_id,
            executive_id=executive_id,
            score=1.0,
            state=PairingState.ACTIVE,
            confirmed_at=datetime.combine(START, time(9), tzinfo=UTC),
        )
        uow.session.add(pairing)
        uow.commit()
        return cohort_id, pairing.id


def reflect(bot, uow_factory, pairing_id: int, *, text: str, share: bool, at: datetime) -> None:
    checkins.save_reflection(
        uow=uow_factory(),
        team_id=bot.fake.team_id,
        user_id=EMPLOYEE_USER_ID,
        pairing_id=pairing_id,
        period=2,
        answers=ReflectionAnswers(learned=text, will_try=None, rating=4, share=share),
        now=at,
        window=SendWindow(),
        default_timezone="UTC",
    )


def section_texts(view: dict) -> list[str]:
    return [block["text"]["text"] for block in view["blocks"] if block["type"] == "section"]


class TestCheckinsAndReflections:
    @pytest.fixture
    def bot_clock(self):
        return lambda: NOW

    def test_matched_person_sees_next_checkin_this_periods_answer_and_own_reflections(
        self, running_bot, uow_factory
    ):
        _, pairing_id = pair_up(running_bot, uow_factory)
        checkins.answer_checkin(
            uow=uow_factory(),
            team_id=running_bot.fake.team_id,
            user_id=EMPLOYEE_USER_ID,
            sent_to_user_id=EMPLOYEE_USER_ID,
            pairing_id=pairing_id,
            period=2,
            answer="met",
            now=NOW - timedelta(hours=2),
            window=SendWindow(),
            default_timezone="UTC",
        )
        reflect(
            running_bot, uow_factory, pairing_id, text=SHARED_TEXT, share=True, at=NOW - timedelta(hours=1)
        )
        reflect(running_bot, uow_factory, pairing_id, text=PRIVATE_TEXT, share=False, at=NOW)

        view = open_home(running_bot, EMPLOYEE_USER_ID)
        [checkins_text] = [t for t in section_texts(view) if t.startswith("*Check-ins*")]
        # Period 2's check-in: Tuesday of its last week (the cohort's fourth), 10:00 in Paris.
        due = START + timedelta(days=22)
        assert f"Next check-in: {due:%A} {due.day} {due:%B %Y} at 10:00 (Europe/Paris)" in checkins_text
        assert "This period (2 of 6): you met ✅" in checkins_text
        texts = section_texts(view)
        heading = texts.index(next(t for t in texts if t.startswith("*Your reflections*")))
        newest, older = texts[heading + 1 : heading + 3]
        assert "private" in newest.split("\n")[0]
        assert PRIVATE_TEXT in newest
        assert f"shared with <@{EXECUTIVE_USER_ID}>" in older
        assert SHARED_TEXT in older
        assert "/mentor reflect" in json.dumps(view)

        partner_view = open_home(running_bot, EXECUTIVE_USER_ID)
        rendered = json.dumps(partner_view)
        assert PRIVATE_TEXT not in rendered
        assert SHARED_TEXT not in rendered, "the partner got it in a DM; their Home lists only their own"
        assert "You have not written any yet" in rendered
        assert "This period (2 of 6): your check-in comes on" in rendered

    def test_admins_never_see_participants_reflections(self, running_bot, uow_factory):
        _, pairing_id = pair_up(running_bot, uow_factory)
        reflect(running_bot, uow_factory, pairing_id, text=PRIVATE_TEXT, share=False, at=NOW)
        reflect(running_bot, uow_factory, pairing_id, text=SHARED_TEXT, share=True, at=NOW)
        view = open_home(running_bot, ADMIN_USER_ID)
        rendered = json.dumps(view)
        assert "Program admin" in rendered
        assert PRIVATE_TEXT not in rendered
        assert SHARED_TEXT not in rendered

    def test_paused_person_sees_the_break_in_this_period(self, running_bot, uow_factory):
        pair_up(running_bot, uow_factory, employee_state=EnrollmentState.PAUSED)
        with uow_factory() as uow:
            person = uow.people.find(team_id=running_bot.fake.team_id, user_id=EMPLOYEE_USER_ID)
            person.paused_until_date = START + timedelta(days=30)
            uow.commit()
        view = open_home(running_bot, EMPLOYEE_USER_ID)
        [checkins_text] = [t for t in section_texts(view) if t.startswith("*Check-ins*")]
        assert "This period (2 of 6): on a break" in checkins_text
        # The break covers period 2's check-in; the next one is period 3's (Tuesday of week 6).
        due = START + timedelta(days=36)
        assert f"Next check-in: {due:%A} {due.day} {due:%B %Y} at 10:00 (Europe/Paris)" in checkins_text


# ---- the admins' dashboard ------------------------------------------------------------------

ADMIN_ACTIONS = (
    ActionId.HOME_ADMIN_MATCH,
    ActionId.HOME_ADMIN_NUDGE,
    ActionId.HOME_ADMIN_REPORT,
    ActionId.HOME_ADMIN_EXPORT,
    ActionId.HOME_ADMIN_AUDIT,
)
# Wednesday of the cohort's seventh week: period 4 of 6; periods 1 to 3 are closed.
LATER = datetime.combine(START + timedelta(days=44), time(12), tzinfo=UTC)
SLIPPING_EMPLOYEE, SLIPPING_EXECUTIVE = "U0EMPSLIP1", "U0EXESLIP1"
MEETING_EMPLOYEE, MEETING_EXECUTIVE = "U0EMPMEET1", "U0EXEMEET1"


def admin_buttons(view: dict) -> dict[str, str | None]:
    """The dashboard's buttons by action id, with their values (none for people who are not admins)."""
    return {
        element["action_id"]: element.get("value")
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] in ADMIN_ACTIONS
    }


def admin_text(view: dict) -> str:
    [admin] = [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN]
    at = view["blocks"].index(admin)
    return "\n".join(b["text"]["text"] for b in view["blocks"][at:] if b["type"] == "section")


def live_pair(bot, uow_factory, cohort_id: int, *, employee: str, executive: str) -> tuple[int, int, int]:
    """An active pairing confirmed at the start; (pairing, employee person, executive person) ids."""
    ids = [
        enrol(bot, uow_factory, cohort_id, user_id=user_id, role=role, state=EnrollmentState.MATCHED)
        for user_id, role in ((employee, PersonRole.EMPLOYEE), (executive, PersonRole.EXECUTIVE))
    ]
    with uow_factory() as uow:
        pairing = Pairing(
            team_id=bot.fake.team_id,
            cohort_id=cohort_id,
            employee_id=ids[0],
            executive_id=ids[1],
            score=1.0,
            state=PairingState.ACTIVE,
            confirmed_at=datetime.combine(START, time(9), tzinfo=UTC),
        )
        uow.session.add(pairing)
        uow.commit()
        return pairing.id, ids[0], ids[1]


def asked(
    bot, uow_factory, pairing_id: int, person_id: int, *, period: int, answer: str | None = None
) -> None:
    """A check-in of `period` sent to the person, answered or not."""
    with uow_factory() as uow:
        checkin = uow.checkins.ensure(
            team_id=bot.fake.team_id, pairing_id=pairing_id, period=period, person_id=person_id, at=LATER
        )
        if answer is not None:
            uow.checkins.answer(checkin=checkin, answer=CheckinAnswer(answer), at=LATER)
        uow.commit()


def click_home(bot, action_id: str, value: str | None, *, user_id: str):
    """A click on a Home-tab button: it comes without a response_url."""
    result = bot.slack.block_action(
        user_id=user_id, action_id=action_id, value=value, view={"id": "V0HOME001", "type": "home"}
    )
    assert result.status == 200
    assert result.elapsed_seconds < 3
    return result


def dm_to(bot, user_id: str, *, count: int = 1) -> dict:
    """Wait for the bot's `count`th message to the user's DM and return it."""
    call = bot.fake.wait_for_call(
        "chat.postMessage", count=count, predicate=lambda c: c.args.get("channel") == user_id
    )
    return call.args


def table_counts(uow_factory) -> dict[str, int]:
    with uow_factory() as uow:
        return {
            model.__tablename__: uow.session.scalar(select(func.count()).select_from(model))
            for model in (AuditEvent, Checkin, MatchRun, OutboxMessage, Pairing)
        }


def test_admin_dashboard_shows_the_enrolling_cohorts_numbers_and_its_buttons(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory)
    enrol(
        running_bot,
        uow_factory,
        cohort_id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        state=EnrollmentState.SURVEYED,
    )
    view = open_home(running_bot, ADMIN_USER_ID)
    text = admin_text(view)
    assert "Current cohort: *Spring 2026* (enrolling)." in text
    assert f"Dates: {START:%a} {START.day} {START:%b %Y} to " in text
    assert "Employees: 1 surveyed · Executives: none yet" in text
    assert "Delivery: sent 0, waiting 0, failed 0" in text
    assert "Slipping" not in text, "nothing can slip before pairs meet"
    value = str(cohort_id)
    assert admin_buttons(view) == {
        ActionId.HOME_ADMIN_MATCH: value,
        ActionId.HOME_ADMIN_REPORT: value,
        ActionId.HOME_ADMIN_EXPORT: value,
        ActionId.HOME_ADMIN_AUDIT: value,
    }


def test_admin_with_no_cohort_can_still_open_the_audit_log(running_bot):
    view = open_home(running_bot, ADMIN_USER_ID)
    assert "There is no cohort yet." in admin_text(view)
    assert admin_buttons(view) == {ActionId.HOME_ADMIN_AUDIT: None}


def test_after_closing_the_dashboard_shows_the_last_cohort_for_report_and_export(running_bot, uow_factory):
    cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.CLOSED)
    view = open_home(running_bot, ADMIN_USER_ID)
    assert "Last cohort: *Spring 2026* (closed)." in admin_text(view)
    value = str(cohort_id)
    assert admin_buttons(view) == {
        ActionId.HOME_ADMIN_REPORT: value,
        ActionId.HOME_ADMIN_EXPORT: value,
        ActionId.HOME_ADMIN_AUDIT: value,
    }
    employee_view = open_home(running_bot, EMPLOYEE_USER_ID)
    assert "not part of a mentoring cohort" in json.dumps(employee_view)


class TestActiveCohortDashboard:
    @pytest.fixture
    def bot_clock(self):
        return lambda: LATER

    @pytest.fixture
    def cohort_id(self, running_bot, uow_factory) -> int:
        """Two live pairs: one missed periods 2 and 3 (and is asked about 4), the other met in 3 and 4."""
        cohort_id = make_cohort(running_bot, uow_factory, state=CohortState.ACTIVE)
        slipping, employee, executive = live_pair(
            running_bot, uow_factory, cohort_id, employee=SLIPPING_EMPLOYEE, executive=SLIPPING_EXECUTIVE
        )
        for period, answer in ((1, "met"), (2, "not_yet"), (3, None), (4, None)):
            asked(running_bot, uow_factory, slipping, employee, period=period, answer=answer)
            asked(running_bot, uow_factory, slipping, executive, period=period)
        meeting, employee, executive = live_pair(
            running_bot, uow_factory, cohort_id, employee=MEETING_EMPLOYEE, executive=MEETING_EXECUTIVE
        )
        for period in (2, 3, 4):
            asked(running_bot, uow_factory, meeting, employee, period=period, answer="not_yet")
            asked(
                running_bot,
                uow_factory,
                meeting,
                executive,
                period=period,
                answer="met" if period > 2 else None,
            )
        return cohort_id

    def test_admin_sees_period_met_rate_slipping_pairs_and_every_button(self, running_bot, cohort_id):
        view = open_home(running_bot, ADMIN_USER_ID)
        text = admin_text(view)
        assert "Current cohort: *Spring 2026* (active)." in text
        assert "period 4 of 6." in text
        assert "Employees: 2 matched · Executives: 2 matched" in text
        assert "Live pairs: 2." in text
        assert "Met this period so far: 1 of 2 pairs asked (50%)." in text
        assert "*Slipping pairs: 1*" in text
        assert f"<@{SLIPPING_EMPLOYEE}> and <@{SLIPPING_EXECUTIVE}>: periods 2–3 without meeting" in text
        assert MEETING_EMPLOYEE not in text
        value = str(cohort_id)
        assert admin_buttons(view) == dict.fromkeys(ADMIN_ACTIONS, value)

    def test_participants_see_none_of_the_dashboard(self, running_bot, cohort_id):
        view = open_home(running_bot, SLIPPING_EMPLOYEE)
        rendered = json.dumps(view)
        assert admin_buttons(view) == {}
        for admin_only in ("Program admin", "Slipping", "Live pairs", "Met this period", "Delivery"):
            assert admin_only not in rendered
        assert [b for b in view["blocks"] if b.get("block_id") == BlockId.HOME_ADMIN] == []

    @pytest.mark.parametrize(
        "action_id", [ActionId.HOME_ADMIN_MATCH, ActionId.HOME_ADMIN_NUDGE, ActionId.HOME_ADMIN_AUDIT]
    )
    def test_forged_dashboard_clicks_from_participants_are_refused_and_change_nothing(
        self, running_bot, uow_factory, cohort_id, action_id
    ):
        before = table_counts(uow_factory)
        click_home(running_bot, action_id, str(cohort_id), user_id=EMPLOYEE_USER_ID)
        refusal = dm_to(running_bot, EMPLOYEE_USER_ID)
        assert "only program admins" in refusal["text"]
        assert table_counts(uow_factory) == before
        sent = [c.args.get("channel") for c in running_bot.fake.calls_to("chat.postMessage")]
        assert sent == [EMPLOYEE_USER_ID], "the refusal is the only message"

    def test_nudge_button_sends_this_periods_checkin_to_who_has_not_answered(
        self, running_bot, uow_factory, cohort_id
    ):
        click_home(running_bot, ActionId.HOME_ADMIN_NUDGE, str(cohort_id), user_id=ADMIN_USER_ID)
        summary = dm_to(running_bot, ADMIN_USER_ID)
        assert "check-in 4 of *Spring 2026*" in summary["text"]
        with uow_factory() as uow:
            [event] = uow.audit.recent(team_id=running_bot.fake.team_id, limit=1)
            assert (event.action, event.actor_user_id) == ("checkin.nudge", ADMIN_USER_ID)

    def test_a_button_drawn_for_an_earlier_cohort_changes_nothing(self, running_bot, uow_factory, cohort_id):
        before = table_counts(uow_factory)
        click_home(running_bot, ActionId.HOME_ADMIN_NUDGE, str(cohort_id + 1000), user_id=ADMIN_USER_ID)
        assert "closed or replaced" in dm_to(running_bot, ADMIN_USER_ID)["text"]
        assert table_counts(uow_factory) == before


def test_match_button_posts_the_preview_to_the_admins_dm(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    cohort_id = make_cohort(running_bot, uow_factory)
    for user_id, role, share, learn in (
        ("U0EMPA0001", PersonRole.EMPLOYEE, ["ai-tools"], ["leadership"]),
        ("U0EXEA0001", PersonRole.EXECUTIVE, ["leadership"], ["ai-tools"]),
    ):
        running_bot.fake.add_user(user_id, name=user_id.lower(), tz="Europe/Paris")
        surveyed(
            uow_factory,
            team_id=team_id,
            cohort_id=cohort_id,
            user_id=user_id,
            role=role,
            share=share,
            learn=learn,
            department=user_id,
        )

    click_home(running_bot, ActionId.HOME_ADMIN_MATCH, str(cohort_id), user_id=ADMIN_USER_ID)

    preview = dm_to(running_bot, ADMIN_USER_ID)
    assert_valid_message(preview)
    shown = json.dumps(preview)
    assert "<@U0EMPA0001>" in shown
    assert "<@U0EXEA0001>" in shown
    assert ActionId.MATCH_CONFIRM in shown, "Confirm comes with the preview"
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(MatchRun)) == 1
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0, "nothing live yet"


def test_audit_button_posts_the_audit_log_to_the_admins_dm(running_bot, uow_factory):
    make_cohort(running_bot, uow_factory)
    click_home(running_bot, ActionId.HOME_ADMIN_AUDIT, None, user_id=ADMIN_USER_ID)
    log = dm_to(running_bot, ADMIN_USER_ID)
    assert log["text"].startswith("Audit log, page 1:")
    shown = json.dumps(log)
    assert f"<@{ADMIN_USER_ID}> created cohort *Spring 2026*" in shown
    assert "moved cohort *Spring 2026* from draft to enrolling" in shown
