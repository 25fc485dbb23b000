"""Database helpers for tests: an isolated database per test session, and a quick wipe."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from storage.engine import normalize_database_url

VERSION_TABLE = "alembic_version"


@contextmanager
def fresh_database_url(base_url: str | None) -> Iterator[str]:
    """Yield the URL of an empty database that only this caller sees.

    PostgreSQL (``base_url`` given): a new schema ``t_<hex>`` in that database, selected
    through libpq's ``options=-csearch_path=…``, so parallel runs can share one server
    database; dropped with everything in it afterwards. None: a SQLite file in a new
    temporary folder.
    """
    if base_url is None:
        with tempfile.TemporaryDirectory(prefix="mentor-bot-", ignore_cleanup_errors=True) as folder:
            yield f"sqlite:///{Path(folder) / 'test.db'}"
        return

    url = make_url(normalize_database_url(base_url))
    schema = f"t_{uuid.uuid4().hex}"
    admin = create_engine(url, poolclass=NullPool)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
            yield scoped.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def delete_all_rows(engine: Engine) -> None:
    """Delete every row of every table, children first, leaving the schema and its version alone.

    Tables are read from the database rather than the models, so tables created by
    migrations for other libraries are emptied too.
    """
    metadata = MetaData()
    with engine.begin() as connection:
        metadata.reflect(bind=connection)
        for table in reversed(metadata.sorted_tables):
            if table.name != VERSION_TABLE:
                connection.execute(table.delete())
