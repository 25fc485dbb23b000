"""Self-service pure code: reading `/mentor pause [weeks]`, the views, and the next check-in."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.errors import ParticipationGoneError, PauseWeeksError
from bot.ids import ActionId, CallbackId
from bot.local_time import SendWindow
from bot.services.participation import (
    LeaveForm,
    LeaveResult,
    ParticipationStatus,
    PauseResult,
    next_checkin_time,
    parse_pause_weeks,
)
from bot.views.participation import (
    build_leave_modal,
    left_view,
    participant_left_admin_message,
    participation_status_message,
    partner_left_message,
    paused_message,
    read_delete_data,
    read_leave_metadata,
)
from storage.models import Cohort, CohortState, EnrollmentState
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.fakes.slack_requests import checkboxes_value

LONG = "Ü" * 400 + "<&>"


@pytest.mark.parametrize(
    ("args", "weeks"),
    [
        ((), 2),
        (("1",), 1),
        (("12",), 12),
        (("3", "weeks"), 3),
        (("4w",), 4),
        (("1", "week"), 1),
        ((" 5 ",), 5),
    ],
)
def test_pause_weeks_are_read_the_way_people_type_them(args, weeks):
    assert parse_pause_weeks(args) == weeks


@pytest.mark.parametrize(
    "args",
    [
        ("0",),
        ("13",),
        ("100",),
        ("two",),
        ("-1",),
        ("1.5",),
        ("3", "days"),
        ("٣",),
        ("`x`" * 50,),
        ("2", "3"),
    ],
)
def test_a_bad_pause_length_says_the_range(args):
    with pytest.raises(PauseWeeksError) as raised:
        parse_pause_weeks(args)
    assert "1 to 12 weeks" in raised.value.user_message
    assert "2 weeks" in raised.value.user_message
    assert len(raised.value.user_message) < 400


def status(**overrides):
    values = {
        "cohort_id": 7,
        "cohort_name": LONG,
        "cohort_state": CohortState.ENROLLING,
        "role": "employee",
        "state": EnrollmentState.SURVEYED,
        "paused_until": None,
        "partner_user_ids": (),
        "next_checkin_at": None,
        "zone_name": "Europe/Paris",
    }
    return ParticipationStatus(**(values | overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"cohort_id": None, "cohort_name": None, "state": None},
        {"state": None},
        {},
        {"state": EnrollmentState.PAUSED, "paused_until": date(2026, 6, 9)},
        {"state": EnrollmentState.LEFT},
        {
            "state": EnrollmentState.MATCHED,
            "partner_user_ids": ("U0EXEC0001",),
            "next_checkin_at": datetime(2026, 6, 9, 8, tzinfo=UTC),
        },
    ],
)
def test_status_message_is_valid_block_kit(overrides):
    body = participation_status_message(status(**overrides))
    assert_valid_message(body)
    assert "<&>" not in json.dumps(body)


def test_status_shows_the_next_check_in_in_the_person_s_zone():
    body = participation_status_message(
        status(
            state=EnrollmentState.MATCHED,
            partner_user_ids=("U0EXEC0001",),
            next_checkin_at=datetime(2026, 6, 9, 8, tzinfo=UTC),
        )
    )
    assert "<@U0EXEC0001>" in body["text"]
    assert "Tuesday 9 June 2026 at 10:00 (Europe/Paris)" in body["text"]


def test_status_after_pairs_were_made_without_a_partner_says_next_round():
    body = participation_status_message(status(cohort_state=CohortState.ACTIVE))
    assert "no partner for you this round" in body["text"]
    assert "after pairs are made" not in body["text"]
    before = participation_status_message(status())
    assert "after pairs are made" in before["text"]


def test_leave_modal_offers_deleting_data_and_reads_back():
    view = build_leave_modal(LeaveForm(cohort_id=7, cohort_name=LONG, has_partner=True))
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.LEAVE_MODAL
    assert read_leave_metadata(view["private_metadata"]) == 7
    box = next(b for b in view["blocks"] if b["type"] == "input")
    assert box["element"]["action_id"] == ActionId.LEAVE_DELETE_DATA
    ticked = {box["block_id"]: {box["element"]["action_id"]: checkboxes_value(["delete"])}}
    assert read_delete_data(ticked) is True
    assert read_delete_data({box["block_id"]: {box["element"]["action_id"]: checkboxes_value([])}}) is False
    assert read_delete_data(None) is False
    assert read_delete_data({"x": "y"}) is False


@pytest.mark.parametrize("metadata", [None, "", "[]", "{}", '{"cohort_id": "7"}', '{"cohort_id": -1}', "{"])
def test_leave_metadata_we_did_not_write_is_refused(metadata):
    with pytest.raises(ParticipationGoneError):
        read_leave_metadata(metadata)


@pytest.mark.parametrize("selected", [True, 3, None, "delete", {"value": "delete"}])
def test_a_delete_box_of_the_wrong_shape_means_no_deletion_not_a_crash(selected):
    # Found by fuzzing: `"selected_options": true` raised TypeError and the leave modal failed.
    view = build_leave_modal(LeaveForm(cohort_id=7, cohort_name="Spring", has_partner=True))
    box = next(b for b in view["blocks"] if b["type"] == "input")
    state = {
        box["block_id"]: {box["element"]["action_id"]: {"type": "checkboxes", "selected_options": selected}}
    }
    assert read_delete_data(state) is False


def test_deeply_nested_leave_metadata_is_refused_not_a_recursion_error():
    # Found by fuzzing: json.loads raises RecursionError, which the submission did not expect (HTTP 500).
    with pytest.raises(ParticipationGoneError):
        read_leave_metadata("[" * 5000)


@pytest.mark.parametrize("leaver", ["U0EMPL001", None])
def test_left_notices_give_no_reason_and_name_nobody_after_deletion(leaver):
    for body in (
        partner_left_message(cohort_name=LONG, leaver_user_id=leaver),
        participant_left_admin_message(cohort_name=LONG, leaver_user_id=leaver),
    ):
        assert_valid_message(body)
        assert ("<@" in body["text"]) is (leaver is not None)
    assert_valid_view(
        left_view(LeaveResult(cohort_name=LONG, deleted_data=True, partners_told=1, admins_told=1))
    )
    assert_valid_message(paused_message(PauseResult(cohort_id=7, cohort_name=LONG, until=date(2026, 6, 9))))


def cohort(**overrides) -> Cohort:
    values = {
        "team_id": "T1",
        "name": "c",
        "state": CohortState.ACTIVE,
        "start_date": date(2026, 6, 1),  # a Monday
        "weeks": 12,
        "cadence_weeks": 2,
        "checkin_weekday": 1,
        "checkin_hour": 10,
    }
    return Cohort(**(values | overrides))


def test_next_check_in_follows_the_cadence_in_local_time():
    window = SendWindow()
    before = datetime(2026, 5, 1, tzinfo=UTC)
    first = next_checkin_time(cohort=cohort(), zone_name="America/Los_Angeles", window=window, now=before)
    # Period 1 is 1-14 June; its check-in is in its last week: Tuesday 9 June, 10:00 PDT.
    assert first == datetime(2026, 6, 9, 17, tzinfo=UTC)
    second = next_checkin_time(cohort=cohort(), zone_name="America/Los_Angeles", window=window, now=first)
    assert second == datetime(2026, 6, 23, 17, tzinfo=UTC)
    after_end = datetime(2026, 9, 1, tzinfo=UTC)
    assert next_checkin_time(cohort=cohort(), zone_name="Europe/Paris", window=window, now=after_end) is None


def test_a_check_in_hour_outside_the_window_is_held_to_its_start():
    early = cohort(checkin_hour=6)
    at = next_checkin_time(
        cohort=early, zone_name="Europe/Paris", window=SendWindow(), now=datetime(2026, 5, 1, tzinfo=UTC)
    )
    assert at == datetime(2026, 6, 9, 6, tzinfo=UTC)  # 08:00 CEST
