"""Engines and sessions, configured per database so the rest of the code need not care which.

SQLite is the zero-setup choice for one bot process; PostgreSQL is for several processes
sharing the work. Everything here is built on demand by the composition root, never at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session, sessionmaker

# Heroku-style and plain libpq URLs would otherwise pick psycopg2, which is not installed.
_POSTGRES_PREFIXES = ("postgres://", "postgresql://")
_PSYCOPG_PREFIX = "postgresql+psycopg://"

_SQLITE_PRAGMAS = (
    # Readers do not block the writer and vice versa: the bot reads while the dispatcher writes.
    "PRAGMA journal_mode=WAL",
    # SQLite ignores foreign keys unless asked, per connection.
    "PRAGMA foreign_keys=ON",
    # Wait for a competing writer instead of failing at once with "database is locked".
    "PRAGMA busy_timeout=5000",
    # Durable enough with WAL (a power cut may lose the last commits, never corrupts).
    "PRAGMA synchronous=NORMAL",
)


def normalize_database_url(url: str) -> str:
    """Point ``postgres://`` and ``postgresql://`` URLs at the psycopg 3 driver; leave others alone."""
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return _PSYCOPG_PREFIX + url[len(prefix) :]
    return url


def create_database_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings this bot relies on for the URL's database."""
    parsed = make_url(normalize_database_url(url))
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed, echo=echo)
    # Connections dropped by a database restart or a proxy are replaced instead of failing a request.
    return create_engine(parsed, echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit, for rendering replies after the unit of work."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def ping(*, engine: Engine) -> None:
    """Run ``SELECT 1`` so a health check fails when the database is unreachable; raises on failure."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()


def _create_sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    is_file = database not in ("", ":memory:") and not url.query.get("uri")
    if is_file:
        Path(database).parent.mkdir(parents=True, exist_ok=True)

    engine = create_engine(url, echo=echo)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Take transaction control away from the sqlite3 module: it starts transactions lazily
        # (only before a write) and so lets a SAVEPOINT commit on RELEASE; we emit BEGIN below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so a transaction that reads and then writes
        # waits for busy_timeout instead of failing when another thread committed meanwhile.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
