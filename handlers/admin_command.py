"""`/mentor-admin`: the program admins' command. Every subcommand checks admin rights first."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import ADMIN_COMMAND, ADMIN_USAGE
from bot.services import admin_status
from bot.views.help import admin_help_message
from bot.views.status import admin_status_message
from handlers.audit import show_audit
from handlers.checkins import nudge
from handlers.cohort import show_cohort
from handlers.deps import HandlerDeps
from handlers.exports import export_program
from handlers.invitations import announce_enrolment, invite_executives
from handlers.matching import pair, remove, run_match, unpair
from handlers.program_surveys import close
from handlers.reports import show_report
from handlers.routing import Subcommand, route_subcommand
from handlers.skills import manage_skills


def show_admin_help(*, respond: Respond, deps: HandlerDeps, **_: Any) -> None:
    policy = deps.admin_policy
    respond(
        response_type="ephemeral",
        **admin_help_message(
            admin_user_ids=policy.admin_user_ids, workspace_admins_count=policy.workspace_admins_count
        ),
    )


def show_status(*, respond: Respond, command: dict[str, Any], deps: HandlerDeps, **_: Any) -> None:
    status = admin_status.load_admin_status(uow=deps.uow(), team_id=command["team_id"])
    respond(response_type="ephemeral", **admin_status_message(status))


SUBCOMMANDS: dict[str, Subcommand] = {
    "": show_admin_help,
    "help": show_admin_help,
    "status": show_status,
    "cohort": show_cohort,
    "skills": manage_skills,
    "invite": invite_executives,
    "announce": announce_enrolment,
    "match": run_match,
    "pair": pair,
    "unpair": unpair,
    "remove": remove,
    "nudge": nudge,
    "close": close,
    "export": export_program,
    "audit": show_audit,
    "report": show_report,
}


def handle_admin_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, *, deps: HandlerDeps
) -> None:
    """Ack at once, refuse non-admins politely (NotAnAdminError reaches the error handler), then route."""
    ack()
    deps.admin_policy.require_admin(gateway=deps.gateway(client), user_id=command["user_id"])
    route_subcommand(
        command=command, table=SUBCOMMANDS, usage=ADMIN_USAGE, respond=respond, deps=deps, client=client
    )


def register(app: App, deps: HandlerDeps) -> None:
    app.command(ADMIN_COMMAND)(partial(handle_admin_command, deps=deps))
