"""Small builders for Block Kit elements that keep every string inside Slack's limits.

Slack rejects a whole message or view when one field is too long (`invalid_blocks`), so
the builders shorten text rather than let one long name break a DM to a whole cohort.
"""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
CONTEXT_TEXT_LIMIT = 2000
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
MODAL_TITLE_LIMIT = 24
MESSAGE_TEXT_LIMIT = 4000
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


def shorten(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": shorten(text, HEADER_TEXT_LIMIT)}}


def section(markdown: str, *, block_id: str | None = None) -> Block:
    block: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": shorten(markdown, SECTION_TEXT_LIMIT)},
    }
    if block_id:
        block["block_id"] = block_id
    return block


def context(markdown: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": shorten(markdown, CONTEXT_TEXT_LIMIT)}],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str | None = None, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": shorten(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = shorten(value, BUTTON_VALUE_LIMIT)
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message body: `text` is the notification fallback and must always be sent with blocks."""
    return {"text": shorten(text, MESSAGE_TEXT_LIMIT), "blocks": blocks[:MESSAGE_BLOCK_LIMIT]}


def modal(*, title: str, blocks: list[Block], callback_id: str, close: str = "Close") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": shorten(title, MODAL_TITLE_LIMIT)},
        "close": {"type": "plain_text", "text": shorten(close, MODAL_TITLE_LIMIT)},
        "blocks": blocks[:VIEW_BLOCK_LIMIT],
    }
