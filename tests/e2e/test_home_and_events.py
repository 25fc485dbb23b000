"""The Home tab and lifecycle events, through signed HTTP into the running app."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from storage.models import Person, Workspace
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID


def test_opening_home_publishes_the_participant_view(running_bot):
    result = running_bot.slack.app_home_opened(EMPLOYEE_USER_ID)
    assert result.status == 200
    call = running_bot.fake.wait_for_call("views.publish")
    assert call.args["user_id"] == EMPLOYEE_USER_ID
    view = call.args["view"]
    assert view["type"] == "home"
    rendered = json.dumps(view)
    assert "not part of a mentoring cohort" in rendered
    assert "Program admin" not in rendered


def test_admins_see_the_admin_part_of_home(running_bot):
    running_bot.slack.app_home_opened(ADMIN_USER_ID)
    view = running_bot.fake.wait_for_call("views.publish").args["view"]
    assert "Program admin" in json.dumps(view)
    assert "There is no cohort yet" in json.dumps(view)


def test_messages_tab_opening_publishes_nothing(running_bot):
    result = running_bot.slack.app_home_opened(EMPLOYEE_USER_ID, tab="messages")
    assert result.status == 200
    time.sleep(0.3)
    assert running_bot.fake.calls_to("views.publish") == []


def test_home_help_button_opens_the_help_modal(running_bot):
    result = running_bot.slack.block_action(
        user_id=EMPLOYEE_USER_ID,
        action_id="open_help",
        trigger_id="12345.98765.abcd",
        view={"id": "V0HOME001", "type": "home"},
    )
    assert result.status == 200
    call = running_bot.fake.wait_for_call("views.open")
    assert call.args["trigger_id"] == "12345.98765.abcd"
    assert call.args["view"]["type"] == "modal"
    assert "/mentor help" in json.dumps(call.args["view"])


def test_home_open_records_the_workspace_but_no_personal_data(running_bot, uow_factory):
    running_bot.slack.app_home_opened(EMPLOYEE_USER_ID)
    running_bot.fake.wait_for_call("views.publish")
    with uow_factory() as uow:
        assert uow.session.scalars(select(Workspace.team_id)).all() == [running_bot.fake.team_id]
        assert uow.session.scalars(select(Person)).all() == []


def test_profile_change_refreshes_a_participants_time_zone(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        uow.people.upsert_profile(
            team_id=team_id, user_id=EMPLOYEE_USER_ID, name="emil", real_name="Emil", tz="America/Los_Angeles"
        )
        uow.commit()
    user = {
        "id": EMPLOYEE_USER_ID,
        "name": "emil",
        "real_name": "Emil E.",
        "tz": "Europe/Berlin",
        "deleted": False,
    }
    assert running_bot.slack.event({"type": "user_change", "user": user}).status == 200
    assert wait_until(lambda: person_field(uow_factory, team_id, "tz") == "Europe/Berlin")
    assert person_field(uow_factory, team_id, "real_name") == "Emil E."


def test_deactivated_participant_is_marked_inactive(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        uow.people.upsert_profile(
            team_id=team_id, user_id=EMPLOYEE_USER_ID, name="emil", real_name=None, tz=None
        )
        uow.commit()
    user = {"id": EMPLOYEE_USER_ID, "name": "emil", "deleted": True}
    running_bot.slack.event({"type": "user_change", "user": user})
    assert wait_until(lambda: person_field(uow_factory, team_id, "active") is False)
    assert person_field(uow_factory, team_id, "deactivated_at") is not None


def test_profile_change_of_a_non_participant_stores_nothing(running_bot, uow_factory):
    user = {"id": "U0STRANGER", "name": "x", "tz": "Asia/Tokyo", "deleted": False}
    running_bot.slack.event({"type": "user_change", "user": user}, event_id="Ev0001")
    running_bot.slack.event(
        {"type": "user_change", "user": user}, event_id="Ev0001", retry_num=1, retry_reason="http_timeout"
    )
    time.sleep(0.3)
    with uow_factory() as uow:
        assert uow.session.scalars(select(Person)).all() == []


def test_uninstall_is_remembered(running_bot, uow_factory):
    assert running_bot.slack.event({"type": "app_uninstalled"}).status == 200

    def uninstalled() -> bool:
        with uow_factory() as uow:
            workspace = uow.workspaces.get(team_id=running_bot.fake.team_id)
            return workspace is not None and workspace.uninstalled_at is not None

    assert wait_until(uninstalled)


def test_revoked_bot_token_is_treated_as_uninstall(running_bot, uow_factory):
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT0001"]}}
    assert running_bot.slack.event(event).status == 200

    def uninstalled() -> bool:
        with uow_factory() as uow:
            workspace = uow.workspaces.get(team_id=running_bot.fake.team_id)
            return workspace is not None and workspace.uninstalled_at is not None

    assert wait_until(uninstalled)


def person_field(uow_factory, team_id: str, field: str):
    with uow_factory() as uow:
        person = uow.people.find(team_id=team_id, user_id=EMPLOYEE_USER_ID)
        return getattr(person, field)


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False
