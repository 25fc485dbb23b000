"""What the check-in use cases hand to views: prompts, answers, reflections and alerts.

Plain frozen dataclasses, so the DMs and modals are pure functions testable without Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, kw_only=True)
class CheckinPrompt:
    """One person's check-in of one period: "Did you meet with <partner> since <date>?"."""

    pairing_id: int
    period: int
    periods: int
    """How many periods the cohort has (for "check-in 2 of 6")."""
    user_id: str
    """Who it is sent to; only they may answer it."""
    partner_user_id: str
    since: date
    cohort_name: str


@dataclass(frozen=True, kw_only=True)
class CheckinAnswerRecord:
    """A stored answer, for the message that replaces the buttons."""

    prompt: CheckinPrompt
    answer: str
    """"met", "not_yet" or "pause"."""
    answered_at: datetime
    reminder_on: date | None = None
    """For "not_yet": the local day the reminder comes."""


@dataclass(frozen=True, kw_only=True)
class ReflectionForm:
    """What the reflection modal needs."""

    pairing_id: int
    period: int | None
    role: str
    """"employee" (the mentor's wording) or "executive" (the learner's wording)."""
    partner_user_id: str
    cohort_name: str


@dataclass(frozen=True, kw_only=True)
class ReflectionAnswers:
    """A submitted reflection, read and checked."""

    learned: str
    will_try: str | None
    rating: int
    share: bool


@dataclass(frozen=True, kw_only=True)
class SharedReflection:
    """A reflection its author chose to share, as the partner receives it."""

    author_user_id: str
    cohort_name: str
    learned: str
    will_try: str | None


@dataclass(frozen=True, kw_only=True)
class SlippingPair:
    """A pair that has not met for two periods in a row, for the admins' alert."""

    pairing_id: int
    employee_user_id: str
    executive_user_id: str
    cohort_name: str
    missed_periods: tuple[int, ...]
