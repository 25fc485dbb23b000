"""What the midpoint and closing survey use cases hand to views, and what `close` reports.

Plain frozen dataclasses, so the DMs and the modal are pure functions testable without Slack.
The survey kinds are the values of storage's ProgramSurveyKind.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.survey import SkillChoice

MIDPOINT, CLOSING = "midpoint", "closing"
PROGRAM_SURVEY_KINDS: tuple[str, ...] = (MIDPOINT, CLOSING)
YES, MAYBE, NO = "yes", "maybe", "no"


@dataclass(frozen=True, kw_only=True)
class ProgramSurveyInvite:
    """The survey DM: which cohort and which survey."""

    cohort_id: int
    cohort_name: str
    kind: str
    """"midpoint" or "closing"."""


@dataclass(frozen=True, kw_only=True)
class ProgramSurveyAnswers:
    """A submitted survey, read and checked."""

    satisfaction: int
    """1 (very dissatisfied) to 5 (very satisfied)."""
    again: str
    """"yes", "maybe" or "no"."""
    skills_gained: tuple[int, ...]
    """Skill ids of the workspace; may be empty."""
    comments: str | None


@dataclass(frozen=True, kw_only=True)
class ProgramSurveyForm:
    """What the survey modal needs: the skills to pick from and the answers given before, if any."""

    cohort_id: int
    cohort_name: str
    kind: str
    skills: tuple[SkillChoice, ...]
    saved: ProgramSurveyAnswers | None = None

    @property
    def offered_skill_ids(self) -> frozenset[int]:
        return frozenset(choice.id for choice in self.skills)


@dataclass(frozen=True, kw_only=True)
class ProgramSurveySaved:
    """A stored answer, for the modal's thank-you."""

    cohort_name: str
    kind: str
    updated: bool
    """True when the person had answered this survey before."""


@dataclass(frozen=True, kw_only=True)
class CloseResult:
    """What `/mentor-admin close` did, for the admin's answer."""

    cohort_id: int
    cohort_name: str
    pairings_ended: int
    messages_cancelled: int
    """Check-ins and reminders that were waiting to be sent."""
    surveys_queued: int
    """Closing surveys newly queued (people already sent one are not counted again)."""
    participants: int
    """Everyone the closing survey is for (queued now or before)."""
