"""Slack lifecycle events through signed HTTP: deactivated participants, retries, uninstalls.

A deactivated participant leaves the cohort (pairing ended, partner and admins told once,
messages to them cancelled); Slack's retries of an event, and new events saying the same
thing, change nothing more; an uninstalled workspace gets nothing sent but keeps its data.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery.outbox import enqueue
from bot.errors import StalePreviewError
from bot.local_time import SendWindow
from bot.services import lifecycle, matchmaking
from bot.services.rhythm import checkin_key
from storage.models import (
    AuditEvent,
    CohortState,
    Enrollment,
    EnrollmentState,
    OutboxMessage,
    OutboxStatus,
    Pairing,
    PairingState,
    PersonRole,
    ProcessedEvent,
)
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.delivery_kit import drain, make_dispatcher
from tests.matching_kit import surveyed

EXECUTIVE_USER_ID = "U0EXEC001"
ANYTIME = SendWindow(start_hour=0, end_hour=24, weekends=True)


# ---- set-up -----------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _cohort_with_two(uow_factory, team_id: str) -> int:
    """An enrolling cohort with an employee and an executive whose skills fit each other."""
    cohort = make_cohort(uow_factory, team_id=team_id, state=CohortState.ENROLLING)
    surveyed(
        uow_factory,
        team_id=team_id,
        cohort_id=cohort.id,
        user_id=EMPLOYEE_USER_ID,
        role=PersonRole.EMPLOYEE,
        share=["ai-tools"],
        learn=["leadership"],
        department="Sales",
    )
    surveyed(
        uow_factory,
        team_id=team_id,
        cohort_id=cohort.id,
        user_id=EXECUTIVE_USER_ID,
        role=PersonRole.EXECUTIVE,
        share=["leadership"],
        learn=["ai-tools"],
        department="Finance",
    )
    return cohort.id


def _preview(uow_factory, team_id: str):
    return matchmaking.run_matching(
        uow=uow_factory(), team_id=team_id, actor_user_id=ADMIN_USER_ID, now=_now()
    )


def _confirm(uow_factory, team_id: str, preview) -> None:
    matchmaking.confirm_matching(
        uow=uow_factory(),
        team_id=team_id,
        actor_user_id=ADMIN_USER_ID,
        run_id=preview.run_id,
        revision=preview.revision,
        now=_now(),
        window=ANYTIME,
        default_timezone="UTC",
    )


def _queue(uow_factory, team_id: str, *, recipient: str, key: str) -> None:
    with uow_factory() as uow:
        enqueue(
            uow,
            team_id=team_id,
            recipient=recipient,
            kind="test",
            dedupe_key=key,
            due_at=_now(),
            text="Hello",
        )
        uow.commit()


@pytest.fixture
def live_pair(running_bot, uow_factory) -> int:
    """The employee and the executive paired and live, with their intro and first check-ins pending,
    plus one message each that has nothing to do with the pair. Returns the pairing id."""
    team_id = running_bot.fake.team_id
    running_bot.fake.add_user(EXECUTIVE_USER_ID, name="xena", real_name="Xena Executive", tz="Europe/Paris")
    _cohort_with_two(uow_factory, team_id)
    _confirm(uow_factory, team_id, _preview(uow_factory, team_id))
    with uow_factory() as uow:
        [pairing] = uow.session.scalars(select(Pairing)).all()
    for user_id in (EMPLOYEE_USER_ID, EXECUTIVE_USER_ID):
        _queue(
            uow_factory,
            team_id,
            recipient=user_id,
            key=checkin_key(pairing_id=pairing.id, period=1, user_id=user_id),
        )
        _queue(uow_factory, team_id, recipient=user_id, key=f"note:{user_id}")
    return pairing.id


def _deactivated_user(running_bot, *, deleted: bool = True) -> dict:
    """The employee's user object as Slack sends it in `user_change` (the fake's directory agrees)."""
    return running_bot.fake.add_user(
        EMPLOYEE_USER_ID, name="emil", real_name="Emil Employee", deleted=deleted
    )


# ---- reading the outcome ----------------------------------------------------------------------


def outbox(uow_factory) -> dict[str, tuple[str, str, OutboxStatus]]:
    """Every message by dedupe key: (recipient, kind, status)."""
    with uow_factory() as uow:
        return {
            row.dedupe_key: (row.recipient, row.kind, row.status)
            for row in uow.session.scalars(select(OutboxMessage))
        }


def message_text(uow_factory, key: str) -> str:
    with uow_factory() as uow:
        row = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()
        return row.payload["text"]


def audit_actions(uow_factory) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        rows = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(row.action, row.actor_user_id) for row in rows if row.actor_user_id == lifecycle.SLACK_ACTOR]


def enrollment_states(uow_factory, team_id: str) -> dict[str, EnrollmentState]:
    with uow_factory() as uow:
        return {
            user_id: uow.enrollments.find(
                cohort_id=uow.cohorts.current(team_id=team_id).id,
                person_id=uow.people.find(team_id=team_id, user_id=user_id).id,
            ).state
            for user_id in (EMPLOYEE_USER_ID, EXECUTIVE_USER_ID)
        }


def pairing_of(uow_factory, pairing_id: int) -> Pairing:
    with uow_factory() as uow:
        return uow.session.get(Pairing, pairing_id)


def handled(uow_factory, team_id: str, event_id: str) -> bool:
    with uow_factory() as uow:
        return uow.events.seen(team_id=team_id, event_id=event_id)


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def deactivate(running_bot, uow_factory, *, event_id: str, **retry) -> None:
    """Send the deactivation and wait until the bot has handled it."""
    user = _deactivated_user(running_bot)
    result = running_bot.slack.event({"type": "user_change", "user": user}, event_id=event_id, **retry)
    assert result.status == 200
    assert wait_until(lambda: handled(uow_factory, running_bot.fake.team_id, event_id))


# ---- deactivation -----------------------------------------------------------------------------


def test_a_deactivated_participant_leaves_and_partner_and_admin_are_told(running_bot, uow_factory, live_pair):
    team_id = running_bot.fake.team_id
    pairing_id = live_pair

    deactivate(running_bot, uow_factory, event_id="Ev0DEACT01")

    pairing = pairing_of(uow_factory, pairing_id)
    assert (pairing.state, pairing.end_reason) == (PairingState.ENDED, "deactivated")
    assert enrollment_states(uow_factory, team_id) == {
        EMPLOYEE_USER_ID: EnrollmentState.LEFT,
        EXECUTIVE_USER_ID: EnrollmentState.SURVEYED,  # back to waiting for the next match
    }
    with uow_factory() as uow:
        person = uow.people.find(team_id=team_id, user_id=EMPLOYEE_USER_ID)
        assert person.active is False
        assert person.deactivated_at is not None
    rows = outbox(uow_factory)
    partner_key = f"pairing:{pairing_id}:deactivated:{EXECUTIVE_USER_ID}"
    assert rows[partner_key] == (EXECUTIVE_USER_ID, "participant_deactivated", OutboxStatus.PENDING)
    assert f"<@{EMPLOYEE_USER_ID}> has left *Spring 2026*" in message_text(uow_factory, partner_key)
    [admin_key] = [key for key, row in rows.items() if row[0] == ADMIN_USER_ID]
    assert rows[admin_key][1:] == ("participant_deactivated", OutboxStatus.PENDING)
    admin_text = message_text(uow_factory, admin_key)
    assert f"<@{EMPLOYEE_USER_ID}>'s Slack account was deactivated" in admin_text
    # Everything about the pair, and everything to the person, is cancelled; the partner's own mail is not.
    assert rows[f"pairing:{pairing_id}:intro"][2] is OutboxStatus.CANCELLED
    for user_id in (EMPLOYEE_USER_ID, EXECUTIVE_USER_ID):
        key = checkin_key(pairing_id=pairing_id, period=1, user_id=user_id)
        assert rows[key][2] is OutboxStatus.CANCELLED
    assert rows[f"note:{EMPLOYEE_USER_ID}"][2] is OutboxStatus.CANCELLED
    assert rows[f"note:{EXECUTIVE_USER_ID}"][2] is OutboxStatus.PENDING
    assert audit_actions(uow_factory) == [("participant.deactivated", "slack")]


def test_a_retried_deactivation_changes_nothing_more(running_bot, uow_factory, live_pair, caplog):
    caplog.set_level(logging.INFO, logger="bot.services.lifecycle")
    deactivate(running_bot, uow_factory, event_id="Ev0DEACT01")
    before = outbox(uow_factory)

    user = _deactivated_user(running_bot)
    result = running_bot.slack.event(
        {"type": "user_change", "user": user}, event_id="Ev0DEACT01", retry_num=1, retry_reason="http_timeout"
    )

    assert result.status == 200
    assert wait_until(lambda: "Ev0DEACT01 was already handled" in caplog.text)
    assert outbox(uow_factory) == before
    assert audit_actions(uow_factory) == [("participant.deactivated", "slack")]


def test_a_new_event_for_someone_already_deactivated_sends_nothing_more(running_bot, uow_factory, live_pair):
    deactivate(running_bot, uow_factory, event_id="Ev0DEACT01")
    before = outbox(uow_factory)

    deactivate(running_bot, uow_factory, event_id="Ev0DEACT02")

    assert outbox(uow_factory) == before
    assert audit_actions(uow_factory) == [("participant.deactivated", "slack")]
    assert pairing_of(uow_factory, live_pair).end_reason == "deactivated"


def test_reactivation_makes_them_active_again_without_enrolling_them(running_bot, uow_factory, live_pair):
    team_id = running_bot.fake.team_id
    deactivate(running_bot, uow_factory, event_id="Ev0DEACT01")
    before = outbox(uow_factory)

    user = _deactivated_user(running_bot, deleted=False)
    running_bot.slack.event({"type": "user_change", "user": user}, event_id="Ev0REACT01")
    assert wait_until(lambda: handled(uow_factory, team_id, "Ev0REACT01"))

    with uow_factory() as uow:
        person = uow.people.find(team_id=team_id, user_id=EMPLOYEE_USER_ID)
        assert (person.active, person.deactivated_at) == (True, None)
    assert enrollment_states(uow_factory, team_id)[EMPLOYEE_USER_ID] is EnrollmentState.LEFT
    assert pairing_of(uow_factory, live_pair).state is PairingState.ENDED
    assert outbox(uow_factory) == before
    assert audit_actions(uow_factory) == [
        ("participant.deactivated", "slack"),
        ("participant.reactivated", "slack"),
    ]


def test_a_deactivation_in_the_preview_ends_the_proposed_pair_and_makes_the_preview_stale(
    running_bot, uow_factory
):
    team_id = running_bot.fake.team_id
    _cohort_with_two(uow_factory, team_id)
    preview = _preview(uow_factory, team_id)

    outcome = lifecycle.apply_user_change(
        uow=uow_factory(),
        team_id=team_id,
        user=_deactivated_user(running_bot),
        admin_user_ids={ADMIN_USER_ID, EMPLOYEE_USER_ID},
        window=ANYTIME,
    )

    assert (outcome.deactivated, outcome.pairings_ended, outcome.partners_told) == (True, 1, 0)
    assert outcome.admins_told == 1, "a deactivated admin is not told about themselves"
    with uow_factory() as uow:
        [pairing] = uow.session.scalars(select(Pairing)).all()
        assert (pairing.state, pairing.end_reason) == (PairingState.ENDED, "deactivated")
    assert [row[0] for row in outbox(uow_factory).values()] == [ADMIN_USER_ID]
    with pytest.raises(StalePreviewError):
        _confirm(uow_factory, team_id, preview)


def test_a_deactivated_stranger_stores_and_records_nothing(running_bot, uow_factory):
    user = running_bot.fake.add_user("U0STRANGE", name="stan", deleted=True)

    outcome = lifecycle.apply_user_change(
        uow=uow_factory(), team_id=running_bot.fake.team_id, user=user, event_id="Ev0STRANGE"
    )

    assert outcome == lifecycle.UserChangeOutcome()
    with uow_factory() as uow:
        assert uow.session.scalars(select(ProcessedEvent)).all() == []
        assert uow.session.scalars(select(Enrollment)).all() == []


def test_a_retry_is_recognised_by_the_service(running_bot, uow_factory, live_pair):
    team_id = running_bot.fake.team_id
    user = _deactivated_user(running_bot)

    def apply():
        return lifecycle.apply_user_change(
            uow=uow_factory(),
            team_id=team_id,
            user=user,
            admin_user_ids={ADMIN_USER_ID},
            window=ANYTIME,
            event_id="Ev0SERVICE",
        )

    first, again = apply(), apply()

    assert (first.duplicate, first.partners_told, first.admins_told) == (False, 1, 1)
    assert first.cancelled == 4  # the intro, both check-ins of the pair, and the person's other message
    assert again == lifecycle.UserChangeOutcome(participant=True, duplicate=True)


# ---- processed events -------------------------------------------------------------------------


def test_two_deliveries_of_one_event_racing_cannot_both_win(uow_factory):
    team_id, now = "T0RACE001", _now()
    results: list[bool] = []
    with uow_factory() as first:
        first.workspaces.ensure(team_id=team_id)
        assert first.events.record(team_id=team_id, event_id="Ev0RACE", event_type="user_change", at=now)

        def second_delivery() -> None:
            # Waits for the first transaction (its row lock, or SQLite's write lock).
            with uow_factory() as second:
                results.append(
                    second.events.record(
                        team_id=team_id, event_id="Ev0RACE", event_type="user_change", at=now
                    )
                )
                second.commit()

        racer = threading.Thread(target=second_delivery)
        racer.start()
        time.sleep(0.2)
        first.commit()
    racer.join(timeout=10)
    assert results == [False]


def test_old_processed_events_are_pruned_when_new_ones_arrive(uow_factory):
    team_id, now = "T0PRUNE01", _now()
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=team_id)
        uow.people.upsert_profile(
            team_id=team_id, user_id=EMPLOYEE_USER_ID, name="emil", real_name=None, tz=None
        )
        uow.events.record(
            team_id=team_id, event_id="Ev0OLD", event_type="user_change", at=now - timedelta(days=8)
        )
        uow.events.record(
            team_id=team_id, event_id="Ev0RECENT", event_type="user_change", at=now - timedelta(days=1)
        )
        uow.commit()

    lifecycle.apply_user_change(
        uow=uow_factory(),
        team_id=team_id,
        user={"id": EMPLOYEE_USER_ID, "tz": "Asia/Tokyo"},
        event_id="Ev0NEW",
        now=now,
    )

    with uow_factory() as uow:
        assert set(uow.session.scalars(select(ProcessedEvent.event_id))) == {"Ev0RECENT", "Ev0NEW"}


# ---- uninstall ------------------------------------------------------------------------------


def test_uninstall_stops_delivery_keeps_data_and_reinstall_resumes_it(running_bot, uow_factory, caplog):
    caplog.set_level(logging.INFO, logger="bot.services.lifecycle")
    team_id = running_bot.fake.team_id
    _cohort_with_two(uow_factory, team_id)
    _queue(uow_factory, team_id, recipient=EMPLOYEE_USER_ID, key="note:waiting")
    dispatcher = make_dispatcher(uow_factory, running_bot.fake)

    assert running_bot.slack.event({"type": "app_uninstalled"}, event_id="Ev0UNINST").status == 200
    assert wait_until(lambda: handled(uow_factory, team_id, "Ev0UNINST"))

    assert dispatcher.run_once().handled == 0
    assert running_bot.fake.calls_to("chat.postMessage") == []
    assert outbox(uow_factory)["note:waiting"][2] is OutboxStatus.PENDING
    with uow_factory() as uow:
        assert uow.cohorts.current(team_id=team_id) is not None
        assert uow.people.find(team_id=team_id, user_id=EMPLOYEE_USER_ID) is not None

    assert lifecycle.mark_workspace_installed(uow=uow_factory(), team_id=team_id) is True
    # Slack's late retry of the old uninstall must not stop sending again.
    running_bot.slack.event(
        {"type": "app_uninstalled"}, event_id="Ev0UNINST", retry_num=2, retry_reason="http_error"
    )
    assert wait_until(lambda: "Ev0UNINST was already handled" in caplog.text)

    drain(dispatcher)
    assert outbox(uow_factory)["note:waiting"][2] is OutboxStatus.SENT
    [post] = running_bot.fake.calls_to("chat.postMessage")
    assert post.args["text"] == "Hello"


def test_revoking_only_user_tokens_changes_nothing(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    event = {"type": "tokens_revoked", "tokens": {"oauth": [EMPLOYEE_USER_ID]}}
    assert running_bot.slack.event(event, event_id="Ev0REVOKE").status == 200
    time.sleep(0.3)
    with uow_factory() as uow:
        workspace = uow.workspaces.get(team_id=team_id)
        assert workspace is None or workspace.uninstalled_at is None
        assert not uow.events.seen(team_id=team_id, event_id="Ev0REVOKE")
