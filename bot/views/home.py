"""The App Home tab."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.commands import ADMIN_COMMAND, MENTOR_COMMAND
from bot.ids import ActionId, BlockId
from bot.views.blocks import actions, button, context, divider, header, section
from bot.views.help import ABOUT


@dataclass(frozen=True, kw_only=True)
class HomeState:
    """What the Home tab needs to know about the viewer and the program."""

    is_admin: bool
    cohort_name: str | None
    cohort_state: str | None
    enrollment_state: str | None


_ENROLLMENT_LINES = {
    "invited": "You are invited to the current cohort. Watch your DMs for the survey.",
    "surveyed": "You are enrolled and your answers are in. You will hear from me when pairs are made.",
    "matched": "You are matched with a partner. Check-ins arrive in your DMs.",
    "paused": "Your participation is paused.",
    "left": "You have left the program.",
}


def build_home_view(state: HomeState) -> dict[str, Any]:
    """The Home tab for one person; admins also see the program's state."""
    if state.enrollment_state:
        status = _ENROLLMENT_LINES.get(state.enrollment_state, "You are part of the current cohort.")
    elif state.cohort_state == "enrolling":
        status = f"Enrolment for *{state.cohort_name}* is open. Watch for the announcement to join."
    else:
        status = "You are not part of a mentoring cohort right now. I will let you know when one opens."

    blocks = [
        header("Reverse mentoring"),
        section(ABOUT),
        divider(),
        section(f"*Your status*\n{status}"),
        actions(button("Show commands", action_id=ActionId.OPEN_HELP), block_id=BlockId.HOME_ACTIONS),
        context(f"Type `{MENTOR_COMMAND} help` in any channel to see what you can do."),
    ]
    if state.is_admin:
        if state.cohort_name:
            cohort_line = f"Current cohort: *{state.cohort_name}* ({state.cohort_state})."
        else:
            cohort_line = "There is no cohort yet."
        blocks += [
            divider(),
            section(f"*Program admin*\n{cohort_line}", block_id=BlockId.HOME_ADMIN),
            context(f"`{ADMIN_COMMAND} help` lists the admin commands."),
        ]
    return {"type": "home", "blocks": blocks}
