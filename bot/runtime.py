"""Running the bot: the HTTP server or the Socket Mode connection, and a clean shutdown."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from waitress import create_server, wasyncore

from bot.app import create_app
from bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from bot.scheduler import Planner, build_scheduler
from bot.services.lifecycle import mark_workspace_installed
from bot.services.program_surveys import plan_program_surveys
from bot.services.rhythm import plan_rhythm
from bot.settings import ConnectionMode, Settings
from bot.slack_gateway import build_delivery_client, build_web_client
from bot.web import EVENTS_PATH, build_wsgi_app
from storage.engine import create_database_engine, make_session_factory, ping
from storage.migrate import upgrade_database
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

logger = logging.getLogger("mentor_bot")

HTTP_THREADS = 8
LOOP_ROUND_SECONDS = 0.2


class HttpServer:
    """Waitress (a production WSGI server with a thread pool) serving one WSGI app.

    Runs in a thread of its own so that the main thread can wait for a signal, and so
    that tests can start and stop a real server on a random port.
    """

    def __init__(
        self, *, wsgi_app: WSGIApplication, host: str, port: int, threads: int = HTTP_THREADS
    ) -> None:
        self._server = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="mentor-bot",
            clear_untrusted_proxy_headers=True,
        )
        self._drained = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="http-server", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = self._server.effective_host
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self, *, timeout: float = 10.0) -> None:
        """Stop accepting, let running requests finish and flush, then close every connection."""
        server = self._server
        server.trigger.pull_trigger(lambda: wasyncore.dispatcher.close(server))
        server.task_dispatcher.shutdown(timeout=timeout)
        self._drained.set()
        self._thread.join(timeout)

    def _serve(self) -> None:
        """Waitress's event loop, run one short round at a time so that it can end cleanly.

        While requests drain, the loop keeps flushing their responses; once no request
        thread is left it ends and closes the sockets from this thread, so no thread ever
        touches a closed descriptor.
        """
        server = self._server
        while not self._drained.is_set():
            wasyncore.loop(
                timeout=LOOP_ROUND_SECONDS, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1
            )
        wasyncore.close_all(server._map)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Turn SIGTERM and SIGINT into `stop` being set, restoring the old handlers afterwards."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        logger.info("Received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def program_planners(settings: Settings, *, uow_factory: Callable[[], UnitOfWork]) -> list[Planner]:
    """What the scheduler plans each tick before delivering: the program's rhythm (check-ins...)
    and the midpoint and closing surveys."""

    def plan() -> object:
        return plan_rhythm(
            uow=uow_factory(),
            now=datetime.now(UTC),
            window=settings.send_window,
            default_timezone=settings.default_timezone,
            admin_user_ids=settings.mentor_admins,
        )

    def plan_surveys() -> object:
        return plan_program_surveys(
            uow=uow_factory(),
            now=datetime.now(UTC),
            window=settings.send_window,
            default_timezone=settings.default_timezone,
        )

    return [Planner(name="rhythm", run=plan), Planner(name="surveys", run=plan_surveys)]


def run_bot(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Migrate the database, build the app, serve until SIGTERM/SIGINT (or `stop`), then shut down."""
    stop = stop or threading.Event()
    logger.info("Migrating the database to the latest revision")
    upgrade_database(database_url=settings.database_url)
    engine = create_database_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    client = build_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(session_factory=session_factory)

    dispatcher = Dispatcher(
        uow_factory=uow_factory,
        client_for=_single_workspace_client(settings),
        config=dispatcher_config(settings),
    )
    scheduler = None
    try:
        app = create_app(settings, client=client, uow_factory=uow_factory)
        _record_installation(client, uow_factory=uow_factory)
        if settings.scheduler_enabled:
            scheduler = build_scheduler(
                interval_seconds=settings.scheduler_interval_seconds,
                planners=program_planners(settings, uow_factory=uow_factory),
                dispatch=dispatcher.run_once,
            )
            scheduler.start()
            logger.info("Scheduler started: delivery every %d s", settings.scheduler_interval_seconds)
        else:
            logger.info("Scheduler disabled: this process only serves Slack requests")
        with stop_on_signals(stop):
            if settings.mode is ConnectionMode.SOCKET:
                _serve_socket_mode(app, settings=settings, stop=stop)
            else:
                wsgi_app = build_wsgi_app(bolt_app=app, health_check=lambda: ping(engine=engine))
                _serve_http(wsgi_app, settings=settings, stop=stop)
    finally:
        if scheduler is not None:
            dispatcher.request_stop()
            scheduler.shutdown(wait=True)
        engine.dispose()
    logger.info("Stopped")


def dispatcher_config(settings: Settings) -> DispatcherConfig:
    """Delivery tuning from the settings; one run fits in one scheduler interval."""
    return DispatcherConfig(
        max_rate_per_second=settings.delivery_max_per_second,
        workers=settings.delivery_workers,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        run_budget_seconds=max(1.0, settings.scheduler_interval_seconds * 0.9),
    )


def _record_installation(client: WebClient, *, uow_factory: Callable[[], UnitOfWork]) -> None:
    """A bot that starts with a working token is installed: messages held while the workspace
    was uninstalled (or its token revoked) go out again after a reinstall."""
    try:
        team_id = str(client.auth_test().get("team_id") or "")
    except (SlackApiError, SlackClientError, OSError):
        logger.warning("Could not confirm the workspace with auth.test; delivery state unchanged")
        return
    if team_id:
        mark_workspace_installed(uow=uow_factory(), team_id=team_id)


def _single_workspace_client(settings: Settings) -> Callable[[str], WebClient]:
    client = build_delivery_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    return lambda _team_id: client


def _serve_http(wsgi_app: WSGIApplication, *, settings: Settings, stop: threading.Event) -> None:
    server = HttpServer(wsgi_app=wsgi_app, host=settings.host, port=settings.port)
    server.start()
    logger.info("Serving Slack requests on %s%s (health check: /healthz)", server.url, EVENTS_PATH)
    _wait(stop)
    server.stop()


def _serve_socket_mode(app: App, *, settings: Settings, stop: threading.Event) -> None:
    assert settings.slack_app_token is not None
    handler = SocketModeHandler(
        app, settings.slack_app_token, web_client=WebClient(base_url=settings.slack_api_url)
    )
    handler.connect()
    if handler.client.is_connected():
        logger.info("Connected to Slack in Socket Mode")
    else:
        # slack_sdk keeps retrying in the background; say so rather than claim success.
        logger.warning("Socket Mode connection is not up yet; retrying in the background")
    _wait(stop)
    handler.close()


def _wait(stop: threading.Event) -> None:
    # A short timeout keeps the main thread responsive to signals on every platform.
    while not stop.wait(0.5):
        pass
