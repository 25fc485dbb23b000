"""The HTTP face of the bot: Slack's requests on /slack/events and a health check on /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import __version__

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def build_wsgi_app(*, bolt_app: App, health_check: Callable[[], None]) -> WSGIApplication:
    """Route /healthz to `health_check` (which raises when the database is unreachable), the rest to Bolt."""
    slack_handler = SlackRequestHandler(bolt_app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health(health_check, start_response)
        return slack_handler(environ, start_response)

    return application


def _health(health_check: Callable[[], None], start_response: StartResponse) -> list[bytes]:
    try:
        health_check()
    except Exception as error:
        logger.warning("Health check failed: %s", type(error).__name__)
        status, body = "503 Service Unavailable", {"status": "unavailable", "database": "unreachable"}
    else:
        status, body = "200 OK", {"status": "ok", "database": "ok", "version": __version__}
    payload = json.dumps(body).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [payload]
