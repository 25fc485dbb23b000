"""The intro group DM a new pair gets, and the kind note to someone left without a partner.

The intro does the work a program manager would do in person: says who is who and why they
were matched, gives a first agenda and a few questions to break the ice, states the ground
rules (confidential, a steady rhythm, leaving without fault) and asks the executive to book
the first meeting, so nothing stalls while each waits for the other. Pure functions of their
arguments, within Block Kit limits whatever the skill and cohort names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.commands import MENTOR_COMMAND
from bot.match_records import IntroDetails
from bot.views.blocks import Block, context, divider, header, message, section
from bot.views.cohort import escape, format_date
from bot.views.invitations import every_weeks

MAX_STARTERS = 4
# Enough names to say why two people were matched; the rest would only make the DM longer.
MAX_SKILLS_NAMED = 6

# One opening question per default skill (bot/skills.py DEFAULT_SKILLS), asked by either side.
STARTERS: dict[str, str] = {
    "ai-tools": "Which AI tool has changed how you work the most, and where could it save time each week?",
    "social-media": "Which accounts or communities shape how people see our work, and what do they do well?",
    "customer-buying": "How did you choose the last thing you bought, and what does it mean for how we sell?",
    "attracting-talent": "What made you say yes to your current job, and what nearly made you say no?",
    "gen-z-millennial": "What do colleagues early in their careers expect that leaders often underestimate?",
    "dei": "When have you seen someone's voice go unheard at work, and what helped change that?",
    "wellbeing": "What keeps your energy up in a demanding week, and which habit is hardest to keep?",
    "hybrid-work": "What makes a hybrid meeting or team work well for you, and what makes it fall flat?",
    "creativity": "Where did your best idea of the past year come from, and what helped it get a hearing?",
    "data-literacy": "Which number or chart do you rely on most, and how do you know when to trust it?",
    "leadership": "What leadership lesson did you learn the hard way, and what would you do differently now?",
    "strategy": "How does a strategic priority turn into the work people actually do each week?",
    "navigating-the-organisation": "How do decisions really get made here, and who is worth knowing?",
    "career-growth": "Which career decision taught you the most, and how did you know the timing was right?",
    "decision-making": "How do you make a call when the data is incomplete and people disagree?",
}
GENERIC_STARTER = "What does good {name} look like in your day-to-day work?"
# For pairs without shared skills (made by hand): questions that help them find some.
OPEN_STARTERS = (
    "What is one part of your work that people outside your team rarely see?",
    "What is something you changed your mind about in the past year?",
    "What would make these conversations worth your time by the end of the program?",
)

_FORMAT_WORDS = {
    "video": "video calls",
    "in_person": "meeting in person",
    "either": "happy with video calls or meeting in person",
}


def _skill_list(names: Sequence[str]) -> str:
    """Names in a sentence ("A, B and C"), bold and escaped, with a count for the ones left out."""
    shown = [f"*{escape(name)}*" for name in names[:MAX_SKILLS_NAMED]]
    hidden = len(names) - len(shown)
    if hidden:
        shown.append(f"{hidden} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"


def _starter(key: str, name: str) -> str:
    return STARTERS.get(key) or GENERIC_STARTER.format(name=escape(name))


def conversation_starters(details: IntroDetails) -> list[str]:
    """Up to four questions from the shared skills, taking turns between the two directions."""
    directions = [
        [_starter(key, name) for key, name in zip(keys, names, strict=False)]
        for keys, names in (
            (details.employee_skill_keys, details.employee_shares),
            (details.executive_skill_keys, details.executive_shares),
        )
    ]
    starters: list[str] = []
    for turn in range(max(len(questions) for questions in directions)):
        for questions in directions:
            if turn < len(questions) and questions[turn] not in starters:
                starters.append(questions[turn])
    return starters[:MAX_STARTERS] or list(OPEN_STARTERS)


def _why_matched(details: IntroDetails, *, employee: str, executive: str) -> str:
    lines = [
        f"• {teacher} can share {_skill_list(skills)}, which {learner} wants to learn."
        for teacher, learner, skills in (
            (employee, executive, details.employee_shares),
            (executive, employee, details.executive_shares),
        )
        if skills
    ]
    if not lines:
        return (
            "*Why you two*\nThe program admins paired you themselves. Part of your first conversation "
            "is finding out what you can teach each other."
        )
    return "*Why you were matched*\n" + "\n".join(lines)


def _meeting_preference(details: IntroDetails, *, employee: str, executive: str) -> str | None:
    """One short sentence on how each likes to meet, so the booking starts from it; None if neither said."""
    known = [
        (who, fmt)
        for who, fmt in (
            (employee, details.employee_meeting_format),
            (executive, details.executive_meeting_format),
        )
        if fmt is not None and fmt in _FORMAT_WORDS
    ]
    if not known:
        return None
    fmts = [fmt for _, fmt in known]
    if len(fmts) == 2 and fmts[0] == fmts[1]:
        fmt = fmts[0]
        return (
            f"You are both {_FORMAT_WORDS[fmt]}."
            if fmt == "either"
            else f"You both prefer {_FORMAT_WORDS[fmt]}."
        )
    parts = [
        f"{who} is {_FORMAT_WORDS[fmt]}" if fmt == "either" else f"{who} prefers {_FORMAT_WORDS[fmt]}"
        for who, fmt in known
    ]
    if len(parts) == 2 and "either" not in fmts:
        return f"{parts[0]} and {parts[1]}: perhaps take turns, or agree on what suits your first meeting."
    return " and ".join(parts) + "."


def intro_message(details: IntroDetails) -> dict[str, Any]:
    """The group DM to both members of a new pair: who, why, a first agenda, the ground rules, the ask."""
    name = escape(details.cohort_name)
    employee = f"<@{details.employee_user_id}>"
    executive = f"<@{details.executive_user_id}>"
    booking = f"{executive}, could you send a calendar invite for a first 30-minute meeting in the next week?"
    preference = _meeting_preference(details, employee=employee, executive=executive)
    starters = "\n".join(f"• {question}" for question in conversation_starters(details))
    blocks: list[Block] = [
        header(f"Welcome to {details.cohort_name}"),
        section(
            f"{employee}, meet {executive}: you have been paired in *{name}*. In reverse mentoring the "
            f"newer colleague leads: {employee} is the mentor and {executive} the learner, and each of "
            "you has something to teach the other."
        ),
        section(_why_matched(details, employee=employee, executive=executive)),
        divider(),
        section(
            "*Your first meeting*\n"
            "1. Introductions: your roles and what your work looks like day to day.\n"
            "2. What each of you hopes to learn, and what you can offer.\n"
            "3. Agree on your rhythm and format: when, how long, video or in person.\n"
            "4. Pick a first topic to dig into next time."
        ),
        section(f"*Conversation starters*\n{starters}"),
        section(
            "*Ground rules*\n"
            "• *Confidential*: what you say stays between the two of you. The program admins only see "
            "whether you met, never what you discussed or what you reflect on.\n"
            f"• *Rhythm*: one conversation {every_weeks(details.cadence_weeks)} for {_weeks(details.weeks)}, "
            f"starting {format_date(details.start_date)}. I will check in with you both along the way.\n"
            "• *No fault*: either of you can end the pairing at any time, without fault and without giving "
            f"a reason: `{MENTOR_COMMAND} leave`."
        ),
        divider(),
        section(f"*First step*\n{booking}" + (f"\n{preference}" if preference else "")),
        context("Enjoy it: the best pairs are curious about each other's work."),
    ]
    text = f"{employee} and {executive}, you have been paired in {name} (reverse mentoring). {booking}"
    return message(text, blocks)


def unmatched_message(*, cohort_name: str, role: str) -> dict[str, Any]:
    """To a participant left without a partner this round: thanks, reassurance, and what happens next.

    It gives no reason: the reasons involve other people and the program's settings, and
    none of them is the person's fault.
    """
    name = escape(cohort_name)
    thanks = (
        f"Thank you for offering your time to *{name}*."
        if role == "executive"
        else f"Thank you for signing up to share your skills in *{name}*."
    )
    text = (
        f"{thanks} This round there was no suitable partner for you, so you have not been paired yet. "
        "You are on the list for the next round, and the program admins will be in touch."
    )
    blocks: list[Block] = [
        section(text),
        context(
            "Your survey answers are kept, so there is nothing to fill in again. If you would rather step "
            f"out, `{MENTOR_COMMAND} leave` takes you off the list at any time."
        ),
    ]
    return message(text, blocks)
