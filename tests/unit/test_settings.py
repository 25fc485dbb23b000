"""Settings: every problem named at once, sensible defaults, secrets never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_SLACK_API_URL,
    ConnectionMode,
    SettingsError,
    load_database_url,
    load_settings,
)

HTTP_ENV = {"SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_SIGNING_SECRET": "shh-secret"}


def problems_for(environ: dict[str, str], **kwargs) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ, **kwargs)
    return raised.value.problems


def test_defaults_give_http_mode_on_a_sqlite_file_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(HTTP_ENV)
    assert settings.mode is ConnectionMode.HTTP
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'mentor-bot.db'}"
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL
    assert (settings.port, settings.scheduler_interval_seconds) == (3000, 60)
    assert (settings.default_timezone, settings.log_level) == ("UTC", "INFO")
    assert settings.mentor_admins == frozenset()
    assert settings.workspace_admins_are_mentor_admins is True


def test_an_app_token_selects_socket_mode_without_a_signing_secret():
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.mode is ConnectionMode.SOCKET


def test_nothing_set_names_every_missing_variable_in_one_error():
    problems = problems_for({})
    text = "\n".join(problems)
    assert "SLACK_BOT_TOKEN is missing" in text
    assert "SLACK_SIGNING_SECRET is missing" in text
    assert len(problems) == 2


def test_forcing_socket_mode_requires_the_app_token():
    problems = problems_for(HTTP_ENV, mode=ConnectionMode.SOCKET)
    assert problems == [p for p in problems if "SLACK_APP_TOKEN is missing" in p]
    assert len(problems) == 1


def test_forcing_http_mode_requires_the_signing_secret_even_with_an_app_token():
    problems = problems_for(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, mode=ConnectionMode.HTTP
    )
    assert any("SLACK_SIGNING_SECRET is missing" in p for p in problems)


def test_every_invalid_value_is_reported_together():
    environ = {
        "SLACK_BOT_TOKEN": "xoxp-user-token-by-mistake",
        "SLACK_APP_TOKEN": "not-an-app-token",
        "SLACK_API_URL": "ftp://example.com",
        "MENTOR_ADMINS": "U123ABC, bob",
        "MENTOR_ADMINS_INCLUDE_WORKSPACE_ADMINS": "maybe",
        "PORT": "http",
        "SCHEDULER_INTERVAL_SECONDS": "0",
        "DEFAULT_TIMEZONE": "Mars/Olympus",
        "LOG_LEVEL": "chatty",
        "DATABASE_URL": "mysql://db/mentor",
    }
    text = "\n".join(problems_for(environ))
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "MENTOR_ADMINS",
        "MENTOR_ADMINS_INCLUDE_WORKSPACE_ADMINS",
        "PORT",
        "SCHEDULER_INTERVAL_SECONDS",
        "DEFAULT_TIMEZONE",
        "LOG_LEVEL",
        "DATABASE_URL",
    ):
        assert name in text, name


def test_secret_values_never_appear_in_errors_or_repr():
    secret_token = "xoxp-1234567890-topsecretvalue"
    problems = problems_for({"SLACK_BOT_TOKEN": secret_token, "MENTOR_ADMINS": "xoxb-9876543210-othersecret"})
    rendered = SettingsError(problems).render()
    assert "1234567890" not in rendered
    assert "9876543210" not in rendered
    assert "MENTOR_ADMINS has a value that looks like a token" in rendered
    settings = load_settings({**HTTP_ENV, "SLACK_APP_TOKEN": "xapp-very-secret"})
    assert "xoxb" not in repr(settings)
    assert "shh-secret" not in repr(settings)
    assert "xapp" not in repr(settings)


def test_admins_are_parsed_from_a_comma_list_with_spaces_and_blanks():
    settings = load_settings({**HTTP_ENV, "MENTOR_ADMINS": " U01ADMIN , ,W02ENTERPRISE,"})
    assert settings.mentor_admins == frozenset({"U01ADMIN", "W02ENTERPRISE"})


def test_workspace_admins_can_be_turned_off():
    settings = load_settings({**HTTP_ENV, "MENTOR_ADMINS_INCLUDE_WORKSPACE_ADMINS": "false"})
    assert settings.workspace_admins_are_mentor_admins is False


def test_port_flag_overrides_the_environment_and_is_range_checked():
    assert load_settings({**HTTP_ENV, "PORT": "8080"}, port=9090).port == 9090
    assert any("--port" in p for p in problems_for(HTTP_ENV, port=70000))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////var/lib/mentor/bot.db", "sqlite:////var/lib/mentor/bot.db"),
    ],
)
def test_database_urls_are_normalised_to_the_installed_drivers(given, expected):
    assert load_database_url({"DATABASE_URL": given}) == expected


def test_api_url_gets_a_trailing_slash_so_method_names_append_cleanly():
    settings = load_settings({**HTTP_ENV, "SLACK_API_URL": "https://slack-gov.com/api"})
    assert settings.slack_api_url == "https://slack-gov.com/api/"


def test_database_url_alone_needs_no_slack_settings(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_database_url({}).endswith("mentor-bot.db")


def test_delivery_and_send_window_settings_are_read_and_checked():
    settings = load_settings(
        {
            **HTTP_ENV,
            "SCHEDULER_ENABLED": "false",
            "DELIVERY_MAX_PER_SECOND": "5",
            "DELIVERY_WORKERS": "2",
            "DELIVERY_LEASE_SECONDS": "300",
            "SEND_WINDOW_START_HOUR": "9",
            "SEND_WINDOW_END_HOUR": "17",
            "SEND_ON_WEEKENDS": "yes",
        }
    )
    assert settings.scheduler_enabled is False
    assert (settings.delivery_max_per_second, settings.delivery_workers, settings.delivery_lease_seconds) == (
        5,
        2,
        300,
    )
    window = settings.send_window
    assert (window.start_hour, window.end_hour, window.weekends) == (9, 17, True)
    assert load_settings(HTTP_ENV, scheduler_override=False).scheduler_enabled is False
    problems = "\n".join(
        problems_for(
            {**HTTP_ENV, "SEND_WINDOW_START_HOUR": "18", "SEND_WINDOW_END_HOUR": "8", "DELIVERY_WORKERS": "0"}
        )
    )
    assert "SEND_WINDOW_START_HOUR must be earlier" in problems
    assert "DELIVERY_WORKERS" in problems


def test_log_format_is_text_unless_json_is_asked_for():
    assert load_settings(HTTP_ENV).log_format == "text"
    assert load_settings({**HTTP_ENV, "LOG_FORMAT": " JSON "}).log_format == "json"
    assert load_settings({**HTTP_ENV, "LOG_FORMAT": "text"}).log_format == "text"


def test_an_unknown_log_format_is_reported_with_the_others():
    problems = problems_for({**HTTP_ENV, "LOG_FORMAT": "xml", "LOG_LEVEL": "chatty"})
    assert problems == [
        "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR.",
        "LOG_FORMAT must be text (the default) or json (one JSON object per line).",
    ]
