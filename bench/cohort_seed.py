"""An active cohort with people, survey answers and live pairs, stored in bulk for benchmarks.

The cohort itself is created and moved to `active` through the services (as admins do), so
it is audited and valid; the people, their enrollments, skills, one confirmed match run and
the pairs are then inserted with SQLAlchemy Core, a few thousand rows per statement, which
takes seconds for 10,000 people instead of minutes through the repositories.

The calendar is chosen so that the scheduler has real work if asked (`checkins_due`): the
cohort started two weeks before yesterday with a weekly cadence, its check-in day is
yesterday at 10:00 in each person's zone, so every member of every pair is due the check-in
of period 3 (within the planner's two days of grace). Otherwise the check-in day is
tomorrow, and nothing is due on the first ticks.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from bot.services.skills import list_skills
from storage.models import (
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentSkill,
    EnrollmentState,
    MatchRun,
    MatchRunState,
    Pairing,
    PairingSource,
    PairingState,
    Person,
    PersonRole,
    SkillDirection,
)
from storage.uow import UnitOfWork
from tests.cohort_kit import make_cohort

ROWS_PER_STATEMENT = 2000
TIME_ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Asia/Tokyo")
N_DEPARTMENTS = 30
CHECKIN_HOUR = 10


@dataclass(frozen=True)
class SeededCohort:
    """What was stored: the cohort, who is in it, and the live pairs (employee, executive user ids)."""

    cohort_id: int
    employees: list[str]
    executives: list[str]
    pairs: list[tuple[str, str]]

    @property
    def participants(self) -> int:
        return len(self.employees) + len(self.executives)


def employee_id(index: int) -> str:
    return f"U0E{index:07d}"


def executive_id(index: int) -> str:
    return f"U0X{index:07d}"


def seed_active_cohort(
    uow_factory: Callable[[], UnitOfWork],
    *,
    team_id: str,
    employees: int,
    executives: int,
    pairs: int,
    checkins_due: bool = False,
    seed: int = 0,
    name: str = "Benchmark cohort",
) -> SeededCohort:
    """An active cohort of `employees` + `executives` who answered the survey, `pairs` of them paired
    (employee i with executive i, both `matched`; everyone else `surveyed`)."""
    if pairs > min(employees, executives):
        raise ValueError("more pairs than employees or executives")
    rng = random.Random(seed)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    checkin_day = yesterday if checkins_due else yesterday + timedelta(days=2)
    record = make_cohort(
        uow_factory,
        team_id=team_id,
        state=CohortState.ACTIVE,
        name=name,
        weeks=12,
        cadence_weeks=1,
        checkin_weekday=checkin_day.weekday(),
        checkin_hour=CHECKIN_HOUR,
    )
    # Started two weeks before the check-in day (the services refuse a start in the past).
    start = checkin_day - timedelta(weeks=2)
    skills = list_skills(uow=uow_factory(), team_id=team_id).skills
    sides: dict[str, list[int]] = {"employee": [], "executive": []}
    for skill in skills:
        sides[str(skill.offered_by)].append(skill.id)

    employee_ids = [employee_id(index) for index in range(employees)]
    executive_ids = [executive_id(index) for index in range(executives)]
    now = datetime.now(UTC)
    with uow_factory() as uow:
        session = uow.session
        session.execute(update(Cohort).where(Cohort.id == record.id).values(start_date=start))
        people = [
            {
                "team_id": team_id,
                "user_id": user_id,
                "name": user_id.lower(),
                "real_name": f"Person {user_id[2:]}",
                "tz": rng.choice(TIME_ZONES),
                "role": role,
                "active": True,
            }
            for role, ids in ((PersonRole.EMPLOYEE, employee_ids), (PersonRole.EXECUTIVE, executive_ids))
            for user_id in ids
        ]
        _insert(session, Person, people)
        person_of = dict(
            session.execute(select(Person.user_id, Person.id).where(Person.team_id == team_id)).tuples().all()
        )
        paired = set(employee_ids[:pairs]) | set(executive_ids[:pairs])
        enrollments = [
            {
                "team_id": team_id,
                "cohort_id": record.id,
                "person_id": person_of[row["user_id"]],
                "role": row["role"],
                "state": EnrollmentState.MATCHED if row["user_id"] in paired else EnrollmentState.SURVEYED,
                "department": f"Department {rng.randrange(N_DEPARTMENTS):02d}",
                "capacity": 1 if row["role"] == PersonRole.EXECUTIVE else None,
                "consent_at": now,
                "invited_at": now if row["role"] == PersonRole.EXECUTIVE else None,
                "surveyed_at": now,
            }
            for row in people
        ]
        _insert(session, Enrollment, enrollments)
        enrollment_of = dict(
            session.execute(
                select(Enrollment.person_id, Enrollment.id).where(Enrollment.cohort_id == record.id)
            )
            .tuples()
            .all()
        )
        chosen: list[dict[str, Any]] = []
        for row in people:
            own, other = (
                ("employee", "executive") if row["role"] == PersonRole.EMPLOYEE else ("executive", "employee")
            )
            enrollment_id = enrollment_of[person_of[row["user_id"]]]
            for direction, side, count in ((SkillDirection.SHARE, own, 2), (SkillDirection.LEARN, other, 1)):
                for skill_id in rng.sample(sides[side], min(count, len(sides[side]))):
                    chosen.append(
                        {
                            "team_id": team_id,
                            "enrollment_id": enrollment_id,
                            "skill_id": skill_id,
                            "direction": direction,
                        }
                    )
        _insert(session, EnrollmentSkill, chosen)
        confirmed = datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(days=3)
        run_id = session.scalar(
            insert(MatchRun)
            .values(
                team_id=team_id,
                cohort_id=record.id,
                state=MatchRunState.CONFIRMED,
                fingerprint="benchmark",
                created_by_user_id="U0ADMIN01",
                created_at=confirmed,
                confirmed_by_user_id="U0ADMIN01",
                confirmed_at=confirmed,
            )
            .returning(MatchRun.id)
        )
        _insert(
            session,
            Pairing,
            [
                {
                    "team_id": team_id,
                    "cohort_id": record.id,
                    "employee_id": person_of[employee_ids[index]],
                    "executive_id": person_of[executive_ids[index]],
                    "score": round(rng.uniform(1, 10), 2),
                    "reasons": ["Shared skills", "Different departments"],
                    "state": PairingState.ACTIVE,
                    "source": PairingSource.AUTO,
                    "match_run_id": run_id,
                    "employee_skill_ids": rng.sample(sides["employee"], 1),
                    "executive_skill_ids": rng.sample(sides["executive"], 1),
                    "created_at": confirmed,
                    "confirmed_at": confirmed,
                }
                for index in range(pairs)
            ],
        )
        uow.commit()
    return SeededCohort(
        cohort_id=record.id,
        employees=employee_ids,
        executives=executive_ids,
        pairs=[(employee_ids[index], executive_ids[index]) for index in range(pairs)],
    )


def _insert(session: Session, model: type, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        session.execute(insert(model), list(rows[start : start + ROWS_PER_STATEMENT]))
