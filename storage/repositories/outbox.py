"""The outbox: every scheduled or bulk message, written before it is sent.

Delivery guarantees rest on three statements here: an idempotent insert (the dedupe key),
an atomic claim that two dispatchers can never both win, and outcome writes that only the
current claimant can make (the claim token). Everything else is bookkeeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from storage.models import OutboxMessage, OutboxStatus, Workspace


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern matching strings that start with `prefix`, wildcards in it taken literally."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


class OutboxRepository:
    """Reads and writes ``outbox`` rows inside the caller's transaction."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    def add(
        self,
        *,
        team_id: str,
        recipient: str,
        kind: str,
        dedupe_key: str,
        due_at: datetime,
        payload: dict[str, Any],
    ) -> bool:
        """Insert a pending message unless one with this dedupe key exists; True if inserted."""
        insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        statement = (
            insert(OutboxMessage)
            .values(
                team_id=team_id,
                recipient=recipient,
                kind=kind,
                dedupe_key=dedupe_key,
                due_at=due_at,
                next_attempt_at=due_at,
                payload=payload,
                status=OutboxStatus.PENDING,
                attempts=0,
                verify_before_send=False,
            )
            .on_conflict_do_nothing(index_elements=["team_id", "dedupe_key"])
            .returning(OutboxMessage.id)
        )
        # A row comes back only when it was inserted (rowcount is unreliable with RETURNING).
        return self._session.execute(statement).scalar_one_or_none() is not None

    def get(self, *, team_id: str, dedupe_key: str) -> OutboxMessage | None:
        statement = select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, OutboxMessage.dedupe_key == dedupe_key
        )
        return self._session.scalars(statement).one_or_none()

    def claim_due(self, *, now: datetime, limit: int, lease: timedelta, token: str) -> list[OutboxMessage]:
        """Claim up to `limit` due pending messages of installed workspaces, earliest due first.

        Ordering by `due_at` (not by the retry time) keeps a retried message in its place in
        line instead of sending it to the back of a large backlog. PostgreSQL skips rows
        another dispatcher has locked, so concurrent claims never overlap; SQLite runs the
        single statement under its write lock.
        """
        candidates = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                ~exists().where(
                    Workspace.team_id == OutboxMessage.team_id, Workspace.uninstalled_at.is_not(None)
                ),
            )
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        return self._claim(candidates, now=now, lease=lease, token=token, verify=False)

    def next_attempt_after(self, *, now: datetime) -> datetime | None:
        """When the next pending message becomes due, if none is due now; None if nothing is pending."""
        statement = select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at > now,
            ~exists().where(
                Workspace.team_id == OutboxMessage.team_id, Workspace.uninstalled_at.is_not(None)
            ),
        )
        return self._session.scalar(statement)

    def reclaim_expired(
        self, *, now: datetime, limit: int, lease: timedelta, token: str
    ) -> list[OutboxMessage]:
        """Claim messages whose sender died mid-send (lease over); they must be verified before resending."""
        candidates = (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now)
            .order_by(OutboxMessage.claimed_until, OutboxMessage.id)
            .limit(limit)
        )
        return self._claim(candidates, now=now, lease=lease, token=token, verify=True)

    def _claim(
        self, candidates: Any, *, now: datetime, lease: timedelta, token: str, verify: bool
    ) -> list[OutboxMessage]:
        if self._dialect == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        values: dict[str, Any] = {
            "status": OutboxStatus.SENDING,
            "claimed_at": now,
            "claimed_until": now + lease,
            "claim_token": token,
            "attempts": OutboxMessage.attempts + 1,
            "updated_at": now,
        }
        if verify:
            values["verify_before_send"] = True
        statement: ReturningUpdate[Any] = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
            .values(**values)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        )
        claimed = list(self._session.scalars(statement).all())
        claimed.sort(key=lambda message: (message.due_at, message.id))
        return claimed

    def _update_claimed(self, *, message_id: int, claim_token: str, values: dict[str, Any]) -> bool:
        statement = (
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.claim_token == claim_token,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return self._session.execute(statement).rowcount == 1

    def record_channel(self, *, message_id: int, claim_token: str, channel_id: str) -> bool:
        """Remember the conversation a message goes to before posting, for crash recovery."""
        return self._update_claimed(
            message_id=message_id, claim_token=claim_token, values={"channel_id": channel_id}
        )

    def record_sent(
        self, *, message_id: int, claim_token: str, channel_id: str, ts: str, at: datetime
    ) -> bool:
        """Slack accepted the message; False if this dispatcher no longer holds the claim."""
        return self._update_claimed(
            message_id=message_id,
            claim_token=claim_token,
            values={
                "status": OutboxStatus.SENT,
                "channel_id": channel_id,
                "slack_ts": ts,
                "sent_at": at,
                "claimed_until": None,
                "claim_token": None,
                "verify_before_send": False,
                "last_error": None,
                "updated_at": at,
            },
        )

    def record_retry(
        self,
        *,
        message_id: int,
        claim_token: str,
        retry_at: datetime,
        error: str | None,
        verify: bool,
        count_attempt: bool,
        at: datetime,
    ) -> bool:
        """Put the message back to pending for `retry_at`.

        Args:
            verify: the attempt may have reached Slack, so look before sending again.
            count_attempt: False when Slack only asked us to wait (429) or we gave the claim
                back unused; such attempts do not count towards giving up.
        """
        values: dict[str, Any] = {
            "status": OutboxStatus.PENDING,
            "next_attempt_at": retry_at,
            "claimed_until": None,
            "claim_token": None,
            "updated_at": at,
        }
        if error is not None:
            values["last_error"] = error
        if verify:
            values["verify_before_send"] = True
        if not count_attempt:
            values["attempts"] = OutboxMessage.attempts - 1
        return self._update_claimed(message_id=message_id, claim_token=claim_token, values=values)

    def record_failed(self, *, message_id: int, claim_token: str, error: str, at: datetime) -> bool:
        """Give up on the message for good, keeping the reason for admins."""
        return self._update_claimed(
            message_id=message_id,
            claim_token=claim_token,
            values={
                "status": OutboxStatus.FAILED,
                "last_error": error,
                "claimed_until": None,
                "claim_token": None,
                "updated_at": at,
            },
        )

    def cancel(
        self, *, team_id: str, key_prefix: str | None = None, recipient: str | None = None, at: datetime
    ) -> int:
        """Cancel pending messages by dedupe-key prefix and/or recipient; returns how many."""
        if key_prefix is None and recipient is None:
            raise ValueError("cancel needs a key prefix or a recipient")
        conditions = [OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.PENDING]
        if key_prefix is not None:
            conditions.append(OutboxMessage.dedupe_key.like(_like_prefix(key_prefix), escape="\\"))
        if recipient is not None:
            conditions.append(OutboxMessage.recipient == recipient)
        statement = (
            update(OutboxMessage)
            .where(*conditions)
            .values(status=OutboxStatus.CANCELLED, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        return self._session.execute(statement).rowcount

    def count_by_status(self, *, team_id: str) -> dict[OutboxStatus, int]:
        statement = (
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.team_id == team_id)
            .group_by(OutboxMessage.status)
        )
        counts = dict.fromkeys(OutboxStatus, 0)
        for status, count in self._session.execute(statement):
            counts[OutboxStatus(status)] = count
        return counts

    def oldest_overdue(self, *, team_id: str, now: datetime) -> datetime | None:
        """When the longest-waiting due message was due; None when nothing is waiting."""
        statement = select(func.min(OutboxMessage.due_at)).where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            OutboxMessage.due_at <= now,
        )
        return self._session.scalar(statement)

    def recent_failures(self, *, team_id: str, limit: int) -> list[OutboxMessage]:
        statement = (
            select(OutboxMessage)
            .where(OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
        return list(self._session.scalars(statement).all())
