"""`/mentor-admin skills`: the taxonomy for admins, the answers to changes, and the usage.

A workspace may hold up to 100 offered skills and any number of retired ones, so the list is
cut into sections of at most 3000 characters and never grows past Slack's 50 blocks: what
does not fit is counted instead of shown.
"""

from __future__ import annotations

from typing import Any

from bot.commands import ADMIN_COMMAND, ADMIN_USAGE, Usage
from bot.services.skills import SkillCatalogue, SkillChange, SkillInfo
from bot.skills import EMPLOYEE, EXECUTIVE, escape_mrkdwn
from bot.views.blocks import (
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    Block,
    context,
    header,
    message,
    section,
    shorten,
)

SKILLS_USAGE: tuple[Usage, ...] = tuple(usage for usage in ADMIN_USAGE if usage.name == "skills")

# Longest name shown in a list line; longer names (from older data) are shortened.
SHOWN_NAME_LENGTH = 75
# Room kept at the end of each section for a note saying how many lines did not fit.
_OVERFLOW_NOTE_ROOM = 40
# Retired skills pile up over the years; past this many sections they are only counted.
RETIRED_MAX_SECTIONS = 2
_SIDE_PLURAL = {EMPLOYEE: "employees", EXECUTIVE: "executives"}


def skills_usage_text() -> str:
    lines = "\n".join(f"`{ADMIN_COMMAND} {usage.syntax}`  {usage.summary}" for usage in SKILLS_USAGE)
    return "*Skills commands*\n" + lines


def _shown_name(skill: SkillInfo) -> str:
    return escape_mrkdwn(shorten(skill.name, SHOWN_NAME_LENGTH))


def _skill_line(skill: SkillInfo, *, with_side: bool = False) -> str:
    side = f"  ({_SIDE_PLURAL.get(skill.offered_by, skill.offered_by)})" if with_side else ""
    return f"• {_shown_name(skill)}  `{skill.key}`{side}"


def _group_sections(title: str, lines: list[str], *, empty: str, max_blocks: int) -> list[Block]:
    """`title` and its lines in as few sections as fit 3000 characters, at most `max_blocks` of them."""
    texts = [f"*{title}*"]
    if not lines:
        texts[0] += "\n" + empty
    for index, line in enumerate(lines):
        if len(texts[-1]) + 1 + len(line) <= SECTION_TEXT_LIMIT - _OVERFLOW_NOTE_ROOM:
            texts[-1] += "\n" + line
        elif len(texts) < max_blocks:
            texts.append(line)
        else:
            texts[-1] += f"\n…and {len(lines) - index} more."
            break
    return [section(text) for text in texts]


def skills_list_message(catalogue: SkillCatalogue) -> dict[str, Any]:
    """Every skill with its key: what each side shares, then the retired ones, then the usage."""
    employee_skills = catalogue.offered_by(EMPLOYEE)
    executive_skills = catalogue.offered_by(EXECUTIVE)
    retired = catalogue.retired
    footer = [
        section(skills_usage_text()),
        context(
            "Keys are what you type in these commands. Answers point at the skill itself: renaming "
            "relabels them, retiring only stops offering it."
        ),
    ]
    blocks: list[Block] = [header("Skills in the survey")]
    groups = [
        ("Employees share", [_skill_line(skill) for skill in employee_skills], "None yet.", None),
        ("Executives share", [_skill_line(skill) for skill in executive_skills], "None yet.", None),
    ]
    if retired:
        groups.append(
            (
                "Retired (kept on answers already given, no longer offered)",
                [_skill_line(skill, with_side=True) for skill in retired],
                "",
                RETIRED_MAX_SECTIONS,
            )
        )
    for position, (title, lines, empty, most) in enumerate(groups):
        groups_after = len(groups) - position - 1
        budget = MESSAGE_BLOCK_LIMIT - len(blocks) - len(footer) - groups_after
        blocks += _group_sections(title, lines, empty=empty, max_blocks=min(budget, most or budget))
    blocks += footer
    text = (
        f"Skills: {len(employee_skills)} shared by employees, {len(executive_skills)} by executives, "
        f"{len(retired)} retired."
    )
    return message(text, blocks)


def skill_change_message(change: SkillChange) -> dict[str, Any]:
    """The answer to a change: what happened, in words an admin can check at a glance."""
    skill = change.skill
    name = f"*{_shown_name(skill)}*"
    key = f"`{skill.key}`"
    side = _SIDE_PLURAL.get(skill.offered_by, skill.offered_by)
    if change.action == "add":
        text = f"Added {name} for {side} to share, with the key {key}. The survey offers it from now on."
    elif change.action == "rename":
        previous = escape_mrkdwn(shorten(change.previous_name or "", SHOWN_NAME_LENGTH))
        text = f"Renamed {key} from *{previous}* to {name}. Answers already given show the new name."
    elif change.action == "retire":
        count = change.answers_keeping_it
        if count == 0:
            kept = "No answer had chosen it."
        elif count == 1:
            kept = "The 1 answer that chose it keeps it."
        else:
            kept = f"The {count} answers that chose it keep it."
        text = (
            f"Retired {name} ({key}): the survey no longer offers it. {kept} "
            f"`{ADMIN_COMMAND} skills restore {skill.key}` undoes this."
        )
    else:
        text = f"Restored {name} ({key}): the survey offers it again, for {side} to share."
    return message(text, [section(text), context(f"`{ADMIN_COMMAND} skills` lists every skill.")])


def skills_problem_message(problem: str) -> dict[str, Any]:
    """What was wrong with a skills command, then how to use it."""
    return message(problem, [section(problem), section(skills_usage_text())])
