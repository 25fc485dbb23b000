"""Pytest fixtures for tests that need a real, migrated database.

Every database test runs on SQLite, and on PostgreSQL as well when ``TEST_DATABASE_URL`` is
set (CI does), each run in a schema of its own. The database is migrated once per test
session and backend, and emptied after each test that uses ``uow_factory``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import create_database_engine, make_session_factory
from storage.migrate import upgrade_database
from storage.uow import UnitOfWork
from tests.dbutil import delete_all_rows, fresh_database_url

BACKENDS = ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend_base_url(request: pytest.FixtureRequest) -> str | None:
    """The server URL for PostgreSQL (from TEST_DATABASE_URL), or None for SQLite."""
    return os.environ["TEST_DATABASE_URL"] if request.param == "postgresql" else None


@pytest.fixture(scope="session")
def database_url(backend_base_url: str | None) -> Iterator[str]:
    """A migrated database for the whole test session."""
    with fresh_database_url(backend_base_url) as url:
        upgrade_database(database_url=url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def uow_factory(session_factory: sessionmaker[Session], engine: Engine) -> Iterator[Callable[[], UnitOfWork]]:
    """Make a new UnitOfWork per call, as the composition root does; rows are deleted after the test."""
    yield lambda: UnitOfWork(session_factory=session_factory)
    delete_all_rows(engine)
