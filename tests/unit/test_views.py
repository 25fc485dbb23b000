"""Block Kit views stay inside Slack's limits and say what people need."""

from __future__ import annotations

import json

import pytest

from bot.commands import ADMIN_USAGE, MENTOR_USAGE
from bot.ids import ActionId, CallbackId
from bot.views.blocks import section, shorten
from bot.views.help import admin_help_message, help_modal, mentor_help_message, unknown_subcommand_message
from bot.views.home import HomeState, build_home_view
from tests.blockkit import assert_valid_message, assert_valid_view


def test_mentor_help_lists_every_participant_subcommand():
    body = mentor_help_message()
    assert_valid_message(body)
    rendered = json.dumps(body)
    for usage in MENTOR_USAGE:
        assert f"/mentor {usage.syntax}" in rendered
    assert "age or demographics" in rendered


def test_admin_help_names_who_counts_as_admin():
    body = admin_help_message(admin_user_ids=frozenset({"U1", "U2"}), workspace_admins_count=True)
    assert_valid_message(body)
    rendered = json.dumps(body)
    assert "<@U1>" in rendered
    assert "<@U2>" in rendered
    assert "workspace owners and admins" in rendered
    for usage in ADMIN_USAGE:
        assert f"/mentor-admin {usage.syntax}" in rendered


def test_admin_help_says_when_nobody_is_configured():
    body = admin_help_message(admin_user_ids=frozenset(), workspace_admins_count=False)
    assert "MENTOR_ADMINS" in json.dumps(body)


def test_unknown_subcommand_says_what_was_wrong_and_shows_usage():
    body = unknown_subcommand_message(command="/mentor", subcommand="dance" * 100, usage=MENTOR_USAGE)
    assert_valid_message(body)
    assert body["text"].startswith("I don't know `/mentor dance")
    assert "/mentor help" in json.dumps(body)


@pytest.mark.parametrize("is_admin", [True, False])
@pytest.mark.parametrize("enrollment_state", [None, "invited", "surveyed", "matched", "paused", "left"])
def test_home_view_is_valid_for_every_state(is_admin, enrollment_state):
    view = build_home_view(
        HomeState(
            is_admin=is_admin,
            cohort_name="Spring " * 100,
            cohort_state="enrolling",
            enrollment_state=enrollment_state,
        )
    )
    assert_valid_view(view)
    rendered = json.dumps(view)
    assert ActionId.OPEN_HELP in rendered
    assert ("Program admin" in rendered) is is_admin


def test_home_view_without_cohort_tells_admins_there_is_none():
    view = build_home_view(
        HomeState(is_admin=True, cohort_name=None, cohort_state=None, enrollment_state=None)
    )
    assert "There is no cohort yet" in json.dumps(view)
    assert "not part of a mentoring cohort" in json.dumps(view)


def test_help_modal_is_a_valid_modal_with_admin_part_only_for_admins():
    assert_valid_view(help_modal(include_admin=True))
    assert help_modal(include_admin=True)["callback_id"] == CallbackId.HELP_MODAL
    assert "Program admin" in json.dumps(help_modal(include_admin=True))
    assert "Program admin" not in json.dumps(help_modal(include_admin=False))


def test_long_text_is_shortened_to_the_section_limit():
    block = section("x" * 10_000)
    assert len(block["text"]["text"]) == 3000
    assert shorten("abc", 3) == "abc"
    assert shorten("abcd", 3) == "ab…"
