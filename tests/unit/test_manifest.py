"""The Slack app manifest (manifest.yml) is valid for Slack and asks for exactly what the bot uses.

The schema is Slack's published manifest JSON schema, vendored in tests/data (see the README
there), so these tests need neither network nor anything outside the repository.
"""

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
SCHEMA_PATH = REPO_ROOT / "tests" / "data" / "slack-manifest.schema.json"

HTTP_URL = "https://YOUR-HOST/slack/events"

# Adding a scope is a product decision (and forces every workspace to re-install): change
# this set only together with the justification comment in manifest.yml.
EXPECTED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "im:write",
    "mpim:write",
    "im:history",
    "mpim:history",
    "users:read",
    "files:write",
}

# Every subscribed event needs a listener (Bolt answers an unhandled event with 404 and
# Slack retries it), so this set changes together with the event handlers.
EXPECTED_BOT_EVENTS = {"app_home_opened", "user_change", "app_uninstalled", "tokens_revoked"}

# The command contract from the product description.
EXPECTED_SUBCOMMANDS = {
    "/mentor": ["help", "join", "status", "reflect", "pause", "resume", "leave", "export"],
    "/mentor-admin": [
        "help",
        "cohort",
        "skills",
        "invite",
        "announce",
        "status",
        "match",
        "pair",
        "unpair",
        "remove",
        "nudge",
        "report",
        "export",
        "audit",
        "close",
    ],
}


@pytest.fixture(scope="module")
def manifest_text() -> str:
    return MANIFEST_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def manifest(manifest_text: str) -> dict:
    loaded = yaml.safe_load(manifest_text)
    assert isinstance(loaded, dict), "manifest.yml must be a YAML mapping"
    return loaded


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> jsonschema.protocols.Validator:
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    return validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER)


def schema_errors(validator: jsonschema.protocols.Validator, document: dict) -> list[str]:
    """All schema violations, one readable line each (path, then message)."""
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]


def commands_by_name(manifest: dict) -> dict[str, dict]:
    return {c["command"]: c for c in manifest["features"]["slash_commands"]}


def test_vendored_schema_declares_draft_07_and_is_itself_valid(schema):
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft7Validator
    jsonschema.Draft7Validator.check_schema(schema)


def test_manifest_is_valid_against_slacks_manifest_schema(manifest, validator):
    errors = schema_errors(validator, manifest)
    assert not errors, "manifest.yml breaks Slack's manifest schema:\n" + "\n".join(errors)


@pytest.mark.parametrize(
    ("break_manifest", "expected_path"),
    [
        pytest.param(
            lambda m: m["display_information"].update(name="x" * 40),
            "display_information/name",
            id="name-over-35-chars",
        ),
        pytest.param(lambda m: m.update(unknown_key=True), "<root>", id="unknown-top-level-key"),
        pytest.param(lambda m: m["settings"].update(socket_mode=True), "settings", id="misspelled-setting"),
        pytest.param(
            lambda m: m["features"]["slash_commands"][0].update(command="mentor"),
            "features/slash_commands/0/command",
            id="command-without-slash",
        ),
        pytest.param(
            lambda m: m["settings"]["interactivity"].pop("is_enabled"),
            "settings/interactivity",
            id="interactivity-without-is_enabled",
        ),
    ],
)
def test_schema_check_rejects_a_broken_manifest(manifest, validator, break_manifest, expected_path):
    broken = copy.deepcopy(manifest)
    break_manifest(broken)
    errors = schema_errors(validator, broken)
    assert any(line.startswith(f"{expected_path}: ") for line in errors), errors


def test_both_slash_commands_exist_escape_mentions_and_show_a_usage_hint(manifest):
    commands = commands_by_name(manifest)
    assert set(commands) == set(EXPECTED_SUBCOMMANDS)
    for name, command in commands.items():
        # Escaped mentions arrive as <@U...|name> / <#C...|name>: the parser relies on ids.
        assert command.get("should_escape") is True, name
        assert command.get("usage_hint", "").strip(), name
        assert 1 <= len(command["description"]) <= 2000, name
        assert len(command["usage_hint"]) <= 1000, name
        assert len(name) <= 32, name


@pytest.mark.parametrize("command_name", sorted(EXPECTED_SUBCOMMANDS))
def test_usage_hint_lists_every_subcommand(manifest, command_name):
    hint_words = set(re.findall(r"[a-z-]+", commands_by_name(manifest)[command_name]["usage_hint"]))
    missing = [sub for sub in EXPECTED_SUBCOMMANDS[command_name] if sub not in hint_words]
    assert not missing, f"{command_name} usage_hint does not mention {missing}"


def test_bot_scopes_are_exactly_the_reviewed_set(manifest):
    bot_scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(bot_scopes) == len(set(bot_scopes)), "duplicate scope"
    assert set(bot_scopes) == EXPECTED_BOT_SCOPES


def test_app_asks_for_no_user_token_scopes(manifest):
    assert set(manifest["oauth_config"]["scopes"]) == {"bot"}


def test_bot_subscribes_to_exactly_the_events_it_handles(manifest):
    bot_events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert len(bot_events) == len(set(bot_events)), "duplicate event"
    assert set(bot_events) == EXPECTED_BOT_EVENTS
    assert "user_events" not in manifest["settings"]["event_subscriptions"]


def test_interactivity_is_enabled_for_buttons_and_modals(manifest):
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_home_tab_is_enabled_and_messages_tab_is_read_only(manifest):
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] is True
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is True


def test_bot_user_is_named_and_always_online(manifest):
    bot_user = manifest["features"]["bot_user"]
    assert 1 <= len(bot_user["display_name"]) <= 80
    assert bot_user["always_online"] is True


def test_socket_mode_is_the_default_so_no_public_url_is_needed(manifest):
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["token_rotation_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert "request_url" not in settings["event_subscriptions"]
    assert "request_url" not in settings["interactivity"]
    assert all("url" not in command for command in manifest["features"]["slash_commands"])


def test_http_mode_described_in_the_header_comment_is_a_valid_manifest(manifest, manifest_text, validator):
    assert "socket_mode_enabled: false" in manifest_text
    assert HTTP_URL in manifest_text
    http = copy.deepcopy(manifest)
    http["settings"]["socket_mode_enabled"] = False
    http["settings"]["event_subscriptions"]["request_url"] = HTTP_URL
    http["settings"]["interactivity"]["request_url"] = HTTP_URL
    for command in http["features"]["slash_commands"]:
        command["url"] = HTTP_URL
    errors = schema_errors(validator, http)
    assert not errors, "\n".join(errors)


def test_display_texts_are_within_slacks_length_limits(manifest):
    info = manifest["display_information"]
    assert info["name"] == "Reverse Mentoring"
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000


def test_background_color_is_a_hex_color(manifest):
    # The schema spells this check "regex", which is not a JSON Schema keyword, so the
    # schema test above does not enforce it.
    color = manifest["display_information"]["background_color"]
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", color), color


def test_long_description_promises_skill_focus_and_private_reflections(manifest):
    text = manifest["display_information"]["long_description"].lower()
    assert "skill" in text
    assert "never asks about age or demographics" in text
    assert "private" in text
