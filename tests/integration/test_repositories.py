"""Repositories, the unit of work, column types and engine settings against a real database."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from storage.engine import create_database_engine, normalize_database_url, ping
from storage.models import (
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentState,
    OutboxMessage,
    Pairing,
    PairingSource,
    PairingState,
    Person,
    PersonRole,
    Workspace,
)
from storage.uow import UnitOfWork

TEAM = "T0001"
OTHER_TEAM = "T0002"
SUMMER = timezone(timedelta(hours=2))


def add_person(uow: UnitOfWork, *, team_id: str = TEAM, user_id: str = "U0001") -> Person:
    uow.workspaces.ensure(team_id=team_id)
    return uow.people.upsert_profile(
        team_id=team_id, user_id=user_id, name="ada", real_name="Ada L", tz="UTC"
    )


def add_cohort(
    uow: UnitOfWork,
    *,
    team_id: str = TEAM,
    name: str = "Spring",
    state: CohortState = CohortState.DRAFT,
    created_at: datetime | None = None,
) -> Cohort:
    uow.workspaces.ensure(team_id=team_id)
    cohort = Cohort(team_id=team_id, name=name, state=state, start_date=date(2026, 3, 2))
    if created_at is not None:
        cohort.created_at = created_at
    uow.session.add(cohort)
    uow.session.flush()
    return cohort


def requires(engine: Engine, dialect: str) -> None:
    if engine.dialect.name != dialect:
        pytest.skip(f"only meaningful on {dialect}")


# Unit of work


def test_committed_changes_are_visible_to_a_later_unit_of_work(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM, name="Acme")
        uow.commit()

    with uow_factory() as uow:
        workspace = uow.workspaces.get(team_id=TEAM)
        assert workspace is not None
        assert workspace.name == "Acme"


def test_leaving_the_block_without_commit_discards_the_changes(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uow.session.flush()

    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is None


def test_an_exception_in_the_block_rolls_back_and_propagates(uow_factory):
    def fail_half_way() -> None:
        with uow_factory() as uow:
            uow.workspaces.ensure(team_id=TEAM)
            uow.session.flush()
            raise LookupError("boom")

    with pytest.raises(LookupError):
        fail_half_way()

    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is None


def test_rollback_discards_only_what_was_not_committed(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uow.commit()
        uow.workspaces.ensure(team_id=OTHER_TEAM)
        uow.rollback()
        uow.commit()

    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is not None
        assert uow.workspaces.get(team_id=OTHER_TEAM) is None


def test_a_unit_of_work_can_be_used_again_after_its_block_with_a_new_session(uow_factory):
    uow = uow_factory()
    with uow:
        first_session = uow.session
        uow.workspaces.ensure(team_id=TEAM)
        uow.commit()
    with uow:
        assert uow.session is not first_session
        assert uow.workspaces.get(team_id=TEAM) is not None


def test_objects_stay_readable_after_the_block_ends(uow_factory):
    with uow_factory() as uow:
        person = add_person(uow)
        uow.commit()

    assert person.user_id == "U0001"
    assert person.tz == "UTC"


def test_objects_read_in_a_block_without_commit_stay_readable(uow_factory):
    with uow_factory() as uow:
        add_person(uow)
        uow.commit()

    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM, user_id="U0001")

    assert person is not None
    assert person.real_name == "Ada L"


def test_repositories_are_unavailable_outside_the_block(uow_factory):
    uow = uow_factory()

    with pytest.raises(RuntimeError, match="inside a `with uow:` block"):
        _ = uow.people
    with pytest.raises(RuntimeError, match="inside a `with uow:` block"):
        uow.commit()


def test_entering_an_open_unit_of_work_again_is_refused(uow_factory):
    with uow_factory() as uow, pytest.raises(RuntimeError, match="already open"), uow:
        pass


# Workspaces


def test_get_returns_none_for_an_unknown_team(uow_factory):
    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is None


def test_ensure_creates_the_workspace_once(uow_factory):
    with uow_factory() as uow:
        created = uow.workspaces.ensure(team_id=TEAM, name="Acme")
        uow.commit()
    with uow_factory() as uow:
        again = uow.workspaces.ensure(team_id=TEAM)
        uow.commit()

    with uow_factory() as uow:
        rows = uow.session.scalars(select(Workspace)).all()
    assert [row.team_id for row in rows] == [TEAM]
    assert again.installed_at == created.installed_at
    assert again.name == "Acme"
    assert created.settings == {}
    assert created.uninstalled_at is None


def test_ensure_with_a_new_name_refreshes_the_stored_name(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM, name="Acme")
        uow.commit()
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM, name="Acme Corp")
        uow.commit()

    with uow_factory() as uow:
        workspace = uow.workspaces.get(team_id=TEAM)
        assert workspace is not None
        assert workspace.name == "Acme Corp"


def test_ensure_without_commit_leaves_no_workspace_behind(uow_factory):
    # ensure() inserts inside a savepoint; releasing it must not commit the outer transaction.
    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is None
        uow.workspaces.ensure(team_id=TEAM)

    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is None


def test_ensure_is_safe_when_threads_race(uow_factory):
    threads = 6
    start = threading.Barrier(threads, timeout=10)

    def ensure_and_commit() -> str:
        start.wait()
        with uow_factory() as uow:
            workspace = uow.workspaces.ensure(team_id=TEAM)
            uow.commit()
            return workspace.team_id

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [
            future.result(timeout=30) for future in [pool.submit(ensure_and_commit) for _ in range(threads)]
        ]

    assert results == [TEAM] * threads
    with uow_factory() as uow:
        assert len(uow.session.scalars(select(Workspace)).all()) == 1


def test_ensure_returns_the_row_a_concurrent_transaction_committed_first(uow_factory, engine):
    # PostgreSQL only: SQLite transactions take the write lock up front, so this cannot interleave.
    requires(engine, "postgresql")

    def ensure_and_commit() -> Workspace:
        with uow_factory() as uow:
            workspace = uow.workspaces.ensure(team_id=TEAM)
            uow.commit()
            return workspace

    with uow_factory() as first, ThreadPoolExecutor(max_workers=1) as pool:
        first.workspaces.ensure(team_id=TEAM, name="first")
        first.session.flush()
        second = pool.submit(ensure_and_commit)
        wait_until_an_insert_waits_for_a_lock(engine)
        first.commit()
        workspace = second.result(timeout=10)

    assert workspace.name == "first"


def wait_until_an_insert_waits_for_a_lock(engine: Engine) -> None:
    deadline = time.monotonic() + 10
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO workspace%'"
    )
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.01)
    raise AssertionError("the second insert never waited for the first transaction")


def test_mark_uninstalled_then_installed_records_both_times(uow_factory):
    removed_at = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    back_at = datetime(2026, 5, 3, 9, 0, tzinfo=UTC)
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uninstalled = uow.workspaces.mark_uninstalled(team_id=TEAM, at=removed_at)
        uow.commit()
    assert uninstalled is not None
    assert uninstalled.uninstalled_at == removed_at

    with uow_factory() as uow:
        uow.workspaces.mark_installed(team_id=TEAM, at=back_at)
        uow.commit()

    with uow_factory() as uow:
        workspace = uow.workspaces.get(team_id=TEAM)
        assert workspace is not None
        assert workspace.installed_at == back_at
        assert workspace.uninstalled_at is None


def test_mark_installed_creates_an_unknown_workspace(uow_factory):
    at = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    with uow_factory() as uow:
        uow.workspaces.mark_installed(team_id=TEAM, at=at)
        uow.commit()

    with uow_factory() as uow:
        workspace = uow.workspaces.get(team_id=TEAM)
        assert workspace is not None
        assert workspace.installed_at == at


def test_mark_uninstalled_of_an_unknown_team_changes_nothing(uow_factory):
    with uow_factory() as uow:
        assert uow.workspaces.mark_uninstalled(team_id=TEAM, at=datetime.now(UTC)) is None
        uow.commit()

    with uow_factory() as uow:
        assert uow.workspaces.get(team_id=TEAM) is None


# People


def test_find_returns_none_for_an_unknown_user(uow_factory):
    with uow_factory() as uow:
        assert uow.people.find(team_id=TEAM, user_id="U0001") is None


def test_upsert_profile_creates_an_active_person(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uow.people.upsert_profile(
            team_id=TEAM, user_id="U0001", name="ada", real_name="Ada L", tz="Europe/Paris"
        )
        uow.commit()

    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM, user_id="U0001")
        assert person is not None
        assert (person.name, person.real_name, person.tz) == ("ada", "Ada L", "Europe/Paris")
        assert person.active is True
        assert person.role is None
        assert person.deactivated_at is None


def test_upsert_profile_refreshes_names_and_time_zone(uow_factory):
    with uow_factory() as uow:
        first = add_person(uow)
        uow.commit()
    with uow_factory() as uow:
        uow.people.upsert_profile(
            team_id=TEAM, user_id="U0001", name="ada.l", real_name="Ada Lovelace", tz="America/New_York"
        )
        uow.commit()

    with uow_factory() as uow:
        people = uow.session.scalars(select(Person)).all()
    assert len(people) == 1
    assert people[0].id == first.id
    assert (people[0].name, people[0].real_name, people[0].tz) == (
        "ada.l",
        "Ada Lovelace",
        "America/New_York",
    )


def test_a_person_of_another_team_is_not_found(uow_factory):
    with uow_factory() as uow:
        add_person(uow, team_id=OTHER_TEAM, user_id="U0001")
        uow.commit()

    with uow_factory() as uow:
        assert uow.people.find(team_id=TEAM, user_id="U0001") is None
        assert uow.people.mark_deactivated(team_id=TEAM, user_id="U0001", at=datetime.now(UTC)) is None


def test_the_same_user_id_in_two_teams_is_two_people(uow_factory):
    with uow_factory() as uow:
        mine = add_person(uow, team_id=TEAM, user_id="U0001")
        theirs = add_person(uow, team_id=OTHER_TEAM, user_id="U0001")
        uow.commit()

    assert mine.id != theirs.id


def test_mark_deactivated_stops_a_person_being_active(uow_factory):
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    with uow_factory() as uow:
        add_person(uow)
        uow.people.mark_deactivated(team_id=TEAM, user_id="U0001", at=at)
        uow.commit()

    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM, user_id="U0001")
        assert person is not None
        assert person.active is False
        assert person.deactivated_at == at


def test_mark_deactivated_of_an_unknown_user_returns_none(uow_factory):
    with uow_factory() as uow:
        assert uow.people.mark_deactivated(team_id=TEAM, user_id="U0404", at=datetime.now(UTC)) is None


def test_a_person_of_an_unknown_workspace_violates_the_foreign_key(uow_factory):
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.people.upsert_profile(team_id="T_UNKNOWN", user_id="U0001", name=None, real_name=None, tz=None)


def test_deleting_a_person_deletes_their_enrollments(uow_factory):
    with uow_factory() as uow:
        person = add_person(uow)
        cohort = add_cohort(uow)
        uow.session.add(
            Enrollment(team_id=TEAM, cohort_id=cohort.id, person_id=person.id, role=PersonRole.EMPLOYEE)
        )
        uow.commit()

    with uow_factory() as uow:
        uow.session.execute(Person.__table__.delete())
        uow.commit()

    with uow_factory() as uow:
        assert uow.session.scalars(select(Enrollment)).all() == []


# Cohorts and enrollments


def test_current_cohort_is_none_without_cohorts(uow_factory):
    with uow_factory() as uow:
        assert uow.cohorts.current(team_id=TEAM) is None


def test_current_cohort_is_the_newest_that_is_not_closed(uow_factory):
    march = datetime(2026, 3, 1, tzinfo=UTC)
    with uow_factory() as uow:
        add_cohort(uow, name="old", state=CohortState.ACTIVE, created_at=march)
        add_cohort(uow, name="new", state=CohortState.ENROLLING, created_at=march + timedelta(days=30))
        add_cohort(
            uow, name="newest but closed", state=CohortState.CLOSED, created_at=march + timedelta(days=60)
        )
        uow.commit()

    with uow_factory() as uow:
        current = uow.cohorts.current(team_id=TEAM)
        assert current is not None
        assert current.name == "new"


def test_there_is_no_current_cohort_when_all_are_closed(uow_factory):
    with uow_factory() as uow:
        add_cohort(uow, state=CohortState.CLOSED)
        uow.commit()

    with uow_factory() as uow:
        assert uow.cohorts.current(team_id=TEAM) is None


def test_current_cohort_of_another_team_is_not_seen(uow_factory):
    with uow_factory() as uow:
        add_cohort(uow, team_id=OTHER_TEAM, state=CohortState.ACTIVE)
        uow.commit()

    with uow_factory() as uow:
        assert uow.cohorts.current(team_id=TEAM) is None
        assert uow.cohorts.current(team_id=OTHER_TEAM) is not None


def test_enrollment_find_returns_the_enrollment_of_that_person_in_that_cohort(uow_factory):
    with uow_factory() as uow:
        person = add_person(uow)
        other = add_person(uow, user_id="U0002")
        spring = add_cohort(uow, name="Spring")
        autumn = add_cohort(uow, name="Autumn")
        uow.session.add(
            Enrollment(team_id=TEAM, cohort_id=spring.id, person_id=person.id, role=PersonRole.EXECUTIVE)
        )
        uow.commit()

    with uow_factory() as uow:
        enrollment = uow.enrollments.find(cohort_id=spring.id, person_id=person.id)
        assert enrollment is not None
        assert enrollment.role is PersonRole.EXECUTIVE
        assert enrollment.state is EnrollmentState.INVITED
        assert uow.enrollments.find(cohort_id=autumn.id, person_id=person.id) is None
        assert uow.enrollments.find(cohort_id=spring.id, person_id=other.id) is None


# Column types and defaults


def test_datetimes_come_back_aware_in_utc(uow_factory):
    local = datetime(2026, 7, 1, 10, 30, 15, 123456, tzinfo=SUMMER)
    with uow_factory() as uow:
        uow.workspaces.mark_installed(team_id=TEAM, at=local)
        uow.commit()

    with uow_factory() as uow:
        workspace = uow.workspaces.get(team_id=TEAM)
        assert workspace is not None
        assert workspace.installed_at.tzinfo is UTC
        assert workspace.installed_at == local
        assert workspace.installed_at.hour == 8
        assert workspace.created_at.tzinfo is UTC


def test_naive_datetimes_are_refused(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.ensure(team_id=TEAM)
        uow.commit()
        uow.workspaces.mark_uninstalled(team_id=TEAM, at=datetime(2026, 7, 1, 10, 30))  # no tzinfo

        with pytest.raises(StatementError) as raised:
            uow.session.flush()
        assert isinstance(raised.value.orig, ValueError)
        assert "naive" in str(raised.value.orig)


def test_naive_datetimes_are_refused_in_queries_too(uow_factory):
    with uow_factory() as uow, pytest.raises(StatementError):
        uow.session.scalars(select(Workspace).where(Workspace.installed_at < datetime(2026, 1, 1))).all()


def test_comparisons_with_aware_datetimes_use_the_instant_not_the_wall_clock(uow_factory):
    with uow_factory() as uow:
        uow.workspaces.mark_installed(team_id=TEAM, at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
        uow.commit()

    just_after_in_paris = datetime(2026, 7, 1, 11, 1, tzinfo=SUMMER)  # 09:01 UTC
    with uow_factory() as uow:
        found = uow.session.scalars(
            select(Workspace).where(Workspace.installed_at < just_after_in_paris)
        ).all()
        assert [workspace.team_id for workspace in found] == [TEAM]


def test_state_columns_read_back_as_enum_members(uow_factory):
    with uow_factory() as uow:
        employee = add_person(uow, user_id="U0001")
        executive = add_person(uow, user_id="U0002")
        cohort = add_cohort(uow, state=CohortState.ACTIVE)
        uow.session.add(
            Pairing(
                team_id=TEAM,
                cohort_id=cohort.id,
                employee_id=employee.id,
                executive_id=executive.id,
                score=0.75,
                reasons=["python", "public speaking"],
            )
        )
        uow.commit()

    with uow_factory() as uow:
        pairing = uow.session.scalars(select(Pairing)).one()
        stored = uow.session.execute(text("SELECT state, source FROM pairing")).one()
    assert pairing.state is PairingState.PROPOSED
    assert pairing.source is PairingSource.AUTO
    assert pairing.reasons == ["python", "public speaking"]
    assert pairing.score == pytest.approx(0.75)
    assert tuple(stored) == ("proposed", "auto")


def test_an_unknown_state_value_is_refused(uow_factory):
    with uow_factory() as uow:
        cohort = add_cohort(uow)
        cohort.state = "archived"  # type: ignore[assignment]
        with pytest.raises(StatementError) as raised:
            uow.session.flush()
        assert isinstance(raised.value.orig, ValueError)


def test_new_rows_get_defaults_and_updated_at_moves_on_change(uow_factory):
    with uow_factory() as uow:
        cohort = add_cohort(uow)
        uow.commit()
        created_at, updated_at = cohort.created_at, cohort.updated_at
        assert (cohort.state, cohort.weeks, cohort.cadence_weeks) == (CohortState.DRAFT, 12, 2)
        assert (cohort.checkin_weekday, cohort.checkin_hour) == (1, 10)
        assert cohort.allow_same_department is False
        assert (cohort.employees_per_executive, cohort.executives_per_employee) == (1, 1)

        cohort.name = "Spring 2026"
        uow.commit()

    assert cohort.created_at == created_at
    assert cohort.updated_at > updated_at


def test_outbox_rows_are_first_tried_when_due(uow_factory):
    due_at = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    with uow_factory() as uow:
        message = OutboxMessage(
            team_id=TEAM, recipient="U0001", kind="checkin", dedupe_key="checkin:1:1:U0001", due_at=due_at
        )
        uow.session.add(message)
        uow.commit()

    with uow_factory() as uow:
        stored = uow.session.scalars(select(OutboxMessage)).one()
        assert stored.next_attempt_at == due_at
        assert stored.status == "pending"
        assert stored.attempts == 0
        assert stored.payload == {}


def test_outbox_dedupe_key_is_unique_per_team(uow_factory):
    due_at = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

    def message(team_id: str) -> OutboxMessage:
        return OutboxMessage(
            team_id=team_id, recipient="U0001", kind="checkin", dedupe_key="checkin:1", due_at=due_at
        )

    with uow_factory() as uow:
        uow.session.add_all([message(TEAM), message(OTHER_TEAM)])
        uow.commit()
        uow.session.add(message(TEAM))
        with pytest.raises(IntegrityError):
            uow.session.flush()


# Engine


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine):
    requires(engine, "sqlite")

    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
        }

    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 5000, "synchronous": 1}


def test_sqlite_engine_creates_the_folder_of_a_file_database(tmp_path):
    path = tmp_path / "data" / "nested" / "bot.db"
    engine = create_database_engine(f"sqlite:///{path}")
    try:
        ping(engine=engine)
    finally:
        engine.dispose()

    assert path.exists()


def test_ping_succeeds_on_a_reachable_database(engine):
    ping(engine=engine)


def test_ping_raises_when_the_database_is_unreachable():
    engine = create_database_engine("postgresql://nobody@127.0.0.1:1/nothing")
    try:
        with pytest.raises(OperationalError):
            ping(engine=engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/bot", "postgresql+psycopg://u:p@db:5432/bot"),
        ("postgresql://u@db/bot?sslmode=require", "postgresql+psycopg://u@db/bot?sslmode=require"),
        ("postgresql+psycopg://u@db/bot", "postgresql+psycopg://u@db/bot"),
        ("sqlite:///data/bot.db", "sqlite:///data/bot.db"),
    ],
)
def test_normalize_database_url_selects_psycopg_for_postgres_urls(url, expected):
    assert normalize_database_url(url) == expected
