"""Reading a submitted modal's `state.values`, one input at a time, with an error per input.

Slack sends `view.state.values` as `{block_id: {action_id: element_state}}`; anything in it
may be missing or tampered with. Each parser gets the element's state (an empty mapping if
absent) and raises `InvalidInputError` with a message for the person; the message is shown
next to that input through `response_action: errors`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class InvalidInputError(Exception):
    """An input's value cannot be used; `message` says what to do, next to the input."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FormReader:
    """Reads inputs that share one action id, collecting the errors keyed by block id."""

    def __init__(self, state_values: object, *, action_id: str) -> None:
        self._values = state_values if isinstance(state_values, Mapping) else {}
        self._action_id = action_id
        self.errors: dict[str, str] = {}

    def read(self, block_id: str, parse: Callable[[Mapping[str, Any]], T]) -> T | None:
        """The parsed value of one input, or None (with its error recorded) when it is invalid."""
        block = self._values.get(block_id)
        element = block.get(self._action_id) if isinstance(block, Mapping) else None
        try:
            return parse(element if isinstance(element, Mapping) else {})
        except InvalidInputError as problem:
            self.errors[str(block_id)] = problem.message
            return None
