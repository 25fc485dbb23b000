"""What the matching use cases hand to views: previews, confirmations, overrides and intros.

Plain frozen dataclasses, detached from the database, so Block Kit views and the CSV file
are pure functions of them and can be tested without Slack or storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, kw_only=True)
class PairLine:
    """One pair of a preview (or made live), with the skills behind it as names."""

    pairing_id: int
    employee_user_id: str
    executive_user_id: str
    employee_name: str
    executive_name: str
    score: float
    employee_shares: tuple[str, ...]
    """Skills the employee can share that the executive wants to learn."""
    executive_shares: tuple[str, ...]
    """Skills the executive can share that the employee wants to learn."""
    manual: bool = False
    """Made by an admin with `pair` rather than by the optimiser."""


@dataclass(frozen=True, kw_only=True)
class UnmatchedLine:
    """Someone the preview leaves without a partner, and why (in words an admin can act on)."""

    user_id: str
    name: str
    role: str
    """"employee" or "executive"."""
    reason: str
    """A short code: "no shared skill", "capacity full", "excluded by rule", "unavailable",
    "no capacity", "unpaired", "partner re-paired"."""
    explanation: str


@dataclass(frozen=True, kw_only=True)
class MatchPreview:
    """A computed pairing waiting for the admin's Confirm; nothing in it is live yet."""

    run_id: int
    revision: int
    """Bumped by every `pair` / `unpair` that changes the preview; a button carries it."""
    cohort_id: int
    cohort_name: str
    computed_at: datetime
    pairs: tuple[PairLine, ...]
    """The pairs Confirm will make live, sorted by executive then employee name."""
    live_pairs: int
    """Pairs already live in the cohort (an earlier round), kept as they are."""
    unmatched: tuple[UnmatchedLine, ...]
    awaiting_survey: tuple[str, ...]
    """User ids of invited executives who have not answered the survey: not matched."""
    participants: int
    """Employees and executives who took part in this computation."""
    executives_with_wanted_skill: float
    """Share (0-1) of participating executives whose partner shares a skill they want."""
    average_score: float


@dataclass(frozen=True, kw_only=True)
class MatchConfirmation:
    """What Confirm did."""

    cohort_id: int
    cohort_name: str
    pairs: int
    intros_queued: int
    unmatched_told: int
    cohort_activated: bool
    """True when this confirmation moved the cohort from enrolling to active."""


@dataclass(frozen=True, kw_only=True)
class Staleness:
    """Why a preview can no longer be confirmed (all counts are people)."""

    changed_answers: int = 0
    joined: int = 0
    left: int = 0
    """Left, paused, resumed or deactivated since the preview."""
    rules_changed: bool = False
    """The cohort's matching rules or capacities, or the live pairs, changed."""
    superseded: bool = False
    """A newer preview (Re-run, or another admin's match) replaced this one."""
    confirmed: bool = False
    """This preview was already confirmed."""
    adjusted: bool = False
    """A pair/unpair changed this preview after the message was shown."""


@dataclass(frozen=True, kw_only=True)
class IntroDetails:
    """Everything the intro group DM of one pair says."""

    pairing_id: int
    cohort_name: str
    employee_user_id: str
    executive_user_id: str
    employee_shares: tuple[str, ...]
    """Skill names the employee can share that the executive wants to learn."""
    executive_shares: tuple[str, ...]
    """Skill names the executive can share that the employee wants to learn."""
    employee_skill_keys: tuple[str, ...]
    """Keys of `employee_shares` (same order), to pick conversation starters."""
    executive_skill_keys: tuple[str, ...]
    cadence_weeks: int
    weeks: int
    start_date: date
    employee_meeting_format: str | None
    """"video", "in_person", "either" or None."""
    executive_meeting_format: str | None


@dataclass(frozen=True, kw_only=True)
class PairCheck:
    """An admin's `pair` request that breaks a hard rule: shown with a "Pair anyway" button."""

    cohort_id: int
    employee_user_id: str
    executive_user_id: str
    violations: tuple[str, ...]
    """Plain-words rules broken, e.g. "both are in Sales"."""


@dataclass(frozen=True, kw_only=True)
class PairOutcome:
    """What `pair` did."""

    cohort_id: int
    cohort_name: str
    employee_user_id: str
    executive_user_id: str
    live: bool
    """True when the cohort is active: the pair is live at once and its intro is queued."""
    overridden: tuple[str, ...] = ()
    """Rules the admin chose to override."""
    no_shared_skill: bool = False
    displaced: tuple[str, ...] = ()
    """User ids who lost a proposed partner to this pair (preview only)."""
    preview: MatchPreview | None = None
    """The adjusted preview, when there is one to confirm."""


@dataclass(frozen=True, kw_only=True)
class UnpairOutcome:
    """What `unpair` did."""

    cohort_id: int
    cohort_name: str
    user_id: str
    partner_user_ids: tuple[str, ...]
    live: bool
    """True when live pairings ended (partners were told); False for a preview change."""
    preview: MatchPreview | None = None
