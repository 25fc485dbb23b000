"""Socket Mode end to end: the real `mentor-bot run` process over a real WebSocket.

FakeSlackApi answers apps.connections.open with the URL of a FakeSocketModeServer, so the bot's
unmodified slack_sdk Socket Mode client connects to 127.0.0.1 and receives envelopes exactly as
it would from Slack. The first tests check the fake itself against slack_sdk's client (in this
process, fast); the slow ones start the bot.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from tests.conftest import EMPLOYEE_USER_ID
from tests.e2e.test_process import MENTOR_BOT, clean_env, free_port
from tests.fakes.slack_api import FakeSlackApi, server_error
from tests.fakes.socket_mode import FakeSocketModeServer

ACK_DEADLINE_SECONDS = 3.0  # Slack shows the user an error if the ack takes longer
# slack_sdk's reader holds a lock through a recv with a 3-second timeout, and closing a connection
# (on SIGTERM, or the old one after a reconnection) waits for that lock: frequent pings, as Slack
# sends them, end each recv early so that tests do not wait out the timeout.
PING_INTERVAL_SECONDS = 0.2


@pytest.fixture
def socket_mode(fake_slack: FakeSlackApi) -> Iterator[FakeSocketModeServer]:
    """A fake Socket Mode endpoint that the fake Web API hands out from apps.connections.open."""
    with FakeSocketModeServer(app_id=fake_slack.api_app_id, ping_interval=PING_INTERVAL_SECONDS) as server:
        fake_slack.socket_mode_url = server.url
        yield server
    assert server.errors == [], "the client broke the WebSocket protocol"


# ---- payloads as Slack puts them in envelopes (the same fields as the HTTP bodies) ---------------


def _trigger_id() -> str:
    return f"{int(time.time() * 1000)}.{secrets.randbelow(10**6)}.{secrets.token_hex(16)}"


def slash_command_payload(
    fake: FakeSlackApi, *, user_id: str, command: str, text: str, response_url: str
) -> dict[str, Any]:
    """A slash command in a ``slash_commands`` envelope: the form fields, as strings."""
    return {
        "token": "legacy-verification-token",
        "team_id": fake.team_id,
        "team_domain": fake.team_domain,
        "channel_id": "C0GENERAL1",
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": fake.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": _trigger_id(),
    }


def event_callback_payload(fake: FakeSlackApi, event: dict[str, Any]) -> dict[str, Any]:
    """An ``event_callback`` in an ``events_api`` envelope."""
    now = int(time.time())
    return {
        "token": "legacy-verification-token",
        "team_id": fake.team_id,
        "api_app_id": fake.api_app_id,
        "event": {"event_ts": f"{time.time():.6f}", **event},
        "type": "event_callback",
        "event_id": f"Ev{now}{secrets.randbelow(10**6):06d}",
        "event_time": now,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": fake.team_id,
                "user_id": fake.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_hex(16)}",
    }


def home_button_payload(
    fake: FakeSlackApi, *, user_id: str, action_id: str, trigger_id: str
) -> dict[str, Any]:
    """A ``block_actions`` click on the Home tab in an ``interactive`` envelope."""
    return {
        "type": "block_actions",
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": fake.team_id,
        },
        "api_app_id": fake.api_app_id,
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "V0HOME001"},
        "trigger_id": trigger_id,
        "team": {"id": fake.team_id, "domain": fake.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {"id": "V0HOME001", "type": "home", "state": {"values": {}}},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": "button",
                "text": {"type": "plain_text", "text": "Show commands", "emoji": True},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


# ---- the fake against slack_sdk's own Socket Mode client (no bot process) ---------------------


@contextmanager
def sdk_client(fake: FakeSlackApi, answer: dict[str, Any] | None = None) -> Iterator[SocketModeClient]:
    """slack_sdk's builtin client, acking every request (with ``answer`` as payload when given)."""
    client = SocketModeClient(app_token=fake.app_token, web_client=WebClient(base_url=fake.base_url))

    def ack(client: SocketModeClient, request: SocketModeRequest) -> None:
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=answer))

    client.socket_mode_request_listeners.append(ack)
    try:
        client.connect()
        yield client
    finally:
        client.close()


def test_fake_greets_and_round_trips_an_envelope_with_the_sdk_client(fake_slack, socket_mode):
    with sdk_client(fake_slack, answer={"text": "got it"}) as client:
        socket_mode.wait_for_connection()
        ack = socket_mode.send_envelope("slash_commands", {"command": "/mentor", "text": "help"})

        assert ack["payload"] == {"text": "got it"}
        assert socket_mode.connections == 1
        call = fake_slack.wait_for_call("apps.connections.open")
        assert call.token == fake_slack.app_token
        # slack_sdk pings right after the handshake; the fake's pong proves it answers pings.
        deadline = time.monotonic() + 3
        while client.current_session.last_ping_pong_time is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.current_session.last_ping_pong_time is not None


def test_fake_frames_large_messages_with_16_and_64_bit_lengths(fake_slack, socket_mode):
    big_answer = {"text": "y" * 70_000}  # the client's ack needs a 64-bit length
    with sdk_client(fake_slack, answer=big_answer):
        socket_mode.wait_for_connection()
        medium = socket_mode.send_envelope("events_api", {"note": "x" * 1_000})  # 16-bit length
        large = socket_mode.send_envelope("events_api", {"note": "x" * 100_000})  # 64-bit length

    assert medium["payload"] == big_answer
    assert large["payload"] == big_answer


def test_disconnect_makes_the_client_reconnect_through_apps_connections_open(fake_slack, socket_mode):
    with sdk_client(fake_slack):
        socket_mode.wait_for_connection()
        socket_mode.disconnect_all()
        socket_mode.wait_for_connection(count=2)

        ack = socket_mode.send_envelope("interactive", {"type": "block_actions"})

        assert ack["envelope_id"]
        assert len(fake_slack.calls_to("apps.connections.open")) == 2


def test_fake_pings_and_counts_the_clients_pongs(fake_slack):
    with FakeSocketModeServer(ping_interval=0.1) as server:
        fake_slack.socket_mode_url = server.url
        with sdk_client(fake_slack):
            server.wait_for_connection()
            deadline = time.monotonic() + 3
            while server.pongs < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
    assert server.pongs >= 2


def _client_frame(opcode: int, payload: bytes, *, fin: bool = True, masked: bool = True) -> bytes:
    """A frame as a client sends it (masked unless told otherwise)."""
    first = (0x80 if fin else 0) | opcode
    if not masked:
        return struct.pack("!BB", first, len(payload)) + payload
    key = secrets.token_bytes(4)
    body = bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
    return struct.pack("!BB", first, 0x80 | len(payload)) + key + body


def _read_server_frame(sock: socket.socket) -> tuple[int, bytes]:
    def exact(count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = sock.recv(count - len(data))
            assert chunk, "the server hung up"
            data += chunk
        return data

    first, second = exact(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", exact(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", exact(8))
    return first & 0x0F, exact(length)


@contextmanager
def raw_websocket(server: FakeSocketModeServer) -> Iterator[socket.socket]:
    """A hand-made WebSocket connection: handshake checked, hello read."""
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            (
                f"GET /link HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += sock.recv(1)
        expected = base64.b64encode(
            hashlib.sha1(
                (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode(), usedforsecurity=False
            ).digest()
        )
        assert head.startswith(b"HTTP/1.1 101 ")
        assert b"Sec-WebSocket-Accept: " + expected in head
        opcode, hello = _read_server_frame(sock)
        assert opcode == 0x1
        assert json.loads(hello)["type"] == "hello"
        yield sock


def test_fake_reassembles_fragments_answers_pings_and_rejects_unmasked_frames():
    with FakeSocketModeServer() as server, raw_websocket(server) as sock:
        sock.sendall(_client_frame(0x1, b'{"envelope_id": "e1",', fin=False))
        sock.sendall(_client_frame(0x9, b"are you there"))  # a control frame between fragments
        assert _read_server_frame(sock) == (0xA, b"are you there")
        sock.sendall(_client_frame(0x0, b' "payload": {}}'))
        deadline = time.monotonic() + 3
        while not server.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.received == [{"envelope_id": "e1", "payload": {}}]

        sock.sendall(_client_frame(0x1, b"{}", masked=False))
        opcode, data = _read_server_frame(sock)
        assert (opcode, struct.unpack("!H", data[:2])[0]) == (0x8, 1002)
        assert "must be masked" in server.errors[0]


def test_send_envelope_without_an_ack_fails_with_what_was_seen():
    with (
        FakeSocketModeServer() as server,
        raw_websocket(server),
        pytest.raises(AssertionError, match="no ack for slash_commands envelope"),
    ):
        server.send_envelope("slash_commands", {}, timeout=0.2)


# ---- the real bot process ---------------------------------------------------------------------


def socket_mode_env(fake: FakeSlackApi, tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Socket Mode settings: both tokens, no signing secret, a SQLite file of this test's own."""
    return clean_env(
        **{
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_APP_TOKEN": fake.app_token,
            "SLACK_API_URL": fake.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            **overrides,
        }
    )


@contextmanager
def bot_process(env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """`mentor-bot run` in the background; killed if the test ends while it still runs."""
    process = subprocess.Popen(
        [MENTOR_BOT, "run"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def wait_until_connected(server: FakeSocketModeServer, process: subprocess.Popen[str]) -> None:
    """Wait for the bot's WebSocket, failing at once with its stderr if it exits instead."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the bot exited with {process.returncode}: {process.stderr.read()}")
        with suppress(AssertionError):
            server.wait_for_connection(timeout=0.1)
            return
    raise AssertionError("the bot never opened a Socket Mode connection")


@pytest.mark.slow
def test_socket_mode_answers_commands_events_and_clicks_then_stops_on_sigterm(
    tmp_path, fake_slack, socket_mode
):
    with bot_process(socket_mode_env(fake_slack, tmp_path), tmp_path) as process:
        wait_until_connected(socket_mode, process)

        response_url = fake_slack.new_response_url()
        started = time.monotonic()
        ack = socket_mode.send_envelope(
            "slash_commands",
            slash_command_payload(
                fake_slack,
                user_id=EMPLOYEE_USER_ID,
                command="/mentor",
                text="help",
                response_url=response_url,
            ),
            timeout=ACK_DEADLINE_SECONDS,
        )
        assert time.monotonic() - started < ACK_DEADLINE_SECONDS
        assert set(ack) <= {"envelope_id", "payload"}
        answer = fake_slack.wait_for_response(response_url)
        assert "/mentor help" in json.dumps(answer)

        event = {
            "type": "app_home_opened",
            "user": EMPLOYEE_USER_ID,
            "channel": f"D{EMPLOYEE_USER_ID}",
            "tab": "home",
        }
        socket_mode.send_envelope("events_api", event_callback_payload(fake_slack, event))
        publish = fake_slack.wait_for_call("views.publish")
        assert publish.args["user_id"] == EMPLOYEE_USER_ID
        assert fake_slack.home_view(EMPLOYEE_USER_ID) is not None

        trigger_id = _trigger_id()
        socket_mode.send_envelope(
            "interactive",
            home_button_payload(
                fake_slack, user_id=EMPLOYEE_USER_ID, action_id="open_help", trigger_id=trigger_id
            ),
            timeout=ACK_DEADLINE_SECONDS,
        )
        assert fake_slack.wait_for_call("views.open").args["trigger_id"] == trigger_id

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        stderr = process.stderr.read()

    assert "shutting down" in stderr
    assert fake_slack.bot_token not in stderr
    assert fake_slack.app_token not in stderr
    assert "Traceback" not in stderr
    assert fake_slack.errors == []


@pytest.mark.slow
def test_socket_mode_reconnects_when_slack_asks_it_to(tmp_path, fake_slack, socket_mode):
    with bot_process(socket_mode_env(fake_slack, tmp_path), tmp_path) as process:
        wait_until_connected(socket_mode, process)

        socket_mode.disconnect_all()
        socket_mode.wait_for_connection(count=2)
        event = {
            "type": "app_home_opened",
            "user": EMPLOYEE_USER_ID,
            "channel": f"D{EMPLOYEE_USER_ID}",
            "tab": "home",
        }
        socket_mode.send_envelope("events_api", event_callback_payload(fake_slack, event))

        assert fake_slack.wait_for_call("views.publish").args["user_id"] == EMPLOYEE_USER_ID
        assert len(fake_slack.calls_to("apps.connections.open")) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


@pytest.mark.slow
def test_wrong_app_token_exits_2_naming_slack_app_token(tmp_path, fake_slack, socket_mode):
    env = socket_mode_env(fake_slack, tmp_path, SLACK_APP_TOKEN="xapp-wrong")
    result = subprocess.run(
        [MENTOR_BOT, "run"], capture_output=True, text=True, timeout=30, cwd=tmp_path, env=env, check=False
    )

    assert result.returncode == 2, result.stderr
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "xapp-wrong" not in result.stderr + result.stdout
    assert fake_slack.bot_token not in result.stderr
    assert socket_mode.connections_opened == 0


@pytest.mark.slow
def test_unreachable_slack_api_exits_1_naming_slack_api_url(tmp_path, fake_slack):
    env = socket_mode_env(fake_slack, tmp_path, SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/")
    result = subprocess.run(
        [MENTOR_BOT, "run"], capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env, check=False
    )

    assert result.returncode == 1, result.stderr
    assert "Could not reach the Slack API" in result.stderr
    assert "SLACK_API_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake_slack.app_token not in result.stderr
    assert fake_slack.bot_token not in result.stderr


@pytest.mark.slow
def test_slack_failing_to_open_a_connection_is_not_blamed_on_the_app_token(tmp_path, fake_slack, socket_mode):
    fake_slack.script("apps.connections.open", server_error(503, "service_unavailable"))
    result = subprocess.run(
        [MENTOR_BOT, "run"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env=socket_mode_env(fake_slack, tmp_path),
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert "Could not reach the Slack API" in result.stderr
    assert "HTTP 503" in result.stderr
    assert "refused SLACK_APP_TOKEN" not in result.stderr
    assert "Traceback" not in result.stderr
