"""Putting messages into the outbox, and taking them out again before they are sent.

These functions work inside the caller's unit of work (call them within `with uow:`), so
a planner can enqueue a whole period's messages in one transaction. Enqueueing the same
dedupe key twice is a no-op: planners can run as often as they like.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.views.blocks import MESSAGE_BLOCK_LIMIT, MESSAGE_TEXT_LIMIT, shorten
from storage.models import OutboxStatus
from storage.uow import UnitOfWork

METADATA_EVENT_TYPE = "mentor_outbox"
DEDUPE_KEY_LIMIT = 255
GROUP_DM_SIZE = range(2, 9)
_SLACK_ID = re.compile(r"^[UWCDG][A-Z0-9]{2,}$")


class InvalidMessageError(ValueError):
    """A message that Slack would refuse; raised at enqueue time, where the bug is."""


def recipient_key(recipient: str | Sequence[str]) -> str:
    """How a recipient is stored: one user or conversation id, or sorted user ids for a group DM."""
    ids = [recipient] if isinstance(recipient, str) else sorted(set(recipient))
    if not ids or any(not _SLACK_ID.match(slack_id) for slack_id in ids):
        raise InvalidMessageError(f"not Slack ids: {ids!r}")
    if len(ids) > 1 and (len(ids) not in GROUP_DM_SIZE or any(slack_id[0] not in "UW" for slack_id in ids)):
        raise InvalidMessageError("a group DM needs 2 to 8 user ids")
    return ",".join(ids)


def enqueue(
    uow: UnitOfWork,
    *,
    team_id: str,
    recipient: str | Sequence[str],
    kind: str,
    dedupe_key: str,
    due_at: datetime,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> bool:
    """Add a message to send at `due_at` (aware); False if this dedupe key was already enqueued.

    Args:
        recipient: a user id (a DM), a conversation id, or 2-8 user ids (a group DM with the bot).
        kind: what the message is (`checkin`, `intro`...), for reports and cancellation.
        dedupe_key: unique per workspace, e.g. `checkin:<pairing>:<period>:<user>`.
        text: the notification text, always sent (with `blocks` as the visible body).
    """
    if due_at.tzinfo is None:
        raise InvalidMessageError("due_at must be timezone-aware")
    if not text.strip():
        raise InvalidMessageError("a message needs text (Slack's notification fallback)")
    if not dedupe_key or len(dedupe_key) > DEDUPE_KEY_LIMIT:
        raise InvalidMessageError(f"dedupe_key must be 1-{DEDUPE_KEY_LIMIT} characters")
    if blocks is not None and len(blocks) > MESSAGE_BLOCK_LIMIT:
        raise InvalidMessageError(f"at most {MESSAGE_BLOCK_LIMIT} blocks per message")
    payload: dict[str, Any] = {"text": shorten(text, MESSAGE_TEXT_LIMIT)}
    if blocks:
        payload["blocks"] = blocks
    uow.workspaces.ensure(team_id=team_id)
    return uow.outbox.add(
        team_id=team_id,
        recipient=recipient_key(recipient),
        kind=kind,
        dedupe_key=dedupe_key,
        due_at=due_at,
        payload=payload,
    )


def cancel(
    uow: UnitOfWork,
    *,
    team_id: str,
    at: datetime,
    key_prefix: str | None = None,
    recipient: str | Sequence[str] | None = None,
) -> int:
    """Cancel messages not yet sent, by dedupe-key prefix and/or recipient; returns how many."""
    return uow.outbox.cancel(
        team_id=team_id,
        key_prefix=key_prefix,
        recipient=recipient_key(recipient) if recipient is not None else None,
        at=at,
    )


@dataclass(frozen=True, kw_only=True)
class OutboxEntry:
    """Where one message stands, for planners deciding what to do next and for support."""

    id: int
    kind: str
    recipient: str
    status: OutboxStatus
    due_at: datetime
    attempts: int
    last_error: str | None
    channel_id: str | None
    slack_ts: str | None
    sent_at: datetime | None


def inspect(uow: UnitOfWork, *, team_id: str, dedupe_key: str) -> OutboxEntry | None:
    """The message enqueued under this key, or None if there is none."""
    row = uow.outbox.get(team_id=team_id, dedupe_key=dedupe_key)
    if row is None:
        return None
    return OutboxEntry(
        id=row.id,
        kind=row.kind,
        recipient=row.recipient,
        status=row.status,
        due_at=row.due_at,
        attempts=row.attempts,
        last_error=row.last_error,
        channel_id=row.channel_id,
        slack_ts=row.slack_ts,
        sent_at=row.sent_at,
    )


def message_metadata(outbox_id: int) -> dict[str, Any]:
    """Slack message metadata stamped on every outbox message, so recovery can find it later."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"outbox_id": outbox_id}}


def outbox_id_of(message: dict[str, Any]) -> int | None:
    """The outbox id a Slack message carries in its metadata, if it is one of ours."""
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT_TYPE:
        return None
    value = (metadata.get("event_payload") or {}).get("outbox_id")
    return value if isinstance(value, int) else None
