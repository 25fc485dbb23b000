"""A fake Slack Web API served over real HTTP on 127.0.0.1.

The bot's real ``slack_sdk.WebClient`` talks to it through ``base_url``, so e2e tests exercise
the same HTTP, retry and error paths as production without patching anything. It keeps just
enough workspace state (users, messages, views, files) to answer like Slack does, records every
call, and can be scripted to fail (429, 5xx, Slack errors, dropped connections, slow answers).

Each instance listens on its own random port, so tests can run in parallel::

    with FakeSlackApi() as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.base_url)
        slack.script("chat.postMessage", ratelimited(retry_after=0))
        ...
        call = slack.wait_for_call("chat.postMessage")
"""

from __future__ import annotations

import base64
import contextlib
import copy
import email.parser
import email.policy
import hashlib
import itertools
import json
import math
import random
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "FakeSlackApi",
    "RateLimitStats",
    "RecordedCall",
    "ScriptedAnswer",
    "UploadedFile",
    "delay",
    "drop_connection",
    "ok",
    "ratelimited",
    "server_error",
    "slack_error",
]

# Fields slack_sdk sends as JSON strings inside form bodies; decoded so tests assert on objects.
JSON_FORM_FIELDS = frozenset(
    {
        "attachments",
        "blocks",
        "files",
        "inputs",
        "metadata",
        "option_groups",
        "options",
        "outputs",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_RESPONSE_URL_USES = 5

_SIZES = (24, 32, 48, 72, 192, 512)
_AVATARS = "https://secure.gravatar.com/avatar/"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

# zoneinfo only knows abbreviations; Slack shows long names. (zone, abbreviation) wins over abbreviation.
_TZ_LABELS: dict[str, str] = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii-Aleutian Standard Time",
    "GMT": "Greenwich Mean Time",
    "UTC": "Coordinated Universal Time",
    "BST": "British Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "MSK": "Moscow Standard Time",
    "IST": "India Standard Time",
    "PKT": "Pakistan Standard Time",
    "HKT": "Hong Kong Standard Time",
    "JST": "Japan Standard Time",
    "KST": "Korea Standard Time",
    "AWST": "Australian Western Standard Time",
    "ACST": "Australian Central Standard Time",
    "ACDT": "Australian Central Daylight Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "NZST": "New Zealand Standard Time",
    "NZDT": "New Zealand Daylight Time",
    "SAST": "South Africa Standard Time",
}
_TZ_LABELS_BY_ZONE: dict[tuple[str, str], str] = {
    ("Europe/Dublin", "IST"): "Irish Standard Time",
    ("Asia/Jerusalem", "IST"): "Israel Standard Time",
    ("Asia/Jerusalem", "IDT"): "Israel Daylight Time",
    ("Asia/Shanghai", "CST"): "China Standard Time",
    ("Asia/Taipei", "CST"): "Taipei Standard Time",
}


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call as the fake received it (args decoded, token kept apart)."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    received_at: float
    token: str | None = None
    raw_body: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class ScriptedAnswer:
    """How the fake answers one call instead of its default behaviour; build with the helpers."""

    kind: Literal["reply", "drop", "delay", "accept"]
    status: int = 200
    body: Mapping[str, Any] | str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    then: ScriptedAnswer | None = None


@dataclass
class UploadedFile:
    """A file sent through files.getUploadURLExternal / upload URL / files.completeUploadExternal."""

    file_id: str
    filename: str
    length: int
    title: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    completed: bool = False
    channel_id: str | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class RateLimitStats:
    """What opt-in rate-limit enforcement did (``FakeSlackApi.enforce_rate_limit``), for reports."""

    accepted: int = 0
    rate_limited_429: int = 0
    failed_5xx: int = 0


def ratelimited(retry_after: int = 1) -> ScriptedAnswer:
    """HTTP 429 with ``Retry-After``, as Slack answers a method over its rate-limit tier."""
    return ScriptedAnswer(
        kind="reply",
        status=429,
        body={"ok": False, "error": "ratelimited"},
        headers={"Retry-After": str(retry_after)},
    )


def server_error(status: int = 500, error: str = "internal_error") -> ScriptedAnswer:
    """An HTTP 5xx (500 and 503 are what slack_sdk's ServerErrorRetryHandler retries)."""
    return ScriptedAnswer(kind="reply", status=status, body={"ok": False, "error": error})


def slack_error(error: str, **extra: Any) -> ScriptedAnswer:
    """HTTP 200 with ``ok: false``, the way Slack reports almost every failure."""
    return ScriptedAnswer(kind="reply", status=200, body={"ok": False, "error": error, **extra})


def drop_connection() -> ScriptedAnswer:
    """Close the socket without answering, like a network failure mid-request."""
    return ScriptedAnswer(kind="drop")


def delay(seconds: float, then: ScriptedAnswer | None = None) -> ScriptedAnswer:
    """Wait, then answer normally (or with ``then``); for client timeouts and slow-API tests."""
    return ScriptedAnswer(kind="delay", seconds=seconds, then=then)


def accept_then(answer: ScriptedAnswer) -> ScriptedAnswer:
    """Carry out the call as Slack would (a message is posted), then answer with ``answer``.

    For the case delivery must survive: Slack accepted a message, but the answer was an
    error or never arrived, so the sender cannot know it went through.
    """
    return ScriptedAnswer(kind="accept", then=answer)


def ok(**fields: Any) -> ScriptedAnswer:
    """A custom successful body (``ok: true`` plus ``fields``)."""
    return ScriptedAnswer(kind="reply", status=200, body={"ok": True, **fields})


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


class _SlackError(Exception):
    """Raised inside a method implementation to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.body = {"ok": False, "error": error, **extra}


def _invalid_arguments(problem: str) -> _SlackError:
    return _SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {problem}"]})


def _in_channel_history(message: dict[str, Any]) -> bool:
    """Thread replies stay out of conversations.history unless broadcast to the channel."""
    return message.get("thread_ts") in (None, message["ts"]) or message.get("subtype") == "thread_broadcast"


@dataclass
class _Reply:
    status: int = 200
    body: Mapping[str, Any] | str | bytes = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    drop: bool = False


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True")


def _ts_to_micros(ts: Any) -> int:
    """Slack ts strings compare exactly as integers of microseconds (floats lose digits)."""
    text = str(ts).strip() or "0"
    whole, _, frac = text.partition(".")
    return int(whole or 0) * 1_000_000 + int((frac + "000000")[:6])


def _micros_to_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _is_user_id(value: str) -> bool:
    return bool(_USER_ID.match(value))


def _tz_fields(tz: str, at: float) -> tuple[str, int]:
    """Slack's tz_label and tz_offset (seconds east of UTC) for an IANA zone at a moment."""
    local = datetime.fromtimestamp(at, ZoneInfo(tz))
    offset = local.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    abbr = local.tzname() or ""
    label = _TZ_LABELS_BY_ZONE.get((tz, abbr)) or _TZ_LABELS.get(abbr)
    if label is None:
        sign = "+" if seconds >= 0 else "-"
        hours, minutes = divmod(abs(seconds) // 60, 60)
        label = f"GMT{sign}{hours:02d}:{minutes:02d}"
    return label, seconds


def _decode_form_value(key: str, value: str) -> Any:
    if key in JSON_FORM_FIELDS and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """Decode a request body the way Slack accepts it: JSON, form-encoded or multipart."""
    ctype = content_type.split(";")[0].strip().lower()
    if not raw:
        return {}
    if ctype == "application/json":
        parsed = json.loads(raw.decode("utf-8"))
        return dict(parsed) if isinstance(parsed, dict) else {"_json": parsed}
    if ctype == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
        )
        args: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                args[str(name)] = {"filename": part.get_filename(), "content": payload}
            else:
                args[str(name)] = _decode_form_value(str(name), payload.decode("utf-8"))
        return args
    pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
    return {key: _decode_form_value(key, value) for key, value in pairs}


# What a load balancer answers when Slack's backend is down: nothing was processed. Not
# ``internal_error``, which Slack uses when the message may have been posted.
_LOAD_BALANCER_FAILURES: tuple[tuple[int, Mapping[str, Any] | str], ...] = (
    (503, {"ok": False, "error": "service_unavailable"}),
    (502, "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"),
    (503, {"ok": False, "error": "service_unavailable"}),
    (500, "Internal Server Error"),
)


class _RateLimit:
    """Slack-like limits on one method: random 5xx, a workspace token bucket, a per-channel window.

    Thread-safe; the fake consults it before carrying out a call it has no script for.
    """

    def __init__(
        self,
        *,
        per_second: float,
        per_channel_per_second: float | None,
        failure_rate: float,
        seed: int,
        clock: Callable[[], float],
    ) -> None:
        if per_second <= 0 or (per_channel_per_second is not None and per_channel_per_second <= 0):
            raise ValueError("rates must be positive")
        if not 0.0 <= failure_rate <= 1.0:
            raise ValueError("failure_rate must be between 0 and 1")
        self._per_second = per_second
        # One second of burst, but at least one call, or a limit under 1/s would refuse everything.
        self._capacity = max(1.0, per_second)
        self._tokens = self._capacity
        self._clock = clock
        self._refilled_at = clock()
        # "At most N posts in a sliding second"; under 1/s: one post per 1/rate seconds.
        self._channel_limit = max(1, int(per_channel_per_second)) if per_channel_per_second else 0
        self._channel_window = self._channel_limit / per_channel_per_second if per_channel_per_second else 0.0
        self._recent: dict[str, deque[float]] = defaultdict(deque)
        self._failure_rate = failure_rate
        self._random = random.Random(seed)
        self._failures = itertools.cycle(_LOAD_BALANCER_FAILURES)
        self._lock = threading.Lock()
        self.stats = RateLimitStats()

    def check(self, channel: str) -> _Reply | None:
        """The 5xx or 429 to answer instead of the call; None lets it through (a token is spent)."""
        with self._lock:
            if self._failure_rate and self._random.random() < self._failure_rate:
                self._count(failed_5xx=1)
                status, body = next(self._failures)
                return _Reply(status=status, body=copy.deepcopy(body))
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._refilled_at) * self._per_second)
            self._refilled_at = now
            if self._tokens < 1.0:
                return self._too_many(wait=(1.0 - self._tokens) / self._per_second)
            if self._channel_limit and channel:
                recent = self._recent[channel]
                while recent and recent[0] <= now - self._channel_window:
                    recent.popleft()
                if len(recent) >= self._channel_limit:
                    return self._too_many(wait=recent[0] + self._channel_window - now)
                recent.append(now)
            self._tokens -= 1.0
            self._count(accepted=1)
            return None

    def _too_many(self, *, wait: float) -> _Reply:
        self._count(rate_limited_429=1)
        # Slack sends whole seconds, never 0.
        retry_after = max(1, math.ceil(wait - 1e-9))
        return _Reply(
            status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": str(retry_after)}
        )

    def _count(self, *, accepted: int = 0, rate_limited_429: int = 0, failed_5xx: int = 0) -> None:
        stats = self.stats
        self.stats = RateLimitStats(
            accepted=stats.accepted + accepted,
            rate_limited_429=stats.rate_limited_429 + rate_limited_429,
            failed_5xx=stats.failed_5xx + failed_5xx,
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSlackApi

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out or hang up are normal here; anything else is a fake bug."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        self.fake._note_error(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet; calls are recorded instead."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self.server.fake
        try:
            reply = fake._dispatch(self.command, self.path, dict(self.headers.items()), raw)
        except Exception:
            fake._note_error(traceback.format_exc())
            reply = _Reply(status=500, body={"ok": False, "error": "fake_slack_internal_error"})
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(reply.body, bytes):
            payload, ctype = reply.body, "application/octet-stream"
        elif isinstance(reply.body, str):
            payload, ctype = reply.body.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            payload, ctype = json.dumps(reply.body).encode("utf-8"), "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeSlackApi:
    """A recording, scriptable stand-in for https://slack.com/api/ on a random local port.

    Scripts (``script``) are consumed first, then a custom handler (``set_handler``), then the
    built-in behaviour. Every request to ``/api/<method>`` is recorded, whatever the answer.
    """

    def __init__(
        self,
        *,
        team_id: str = "T0TEAM001",
        team_name: str = "Acme",
        bot_user_id: str = "U0BOT0001",
        bot_id: str = "B0BOT0001",
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-test-token",
        api_app_id: str = "A0APP0001",
        bot_name: str = "mentor-bot",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = re.sub(r"[^a-z0-9-]", "", team_name.lower()) or "workspace"
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_token = bot_token
        self.app_token = app_token
        self.api_app_id = api_app_id
        self.bot_name = bot_name
        # What apps.connections.open hands out (a FakeSocketModeServer's url); None: Socket Mode is off.
        self.socket_mode_url: str | None = None
        self._clock = clock

        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)
        self._last_ts_us = 0

        self._calls: list[RecordedCall] = []
        self._scripts: dict[str, deque[ScriptedAnswer]] = defaultdict(deque)
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self._response_urls: set[str] = set()
        self._responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._errors: list[str] = []

        self._users: dict[str, dict[str, Any]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._ephemeral: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._home_view_ids: dict[str, str] = {}
        self._used_triggers: set[str] = set()
        self._files: dict[str, UploadedFile] = {}
        self._rate_limits: dict[str, _RateLimit] = {}

        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "api.test": self._api_test,
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeSlackApi:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeSlackApi is already running")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; scripted delays still sleeping are cut short."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlackApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeSlackApi is not running; call start() or use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What ``WebClient(base_url=...)`` wants: ``http://127.0.0.1:PORT/api/``."""
        return f"{self.url}/api/"

    @property
    def errors(self) -> list[str]:
        """Tracebacks of bugs inside the fake itself (they answer HTTP 500 ``fake_slack_internal_error``)."""
        with self._cond:
            return list(self._errors)

    # ---- recordings -----------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every Web API call so far, oldest first (a snapshot)."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The calls to one method, oldest first."""
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def wait_for_call(
        self,
        method: str,
        *,
        count: int = 1,
        timeout: float = 5.0,
        predicate: Callable[[RecordedCall], bool] | None = None,
    ) -> RecordedCall:
        """Block until ``count`` matching calls arrived (the bot works in other threads); return the last."""

        def matching() -> list[RecordedCall]:
            return [c for c in self._calls if c.method == method and (predicate is None or predicate(c))]

        with self._cond:
            found = self._cond.wait_for(lambda: len(matching()) >= count, timeout=timeout)
            calls = matching()
            if found:
                return calls[-1]
            seen = Counter(call.method for call in self._calls)
            summary = ", ".join(f"{name} x{n}" for name, n in seen.items()) or "none"
            which = " matching the predicate" if predicate is not None else ""
            errors = f"; fake errors: {self._errors}" if self._errors else ""
            raise AssertionError(
                f"waited {timeout}s for {count} call(s) to {method}{which}, got {len(calls)}; "
                f"calls seen: {summary}{errors}"
            )

    def reset(self) -> None:
        """Forget recorded calls, response_url posts, scripts and custom handlers.

        Workspace state (users, messages, views, files) stays, so a test can set up, reset, and
        then assert only on what happens next.
        """
        with self._cond:
            self._calls.clear()
            self._scripts.clear()
            self._handlers.clear()
            self._responses.clear()
            self._errors.clear()

    # ---- scripting ------------------------------------------------------------------------

    def script(self, method: str, *answers: ScriptedAnswer) -> None:
        """Queue answers for ``method``; each call consumes one before the default behaviour."""
        with self._cond:
            self._scripts[method].extend(answers)

    def set_handler(self, method: str, fn: Callable[[dict[str, Any]], Any] | None) -> None:
        """Answer ``method`` with ``fn(args)``: a body dict or a ScriptedAnswer; None restores the default."""
        with self._cond:
            if fn is None:
                self._handlers.pop(method, None)
            else:
                self._handlers[method] = fn

    def enforce_rate_limit(
        self,
        method: str = "chat.postMessage",
        *,
        per_second: float,
        per_channel_per_second: float | None = 1.0,
        failure_rate: float = 0.0,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Answer ``method`` the way a busy Slack does, for load tests; off unless called.

        Each call without a script: with probability ``failure_rate`` an HTTP 5xx meaning nothing
        was processed (503 ``service_unavailable`` alternating with a 502/500 non-JSON body);
        else HTTP 429 ``ratelimited`` (``Retry-After`` in whole seconds) when the workspace
        bucket (``per_second`` tokens, refilled at ``per_second``/s) is empty, or when the
        channel (a user id means its DM) already had ``per_channel_per_second`` calls in the last
        second; else the normal answer. Calling again replaces the settings and the counts.
        """
        limit = _RateLimit(
            per_second=per_second,
            per_channel_per_second=per_channel_per_second,
            failure_rate=failure_rate,
            seed=seed,
            clock=clock,
        )
        with self._cond:
            self._rate_limits[method] = limit

    def stop_rate_limit(self, method: str = "chat.postMessage") -> None:
        """Serve ``method`` without limits again."""
        with self._cond:
            self._rate_limits.pop(method, None)

    @property
    def rate_limit_stats(self) -> RateLimitStats:
        """Calls let through, 429s and 5xx answered by enforced limits so far (all methods together)."""
        with self._cond:
            every = [limit.stats for limit in self._rate_limits.values()]
        return RateLimitStats(
            accepted=sum(stats.accepted for stats in every),
            rate_limited_429=sum(stats.rate_limited_429 for stats in every),
            failed_5xx=sum(stats.failed_5xx for stats in every),
        )

    # ---- workspace state ------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        display_name: str | None = None,
        email: str | None = None,
    ) -> dict[str, Any]:
        """Put a user in the directory (replacing any earlier one) and return its users.info object."""
        real = real_name if real_name is not None else name.replace(".", " ").title()
        first, _, last = real.partition(" ")
        tz_label, tz_offset = _tz_fields(tz, self._clock())
        avatar = hashlib.md5(user_id.encode(), usedforsecurity=False).hexdigest()
        profile: dict[str, Any] = {
            "title": "",
            "phone": "",
            "skype": "",
            "real_name": real,
            "real_name_normalized": real,
            "display_name": display_name if display_name is not None else name,
            "display_name_normalized": display_name if display_name is not None else name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_emoji_display_info": [],
            "status_expiration": 0,
            "avatar_hash": avatar[:12],
            "first_name": first,
            "last_name": last,
            **{f"image_{size}": f"{_AVATARS}{avatar}.jpg?s={size}" for size in _SIZES},
            "status_text_canonical": "",
            "team": self.team_id,
        }
        if email is not None or not is_bot:
            profile["email"] = email if email is not None else f"{name}@example.com"
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": avatar[:6],
            "real_name": real,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(self._clock()),
            "is_email_confirmed": not is_bot,
            "who_can_share_contact_card": "EVERYONE",
        }
        with self._cond:
            self._users[user_id] = user
            return copy.deepcopy(user)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """What the bot posted in a channel (a user id means the DM with that user), oldest first."""
        with self._cond:
            return copy.deepcopy(self._messages.get(self._dm_channel_for(channel), []))

    def ephemeral_messages(
        self, channel: str | None = None, *, user_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Ephemeral messages posted (each with ``channel`` and ``user``), oldest first."""
        with self._cond:
            return [
                copy.deepcopy(m)
                for m in self._ephemeral
                if (channel is None or m["channel"] == channel) and (user_id is None or m["user"] == user_id)
            ]

    def view(self, view_id: str) -> dict[str, Any] | None:
        """The latest state of a view opened, pushed, updated or published."""
        with self._cond:
            found = self._views.get(view_id)
            return copy.deepcopy(found) if found is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for a user."""
        with self._cond:
            view_id = self._home_view_ids.get(user_id)
        return self.view(view_id) if view_id is not None else None

    @property
    def uploaded_files(self) -> list[UploadedFile]:
        """Files whose bytes reached the upload URL, in upload order (``completed`` once shared)."""
        with self._cond:
            return [copy.deepcopy(f) for f in self._files.values() if f.content is not None]

    # ---- response_url ---------------------------------------------------------------------

    def new_response_url(self) -> str:
        """A fresh ``response_url`` on this server, to put in commands and interactions."""
        url = f"{self.url}/response/{uuid.uuid4().hex}"
        with self._cond:
            self._response_urls.add(url)
        return url

    def responses(self, url: str) -> list[dict[str, Any]]:
        """JSON bodies posted to a response_url, oldest first."""
        with self._cond:
            return copy.deepcopy(self._responses.get(self._response_key(url), []))

    def wait_for_response(self, url: str, *, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        """Block until ``count`` bodies were posted to ``url``; return the last one."""
        key = self._response_key(url)
        with self._cond:
            if self._cond.wait_for(lambda: len(self._responses.get(key, [])) >= count, timeout=timeout):
                return copy.deepcopy(self._responses[key][-1])
            got = len(self._responses.get(key, []))
            seen = Counter(call.method for call in self._calls)
            raise AssertionError(
                f"waited {timeout}s for {count} post(s) to response_url {url}, got {got}; "
                f"Web API calls seen meanwhile: {dict(seen) or 'none'}"
            )

    # ---- HTTP dispatch (called from server threads) ----------------------------------------

    def _note_error(self, text: str) -> None:
        with self._cond:
            self._errors.append(text)
            self._cond.notify_all()

    def _dispatch(self, verb: str, target: str, headers: dict[str, str], raw: bytes) -> _Reply:
        parts = urlsplit(target)
        path = parts.path
        if path.startswith("/api/"):
            return self._serve_api(path[len("/api/") :], parts.query, headers, raw)
        if path.startswith("/response/"):
            return self._serve_response_url(path, raw)
        if path.startswith("/upload/v1/"):
            return self._serve_upload(path[len("/upload/v1/") :], raw)
        return _Reply(status=404, body="not found")

    def _serve_api(self, method: str, query: str, headers: dict[str, str], raw: bytes) -> _Reply:
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        try:
            args = {k: _decode_form_value(k, v) for k, v in parse_qsl(query, keep_blank_values=True)}
            args.update(_parse_body(content_type, raw))
        except ValueError:
            return _Reply(body={"ok": False, "error": "invalid_form_data"})
        token = self._token_from(headers, args)
        call = RecordedCall(
            method=method, args=args, headers=headers, received_at=time.time(), token=token, raw_body=raw
        )
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            queue = self._scripts.get(method)
            scripted = queue.popleft() if queue else None
        return self._answer(scripted, method, copy.deepcopy(args), token)

    @staticmethod
    def _token_from(headers: dict[str, str], args: dict[str, Any]) -> str | None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if auth.lower().startswith("bearer "):
            return auth[len("bearer ") :].strip() or None
        token = args.pop("token", None)
        return str(token) if token else None

    def _answer(
        self, scripted: ScriptedAnswer | None, method: str, args: dict[str, Any], token: str | None
    ) -> _Reply:
        if scripted is None:
            limited = self._rate_limited_answer(method, args, token)
            return limited if limited is not None else self._default_answer(method, args, token)
        if scripted.kind == "drop":
            return _Reply(drop=True)
        if scripted.kind == "delay":
            self._stopping.wait(scripted.seconds)
            return self._answer(scripted.then, method, args, token)
        if scripted.kind == "accept":
            self._default_answer(method, args, token)
            return self._answer(scripted.then, method, args, token)
        return _Reply(status=scripted.status, body=dict(scripted.body or {}), headers=dict(scripted.headers))

    def _default_answer(self, method: str, args: dict[str, Any], token: str | None) -> _Reply:
        if token is None:
            return _Reply(body={"ok": False, "error": "not_authed"})
        if method == "apps.connections.open":
            return _Reply(body=self._apps_connections_open(token))
        if token == self.app_token:
            return _Reply(body={"ok": False, "error": "not_allowed_token_type"})
        if token != self.bot_token:
            return _Reply(body={"ok": False, "error": "invalid_auth"})
        with self._cond:
            handler = self._handlers.get(method)
        if handler is not None:
            result = handler(args)
            if isinstance(result, ScriptedAnswer):
                return self._answer(result, method, args, token)
            return _Reply(body=result)
        impl = self._methods.get(method)
        if impl is None:
            return _Reply(body={"ok": False, "error": "unknown_method", "req_method": method})
        try:
            with self._cond:
                return _Reply(body=impl(args))
        except _SlackError as error:
            return _Reply(body=error.body)

    def _rate_limited_answer(self, method: str, args: dict[str, Any], token: str | None) -> _Reply | None:
        """The 429 or 5xx an enforced limit answers instead of the call (authentication comes first)."""
        with self._cond:
            limit = self._rate_limits.get(method)
        if limit is None or token != self.bot_token:
            return None
        return limit.check(self._dm_channel_for(str(args.get("channel") or "")))

    def _apps_connections_open(self, token: str) -> dict[str, Any]:
        """The one method that takes the app-level token: it hands out the Socket Mode URL."""
        if token == self.bot_token:
            return {"ok": False, "error": "not_allowed_token_type"}
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth"}
        with self._cond:
            url = self.socket_mode_url
        if url is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": url}

    def _response_key(self, url: str) -> str:
        return urlsplit(url).path

    def _serve_response_url(self, path: str, raw: bytes) -> _Reply:
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            return _Reply(status=400, body="invalid_payload")
        if not isinstance(body, dict):
            return _Reply(status=400, body="invalid_payload")
        with self._cond:
            posted = self._responses[path]
            if len(posted) >= MAX_RESPONSE_URL_USES:
                return _Reply(status=404, body="used_url")
            posted.append(body)
            self._cond.notify_all()
        return _Reply(body={"ok": True})

    def _serve_upload(self, file_id: str, raw: bytes) -> _Reply:
        with self._cond:
            upload = self._files.get(file_id)
            if upload is None:
                return _Reply(status=404, body="file_not_found")
            upload.content = raw
            # Re-insert so uploaded_files lists files in upload order.
            self._files[file_id] = self._files.pop(file_id)
            self._cond.notify_all()
        return _Reply(body=f"OK - {len(raw)}")

    # ---- helpers for method implementations (called with the lock held) --------------------

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08d}"

    def _next_ts(self) -> str:
        now_us = int(self._clock() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return _micros_to_ts(self._last_ts_us)

    def _dm_channel_for(self, channel: str) -> str:
        return f"D{channel}" if _is_user_id(channel) else channel

    def _check_user(self, user_id: str, *, missing: str) -> dict[str, Any] | None:
        """The directory entry; an empty directory means "we model no users", so anyone passes."""
        user = self._users.get(user_id)
        if user is None and self._users and user_id != self.bot_user_id:
            raise _SlackError(missing)
        return user

    def _bot_profile(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "app_id": self.api_app_id,
            "name": self.bot_name,
            "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
            "deleted": False,
            "updated": int(self._clock()),
            "team_id": self.team_id,
        }

    def _bot_user(self) -> dict[str, Any]:
        label, offset = _tz_fields("America/Los_Angeles", self._clock())
        return {
            "id": self.bot_user_id,
            "team_id": self.team_id,
            "name": self.bot_name,
            "deleted": False,
            "real_name": self.bot_name,
            "tz": "America/Los_Angeles",
            "tz_label": label,
            "tz_offset": offset,
            "profile": {
                "real_name": self.bot_name,
                "real_name_normalized": self.bot_name,
                "display_name": "",
                "display_name_normalized": "",
                "bot_id": self.bot_id,
                "api_app_id": self.api_app_id,
                "always_active": True,
                "team": self.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": True,
            "is_app_user": False,
            "updated": int(self._clock()),
        }

    @staticmethod
    def _require(args: dict[str, Any], *names: str) -> None:
        for name in names:
            if args.get(name) in (None, ""):
                raise _invalid_arguments(f"missing required field '{name}'")

    def _check_message_content(self, args: dict[str, Any]) -> None:
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            raise _SlackError("invalid_blocks_format")
        if not args.get("text") and not blocks and not args.get("attachments"):
            raise _SlackError("no_text")
        if blocks is not None and len(blocks) > MAX_MESSAGE_BLOCKS:
            raise _SlackError("invalid_blocks", errors=[f"must be less than {MAX_MESSAGE_BLOCKS + 1} items"])
        if len(str(args.get("text") or "")) > MAX_MESSAGE_TEXT:
            raise _SlackError("msg_too_long")
        metadata = args.get("metadata")
        if metadata is not None and (not isinstance(metadata, dict) or "event_type" not in metadata):
            raise _SlackError("invalid_metadata_format")

    def _build_message(self, args: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": self.bot_id,
            "app_id": self.api_app_id,
            "text": str(args.get("text") or ""),
            "team": self.team_id,
            "bot_profile": self._bot_profile(),
        }
        for key in ("blocks", "attachments", "metadata"):
            if args.get(key) is not None:
                message[key] = args[key]
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
            if _truthy(args.get("reply_broadcast")):
                message["subtype"] = "thread_broadcast"
        return message

    def _new_view(
        self, view: Any, *, view_id: str | None = None, previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if not isinstance(view, dict):
            raise _invalid_arguments("'view' must be an object")
        blocks = view.get("blocks", [])
        if len(blocks) > MAX_VIEW_BLOCKS:
            raise _invalid_arguments(
                f"no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]"
            )
        new_id = view_id or self._next_id("V")
        result: dict[str, Any] = {
            "id": new_id,
            "team_id": self.team_id,
            "type": view.get("type", "modal"),
            "blocks": blocks,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self._clock())}.{uuid.uuid4().hex[:8]}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": None,
            "root_view_id": (previous or {}).get("root_view_id", new_id),
            "app_id": self.api_app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        for key in ("title", "close", "submit"):
            if key in view:
                result[key] = view[key]
        self._views[new_id] = result
        return copy.deepcopy(result)

    def _use_trigger(self, args: dict[str, Any]) -> None:
        trigger_id = args.get("trigger_id")
        if not trigger_id:
            raise _SlackError("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise _SlackError("exchanged_trigger_id")
        self._used_triggers.add(str(trigger_id))

    def _find_view(self, args: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
        if args.get("view_id"):
            view_id = str(args["view_id"])
            return view_id, self._views.get(view_id)
        if args.get("external_id"):
            for view in self._views.values():
                if view.get("external_id") == args["external_id"]:
                    return view["id"], view
            raise _SlackError("not_found")
        raise _invalid_arguments("either view_id or external_id is required")

    # ---- method implementations ------------------------------------------------------------

    def _api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "args": {k: v for k, v in args.items() if isinstance(v, str)}}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user") or "")
        if user_id == self.bot_user_id:
            return {"ok": True, "user": self._bot_user()}
        user = self._users.get(user_id)
        if user is None:
            raise _SlackError("user_not_found")
        return {"ok": True, "user": copy.deepcopy(user)}

    def _users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = [self._bot_user(), *copy.deepcopy(list(self._users.values()))]
        start = int(base64.b64decode(args["cursor"]).decode().split(":")[1]) if args.get("cursor") else 0
        limit = int(args.get("limit") or 0) or len(members) or 1
        page = members[start : start + limit]
        more = start + limit < len(members)
        cursor = base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""
        return {
            "ok": True,
            "members": page,
            "cache_ts": int(self._clock()),
            "response_metadata": {"next_cursor": cursor},
        }

    def _users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email") or "").lower()
        for user in self._users.values():
            if str(user["profile"].get("email", "")).lower() == email:
                return {"ok": True, "user": copy.deepcopy(user)}
        raise _SlackError("users_not_found")

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            raise _SlackError("channel_not_found")
        if _is_user_id(channel):
            user = self._check_user(channel, missing="channel_not_found")
            if user is not None and user.get("is_bot"):
                raise _SlackError("cannot_dm_bot")
        self._check_message_content(args)
        channel_id = self._dm_channel_for(channel)
        message = self._build_message(args, self._next_ts())
        self._messages[channel_id].append(message)
        self._cond.notify_all()
        reply = copy.deepcopy(message)
        return {"ok": True, "channel": channel_id, "ts": message["ts"], "message": reply}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel:
            raise _SlackError("channel_not_found")
        user_id = str(args.get("user") or "")
        if not user_id:
            raise _SlackError("user_not_in_channel")
        self._check_user(user_id, missing="user_not_in_channel")
        self._check_message_content(args)
        ts = self._next_ts()
        message = self._build_message(args, ts)
        message.update(channel=self._dm_channel_for(channel), user=user_id)
        self._ephemeral.append(message)
        self._cond.notify_all()
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        if not channel or _is_user_id(channel):
            raise _SlackError("channel_not_found")
        if not ts:
            raise _SlackError("message_not_found")
        self._check_message_content(args)
        stored = next((m for m in self._messages.get(channel, []) if m["ts"] == ts), None)
        if stored is None and self._messages.get(channel):
            raise _SlackError("message_not_found")
        # A channel we never saw (e.g. a message from a hand-made interaction payload): answer like Slack.
        message = stored if stored is not None else self._build_message(args, ts)
        message["text"] = str(args.get("text") or "")
        for key in ("blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        self._cond.notify_all()
        reply = {k: v for k, v in copy.deepcopy(message).items() if k not in ("ts", "bot_profile")}
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": reply}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        stored = self._messages.get(channel, [])
        for index, message in enumerate(stored):
            if message["ts"] == ts:
                del stored[index]
                return {"ok": True, "channel": channel, "ts": ts}
        raise _SlackError("message_not_found")

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        self._use_trigger(args)
        self._require(args, "view")
        return {"ok": True, "view": self._new_view(args["view"])}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        self._use_trigger(args)
        self._require(args, "view")
        return {"ok": True, "view": self._new_view(args["view"])}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "view")
        view_id, existing = self._find_view(args)
        if existing is not None and args.get("hash") and args["hash"] != existing["hash"]:
            raise _SlackError("hash_conflict")
        return {"ok": True, "view": self._new_view(args["view"], view_id=view_id, previous=existing)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "user_id", "view")
        user_id = str(args["user_id"])
        self._check_user(user_id, missing="user_not_found")
        view_id = self._home_view_ids.get(user_id)
        existing = self._views.get(view_id) if view_id else None
        if existing is not None and args.get("hash") and args["hash"] != existing["hash"]:
            raise _SlackError("hash_conflict")
        if not isinstance(args["view"], dict):
            raise _invalid_arguments("'view' must be an object")
        view = self._new_view({"type": "home", **args["view"]}, view_id=view_id)
        self._home_view_ids[user_id] = view["id"]
        self._cond.notify_all()
        return {"ok": True, "view": view}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": str(args["channel"])}}
        users = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not users:
            raise _SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise _SlackError("too_many_users")
        for user_id in users:
            user = self._check_user(user_id, missing="user_not_found")
            if user is not None and user.get("deleted"):
                raise _SlackError("user_disabled")
        created = int(self._clock())
        if len(users) == 1:
            channel_id = f"D{users[0]}"
            self._messages.setdefault(channel_id, [])
            channel = {
                "id": channel_id,
                "created": created,
                "is_im": True,
                "is_org_shared": False,
                "user": users[0],
                "last_read": "0000000000.000000",
                "latest": None,
                "unread_count": 0,
                "unread_count_display": 0,
                "is_open": True,
                "priority": 0,
            }
            return {"ok": True, "no_op": True, "already_open": True, "channel": channel}
        members = sorted(users)
        digest = hashlib.sha1(",".join(members).encode(), usedforsecurity=False).hexdigest()
        channel_id = "G" + digest[:10].upper()
        self._messages.setdefault(channel_id, [])
        names = [str(self._users.get(u, {}).get("name", u.lower())) for u in members]
        channel = {
            "id": channel_id,
            "name": "mpdm-" + "--".join(names) + "-1",
            "created": created,
            "is_channel": False,
            "is_group": False,
            "is_im": False,
            "is_mpim": True,
            "is_private": True,
            "is_archived": False,
            "is_open": True,
            "members": [self.bot_user_id, *members],
            "last_read": "0000000000.000000",
            "latest": None,
            "unread_count": 0,
            "unread_count_display": 0,
            "priority": 0,
        }
        return {"ok": True, "channel": channel}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel or _is_user_id(channel):
            raise _SlackError("channel_not_found")
        inclusive = _truthy(args.get("inclusive"))
        oldest = _ts_to_micros(args["oldest"]) if args.get("oldest") not in (None, "") else None
        latest = _ts_to_micros(args["latest"]) if args.get("latest") not in (None, "") else None
        with_metadata = _truthy(args.get("include_all_metadata"))

        def in_window(message: dict[str, Any]) -> bool:
            ts = _ts_to_micros(message["ts"])
            if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
                return False
            return latest is None or ts < latest or (ts == latest and inclusive)

        history = [
            m for m in reversed(self._messages.get(channel, [])) if in_window(m) and _in_channel_history(m)
        ]
        start = int(base64.b64decode(args["cursor"]).decode().split(":")[1]) if args.get("cursor") else 0
        limit = max(1, min(int(args.get("limit") or 100), 999))
        page = copy.deepcopy(history[start : start + limit])
        if not with_metadata:
            for message in page:
                message.pop("metadata", None)
        more = start + limit < len(history)
        body: dict[str, Any] = {
            "ok": True,
            "messages": page,
            "has_more": more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
        }
        if more:
            cursor = base64.b64encode(f"next_ts:{start + limit}".encode()).decode()
            body["response_metadata"] = {"next_cursor": cursor}
        return body

    def _files_get_upload_url_external(self, args: dict[str, Any]) -> dict[str, Any]:
        self._require(args, "filename", "length")
        file_id = self._next_id("F")
        self._files[file_id] = UploadedFile(
            file_id=file_id,
            filename=str(args["filename"]),
            length=int(args["length"]),
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
        )
        return {"ok": True, "upload_url": f"{self.url}/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise _invalid_arguments("'files' must be a non-empty list")
        uploads = []
        for entry in entries:
            upload = self._files.get(str(entry.get("id")))
            if upload is None or upload.content is None:
                raise _SlackError("file_not_found")
            uploads.append((upload, entry))
        channel_id = args.get("channel_id") or None
        channels = [c for c in str(args.get("channels") or "").split(",") if c]
        now = int(self._clock())
        files = []
        for upload, entry in uploads:
            upload.title = entry.get("title") or upload.title or upload.filename
            upload.completed = True
            upload.channel_id = channel_id
            upload.channels = channels
            upload.initial_comment = args.get("initial_comment")
            upload.thread_ts = args.get("thread_ts")
            extension = upload.filename.rpartition(".")[2] if "." in upload.filename else "text"
            private = f"https://files.slack.com/files-pri/{self.team_id}-{upload.file_id}/{upload.filename}"
            files.append(
                {
                    "id": upload.file_id,
                    "created": now,
                    "timestamp": now,
                    "name": upload.filename,
                    "title": upload.title,
                    "mimetype": "",
                    "filetype": extension,
                    "pretty_type": extension.upper(),
                    "user": self.bot_user_id,
                    "user_team": self.team_id,
                    "editable": False,
                    "size": len(upload.content or b""),
                    "mode": "hosted",
                    "is_external": False,
                    "external_type": "",
                    "is_public": False,
                    "public_url_shared": False,
                    "display_as_bot": False,
                    "username": "",
                    "url_private": private,
                    "url_private_download": private.replace("files-pri", "files-pri/download", 1),
                    "permalink": f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{upload.file_id}",
                    "comments_count": 0,
                    "shares": {},
                    "channels": [c for c in [channel_id, *channels] if c],
                    "groups": [],
                    "ims": [],
                    "has_rich_preview": False,
                    "file_access": "visible",
                }
            )
        for target in [c for c in [channel_id, *channels] if c]:
            message = self._build_message({"text": args.get("initial_comment") or ""}, self._next_ts())
            message["files"] = copy.deepcopy(files)
            message["upload"] = True
            if args.get("thread_ts"):
                message["thread_ts"] = str(args["thread_ts"])
            self._messages[str(target)].append(message)
        self._cond.notify_all()
        return {"ok": True, "files": files}
