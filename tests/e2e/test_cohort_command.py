"""`/mentor-admin cohort`, its modal and its Edit button, through signed HTTP into the running app."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from bot.ids import ActionId, BlockId, CallbackId
from bot.services import cohorts
from storage.models import AuditEvent, Cohort, CohortState
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.cohort_kit import cohort_form_values, next_monday, utc_today
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID, WORKSPACE_ADMIN_USER_ID
from tests.fakes.slack_requests import unchanged_values


def run_command(bot, text: str, *, user_id: str = ADMIN_USER_ID, trigger_id: str | None = None) -> str:
    """Send `/mentor-admin <text>`; return the response_url to read the answer from."""
    response_url = bot.fake.new_response_url()
    result = bot.slack.command(
        "/mentor-admin", text, user_id=user_id, response_url=response_url, trigger_id=trigger_id
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3, "Slack gives up after 3 seconds"
    return response_url


def answer_to(bot, text: str, *, user_id: str = ADMIN_USER_ID) -> dict:
    return bot.fake.wait_for_response(run_command(bot, text, user_id=user_id))


def submit(bot, values: dict, *, user_id: str = ADMIN_USER_ID, private_metadata: str = "") -> dict:
    """Submit the cohort modal; return the ack body Slack would act on."""
    result = bot.slack.view_submission(
        user_id=user_id, callback_id=CallbackId.COHORT_MODAL, values=values, private_metadata=private_metadata
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3
    return result.json() if result.body else {}


def click_edit(bot, *, cohort_id: int | str, user_id: str = ADMIN_USER_ID, response_url: str | None = None):
    result = bot.slack.block_action(
        user_id=user_id,
        action_id=ActionId.COHORT_EDIT,
        value=str(cohort_id),
        block_id=BlockId.COHORT_ACTIONS,
        message={"text": "Cohort", "blocks": []},
        response_url=response_url,
    )
    assert result.status == 200, result.body
    return result


def saved_cohorts(uow_factory) -> list[Cohort]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(Cohort).order_by(Cohort.id)))


def audit_actions(uow_factory) -> list[str]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def create_through_the_modal(bot, **overrides) -> Cohort:
    assert submit(bot, cohort_form_values(**overrides)) == {"response_action": "clear"}
    bot.fake.wait_for_call("chat.postMessage", predicate=lambda call: "created" in call.args["text"])


def dm_texts(bot, user_id: str) -> list[str]:
    return [message["text"] for message in bot.fake.messages(user_id)]


# Creating


def test_an_admin_without_a_cohort_gets_the_create_modal(running_bot):
    run_command(running_bot, "cohort", trigger_id="111.222.create")
    call = running_bot.fake.wait_for_call("views.open")
    assert call.args["trigger_id"] == "111.222.create"
    view = call.args["view"]
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.COHORT_MODAL
    assert view["title"]["text"] == "New cohort"
    assert view["private_metadata"] == ""
    starts = next(b for b in view["blocks"] if b.get("block_id") == BlockId.COHORT_START_DATE)
    assert starts["element"]["initial_date"] == next_monday().isoformat()


def test_a_valid_submission_saves_the_cohort_closes_the_modal_and_tells_the_admin(running_bot, uow_factory):
    start = utc_today() + timedelta(days=10)
    ack = submit(
        running_bot,
        cohort_form_values(
            name="  Spring ☀️ 2026 ",
            start_date=start.isoformat(),
            weeks="16",
            cadence="4",
            weekday="3",
            hour="14",
            same_department=True,
            employees_per_executive="3",
            executives_per_employee="2",
        ),
    )
    assert ack == {"response_action": "clear"}
    [cohort] = saved_cohorts(uow_factory)
    assert cohort.team_id == running_bot.fake.team_id
    assert cohort.name == "Spring ☀️ 2026"
    assert cohort.state == CohortState.DRAFT
    assert (cohort.start_date, cohort.weeks, cohort.cadence_weeks) == (start, 16, 4)
    assert (cohort.checkin_weekday, cohort.checkin_hour, cohort.allow_same_department) == (3, 14, True)
    assert (cohort.employees_per_executive, cohort.executives_per_employee) == (3, 2)
    assert cohort.created_by_user_id == ADMIN_USER_ID
    with uow_factory() as uow:
        [event] = uow.session.scalars(select(AuditEvent)).all()
        assert (event.action, event.actor_user_id, event.target) == (
            "cohort.create",
            ADMIN_USER_ID,
            f"cohort:{cohort.id}",
        )
        assert event.details["weeks"] == 16
    call = running_bot.fake.wait_for_call("chat.postMessage")
    assert call.args["channel"] == ADMIN_USER_ID, "the summary comes as a DM"
    body = {"text": call.args["text"], "blocks": call.args["blocks"]}
    assert_valid_message(body)
    rendered = json.dumps(body)
    assert "Cohort *Spring ☀️ 2026* created." in json.loads(rendered)["blocks"][0]["text"]["text"]
    assert "Thursdays at 14:00, each person's local time" in rendered
    end = start + timedelta(weeks=16)
    assert f"{end:%a} {end.day} {end:%b %Y}" in rendered
    assert ActionId.COHORT_EDIT in rendered


def test_an_invalid_submission_is_answered_inline_and_nothing_is_saved(running_bot, uow_factory):
    ack = submit(
        running_bot,
        cohort_form_values(
            name="<!channel> party",
            start_date=(utc_today() - timedelta(days=30)).isoformat(),
            weeks="99",
            cadence="3",
            weekday="6",
            hour="22",
            employees_per_executive="9",
            executives_per_employee="0",
        ),
    )
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {
        BlockId.COHORT_NAME,
        BlockId.COHORT_START_DATE,
        BlockId.COHORT_WEEKS,
        BlockId.COHORT_CADENCE,
        BlockId.COHORT_CHECKIN_WEEKDAY,
        BlockId.COHORT_CHECKIN_HOUR,
        BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE,
        BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE,
    }
    assert "in the past" in ack["errors"][BlockId.COHORT_START_DATE]
    assert "weekdays only" in ack["errors"][BlockId.COHORT_CHECKIN_WEEKDAY]
    assert saved_cohorts(uow_factory) == []
    assert audit_actions(uow_factory) == []
    assert running_bot.fake.calls_to("chat.postMessage") == []


def test_an_empty_or_mangled_submission_gets_inline_errors_not_a_crash(running_bot, uow_factory):
    ack = submit(running_bot, {})
    assert ack["response_action"] == "errors"
    assert BlockId.COHORT_NAME in ack["errors"]
    ack = submit(
        running_bot, cohort_form_values(name="x" * 5000, weeks={"type": "number_input", "value": ["12"]})
    )
    assert set(ack["errors"]) == {BlockId.COHORT_NAME, BlockId.COHORT_WEEKS}
    assert saved_cohorts(uow_factory) == []


# Showing and editing


def test_the_command_shows_the_current_cohort_once_there_is_one(running_bot, uow_factory):
    create_through_the_modal(running_bot, name="Spring 2026")
    running_bot.fake.reset()
    answer = answer_to(running_bot, "cohort")
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    rendered = json.dumps(answer)
    assert "Cohort: Spring 2026" in rendered
    assert "Draft" in rendered
    assert "Tuesdays at 10:00, each person's local time" in rendered
    assert "Same-department pairs: not allowed" in rendered
    assert ActionId.COHORT_EDIT in rendered
    assert running_bot.fake.calls_to("views.open") == []


def test_status_shows_the_cohort(running_bot):
    create_through_the_modal(running_bot, name="Spring 2026")
    answer = answer_to(running_bot, "status")
    assert "Current cohort: *Spring 2026* (draft)." in json.dumps(answer)


def test_edit_opens_the_modal_with_the_saved_values_and_saves_the_changes(running_bot, uow_factory):
    create_through_the_modal(
        running_bot, name="Spring 2026", weekday="3", hour="15", employees_per_executive="2"
    )
    [cohort] = saved_cohorts(uow_factory)
    running_bot.fake.reset()
    click_edit(running_bot, cohort_id=cohort.id)
    view = running_bot.fake.wait_for_call("views.open").args["view"]
    assert_valid_view(view)
    assert view["title"]["text"] == "Edit cohort"
    assert json.loads(view["private_metadata"]) == {"cohort_id": cohort.id}
    values = unchanged_values(view)
    assert values[BlockId.COHORT_NAME][ActionId.COHORT_FIELD]["value"] == "Spring 2026"
    assert values[BlockId.COHORT_CHECKIN_HOUR][ActionId.COHORT_FIELD]["selected_option"]["value"] == "15"
    values[BlockId.COHORT_NAME][ActionId.COHORT_FIELD]["value"] = "Spring 2026 (EMEA)"
    values[BlockId.COHORT_WEEKS][ActionId.COHORT_FIELD]["value"] = "10"
    assert submit(running_bot, values, private_metadata=view["private_metadata"]) == {
        "response_action": "clear"
    }
    [saved] = saved_cohorts(uow_factory)
    assert (saved.id, saved.name, saved.weeks, saved.checkin_weekday, saved.employees_per_executive) == (
        cohort.id,
        "Spring 2026 (EMEA)",
        10,
        3,
        2,
    )
    assert audit_actions(uow_factory) == ["cohort.create", "cohort.update"]
    call = running_bot.fake.wait_for_call("chat.postMessage")
    assert "Cohort *Spring 2026 (EMEA)* saved." in json.dumps(call.args["blocks"])


def test_cohort_edit_opens_the_edit_modal_and_says_so_when_there_is_nothing_to_edit(running_bot):
    answer = answer_to(running_bot, "cohort edit")
    assert answer["text"].startswith("There is no cohort yet.")
    assert running_bot.fake.calls_to("views.open") == []
    create_through_the_modal(running_bot)
    run_command(running_bot, "Cohort  EDIT", trigger_id="333.444.edit")
    call = running_bot.fake.wait_for_call("views.open")
    assert call.args["trigger_id"] == "333.444.edit"
    assert call.args["view"]["title"]["text"] == "Edit cohort"


def test_an_active_cohort_refuses_a_new_start_date_but_takes_a_new_name(running_bot, uow_factory):
    create_through_the_modal(running_bot, name="Spring 2026")
    [cohort] = saved_cohorts(uow_factory)
    for state in (CohortState.ENROLLING, CohortState.ACTIVE):
        cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=running_bot.fake.team_id,
            cohort_id=cohort.id,
            actor_user_id="U0X",
            to_state=state,
        )
    running_bot.fake.reset()
    click_edit(running_bot, cohort_id=cohort.id)
    view = running_bot.fake.wait_for_call("views.open").args["view"]
    assert "only its name and the check-in day and hour can change" in json.dumps(view)
    values = unchanged_values(view)
    moved = (cohort.start_date + timedelta(days=7)).isoformat()
    values[BlockId.COHORT_START_DATE][ActionId.COHORT_FIELD]["selected_date"] = moved
    values[BlockId.COHORT_NAME][ActionId.COHORT_FIELD]["value"] = "Renamed"
    ack = submit(running_bot, values, private_metadata=view["private_metadata"])
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {BlockId.COHORT_START_DATE}
    assert "fixed once the cohort is active" in ack["errors"][BlockId.COHORT_START_DATE]
    assert (saved_cohorts(uow_factory)[0].name, saved_cohorts(uow_factory)[0].start_date) == (
        "Spring 2026",
        cohort.start_date,
    )
    values[BlockId.COHORT_START_DATE][ActionId.COHORT_FIELD]["selected_date"] = cohort.start_date.isoformat()
    assert submit(running_bot, values, private_metadata=view["private_metadata"]) == {
        "response_action": "clear"
    }
    assert saved_cohorts(uow_factory)[0].name == "Renamed"


def test_a_second_cohort_is_refused_while_one_is_open(running_bot, uow_factory):
    create_through_the_modal(running_bot, name="Spring 2026")
    running_bot.fake.reset()
    answer = answer_to(running_bot, "cohort new")
    assert "*Spring 2026* is still draft" in answer["text"]
    assert "one cohort at a time" in answer["text"]
    assert running_bot.fake.calls_to("views.open") == []
    # A create modal opened earlier (or by another admin) and submitted now.
    ack = submit(running_bot, cohort_form_values(name="Summer 2026"))
    assert ack["response_action"] == "update"
    assert_valid_view(ack["view"])
    assert "one cohort at a time" in json.dumps(ack["view"])
    assert [cohort.name for cohort in saved_cohorts(uow_factory)] == ["Spring 2026"]


def test_a_new_cohort_can_be_created_once_the_last_one_is_closed(running_bot, uow_factory):
    create_through_the_modal(running_bot, name="Spring 2026")
    [first] = saved_cohorts(uow_factory)
    for state in (CohortState.ENROLLING, CohortState.ACTIVE, CohortState.CLOSED):
        cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=running_bot.fake.team_id,
            cohort_id=first.id,
            actor_user_id="U0X",
            to_state=state,
        )
    run_command(running_bot, "cohort new")
    assert running_bot.fake.wait_for_call("views.open").args["view"]["title"]["text"] == "New cohort"
    # The Edit button of the closed cohort's old summary no longer edits anything.
    response_url = running_bot.fake.new_response_url()
    click_edit(running_bot, cohort_id=first.id, response_url=response_url)
    assert "closed or replaced" in running_bot.fake.wait_for_response(response_url)["text"]
    assert len(running_bot.fake.calls_to("views.open")) == 1


def test_a_stale_edit_form_for_a_closed_cohort_is_not_saved(running_bot, uow_factory):
    create_through_the_modal(running_bot, name="Spring 2026")
    [cohort] = saved_cohorts(uow_factory)
    for state in (CohortState.ENROLLING, CohortState.ACTIVE, CohortState.CLOSED):
        cohorts.advance_cohort_state(
            uow=uow_factory(),
            team_id=running_bot.fake.team_id,
            cohort_id=cohort.id,
            actor_user_id="U0X",
            to_state=state,
        )
    ack = submit(
        running_bot,
        cohort_form_values(name="Too late"),
        private_metadata=json.dumps({"cohort_id": cohort.id}),
    )
    assert ack["response_action"] == "update"
    assert "closed or replaced" in json.dumps(ack["view"])
    ack = submit(running_bot, cohort_form_values(name="Forged"), private_metadata="not json")
    assert ack["response_action"] == "update"
    assert [c.name for c in saved_cohorts(uow_factory)] == ["Spring 2026"]


def test_unknown_cohort_words_get_the_cohort_usage(running_bot):
    answer = answer_to(running_bot, "cohort delete everything")
    assert answer["text"].startswith("I don't know `/mentor-admin cohort delete everything`")
    assert "/mentor-admin cohort new" in json.dumps(answer)
    assert running_bot.fake.calls_to("views.open") == []


def test_a_workspace_admin_can_create_a_cohort(running_bot, uow_factory):
    assert submit(running_bot, cohort_form_values(), user_id=WORKSPACE_ADMIN_USER_ID) == {
        "response_action": "clear"
    }
    assert saved_cohorts(uow_factory)[0].created_by_user_id == WORKSPACE_ADMIN_USER_ID


# Non-admins


def test_a_non_admin_cannot_use_the_command(running_bot, uow_factory):
    for text in ("cohort", "cohort new", "cohort edit"):
        answer = answer_to(running_bot, text, user_id=EMPLOYEE_USER_ID)
        assert "only program admins" in answer["text"]
    assert running_bot.fake.calls_to("views.open") == []
    assert saved_cohorts(uow_factory) == []


def test_a_non_admin_clicking_edit_is_refused(running_bot, uow_factory):
    create_through_the_modal(running_bot, name="Spring 2026")
    [cohort] = saved_cohorts(uow_factory)
    running_bot.fake.reset()
    response_url = running_bot.fake.new_response_url()
    click_edit(running_bot, cohort_id=cohort.id, user_id=EMPLOYEE_USER_ID, response_url=response_url)
    assert "only program admins" in running_bot.fake.wait_for_response(response_url)["text"]
    # Without a response_url (a button somewhere else), the refusal comes as a DM.
    click_edit(running_bot, cohort_id=cohort.id, user_id=EMPLOYEE_USER_ID)
    running_bot.fake.wait_for_call("chat.postMessage")
    assert any("only program admins" in text for text in dm_texts(running_bot, EMPLOYEE_USER_ID))
    assert running_bot.fake.calls_to("views.open") == []


def test_a_forged_submission_from_a_non_admin_changes_nothing(running_bot, uow_factory):
    ack = submit(running_bot, cohort_form_values(name="Mine now"), user_id=EMPLOYEE_USER_ID)
    assert ack["response_action"] == "update"
    assert "only program admins" in json.dumps(ack["view"])
    assert saved_cohorts(uow_factory) == []
    create_through_the_modal(running_bot, name="Spring 2026")
    [cohort] = saved_cohorts(uow_factory)
    ack = submit(
        running_bot,
        cohort_form_values(name="Hijacked", start_date=cohort.start_date.isoformat()),
        user_id=EMPLOYEE_USER_ID,
        private_metadata=json.dumps({"cohort_id": cohort.id}),
    )
    assert "only program admins" in json.dumps(ack["view"])
    assert [c.name for c in saved_cohorts(uow_factory)] == ["Spring 2026"]
    assert audit_actions(uow_factory) == ["cohort.create"]


def test_dates_in_the_summary_count_whole_weeks_from_the_start(running_bot, uow_factory):
    start = next_monday()
    create_through_the_modal(running_bot, start_date=start.isoformat(), weeks="4")
    answer = answer_to(running_bot, "cohort")
    end: date = start + timedelta(weeks=4)
    assert f"{end:%a} {end.day} {end:%b %Y} (4 weeks)" in json.dumps(answer)
