"""Settings read once at start from the environment (and an optional `.env` file).

Every problem is collected before failing, so that a new user fixes their configuration
in one go instead of one variable per restart. Secret values are never echoed back.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.local_time import SendWindow

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SQLITE_FILE = "mentor-bot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConnectionMode(enum.StrEnum):
    """How Slack reaches the bot: over a WebSocket it opens, or by HTTP requests to it."""

    SOCKET = "socket"
    HTTP = "http"


class SettingsError(Exception):
    """The configuration cannot be used; `problems` lists each one with what to do."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    def render(self) -> str:
        lines = ["mentor-bot cannot start: the configuration has problems."]
        lines += [f"  - {problem}" for problem in self.problems]
        lines.append("Set them in the environment or in a .env file (see .env.example and the README).")
        return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Validated configuration. Secrets are excluded from repr so they never reach a log."""

    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str
    mentor_admins: frozenset[str] = frozenset()
    workspace_admins_are_mentor_admins: bool = True
    host: str = "0.0.0.0"
    port: int = 3000
    scheduler_interval_seconds: int = 60
    scheduler_enabled: bool = True
    delivery_max_per_second: float = 10.0
    delivery_workers: int = 4
    delivery_lease_seconds: int = 120
    send_window_start_hour: int = 8
    send_window_end_hour: int = 18
    send_on_weekends: bool = False
    default_timezone: str = "UTC"
    log_level: str = "INFO"
    log_format: str = "text"
    mode: ConnectionMode = ConnectionMode.HTTP

    @property
    def send_window(self) -> SendWindow:
        """When DMs may go out in each person's local time."""
        return SendWindow(
            start_hour=self.send_window_start_hour,
            end_hour=self.send_window_end_hour,
            weekends=self.send_on_weekends,
        )


def default_database_url(cwd: Path | None = None) -> str:
    """A SQLite file in the working directory: enough for a small company, nothing to install."""
    return f"sqlite:///{((cwd or Path.cwd()) / DEFAULT_SQLITE_FILE).resolve()}"


def load_database_url(environ: Mapping[str, str]) -> str:
    """The database URL alone, for commands such as `db upgrade` that need no Slack settings."""
    problems: list[str] = []
    url = _database_url(environ, problems)
    if problems:
        raise SettingsError(problems)
    return url


def load_settings(
    environ: Mapping[str, str],
    *,
    mode: ConnectionMode | None = None,
    port: int | None = None,
    scheduler_override: bool | None = None,
) -> Settings:
    """Validate the whole configuration, raising one SettingsError naming every problem.

    Args:
        environ: the variables to read (os.environ merged with .env by the CLI).
        mode: forced by `--socket` / `--http`; otherwise Socket Mode when SLACK_APP_TOKEN is set.
        port: forced by `--port`; otherwise PORT.
        scheduler_override: False for `--no-scheduler`; otherwise SCHEDULER_ENABLED.
    """
    problems: list[str] = []

    def text(name: str) -> str | None:
        value = environ.get(name, "").strip()
        return value or None

    app_token = text("SLACK_APP_TOKEN")
    resolved_mode = mode or (ConnectionMode.SOCKET if app_token else ConnectionMode.HTTP)

    bot_token = text("SLACK_BOT_TOKEN")
    if bot_token is None:
        problems.append(
            "SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...) from your Slack app's "
            "OAuth & Permissions page."
        )
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions page).")

    signing_secret = text("SLACK_SIGNING_SECRET")
    if resolved_mode is ConnectionMode.HTTP and signing_secret is None:
        problems.append(
            "SLACK_SIGNING_SECRET is missing: HTTP mode needs it to verify requests "
            "(Basic Information > App Credentials > Signing Secret). "
            "Or set SLACK_APP_TOKEN to use Socket Mode instead."
        )

    if resolved_mode is ConnectionMode.SOCKET and app_token is None:
        problems.append(
            "SLACK_APP_TOKEN is missing: Socket Mode needs an app-level token (xapp-...) with "
            "connections:write (Basic Information > App-Level Tokens)."
        )
    elif app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information).")

    api_url = text("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.append("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.")
    elif not api_url.endswith("/"):
        api_url += "/"

    admins: set[str] = set()
    for raw in (environ.get("MENTOR_ADMINS") or "").split(","):
        user_id = raw.strip()
        if not user_id:
            continue
        if _USER_ID.match(user_id):
            admins.add(user_id)
        else:
            problems.append(
                f"MENTOR_ADMINS has {_describe(user_id)}, which is not a Slack user id: use member ids "
                "such as U012AB3CD, separated by commas (profile > ⋮ > Copy member ID)."
            )

    include_workspace_admins = _boolean(environ, "MENTOR_ADMINS_INCLUDE_WORKSPACE_ADMINS", True, problems)
    resolved_port = port if port is not None else _integer(environ, "PORT", 3000, problems, low=1, high=65535)
    if port is not None and not 1 <= port <= 65535:
        problems.append("--port must be between 1 and 65535.")
    interval = _integer(environ, "SCHEDULER_INTERVAL_SECONDS", 60, problems, low=1, high=86400)
    scheduler_enabled = _boolean(environ, "SCHEDULER_ENABLED", True, problems)
    max_per_second = _integer(environ, "DELIVERY_MAX_PER_SECOND", 10, problems, low=1, high=1000)
    workers = _integer(environ, "DELIVERY_WORKERS", 4, problems, low=1, high=64)
    lease = _integer(environ, "DELIVERY_LEASE_SECONDS", 120, problems, low=5, high=3600)
    window_start = _integer(environ, "SEND_WINDOW_START_HOUR", 8, problems, low=0, high=23)
    window_end = _integer(environ, "SEND_WINDOW_END_HOUR", 18, problems, low=1, high=24)
    if window_start >= window_end:
        problems.append("SEND_WINDOW_START_HOUR must be earlier than SEND_WINDOW_END_HOUR.")
    send_on_weekends = _boolean(environ, "SEND_ON_WEEKENDS", False, problems)

    timezone = text("DEFAULT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"DEFAULT_TIMEZONE {_describe(timezone)} is not a known time zone: use an IANA name such as "
            "Europe/London or America/New_York."
        )

    log_level = (text("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")
    log_format = (text("LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        problems.append("LOG_FORMAT must be text (the default) or json (one JSON object per line).")

    database_url = _database_url(environ, problems)

    if problems:
        raise SettingsError(problems)
    assert bot_token is not None
    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url,
        mentor_admins=frozenset(admins),
        workspace_admins_are_mentor_admins=include_workspace_admins,
        host=text("HOST") or "0.0.0.0",
        port=resolved_port,
        scheduler_interval_seconds=interval,
        scheduler_enabled=scheduler_enabled if scheduler_override is None else scheduler_override,
        delivery_max_per_second=float(max_per_second),
        delivery_workers=workers,
        delivery_lease_seconds=lease,
        send_window_start_hour=window_start,
        send_window_end_hour=window_end,
        send_on_weekends=send_on_weekends,
        default_timezone=timezone,
        log_level=log_level,
        log_format=log_format,
        mode=resolved_mode,
    )


def _database_url(environ: Mapping[str, str], problems: list[str]) -> str:
    url = (environ.get("DATABASE_URL") or "").strip()
    if not url:
        return default_database_url()
    scheme = url.split(":", 1)[0].lower()
    if scheme.startswith("sqlite"):
        return url
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg" + url[len(scheme) :]
    if scheme.startswith("postgresql+"):
        return url
    problems.append(
        "DATABASE_URL must be a SQLite or PostgreSQL URL, e.g. sqlite:///mentor-bot.db or "
        "postgresql://user:password@host:5432/mentor."
    )
    return url


def _boolean(environ: Mapping[str, str], name: str, default: bool, problems: list[str]) -> bool:
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    problems.append(f"{name} must be true or false.")
    return default


def _integer(
    environ: Mapping[str, str], name: str, default: int, problems: list[str], *, low: int, high: int
) -> int:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{name} must be a whole number between {low} and {high}.")
        return default
    if not low <= value <= high:
        problems.append(f"{name} must be between {low} and {high}.")
        return default
    return value


def _describe(value: str) -> str:
    """Quote a value for an error message; something that looks like a token is never echoed."""
    if value.startswith(("xox", "xapp-")) or len(value) > 40:
        return "a value that looks like a token or password"
    return repr(value)
