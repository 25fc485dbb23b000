"""A fake Slack Socket Mode endpoint: a minimal RFC 6455 WebSocket server on 127.0.0.1.

slack_sdk's Socket Mode client asks ``apps.connections.open`` for a WebSocket URL and connects
to it; for any port but 443 it uses a plain socket, so a ``ws://127.0.0.1:PORT/link`` URL from
:class:`FakeSlackApi` (``socket_mode_url``) brings the bot's real client here. The server speaks
Slack's side of the protocol: ``hello`` on connect, envelopes that the app must acknowledge with
their ``envelope_id``, pings answered with pongs, and ``disconnect`` to ask for a reconnection::

    with FakeSocketModeServer() as socket_mode:
        fake_slack.socket_mode_url = socket_mode.url
        ...start the bot...
        socket_mode.wait_for_connection()
        ack = socket_mode.send_envelope("slash_commands", {"command": "/mentor", ...})

Only the standard library: each connection is served by a daemon thread of its own.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeSocketModeServer"]

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HANDSHAKE_BYTES = 64 * 1024
# Slack wants an ack within 3 seconds; the default leaves room for a loaded CI machine, and tests
# that check Slack's deadline pass timeout=3.
DEFAULT_ACK_TIMEOUT = 5.0

OPCODE_CONTINUATION = 0x0
OPCODE_TEXT = 0x1
OPCODE_BINARY = 0x2
OPCODE_CLOSE = 0x8
OPCODE_PING = 0x9
OPCODE_PONG = 0xA

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002


class _ConnectionClosedError(Exception):
    """The peer hung up (or the server is stopping) in the middle of a read."""


@dataclass
class _Connection:
    """One accepted WebSocket: its socket, what is read but not parsed yet, and whether it is open."""

    sock: socket.socket
    number: int
    open: bool = False
    close_sent: bool = False
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    buffer: bytearray = field(default_factory=bytearray)

    def send_frame(self, opcode: int, payload: bytes = b"") -> None:
        """Server frames are never masked (RFC 6455 section 5.1)."""
        length = len(payload)
        if length <= 125:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length <= 0xFFFF:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self.send_lock:
            self.sock.sendall(header + payload)

    def send_close(self, code: int, reason: str = "") -> None:
        if self.close_sent:
            return
        self.close_sent = True
        with contextlib.suppress(OSError):
            self.send_frame(OPCODE_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:120])

    def fill(self, at_least: int = 1) -> None:
        """Receive into the buffer until it holds ``at_least`` bytes."""
        while len(self.buffer) < at_least:
            try:
                chunk = self.sock.recv(max(4096, at_least - len(self.buffer)))
            except OSError as error:
                raise _ConnectionClosedError from error
            if not chunk:
                raise _ConnectionClosedError
            self.buffer.extend(chunk)

    def read_exact(self, count: int) -> bytes:
        self.fill(count)
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def shutdown(self) -> None:
        self.open = False
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


class FakeSocketModeServer:
    """Slack's Socket Mode WebSocket endpoint on a random local port, served from daemon threads.

    Records every text message the app sends (``received``), keeps acks by envelope id, answers
    pings, and counts pongs to its own pings (``ping_interval``, off by default). Problems in what
    the client sends (unmasked frames, bad JSON) are collected in ``errors`` rather than raised,
    so tests can assert that there were none.
    """

    def __init__(
        self,
        *,
        app_id: str = "A0APP0001",
        ping_interval: float | None = None,
        path: str = "/link",
    ) -> None:
        self.app_id = app_id
        self.ping_interval = ping_interval
        self.path = path
        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._service_threads: list[threading.Thread] = []  # accepting and pinging
        self._threads: list[threading.Thread] = []  # one per connection
        self._connections: list[_Connection] = []
        self._opened = 0
        self._acks: dict[str, dict[str, Any]] = {}
        self._received: list[dict[str, Any]] = []
        self._errors: list[str] = []
        self._pongs = 0

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeSocketModeServer:
        """Listen on 127.0.0.1 on a free port and accept connections from a daemon thread."""
        if self._listener is not None:
            raise RuntimeError("FakeSocketModeServer is already running")
        self._stopping.clear()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        # A short accept timeout lets the loop notice stop() on every platform.
        listener.settimeout(0.1)
        self._listener = listener
        self._service_threads = [self._spawn(self._accept_loop, "fake-socket-mode-accept")]
        if self.ping_interval is not None:
            self._service_threads.append(self._spawn(self._ping_loop, "fake-socket-mode-ping"))
        return self

    def stop(self) -> None:
        """Close every connection (with a 1001 close frame) and the listening socket."""
        listener = self._listener
        if listener is None:
            return
        self._stopping.set()
        # The accept and ping loops end first, so no connection can start after the snapshot below.
        for thread in self._service_threads:
            thread.join(timeout=5)
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            connection.send_close(CLOSE_GOING_AWAY, "server stopping")
            connection.shutdown()
        for thread in self._threads:
            thread.join(timeout=5)
        listener.close()
        self._threads.clear()
        self._listener = None
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> FakeSocketModeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError(
                "FakeSocketModeServer is not running; call start() or use it as a context manager"
            )
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        """What ``apps.connections.open`` answers: ``ws://127.0.0.1:PORT/link``."""
        return f"ws://127.0.0.1:{self.port}{self.path}"

    # ---- what happened ---------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """How many WebSocket connections are open right now."""
        with self._cond:
            return sum(1 for c in self._connections if c.open)

    @property
    def connections_opened(self) -> int:
        """How many handshakes succeeded since start (reconnections count again)."""
        with self._cond:
            return self._opened

    @property
    def received(self) -> list[dict[str, Any]]:
        """Every JSON text message the app sent (acks included), oldest first."""
        with self._cond:
            return [dict(m) for m in self._received]

    @property
    def pongs(self) -> int:
        """Pongs received in answer to the server's pings."""
        with self._cond:
            return self._pongs

    @property
    def errors(self) -> list[str]:
        """Protocol mistakes the client made (each also closed its connection)."""
        with self._cond:
            return list(self._errors)

    def wait_for_connection(self, timeout: float = 10.0, *, count: int = 1) -> None:
        """Block until ``count`` connections were opened in all (the first by default) and one is open.

        After ``disconnect_all``, ``count=connections_opened + 1`` waits for the reconnection.
        """
        with self._cond:
            ready = self._cond.wait_for(
                lambda: self._opened >= count and any(c.open for c in self._connections), timeout=timeout
            )
            if not ready:
                raise AssertionError(
                    f"waited {timeout}s for Socket Mode connection #{count}; "
                    f"{self._opened} opened, {self.connections} open; errors: {self._errors or 'none'}"
                )

    # ---- talking to the app ------------------------------------------------------------------

    def send_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        timeout: float = DEFAULT_ACK_TIMEOUT,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
    ) -> dict[str, Any]:
        """Send one envelope to the newest open connection and return the app's ack for it.

        ``type`` is ``slash_commands``, ``interactive`` or ``events_api``; ``payload`` is what the
        HTTP request body would be. Raises AssertionError when no ack arrives within ``timeout``
        (Slack itself gives up after 3 seconds and retries or tells the user). Pass the same
        ``envelope_id`` with a higher ``retry_attempt`` to replay an Events API retry.
        """
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: dict[str, Any] = {"envelope_id": envelope_id, "type": type, "payload": payload}
        if type == "events_api":
            envelope.update(accepts_response_payload=False, retry_attempt=retry_attempt, retry_reason="")
        else:
            envelope["accepts_response_payload"] = True
        with self._cond:
            self._acks.pop(envelope_id, None)
        self._send_json(self._newest_connection(), envelope)
        with self._cond:
            if self._cond.wait_for(lambda: envelope_id in self._acks, timeout=timeout):
                return dict(self._acks[envelope_id])
            raise AssertionError(
                f"no ack for {type} envelope {envelope_id} within {timeout}s; "
                f"the app sent {self._received[-5:] or 'nothing'}; errors: {self._errors or 'none'}"
            )

    def send_message(self, message: dict[str, Any]) -> None:
        """Send any JSON message to the newest open connection (for protocol edge cases)."""
        self._send_json(self._newest_connection(), message)

    def disconnect_all(self, reason: str = "refresh_requested") -> None:
        """Ask every open connection to reconnect, as Slack does before it recycles a connection.

        The client is expected to open a new connection (calling apps.connections.open again) and
        then close the old one itself.
        """
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-applink"}}
        with self._cond:
            connections = [c for c in self._connections if c.open]
        for connection in connections:
            with contextlib.suppress(OSError):
                self._send_json(connection, message)

    def close_all(self, code: int = CLOSE_GOING_AWAY) -> None:
        """Close every open connection from the server side without warning (a dropped link)."""
        with self._cond:
            connections = [c for c in self._connections if c.open]
        for connection in connections:
            connection.send_close(code, "closed by the fake")
            connection.shutdown()
        with self._cond:
            self._cond.notify_all()

    # ---- internals ---------------------------------------------------------------------------

    def _spawn(self, target: Any, name: str, *args: Any) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        return thread

    def _note_error(self, text: str) -> None:
        with self._cond:
            self._errors.append(text)
            self._cond.notify_all()

    def _newest_connection(self) -> _Connection:
        with self._cond:
            open_connections = [c for c in self._connections if c.open]
        if not open_connections:
            raise AssertionError("no open Socket Mode connection: is the bot running and connected?")
        return open_connections[-1]

    def _send_json(self, connection: _Connection, message: dict[str, Any]) -> None:
        connection.send_frame(OPCODE_TEXT, json.dumps(message).encode("utf-8"))

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        number = 0
        while not self._stopping.is_set():
            try:
                sock, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            number += 1
            connection = _Connection(sock=sock, number=number)
            with self._cond:
                self._connections.append(connection)
            self._threads.append(self._spawn(self._serve, f"fake-socket-mode-{number}", connection))

    def _ping_loop(self) -> None:
        assert self.ping_interval is not None
        while not self._stopping.wait(self.ping_interval):
            with self._cond:
                connections = [c for c in self._connections if c.open]
            for connection in connections:
                with contextlib.suppress(OSError):
                    connection.send_frame(OPCODE_PING, f"fake-ping:{time.time()}".encode())

    def _serve(self, connection: _Connection) -> None:
        try:
            if not self._handshake(connection):
                return
            self._send_json(
                connection,
                {
                    "type": "hello",
                    "num_connections": self.connections,
                    "debug_info": {
                        "host": "fake-applink",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": self.app_id},
                },
            )
            self._read_frames(connection)
        except (_ConnectionClosedError, OSError):
            pass
        finally:
            connection.shutdown()
            with self._cond:
                self._cond.notify_all()

    def _handshake(self, connection: _Connection) -> bool:
        """Read the HTTP upgrade request and answer 101 with Sec-WebSocket-Accept (RFC 6455 4.2)."""
        while b"\r\n\r\n" not in connection.buffer:
            if len(connection.buffer) > MAX_HANDSHAKE_BYTES:
                raise _ConnectionClosedError
            connection.fill(len(connection.buffer) + 1)
        head, _, rest = bytes(connection.buffer).partition(b"\r\n\r\n")
        connection.buffer = bytearray(rest)
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts = request_line.split(" ")
        key = headers.get("sec-websocket-key", "")
        upgrade = headers.get("upgrade", "").lower() == "websocket"
        if len(parts) != 3 or parts[0] != "GET" or not upgrade or not key:
            self._note_error(f"not a WebSocket upgrade request: {request_line!r}")
            body = b"expected a WebSocket upgrade"
            with contextlib.suppress(OSError):
                connection.sock.sendall(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
            return False
        accept = base64.b64encode(
            hashlib.sha1((key + WEBSOCKET_GUID).encode(), usedforsecurity=False).digest()
        )
        response = (
            b"HTTP/1.1 101 Switching Protocols\r\n"
            b"Upgrade: websocket\r\n"
            b"Connection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        with connection.send_lock:
            connection.sock.sendall(response)
        with self._cond:
            connection.open = True
            self._opened += 1
            self._cond.notify_all()
        return True

    def _read_frames(self, connection: _Connection) -> None:
        """Read client frames until close: reassemble fragments, answer pings, collect messages."""
        fragments: list[bytes] = []
        fragment_opcode: int | None = None
        while True:
            fin, opcode, data = self._read_frame(connection)
            if opcode is None:
                return
            if opcode == OPCODE_PING:
                connection.send_frame(OPCODE_PONG, data)
            elif opcode == OPCODE_PONG:
                with self._cond:
                    self._pongs += 1
            elif opcode == OPCODE_CLOSE:
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else CLOSE_NORMAL
                connection.send_close(code)
                return
            elif opcode in (OPCODE_TEXT, OPCODE_BINARY):
                if fragment_opcode is not None:
                    self._protocol_error(connection, "a new data frame arrived inside a fragmented message")
                    return
                if fin:
                    self._on_message(opcode, data)
                else:
                    fragment_opcode, fragments = opcode, [data]
            elif opcode == OPCODE_CONTINUATION:
                if fragment_opcode is None:
                    self._protocol_error(connection, "a continuation frame arrived with nothing to continue")
                    return
                fragments.append(data)
                if fin:
                    self._on_message(fragment_opcode, b"".join(fragments))
                    fragment_opcode, fragments = None, []
            else:
                self._protocol_error(connection, f"unknown opcode {opcode:#x}")
                return

    def _read_frame(self, connection: _Connection) -> tuple[bool, int | None, bytes]:
        first, second = connection.read_exact(2)
        fin, opcode = bool(first & 0x80), first & 0x0F
        if first & 0x70:
            self._protocol_error(connection, "reserved bits set without a negotiated extension")
            return fin, None, b""
        if not second & 0x80:
            self._protocol_error(connection, "client frames must be masked (RFC 6455 5.1)")
            return fin, None, b""
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", connection.read_exact(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", connection.read_exact(8))
        if opcode >= OPCODE_CLOSE and (length > 125 or not fin):
            self._protocol_error(connection, "control frames must be short and unfragmented")
            return fin, None, b""
        mask = connection.read_exact(4)
        masked = connection.read_exact(length)
        # XOR with the repeated 4-byte key, as one big integer: fast even for large frames.
        key = (mask * (length // 4 + 1))[:length]
        data = (int.from_bytes(masked, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
        return fin, opcode, data

    def _protocol_error(self, connection: _Connection, problem: str) -> None:
        self._note_error(f"connection {connection.number}: {problem}")
        connection.send_close(CLOSE_PROTOCOL_ERROR, "protocol error")

    def _on_message(self, opcode: int, data: bytes) -> None:
        if opcode != OPCODE_TEXT:
            self._note_error(f"Slack only accepts text messages; got {len(data)} binary bytes")
            return
        try:
            message = json.loads(data.decode("utf-8"))
        except ValueError:
            self._note_error(f"not JSON: {data[:200]!r}")
            return
        if not isinstance(message, dict):
            self._note_error(f"not a JSON object: {data[:200]!r}")
            return
        with self._cond:
            self._received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str):
                self._acks[envelope_id] = message
            self._cond.notify_all()
