"""Reading people and channels from command text: every form Slack sends, every way to get it wrong."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import parse_command_text
from bot.mentions import Unreadable, UnreadableKind, parse_channel_mentions, parse_user_mentions
from bot.views.mentions import SHOWN_UNREADABLE, unreadable_lines

SLACK_ID = re.compile(r"^[A-Z][A-Z0-9]{2,30}$")


def kinds(mentions) -> dict[str, UnreadableKind]:
    return {item.word: item.kind for item in mentions.unreadable}


def test_escaped_mentions_with_and_without_a_name_and_plain_ids_are_all_read():
    found = parse_user_mentions("<@U0ANN0001|ann lee> <@U0BOB0002> U0CAT0003 W0GRID004")
    assert found.ids == ("U0ANN0001", "U0BOB0002", "U0CAT0003", "W0GRID004")
    assert found.unreadable == ()


def test_commas_and_filler_words_between_mentions_are_tolerated():
    found = parse_user_mentions("<@U0ANN0001>, <@U0BOB0002>,U0CAT0003, and <@U0DAN0004|dan>;")
    assert found.ids == ("U0ANN0001", "U0BOB0002", "U0CAT0003", "U0DAN0004")
    assert found.unreadable == ()


def test_the_same_person_named_twice_counts_once_in_first_order():
    found = parse_user_mentions(["<@U0BOB0002|bob>", "<@U0ANN0001>", "U0BOB0002", "<@U0ANN0001|ann>"])
    assert found.ids == ("U0BOB0002", "U0ANN0001")


def test_words_slack_did_not_turn_into_mentions_are_reported_with_the_likely_mistake():
    found = parse_user_mentions(
        "@bob bob@example.com <mailto:eve@example.com|eve@example.com> <!here> <!subteam^S0TEAM|@execs> "
        "<#C0GENERAL|general> #random u0lower1 junk 💃 @bob"
    )
    assert found.ids == ()
    assert kinds(found) == {
        "@bob": UnreadableKind.PLAIN_NAME,
        "bob@example.com": UnreadableKind.EMAIL,
        "<mailto:eve@example.com|eve@example.com>": UnreadableKind.EMAIL,
        "<!here>": UnreadableKind.GROUP,
        "<!subteam^S0TEAM|@execs>": UnreadableKind.GROUP,
        "<#C0GENERAL|general>": UnreadableKind.WRONG_KIND,
        "#random": UnreadableKind.WRONG_KIND,
        "u0lower1": UnreadableKind.OTHER,
        "junk": UnreadableKind.OTHER,
        "💃": UnreadableKind.OTHER,
    }, "each word once"


def test_unreadable_words_are_echoed_by_the_label_slack_put_in_the_escape():
    shown = [
        item.shown
        for item in parse_user_mentions(
            "<mailto:eve@x.io|eve@x.io> <!here> <!subteam^S1|@ops> @bo"
        ).unreadable
    ]
    assert shown == ["eve@x.io", "@here", "@ops", "@bo"]


def test_channel_mentions_with_and_without_a_name_and_plain_ids_are_read():
    found = parse_channel_mentions("<#C0GENERAL|general> <#G0PRIVATE> C0RANDOM1 <#C0GENERAL|>")
    assert found.ids == ("C0GENERAL", "G0PRIVATE", "C0RANDOM1")
    assert found.unreadable == ()


def test_channels_typed_as_text_or_people_instead_of_channels_are_reported():
    found = parse_channel_mentions("general #general <@U0ANN0001|ann> D0DIRECT1")
    assert found.ids == ()
    assert kinds(found) == {
        "general": UnreadableKind.OTHER,
        "#general": UnreadableKind.PLAIN_NAME,
        "<@U0ANN0001|ann>": UnreadableKind.WRONG_KIND,
        "D0DIRECT1": UnreadableKind.OTHER,
    }


def test_command_words_read_like_the_raw_text():
    text = "invite <@U0ANN0001|ann lee>, <@U0BOB0002> @carl"
    words = parse_command_text(text).args
    assert parse_user_mentions(words) == parse_user_mentions(" ".join(words))
    assert parse_user_mentions(words).ids == ("U0ANN0001", "U0BOB0002")


def test_ids_too_long_for_slack_are_not_ids():
    assert parse_user_mentions("U" + "A" * 40).ids == ()
    assert parse_user_mentions("<@U" + "A" * 40 + ">").unreadable[0].kind is UnreadableKind.OTHER


@pytest.mark.parametrize("wanted", ["person", "channel"])
def test_hint_lines_name_each_word_safely_and_count_what_does_not_fit(wanted):
    unreadable = tuple(
        Unreadable(word=f"`word{n}`<@x>", kind=kind)
        for n, kind in zip(range(SHOWN_UNREADABLE + 3), list(UnreadableKind) * 5, strict=False)
    )
    lines = unreadable_lines(unreadable, wanted=wanted).splitlines()
    assert len(lines) == SHOWN_UNREADABLE + 1
    assert lines[0].startswith("• `word0@x`: ")
    assert lines[-1] == "• and 3 more"


@given(st.text())
def test_any_text_is_read_without_error_into_ids_and_unreadable_words(text):
    for parse in (parse_user_mentions, parse_channel_mentions):
        found = parse(text)
        assert len(set(found.ids)) == len(found.ids)
        assert all(SLACK_ID.match(slack_id) for slack_id in found.ids)
        assert all(item.word and item.word in text for item in found.unreadable)
        assert isinstance(unreadable_lines(found.unreadable, wanted="person"), str)
        assert all(isinstance(item.shown, str) for item in found.unreadable)


MENTIONED = {"<@U0ANN0001|a b>": "U0ANN0001", "U0BOB0002": "U0BOB0002", "<@W0GRID004>": "W0GRID004"}


@given(st.lists(st.sampled_from([*MENTIONED, ",", "and"])), st.sampled_from([" ", ", ", " and "]))
def test_mentions_in_any_order_and_spacing_are_all_found_once(words, separator):
    found = parse_user_mentions(separator.join(words))
    assert found.ids == tuple(dict.fromkeys(MENTIONED[word] for word in words if word in MENTIONED))
    assert found.unreadable == ()
