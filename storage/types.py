"""Column types shared by the models, so every table stores times and states the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere (SQLite).
JSONType = JSON().with_variant(JSONB(), "postgresql")

# Width of the VARCHAR holding a StrEnum value; kept small so typos in values stand out.
ENUM_LENGTH = 20

E = TypeVar("E", bound=StrEnum)


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the only kind the database accepts)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC: aware datetimes in, aware UTC datetimes out.

    Naive datetimes are refused because their zone is a guess, and a wrong guess shifts
    check-ins by hours. SQLite has no time zone support, so values are stored there as
    naive UTC text and given back their UTC zone when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: attach a time zone (UTC)")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite's DATETIME text has no offset; storing UTC keeps ordering and comparisons right.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(TypeDecorator[E]):
    """A StrEnum stored as its value in a plain VARCHAR(20).

    No native enum and no CHECK constraint, so adding a state is a code change and not a
    migration; reading gives back the enum member, and writing an unknown value fails early.
    """

    impl = String(ENUM_LENGTH)
    cache_ok = True

    def __init__(self, enum_class: type[E]) -> None:
        super().__init__(ENUM_LENGTH)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        if value is None:
            return None
        return self.enum_class(value)
