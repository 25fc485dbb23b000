"""Building the survey modal's submitted `state.values`, the way Slack sends them, for tests."""

from __future__ import annotations

from typing import Any

from bot.ids import ActionId, BlockId
from tests.fakes.slack_requests import (
    multi_static_select_value,
    plain_text_value,
    radio_buttons_value,
    static_select_value,
)


def survey_values(
    *,
    share: Any = ("1",),
    learn: Any = ("2",),
    department: Any = "Marketing",
    goals: Any = None,
    meeting_format: Any = "video",
    capacity: Any = None,
    drop: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A submission with these answers; a dict argument replaces that element's state as is.

    Skill ids may be given as ints or strings; `capacity` is left out unless given.
    """

    def element(value: Any, build: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else build(value)

    blocks: dict[str, dict[str, Any]] = {
        BlockId.SURVEY_SKILLS_SHARE: element(share, lambda v: multi_static_select_value([str(x) for x in v])),
        BlockId.SURVEY_SKILLS_LEARN: element(learn, lambda v: multi_static_select_value([str(x) for x in v])),
        BlockId.SURVEY_DEPARTMENT: element(department, plain_text_value),
        BlockId.SURVEY_GOALS: element(goals, plain_text_value),
        BlockId.SURVEY_MEETING_FORMAT: element(meeting_format, radio_buttons_value),
    }
    if capacity is not None:
        blocks[BlockId.SURVEY_CAPACITY] = element(capacity, lambda v: static_select_value(str(v)))
    return {
        str(block_id): {ActionId.SURVEY_FIELD.value: state}
        for block_id, state in blocks.items()
        if block_id not in drop
    }


def input_block_ids(view: dict[str, Any]) -> list[str]:
    """The view's input blocks, in the order people see them."""
    return [block["block_id"] for block in view["blocks"] if block["type"] == "input"]


def option_values(view: dict[str, Any], block_id: str) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [option["value"] for option in block["element"]["options"]]


def set_answer(values: dict[str, Any], block_id: str, state: dict[str, Any]) -> dict[str, Any]:
    """Replace one input's state in submitted values (returns the same dict)."""
    values[block_id] = {ActionId.SURVEY_FIELD.value: state}
    return values
