"""Tests of the Slack test kit itself, driven by slack_sdk's real clients.

If these pass, e2e tests can trust that the fake answers the way the SDK expects and that the
signed requests are ones Bolt accepts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.error import URLError

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.fakes.slack_api import (
    FakeSlackApi,
    delay,
    drop_connection,
    ok,
    ratelimited,
    server_error,
    slack_error,
)
from tests.fakes.slack_requests import SlackRequestSender, plain_text_value, static_select_value

SIGNING_SECRET = "test-signing-secret"
QUICK = FixedValueRetryIntervalCalculator(0.01)


@pytest.fixture(autouse=True)
def _no_proxies_or_slack_env(monkeypatch):
    # slack_sdk routes every call through *_PROXY if set, even to 127.0.0.1.
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake
    assert fake.errors == [], "the fake itself failed"


@pytest.fixture
def client(slack: FakeSlackApi) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.base_url, retry_handlers=[])


# ---- FakeSlackApi through WebClient ------------------------------------------------------


def test_auth_test_returns_the_bot_identity(slack, client):
    response = client.auth_test()

    assert response["ok"] is True
    assert response["team_id"] == "T0TEAM001"
    assert response["team"] == "Acme"
    assert response["user_id"] == "U0BOT0001"
    assert response["bot_id"] == "B0BOT0001"
    assert response["url"] == "https://acme.slack.com/"
    call = slack.wait_for_call("auth.test")
    assert call.token == "xoxb-test-token"


def test_a_wrong_token_is_invalid_auth_and_no_token_is_not_authed(slack):
    wrong = WebClient(token="xoxb-wrong", base_url=slack.base_url)
    anonymous = WebClient(base_url=slack.base_url)

    with pytest.raises(SlackApiError) as wrong_error:
        wrong.auth_test()
    with pytest.raises(SlackApiError) as missing_error:
        anonymous.auth_test()

    assert wrong_error.value.response["error"] == "invalid_auth"
    assert missing_error.value.response["error"] == "not_authed"
    assert wrong_error.value.response.status_code == 200


def test_token_in_a_form_field_is_accepted(slack):
    anonymous = WebClient(base_url=slack.base_url)

    response = anonymous.api_call("auth.test", params={"token": slack.bot_token})

    assert response["user_id"] == slack.bot_user_id
    assert "token" not in slack.calls_to("auth.test")[0].args


def test_unknown_method_answers_unknown_method(client):
    with pytest.raises(SlackApiError) as error:
        client.api_call("pins.add", params={"channel": "C1"})

    assert error.value.response["error"] == "unknown_method"


def test_users_info_returns_a_realistic_user_with_offset_of_its_zone(slack, client):
    slack.add_user("U0ALICE01", name="alice", real_name="Alice Liddell", tz="Asia/Tokyo", is_admin=True)

    user = client.users_info(user="U0ALICE01")["user"]

    assert user["id"] == "U0ALICE01"
    assert user["tz"] == "Asia/Tokyo"
    assert user["tz_offset"] == 9 * 3600
    assert user["tz_label"] == "Japan Standard Time"
    assert user["is_admin"] is True
    assert user["deleted"] is False
    assert user["profile"]["real_name"] == "Alice Liddell"
    assert user["profile"]["display_name"] == "alice"
    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U0NOBODY1")
    assert error.value.response["error"] == "user_not_found"


def test_post_message_to_a_user_id_lands_in_their_dm(slack, client):
    slack.add_user("U0ALICE01", name="alice")
    metadata = {"event_type": "outbox_delivery", "event_payload": {"outbox_id": 42}}

    posted = client.chat_postMessage(channel="U0ALICE01", text="Welcome!", metadata=metadata)

    assert posted["channel"] == "DU0ALICE01"
    assert posted["message"]["metadata"] == metadata
    assert posted["message"]["user"] == slack.bot_user_id
    assert [m["text"] for m in slack.messages("DU0ALICE01")] == ["Welcome!"]
    assert slack.messages("U0ALICE01") == slack.messages("DU0ALICE01")
    opened = client.conversations_open(users="U0ALICE01")
    assert opened["channel"]["id"] == "DU0ALICE01"


def test_history_is_newest_first_and_has_metadata_only_when_asked(slack, client):
    metadata = {"event_type": "outbox_delivery", "event_payload": {"outbox_id": 7}}
    first = client.chat_postMessage(channel="U0ALICE01", text="one", metadata=metadata)
    second = client.chat_postMessage(channel="U0ALICE01", text="two")

    plain = client.conversations_history(channel="DU0ALICE01")["messages"]
    with_metadata = client.conversations_history(channel="DU0ALICE01", include_all_metadata=True)["messages"]
    limited = client.conversations_history(channel="DU0ALICE01", limit=1)
    newer = client.conversations_history(channel="DU0ALICE01", oldest=first["ts"])["messages"]

    assert [m["text"] for m in plain] == ["two", "one"]
    assert all("metadata" not in m for m in plain)
    assert with_metadata[1]["metadata"] == metadata
    assert "metadata" not in with_metadata[0]
    assert [m["text"] for m in limited["messages"]] == ["two"]
    assert limited["has_more"] is True
    assert [m["ts"] for m in newer] == [second["ts"]]
    assert float(second["ts"]) > float(first["ts"])


def test_post_message_needs_content_and_a_known_user(slack, client):
    slack.add_user("U0ALICE01", name="alice")

    with pytest.raises(SlackApiError) as no_text:
        client.api_call("chat.postMessage", json={"channel": "U0ALICE01"})
    with pytest.raises(SlackApiError) as unknown:
        client.chat_postMessage(channel="U0NOBODY1", text="hi")

    assert no_text.value.response["error"] == "no_text"
    assert unknown.value.response["error"] == "channel_not_found"


def test_form_encoded_json_fields_are_decoded_in_recorded_args(slack, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]

    client.api_call("chat.postMessage", params={"channel": "C0GENERAL1", "blocks": json.dumps(blocks)})

    call = slack.wait_for_call("chat.postMessage")
    assert call.args == {"channel": "C0GENERAL1", "blocks": blocks}
    assert slack.messages("C0GENERAL1")[0]["blocks"] == blocks


def test_group_dm_ids_are_stable_and_unknown_users_are_rejected(slack, client):
    for user_id, name in [("U0ALICE01", "alice"), ("U0BOB0001", "bob")]:
        slack.add_user(user_id, name=name)
    slack.add_user("U0GONE001", name="gone", deleted=True)

    one = client.conversations_open(users=["U0BOB0001", "U0ALICE01"])["channel"]
    two = client.conversations_open(users="U0ALICE01,U0BOB0001")["channel"]

    assert one["id"] == two["id"]
    assert one["id"].startswith("G")
    assert one["is_mpim"] is True
    with pytest.raises(SlackApiError) as unknown:
        client.conversations_open(users="U0NOBODY1")
    assert unknown.value.response["error"] == "user_not_found"
    with pytest.raises(SlackApiError) as disabled:
        client.conversations_open(users="U0GONE001")
    assert disabled.value.response["error"] == "user_disabled"


def test_views_get_ids_and_hashes_and_trigger_ids_are_single_use(slack, client):
    modal = {"type": "modal", "callback_id": "survey", "title": {"type": "plain_text", "text": "Survey"}}

    opened = client.views_open(trigger_id="1.2.abc", view=modal)["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view={**modal, "blocks": []})[
        "view"
    ]
    home = client.views_publish(user_id="U0ALICE01", view={"type": "home", "blocks": []})["view"]

    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "survey"
    assert updated["id"] == opened["id"]
    assert slack.home_view("U0ALICE01")["id"] == home["id"]
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id="1.2.abc", view=modal)
    assert reused.value.response["error"] == "exchanged_trigger_id"
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal)
    assert stale.value.response["error"] == "hash_conflict"


def test_chat_update_changes_the_stored_message(slack, client):
    posted = client.chat_postMessage(channel="C0GENERAL1", text="draft")

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="final")

    assert [m["text"] for m in slack.messages("C0GENERAL1")] == ["final"]
    ephemeral = client.chat_postEphemeral(channel="C0GENERAL1", user="U0ALICE01", text="only you")
    assert ephemeral["message_ts"]
    assert slack.ephemeral_messages(user_id="U0ALICE01")[0]["text"] == "only you"


# ---- scripted failures -------------------------------------------------------------------


def test_ratelimited_is_retried_after_retry_after(slack):
    client = WebClient(
        token=slack.bot_token,
        base_url=slack.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.script("chat.postMessage", ratelimited(retry_after=0))

    response = client.chat_postMessage(channel="C0GENERAL1", text="hello")

    assert response["ok"] is True
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert len(slack.messages("C0GENERAL1")) == 1


def test_ratelimited_without_a_retry_handler_surfaces_429(slack, client):
    slack.script("users.info", ratelimited(retry_after=7))

    with pytest.raises(SlackApiError) as error:
        client.users_info(user="U0ALICE01")

    assert error.value.response.status_code == 429
    assert error.value.response["error"] == "ratelimited"
    assert error.value.response.headers["Retry-After"] == "7"


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_by_server_error_handler(slack, status):
    client = WebClient(
        token=slack.bot_token,
        base_url=slack.base_url,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1, interval_calculator=QUICK)],
    )
    slack.script("auth.test", server_error(status=status))

    response = client.auth_test()

    assert response["ok"] is True
    assert len(slack.calls_to("auth.test")) == 2


def test_slack_error_raises_slack_api_error(slack, client):
    slack.script("chat.postMessage", slack_error("account_inactive"))

    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C0GENERAL1", text="hi")

    assert error.value.response["error"] == "account_inactive"
    assert slack.messages("C0GENERAL1") == []
    client.chat_postMessage(channel="C0GENERAL1", text="hi")  # the script is used up
    assert len(slack.messages("C0GENERAL1")) == 1


def test_dropped_connection_raises_a_connection_error(slack, client):
    slack.script("chat.postMessage", drop_connection())

    with pytest.raises((URLError, ConnectionError)):
        client.chat_postMessage(channel="C0GENERAL1", text="hi")

    assert len(slack.calls_to("chat.postMessage")) == 1


def test_dropped_connection_is_recovered_by_connection_error_handler(slack):
    client = WebClient(
        token=slack.bot_token,
        base_url=slack.base_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=QUICK)],
    )
    slack.script("chat.postMessage", drop_connection())

    response = client.chat_postMessage(channel="C0GENERAL1", text="hi")

    assert response["ok"] is True
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_delay_outlasting_the_client_timeout_times_out(slack):
    client = WebClient(token=slack.bot_token, base_url=slack.base_url, timeout=0.1, retry_handlers=[])
    slack.script("auth.test", delay(0.4))

    with pytest.raises((TimeoutError, URLError)):
        client.auth_test()


def test_delay_then_another_answer_and_custom_handlers(slack, client):
    slack.script("users.info", delay(0.01, then=ok(user={"id": "U0CUSTOM1"})))
    slack.set_handler("users.info", lambda args: {"ok": True, "user": {"id": args["user"], "custom": True}})

    first = client.users_info(user="U0ALICE01")
    second = client.users_info(user="U0BOB0001")

    assert first["user"] == {"id": "U0CUSTOM1"}
    assert second["user"] == {"id": "U0BOB0001", "custom": True}


def test_wait_for_call_times_out_listing_what_was_seen(slack, client):
    client.auth_test()

    with pytest.raises(AssertionError, match=r"chat\.postMessage.*auth\.test x1"):
        slack.wait_for_call("chat.postMessage", timeout=0.05)


def test_wait_for_call_sees_calls_from_other_threads(slack, client):
    worker = threading.Thread(
        target=lambda: (time.sleep(0.05), client.chat_postMessage(channel="C0GENERAL1", text="later"))
    )
    worker.start()

    call = slack.wait_for_call("chat.postMessage", predicate=lambda c: c.args["text"] == "later", timeout=2)

    worker.join()
    assert call.args["channel"] == "C0GENERAL1"


def test_reset_forgets_calls_and_scripts(slack, client):
    client.auth_test()
    slack.script("auth.test", slack_error("invalid_auth"))

    slack.reset()

    assert slack.calls == []
    assert client.auth_test()["ok"] is True


# ---- files and response_url --------------------------------------------------------------


def test_files_upload_v2_works_end_to_end(slack, client):
    response = client.files_upload_v2(
        channel="C0REPORTS1",
        filename="report.csv",
        content="pair,score\nalice-bob,0.9\n",
        title="Monthly report",
        initial_comment="Here is the report",
    )

    assert response["file"]["name"] == "report.csv"
    [uploaded] = slack.uploaded_files
    assert uploaded.content == b"pair,score\nalice-bob,0.9\n"
    assert uploaded.title == "Monthly report"
    assert uploaded.channel_id == "C0REPORTS1"
    assert uploaded.completed is True
    [shared] = slack.messages("C0REPORTS1")
    assert shared["text"] == "Here is the report"
    assert shared["files"][0]["id"] == uploaded.file_id


def test_response_url_round_trip_with_webhook_client(slack):
    url = slack.new_response_url()

    result = WebhookClient(url).send(text="Working on it", response_type="ephemeral")

    assert result.status_code == 200
    assert slack.wait_for_response(url) == {"text": "Working on it", "response_type": "ephemeral"}
    assert slack.responses(url) == [{"text": "Working on it", "response_type": "ephemeral"}]
    assert url != slack.new_response_url()


def test_response_url_refuses_a_sixth_use(slack):
    url = slack.new_response_url()
    webhook = WebhookClient(url)

    statuses = [webhook.send(text=str(n)).status_code for n in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 404]
    assert len(slack.responses(url)) == 5


# ---- SlackRequestSender --------------------------------------------------------------------


def test_sender_signature_verifies_with_signature_verifier(slack):
    sender = SlackRequestSender(
        endpoint_url=f"{slack.url}/api/capture.command", signing_secret=SIGNING_SECRET
    )

    sender.command("/mentor", "join", user_id="U0ALICE01", response_url=slack.new_response_url())

    call = slack.wait_for_call("capture.command")
    headers = {k.lower(): v for k, v in call.headers.items()}
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(SIGNING_SECRET).is_valid(
        body=call.raw_body,
        timestamp=headers["x-slack-request-timestamp"],
        signature=headers["x-slack-signature"],
    )
    assert not SignatureVerifier("another-secret").is_valid(
        body=call.raw_body,
        timestamp=headers["x-slack-request-timestamp"],
        signature=headers["x-slack-signature"],
    )
    assert call.args["command"] == "/mentor"
    assert call.args["text"] == "join"
    assert call.args["user_id"] == "U0ALICE01"


class _BoltOverHttp:
    """The smallest HTTP adapter around App.dispatch, so the sender is checked against real Bolt."""

    def __init__(self, app: App) -> None:
        bolt = app

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
                headers = {k: [v] for k, v in self.headers.items()}
                response = bolt.dispatch(BoltRequest(body=body, headers=headers))
                payload = response.body.encode("utf-8")
                self.send_response(response.status)
                for name, values in response.headers.items():
                    for value in values:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def bolt_endpoint(slack: FakeSlackApi) -> Iterator[tuple[App, SlackRequestSender]]:
    app = App(
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=slack.bot_token, base_url=slack.base_url),
        process_before_response=True,
    )
    adapter = _BoltOverHttp(app)
    yield app, SlackRequestSender(endpoint_url=adapter.url, signing_secret=SIGNING_SECRET)
    adapter.close()


def test_bolt_accepts_every_kind_of_request_the_sender_builds(slack, bolt_endpoint):
    app, sender = bolt_endpoint
    seen: dict[str, Any] = {}

    @app.command("/mentor")
    def on_command(ack, command, respond):
        ack()
        seen["command"] = command
        respond(text=f"you said {command['text']}")

    @app.action("join")
    def on_join(ack, body, action):
        ack()
        seen["action"] = (body["container"], action)

    @app.view("survey")
    def on_survey(ack, view):
        ack(response_action="errors", errors={"goal": "Too short"})
        seen["view"] = view

    @app.event("app_home_opened")
    def on_home(event, client):
        seen["event"] = event
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    response_url = slack.new_response_url()
    command = sender.command("/mentor", "join", user_id="U0ALICE01", response_url=response_url)
    click = sender.block_action(
        user_id="U0ALICE01", action_id="join", value="yes", message={"ts": "1.000001", "text": "Join?"}
    )
    submit = sender.view_submission(
        user_id="U0ALICE01",
        callback_id="survey",
        values={
            "goal": {"goal_input": plain_text_value("x")},
            "role": {"role": static_select_value("mentor")},
        },
    )
    event = sender.app_home_opened("U0ALICE01")
    forged = sender.post_raw(
        b"payload=%7B%7D", content_type="application/x-www-form-urlencoded", signature="v0=0"
    )
    stale = sender.post_raw(b"{}", content_type="application/json", timestamp=int(time.time()) - 600)

    assert (command.status, click.status, submit.status, event.status) == (200, 200, 200, 200)
    assert seen["command"]["user_id"] == "U0ALICE01"
    assert slack.wait_for_response(response_url) == {"text": "you said join"}
    assert seen["action"][0]["channel_id"] == "DU0ALICE01"
    assert seen["action"][1]["value"] == "yes"
    assert submit.json() == {"response_action": "errors", "errors": {"goal": "Too short"}}
    assert seen["view"]["state"]["values"]["role"]["role"]["selected_option"]["value"] == "mentor"
    assert seen["event"]["tab"] == "home"
    assert slack.home_view("U0ALICE01") is not None
    assert (forged.status, stale.status) == (401, 401)


# ---- apps.connections.open (Socket Mode) ---------------------------------------------------


def test_apps_connections_open_hands_out_the_socket_mode_url_for_the_app_token_only(slack, client):
    app_client = WebClient(base_url=slack.base_url, retry_handlers=[])

    def error_of(call) -> str:
        with pytest.raises(SlackApiError) as error:
            call()
        return error.value.response["error"]

    assert error_of(lambda: app_client.apps_connections_open(app_token=slack.app_token)) == (
        "not_allowed_token_type"
    ), "Socket Mode is off until socket_mode_url is set"
    slack.socket_mode_url = "ws://127.0.0.1:9/link"

    response = app_client.apps_connections_open(app_token=slack.app_token)

    assert response.data == {"ok": True, "url": "ws://127.0.0.1:9/link"}
    assert slack.calls_to("apps.connections.open")[-1].token == slack.app_token
    assert error_of(lambda: app_client.apps_connections_open(app_token="xapp-wrong")) == "invalid_auth"
    assert error_of(lambda: app_client.apps_connections_open(app_token=slack.bot_token)) == (
        "not_allowed_token_type"
    )
    assert error_of(lambda: app_client.api_call("auth.test", params={"token": slack.app_token})) == (
        "not_allowed_token_type"
    ), "every other method still refuses the app token"
    assert client.auth_test()["ok"] is True


# ---- opt-in rate-limit enforcement (load tests) --------------------------------------------


class ManualClock:
    """A monotonic clock the test moves by hand, so bucket refills are exact."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def post(client: WebClient, channel: str) -> tuple[int, str, str | None]:
    """Post a message; (HTTP status, Slack error or "", Retry-After) instead of raising."""
    try:
        client.chat_postMessage(channel=channel, text="hi")
    except SlackApiError as error:
        response = error.response
        return response.status_code, str(response.get("error") or ""), response.headers.get("Retry-After")
    return 200, "", None


def limit_counts(slack: FakeSlackApi) -> tuple[int, int, int]:
    stats = slack.rate_limit_stats
    return stats.accepted, stats.rate_limited_429, stats.failed_5xx


def test_without_enforcement_nothing_is_limited(slack, client):
    assert [post(client, "C0GENERAL1")[0] for _ in range(5)] == [200] * 5
    assert limit_counts(slack) == (0, 0, 0)


def test_workspace_bucket_holds_one_second_then_answers_429_with_retry_after(slack, client):
    clock = ManualClock()
    slack.enforce_rate_limit(per_second=3, per_channel_per_second=None, clock=clock)

    burst = [post(client, f"C0CHAN00{n}") for n in range(4)]
    clock.now += 0.34  # refills a little over one token
    after_refill = post(client, "C0CHAN009")

    assert burst == [(200, "", None)] * 3 + [(429, "ratelimited", "1")]
    assert after_refill == (200, "", None)
    assert limit_counts(slack) == (4, 1, 0)
    assert slack.messages("C0CHAN003") == [], "a refused call posts nothing"


def test_retry_after_is_whole_seconds_until_a_token_is_back(slack, client):
    clock = ManualClock()
    slack.enforce_rate_limit(per_second=0.25, per_channel_per_second=None, clock=clock)

    first = post(client, "C0GENERAL1")
    at_once = post(client, "C0GENERAL1")
    clock.now += 1.0
    a_second_later = post(client, "C0GENERAL1")
    clock.now += 3.0
    when_due = post(client, "C0GENERAL1")

    assert first[0] == 200
    assert at_once[2] == "4"
    assert a_second_later[2] == "3"
    assert when_due[0] == 200


def test_one_post_per_second_into_one_channel_a_user_id_meaning_their_dm(slack, client):
    clock = ManualClock()
    slack.add_user("U0ALICE01", name="alice")
    slack.add_user("U0BOB0001", name="bob")
    slack.enforce_rate_limit(per_second=100, per_channel_per_second=1.0, clock=clock)

    to_user = post(client, "U0ALICE01")
    to_dm = post(client, "DU0ALICE01")
    to_someone_else = post(client, "U0BOB0001")
    clock.now += 0.5
    half_a_second_later = post(client, "U0ALICE01")
    clock.now += 0.5
    a_second_later = post(client, "DU0ALICE01")

    assert to_user[0] == 200
    assert to_dm == (429, "ratelimited", "1")
    assert to_someone_else[0] == 200
    assert half_a_second_later == (429, "ratelimited", "1")
    assert a_second_later[0] == 200
    assert len(slack.messages("U0ALICE01")) == 2
    assert limit_counts(slack) == (3, 2, 0)


def test_injected_failures_are_load_balancer_5xx_that_post_nothing(slack, client):
    slack.enforce_rate_limit(per_second=1, failure_rate=1.0)

    answers = [post(client, "C0GENERAL1") for _ in range(4)]

    assert [status for status, _, _ in answers] == [503, 502, 503, 500]
    assert answers[0][1] == answers[2][1] == "service_unavailable"
    assert all("non-JSON" in error for _, error, _ in (answers[1], answers[3]))
    assert "internal_error" not in {error for _, error, _ in answers}, "that would mean 'maybe posted'"
    assert slack.messages("C0GENERAL1") == []
    assert limit_counts(slack) == (0, 0, 4), "a 5xx spends no token: 4 calls over a 1/s limit, no 429"


def test_failures_follow_the_seed_and_the_rest_is_posted(client):
    def statuses(seed: int) -> list[int]:
        with FakeSlackApi() as fake:
            seeded = WebClient(token=fake.bot_token, base_url=fake.base_url, retry_handlers=[])
            fake.enforce_rate_limit(per_second=1000, failure_rate=0.5, seed=seed)
            got = [post(seeded, f"C0CHAN{n:03d}")[0] for n in range(20)]
            posted = sum(len(fake.messages(f"C0CHAN{n:03d}")) for n in range(20))
            assert limit_counts(fake) == (posted, 0, 20 - posted)
        return got

    first = statuses(seed=7)

    assert statuses(seed=7) == first
    assert 200 in first
    assert set(first) - {200} <= {500, 502, 503}
    assert set(first) != {200}


def test_scripts_other_methods_and_bad_tokens_bypass_the_limit(slack, client):
    clock = ManualClock()
    slack.enforce_rate_limit(per_second=1, clock=clock)
    stranger = WebClient(token="xoxb-wrong", base_url=slack.base_url, retry_handlers=[])

    assert post(client, "C0GENERAL1")[0] == 200
    slack.script("chat.postMessage", ok(channel="C0GENERAL1", ts="1.000001"))
    assert post(client, "C0GENERAL1")[0] == 200, "a scripted answer wins"
    assert client.auth_test()["ok"] is True
    assert post(stranger, "C0GENERAL1")[1] == "invalid_auth", "authentication comes first"
    assert post(client, "C0GENERAL1")[0] == 429
    slack.stop_rate_limit()
    assert post(client, "C0GENERAL1")[0] == 200
    assert limit_counts(slack) == (0, 0, 0), "stopping forgets the counts"


def test_concurrent_posts_never_exceed_the_bucket(slack, client):
    slack.enforce_rate_limit(per_second=50, per_channel_per_second=None, clock=ManualClock())
    results: list[int] = []
    lock = threading.Lock()

    def sender(worker: int) -> None:
        for n in range(20):
            status = post(client, f"C0W{worker}N{n:03d}")[0]
            with lock:
                results.append(status)

    # Four at a time: the fake's listen backlog is small, and a refused SYN costs a 1 s retransmit.
    threads = [threading.Thread(target=sender, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(results) == [200] * 50 + [429] * 30
    assert limit_counts(slack) == (50, 30, 0)
    assert sum(len(slack.messages(call.args["channel"])) for call in slack.calls_to("chat.postMessage")) == 50
