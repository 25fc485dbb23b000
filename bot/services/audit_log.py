"""The audit log of admin actions, read page by page for `/mentor-admin audit` and the Home tab.

Events are recorded by the services that act (``uow.audit.record``); this only reads them,
newest first, and looks up the names of the cohorts they point at so the log reads in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.uow import UnitOfWork

PAGE_SIZE = 25
# Far beyond any real log, and small enough that the offset stays an ordinary number.
MAX_PAGE = 10_000
_COHORT_TARGET = re.compile(r"cohort:(\d{1,18})")


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """One admin action as recorded: who, when, what (a dotted verb), on what, and its details."""

    id: int
    at: datetime
    actor_user_id: str
    action: str
    target: str | None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AuditPage:
    """One page of the log, newest first; `has_more` says whether older events follow."""

    page: int
    page_size: int
    entries: tuple[AuditEntry, ...]
    has_more: bool
    # Names of the cohorts that targets like "cohort:12" point at (those still stored).
    cohort_names: Mapping[int, str] = field(default_factory=dict)

    @property
    def first_number(self) -> int:
        """The position of the page's first event in the whole log (1 = the newest)."""
        return (self.page - 1) * self.page_size + 1


def parse_page(args: Sequence[str]) -> int | None:
    """The page asked for: none means 1; one whole number from 1 to MAX_PAGE; anything else None."""
    if not args:
        return 1
    if len(args) != 1 or not re.fullmatch(r"\d{1,6}", args[0]):
        return None
    page = int(args[0])
    return page if 1 <= page <= MAX_PAGE else None


def cohort_id_of(target: str | None) -> int | None:
    """The cohort id in a target such as "cohort:12", else None."""
    found = _COHORT_TARGET.fullmatch(target or "")
    return int(found.group(1)) if found else None


def load_audit_page(*, uow: UnitOfWork, team_id: str, page: int = 1, page_size: int = PAGE_SIZE) -> AuditPage:
    """The workspace's events of one page (page 1 holds the newest `page_size`)."""
    page = max(1, page)
    with uow:
        rows = uow.audit.recent(team_id=team_id, limit=page_size + 1, offset=(page - 1) * page_size)
        entries = tuple(
            AuditEntry(
                id=row.id,
                at=row.created_at,
                actor_user_id=row.actor_user_id,
                action=row.action,
                target=row.target,
                details=dict(row.details) if isinstance(row.details, dict) else {},
            )
            for row in rows[:page_size]
        )
        names: dict[int, str] = {}
        cohort_ids = {found for entry in entries if (found := cohort_id_of(entry.target)) is not None}
        for cohort_id in sorted(cohort_ids):
            cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort_id)
            if cohort is not None:
                names[cohort_id] = cohort.name
    return AuditPage(
        page=page,
        page_size=page_size,
        entries=entries,
        has_more=len(rows) > page_size,
        cohort_names=names,
    )
