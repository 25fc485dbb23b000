"""Optimal, explainable pairing of employees (mentors) with executives (mentees).

Pure: no Slack, no database. The caller passes plain frozen dataclasses and gets back
pairs with reasons, the unmatched with why, and summary figures for the admin preview.

How it works:

1. Scores. Skills become 0/1 matrices (people x skills); two matrix products give, for
   every employee-executive pair at once,
   ``primary = |employee.shares ∩ executive.learns|`` (what the executive learns: the
   point of reverse mentoring) and ``secondary = |executive.shares ∩ employee.learns|``.
   ``score = PRIMARY_WEIGHT * primary + SECONDARY_WEIGHT * secondary`` (2 and 1: one
   skill the executive wants outweighs one the employee wants, two of the latter tie
   with one of the former). A pair with no shared skill scores 0 and is never proposed.
2. Hard rules are forbidden cells: same department (unless the cohort allows it), the
   same reporting line, partners from an earlier cohort, pairs already made or undone by
   an admin in this cohort, and anyone paused, departed or without capacity. Forbidden
   cells get weight 0, i.e. "not a pair".
3. Capacities: every person becomes ``capacity`` identical slots and
   ``scipy.optimize.linear_sum_assignment`` solves the slot matrix exactly. All weights
   are >= 0 and the matrix is dense, so the solver's forced full assignment of the
   smaller side costs nothing: any set of positive pairs can be completed with 0 cells,
   so the best full assignment, minus its 0 cells, is the best set of positive pairs.
   No dummy rows or columns are needed and a forbidden cell can never be proposed.
4. Slots alone could pair the same two people twice when both have capacity > 1. If the
   optimum does that, the exact solution is recomputed with a standard b-matching
   gadget (see ``_solve_without_repeats``), still with ``linear_sum_assignment``.
5. Determinism: people are sorted by id, so the input order does not matter. An optional
   seed breaks ties between equally good answers with a perturbation too small to change
   the optimal total (scores are integers; the perturbation of any solution is < 1).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

PRIMARY_WEIGHT = 2
"""Weight of each skill the employee can share and the executive wants to learn."""
SECONDARY_WEIGHT = 1
"""Weight of each skill the executive can share and the employee wants to learn."""


@dataclass(frozen=True, slots=True)
class Person:
    """One participant (employee or executive) as matching sees them.

    ``capacity`` is how many partners they may get this round: from the cohort, and for an
    executive capped by their survey answer. ``available`` is False when paused or gone.
    ``manager_id`` is the reporting line where known.
    """

    id: str
    shares: frozenset[int] = frozenset()
    learns: frozenset[int] = frozenset()
    department: str | None = None
    manager_id: str | None = None
    capacity: int = 1
    available: bool = True
    name: str | None = None

    @property
    def display_name(self) -> str:
        """The name used in reasons, falling back to the id."""
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class MatchingRules:
    """Cohort rules. Same department is forbidden unless the cohort allows it."""

    allow_same_department: bool = False


class Rule(enum.StrEnum):
    """Hard rules that forbid a pair, named in the reasons of the unmatched."""

    SAME_DEPARTMENT = "same department"
    # One is the other's direct manager, or both report to the same manager: a mentor who
    # is a teammate of the executive's own reports or peers would not speak freely.
    REPORTING_LINE = "same reporting line"
    PREVIOUS_PARTNER = "partners in an earlier cohort"
    PARTNER_UNAVAILABLE = "partner paused, left or full"
    # Already paired in this cohort (a pair is made once), or unpaired there by an admin.
    EXCLUDED_PAIR = "already paired or unpaired in this cohort"


class Role(enum.StrEnum):
    EMPLOYEE = "employee"
    EXECUTIVE = "executive"


class UnmatchedReason(enum.StrEnum):
    """Why a person got no partner, from the most to the least fundamental."""

    UNAVAILABLE = "unavailable"
    NO_CAPACITY = "no capacity"
    NO_SHARED_SKILL = "no shared skill"
    EXCLUDED_BY_RULE = "excluded by rule"
    CAPACITY_FULL = "capacity full"


@dataclass(frozen=True, slots=True)
class Pair:
    """A proposed pair with its score and the shared skills in each direction."""

    employee_id: str
    executive_id: str
    score: int
    employee_shares: tuple[int, ...]
    """Skills the employee can share that the executive wants to learn."""
    executive_shares: tuple[int, ...]
    """Skills the executive can share that the employee wants to learn."""
    reasons: str


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A person left without a partner, and why."""

    person_id: str
    role: Role
    reason: UnmatchedReason
    rules: tuple[Rule, ...]
    """For EXCLUDED_BY_RULE: every rule that excluded a candidate sharing a skill."""
    explanation: str


@dataclass(frozen=True, slots=True)
class Summary:
    """Figures for the admin preview."""

    pairs: int
    total_score: int
    average_score: float
    executives_with_wanted_skill: float
    """Share (0-1) of participating executives who got a partner sharing a skill they want."""


@dataclass(frozen=True, slots=True)
class MatchingResult:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    summary: Summary


@dataclass(frozen=True, slots=True)
class ScoreMatrix:
    """Scores of every employee (rows) x executive (columns), people sorted by id."""

    employee_ids: tuple[str, ...]
    executive_ids: tuple[str, ...]
    primary: np.ndarray
    secondary: np.ndarray
    score: np.ndarray


def score_pairs(*, employees: Sequence[Person], executives: Sequence[Person]) -> ScoreMatrix:
    """Score every pair with two matrix products, so 10,000 x 1,000 takes milliseconds."""
    employees = _sorted_people(employees)
    executives = _sorted_people(executives)
    skill_ids = sorted({s for p in (*employees, *executives) for s in p.shares | p.learns})
    column = {s: i for i, s in enumerate(skill_ids)}
    e_share = _skill_matrix(employees, "shares", column)
    e_learn = _skill_matrix(employees, "learns", column)
    x_share = _skill_matrix(executives, "shares", column)
    x_learn = _skill_matrix(executives, "learns", column)
    # float32 products go through BLAS and are exact for counts below 2**24.
    primary = (e_share @ x_learn.T).astype(np.int32)
    secondary = (e_learn @ x_share.T).astype(np.int32)
    score = PRIMARY_WEIGHT * primary + SECONDARY_WEIGHT * secondary
    return ScoreMatrix(
        employee_ids=tuple(p.id for p in employees),
        executive_ids=tuple(p.id for p in executives),
        primary=primary,
        secondary=secondary,
        score=score,
    )


def forbidden_by_rule(
    *,
    employees: Sequence[Person],
    executives: Sequence[Person],
    previous_partners: Collection[tuple[str, str]] = frozenset(),
    excluded_pairs: Collection[tuple[str, str]] = frozenset(),
    rules: MatchingRules = MatchingRules(),
) -> dict[Rule, np.ndarray]:
    """One boolean employees x executives mask per hard rule (people sorted by id)."""
    employees = _sorted_people(employees)
    executives = _sorted_people(executives)
    n_e, n_x = len(employees), len(executives)
    masks: dict[Rule, np.ndarray] = {}

    codes: dict[str | None, int] = {None: -1}

    def code(value: str | None) -> int:
        return codes.setdefault(value, len(codes) - 1)

    e_dept = np.array([code(p.department) for p in employees], dtype=np.int64)
    x_dept = np.array([code(p.department) for p in executives], dtype=np.int64)
    if rules.allow_same_department:
        masks[Rule.SAME_DEPARTMENT] = np.zeros((n_e, n_x), dtype=bool)
    else:
        masks[Rule.SAME_DEPARTMENT] = (e_dept[:, None] == x_dept[None, :]) & (e_dept[:, None] >= 0)

    e_id = np.array([code(p.id) for p in employees], dtype=np.int64)
    x_id = np.array([code(p.id) for p in executives], dtype=np.int64)
    e_mgr = np.array([code(p.manager_id) for p in employees], dtype=np.int64)
    x_mgr = np.array([code(p.manager_id) for p in executives], dtype=np.int64)
    manages = (e_mgr[:, None] == x_id[None, :]) | (x_mgr[None, :] == e_id[:, None])
    same_manager = (e_mgr[:, None] == x_mgr[None, :]) & (e_mgr[:, None] >= 0)
    masks[Rule.REPORTING_LINE] = manages | same_manager

    e_index = {p.id: i for i, p in enumerate(employees)}
    x_index = {p.id: j for j, p in enumerate(executives)}
    for rule, pairs in ((Rule.PREVIOUS_PARTNER, previous_partners), (Rule.EXCLUDED_PAIR, excluded_pairs)):
        mask = np.zeros((n_e, n_x), dtype=bool)
        for employee_id, executive_id in pairs:
            i, j = e_index.get(employee_id), x_index.get(executive_id)
            if i is not None and j is not None:
                mask[i, j] = True
        masks[rule] = mask

    x_open = np.array([p.available and p.capacity > 0 for p in executives], dtype=bool)
    e_open = np.array([p.available and p.capacity > 0 for p in employees], dtype=bool)
    masks[Rule.PARTNER_UNAVAILABLE] = ~(e_open[:, None] & x_open[None, :])
    return masks


def match(
    *,
    employees: Sequence[Person],
    executives: Sequence[Person],
    previous_partners: Collection[tuple[str, str]] = frozenset(),
    excluded_pairs: Collection[tuple[str, str]] = frozenset(),
    rules: MatchingRules = MatchingRules(),
    skill_names: Mapping[int, str] | None = None,
    seed: int | None = None,
) -> MatchingResult:
    """Pair employees with executives for the highest total score under the hard rules.

    The same input (in any order) gives the same output; ``seed`` only chooses among
    equally good answers. ``excluded_pairs`` are (employee, executive) ids never to pair
    again in this round: already paired, or separated by an admin.
    """
    employees = _sorted_people(employees)
    executives = _sorted_people(executives)
    _validate(employees, "employee")
    _validate(executives, "executive")
    scores = score_pairs(employees=employees, executives=executives)
    masks = forbidden_by_rule(
        employees=employees,
        executives=executives,
        previous_partners=previous_partners,
        excluded_pairs=excluded_pairs,
        rules=rules,
    )
    forbidden = np.zeros(scores.score.shape, dtype=bool)
    for mask in masks.values():
        forbidden |= mask
    weights = np.where(forbidden, 0, scores.score)

    e_cap = np.array([p.capacity if p.available else 0 for p in employees], dtype=np.int64)
    x_cap = np.array([p.capacity if p.available else 0 for p in executives], dtype=np.int64)
    chosen = solve_assignment(weights=weights, row_capacity=e_cap, column_capacity=x_cap, seed=seed)

    names = dict(skill_names or {})
    pairs = tuple(
        sorted(
            (explain_pair(employees[i], executives[j], int(weights[i, j]), names) for i, j in chosen),
            key=lambda p: (p.executive_id, p.employee_id),
        )
    )
    matched_e = {i for i, _ in chosen}
    matched_x = {j for _, j in chosen}
    unmatched = [
        _unmatched(executives[j], Role.EXECUTIVE, scores.score[:, j], {r: m[:, j] for r, m in masks.items()})
        for j in range(len(executives))
        if j not in matched_x
    ] + [
        _unmatched(employees[i], Role.EMPLOYEE, scores.score[i, :], {r: m[i, :] for r, m in masks.items()})
        for i in range(len(employees))
        if i not in matched_e
    ]
    return MatchingResult(pairs=pairs, unmatched=tuple(unmatched), summary=_summary(pairs, executives))


def solve_assignment(
    *,
    weights: np.ndarray,
    row_capacity: np.ndarray,
    column_capacity: np.ndarray,
    seed: int | None = None,
) -> list[tuple[int, int]]:
    """Exact maximum-weight set of (row, column) pairs, each pair at most once.

    ``weights`` must be non-negative integers, 0 meaning "never pair". Row i appears in at
    most ``row_capacity[i]`` pairs, column j in at most ``column_capacity[j]``.
    """
    weights = np.asarray(weights)
    if weights.size and weights.min() < 0:
        raise ValueError("weights must be non-negative")
    rows = np.flatnonzero((row_capacity > 0) & (weights > 0).any(axis=1))
    cols = np.flatnonzero((column_capacity > 0) & (weights > 0).any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return []
    sub = weights[np.ix_(rows, cols)].astype(np.float64)
    r_cap = np.asarray(row_capacity)[rows]
    c_cap = np.asarray(column_capacity)[cols]
    n_pairs_max = int(min(r_cap.sum(), c_cap.sum()))
    if seed is not None:
        # Each chosen pair gains < 1/(n_pairs_max+1), so any solution's gain is < 1 and an
        # integer-optimal total cannot be beaten by a worse one with more noise.
        noise = np.random.default_rng(seed).random(sub.shape) / (n_pairs_max + 1)
        sub = np.where(sub > 0, sub + noise, 0.0)
    row_slot = np.repeat(np.arange(rows.size), r_cap)
    col_slot = np.repeat(np.arange(cols.size), c_cap)
    chosen = _solve_slots(sub, row_slot, col_slot)
    if len(chosen) != len(set(chosen)):
        chosen = _solve_without_repeats(sub, r_cap, c_cap)
    return sorted((int(rows[i]), int(cols[j])) for i, j in chosen)


def _solve_slots(sub: np.ndarray, row_slot: np.ndarray, col_slot: np.ndarray) -> list[tuple[int, int]]:
    """Solve over capacity slots; pairs of people may repeat when both have capacity > 1."""
    # The solver is much faster with fewer rows than columns and a C-contiguous matrix.
    if row_slot.size <= col_slot.size:
        matrix = np.ascontiguousarray(sub[np.ix_(row_slot, col_slot)])
        r, c = linear_sum_assignment(matrix, maximize=True)
        keep = matrix[r, c] > 0
        return list(zip(row_slot[r[keep]].tolist(), col_slot[c[keep]].tolist(), strict=True))
    # Gather whole rows of the transposed matrix (fast), then columns only if slots repeat.
    matrix = np.ascontiguousarray(sub.T)[col_slot]
    if row_slot.size != sub.shape[0]:
        matrix = np.ascontiguousarray(matrix[:, row_slot])
    c, r = linear_sum_assignment(matrix, maximize=True)
    keep = matrix[c, r] > 0
    return list(zip(row_slot[r[keep]].tolist(), col_slot[c[keep]].tolist(), strict=True))


def _solve_without_repeats(sub: np.ndarray, r_cap: np.ndarray, c_cap: np.ndarray) -> list[tuple[int, int]]:
    """Exact b-matching (each pair at most once) as one assignment problem.

    Each positive pair (u, v) where both have capacity > 1 becomes a gadget: a node a_uv on
    the column side and b_uv on the row side. a_uv pairs with one of u's slots (weight
    w + B: the pair is used) or with b_uv (2B: unused); b_uv pairs with one of v's slots (B)
    or with a_uv. B exceeds any total score, so every optimum covers every gadget node
    with one of these edges; then "a_uv with a u slot" forces "b_uv with a v slot", so the
    pair is used once and takes one slot on each side. Pairs where either side has
    capacity 1 cannot repeat and stay direct cells.
    """
    row_slot = np.repeat(np.arange(sub.shape[0]), r_cap)
    col_slot = np.repeat(np.arange(sub.shape[1]), c_cap)
    gadget = (sub > 0) & (r_cap[:, None] > 1) & (c_cap[None, :] > 1)
    gu, gv = np.nonzero(gadget)
    g = gu.size
    big = float(sub.max()) * min(row_slot.size, col_slot.size) + 2.0
    n_rows, n_cols = row_slot.size + g, col_slot.size + g
    matrix = np.zeros((n_rows, n_cols))
    matrix[: row_slot.size, : col_slot.size] = np.where(gadget, 0.0, sub)[np.ix_(row_slot, col_slot)]
    gadget_ids = np.arange(g)
    # u's slots x a_uv
    matrix[: row_slot.size, col_slot.size :] = np.where(
        row_slot[:, None] == gu[None, :], sub[gu, gv][None, :] + big, 0.0
    )
    # b_uv x v's slots
    matrix[row_slot.size :, : col_slot.size] = np.where(gv[:, None] == col_slot[None, :], big, 0.0)
    matrix[row_slot.size + gadget_ids, col_slot.size + gadget_ids] = 2 * big
    r, c = linear_sum_assignment(matrix, maximize=True)
    chosen: list[tuple[int, int]] = []
    for i, j in zip(r.tolist(), c.tolist(), strict=True):
        if i < row_slot.size and j < col_slot.size and matrix[i, j] > 0:
            chosen.append((int(row_slot[i]), int(col_slot[j])))
        elif i < row_slot.size and j >= col_slot.size and matrix[i, j] > 0:
            k = j - col_slot.size
            chosen.append((int(gu[k]), int(gv[k])))
    return chosen


def _sorted_people(people: Iterable[Person]) -> list[Person]:
    return sorted(people, key=lambda p: p.id)


def _validate(people: Sequence[Person], role: str) -> None:
    ids = [p.id for p in people]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate {role} id")
    if any(p.capacity < 0 for p in people):
        raise ValueError(f"negative {role} capacity")


def _skill_matrix(people: Sequence[Person], attribute: str, column: Mapping[int, int]) -> np.ndarray:
    matrix = np.zeros((len(people), len(column)), dtype=np.float32)
    rows = [i for i, p in enumerate(people) for _ in getattr(p, attribute)]
    cols = [column[s] for p in people for s in getattr(p, attribute)]
    matrix[rows, cols] = 1.0
    return matrix


def _skill_list(skills: Iterable[int], names: Mapping[int, str]) -> str:
    words = sorted((names.get(s, f"skill {s}") for s in skills), key=lambda w: (w.casefold(), w))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def explain_pair(employee: Person, executive: Person, score: int, names: Mapping[int, str]) -> Pair:
    to_executive = tuple(sorted(employee.shares & executive.learns))
    to_employee = tuple(sorted(executive.shares & employee.learns))
    clauses = []
    if to_executive:
        clauses.append(
            f"{employee.display_name} can share {_skill_list(to_executive, names)}, "
            f"which {executive.display_name} wants to learn"
        )
    if to_employee:
        clauses.append(
            f"{executive.display_name} can share {_skill_list(to_employee, names)}, "
            f"which {employee.display_name} wants to learn"
        )
    return Pair(
        employee_id=employee.id,
        executive_id=executive.id,
        score=score,
        employee_shares=to_executive,
        executive_shares=to_employee,
        reasons="; ".join(clauses),
    )


def _unmatched(person: Person, role: Role, scores: np.ndarray, masks: Mapping[Rule, np.ndarray]) -> Unmatched:
    """Explain, for one person, why the optimum left them without a partner."""
    name = person.display_name
    others = "executives" if role is Role.EMPLOYEE else "employees"
    rules: tuple[Rule, ...] = ()
    if not person.available:
        reason, text = UnmatchedReason.UNAVAILABLE, f"{name} is paused or has left."
    elif person.capacity == 0:
        reason, text = UnmatchedReason.NO_CAPACITY, f"{name} has no room for a partner this round."
    elif not (candidates := scores > 0).any():
        reason = UnmatchedReason.NO_SHARED_SKILL
        text = f"None of the {others} shares a skill with {name} in either direction."
    else:
        excluding = tuple(rule for rule, mask in masks.items() if (mask & candidates).any())
        allowed = candidates.copy()
        for mask in masks.values():
            allowed &= ~mask
        if allowed.any():
            # At the optimum every allowed candidate is full: otherwise adding the pair
            # would raise the total.
            reason = UnmatchedReason.CAPACITY_FULL
            text = f"The {others} who share skills with {name} were all taken by stronger matches."
        else:
            reason, rules = UnmatchedReason.EXCLUDED_BY_RULE, excluding
            text = (
                f"Every one of the {others} who shares a skill with {name} is excluded by a rule: "
                + ", ".join(rules)
                + "."
            )
    return Unmatched(person_id=person.id, role=role, reason=reason, rules=rules, explanation=text)


def _summary(pairs: Sequence[Pair], executives: Sequence[Person]) -> Summary:
    total = sum(p.score for p in pairs)
    participating = [x for x in executives if x.available and x.capacity > 0]
    served = {p.executive_id for p in pairs if p.employee_shares}
    return Summary(
        pairs=len(pairs),
        total_score=total,
        average_score=total / len(pairs) if pairs else 0.0,
        executives_with_wanted_skill=len(served) / len(participating) if participating else 0.0,
    )
