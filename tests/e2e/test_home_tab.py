"""The Home tab for each enrolment state, through app_home_opened into the running app."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.checkin_records import ReflectionAnswers
from bot.ids import ActionId, BlockId
from bot.local_time import SendWindow
from bot.services import checkins
from storage.models import CohortState, EnrollmentState, Pairing, PairingState, PersonRole
from tests.blockkit import assert_valid_view
from tests.cohort_kit import next_monday
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.enrolment_kit import EXECUTIVE_USER_ID, enrol, make_cohort


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
