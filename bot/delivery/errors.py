"""What a failed Slack call means for a message: send it later, verify first, or give up.

The lists follow Slack's documented errors for chat.postMessage and conversations.open.
An error not listed here is treated as permanent: a message is never retried in a loop
on an error nobody understood; it fails with the reason, for admins to see.
"""

from __future__ import annotations

import enum
import socket
import ssl
import urllib.error
from dataclasses import dataclass
from http.client import HTTPException

from slack_sdk.errors import SlackApiError, SlackClientError

# The person cannot receive DMs from us: fail the message and flag the person.
RECIPIENT_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "user_not_visible",
        "cannot_dm_bot",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
    }
)

# The whole workspace cannot be reached with this token: keep messages, retry much later.
WORKSPACE_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "team_access_not_granted",
        "org_login_required",
    }
)

# Slack may have posted the message before failing: look in the conversation before resending.
OUTCOME_UNKNOWN_ERRORS = frozenset({"internal_error", "fatal_error", "request_timeout"})

# Slack is briefly unable to serve: nothing was posted.
TRANSIENT_ERRORS = frozenset({"service_unavailable", "ratelimited", "team_added_to_org"})


# What a Slack Web API call can raise; anything else (a database error) is not the message's fault.
SLACK_CALL_ERRORS: tuple[type[Exception], ...] = (SlackClientError, OSError, HTTPException)


class Verdict(enum.StrEnum):
    RATE_LIMITED = "rate_limited"
    RETRY = "retry"
    RECIPIENT_GONE = "recipient_gone"
    WORKSPACE_UNAVAILABLE = "workspace_unavailable"
    PERMANENT = "permanent"


@dataclass(frozen=True, kw_only=True)
class Failure:
    """How to treat one failed call."""

    verdict: Verdict
    reason: str
    may_have_been_sent: bool = False
    retry_after: float | None = None


def classify(error: Exception) -> Failure:
    """Turn an exception from a Slack call into what the dispatcher should do with the message."""
    if isinstance(error, SlackApiError):
        return _classify_api_error(error)
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, ConnectionRefusedError):
        # Nothing reached Slack.
        return Failure(verdict=Verdict.RETRY, reason="connection refused")
    if isinstance(
        error, (TimeoutError, socket.timeout, ConnectionError, HTTPException, ssl.SSLError, OSError)
    ):
        # The request may have reached Slack before the connection broke.
        return Failure(
            verdict=Verdict.RETRY, reason=f"connection error: {type(error).__name__}", may_have_been_sent=True
        )
    return Failure(verdict=Verdict.PERMANENT, reason=f"unexpected {type(error).__name__}")


def _classify_api_error(error: SlackApiError) -> Failure:
    response = error.response
    status = response.status_code
    code = str(response.get("error") or "") if isinstance(response.data, dict) else ""
    if status == 429 or code == "ratelimited":
        retry_after = _retry_after(response.headers)
        return Failure(verdict=Verdict.RATE_LIMITED, reason="ratelimited", retry_after=retry_after)
    if status >= 500:
        unknown = code in OUTCOME_UNKNOWN_ERRORS or status == 504
        return Failure(verdict=Verdict.RETRY, reason=code or f"HTTP {status}", may_have_been_sent=unknown)
    if code in OUTCOME_UNKNOWN_ERRORS:
        return Failure(verdict=Verdict.RETRY, reason=code, may_have_been_sent=True)
    if code in TRANSIENT_ERRORS:
        return Failure(verdict=Verdict.RETRY, reason=code)
    if code in RECIPIENT_ERRORS:
        return Failure(verdict=Verdict.RECIPIENT_GONE, reason=code)
    if code in WORKSPACE_ERRORS:
        return Failure(verdict=Verdict.WORKSPACE_UNAVAILABLE, reason=code)
    return Failure(verdict=Verdict.PERMANENT, reason=code or f"HTTP {status}")


def _retry_after(headers: dict[str, object]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(str(value if not isinstance(value, list) else value[0])), 0.0)
            except ValueError:
                break
    return 1.0
