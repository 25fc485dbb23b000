"""`/mentor-admin match`: the admin's matching preview, its CSV file, and the answers to overrides.

A preview may describe thousands of people, but a message holds 50 blocks: it shows the
figures and a bounded sample, formats only what it shows, and points to the CSV file (sent
separately) whenever something is left out. Nothing is live until the admin confirms.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.commands import ADMIN_COMMAND
from bot.ids import ActionId
from bot.match_records import (
    MatchConfirmation,
    MatchPreview,
    PairCheck,
    PairLine,
    PairOutcome,
    Staleness,
    UnmatchedLine,
    UnpairOutcome,
)
from bot.views.blocks import (
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    Block,
    actions,
    button,
    context,
    divider,
    header,
    message,
    section,
    shorten,
)
from bot.views.cohort import MAX_DATABASE_ID, escape, read_cohort_id

PREVIEW_PAIR_LIMIT = 20
PREVIEW_UNMATCHED_LIMIT = 20
AWAITING_MENTION_LIMIT = 10
# Reasons are a handful of codes; a cap keeps a surprise (one reason per person) inside the block budget.
REASON_GROUP_LIMIT = 8
VIOLATION_LIMIT = 10
MENTION_LIMIT = 10

SCORE_HELP = (
    "Score: 2 points per skill the executive wants to learn from the employee, "
    "1 per skill the employee wants to learn from the executive."
)
ADJUST_HINT = f"Adjust with `{ADMIN_COMMAND} pair @employee @executive` or `{ADMIN_COMMAND} unpair @person`."

# Lines are cut so that a handful always fits one section: the preview stays far below 50 blocks.
_SKILLS_LENGTH = 160
_PAIR_LINE_LENGTH = 500
_UNMATCHED_LINE_LENGTH = 400
_CONFIRM_TITLE_LIMIT = 100
_CONFIRM_TEXT_LIMIT = 300
_SLUG_LENGTH = 40
# "<int>:<int>" of two database ids; anything longer is forged.
_BUTTON_VALUE_MAX = 2 * len(str(MAX_DATABASE_ID)) + 1
_PAIR_ANYWAY_VALUE_MAX = 200
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_HEADER = (
    "status",
    "employee name",
    "employee user id",
    "executive name",
    "executive user id",
    "score",
    "skills the employee shares (the executive wants them)",
    "skills the executive shares (the employee wants them)",
    "reason",
    "explanation",
)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _mention(user_id: str) -> str:
    return f"<@{escape(user_id)}>"


def _mentions(user_ids: Sequence[str], *, limit: int = MENTION_LIMIT) -> str:
    """ "<@A>, <@B> and <@C>", naming at most `limit` people and counting the rest."""
    shown = [_mention(user_id) for user_id in user_ids[:limit]]
    if len(user_ids) > limit:
        shown.append(_plural(len(user_ids) - limit, "other"))
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _fit(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn and cut to `limit` characters, never in the middle of an escape."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&", len(cut) - 4)
    if amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _skills(names: Iterable[str]) -> str:
    return _fit(", ".join(names), _SKILLS_LENGTH)


def _score(score: float) -> str:
    return f"{score:g}"


def _pack(lines: Iterable[str], *, limit: int = SECTION_TEXT_LIMIT) -> list[Block]:
    """Lines joined into as few sections as fit, so many short lines cost few blocks."""
    blocks: list[Block] = []
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > limit:
            blocks.append(section(chunk))
            chunk = line
        else:
            chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(section(chunk))
    return blocks


def _computed_at(moment: datetime) -> str:
    """The time in each reader's own zone (Slack date token), with UTC as the fallback."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = f"{aware.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(aware.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


# ---- button values --------------------------------------------------------------------------


def button_value(*, run_id: int, revision: int) -> str:
    """The value of Confirm and Re-run: which preview, at which revision, the admin saw."""
    return f"{run_id}:{revision}"


def _database_int(text: str, *, minimum: int) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_DATABASE_ID)):
        return None
    number = int(text)
    return number if minimum <= number <= MAX_DATABASE_ID else None


def read_button_value(value: object) -> tuple[int, int] | None:
    """(run id, revision) from a Confirm or Re-run button, or None for anything a forged payload sends."""
    if not isinstance(value, str) or len(value) > _BUTTON_VALUE_MAX:
        return None
    parts = value.split(":")
    if len(parts) != 2:
        return None
    run_id = _database_int(parts[0], minimum=1)
    revision = _database_int(parts[1], minimum=0)
    if run_id is None or revision is None:
        return None
    return run_id, revision


def pair_anyway_value(*, cohort_id: int, employee_user_id: str, executive_user_id: str) -> str:
    return f"{cohort_id}:{employee_user_id}:{executive_user_id}"


def read_pair_anyway_value(value: object) -> tuple[int, str, str] | None:
    """(cohort id, employee, executive) from a "Pair anyway" button, or None if malformed."""
    if not isinstance(value, str) or len(value) > _PAIR_ANYWAY_VALUE_MAX:
        return None
    parts = value.split(":")
    if len(parts) != 3:
        return None
    cohort_text, employee, executive = parts
    cohort_id = read_cohort_id(cohort_text) if cohort_text == cohort_text.strip() else None
    if cohort_id is None or not (_USER_ID.fullmatch(employee) and _USER_ID.fullmatch(executive)):
        return None
    return cohort_id, employee, executive


# ---- the preview ----------------------------------------------------------------------------


def _shown_unmatched(unmatched: Sequence[UnmatchedLine]) -> dict[str, tuple[int, list[UnmatchedLine]]]:
    """Unmatched people by reason (first seen first): each reason's count, and the people shown.

    People are taken round-robin across reasons so a rare reason is not hidden behind a common one.
    """
    groups: dict[str, list[UnmatchedLine]] = {}
    for line in unmatched:
        groups.setdefault(line.reason, []).append(line)
    shown_groups = list(groups.items())[:REASON_GROUP_LIMIT]
    shown: dict[str, list[UnmatchedLine]] = {reason: [] for reason, _ in shown_groups}
    budget, depth = PREVIEW_UNMATCHED_LIMIT, 0
    while budget > 0:
        added = False
        for reason, lines in shown_groups:
            if depth < len(lines) and budget > 0:
                shown[reason].append(lines[depth])
                budget -= 1
                added = True
        if not added:
            break
        depth += 1
    return {reason: (len(groups[reason]), shown[reason]) for reason, _ in shown_groups}


def _shown_unmatched_count(preview: MatchPreview) -> int:
    return sum(len(lines) for _, lines in _shown_unmatched(preview.unmatched).values())


def preview_is_truncated(preview: MatchPreview) -> bool:
    """True when the message leaves out pairs or unmatched people, so the CSV file is worth sending."""
    return len(preview.pairs) > PREVIEW_PAIR_LIMIT or len(preview.unmatched) > PREVIEW_UNMATCHED_LIMIT


def _pair_line(pair: PairLine) -> str:
    reasons = []
    if pair.employee_shares:
        reasons.append(f"shares {_skills(pair.employee_shares)} (wanted by the executive)")
    if pair.executive_shares:
        reasons.append(f"learns {_skills(pair.executive_shares)}")
    if not reasons:
        reasons.append("no shared skill")
    manual = " · _paired by an admin_" if pair.manual else ""
    line = (
        f"• {_mention(pair.employee_user_id)} → {_mention(pair.executive_user_id)} "
        f"(score {_score(pair.score)}): {'; '.join(reasons)}{manual}"
    )
    return shorten(line, _PAIR_LINE_LENGTH)


def _unmatched_line(line: UnmatchedLine) -> str:
    text = f"• {_mention(line.user_id)} ({_fit(line.role, 20)}): {_fit(line.explanation, 300)}"
    return shorten(text, _UNMATCHED_LINE_LENGTH)


def _summary_lines(preview: MatchPreview) -> list[str]:
    lines = [
        f"*New pairs:* {len(preview.pairs)}",
        f"*Executives matched with at least one skill they want:* "
        f"{round(preview.executives_with_wanted_skill * 100)}%",
        f"*Average score:* {preview.average_score:.1f}",
        f"*Unmatched:* {len(preview.unmatched)}",
        f"*Participants:* {preview.participants}",
    ]
    if preview.live_pairs > 0:
        lines.append(f"*Live pairs kept from an earlier round:* {preview.live_pairs}")
    if preview.awaiting_survey:
        lines.append(
            f"*Invited executives who have not answered the survey:* {len(preview.awaiting_survey)} "
            f"({_mentions(preview.awaiting_survey, limit=AWAITING_MENTION_LIMIT)}); they are not matched."
        )
    return lines


def _nothing_to_confirm(preview: MatchPreview) -> str:
    if preview.participants == 0 and not preview.unmatched:
        why = "nobody has answered the survey yet"
    else:
        why = "no employee and executive could be paired under the cohort's rules (see why below)"
    return (
        f"Nothing to confirm: {why}. Pair people by hand with `{ADMIN_COMMAND} pair`, "
        "or Re-run once more people have answered."
    )


def _truncation_line(preview: MatchPreview, *, file_name: str | None) -> str:
    shown_pairs = min(len(preview.pairs), PREVIEW_PAIR_LIMIT)
    showing = (
        f"Showing {shown_pairs} of {len(preview.pairs)} pairs and "
        f"{_shown_unmatched_count(preview)} of {len(preview.unmatched)} unmatched"
    )
    if file_name:
        return f"{showing}; the full list is in `{escape(file_name)}` in your DM with me."
    return f"{showing}; I could not attach the full list, run `{ADMIN_COMMAND} match` again to get it."


def _confirm_button(preview: MatchPreview, value: str) -> Block:
    count = len(preview.pairs)
    pairs = _plural(count, "pair")
    element = button(f"Confirm {pairs}", action_id=ActionId.MATCH_CONFIRM, value=value, style="primary")
    unmatched = len(preview.unmatched)
    told = (
        f" The {_plural(unmatched, 'person', 'people')} not matched {'is' if unmatched == 1 else 'are'} "
        "told kindly."
        if unmatched
        else ""
    )
    element["confirm"] = {
        "title": {"type": "plain_text", "text": shorten(f"Make {pairs} live?", _CONFIRM_TITLE_LIMIT)},
        "text": {
            "type": "plain_text",
            "text": shorten(
                f"Intros go out to {pairs} in group DMs and the pairs start meeting.{told}",
                _CONFIRM_TEXT_LIMIT,
            ),
        },
        "confirm": {"type": "plain_text", "text": "Send intros"},
        "deny": {"type": "plain_text", "text": "Cancel"},
        "style": "primary",
    }
    return element


def _preview_blocks(preview: MatchPreview, *, file_name: str | None) -> list[Block]:
    blocks: list[Block] = [
        header(f"Matching preview: {preview.cohort_name}"),
        section("\n".join(_summary_lines(preview))),
        context(
            f"{SCORE_HELP} Nothing is live until you confirm. Computed {_computed_at(preview.computed_at)}."
        ),
    ]
    if preview.pairs:
        blocks.append(divider())
        shown = preview.pairs[:PREVIEW_PAIR_LIMIT]
        title = (
            f"*Pairs* ({len(shown)} of {len(preview.pairs)}; employee → executive: "
            "the employee mentors the executive)"
        )
        blocks += _pack([title, *(_pair_line(pair) for pair in shown)])
    if preview.unmatched:
        blocks.append(divider())
        lines = [f"*Unmatched* ({_shown_unmatched_count(preview)} of {len(preview.unmatched)}, by reason)"]
        for reason, (count, people) in _shown_unmatched(preview.unmatched).items():
            label = _fit(reason, 80)
            lines.append(f"*{label[:1].upper()}{label[1:]}*: {_plural(count, 'person', 'people')}")
            lines += (_unmatched_line(line) for line in people)
        blocks += _pack(lines)
    if preview_is_truncated(preview):
        blocks.append(section(_truncation_line(preview, file_name=file_name)))
    if not preview.pairs:
        blocks.append(section(_nothing_to_confirm(preview)))
    blocks.append(context(ADJUST_HINT))
    value = button_value(run_id=preview.run_id, revision=preview.revision)
    rerun = button("Re-run", action_id=ActionId.MATCH_RERUN, value=value)
    blocks.append(actions(_confirm_button(preview, value), rerun) if preview.pairs else actions(rerun))
    return blocks


def _preview_text(preview: MatchPreview) -> str:
    return (
        f"Matching preview for {escape(preview.cohort_name)}: {_plural(len(preview.pairs), 'pair')}, "
        f"{len(preview.unmatched)} unmatched."
    )


def match_preview_message(preview: MatchPreview, *, file_name: str | None) -> dict[str, Any]:
    """The admin's preview: figures, a sample of pairs and unmatched, Confirm and Re-run."""
    return message(_preview_text(preview), _preview_blocks(preview, file_name=file_name))


def _with_preview(
    blocks: list[Block], text: str, preview: MatchPreview | None, *, file_name: str | None
) -> dict[str, Any]:
    """An override's answer, followed by the adjusted preview when there is one to confirm."""
    if preview is None:
        return message(text, blocks)
    rest = _preview_blocks(preview, file_name=file_name)
    # The preview ends with its buttons: if ever too long, drop from its middle, never the end.
    overflow = len(blocks) + len(rest) - MESSAGE_BLOCK_LIMIT
    if overflow > 0:
        rest = rest[: -1 - overflow] + rest[-1:]
    return message(f"{text} {_preview_text(preview)}", [*blocks, divider(), *rest])


# ---- the CSV file ---------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character is neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def match_preview_csv(preview: MatchPreview) -> bytes:
    """Every pair, unmatched person and awaiting executive of the preview, as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for pair in preview.pairs:
        row = (
            "pair (manual)" if pair.manual else "pair",
            pair.employee_name,
            pair.employee_user_id,
            pair.executive_name,
            pair.executive_user_id,
            _score(pair.score),
            "; ".join(pair.employee_shares),
            "; ".join(pair.executive_shares),
            "",
            "",
        )
        writer.writerow([_cell(value) for value in row])
    for line in preview.unmatched:
        person = (
            ("", "", line.name, line.user_id)
            if line.role == "executive"
            else (line.name, line.user_id, "", "")
        )
        writer.writerow(
            [_cell(value) for value in ("unmatched", *person, "", "", "", line.reason, line.explanation)]
        )
    for user_id in preview.awaiting_survey:
        row = (
            "awaiting survey",
            "",
            "",
            "",
            user_id,
            "",
            "",
            "",
            "",
            "Invited, has not answered the survey yet, so not matched.",
        )
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def preview_file_name(preview: MatchPreview) -> str:
    """A short ASCII name for the CSV file, e.g. "matching-preview-spring-2026-12.csv"."""
    ascii_name = unicodedata.normalize("NFKD", preview.cohort_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:_SLUG_LENGTH].strip("-") or "cohort"
    return f"matching-preview-{slug}-{preview.run_id}.csv"


# ---- after Confirm, and when Confirm comes too late -----------------------------------------


def match_confirmed_message(confirmation: MatchConfirmation) -> dict[str, Any]:
    """What Confirm did, in one paragraph; no buttons, since there is nothing left to press."""
    count = confirmation.pairs
    sentences = [f"Confirmed: {_plural(count, 'pair')} {'is' if count == 1 else 'are'} live."]
    told = confirmation.unmatched_told
    unmatched = (
        f"{_plural(told, 'person', 'people')} who {'was' if told == 1 else 'were'} not matched "
        f"{'is' if told == 1 else 'are'} told kindly."
    )
    if confirmation.intros_queued and told:
        sentences.append(f"Intros are on their way (group DMs); {unmatched}")
    elif confirmation.intros_queued:
        sentences.append("Intros are on their way (group DMs).")
    elif told:
        sentences.append(unmatched[:1].upper() + unmatched[1:])
    if confirmation.cohort_activated:
        sentences.append("The cohort is now active.")
    text = " ".join(sentences)
    blocks = [
        section(f":white_check_mark: {text}"),
        context(f"Cohort: *{escape(confirmation.cohort_name)}*"),
    ]
    return message(f"{escape(confirmation.cohort_name)}: {text}", blocks)


def _staleness_reasons(staleness: Staleness) -> list[str]:
    people = []
    if staleness.changed_answers:
        people.append(f"{_plural(staleness.changed_answers, 'person', 'people')} changed their answers")
    for count, verb in ((staleness.joined, "joined"), (staleness.left, "left or paused")):
        if count:
            people.append(f"{count} {verb}" if people else f"{_plural(count, 'person', 'people')} {verb}")
    reasons = []
    if people:
        joined = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]
        reasons.append(f"{joined} since this preview")
    if staleness.rules_changed:
        reasons.append("the cohort's rules, capacities or live pairs changed")
    if staleness.superseded:
        reasons.append("a newer preview replaced it")
    if staleness.adjusted:
        reasons.append("it was changed by pair/unpair since")
    return reasons


def stale_preview_message(staleness: Staleness, *, run_id: int, revision: int) -> dict[str, Any]:
    """Why a preview can no longer be confirmed, with Re-run unless it was confirmed already."""
    if staleness.confirmed:
        text = "This preview cannot be confirmed: it was already confirmed, so its pairs are live."
        return message(text, [section(text)])
    reasons = _staleness_reasons(staleness) or ["it is out of date"]
    text = f"This preview cannot be confirmed: {'; '.join(reasons)}."
    blocks = [
        section(f"{text} Re-run for a fresh preview."),
        actions(
            button(
                "Re-run",
                action_id=ActionId.MATCH_RERUN,
                value=button_value(run_id=run_id, revision=revision),
                style="primary",
            )
        ),
    ]
    return message(text, blocks)


# ---- pair and unpair ------------------------------------------------------------------------


def pair_check_message(check: PairCheck) -> dict[str, Any]:
    """A `pair` that breaks rules: the rules, and a "Pair anyway" button the admin must press."""
    who = f"{_mention(check.employee_user_id)} with {_mention(check.executive_user_id)}"
    shown = [f"• {_fit(rule, 250)}" for rule in check.violations[:VIOLATION_LIMIT]]
    if len(check.violations) > VIOLATION_LIMIT:
        shown.append(f"• and {_plural(len(check.violations) - VIOLATION_LIMIT, 'more rule')}")
    headline = f":warning: Pairing {who} breaks the cohort's rules:"
    value = pair_anyway_value(
        cohort_id=check.cohort_id,
        employee_user_id=check.employee_user_id,
        executive_user_id=check.executive_user_id,
    )
    blocks = [
        section("\n".join([headline, *shown])),
        actions(button("Pair anyway", action_id=ActionId.PAIR_ANYWAY, value=value, style="danger")),
        context("To cancel, do nothing: they are not paired unless you press Pair anyway."),
    ]
    rules = "; ".join(check.violations[:VIOLATION_LIMIT])
    return message(f"Pairing {who} breaks the cohort's rules: {_fit(rules, 1000)}.", blocks)


def pair_outcome_message(outcome: PairOutcome, *, file_name: str | None = None) -> dict[str, Any]:
    """What `pair` did, with any rules overridden and people displaced, then the adjusted preview."""
    headline = f"Paired {_mention(outcome.employee_user_id)} with {_mention(outcome.executive_user_id)}."
    when = (
        "Live now: their intro is on its way."
        if outcome.live
        else "Added to the preview; it goes live when you confirm."
    )
    lines = [f":white_check_mark: {headline} {when}"]
    if outcome.overridden:
        rules = _fit("; ".join(outcome.overridden), 1000)
        lines.append(f"Rules overridden: {rules}.")
    if outcome.no_shared_skill:
        lines.append(
            ":warning: They share no skill in either direction, so their conversations have no "
            "obvious starting point."
        )
    if outcome.displaced:
        count = len(outcome.displaced)
        partner, other = ("partner", "another") if count == 1 else ("partners", "others")
        lines.append(
            f"{_mentions(outcome.displaced)} lost their proposed {partner}; Re-run to find them {other}."
        )
    return _with_preview(
        [section("\n".join(lines))], f"{headline} {when}", outcome.preview, file_name=file_name
    )


def unpair_outcome_message(outcome: UnpairOutcome, *, file_name: str | None = None) -> dict[str, Any]:
    """What `unpair` did: live pairings ended, or a proposed pair removed from the preview."""
    person = _mention(outcome.user_id)
    partners = outcome.partner_user_ids
    if outcome.live and partners:
        everyone = "both were" if len(partners) == 1 else "all were"
        pairing = "pairing" if len(partners) == 1 else "pairings"
        text = f"Ended {person}'s {pairing} with {_mentions(partners)}; {everyone} told kindly."
    elif outcome.live:
        text = f"{person} had no live pairing to end."
    elif partners:
        text = (
            f"Removed {person}'s proposed pair from the preview. {person} and {_mentions(partners)} "
            "will not be paired together again in this cohort."
        )
    else:
        text = f"{person} had no proposed partner in the preview."
    return _with_preview([section(text)], text, outcome.preview, file_name=file_name)
