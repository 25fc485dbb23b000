"""The `mentor-bot` command line: run the bot, migrate the database, show the version."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.error import URLError

from dotenv import dotenv_values
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot import __version__
from bot.logging_setup import configure_logging
from bot.settings import LOG_LEVELS, ConnectionMode, SettingsError, load_database_url, load_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2
# Masked in every log line, whatever logs them.
SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")

logger = logging.getLogger("mentor_bot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentor-bot",
        description="A self-hosted Slack bot that runs reverse-mentoring programs.",
        epilog="Configuration comes from the environment and an optional .env file; see the README.",
    )
    parser.add_argument("--version", action="version", version=f"mentor-bot {__version__}")
    parser.add_argument(
        "--env-file", default=".env", metavar="PATH", help="read variables from this file too (default: .env)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        help="migrate the database, then serve Slack",
        description="Migrate the database to the latest revision, then serve Slack until SIGTERM or Ctrl-C. "
        "Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT.",
    )
    mode = run.add_mutually_exclusive_group()
    mode.add_argument(
        "--socket",
        action="store_const",
        const=ConnectionMode.SOCKET,
        dest="mode",
        help="connect over Socket Mode (needs SLACK_APP_TOKEN)",
    )
    mode.add_argument(
        "--http",
        action="store_const",
        const=ConnectionMode.HTTP,
        dest="mode",
        help="serve POST /slack/events and GET /healthz over HTTP (needs SLACK_SIGNING_SECRET)",
    )
    run.add_argument("--port", type=int, help="HTTP port (default: PORT, else 3000)")
    run.add_argument(
        "--no-scheduler",
        action="store_false",
        dest="scheduler",
        default=None,
        help="only serve Slack requests; send no scheduled messages (another process does)",
    )

    db = commands.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    db_commands.add_parser(
        "upgrade",
        help="migrate the database to the latest revision",
        description="Create or migrate the database at DATABASE_URL to the latest schema. Safe to repeat.",
    )
    return parser


def read_environment(env_file: str) -> dict[str, str]:
    """The process environment over the .env file: a variable set in the shell always wins."""
    values = {key: value for key, value in dotenv_values(Path(env_file)).items() if value is not None}
    return {**values, **os.environ}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = read_environment(args.env_file)
    # Until the settings are validated: as asked where it makes sense (load_settings names a wrong value).
    level = (environ.get("LOG_LEVEL") or "").strip().upper()
    configure_logging(
        level if level in LOG_LEVELS else "INFO",
        json_format=(environ.get("LOG_FORMAT") or "").strip().lower() == "json",
        secrets=[(environ.get(name) or "").strip() for name in SECRET_VARIABLES],
    )
    try:
        if args.command == "db":
            return _db_upgrade(environ)
        return _run(environ, mode=args.mode, port=args.port, scheduler=args.scheduler)
    except SettingsError as error:
        print(error.render(), file=sys.stderr)
        return EXIT_CONFIG


def _db_upgrade(environ: Mapping[str, str]) -> int:
    from storage.migrate import current_revision, upgrade_database

    database_url = load_database_url(environ)
    try:
        upgrade_database(database_url=database_url)
    except SQLAlchemyError as error:
        return _database_failure(database_url, error)
    print(f"Database {_safe_url(database_url)} is at revision {current_revision(database_url=database_url)}.")
    return EXIT_OK


def _run(
    environ: Mapping[str, str], *, mode: ConnectionMode | None, port: int | None, scheduler: bool | None
) -> int:
    from bot.runtime import run_bot

    settings = load_settings(environ, mode=mode, port=port, scheduler_override=scheduler)
    configure_logging(
        settings.log_level,
        json_format=settings.log_format == "json",
        secrets=[settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret],
    )
    logger.info(
        "mentor-bot %s starting in %s mode, database %s",
        __version__,
        settings.mode,
        _safe_url(settings.database_url),
    )
    try:
        run_bot(settings)
    except SQLAlchemyError as error:
        return _database_failure(settings.database_url, error)
    except BoltError as error:
        print(
            f"Slack did not accept the bot token or could not be reached ({error}). "
            "Check SLACK_BOT_TOKEN and SLACK_API_URL, and that the app is installed in your workspace.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except SlackApiError as error:
        # At start only Socket Mode's apps.connections.open raises this (Bolt wraps auth.test's).
        if error.response.status_code >= 500:
            return _slack_unreachable(settings.slack_api_url, f"HTTP {error.response.status_code}")
        print(
            f"Slack refused SLACK_APP_TOKEN ({error.response.get('error')}): Socket Mode needs the app-level "
            "token (xapp-...) with the connections:write scope from Basic Information > App-Level Tokens, "
            "and Socket Mode turned on for the app.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except (URLError, ConnectionError, TimeoutError, SlackClientError) as error:
        return _slack_unreachable(settings.slack_api_url, error)
    return EXIT_OK


def _slack_unreachable(api_url: str, error: object) -> int:
    """Slack did not answer at start: usually a wrong SLACK_API_URL, a firewall or a proxy."""
    print(
        f"Could not reach the Slack API at {api_url} ({error}). "
        "Check SLACK_API_URL and that this machine can reach it (network, firewall, HTTPS_PROXY).",
        file=sys.stderr,
    )
    return EXIT_FAILURE


def _database_failure(database_url: str, error: SQLAlchemyError) -> int:
    print(
        f"Could not use the database {_safe_url(database_url)}: {type(error).__name__}: "
        f"{str(error.orig if hasattr(error, 'orig') and error.orig else error).splitlines()[0]}\n"
        "Check DATABASE_URL and that the database server is running.",
        file=sys.stderr,
    )
    return EXIT_FAILURE


def _safe_url(database_url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(database_url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable DATABASE_URL)"


if __name__ == "__main__":
    sys.exit(main())
