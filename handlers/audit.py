"""`/mentor-admin audit [page]`: the audit log of admin actions (the command checked admin rights)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.services import audit_log
from bot.views.audit import audit_log_message, audit_usage_message
from handlers.deps import HandlerDeps


def show_audit(
    *, respond: Respond, command: dict[str, Any], args: tuple[str, ...], deps: HandlerDeps, **_: Any
) -> None:
    """The newest 25 admin actions; `audit 2` the 25 before them, and so on."""
    page = audit_log.parse_page(args)
    if page is None:
        respond(response_type="ephemeral", **audit_usage_message(words=args))
        return
    log = audit_log.load_audit_page(uow=deps.uow(), team_id=command["team_id"], page=page)
    respond(response_type="ephemeral", **audit_log_message(log))
