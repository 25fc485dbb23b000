"""The App Home tab: each person's state in the current cohort and the buttons that fit it.

A matched or paused participant also sees their next check-in in their own time zone, this
period's answer, and their own reflections. Reflections are private: the service only ever
passes the viewer's own, and the admin part shows numbers, never their text.

Admins also get a dashboard: the cohort's calendar and numbers, this period's met rate,
the pairs slipping now, delivery health, and buttons for the admin actions that fit the
cohort's state (every button checks admin rights again when clicked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.commands import ADMIN_COMMAND, MENTOR_COMMAND
from bot.ids import ActionId, BlockId
from bot.services.admin_status import EnrolmentCounts
from bot.services.delivery import DeliveryHealth
from bot.skills import escape_mrkdwn
from bot.views.blocks import (
    VIEW_BLOCK_LIMIT,
    Block,
    actions,
    button,
    context,
    divider,
    header,
    section,
    shorten,
)
from bot.views.cohort import format_date
from bot.views.help import ABOUT
from bot.views.participation import format_local_date, format_local_time
from bot.views.status import delivery_health_line, enrolment_counts_line

# Before the cohort is active, answers can still be edited (the survey is locked afterwards).
_OPEN_STATES = ("draft", "enrolling")
# Five excerpts of at most 300 + 200 characters stay within one section each, even when
# escaping `&` grows them fivefold; the Home tab stays far below its 100 blocks.
REFLECTIONS_SHOWN = 5
LEARNED_EXCERPT = 300
WILL_TRY_EXCERPT = 200
_ANSWER_WORDS = {"met": "you met ✅", "not_yet": "not met yet", "pause": "on a break"}
# The dashboard names a few slipping pairs; the count says how many there are in all.
SLIPPING_SHOWN = 5
COHORT_NAME_SHOWN = 150
# Which admin buttons fit each cohort state (Audit is always there).
_MATCH_STATES = ("enrolling", "active")
_NUDGE_STATES = ("active",)
_REPORT_STATES = ("enrolling", "active", "closed")


@dataclass(frozen=True, kw_only=True)
class HomeCheckin:
    """This period's check-in of one of the viewer's pairings."""

    partner_user_id: str | None
    # met | not_yet | pause, or None while unanswered.
    answer: str | None
    # The check-in was sent (or is queued): there is something to answer.
    asked: bool
    # When it is (or was) due for the viewer, in UTC.
    due_at: datetime | None
    # The pair was made too close to it, so this period is not asked about.
    skipped: bool = False


@dataclass(frozen=True, kw_only=True)
class HomeReflection:
    """One of the viewer's own reflections."""

    written_at: datetime
    period: int | None
    rating: int | None
    shared: bool
    # Whom a shared reflection went to, when they are still known.
    partner_user_id: str | None
    learned: str
    will_try: str | None = None


@dataclass(frozen=True, kw_only=True)
class HomeProgram:
    """A matched or paused participant's check-ins and own reflections, in their time zone."""

    zone_name: str
    period: int
    periods: int
    paired: bool
    on_break: bool = False
    next_checkin_at: datetime | None = None
    checkins: tuple[HomeCheckin, ...] = ()
    # Newest first, at most REFLECTIONS_SHOWN; `reflection_count` counts them all.
    reflections: tuple[HomeReflection, ...] = ()
    reflection_count: int = 0


@dataclass(frozen=True, kw_only=True)
class HomeSlippingPair:
    """A pair whose last check-ins went by without meeting (None for someone whose data was erased)."""

    employee_user_id: str | None
    executive_user_id: str | None
    missed_periods: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class AdminDashboard:
    """The admins' view of the cohort: the current one, or the last one once it is closed."""

    cohort_id: int
    cohort_name: str
    cohort_state: str
    start_date: date
    weeks: int
    # The period today falls in (0 before the start, periods + 1 after the end).
    period: int
    periods: int
    live_pairs: int = 0
    # This period's check-ins so far: pairs asked (either member) and pairs who said they met.
    asked_pairs: int = 0
    met_pairs: int = 0
    # At most SLIPPING_SHOWN pairs; `slipping_count` counts them all.
    slipping: tuple[HomeSlippingPair, ...] = ()
    slipping_count: int = 0


@dataclass(frozen=True, kw_only=True)
class HomeState:
    """What the Home tab needs to know about the viewer and the program."""

    is_admin: bool
    cohort_name: str | None
    cohort_state: str | None
    enrollment_state: str | None
    cohort_id: int | None = None
    role: str | None = None
    paused_until: date | None = None
    partner_user_id: str | None = None
    # Admins only: the cohort's numbers and delivery health (None for participants).
    counts: EnrolmentCounts | None = None
    delivery: DeliveryHealth | None = None
    now: datetime | None = None
    # Matched or paused in the active cohort: check-ins and the viewer's own reflections.
    program: HomeProgram | None = None
    # Admins only: the cohort's calendar, pairs, met rate and slipping pairs.
    dashboard: AdminDashboard | None = None


def _cohort_name(name: str) -> str:
    """An admin-chosen name made safe in mrkdwn: cut first, then escaped (so no escape is cut)."""
    return escape_mrkdwn(shorten(name, COHORT_NAME_SHOWN))


def _status_and_buttons(state: HomeState) -> tuple[str, list[Block]]:
    """The line that says where the person stands, and the buttons they can use now."""
    name = f"*{_cohort_name(state.cohort_name)}*" if state.cohort_name else "the current cohort"
    value = str(state.cohort_id) if state.cohort_id is not None else None
    open_for_answers = state.cohort_state in _OPEN_STATES
    pause = button("Pause", action_id=ActionId.PAUSE, value=value)
    resume = button("Resume", action_id=ActionId.RESUME, value=value, style="primary")
    leave = button("Leave", action_id=ActionId.LEAVE, value=value, style="danger")

    match state.enrollment_state:
        case "invited":
            if open_for_answers:
                text = f"You are invited to {name}. Answer the survey so that I can find you a partner."
                return text, [
                    button("Answer the survey", action_id=ActionId.OPEN_SURVEY, value=value, style="primary")
                ]
            return f"You were invited to {name}, but pairs have been made already.", []
        case "surveyed":
            if open_for_answers:
                text = f"You are in {name} and your answers are in. I will tell you when pairs are made."
                edit = button("Edit my answers", action_id=ActionId.OPEN_SURVEY, value=value)
                return text, [edit, pause, leave]
            return f"You are enrolled in {name}. I will tell you when you have a partner.", [pause, leave]
        case "matched":
            partner = f" with <@{state.partner_user_id}>" if state.partner_user_id else ""
            return f"You are matched{partner} in {name}. Check-ins arrive in your DMs.", [pause, leave]
        case "paused":
            until = f" until {state.paused_until:%A %d %B %Y}" if state.paused_until else ""
            text = f"Paused{until}. No check-ins reach you meanwhile; resume whenever you like."
            return text, [resume, leave]
        case "left":
            return f"You left {name}. Thank you for taking part.", []
        case None:
            pass
        case _:
            return f"You are part of {name}.", []

    if state.cohort_state == "enrolling":
        text = f"Enrolment for {name} is open. Join to be matched with a partner."
        return text, [button("Join", action_id=ActionId.JOIN, value=value, style="primary")]
    if state.cohort_state == "active":
        return f"{name} is under way; enrolment is closed. I will let you know when the next one opens.", []
    return "You are not part of a mentoring cohort right now. I will let you know when one opens.", []


def _local_date(at: datetime, *, zone_name: str) -> str:
    return format_local_date(at.astimezone(ZoneInfo(zone_name)).date())


def _checkin_words(checkin: HomeCheckin, *, zone_name: str, now: datetime | None) -> str:
    if checkin.answer is not None:
        return _ANSWER_WORDS.get(checkin.answer, escape_mrkdwn(checkin.answer))
    if checkin.skipped:
        return "no check-in, as you were paired just before it"
    if checkin.asked:
        return "not answered yet (the buttons are in your DMs)"
    if checkin.due_at is not None and (now is None or checkin.due_at > now):
        return f"your check-in comes on {_local_date(checkin.due_at, zone_name=zone_name)}"
    return "no check-in was sent to you"


def _checkin_lines(program: HomeProgram, *, now: datetime | None) -> list[str]:
    if not program.paired:
        return ["No partner at the moment, so no check-ins."]
    if program.next_checkin_at is not None:
        lines = [f"Next check-in: {format_local_time(program.next_checkin_at, zone_name=program.zone_name)}"]
    elif program.on_break:
        lines = ["No check-ins reach you during your break."]
    else:
        lines = ["There are no more check-ins in this program."]
    if program.period < 1:
        lines.append("The program has not started yet.")
    elif program.period > program.periods:
        lines.append(f"All {program.periods} periods are over.")
    else:
        many = len(program.checkins) > 1
        for checkin in program.checkins:
            with_whom = f" with <@{checkin.partner_user_id}>" if many and checkin.partner_user_id else ""
            words = _checkin_words(checkin, zone_name=program.zone_name, now=now)
            lines.append(f"This period ({program.period} of {program.periods}){with_whom}: {words}")
    return lines


def _excerpt(text: str, limit: int) -> str:
    """Whitespace folded to one line (it sits in a quote), cut, then escaped (so no entity is cut)."""
    return escape_mrkdwn(shorten(" ".join(text.split()), limit))


def _reflection_block(reflection: HomeReflection, *, zone_name: str) -> Block:
    facts = [f"*{_local_date(reflection.written_at, zone_name=zone_name)}*"]
    if reflection.period is not None:
        facts.append(f"period {reflection.period}")
    if reflection.rating is not None:
        facts.append(f"rated {reflection.rating}/5")
    if reflection.shared:
        whom = f"<@{reflection.partner_user_id}>" if reflection.partner_user_id else "your partner"
        facts.append(f"shared with {whom}")
    else:
        facts.append("private")
    lines = [" · ".join(facts)]
    if learned := _excerpt(reflection.learned, LEARNED_EXCERPT):
        lines.append(f">{learned}")
    if reflection.will_try and (will_try := _excerpt(reflection.will_try, WILL_TRY_EXCERPT)):
        lines.append(f">_Will try:_ {will_try}")
    return section("\n".join(lines))


def _program_blocks(program: HomeProgram, *, now: datetime | None) -> list[Block]:
    """Check-ins, then the viewer's own reflections (newest first, a few, and how many more)."""
    blocks: list[Block] = [divider(), section("*Check-ins*\n" + "\n".join(_checkin_lines(program, now=now)))]
    reflect = f"`{MENTOR_COMMAND} reflect` writes a new one"
    if not program.reflections:
        blocks.append(
            section(
                "*Your reflections*\nYou have not written any yet. "
                f"{reflect}: it stays private unless you choose to share it with your partner."
            )
        )
        return blocks
    blocks.append(section("*Your reflections*\nOnly you see this list; newest first."))
    shown = program.reflections[:REFLECTIONS_SHOWN]
    blocks += [_reflection_block(r, zone_name=program.zone_name) for r in shown]
    more = max(program.reflection_count - len(shown), 0)
    blocks.append(context((f"And {more} more. " if more else "") + f"{reflect}."))
    return blocks


def admin_buttons(*, cohort_state: str | None, cohort_id: int | None) -> list[Block]:
    """The admin actions that make sense for the cohort's state; their value is the cohort id."""
    value = str(cohort_id) if cohort_id is not None else None
    found: list[Block] = []
    if cohort_id is not None and cohort_state in _MATCH_STATES:
        style = "primary" if cohort_state == "enrolling" else None
        found.append(button("Run matching", action_id=ActionId.HOME_ADMIN_MATCH, value=value, style=style))
    if cohort_id is not None and cohort_state in _NUDGE_STATES:
        nudge = button("Nudge unanswered", action_id=ActionId.HOME_ADMIN_NUDGE, value=value)
        nudge["confirm"] = {
            "title": {"type": "plain_text", "text": "Send check-ins now?"},
            "text": {
                "type": "plain_text",
                "text": "Everyone in a live pair who has not answered this period's check-in gets it "
                "now (or at their next working hour).",
            },
            "confirm": {"type": "plain_text", "text": "Send"},
            "deny": {"type": "plain_text", "text": "Cancel"},
        }
        found.append(nudge)
    if cohort_id is not None and cohort_state in _REPORT_STATES:
        found.append(button("Report", action_id=ActionId.HOME_ADMIN_REPORT, value=value))
        found.append(button("Export CSV", action_id=ActionId.HOME_ADMIN_EXPORT, value=value))
    found.append(button("Audit log", action_id=ActionId.HOME_ADMIN_AUDIT, value=value))
    return found


def _calendar_line(board: AdminDashboard) -> str:
    end = board.start_date + timedelta(weeks=board.weeks)
    dates = f"{format_date(board.start_date)} to {format_date(end)}"
    if board.cohort_state != "active":
        return f"Dates: {dates}."
    if board.period < 1:
        return f"Dates: {dates}; the first period has not started yet."
    if board.period > board.periods:
        return f"Dates: {dates}; all {board.periods} periods are over."
    return f"Dates: {dates} · period {board.period} of {board.periods}."


def _pairs_lines(board: AdminDashboard) -> list[str]:
    if board.cohort_state not in ("active", "closed"):
        return []
    lines = [f"Live pairs: {board.live_pairs}."]
    if board.cohort_state == "active" and 1 <= board.period <= board.periods:
        if board.asked_pairs:
            rate = round(100 * board.met_pairs / board.asked_pairs)
            lines.append(
                f"Met this period so far: {board.met_pairs} of {board.asked_pairs} pairs asked ({rate}%)."
            )
        else:
            lines.append("Met this period so far: no pair has been asked yet.")
    return lines


def _someone(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "a former participant"


def _slipping_text(board: AdminDashboard) -> str:
    if not board.slipping_count:
        return "*Slipping pairs:* none right now."
    lines = [f"*Slipping pairs: {board.slipping_count}* (two check-ins or more in a row without meeting)"]
    for pair in board.slipping[:SLIPPING_SHOWN]:
        periods = pair.missed_periods
        missed = f"periods {periods[0]}–{periods[-1]}" if len(periods) > 1 else f"period {periods[0]}"
        lines.append(
            f"• {_someone(pair.employee_user_id)} and {_someone(pair.executive_user_id)}: "
            f"{missed} without meeting"
        )
    more = board.slipping_count - min(len(board.slipping), SLIPPING_SHOWN)
    if more > 0:
        lines.append(f"…and {more} more.")
    return "\n".join(lines)


def _admin_blocks(state: HomeState) -> list[Block]:
    """The dashboard: numbers, slipping pairs, delivery health and the admin buttons."""
    board = state.dashboard
    name = board.cohort_name if board else state.cohort_name
    cohort_state = board.cohort_state if board else state.cohort_state
    cohort_id = board.cohort_id if board else state.cohort_id
    if name:
        label = "Last cohort" if cohort_state == "closed" else "Current cohort"
        lines = [f"{label}: *{_cohort_name(name)}* ({cohort_state})."]
    else:
        lines = ["There is no cohort yet."]
    if board is not None:
        lines.append(_calendar_line(board))
    if state.counts is not None:
        lines.append(enrolment_counts_line(state.counts))
    if board is not None:
        lines += _pairs_lines(board)
    if state.delivery is not None and state.now is not None:
        lines.append(delivery_health_line(state.delivery, now=state.now))
    blocks = [
        divider(),
        section("*Program admin*\n" + "\n".join(lines), block_id=BlockId.HOME_ADMIN),
    ]
    if board is not None and board.cohort_state == "active":
        blocks.append(section(_slipping_text(board)))
    blocks += [
        actions(*admin_buttons(cohort_state=cohort_state if name else None, cohort_id=cohort_id)),
        context(
            f"`{ADMIN_COMMAND} status` shows the numbers in full and the last failed messages; "
            f"`{ADMIN_COMMAND} help` lists the admin commands."
        ),
    ]
    return blocks


def build_home_view(state: HomeState) -> dict[str, Any]:
    """The Home tab for one person; admins also see the dashboard (numbers, slipping pairs, buttons)."""
    status, buttons = _status_and_buttons(state)
    blocks = [
        header("Reverse mentoring"),
        section(ABOUT),
        divider(),
        section(f"*Your status*\n{status}"),
        actions(
            *buttons,
            button("Show commands", action_id=ActionId.OPEN_HELP),
            block_id=BlockId.HOME_ACTIONS,
        ),
        context(f"Type `{MENTOR_COMMAND} help` in any channel to see what you can do."),
    ]
    if state.program is not None:
        blocks += _program_blocks(state.program, now=state.now)
    if state.is_admin:
        blocks += _admin_blocks(state)
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}
