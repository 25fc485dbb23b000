"""The slash-command contract: parsing command text and the usage shown to people.

Only subcommands that work are listed here; the handlers' routing tables are checked
against these lists by a test, so help never advertises something that is not there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTOR_COMMAND = "/mentor"
ADMIN_COMMAND = "/mentor-admin"
MAX_SHOWN_WORD = 40

# A Slack escape such as <@U123|ann> or <#C123|general> is one token even if it holds spaces.
_TOKEN = re.compile(r"<[^<>]*>|[^\s<>]+|[<>]")


@dataclass(frozen=True, kw_only=True)
class CommandText:
    """A command's text split into a lower-cased subcommand and its arguments."""

    subcommand: str
    args: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Usage:
    """One line of a command's usage: how to call it and what it does."""

    syntax: str
    summary: str

    @property
    def name(self) -> str:
        return self.syntax.split()[0]


MENTOR_USAGE: tuple[Usage, ...] = (
    Usage(syntax="help", summary="Show this help."),
    Usage(
        syntax="join",
        summary="Join the current cohort: opens a short survey about skills "
        "(you can edit it until pairs are made).",
    ),
    Usage(syntax="status", summary="Where you stand: your state, your partner, and your next check-in."),
    Usage(
        syntax="reflect",
        summary="Write a reflection about your mentoring conversations (private unless you share it).",
    ),
    Usage(
        syntax="export",
        summary="Get your own learning log (your reflections and check-ins) as a file in your DM.",
    ),
    Usage(syntax="pause [weeks]", summary="Take a break from check-ins for 1 to 12 weeks (2 if not given)."),
    Usage(syntax="resume", summary="End your break now."),
    Usage(
        syntax="leave",
        summary="Leave the program (asks to confirm; you can also have everything you answered deleted).",
    ),
)

ADMIN_USAGE: tuple[Usage, ...] = (
    Usage(syntax="help", summary="Show the admin commands."),
    Usage(syntax="status", summary="The current cohort and whether scheduled messages are going out."),
    Usage(syntax="cohort", summary="Show the current cohort, or the form to create one if there is none."),
    Usage(syntax="cohort new", summary="Create a cohort (one at a time: the last one must be closed)."),
    Usage(syntax="cohort edit", summary="Change the current cohort's settings."),
    Usage(syntax="skills", summary="The skills offered in the survey, with their keys."),
    Usage(
        syntax="skills add employee|executive NAME",
        summary="Offer a new skill that employees or executives share.",
    ),
    Usage(syntax="skills rename KEY NAME", summary="Rename a skill; answers already given follow it."),
    Usage(syntax="skills retire KEY", summary="Stop offering a skill; answers already given keep it."),
    Usage(syntax="skills restore KEY", summary="Offer a retired skill again."),
    Usage(
        syntax="invite @person...",
        summary="Invite executives to the current cohort: each gets a DM with the survey (up to 50 at once).",
    ),
    Usage(syntax="announce #channel", summary="Post the call to join in a channel and open enrolment."),
    Usage(
        syntax="match",
        summary="Compute the best pairing and preview it; Confirm sends the intros (Re-run after changes).",
    ),
    Usage(
        syntax="pair @employee @executive",
        summary="Pair two people by hand (in the preview, or live once the cohort is active).",
    ),
    Usage(syntax="unpair @person", summary="Undo a person's pairing; they are not paired together again."),
    Usage(
        syntax="remove @person",
        summary="Take someone out of the program: their pairing ends and their partner is told kindly.",
    ),
    Usage(
        syntax="export",
        summary="A CSV of the cohort in your DM: pairs, check-in answers, ratings, survey scores "
        "(never reflection text).",
    ),
    Usage(
        syntax="report",
        summary="Participation, met rate per period, slipping pairs, ratings, skills and surveys, "
        "with a chart.",
    ),
    Usage(syntax="audit [page]", summary="Who did what as an admin, newest first (25 a page)."),
    Usage(syntax="nudge", summary="Send this period's check-in now to everyone who has not answered it."),
    Usage(
        syntax="close",
        summary="End the current cohort: pairings end; everyone who had a partner gets the closing survey.",
    ),
)


def parse_command_text(text: str | None) -> CommandText:
    """Split command text the way people type it: any whitespace, any case for the subcommand."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return CommandText(subcommand="", args=())
    return CommandText(subcommand=tokens[0].casefold(), args=tuple(tokens[1:]))


def shown_word(word: str) -> str:
    """A word the user typed, made safe to echo inside `code`: shortened, no backticks or escapes."""
    cleaned = re.sub(r"[`<>&\s]", "", word)
    if len(cleaned) > MAX_SHOWN_WORD:
        cleaned = cleaned[: MAX_SHOWN_WORD - 1] + "…"
    return cleaned or "?"
