"""Storage: everything that touches the database, and nothing that touches Slack.

Layout, in the order a newcomer might read it:

- ``models``: the schema as typed SQLAlchemy models (one class per table, singular names,
  ``team_id`` on every row) and the StrEnums for states that the application imports.
- ``types``: column types shared by the models (``UTCDateTime`` refuses naive datetimes,
  ``JSONType`` is JSONB on PostgreSQL, ``StrEnumType`` stores an enum as a short string).
- ``engine``: builds engines (SQLite pragmas, PostgreSQL pre-ping) and session factories.
- ``repositories``: one small class per aggregate; they query and change rows in the
  caller's session, always scoped by ``team_id``, and never commit.
- ``uow``: ``UnitOfWork``, the one transaction of a use case; services open it and commit.
- ``migrate`` and ``migrations/``: Alembic, run from code (``upgrade_database``) or from the
  CLI with the ``alembic.ini`` at the repository root. Every schema change is a migration.

This package imports only SQLAlchemy, Alembic and the standard library, and builds nothing
at import time: the composition root (``bot``) creates the engine and passes it in.
"""
