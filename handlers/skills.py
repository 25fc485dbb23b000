"""`/mentor-admin skills ...`: list, add, rename, retire and restore the survey's skills.

A subcommand of `/mentor-admin` (the admin check has already happened). Anything wrong with
the request comes back as a SkillError, answered with what was wrong and the skills usage.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.services import skills
from bot.services.skills import SkillChange
from bot.skills import SkillError, SkillsRequest, parse_skills_request
from bot.views.skills import skill_change_message, skills_list_message, skills_problem_message
from handlers.deps import HandlerDeps


def manage_skills(
    *, respond: Respond, command: dict[str, Any], args: tuple[str, ...], deps: HandlerDeps, **_: Any
) -> None:
    """Parse the words after `skills`, call the one service they name, answer privately."""
    try:
        request = parse_skills_request(args)
        if request.action == "list":
            catalogue = skills.list_skills(uow=deps.uow(), team_id=command["team_id"])
            body = skills_list_message(catalogue)
        else:
            body = skill_change_message(_change(request, command=command, deps=deps))
    except SkillError as problem:
        body = skills_problem_message(problem.user_message)
    respond(response_type="ephemeral", **body)


def _change(request: SkillsRequest, *, command: dict[str, Any], deps: HandlerDeps) -> SkillChange:
    team_id, actor_user_id = command["team_id"], command["user_id"]
    key, name = request.key or "", request.name or ""
    if request.action == "add":
        return skills.add_skill(
            uow=deps.uow(),
            team_id=team_id,
            actor_user_id=actor_user_id,
            offered_by=request.offered_by or "",
            name=name,
        )
    if request.action == "rename":
        return skills.rename_skill(
            uow=deps.uow(), team_id=team_id, actor_user_id=actor_user_id, key=key, name=name
        )
    if request.action == "retire":
        return skills.retire_skill(uow=deps.uow(), team_id=team_id, actor_user_id=actor_user_id, key=key)
    return skills.restore_skill(uow=deps.uow(), team_id=team_id, actor_user_id=actor_user_id, key=key)
