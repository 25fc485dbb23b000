"""Action, block and callback ids shared by views (which emit them) and handlers (which match them).

They are part of the contract with Slack payloads: renaming one breaks buttons on messages
that were already sent, so change them only with care.
"""

from __future__ import annotations

import enum


class ActionId(enum.StrEnum):
    """`action_id` of interactive elements."""

    OPEN_HELP = "open_help"


class BlockId(enum.StrEnum):
    """`block_id` of blocks that handlers read back or tests look for."""

    HOME_ACTIONS = "home_actions"
    HOME_ADMIN = "home_admin"


class CallbackId(enum.StrEnum):
    """`callback_id` of modals."""

    HELP_MODAL = "help_modal"
