"""The skills taxonomy: the defaults every workspace starts with, and the rules for names and keys.

Pure domain code (no storage, no Slack). Skills are about what people can teach each other,
never about who they are: no age or demographic terms. A skill has a stable `key` (a slug
admins type in commands) and a `name` people see in the survey; answers point at the skill
itself, so renaming changes the label everywhere and retiring only stops offering it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.commands import shown_word
from bot.errors import UserFacingError

EMPLOYEE = "employee"
EXECUTIVE = "executive"
SIDES: tuple[str, ...] = (EMPLOYEE, EXECUTIVE)

NAME_MAX_LENGTH = 60
KEY_MAX_LENGTH = 40
# A survey select menu shows at most 100 options, so no more skills than that are offered at once.
MAX_ACTIVE_SKILLS = 100
# Slack markup that would break the list or the survey: links and mentions, bold, code.
FORBIDDEN_NAME_CHARACTERS = frozenset("<>*`")

_SIDE_WORDS = {
    "employee": EMPLOYEE,
    "employees": EMPLOYEE,
    "executive": EXECUTIVE,
    "executives": EXECUTIVE,
}
# Slack delivers what people type with these three characters escaped.
_SLACK_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


@dataclass(frozen=True, kw_only=True)
class DefaultSkill:
    """A skill every workspace starts with; `offered_by` is the side that usually teaches it."""

    key: str
    name: str
    offered_by: str


DEFAULT_SKILLS: tuple[DefaultSkill, ...] = (
    # What newer colleagues share.
    DefaultSkill(key="ai-tools", name="AI and new tools", offered_by=EMPLOYEE),
    DefaultSkill(key="social-media", name="Social media", offered_by=EMPLOYEE),
    DefaultSkill(key="customer-buying", name="Modern customer buying patterns", offered_by=EMPLOYEE),
    DefaultSkill(key="attracting-talent", name="What attracts talent", offered_by=EMPLOYEE),
    DefaultSkill(key="gen-z-millennial", name="Gen Z and millennial perspectives", offered_by=EMPLOYEE),
    DefaultSkill(key="dei", name="DE&I: diversity, equity and inclusion", offered_by=EMPLOYEE),
    DefaultSkill(key="wellbeing", name="Wellbeing and mindfulness", offered_by=EMPLOYEE),
    DefaultSkill(key="hybrid-work", name="Hybrid work", offered_by=EMPLOYEE),
    DefaultSkill(key="creativity", name="Creativity and innovation", offered_by=EMPLOYEE),
    DefaultSkill(key="data-literacy", name="Data literacy", offered_by=EMPLOYEE),
    # What executives share back.
    DefaultSkill(key="leadership", name="Leadership", offered_by=EXECUTIVE),
    DefaultSkill(key="strategy", name="Strategy", offered_by=EXECUTIVE),
    DefaultSkill(key="navigating-the-organisation", name="Navigating the organisation", offered_by=EXECUTIVE),
    DefaultSkill(key="career-growth", name="Career growth", offered_by=EXECUTIVE),
    DefaultSkill(key="decision-making", name="Decision making", offered_by=EXECUTIVE),
)


class SkillError(UserFacingError):
    """Something an admin asked of the taxonomy that cannot be done; the message says why."""


# ---- names and keys -------------------------------------------------------------------------


def escape_mrkdwn(text: str) -> str:
    """Text made safe to show inside mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean_skill_name(typed: str) -> str:
    """The name as it will be stored: Slack's escapes undone, spaces trimmed and collapsed."""
    for escaped, character in _SLACK_ESCAPES:
        typed = typed.replace(escaped, character)
    return " ".join(typed.split())


def check_skill_name(typed: str, *, active_names: Iterable[str]) -> str:
    """Return the cleaned name, or raise SkillError saying what is wrong with it.

    `active_names` are the names of the skills currently offered (other than the one being
    renamed); two offered skills with the same name, in any case, would confuse the survey.
    """
    name = clean_skill_name(typed)
    if not name:
        raise SkillError("The skill needs a name.")
    if len(name) > NAME_MAX_LENGTH:
        raise SkillError(
            f"That name is {len(name)} characters long; please keep it to {NAME_MAX_LENGTH} "
            "so it fits in the survey's menus."
        )
    if FORBIDDEN_NAME_CHARACTERS & set(name):
        raise SkillError("A skill name cannot contain `<`, `>`, `*` or backticks: please use plain words.")
    if not any(character.isalnum() for character in name):
        raise SkillError("A skill name needs at least one letter or digit.")
    folded = name.casefold()
    if any(folded == other.casefold() for other in active_names):
        raise SkillError(f"There is already a skill called *{escape_mrkdwn(name)}*. Pick another name.")
    return name


def slugify(name: str) -> str:
    """A short lower-case key made of ASCII letters, digits and dashes; `skill` if nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    slug = slug[:KEY_MAX_LENGTH].rstrip("-")
    return slug or "skill"


def new_skill_key(name: str, *, taken: Collection[str]) -> str:
    """A key for a new skill that no skill of the workspace has, retired ones included."""
    base = slugify(name)
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: KEY_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def normalize_key(typed: str) -> str:
    """A key as typed (any case, perhaps copied with its backticks) in the stored form."""
    return typed.strip("`'\"").casefold()


# ---- the `/mentor-admin skills` command -------------------------------------------------------

SkillsAction = Literal["list", "add", "rename", "retire", "restore"]


@dataclass(frozen=True, kw_only=True)
class SkillsRequest:
    """What `/mentor-admin skills ...` asks for, parsed and checked for shape (not against the database)."""

    action: SkillsAction
    key: str | None = None
    name: str | None = None
    offered_by: str | None = None


def parse_skills_request(args: Sequence[str]) -> SkillsRequest:
    """Read the words after `skills`; raise SkillError with what is missing or not understood."""
    if not args:
        return SkillsRequest(action="list")
    action, rest = args[0].casefold(), list(args[1:])
    if action in ("list", "show"):
        return SkillsRequest(action="list")
    if action == "add":
        if not rest or rest[0].casefold() not in _SIDE_WORDS:
            raise SkillError("Say who shares the new skill first: `employee` or `executive`, then its name.")
        if len(rest) < 2:
            raise SkillError("The new skill needs a name after `employee` or `executive`.")
        side = _SIDE_WORDS[rest[0].casefold()]
        return SkillsRequest(action="add", offered_by=side, name=" ".join(rest[1:]))
    if action == "rename":
        if not rest:
            raise SkillError("Say which skill to rename (its key) and its new name.")
        if len(rest) < 2:
            key = shown_word(normalize_key(rest[0]))
            raise SkillError(f"What should `{key}` be called? Add the new name after the key.")
        return SkillsRequest(action="rename", key=normalize_key(rest[0]), name=" ".join(rest[1:]))
    if action in ("retire", "restore"):
        if len(rest) != 1:
            raise SkillError(
                f"Give the key of one skill to {action}, as shown by `/mentor-admin skills` "
                "(for example `social-media`)."
            )
        return SkillsRequest(action="retire" if action == "retire" else "restore", key=normalize_key(rest[0]))
    raise SkillError(f"I don't know `/mentor-admin skills {shown_word(action)}`.")
