"""Signed HTTP requests into the bot, built the way Slack builds them.

Slash commands are form-encoded, interactivity is form-encoded with a single ``payload`` field
of JSON, and events are JSON ``event_callback`` envelopes. Every request carries the v0
signature Bolt checks, so e2e tests go through the same verification as production::

    sender = SlackRequestSender(endpoint_url=f"{bot_url}/slack/events", signing_secret=SECRET)
    result = sender.command("/mentor", "join", user_id="U0ALICE01", response_url=slack.new_response_url())
    assert result.status == 200

The ``*_value`` helpers build entries of a view's ``state.values`` for ``view_submission``.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

__all__ = [
    "FORM_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "HttpResult",
    "SlackRequestSender",
    "checkboxes_value",
    "multi_static_select_value",
    "plain_text_value",
    "radio_buttons_value",
    "static_select_value",
    "users_select_value",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


@dataclass(frozen=True)
class HttpResult:
    """What the bot answered; error statuses are returned rather than raised so tests can assert on them."""

    status: int
    body: str
    headers: dict[str, str]
    elapsed_seconds: float

    def json(self) -> Any:
        """The body parsed as JSON (Bolt answers acks with JSON bodies, or an empty body)."""
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """A response header, looked up case-insensitively."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


def _option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def plain_text_value(value: str | None) -> dict[str, Any]:
    """State of a plain_text_input (``None`` when the user left it empty)."""
    return {"type": "plain_text_input", "value": value}


def static_select_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    """State of a static_select (``None`` when nothing is chosen)."""
    return {"type": "static_select", "selected_option": _option(value, text) if value is not None else None}


def multi_static_select_value(values: list[str]) -> dict[str, Any]:
    """State of a multi_static_select."""
    return {"type": "multi_static_select", "selected_options": [_option(v) for v in values]}


def checkboxes_value(values: list[str]) -> dict[str, Any]:
    """State of a checkboxes element."""
    return {"type": "checkboxes", "selected_options": [_option(v) for v in values]}


def radio_buttons_value(value: str | None) -> dict[str, Any]:
    """State of a radio_buttons element."""
    return {"type": "radio_buttons", "selected_option": _option(value) if value is not None else None}


def users_select_value(user_id: str | None) -> dict[str, Any]:
    """State of a users_select."""
    return {"type": "users_select", "selected_user": user_id}


def datepicker_value(selected: str | None) -> dict[str, Any]:
    """State of a datepicker (``None`` when no day is picked)."""
    return {"type": "datepicker", "selected_date": selected}


def number_input_value(value: str | None) -> dict[str, Any]:
    """State of a number_input: Slack sends the typed number as a string."""
    return {"type": "number_input", "value": value}


def unchanged_values(view: dict[str, Any]) -> dict[str, Any]:
    """What Slack would submit for `view` if the person changed nothing: each input's initial value."""

    def initial_option(element: dict[str, Any]) -> str | None:
        option = element.get("initial_option")
        return option["value"] if option else None

    def initial_options(element: dict[str, Any]) -> list[str]:
        return [option["value"] for option in element.get("initial_options", [])]

    builders = {
        "plain_text_input": lambda element: plain_text_value(element.get("initial_value")),
        "datepicker": lambda element: datepicker_value(element.get("initial_date")),
        "number_input": lambda element: number_input_value(element.get("initial_value")),
        "static_select": lambda element: static_select_value(initial_option(element)),
        "radio_buttons": lambda element: radio_buttons_value(initial_option(element)),
        "multi_static_select": lambda element: multi_static_select_value(initial_options(element)),
        "checkboxes": lambda element: checkboxes_value(initial_options(element)),
    }
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if element["type"] not in builders:
            raise AssertionError(f"no state builder for {element['type']}")
        values[block["block_id"]] = {element["action_id"]: builders[element["type"]](element)}
    return values


class SlackRequestSender:
    """Builds, signs and POSTs Slack's requests (commands, interactivity, events) to the bot."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        signing_secret: str,
        team_id: str = "T0TEAM001",
        api_app_id: str = "A0APP0001",
        team_domain: str = "acme",
        bot_user_id: str = "U0BOT0001",
        bot_id: str = "B0BOT0001",
        verification_token: str = "legacy-verification-token",
        timeout: float = 10.0,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.verification_token = verification_token
        self.timeout = timeout
        self._verifier = SignatureVerifier(signing_secret)
        self._counter = itertools.count(1)
        # Ignore *_proxy variables: the bot always listens on this machine.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # ---- signing and sending -------------------------------------------------------------

    def signed_headers(
        self, body: bytes, *, content_type: str, timestamp: int | str | None = None
    ) -> dict[str, str]:
        """The headers Slack sends with ``body``, signed with the signing secret."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._verifier.generate_signature(timestamp=ts, body=body)
        return {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or "",
            "User-Agent": SLACK_USER_AGENT,
        }

    def post_raw(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | str | None = None,
        signature: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> HttpResult:
        """POST ``body`` signed (at ``timestamp``, or now), or with a forged ``signature``."""
        headers = self.signed_headers(body, content_type=content_type, timestamp=timestamp)
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        headers.update(extra_headers or {})
        request = urllib.request.Request(self.endpoint_url, data=body, headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, raw, reply_headers = response.status, response.read(), dict(response.headers.items())
        except urllib.error.HTTPError as error:
            status, raw, reply_headers = error.code, error.read(), dict(error.headers.items())
        return HttpResult(
            status=status,
            body=raw.decode("utf-8", errors="replace"),
            headers=reply_headers,
            elapsed_seconds=time.perf_counter() - started,
        )

    def _post_form(self, fields: Mapping[str, str]) -> HttpResult:
        return self.post_raw(urlencode(fields).encode("utf-8"), content_type=FORM_CONTENT_TYPE)

    def _post_payload(self, payload: Mapping[str, Any]) -> HttpResult:
        return self._post_form({"payload": json.dumps(payload)})

    # ---- ids ------------------------------------------------------------------------------

    def new_trigger_id(self) -> str:
        """A unique trigger_id in Slack's shape (each one may open a single modal)."""
        return f"{int(time.time() * 1000)}.{next(self._counter)}.{secrets.token_hex(16)}"

    @staticmethod
    def _action_ts() -> str:
        return f"{time.time():.6f}"

    def _user(self, user_id: str, user_name: str | None) -> dict[str, str]:
        name = user_name or user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> dict[str, str]:
        return {"id": self.team_id, "domain": self.team_domain}

    # ---- slash commands -------------------------------------------------------------------

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        response_url: str,
        channel_id: str = "C0GENERAL1",
        user_name: str | None = None,
        trigger_id: str | None = None,
        channel_name: str | None = None,
    ) -> HttpResult:
        """A slash command invocation, form-encoded with Slack's fields in Slack's order."""
        if channel_name is None:
            channel_name = "directmessage" if channel_id.startswith("D") else "general"
        return self._post_form(
            {
                "token": self.verification_token,
                "team_id": self.team_id,
                "team_domain": self.team_domain,
                "channel_id": channel_id,
                "channel_name": channel_name,
                "user_id": user_id,
                "user_name": user_name or user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": self.api_app_id,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": trigger_id or self.new_trigger_id(),
            }
        )

    # ---- interactivity --------------------------------------------------------------------

    def block_action(
        self,
        *,
        user_id: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
        response_url: str | None = None,
        container: Mapping[str, Any] | None = None,
        view: Mapping[str, Any] | None = None,
        message: Mapping[str, Any] | None = None,
        trigger_id: str | None = None,
        selected_option: Mapping[str, Any] | str | None = None,
        channel_id: str | None = None,
        user_name: str | None = None,
    ) -> HttpResult:
        """A click in a message, Home tab or modal (``view`` for the latter two, ``message`` for the first).

        With ``selected_option`` the action is a static_select choice instead of a button; a plain
        string becomes an option with that value. A message click without ``channel_id`` is taken
        to be in the user's DM with the bot (``D`` + user id, as FakeSlackApi names DMs).
        """
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id}
        if selected_option is not None:
            option = _option(selected_option) if isinstance(selected_option, str) else dict(selected_option)
            action.update(type="static_select", selected_option=option)
        else:
            action.update(type="button", text={"type": "plain_text", "text": action_id, "emoji": True})
            if value is not None:
                action["value"] = value
        action["action_ts"] = self._action_ts()

        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id, user_name),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
        }
        view_body = dict(view) if view is not None else None
        if view_body is not None:
            view_body.setdefault("id", "V0VIEW0001")
            view_body.setdefault("state", {"values": {}})
        message_body = dict(message) if message is not None else None
        channel = channel_id or (container or {}).get("channel_id") or f"D{user_id}"
        if container is None:
            if view_body is not None:
                container = {"type": "view", "view_id": view_body["id"]}
            elif message_body is not None:
                message_ts = message_body.setdefault("ts", self._action_ts())
                container = {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                }
        if container is not None:
            payload["container"] = dict(container)
        payload.update(
            trigger_id=trigger_id or self.new_trigger_id(),
            team=self._team(),
            enterprise=None,
            is_enterprise_install=False,
        )
        if message_body is not None:
            payload["channel"] = {
                "id": channel,
                "name": "directmessage" if channel.startswith("D") else channel,
            }
            payload["message"] = message_body
            payload["state"] = {"values": {}}
        if view_body is not None:
            payload["view"] = view_body
        if response_url is not None:
            payload["response_url"] = response_url
        payload["actions"] = [action]
        return self._post_payload(payload)

    def _modal(
        self,
        *,
        callback_id: str,
        view_id: str,
        private_metadata: str,
        values: Mapping[str, Any],
        blocks: list[dict[str, Any]] | None,
        title: str,
    ) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "blocks": blocks or [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": dict(values)},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.api_app_id,
            "external_id": "",
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    def view_submission(
        self,
        *,
        user_id: str,
        callback_id: str,
        values: Mapping[str, Any],
        private_metadata: str = "",
        view_id: str = "V0VIEW0001",
        trigger_id: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        title: str = "Modal",
        user_name: str | None = None,
    ) -> HttpResult:
        """A modal submit; ``values`` is ``state.values``: ``{block_id: {action_id: element_state}}``."""
        view = self._modal(
            callback_id=callback_id,
            view_id=view_id,
            private_metadata=private_metadata,
            values=values,
            blocks=blocks,
            title=title,
        )
        return self._post_payload(
            {
                "type": "view_submission",
                "team": self._team(),
                "user": self._user(user_id, user_name),
                "api_app_id": self.api_app_id,
                "token": self.verification_token,
                "trigger_id": trigger_id or self.new_trigger_id(),
                "view": view,
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    def view_closed(
        self,
        *,
        user_id: str,
        callback_id: str,
        private_metadata: str = "",
        view_id: str = "V0VIEW0001",
        values: Mapping[str, Any] | None = None,
        is_cleared: bool = False,
        user_name: str | None = None,
    ) -> HttpResult:
        """A modal dismissed with Cancel/X (sent only for views opened with ``notify_on_close``)."""
        view = self._modal(
            callback_id=callback_id,
            view_id=view_id,
            private_metadata=private_metadata,
            values=values or {},
            blocks=None,
            title="Modal",
        )
        view["notify_on_close"] = True
        return self._post_payload(
            {
                "type": "view_closed",
                "team": self._team(),
                "user": self._user(user_id, user_name),
                "api_app_id": self.api_app_id,
                "token": self.verification_token,
                "view": view,
                "is_cleared": is_cleared,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    # ---- Events API -----------------------------------------------------------------------

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> HttpResult:
        """An ``event_callback`` envelope; pass the same ``event_id`` with ``retry_num`` to replay a retry."""
        now = int(time.time())
        body = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{now}{next(self._counter):06d}",
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(16)}",
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
        if retry_reason is not None:
            headers["X-Slack-Retry-Reason"] = retry_reason
        return self.post_raw(
            json.dumps(body).encode("utf-8"), content_type=JSON_CONTENT_TYPE, extra_headers=headers
        )

    def app_home_opened(
        self, user_id: str, tab: str = "home", *, view: Mapping[str, Any] | None = None
    ) -> HttpResult:
        """The user opened the app's Home (or Messages) tab; Slack sends this on every open."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": f"D{user_id}",
            "tab": tab,
        }
        if view is not None:
            event["view"] = dict(view)
        return self.event(event)

    def url_verification(self, challenge: str = "challenge-token") -> HttpResult:
        """The handshake Slack sends when the Request URL is saved; Bolt echoes ``challenge``."""
        body = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        return self.post_raw(json.dumps(body).encode("utf-8"), content_type=JSON_CONTENT_TYPE)
