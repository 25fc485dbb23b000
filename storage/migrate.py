"""Run the Alembic migrations from code (the CLI command and the tests), without an alembic.ini.

The migration scripts live in ``storage/migrations`` next to this file, so this works from a
checkout and from an installed package alike.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.engine import create_database_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Revision ids are ``YYYYMMDD_NNNN`` (set by env.py), so file names such as
# ``20261124_0001_initial_schema.py`` sort by date.
FILE_TEMPLATE = "%(rev)s_%(slug)s"


def alembic_config(*, database_url: str) -> Config:
    """An Alembic configuration for this project's migrations against ``database_url``."""
    config = Config()
    # Config values go through configparser interpolation: a literal "%" (URL-encoded
    # passwords, ``options=-csearch_path%3D…``) must be doubled.
    config.set_main_option("script_location", _escape(str(MIGRATIONS_DIR)))
    config.set_main_option("file_template", _escape(FILE_TEMPLATE))
    config.set_main_option("revision_environment", "true")
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", _escape(database_url))
    return config


def upgrade_database(*, database_url: str, revision: str = "head") -> None:
    """Migrate the database up to ``revision``; a no-op when it is already there."""
    command.upgrade(alembic_config(database_url=database_url), revision)


def downgrade_database(*, database_url: str, revision: str) -> None:
    """Migrate the database down to ``revision`` (``"base"`` drops every table)."""
    command.downgrade(alembic_config(database_url=database_url), revision)


def current_revision(*, database_url: str) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest revision in the code; raises if the history has several heads."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _escape(value: str) -> str:
    return value.replace("%", "%%")
