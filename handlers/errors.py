"""The one error handler: domain errors become the user's answer, anything else gets an error id.

Listeners do not catch exceptions themselves; everything lands here so that no failure is
silent and every unexpected one is logged once, with an id the user can quote.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from bot.errors import UserFacingError
from bot.views.errors import unexpected_error_text
from handlers.deps import HandlerDeps

logger = logging.getLogger("mentor_bot.errors")


def describe_request(body: dict[str, Any]) -> str:
    """Enough to find the request in the logs, without any text a person typed."""
    kind = body.get("type") or ("slash_command" if "command" in body else "unknown")
    detail = body.get("command") or (body.get("event") or {}).get("type") or ""
    if kind == "block_actions":
        detail = ",".join(str(action.get("action_id")) for action in body.get("actions") or [])
    elif kind in ("view_submission", "view_closed"):
        detail = str((body.get("view") or {}).get("callback_id"))
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    team = body.get("team_id")
    if not team and isinstance(body.get("team"), dict):
        team = body["team"].get("id")
    return f"{kind} {detail} from {user or 'unknown user'} in {team or 'unknown team'}"


def handle_error(
    error: Exception,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient | None,
) -> None:
    if isinstance(error, UserFacingError):
        logger.info("%s: %s", describe_request(body), type(error).__name__)
        text = error.user_message
    else:
        error_id = secrets.token_hex(4)
        logger.error("Unexpected error %s handling %s", error_id, describe_request(body), exc_info=error)
        text = unexpected_error_text(error_id=error_id)
    _tell_user(text=text, body=body, respond=respond, client=client)


def _tell_user(*, text: str, body: dict[str, Any], respond: Respond | None, client: WebClient | None) -> None:
    """Answer where the person is looking: the response_url if there is one, else their DM."""
    user_id = body.get("user_id") or (body.get("user") or {}).get("id")
    try:
        if body.get("response_url") and respond is not None:
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif body.get("type") == "block_actions" and user_id and client is not None:
            client.chat_postMessage(channel=user_id, text=text)
    except Exception:
        logger.warning("Could not tell %s about an error", user_id or "the user", exc_info=True)


class _StickyAck(Ack):
    """An ack that stays sent once a listener sent it.

    With `process_before_response=False`, Bolt (1.30) resets `ack.response` to None when a
    listener raises after calling `ack()`; unless its 10 ms polling loop saw the ack in
    between, Slack gets HTTP 404 after 3 s ("dispatch_failed", a failed button) although
    the person was already answered. Listeners here ack first and let domain errors reach
    `handle_error`, so the first response must survive the exception.
    """

    @property
    def response(self) -> BoltResponse | None:
        return self._sent

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or getattr(self, "_sent", None) is None:
            self._sent = value


def keep_acks_after_errors(context: BoltContext, next_: Callable[[], BoltResponse]) -> BoltResponse:
    """Global middleware: give every request an ack that a later exception cannot undo."""
    context["ack"] = _StickyAck()
    return next_()


def register(app: App, deps: HandlerDeps) -> None:
    app.use(keep_acks_after_errors)
    app.error(handle_error)
