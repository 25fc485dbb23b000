"""Matching benchmark: score and solve synthetic cohorts, against a bare solver call and greedy.

    .venv/bin/python -m bench.matching                 # 1,000 x 100, 5,000 x 500, 10,000 x 1,000
    .venv/bin/python -m bench.matching --sizes 2000x200 --seed 3

Synthetic cohort (employees x executives): 20 skills, 30 departments, each person shares and
wants 1-4 skills, 10% of people have a manager among the executives, 2% of employees were
partners of a random executive before, 1% of people are paused. Employees take 1 partner
(the cohort default); executives answered the survey's capacity question with 1, 2 or 3, so
there are about twice as many executive slots as executives but far fewer than employees:
the slots are scarce and the solver has to decide who gets them.

Each size runs in a fresh process so the peak memory (ru_maxrss) is its own. Columns:

- score: ``score_pairs`` + ``forbidden_by_rule`` (numpy matrix products and masks);
- solve: ``solve_assignment`` on the masked weights (slot expansion + linear_sum_assignment);
- total: one ``match()`` call end to end (includes the reasons and the unmatched);
- bare lsa: ``linear_sum_assignment(W, maximize=True)`` on the same slot matrix W, as built;
- peak traced: tracemalloc peak during ``match()`` (numpy's allocations, not the solver's C++);
- maxrss: peak resident memory of the process;
- vs greedy: total score of ``match()`` over a greedy baseline (best remaining pair first).

Target (issue 5): 10,000 x 1,000 under 2 s total on 2 cores, under 1.5 GB peak.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from bot.matching import MatchingRules, Person, forbidden_by_rule, match, score_pairs, solve_assignment

N_SKILLS = 20
N_DEPARTMENTS = 30
DEFAULT_SIZES = ((1_000, 100), (5_000, 500), (10_000, 1_000))
TARGET_SECONDS = 2.0
TARGET_BYTES = 1.5 * 1024**3


@dataclass(frozen=True)
class Row:
    size: str
    score_s: float
    solve_s: float
    total_s: float
    bare_s: float
    traced_mb: float
    maxrss_mb: float
    pairs: int
    score: int
    greedy: int


def _people(
    rng: np.random.Generator, n: int, prefix: str, capacity: np.ndarray, bosses: list[str]
) -> list[Person]:
    def skills() -> frozenset[int]:
        return frozenset(rng.choice(N_SKILLS, size=int(rng.integers(1, 5)), replace=False).tolist())

    return [
        Person(
            id=f"{prefix}{i:06d}",
            shares=skills(),
            learns=skills(),
            department=f"d{int(rng.integers(N_DEPARTMENTS))}",
            manager_id=str(rng.choice(bosses)) if bosses and rng.random() < 0.1 else None,
            capacity=int(capacity[i]),
            available=bool(rng.random() >= 0.01),
        )
        for i in range(n)
    ]


def cohort(n_employees: int, n_executives: int, seed: int) -> tuple[list[Person], list[Person], set]:
    """A reproducible synthetic cohort as described in the module docstring."""
    rng = np.random.default_rng(seed)
    x_ids = [f"x{i:06d}" for i in range(n_executives)]
    executives = _people(rng, n_executives, "x", rng.integers(1, 4, n_executives), [])
    employees = _people(rng, n_employees, "e", np.ones(n_employees, dtype=np.int64), x_ids)
    previous = {(e.id, x_ids[int(rng.integers(n_executives))]) for e in employees if rng.random() < 0.02}
    return employees, executives, previous


def greedy_total(weights: np.ndarray, row_capacity: np.ndarray, column_capacity: np.ndarray) -> int:
    """Best remaining pair first: the obvious heuristic the exact solver should beat."""
    rows, cols = np.nonzero(weights > 0)
    order = np.argsort(-weights[rows, cols], kind="stable")
    r_left, c_left = row_capacity.copy(), column_capacity.copy()
    slots = int(min(r_left.sum(), c_left.sum()))
    total = 0
    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if r_left[i] > 0 and c_left[j] > 0:
            r_left[i] -= 1
            c_left[j] -= 1
            total += int(weights[i, j])
            slots -= 1
            if slots == 0:
                break
    return total


def run_one(n_employees: int, n_executives: int, seed: int) -> Row:
    employees, executives, previous = cohort(n_employees, n_executives, seed)
    rules = MatchingRules()

    t0 = time.perf_counter()
    scores = score_pairs(employees=employees, executives=executives)
    masks = forbidden_by_rule(
        employees=employees, executives=executives, previous_partners=previous, rules=rules
    )
    forbidden = np.logical_or.reduce(list(masks.values()))
    weights = np.where(forbidden, 0, scores.score)
    t1 = time.perf_counter()
    by_id = {p.id: p for p in (*employees, *executives)}
    e_cap = np.array([by_id[i].capacity if by_id[i].available else 0 for i in scores.employee_ids])
    x_cap = np.array([by_id[i].capacity if by_id[i].available else 0 for i in scores.executive_ids])
    t2 = time.perf_counter()
    solve_assignment(weights=weights, row_capacity=e_cap, column_capacity=x_cap)
    t3 = time.perf_counter()

    t4 = time.perf_counter()
    result = match(employees=employees, executives=executives, previous_partners=previous, rules=rules)
    t5 = time.perf_counter()

    slot_matrix = weights[:, np.repeat(np.arange(len(executives)), x_cap)].astype(np.float64)
    t6 = time.perf_counter()
    linear_sum_assignment(slot_matrix, maximize=True)
    t7 = time.perf_counter()
    del slot_matrix

    greedy = greedy_total(weights, e_cap, x_cap)
    del weights, forbidden, masks, scores

    tracemalloc.start()
    match(employees=employees, executives=executives, previous_partners=previous, rules=rules)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return Row(
        size=f"{n_employees:,} x {n_executives:,}",
        score_s=t1 - t0,
        solve_s=t3 - t2,
        total_s=t5 - t4,
        bare_s=t7 - t6,
        traced_mb=traced_peak / 1024**2,
        maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        pairs=result.summary.pairs,
        score=result.summary.total_score,
        greedy=greedy,
    )


def _run_in_child(args: tuple[int, int, int]) -> Row:
    return run_one(*args)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="*", help="EMPLOYEESxEXECUTIVES, e.g. 1000x100")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in s.lower().split("x")) for s in args.sizes] if args.sizes else DEFAULT_SIZES

    context = multiprocessing.get_context("spawn")
    header = (
        f"{'cohort':>16} {'score s':>8} {'solve s':>8} {'total s':>8} {'bare lsa s':>10} {'ratio':>6} "
        f"{'traced MB':>9} {'maxrss MB':>9} {'pairs':>6} {'score':>7} {'greedy':>7} {'vs greedy':>9}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for n_e, n_x in sizes:
        with context.Pool(1) as pool:
            row = pool.apply(_run_in_child, ((n_e, n_x, args.seed),))
        rows.append(row)
        print(
            f"{row.size:>16} {row.score_s:8.3f} {row.solve_s:8.3f} {row.total_s:8.3f} {row.bare_s:10.3f} "
            f"{row.total_s / row.bare_s:6.2f} {row.traced_mb:9.0f} {row.maxrss_mb:9.0f} {row.pairs:6d} "
            f"{row.score:7d} {row.greedy:7d} {(row.score / row.greedy - 1) * 100:+8.2f}%"
        )
    largest = rows[-1]
    met = largest.total_s < TARGET_SECONDS and largest.maxrss_mb * 1024**2 < TARGET_BYTES
    print(
        f"\ntarget for the largest cohort ({largest.size}): total < {TARGET_SECONDS} s and peak < 1.5 GB: "
        f"{'MET' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
