"""Checks of Slack's Block Kit limits, for view and message tests.

slack_sdk's models validate most element limits when parsed from dicts; the rest
(block counts, message text, ids) are checked here, as listed in Slack's docs.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_VIEW_BYTES = 250_000


def _walk_ids(node: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key in ("block_id", "action_id", "callback_id"):
            if key in node:
                found.append((key, node[key]))
        for value in node.values():
            found += _walk_ids(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk_ids(value)
    return found


def _assert_blocks(blocks: list[dict[str, Any]], *, limit: int) -> None:
    assert blocks, "no blocks"
    assert len(blocks) <= limit, f"{len(blocks)} blocks, Slack allows {limit}"
    for raw in blocks:
        parsed = Block.parse(raw)
        assert parsed is not None, f"unknown block {raw}"
        parsed.validate_json()
        if raw["type"] == "section" and "text" in raw:
            assert len(raw["text"]["text"]) <= 3000
        if raw["type"] == "header":
            assert len(raw["text"]["text"]) <= 150
        if raw["type"] == "context":
            assert len(raw["elements"]) <= 10
        if raw["type"] == "actions":
            assert len(raw["elements"]) <= 25
    for key, value in _walk_ids(blocks):
        assert isinstance(value, str)
        assert 0 < len(value) <= 255, f"{key} {value!r} too long"


def assert_valid_message(body: dict[str, Any]) -> None:
    """A chat.postMessage / response_url body: fallback text plus at most 50 valid blocks."""
    assert body.get("text"), "a message needs fallback text for notifications"
    assert len(body["text"]) <= 4000
    _assert_blocks(body.get("blocks") or [], limit=50)


def assert_valid_view(view: dict[str, Any]) -> None:
    """A modal or Home tab: at most 100 valid blocks, titles within 24 characters, under 250 KB."""
    assert len(json.dumps(view).encode()) < MAX_VIEW_BYTES
    View(**view).validate_json()
    _assert_blocks(view["blocks"], limit=100)
    for key in ("title", "close", "submit"):
        if key in view:
            assert len(view[key]["text"]) <= 24
    if "private_metadata" in view:
        assert len(view["private_metadata"]) <= 3000
