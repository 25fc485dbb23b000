"""Reading people and channels out of slash-command text.

With `should_escape: true` (see manifest.yml) Slack sends a picked person as `<@U123|ann>`
(or `<@U123>`) and a picked channel as `<#C123|general>` (or `<#C123>`); admins also paste
plain ids. Anything else (`@bob` typed without picking from Slack's list, an email, a user
group, junk) is kept as *unreadable*, with the kind of mistake, so the answer can say what
went wrong instead of silently dropping it. Pure: never raises, whatever the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Slack ids are upper-case letters and digits; the length cap keeps junk out of String(32) columns.
_ID = r"[A-Z0-9]{2,30}"
_USER_MENTION = re.compile(rf"<@([UW]{_ID})(?:\|[^<>]*)?>")
_CHANNEL_MENTION = re.compile(rf"<#([CG]{_ID})(?:\|[^<>]*)?>")
_USER_ID = re.compile(rf"[UW]{_ID}")
_CHANNEL_ID = re.compile(rf"[CG]{_ID}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# An escape (even holding spaces) is one word; commas and semicolons only separate words.
_WORD = re.compile(r"<[^<>]*>|[^\s<>,;]+|[<>]")
# Words people put between mentions ("@ann and @bob"): skipped rather than reported.
_FILLERS = frozenset({"and", "&amp;", "+"})


class UnreadableKind(StrEnum):
    """Why a word is not a mention, so the answer can give the right hint."""

    # `@bob` or `#general` typed as text: Slack did not turn it into a mention.
    PLAIN_NAME = "plain_name"
    # A channel where a person was expected, or a person where a channel was.
    WRONG_KIND = "wrong_kind"
    # `@here`, `@channel`, `@everyone` or a user group: not one person.
    GROUP = "group"
    EMAIL = "email"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class Unreadable:
    """A word that named nobody we can look up."""

    word: str
    kind: UnreadableKind

    @property
    def shown(self) -> str:
        """What to echo back: the label Slack put in an escape (`<mailto:a@b.c|a@b.c>` -> `a@b.c`)."""
        if not (self.word.startswith("<") and self.word.endswith(">")):
            return self.word
        inner = self.word[1:-1]
        target, _, label = inner.partition("|")
        if label:
            return label
        if target.startswith("!"):
            return "@" + target[1:].split("^")[0]
        return target.removeprefix("mailto:")


@dataclass(frozen=True, kw_only=True)
class Mentions:
    """The ids found (first mention first, each once) and the words that could not be read."""

    ids: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]


def parse_user_mentions(text: str | Iterable[str]) -> Mentions:
    """People named in command text or words: `<@U…|name>`, `<@U…>`, or plain `U…` / `W…` ids."""
    return _parse(text, mention=_USER_MENTION, plain=_USER_ID, sigil="@")


def parse_channel_mentions(text: str | Iterable[str]) -> Mentions:
    """Channels named in command text or words: `<#C…|name>`, `<#C…>`, or plain `C…` / `G…` ids."""
    return _parse(text, mention=_CHANNEL_MENTION, plain=_CHANNEL_ID, sigil="#")


def _parse(
    text: str | Iterable[str], *, mention: re.Pattern[str], plain: re.Pattern[str], sigil: str
) -> Mentions:
    joined = text if isinstance(text, str) else " ".join(text)
    ids: dict[str, None] = {}
    unreadable: dict[str, Unreadable] = {}
    for word in _WORD.findall(joined):
        if word.casefold() in _FILLERS:
            continue
        found = mention.fullmatch(word) or plain.fullmatch(word)
        if found:
            ids.setdefault(found.group(1) if found.re is mention else word)
        elif word not in unreadable:
            unreadable[word] = Unreadable(word=word, kind=_kind_of(word, sigil=sigil))
    return Mentions(ids=tuple(ids), unreadable=tuple(unreadable.values()))


def _kind_of(word: str, *, sigil: str) -> UnreadableKind:
    """Sort a word that is not what we wanted by the likely mistake behind it."""
    other_sigil = "#" if sigil == "@" else "@"
    if word.startswith("<!"):
        return UnreadableKind.GROUP
    if word.startswith("<mailto:") or _EMAIL.fullmatch(word):
        return UnreadableKind.EMAIL
    if word.startswith(("<" + other_sigil, other_sigil)) and len(word) > 1:
        return UnreadableKind.WRONG_KIND
    if word.startswith(sigil) and len(word) > 1:
        return UnreadableKind.PLAIN_NAME
    return UnreadableKind.OTHER
