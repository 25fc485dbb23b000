"""Matching: optimality against brute force, hard rules, capacities, determinism, reasons."""

from __future__ import annotations

import random
from collections import Counter
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching import (
    MatchingResult,
    MatchingRules,
    Person,
    Role,
    Rule,
    UnmatchedReason,
    match,
    solve_assignment,
)

SKILLS = {1: "social media", 2: "AI tools", 3: "strategy", 4: "budgeting", 5: "hiring", 6: "sales"}
FAST = settings(deadline=None, max_examples=300)


def _skills() -> st.SearchStrategy[frozenset[int]]:
    return st.frozensets(st.integers(min_value=1, max_value=6), max_size=3)


@st.composite
def instances(draw: st.DrawFn, max_capacity: int = 2) -> dict:
    n_e = draw(st.integers(min_value=0, max_value=5))
    n_x = draw(st.integers(min_value=0, max_value=4))
    e_ids = [f"e{i}" for i in range(n_e)]
    x_ids = [f"x{i}" for i in range(n_x)]
    all_ids = e_ids + x_ids + ["boss"]
    departments = st.sampled_from([None, "a", "b", "c"])
    managers = st.one_of(st.none(), st.sampled_from(all_ids))

    def person(pid: str) -> Person:
        return Person(
            id=pid,
            shares=draw(_skills()),
            learns=draw(_skills()),
            department=draw(departments),
            manager_id=draw(managers),
            capacity=draw(st.integers(min_value=0, max_value=max_capacity)),
            available=draw(st.booleans().map(lambda b: b or draw(st.booleans()))),
        )

    employees = [person(p) for p in e_ids]
    executives = [person(p) for p in x_ids]
    candidates = [(e, x) for e in e_ids for x in x_ids]
    previous = draw(st.sets(st.sampled_from(candidates), max_size=4)) if candidates else set()
    return {
        "employees": employees,
        "executives": executives,
        "previous_partners": previous,
        "rules": MatchingRules(allow_same_department=draw(st.booleans())),
        "seed": draw(st.one_of(st.none(), st.integers(min_value=0, max_value=10))),
    }


def _score(e: Person, x: Person) -> int:
    return 2 * len(e.shares & x.learns) + len(x.shares & e.learns)


def _allowed(e: Person, x: Person, inst: dict) -> bool:
    """The hard rules, written independently of bot.matching."""
    if not (e.available and x.available and e.capacity > 0 and x.capacity > 0):
        return False
    if not inst["rules"].allow_same_department and e.department is not None and e.department == x.department:
        return False
    if e.manager_id == x.id or x.manager_id == e.id:
        return False
    if e.manager_id is not None and e.manager_id == x.manager_id:
        return False
    return (e.id, x.id) not in inst["previous_partners"]


def _brute_force(inst: dict) -> int:
    """Best total by exhaustive search over each employee's set of partners (memoised)."""
    employees, executives = inst["employees"], inst["executives"]
    weight = [
        [_score(e, x) if _allowed(e, x, inst) and _score(e, x) > 0 else 0 for x in executives]
        for e in employees
    ]

    @cache
    def best(i: int, remaining: tuple[int, ...]) -> int:
        if i == len(employees):
            return 0
        result = 0
        options = [j for j in range(len(executives)) if weight[i][j] > 0 and remaining[j] > 0]

        def choose(start: int, left: int, used: tuple[int, ...], gained: int) -> None:
            nonlocal result
            rem = tuple(r - (j in used) for j, r in enumerate(remaining))
            result = max(result, gained + best(i + 1, rem))
            if left == 0:
                return
            for k in range(start, len(options)):
                j = options[k]
                choose(k + 1, left - 1, (*used, j), gained + weight[i][j])

        choose(0, employees[i].capacity, (), 0)
        return result

    return best(0, tuple(x.capacity for x in executives))


def _check_valid(result: MatchingResult, inst: dict) -> None:
    by_id = {p.id: p for p in (*inst["employees"], *inst["executives"])}
    keys = [(p.employee_id, p.executive_id) for p in result.pairs]
    assert len(keys) == len(set(keys)), "same two people paired twice"
    for pair in result.pairs:
        e, x = by_id[pair.employee_id], by_id[pair.executive_id]
        assert _allowed(e, x, inst), f"hard rule broken by {pair}"
        assert pair.score == _score(e, x) > 0
    for pid, n in Counter(k for pair in keys for k in pair).items():
        assert n <= by_id[pid].capacity
    matched = {k for pair in keys for k in pair}
    unmatched = {u.person_id for u in result.unmatched}
    assert matched.isdisjoint(unmatched)
    assert matched | unmatched == set(by_id) - {"boss"}


@FAST
@given(instances())
def test_total_score_equals_brute_force_optimum(inst):
    result = match(**inst)
    _check_valid(result, inst)
    assert result.summary.total_score == sum(p.score for p in result.pairs) == _brute_force(inst)


@settings(deadline=None, max_examples=150)
@given(instances(max_capacity=3))
def test_optimum_without_repeats_when_both_sides_take_several(inst):
    result = match(**inst)
    _check_valid(result, inst)
    assert result.summary.total_score == _brute_force(inst)


@FAST
@given(instances(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_same_output(inst, rnd):
    first = match(**inst)
    shuffled = dict(inst)
    shuffled["employees"] = rnd.sample(inst["employees"], len(inst["employees"]))
    shuffled["executives"] = rnd.sample(inst["executives"], len(inst["executives"]))
    assert match(**shuffled) == first
    assert match(**inst) == first


@FAST
@given(instances())
def test_unmatched_capacity_full_means_every_allowed_candidate_is_full(inst):
    result = match(**inst)
    load = Counter(k for p in result.pairs for k in (p.employee_id, p.executive_id))
    people = {p.id: p for p in (*inst["employees"], *inst["executives"])}
    for u in result.unmatched:
        if u.reason is not UnmatchedReason.CAPACITY_FULL:
            continue
        person = people[u.person_id]
        others = inst["executives"] if u.role is Role.EMPLOYEE else inst["employees"]
        for other in others:
            e, x = (person, other) if u.role is Role.EMPLOYEE else (other, person)
            if _allowed(e, x, inst) and _score(e, x) > 0:
                assert load[other.id] == other.capacity


def test_reasons_name_the_shared_skills_in_both_directions():
    ann = Person(id="U1", name="Ann", shares=frozenset({1, 2}), learns=frozenset({3}), department="eng")
    bo = Person(id="U2", name="Bo", shares=frozenset({3}), learns=frozenset({1, 2}), department="sales")
    result = match(employees=[ann], executives=[bo], skill_names=SKILLS)
    (pair,) = result.pairs
    assert pair.reasons == (
        "Ann can share AI tools and social media, which Bo wants to learn; "
        "Bo can share strategy, which Ann wants to learn"
    )
    assert pair.score == 2 * 2 + 1
    assert result.unmatched == ()
    assert result.summary.executives_with_wanted_skill == 1.0
    assert result.summary.average_score == 5.0


def test_reasons_with_one_direction_and_unknown_skill_names():
    ann = Person(id="U1", name="Ann", shares=frozenset({1, 2, 9}))
    bo = Person(id="U2", name="Bo", learns=frozenset({1, 2, 9}))
    (pair,) = match(employees=[ann], executives=[bo], skill_names=SKILLS).pairs
    assert pair.reasons == "Ann can share AI tools, skill 9 and social media, which Bo wants to learn"


def test_only_the_reverse_direction_still_pairs_but_does_not_count_as_wanted_skill():
    ann = Person(id="U1", name="Ann", learns=frozenset({3}))
    bo = Person(id="U2", name="Bo", shares=frozenset({3}))
    result = match(employees=[ann], executives=[bo], skill_names=SKILLS)
    assert [p.reasons for p in result.pairs] == ["Bo can share strategy, which Ann wants to learn"]
    assert result.summary.executives_with_wanted_skill == 0.0


def test_primary_direction_outweighs_reverse():
    bo = Person(id="x", learns=frozenset({1}), shares=frozenset({2}))
    teaches = Person(id="e1", shares=frozenset({1}))
    learns = Person(id="e2", learns=frozenset({2}))
    result = match(employees=[teaches, learns], executives=[bo])
    assert [p.employee_id for p in result.pairs] == ["e1"]
    (left,) = result.unmatched
    assert left.person_id == "e2"
    assert left.reason is UnmatchedReason.CAPACITY_FULL
    assert "taken by stronger matches" in left.explanation


def test_unmatched_when_nobody_shares_a_skill():
    ann = Person(id="e", name="Ann", shares=frozenset({1}), learns=frozenset({2}))
    bo = Person(id="x", name="Bo", shares=frozenset({5}), learns=frozenset({6}))
    result = match(employees=[ann], executives=[bo])
    assert result.pairs == ()
    assert {(u.person_id, u.reason) for u in result.unmatched} == {
        ("e", UnmatchedReason.NO_SHARED_SKILL),
        ("x", UnmatchedReason.NO_SHARED_SKILL),
    }
    assert result.summary.average_score == 0.0


def _e(**kwargs) -> Person:
    return Person(id="e", shares=frozenset({1}), **kwargs)


def _x(**kwargs) -> Person:
    return Person(id="x", learns=frozenset({1}), **kwargs)


@pytest.mark.parametrize(
    ("employee", "executive", "previous", "rule"),
    [
        (_e(department="d"), _x(department="d"), set(), Rule.SAME_DEPARTMENT),
        (_e(manager_id="x"), _x(), set(), Rule.REPORTING_LINE),
        (_e(), _x(manager_id="e"), set(), Rule.REPORTING_LINE),
        (_e(manager_id="m"), _x(manager_id="m"), set(), Rule.REPORTING_LINE),
        (_e(), _x(), {("e", "x")}, Rule.PREVIOUS_PARTNER),
    ],
)
def test_unmatched_when_every_candidate_is_excluded_by_a_rule(employee, executive, previous, rule):
    result = match(employees=[employee], executives=[executive], previous_partners=previous)
    assert result.pairs == ()
    for u in result.unmatched:
        assert u.reason is UnmatchedReason.EXCLUDED_BY_RULE
        assert u.rules == (rule,)
        assert str(rule) in u.explanation


def test_same_department_is_allowed_when_the_cohort_says_so():
    e = Person(id="e", shares=frozenset({1}), department="d")
    x = Person(id="x", learns=frozenset({1}), department="d")
    result = match(employees=[e], executives=[x], rules=MatchingRules(allow_same_department=True))
    assert [(p.employee_id, p.executive_id) for p in result.pairs] == [("e", "x")]


def test_paused_people_are_unmatched_and_their_candidates_excluded():
    e = Person(id="e", shares=frozenset({1}))
    x = Person(id="x", learns=frozenset({1}), available=False)
    result = match(employees=[e], executives=[x])
    reasons = {u.person_id: (u.reason, u.rules) for u in result.unmatched}
    assert reasons == {
        "x": (UnmatchedReason.UNAVAILABLE, ()),
        "e": (UnmatchedReason.EXCLUDED_BY_RULE, (Rule.PARTNER_UNAVAILABLE,)),
    }


def test_zero_capacity_is_reported():
    e = Person(id="e", shares=frozenset({1}), capacity=0)
    x = Person(id="x", learns=frozenset({1}))
    reasons = {u.person_id: u.reason for u in match(employees=[e], executives=[x]).unmatched}
    assert reasons == {"e": UnmatchedReason.NO_CAPACITY, "x": UnmatchedReason.EXCLUDED_BY_RULE}


def test_two_people_with_several_slots_are_never_paired_twice():
    # Slots alone would give both of e's slots to x (2 x 6 = 12 > 6 + 1).
    e = Person(id="e", shares=frozenset({1, 2, 3}), capacity=2)
    x = Person(id="x", learns=frozenset({1, 2, 3}), capacity=2)
    y = Person(id="y", learns=frozenset({4}), shares=frozenset({5}), capacity=2)
    e2 = Person(id="f", learns=frozenset({5}), capacity=2)
    e3 = Person(id="g", learns=frozenset({5}), shares=frozenset({4}))
    e_only_y = Person(id="h", learns=frozenset({5}))
    result = match(employees=[e, e2, e3, e_only_y], executives=[x, y])
    keys = [(p.employee_id, p.executive_id) for p in result.pairs]
    assert len(keys) == len(set(keys))
    assert ("e", "x") in keys


def test_a_forced_assignment_never_proposes_a_forbidden_or_empty_pair():
    # More slots than useful partners: the solver must fill every column, but 0 cells are dropped.
    employees = [Person(id=f"e{i}", shares=frozenset({1}), department="d") for i in range(3)]
    executives = [Person(id="x", learns=frozenset({1}), department="d", capacity=3), Person(id="y")]
    assert match(employees=employees, executives=executives).pairs == ()


def test_seed_changes_only_the_choice_among_equal_optima():
    employees = [Person(id=f"e{i}", shares=frozenset({1})) for i in range(6)]
    executives = [Person(id=f"x{i}", learns=frozenset({1})) for i in range(3)]
    totals = {
        match(employees=employees, executives=executives, seed=s).summary.total_score for s in range(20)
    }
    assert totals == {6}
    chosen = {
        tuple(p.employee_id for p in match(employees=employees, executives=executives, seed=s).pairs)
        for s in range(20)
    }
    assert len(chosen) > 1
    assert match(employees=employees, executives=executives, seed=3) == match(
        employees=employees, executives=executives, seed=3
    )


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        match(employees=[Person(id="e"), Person(id="e")], executives=[])


def test_solve_assignment_matches_brute_force_on_random_matrices():
    rng = random.Random(7)
    for _ in range(200):
        n, m = rng.randint(1, 4), rng.randint(1, 4)
        weights = np.array([[rng.choice([0, 0, 1, 2, 3]) for _ in range(m)] for _ in range(n)])
        row_cap = np.array([rng.randint(0, 3) for _ in range(n)])
        col_cap = np.array([rng.randint(0, 3) for _ in range(m)])
        chosen = solve_assignment(weights=weights, row_capacity=row_cap, column_capacity=col_cap)
        assert len(chosen) == len(set(chosen))
        assert all(weights[i, j] > 0 for i, j in chosen)
        cells = [(i, j) for i in range(n) for j in range(m) if weights[i, j] > 0]
        best = 0
        for mask in range(1 << len(cells)):
            subset = [c for k, c in enumerate(cells) if mask >> k & 1]
            rows, cols = Counter(i for i, _ in subset), Counter(j for _, j in subset)
            if all(rows[i] <= row_cap[i] for i in rows) and all(cols[j] <= col_cap[j] for j in cols):
                best = max(best, sum(weights[i, j] for i, j in subset))
        assert sum(weights[i, j] for i, j in chosen) == best


def test_excluded_pairs_are_never_proposed_and_explain_the_unmatched():
    e = Person(id="e", shares=frozenset({1}))
    x = Person(id="x", learns=frozenset({1}))
    y = Person(id="y", learns=frozenset({1}))
    result = match(employees=[e], executives=[x, y], excluded_pairs={("e", "x")})
    assert [(p.employee_id, p.executive_id) for p in result.pairs] == [("e", "y")]
    alone = match(employees=[e], executives=[x], excluded_pairs={("e", "x")})
    assert alone.pairs == ()
    assert {u.rules for u in alone.unmatched} == {(Rule.EXCLUDED_PAIR,)}
