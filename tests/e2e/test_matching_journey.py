"""`/mentor-admin match`, its buttons, `pair` and `unpair`, through signed HTTP and the fake Slack.

People are enrolled as the survey leaves them; everything after that goes through Slack:
the command, the preview, Re-run and Confirm clicks, and the intros the dispatcher sends.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest

from bot.ids import ActionId
from storage.models import CohortState, OutboxMessage, PersonRole
from tests.blockkit import assert_valid_message
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.delivery_kit import drain, make_dispatcher
from tests.e2e.test_commands import run_command
from tests.matching_kit import skill_ids, surveyed

EMPLOYEE, EXECUTIVE = PersonRole.EMPLOYEE, PersonRole.EXECUTIVE
PEOPLE = [
    ("U0EMPA0001", EMPLOYEE, ["ai-tools", "social-media"], ["leadership"], "Sales", "America/Los_Angeles"),
    ("U0EMPB0001", EMPLOYEE, ["wellbeing"], ["strategy"], "Design", "Europe/Paris"),
    ("U0EXEA0001", EXECUTIVE, ["leadership"], ["ai-tools", "social-media"], "Finance", "Asia/Tokyo"),
    ("U0EXEB0001", EXECUTIVE, ["strategy"], ["wellbeing"], "Legal", "Europe/London"),
    ("U0EMPC0001", EMPLOYEE, ["hybrid-work"], ["career-growth"], "Ops", "Pacific/Auckland"),
]


@pytest.fixture
def settings(settings):
    """DMs may go out at any hour here, so intros are due at once whatever the time of the run."""
    return dataclasses.replace(
        settings, send_window_start_hour=0, send_window_end_hour=24, send_on_weekends=True
    )


@pytest.fixture
def cohort_id(running_bot, uow_factory) -> int:
    team_id = running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id, state=CohortState.ENROLLING, name="Spring & Co 2026")
    for user_id, role, share, learn, department, tz in PEOPLE:
        running_bot.fake.add_user(user_id, name=user_id.lower(), real_name=f"Person {user_id[2:6]}", tz=tz)
        surveyed(
            uow_factory,
            team_id=team_id,
            cohort_id=cohort.id,
            user_id=user_id,
            role=role,
            share=share,
            learn=learn,
            department=department,
            tz=tz,
            real_name=f"Person {user_id[2:6]}",
        )
    return cohort.id


def click(bot, action_id: str, value: str, *, user_id: str = ADMIN_USER_ID, count: int = 1) -> dict:
    """Click a button of an ephemeral answer and return what the bot sent to its response_url."""
    response_url = bot.fake.new_response_url()
    result = bot.slack.block_action(
        user_id=user_id,
        action_id=action_id,
        value=value,
        response_url=response_url,
        container={"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL1", "is_ephemeral": True},
    )
    assert result.status == 200
    assert result.elapsed_seconds < 3
    return bot.fake.wait_for_response(response_url, count=count)


def button(answer: dict, action_id: str) -> dict | None:
    for block in answer.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("action_id") == action_id:
                return element
    return None


def outbox(uow_factory) -> list[OutboxMessage]:
    with uow_factory() as uow:
        return list(uow.session.query(OutboxMessage).order_by(OutboxMessage.id))


def test_preview_rerun_confirm_and_intros_arrive_once_per_pair(running_bot, uow_factory, cohort_id):
    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)

    assert_valid_message(preview)
    shown = json.dumps(preview)
    assert "<@U0EMPA0001>" in shown
    assert "<@U0EXEA0001>" in shown
    assert "AI and new tools" in shown
    assert "<@U0EMPC0001>" in shown, "the unmatched are listed with why"
    assert "Spring &amp; Co 2026" in shown
    confirm = button(preview, ActionId.MATCH_CONFIRM)
    assert confirm is not None
    assert "confirm" in confirm, "Confirm asks before sending intros"
    assert outbox(uow_factory) == [], "nothing is live before Confirm"

    rerun = click(running_bot, ActionId.MATCH_RERUN, button(preview, ActionId.MATCH_RERUN)["value"])
    assert rerun["replace_original"] is True
    new_confirm = button(rerun, ActionId.MATCH_CONFIRM)
    assert new_confirm["value"] != confirm["value"]

    stale = click(running_bot, ActionId.MATCH_CONFIRM, confirm["value"])
    assert "newer preview" in json.dumps(stale).lower()
    assert button(stale, ActionId.MATCH_RERUN) is not None
    assert outbox(uow_factory) == []

    confirmed = click(running_bot, ActionId.MATCH_CONFIRM, new_confirm["value"])
    assert confirmed["replace_original"] is True
    assert "2 pairs" in confirmed["text"]

    fake = running_bot.fake
    dispatcher = make_dispatcher(uow_factory, fake)
    drain(dispatcher)
    drain(dispatcher)
    opened = [
        call.args["users"] for call in fake.calls_to("conversations.open") if "," in str(call.args["users"])
    ]
    assert sorted(opened) == ["U0EMPA0001,U0EXEA0001", "U0EMPB0001,U0EXEB0001"]
    intros = [m for m in outbox(uow_factory) if m.kind == "intro"]
    assert len(intros) == 2
    assert {m.status for m in intros} == {"sent"}
    channel = next(m.channel_id for m in intros if m.recipient == "U0EMPA0001,U0EXEA0001")
    messages = fake.messages(channel)
    assert len(messages) == 1, "one intro per pair, however often the dispatcher runs"
    body = json.dumps(messages[0])
    for expected in ("AI and new tools", "Social media", "Leadership", "<@U0EXEA0001>", "<@U0EMPA0001>"):
        assert expected in body
    lonely = fake.messages("DU0EMPC0001")
    assert len(lonely) == 1
    assert "next round" in json.dumps(lonely[0])

    again = click(running_bot, ActionId.MATCH_CONFIRM, new_confirm["value"])
    assert "already confirmed" in json.dumps(again).lower()
    assert len([m for m in outbox(uow_factory) if m.kind == "intro"]) == 2


def test_a_preview_whose_answers_changed_is_refused_until_re_run(running_bot, uow_factory, cohort_id):
    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)
    ids = skill_ids(uow_factory, team_id=running_bot.fake.team_id)
    with uow_factory() as uow:
        enrollment = next(
            e for e, p in uow.pairings.participants(cohort_id=cohort_id) if p.user_id == "U0EMPB0001"
        )
        uow.enrollments.replace_skills(
            team_id=running_bot.fake.team_id,
            enrollment_id=enrollment.id,
            share=[ids["data-literacy"]],
            learn=[ids["strategy"]],
        )
        uow.commit()

    stale = click(running_bot, ActionId.MATCH_CONFIRM, button(preview, ActionId.MATCH_CONFIRM)["value"])

    assert "1 person changed their answers" in json.dumps(stale) or "changed their answers" in json.dumps(
        stale
    )
    assert outbox(uow_factory) == []
    fresh = click(running_bot, ActionId.MATCH_RERUN, button(stale, ActionId.MATCH_RERUN)["value"])
    done = click(running_bot, ActionId.MATCH_CONFIRM, button(fresh, ActionId.MATCH_CONFIRM)["value"])
    assert "pairs are live" in done["text"] or "live" in done["text"]


def test_pair_override_needs_confirmation_when_it_breaks_a_rule(running_bot, uow_factory, cohort_id):
    with uow_factory() as uow:
        for enrollment, person in uow.pairings.participants(cohort_id=cohort_id):
            if person.user_id in ("U0EMPC0001", "U0EXEB0001"):
                enrollment.department = "Legal"
        uow.commit()
    run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)

    check = run_command(
        running_bot, "/mentor-admin", "pair <@U0EMPC0001|c> <@U0EXEB0001|b>", user_id=ADMIN_USER_ID
    )
    assert "same department" in json.dumps(check)
    anyway = button(check, ActionId.PAIR_ANYWAY)
    assert anyway is not None

    paired = click(running_bot, ActionId.PAIR_ANYWAY, anyway["value"])
    shown = json.dumps(paired)
    assert "<@U0EMPC0001>" in shown
    assert button(paired, ActionId.MATCH_CONFIRM) is not None, "the adjusted preview comes back to confirm"
    confirmed = click(running_bot, ActionId.MATCH_CONFIRM, button(paired, ActionId.MATCH_CONFIRM)["value"])
    assert "live" in confirmed["text"]
    assert "U0EMPC0001,U0EXEB0001" in [m.recipient for m in outbox(uow_factory) if m.kind == "intro"]


def test_unpair_in_an_active_cohort_tells_both_kindly(running_bot, uow_factory, cohort_id):
    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)
    click(running_bot, ActionId.MATCH_CONFIRM, button(preview, ActionId.MATCH_CONFIRM)["value"])

    answer = run_command(running_bot, "/mentor-admin", "unpair <@U0EXEA0001>", user_id=ADMIN_USER_ID)

    assert "<@U0EMPA0001>" in json.dumps(answer)
    ended = sorted(m.recipient for m in outbox(uow_factory) if m.kind == "pairing_ended")
    assert ended == ["U0EMPA0001", "U0EXEA0001"]
    again = run_command(running_bot, "/mentor-admin", "unpair <@U0EXEA0001>", user_id=ADMIN_USER_ID)
    assert "nothing to unpair" in again["text"]


def test_a_non_admin_cannot_confirm_a_real_preview(running_bot, uow_factory, cohort_id):
    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)
    refused = click(
        running_bot,
        ActionId.MATCH_CONFIRM,
        button(preview, ActionId.MATCH_CONFIRM)["value"],
        user_id=EMPLOYEE_USER_ID,
    )
    assert "only program admins" in refused["text"]
    assert outbox(uow_factory) == []


def test_a_forged_confirm_value_changes_nothing(running_bot, uow_factory, cohort_id):
    run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)
    for value in ("", "abc", "999999:0", "1:-1", "1:0:0", "🤖"):
        answer = click(running_bot, ActionId.MATCH_CONFIRM, value)
        assert "something went wrong" not in json.dumps(answer).lower()
    assert outbox(uow_factory) == []


def test_a_big_preview_is_summarised_and_the_full_list_arrives_as_a_file(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    cohort = make_cohort(uow_factory, team_id=team_id, state=CohortState.ENROLLING)
    keys = ["ai-tools", "social-media", "wellbeing", "hybrid-work", "data-literacy"]
    for i in range(40):
        surveyed(
            uow_factory,
            team_id=team_id,
            cohort_id=cohort.id,
            user_id=f"U0E{i:07d}",
            role=EMPLOYEE,
            share=[keys[i % 5], keys[(i + 1) % 5]],
            learn=["leadership"],
            department=f"Dept {i % 7}",
        )
        surveyed(
            uow_factory,
            team_id=team_id,
            cohort_id=cohort.id,
            user_id=f"U0X{i:07d}",
            role=EXECUTIVE,
            share=["leadership"],
            learn=[keys[(i * 3) % 5]],
            department=f"Dept {i % 5}",
        )

    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)

    assert_valid_message(preview)
    assert len(preview["blocks"]) <= 50
    files = running_bot.fake.uploaded_files
    assert len(files) == 1
    assert files[0].filename in json.dumps(preview), "the message names the attached file"
    rows = list(csv.reader(io.StringIO(files[0].content.decode("utf-8"))))
    pair_rows = [row for row in rows[1:] if row[0].startswith("pair")]
    assert len(pair_rows) == 40
    assert files[0].channel_id == f"D{ADMIN_USER_ID}"


def test_remove_ends_the_pairing_and_tells_the_partner_kindly(running_bot, uow_factory, cohort_id):
    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)
    click(running_bot, ActionId.MATCH_CONFIRM, button(preview, ActionId.MATCH_CONFIRM)["value"])

    answer = run_command(running_bot, "/mentor-admin", "remove <@U0EXEA0001|a>", user_id=ADMIN_USER_ID)

    assert "<@U0EXEA0001> is no longer taking part" in answer["text"]
    assert "<@U0EMPA0001>" in answer["text"]
    rows = outbox(uow_factory)
    assert [m.recipient for m in rows if m.kind == "pairing_ended"] == ["U0EMPA0001"]
    assert next(m for m in rows if m.recipient == "U0EMPA0001,U0EXEA0001").status == "cancelled"
    again = run_command(running_bot, "/mentor-admin", "remove <@U0EXEA0001>", user_id=ADMIN_USER_ID)
    assert "already left" in again["text"]
