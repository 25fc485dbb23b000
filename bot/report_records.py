"""What `/mentor-admin report` hands to its views and its chart: the program in numbers.

Plain frozen dataclasses, so the message and the chart are pure functions testable without a
database or Slack. They hold counts, ratings and skill names only: never a reflection's text,
a survey comment, or anyone's name (pairs are Slack user ids, shown as mentions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# How many slipping pairs the report names; the rest are counted.
SLIPPING_SHOWN = 10
# How many skills the "exchanged most" and "skills gained" lists show.
TOP_SKILLS = 5


@dataclass(frozen=True, kw_only=True)
class Participation:
    """People in the cohort, counted by where they stand now (one person may be in several counts).

    - invited: invited (executives) who have not answered the survey yet;
    - enrolled: answered the survey and still in the cohort (surveyed, matched or on a break);
    - matched: enrolled people who are, or were, in a confirmed pair of this cohort;
    - active: in a live pair and not on a break (enrollment state "matched");
    - paused: on a break now;
    - left: left the cohort (they are in no other count).
    """

    invited: int = 0
    enrolled: int = 0
    matched: int = 0
    active: int = 0
    paused: int = 0
    left: int = 0


@dataclass(frozen=True, kw_only=True)
class PairCounts:
    """Pairs that were confirmed in the cohort (previews never count): all, live now, and ended."""

    confirmed: int = 0
    live: int = 0
    ended: int = 0


@dataclass(frozen=True, kw_only=True)
class PeriodStats:
    """One check-in period's numbers.

    A confirmed pair is *live* in a period when it was confirmed before the period ended and had
    not ended before it began. For each pair whose check-in of the period was asked (at least one
    check-in row): it *met* if either member answered "met"; otherwise it was *on a break* if
    either answered "pause" (left out of the met rate); otherwise it was asked and did not meet.
    """

    period: int
    start_date: date
    closed: bool
    """The period is over everywhere (a day after its last day): its answers are final."""
    live_pairs: int
    asked_pairs: int
    """Pairs asked about the period and not on a break: the met rate's denominator."""
    met_pairs: int
    on_break_pairs: int

    @property
    def asked(self) -> bool:
        """Check-ins of this period went out (to pairs not on a break)."""
        return self.asked_pairs > 0

    @property
    def met_rate(self) -> float | None:
        """Met pairs / asked pairs (0 to 1), or None when nobody was asked yet."""
        return self.met_pairs / self.asked_pairs if self.asked_pairs else None


@dataclass(frozen=True, kw_only=True)
class SlippingPairRow:
    """A live pair whose last two or more closed periods were asked of both members and not met."""

    employee_user_id: str
    executive_user_id: str
    missed_periods: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class ReflectionStats:
    """Reflections written on the cohort's pairs: counts and ratings, never their text."""

    written: int = 0
    shared: int = 0
    """Shared with the partner by their author."""
    rated: int = 0
    average_rating: float | None = None
    """Mean of the 1-5 ratings given, rounded to one decimal; None when none was given."""


@dataclass(frozen=True, kw_only=True)
class SkillCount:
    """A skill's name and how often it counts (pairs sharing it, or answers naming it)."""

    name: str
    count: int


@dataclass(frozen=True, kw_only=True)
class SurveySummary:
    """The answers to one of the program's surveys (midpoint or closing); comments are not included."""

    kind: str
    """"midpoint" or "closing"."""
    responses: int = 0
    average_satisfaction: float | None = None
    """Mean satisfaction (1-5), rounded to one decimal; None without answers."""
    again_yes: int = 0
    again_maybe: int = 0
    again_no: int = 0
    top_skills_gained: tuple[SkillCount, ...] = ()
    """The skills answers named most as gained, most first (at most TOP_SKILLS)."""


@dataclass(frozen=True, kw_only=True)
class ProgramReport:
    """A cohort's report, as of `generated_at`."""

    cohort_id: int
    cohort_name: str
    cohort_state: str
    """"enrolling", "active" or "closed" (a draft has nothing to report)."""
    start_date: date
    end_date: date
    period_count: int
    current_period: int
    """The period the report's day falls in: 0 before the start, period_count + 1 after the end."""
    generated_at: datetime
    participation: Participation
    pairs: PairCounts = PairCounts()
    periods: tuple[PeriodStats, ...] = ()
    """Periods that have begun (or whose check-ins were asked), first to last."""
    slipping_count: int = 0
    slipping: tuple[SlippingPairRow, ...] = ()
    """The first SLIPPING_SHOWN slipping pairs, longest stretch first."""
    reflections: ReflectionStats = ReflectionStats()
    top_skills: tuple[SkillCount, ...] = ()
    """Skills of confirmed pairs, by how many pairs share them (each direction counted once per pair)."""
    midpoint: SurveySummary = SurveySummary(kind="midpoint")
    closing: SurveySummary = SurveySummary(kind="closing")

    @property
    def has_pairs(self) -> bool:
        """Pairs were confirmed: the rhythm sections (met rate, slipping, reflections) apply."""
        return self.cohort_state != "enrolling"

    @property
    def asked_periods(self) -> tuple[PeriodStats, ...]:
        return tuple(p for p in self.periods if p.asked)

    @property
    def met_total(self) -> int:
        return sum(p.met_pairs for p in self.periods)

    @property
    def asked_total(self) -> int:
        return sum(p.asked_pairs for p in self.periods)

    @property
    def overall_met_rate(self) -> float | None:
        """Met pair-periods / asked pair-periods over the whole cohort so far."""
        return self.met_total / self.asked_total if self.asked_total else None

    @property
    def has_chart(self) -> bool:
        """A chart is worth sending: the cohort has periods to draw."""
        return self.has_pairs and bool(self.periods)
