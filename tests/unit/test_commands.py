"""Command text parsing and the usage contract."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.commands import ADMIN_USAGE, MENTOR_USAGE, parse_command_text, shown_word
from handlers import admin_command, mentor_command


def test_empty_text_means_no_subcommand():
    assert parse_command_text("").subcommand == ""
    assert parse_command_text(None).subcommand == ""
    assert parse_command_text("   \t ").subcommand == ""


def test_subcommand_is_case_insensitive_and_surrounding_space_is_ignored():
    parsed = parse_command_text("  HELP  me\u00a0please ")
    assert parsed.subcommand == "help"
    assert parsed.args == ("me", "please")


def test_escaped_mentions_stay_single_arguments_even_with_spaces():
    parsed = parse_command_text("invite <@U111|ann lee> <@U222> <#C333|general>")
    assert parsed.args == ("<@U111|ann lee>", "<@U222>", "<#C333|general>")


def test_every_listed_subcommand_is_routed_and_nothing_unlisted_is():
    assert {usage.name for usage in MENTOR_USAGE} == set(mentor_command.SUBCOMMANDS) - {""}
    assert {usage.name for usage in ADMIN_USAGE} == set(admin_command.SUBCOMMANDS) - {""}


def test_echoed_words_cannot_break_out_of_code_formatting_or_flood_the_answer():
    assert shown_word("`rm` <@U1>") == "rm@U1"
    assert len(shown_word("x" * 5000)) == 40
    assert shown_word("```") == "?"


@given(st.text())
def test_any_text_parses_without_error(text):
    parsed = parse_command_text(text)
    assert parsed.subcommand == parsed.subcommand.casefold()
    assert all(arg.strip() for arg in parsed.args)
