"""A narrow wrapper over slack_sdk's WebClient: the only Slack calls services make.

Services depend on this small surface rather than the whole WebClient, and it turns
Slack's transport failures into domain errors that the error handler can explain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.errors import SlackUnavailableError

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_SECONDS = 10

# chat.postMessage refusals a person can fix (add the bot, pick another channel); nothing was posted.
CHANNEL_POST_REFUSALS = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})


class ChannelPostRefusedError(Exception):
    """Slack would not post in a channel for a reason the caller can explain; `error` is Slack's code."""

    def __init__(self, *, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True, kw_only=True)
class SlackUser:
    """The fields of a Slack user that the program uses."""

    user_id: str
    name: str | None
    real_name: str | None
    tz: str | None
    is_admin: bool
    is_owner: bool
    is_bot: bool
    deleted: bool

    @classmethod
    def from_api(cls, user: dict[str, Any]) -> SlackUser:
        profile = user.get("profile") or {}
        return cls(
            user_id=user["id"],
            name=user.get("name"),
            real_name=user.get("real_name") or profile.get("real_name"),
            tz=user.get("tz"),
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner")),
            is_bot=bool(user.get("is_bot")),
            deleted=bool(user.get("deleted")),
        )


def build_web_client(*, token: str, base_url: str) -> WebClient:
    """A WebClient that retries rate limits, 5xx answers and dropped connections.

    Interactive calls (a user waiting for an answer) go through here; bulk delivery
    paces itself through the outbox instead of sleeping inside the client.
    """
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_delivery_client(*, token: str, base_url: str) -> WebClient:
    """A WebClient that never retries by itself: the dispatcher decides, and verifies first.

    An automatic retry after a dropped connection could post a message twice; the
    dispatcher instead records the attempt and checks the conversation before resending.
    """
    return WebClient(token=token, base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, retry_handlers=[])


class SlackGateway:
    """The Slack Web API calls the services need, with domain errors instead of SDK ones."""

    def __init__(self, *, client: WebClient) -> None:
        self._client = client

    def user_info(self, *, user_id: str) -> SlackUser | None:
        """The user's profile, or None when Slack does not know them (`user_not_found`)."""
        try:
            response = self._client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") in ("user_not_found", "user_not_visible"):
                return None
            logger.warning("users.info failed: %s", error.response.get("error"))
            raise SlackUnavailableError() from error
        except (SlackClientError, OSError) as error:
            logger.warning("users.info could not reach Slack: %s", type(error).__name__)
            raise SlackUnavailableError() from error
        return SlackUser.from_api(response["user"])

    def publish_home(self, *, user_id: str, view: dict[str, Any]) -> None:
        self._client.views_publish(user_id=user_id, view=view)

    def open_modal(self, *, trigger_id: str, view: dict[str, Any]) -> None:
        self._client.views_open(trigger_id=trigger_id, view=view)

    def post_message(self, *, channel: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self._client.chat_postMessage(channel=channel, text=text, blocks=blocks)

    def post_to_channel(
        self, *, channel_id: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> str:
        """Post in a channel now and return the message's ts.

        Refusals a person can fix (CHANNEL_POST_REFUSALS) raise ChannelPostRefusedError; rate
        limits, 5xx and network failures that outlast the client's retries raise
        SlackUnavailableError; anything else (a bug, such as invalid_blocks) propagates.
        """
        try:
            response = self._client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code in CHANNEL_POST_REFUSALS:
                raise ChannelPostRefusedError(error=code) from error
            if code == "ratelimited" or error.response.status_code >= 500:
                logger.warning("chat.postMessage to a channel failed: %s", code)
                raise SlackUnavailableError() from error
            raise
        except (SlackClientError, OSError) as error:
            logger.warning("chat.postMessage could not reach Slack: %s", type(error).__name__)
            raise SlackUnavailableError() from error
        return str(response.get("ts") or "")

    def send_file(
        self, *, user_id: str, filename: str, content: bytes, title: str, initial_comment: str
    ) -> bool:
        """Upload a file into the bot's DM with the user (files upload v2); False if Slack refused.

        Used for lists too long for a message; the caller says so in its answer when it fails,
        so a refused upload never loses the answer itself.
        """
        try:
            channel = self._client.conversations_open(users=user_id)["channel"]["id"]
            self._client.files_upload_v2(
                channel=channel,
                content=content,
                filename=filename,
                title=title,
                initial_comment=initial_comment,
            )
        except (SlackApiError, SlackClientError, OSError, KeyError, TypeError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            logger.warning("Could not send %s to a DM: %s", filename, code)
            return False
        return True

    def post_to_group(
        self, *, user_ids: list[str], text: str, blocks: list[dict[str, Any]] | None = None
    ) -> str:
        """Open (or reuse) the group DM of these people and the bot, post in it now, return its id.

        For an admin waiting on a button: a failure raises SlackUnavailableError so they hear of it.
        """
        try:
            channel = self._client.conversations_open(users=",".join(user_ids))["channel"]["id"]
            self._client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except (SlackApiError, SlackClientError, OSError, KeyError, TypeError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            logger.warning("Could not post to a group DM: %s", code)
            raise SlackUnavailableError() from error
        return str(channel)
