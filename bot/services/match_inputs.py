"""What matching reads from the database, and a fingerprint of it to refuse stale previews.

A preview is computed from the survey answers, who is available, the cohort's rules and the
pairs that already exist. The digest of each participant and of the rules is stored with
the preview; Confirm gathers the same inputs again and compares, so a preview is never
confirmed after someone changed their answers, joined, paused or left.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import matching
from bot.match_records import Staleness
from storage.models import Cohort, EnrollmentState, PairingSource, PairingState, Person, PersonRole
from storage.uow import UnitOfWork

# Pairs that hold a place: live ones, and those an admin made by hand in the preview.
FIXED_STATES = (PairingState.ACTIVE, PairingState.PROPOSED)
_TAKING_PART = (EnrollmentState.SURVEYED, EnrollmentState.MATCHED, EnrollmentState.PAUSED)


@dataclass(frozen=True, kw_only=True)
class Participant:
    """One person who answered the survey and has not left, as matching sees them."""

    user_id: str
    person_id: int
    enrollment_id: int
    role: PersonRole
    name: str
    tz: str | None
    share: tuple[int, ...]
    learn: tuple[int, ...]
    department: str | None
    manager_user_id: str | None
    meeting_format: str | None
    capacity: int
    """Partners they may have in the cohort in all (cohort limit, executives' own answer)."""
    fixed: int
    """Partners they already have (live, or paired by hand in the preview)."""
    available: bool
    paused: bool

    @property
    def room(self) -> int:
        return max(self.capacity - self.fixed, 0)

    def answers_digest(self) -> str:
        return _digest(
            [str(self.role), self.share, self.learn, self.department, self.manager_user_id, self.capacity]
        )


@dataclass(frozen=True, kw_only=True)
class MatchInputs:
    """Everything one matching computation depends on."""

    cohort_id: int
    allow_same_department: bool
    participants: dict[str, Participant]
    awaiting_survey: tuple[str, ...]
    earlier_partners: frozenset[tuple[str, str]]
    """(employee, executive) user ids who were live partners in another cohort."""
    excluded_pairs: frozenset[tuple[str, str]]
    """Pairs already made in this cohort (live or by hand), or ended there: never proposed."""
    fixed_pairs: tuple[tuple[str, str], ...]
    skill_names: dict[int, str] = field(default_factory=dict)

    def to_match(self) -> tuple[list[matching.Person], list[matching.Person]]:
        """Employees and executives for the optimiser; people whose places are all taken stay out."""
        employees: list[matching.Person] = []
        executives: list[matching.Person] = []
        for participant in self.participants.values():
            if participant.fixed and participant.room == 0:
                continue
            person = matching.Person(
                id=participant.user_id,
                shares=frozenset(participant.share),
                learns=frozenset(participant.learn),
                department=_department_key(participant.department),
                manager_id=participant.manager_user_id,
                capacity=participant.room,
                available=participant.available,
                name=participant.name,
            )
            (employees if participant.role == PersonRole.EMPLOYEE else executives).append(person)
        return employees, executives

    def snapshot(self) -> dict[str, Any]:
        """What is stored with a preview: one digest per participant and one for the rules."""
        return {
            "people": {
                user_id: [participant.available, participant.answers_digest()]
                for user_id, participant in sorted(self.participants.items())
            },
            "rules": self.rules_digest(),
        }

    def fingerprint(self) -> str:
        return _digest(self.snapshot())

    def rules_digest(self) -> str:
        return _digest(
            [
                self.allow_same_department,
                sorted(self.excluded_pairs),
                sorted(self.fixed_pairs),
            ]
        )

    def participating_executives(self) -> int:
        return sum(
            1
            for p in self.participants.values()
            if p.role == PersonRole.EXECUTIVE and p.available and p.capacity
        )


def gather_inputs(uow: UnitOfWork, *, cohort: Cohort) -> MatchInputs:
    """Read the matching inputs of `cohort` inside an open unit of work (a handful of queries)."""
    rows = uow.pairings.participants(cohort_id=cohort.id)
    skills = uow.pairings.skills_of_cohort(cohort_id=cohort.id)
    fixed_pairings = [
        pairing
        for pairing in uow.pairings.in_cohort(cohort_id=cohort.id, states=FIXED_STATES)
        if pairing.state == PairingState.ACTIVE or pairing.source == PairingSource.MANUAL
    ]
    ended = uow.pairings.ended_in_cohort(cohort_id=cohort.id)
    earlier = uow.pairings.earlier_partners(team_id=cohort.team_id, cohort_id=cohort.id)
    people_ids = {person.id for _, person in rows}
    extra_ids = {i for pair in (*ended, *earlier) for i in pair} - people_ids
    user_id_of = {person.id: person.user_id for _, person in rows}
    user_id_of.update(
        (person_id, person.user_id)
        for person_id, person in uow.privacy.people_by_id(
            team_id=cohort.team_id, person_ids=extra_ids
        ).items()
    )
    fixed_count = Counter(
        person_id for pairing in fixed_pairings for person_id in (pairing.employee_id, pairing.executive_id)
    )

    participants: dict[str, Participant] = {}
    awaiting: list[str] = []
    for enrollment, person in rows:
        if enrollment.state == EnrollmentState.INVITED or enrollment.surveyed_at is None:
            if enrollment.state != EnrollmentState.LEFT and person.active:
                awaiting.append(person.user_id)
            continue
        if enrollment.state not in _TAKING_PART or not person.active:
            continue
        chosen = skills.get(enrollment.id, {})
        paused = enrollment.state == EnrollmentState.PAUSED
        participants[person.user_id] = Participant(
            user_id=person.user_id,
            person_id=person.id,
            enrollment_id=enrollment.id,
            role=enrollment.role,
            name=display_name(person),
            tz=person.tz,
            share=tuple(chosen.get("share", ())),
            learn=tuple(chosen.get("learn", ())),
            department=enrollment.department,
            manager_user_id=person.manager_user_id,
            meeting_format=str(enrollment.meeting_format) if enrollment.meeting_format else None,
            capacity=capacity_of(cohort, role=enrollment.role, answered=enrollment.capacity),
            fixed=fixed_count.get(person.id, 0),
            available=not paused and person.unreachable_reason is None,
            paused=paused,
        )

    def by_user(pairs: set[tuple[int, int]]) -> set[tuple[str, str]]:
        return {(user_id_of[e], user_id_of[x]) for e, x in pairs if e in user_id_of and x in user_id_of}

    fixed_pairs = tuple(
        sorted(by_user({(pairing.employee_id, pairing.executive_id) for pairing in fixed_pairings}))
    )
    return MatchInputs(
        cohort_id=cohort.id,
        allow_same_department=cohort.allow_same_department,
        participants=participants,
        awaiting_survey=tuple(sorted(awaiting)),
        earlier_partners=frozenset(by_user(earlier)),
        excluded_pairs=frozenset(by_user(ended) | set(fixed_pairs)),
        fixed_pairs=fixed_pairs,
        skill_names={
            skill.id: skill.name
            for skill in uow.skills.find_all(team_id=cohort.team_id, include_retired=True)
        },
    )


def staleness(*, stored: Mapping[str, Any], current: MatchInputs) -> Staleness:
    """What changed between the inputs stored with a preview and the inputs now."""
    before: dict[str, list[Any]] = dict(stored.get("people") or {})
    after = current.snapshot()["people"]
    joined = sum(1 for user_id in after if user_id not in before)
    left = sum(1 for user_id in before if user_id not in after)
    left += sum(1 for user_id, now in after.items() if user_id in before and before[user_id][0] != now[0])
    changed = sum(
        1
        for user_id, now in after.items()
        if user_id in before and before[user_id][0] == now[0] and before[user_id][1] != now[1]
    )
    return Staleness(
        changed_answers=changed,
        joined=joined,
        left=left,
        rules_changed=stored.get("rules") != current.rules_digest(),
    )


def capacity_of(cohort: Cohort, *, role: PersonRole, answered: int | None) -> int:
    """How many partners someone may have: the cohort's limit, lowered by an executive's own answer."""
    if role == PersonRole.EMPLOYEE:
        return cohort.executives_per_employee
    limit = cohort.employees_per_executive
    return limit if answered is None else max(0, min(answered, limit))


def display_name(person: Person) -> str:
    """The name admins recognise: the full name, else the Slack handle, else the id."""
    return person.real_name or person.name or person.user_id


def _department_key(department: str | None) -> str | None:
    """Departments typed by people match regardless of case and spacing ("sales " is "Sales")."""
    if not department:
        return None
    return " ".join(department.split()).casefold() or None


def _digest(value: Any) -> str:
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), default=list).encode()
    return hashlib.sha256(encoded).hexdigest()
