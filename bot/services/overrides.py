"""Admin overrides of the pairing: `/mentor-admin pair @employee @executive` and `unpair @person`.

Before Confirm they adjust the preview (a hand-made pair is kept by every re-run; an undone
pair is never proposed again in the cohort); once the cohort is active they act at once
(a new pair gets its intro, an ended one is told kindly). Roles and capacities are always
checked; a hard rule (same department, reporting line, earlier partners, a break) can be
overridden only by an explicit confirmation. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import matching
from bot.delivery.outbox import cancel, enqueue
from bot.errors import NoCohortError, PairingRequestError
from bot.local_time import SendWindow, next_allowed_time, resolve_zone
from bot.match_records import PairCheck, PairOutcome, UnmatchedLine, UnpairOutcome
from bot.services.match_inputs import MatchInputs, Participant, gather_inputs
from bot.services.matchmaking import cohort_for_matching, load_preview, make_live, refresh_run
from bot.views.cohort import escape
from bot.views.pairing_notices import pairing_ended_message
from bot.views.participation import partner_left_message
from storage.models import (
    Cohort,
    CohortState,
    EnrollmentState,
    MatchRun,
    PairingSource,
    PairingState,
    PersonRole,
)
from storage.uow import UnitOfWork

PAIRING_ENDED_KIND = "pairing_ended"
_OPEN = (PairingState.PROPOSED, PairingState.ACTIVE)


def pair_people(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    first_user_id: str,
    second_user_id: str,
    override: bool,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
    cohort_id: int | None = None,
) -> PairOutcome | PairCheck:
    """Pair two people of the current cohort (in either order), or say which rules it would break.

    Returns a PairCheck, changing nothing, when the pair breaks a hard rule and `override`
    is False. Raises PairingRequestError when it cannot be done at all (not in the cohort,
    same role, already paired, no room left). `cohort_id` comes from a "Pair anyway" button.
    """
    if first_user_id == second_user_id:
        raise PairingRequestError("Name two different people: an employee and an executive.")
    with uow:
        cohort = cohort_for_matching(uow, team_id=team_id, lock=True)
        if cohort_id is not None and cohort.id != cohort_id:
            raise PairingRequestError("This button belongs to an earlier cohort, so I paired nobody.")
        inputs = gather_inputs(uow, cohort=cohort)
        first = _participant(uow, cohort=cohort, inputs=inputs, user_id=first_user_id)
        second = _participant(uow, cohort=cohort, inputs=inputs, user_id=second_user_id)
        if first.role == second.role:
            raise PairingRequestError(
                f"<@{first.user_id}> and <@{second.user_id}> are both {first.role}s in "
                f"*{escape(cohort.name)}*; a pair is one employee and one executive."
            )
        employee, executive = (first, second) if first.role == PersonRole.EMPLOYEE else (second, first)
        for pairing in uow.pairings.of_person(
            cohort_id=cohort.id, person_id=employee.person_id, states=_OPEN
        ):
            if pairing.executive_id == executive.person_id:
                where = "live" if pairing.state == PairingState.ACTIVE else "in the preview"
                raise PairingRequestError(
                    f"<@{employee.user_id}> and <@{executive.user_id}> are already paired ({where})."
                )
        for participant in (employee, executive):
            if participant.fixed >= participant.capacity:
                raise PairingRequestError(
                    f"<@{participant.user_id}> already has {participant.fixed} partner(s), the most they can "
                    f"have in *{escape(cohort.name)}*. Free a place first with "
                    f"`/mentor-admin unpair @{participant.user_id}`."
                    if participant.capacity
                    else f"<@{participant.user_id}> asked for no partner this round."
                )
        violations = _violations(inputs, employee=employee, executive=executive)
        if violations and not override:
            return PairCheck(
                cohort_id=cohort.id,
                employee_user_id=employee.user_id,
                executive_user_id=executive.user_id,
                violations=violations,
            )
        run = uow.pairings.open_run(cohort_id=cohort.id, for_update=True)
        displaced = _make_room(uow, cohort=cohort, inputs=inputs, people=(employee, executive))
        explained = matching.explain_pair(_as_person(employee), _as_person(executive), 0, inputs.skill_names)
        score = matching.PRIMARY_WEIGHT * len(explained.employee_shares) + matching.SECONDARY_WEIGHT * len(
            explained.executive_shares
        )
        live = cohort.state == CohortState.ACTIVE
        pairing = uow.pairings.add(
            team_id=team_id,
            cohort_id=cohort.id,
            employee_id=employee.person_id,
            executive_id=executive.person_id,
            score=float(score),
            reasons=[explained.reasons] if explained.reasons else [],
            employee_skill_ids=list(explained.employee_shares),
            executive_skill_ids=list(explained.executive_shares),
            state=PairingState.PROPOSED,
            source=PairingSource.MANUAL,
            match_run_id=run.id if run else None,
            at=now,
        )
        if live:
            uow.enrollments.mark_matched(
                cohort_id=cohort.id, person_ids=[employee.person_id, executive.person_id]
            )
            keys = {s.id: s.key for s in uow.skills.find_all(team_id=team_id, include_retired=True)}
            make_live(
                uow,
                cohort=cohort,
                pairing=pairing,
                inputs=inputs,
                skill_keys=keys,
                now=now,
                window=window,
                default_timezone=default_timezone,
            )
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="pairing.pair",
            target=f"cohort:{cohort.id}",
            details={
                "pairing_id": pairing.id,
                "employee": employee.user_id,
                "executive": executive.user_id,
                "live": live,
                "overridden": list(violations),
                "displaced": list(displaced),
            },
            at=now,
        )
        preview = None
        if run is not None:
            _update_unmatched(
                run,
                remove={employee.user_id, executive.user_id},
                add=[
                    _freed_line(
                        inputs.participants[user_id],
                        reason="partner re-paired",
                        explanation="Their proposed partner was paired with someone else by an admin; "
                        "Re-run to find them another partner.",
                    )
                    for user_id in displaced
                ],
            )
            fresh = gather_inputs(uow, cohort=cohort)
            refresh_run(uow, run=run, inputs=fresh)
            preview = load_preview(uow, cohort=cohort, run=run, inputs=fresh)
        uow.commit()
        return PairOutcome(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            employee_user_id=employee.user_id,
            executive_user_id=executive.user_id,
            live=live,
            overridden=violations if override else (),
            no_shared_skill=score == 0,
            displaced=displaced,
            preview=preview,
        )


def unpair_person(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    user_id: str,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
    pairing_id: int | None = None,
) -> UnpairOutcome:
    """End the person's pairings in the current cohort, or drop them from the preview.

    Live pairings end and both members are told kindly.
    The two are not paired together again in this cohort. `pairing_id` limits it to one
    pairing (a slipping-pair alert's button). Raises PairingRequestError when the person is
    not in the cohort or has no partner.
    """
    with uow:
        cohort = cohort_for_matching(uow, team_id=team_id, lock=True)
        person = uow.people.find(team_id=team_id, user_id=user_id)
        enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if person else None
        if person is None or enrollment is None:
            raise PairingRequestError(f"<@{user_id}> is not taking part in *{escape(cohort.name)}*.")
        pairings = [
            p
            for p in uow.pairings.of_person(
                cohort_id=cohort.id, person_id=person.id, states=_OPEN, for_update=True
            )
            if pairing_id is None or p.id == pairing_id
        ]
        if not pairings:
            raise PairingRequestError(
                f"<@{user_id}> has no partner in *{escape(cohort.name)}*, live or in the preview, "
                "so there is nothing to unpair."
            )
        partner_ids = [p.executive_id if p.employee_id == person.id else p.employee_id for p in pairings]
        people = uow.privacy.people_by_id(team_id=team_id, person_ids=[person.id, *partner_ids])
        live = False
        for pairing in pairings:
            was_live = pairing.state == PairingState.ACTIVE
            live = live or was_live
            pairing.state = PairingState.ENDED
            pairing.ended_at = now
            pairing.end_reason = "unpaired by an admin"
            cancel(uow, team_id=team_id, key_prefix=f"pairing:{pairing.id}:", at=now)
            if not was_live:
                continue
            for member_id in (pairing.employee_id, pairing.executive_id):
                member = people.get(member_id)
                other = people.get(
                    pairing.executive_id if member_id == pairing.employee_id else pairing.employee_id
                )
                if member is None or other is None or not member.active:
                    continue
                enqueue(
                    uow,
                    team_id=team_id,
                    recipient=member.user_id,
                    kind=PAIRING_ENDED_KIND,
                    dedupe_key=f"pairing:{pairing.id}:ended:{member.user_id}",
                    due_at=next_allowed_time(
                        at=now, zone=resolve_zone(member.tz, default=default_timezone), window=window
                    ),
                    **pairing_ended_message(cohort_name=cohort.name, partner_user_id=other.user_id),
                )
        for member_id in {person.id, *partner_ids}:
            _back_to_waiting(uow, cohort=cohort, person_id=member_id)
        partner_user_ids = tuple(people[i].user_id for i in partner_ids if i in people)
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="pairing.unpair",
            target=f"cohort:{cohort.id}",
            details={"user_id": user_id, "partners": list(partner_user_ids), "live": live},
            at=now,
        )
        preview = None
        run = uow.pairings.open_run(cohort_id=cohort.id, for_update=True)
        if run is not None:
            fresh = gather_inputs(uow, cohort=cohort)
            freed = [
                _freed_line(
                    fresh.participants[member],
                    reason="unpaired",
                    explanation="Unpaired by an admin; Re-run to find them another partner.",
                )
                for member in (user_id, *partner_user_ids)
                if member in fresh.participants and fresh.participants[member].fixed == 0
            ]
            _update_unmatched(run, remove=set(), add=freed)
            refresh_run(uow, run=run, inputs=fresh)
            preview = load_preview(uow, cohort=cohort, run=run, inputs=fresh)
        uow.commit()
        return UnpairOutcome(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            user_id=user_id,
            partner_user_ids=partner_user_ids,
            live=live,
            preview=preview,
        )


def _participant(uow: UnitOfWork, *, cohort: Cohort, inputs: MatchInputs, user_id: str) -> Participant:
    """The person as a matching participant, or a refusal saying why they cannot be paired."""
    found = inputs.participants.get(user_id)
    if found is not None:
        return found
    name = escape(cohort.name)
    person = uow.people.find(team_id=cohort.team_id, user_id=user_id)
    enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if person else None
    if person is None or enrollment is None:
        raise PairingRequestError(f"<@{user_id}> is not taking part in *{name}*.")
    if enrollment.state == EnrollmentState.LEFT:
        raise PairingRequestError(f"<@{user_id}> has left *{name}*.")
    if not person.active:
        raise PairingRequestError(f"<@{user_id}>'s Slack account is deactivated.")
    raise PairingRequestError(
        f"<@{user_id}> has not answered the survey of *{name}* yet, so there is nothing to pair them on."
    )


def _violations(inputs: MatchInputs, *, employee: Participant, executive: Participant) -> tuple[str, ...]:
    """The hard rules this pair breaks, in plain words."""
    found: list[str] = []
    masks = matching.forbidden_by_rule(
        employees=[_as_person(employee)],
        executives=[_as_person(executive)],
        previous_partners=inputs.earlier_partners,
        excluded_pairs=inputs.excluded_pairs,
        rules=matching.MatchingRules(allow_same_department=inputs.allow_same_department),
    )
    if masks[matching.Rule.SAME_DEPARTMENT][0, 0]:
        found.append(f"both are in the same department ({escape(employee.department or '')})")
    if masks[matching.Rule.REPORTING_LINE][0, 0]:
        found.append("they are in the same reporting line")
    if masks[matching.Rule.PREVIOUS_PARTNER][0, 0]:
        found.append("they were partners in an earlier cohort")
    if masks[matching.Rule.EXCLUDED_PAIR][0, 0]:
        found.append("an admin unpaired them earlier in this cohort")
    for participant in (employee, executive):
        if participant.paused:
            found.append(f"<@{participant.user_id}> is taking a break (paused)")
        elif not participant.available:
            found.append(f"Slack does not let me DM <@{participant.user_id}>")
    return tuple(found)


def _as_person(participant: Participant) -> matching.Person:
    return matching.Person(
        id=participant.user_id,
        shares=frozenset(participant.share),
        learns=frozenset(participant.learn),
        department=" ".join((participant.department or "").split()).casefold() or None,
        manager_id=participant.manager_user_id,
        capacity=1,
        name=participant.name,
    )


def _make_room(
    uow: UnitOfWork, *, cohort: Cohort, inputs: MatchInputs, people: tuple[Participant, ...]
) -> tuple[str, ...]:
    """Drop the optimiser's proposals that would overfill the two people; their other members are freed."""
    freed: list[str] = []
    for participant in people:
        proposals = sorted(
            (
                p
                for p in uow.pairings.of_person(
                    cohort_id=cohort.id, person_id=participant.person_id, states=(PairingState.PROPOSED,)
                )
                if p.source == PairingSource.AUTO
            ),
            key=lambda p: (p.score, -p.id),
        )
        excess = participant.fixed + len(proposals) + 1 - participant.capacity
        for pairing in proposals[: max(excess, 0)]:
            other_id = (
                pairing.executive_id if pairing.employee_id == participant.person_id else pairing.employee_id
            )
            other = next((p for p in inputs.participants.values() if p.person_id == other_id), None)
            uow.pairings.delete(pairing=pairing)
            if other is not None and other.user_id not in {p.user_id for p in people}:
                freed.append(other.user_id)
    return tuple(dict.fromkeys(freed))


def _back_to_waiting(uow: UnitOfWork, *, cohort: Cohort, person_id: int) -> None:
    """Someone left without a live partner waits for the next match (a break stays a break)."""
    if uow.pairings.of_person(cohort_id=cohort.id, person_id=person_id, states=(PairingState.ACTIVE,)):
        return
    enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person_id)
    if enrollment is not None and enrollment.state == EnrollmentState.MATCHED:
        enrollment.state = EnrollmentState.SURVEYED


def _freed_line(participant: Participant, *, reason: str, explanation: str) -> UnmatchedLine:
    return UnmatchedLine(
        user_id=participant.user_id,
        name=participant.name,
        role=str(participant.role),
        reason=reason,
        explanation=f"{participant.name}: {explanation}",
    )


def _update_unmatched(run: MatchRun, *, remove: set[str], add: list[UnmatchedLine]) -> None:
    """Rewrite the preview's unmatched list (a new dict, so the JSON column is saved)."""
    added = {line.user_id for line in add}
    kept = [e for e in run.details.get("unmatched", []) if e["user_id"] not in remove | added]
    kept.extend(
        {
            "user_id": line.user_id,
            "name": line.name,
            "role": line.role,
            "reason": line.reason,
            "explanation": line.explanation,
        }
        for line in add
    )
    run.details = {**run.details, "unmatched": kept}


@dataclass(frozen=True, kw_only=True)
class RemoveOutcome:
    """What `remove` did."""

    cohort_name: str
    user_id: str
    partner_user_ids: tuple[str, ...]
    cancelled: int


def remove_participant(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    user_id: str,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> RemoveOutcome:
    """Take someone out of the current cohort: their pairings end, each live partner is told
    kindly (no reason), and every message still waiting for them is cancelled. Audited.

    Their answers are kept (an admin is not the person: deleting data is the person's own
    choice with `/mentor leave`). PairingRequestError when they are not in the cohort or left.
    """
    with uow:
        current = uow.cohorts.current(team_id=team_id)
        if current is None:
            raise NoCohortError()
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=current.id, for_update=True) or current
        person = uow.people.find(team_id=team_id, user_id=user_id)
        enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if person else None
        if person is None or enrollment is None:
            raise PairingRequestError(f"<@{user_id}> is not taking part in *{escape(cohort.name)}*.")
        if enrollment.state == EnrollmentState.LEFT:
            raise PairingRequestError(f"<@{user_id}> has already left *{escape(cohort.name)}*.")
        enrollment.state = EnrollmentState.LEFT
        enrollment.left_at = now
        person.paused_until_date = None
        pairings = uow.pairings.of_person(
            cohort_id=cohort.id, person_id=person.id, states=_OPEN, for_update=True
        )
        partner_ids = [p.executive_id if p.employee_id == person.id else p.employee_id for p in pairings]
        partners = uow.privacy.people_by_id(team_id=team_id, person_ids=partner_ids)
        cancelled = cancel(uow, team_id=team_id, recipient=user_id, at=now)
        told: list[str] = []
        for pairing, partner_id in zip(pairings, partner_ids, strict=True):
            was_live = pairing.state == PairingState.ACTIVE
            pairing.state = PairingState.ENDED
            pairing.ended_at = now
            pairing.end_reason = "removed by an admin"
            cancelled += cancel(uow, team_id=team_id, key_prefix=f"pairing:{pairing.id}:", at=now)
            partner = partners.get(partner_id)
            if partner is None:
                continue
            _back_to_waiting(uow, cohort=cohort, person_id=partner.id)
            if was_live and partner.active:
                enqueue(
                    uow,
                    team_id=team_id,
                    recipient=partner.user_id,
                    kind=PAIRING_ENDED_KIND,
                    dedupe_key=f"pairing:{pairing.id}:removed:{partner.user_id}",
                    due_at=next_allowed_time(
                        at=now, zone=resolve_zone(partner.tz, default=default_timezone), window=window
                    ),
                    **partner_left_message(cohort_name=cohort.name, leaver_user_id=user_id),
                )
                told.append(partner.user_id)
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="participant.remove",
            target=f"cohort:{cohort.id}",
            details={"user_id": user_id, "partners_told": told},
            at=now,
        )
        uow.commit()
        return RemoveOutcome(
            cohort_name=cohort.name, user_id=user_id, partner_user_ids=tuple(told), cancelled=cancelled
        )
