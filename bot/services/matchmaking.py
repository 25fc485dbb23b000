"""`/mentor-admin match`: compute the optimal pairing as a preview, then make it live on Confirm.

A preview is a `match_run` row plus the proposed pairings it stores; nothing is sent and
nobody is told until an admin confirms. Confirm gathers the inputs again and refuses a
preview that no longer describes the cohort (answers changed, someone joined, paused or
left, the rules changed, a newer preview replaced it). Confirming makes the pairs active,
queues one intro group DM per pair and a kind note to each unmatched person through the
outbox, and moves the cohort from enrolling to active, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime

from bot import matching
from bot.delivery.outbox import enqueue
from bot.errors import (
    MatchingNotOpenError,
    NoCohortError,
    NoPairsToConfirmError,
    NothingToMatchError,
    PreviewGoneError,
    StalePreviewError,
)
from bot.local_time import SendWindow, next_allowed_time, next_time_allowed_for_all, resolve_zone
from bot.match_records import (
    IntroDetails,
    MatchConfirmation,
    MatchPreview,
    PairLine,
    Staleness,
    UnmatchedLine,
)
from bot.services.cohorts import move_cohort_state
from bot.services.match_inputs import MatchInputs, Participant, display_name, gather_inputs, staleness
from bot.views.intros import intro_message, unmatched_message
from storage.models import (
    Cohort,
    CohortState,
    MatchRun,
    MatchRunState,
    Pairing,
    PairingSource,
    PairingState,
    PersonRole,
)
from storage.uow import UnitOfWork

INTRO_KIND = "intro"
UNMATCHED_KIND = "unmatched"
MATCHING_STATES = frozenset({CohortState.ENROLLING, CohortState.ACTIVE})
# Nobody is told "no partner this round" for being paused: they asked for the break.
_NOT_TOLD = frozenset({str(matching.UnmatchedReason.UNAVAILABLE)})


def run_matching(
    *, uow: UnitOfWork, team_id: str, actor_user_id: str, now: datetime, seed: int | None = None
) -> MatchPreview:
    """Compute the best pairing of the current cohort and store it as the preview to confirm.

    Pairs already live, and pairs an admin made by hand in the preview, are kept; everyone
    else with room for a partner is matched around them. Replaces any earlier preview.
    """
    with uow:
        cohort = cohort_for_matching(uow, team_id=team_id, lock=True)
        inputs = gather_inputs(uow, cohort=cohort)
        employees, executives = inputs.to_match()
        waiting_employees = sum(1 for p in employees if p.available and p.capacity)
        waiting_executives = sum(1 for p in executives if p.available and p.capacity)
        if not waiting_employees or not waiting_executives:
            raise NothingToMatchError(
                name=cohort.name, employees=waiting_employees, executives=waiting_executives
            )
        result = matching.match(
            employees=employees,
            executives=executives,
            previous_partners=inputs.earlier_partners,
            excluded_pairs=inputs.excluded_pairs,
            rules=matching.MatchingRules(allow_same_department=inputs.allow_same_department),
            skill_names=inputs.skill_names,
            seed=seed,
        )
        uow.pairings.delete_proposed(cohort_id=cohort.id, source=PairingSource.AUTO)
        run = uow.pairings.add_run(
            team_id=team_id,
            cohort_id=cohort.id,
            fingerprint=inputs.fingerprint(),
            inputs=inputs.snapshot(),
            details={
                "unmatched": [_unmatched_entry(inputs, u) for u in result.unmatched],
                "awaiting_survey": list(inputs.awaiting_survey),
                "participants": len(inputs.participants),
                "executives": inputs.participating_executives(),
            },
            created_by_user_id=actor_user_id,
            at=now,
        )
        people = inputs.participants
        uow.pairings.add_proposed(
            rows=(
                {
                    "team_id": team_id,
                    "cohort_id": cohort.id,
                    "employee_id": people[pair.employee_id].person_id,
                    "executive_id": people[pair.executive_id].person_id,
                    "score": float(pair.score),
                    "reasons": [pair.reasons],
                    "employee_skill_ids": list(pair.employee_shares),
                    "executive_skill_ids": list(pair.executive_shares),
                    "state": PairingState.PROPOSED,
                    "source": PairingSource.AUTO,
                    "match_run_id": run.id,
                    "created_at": now,
                }
                for pair in result.pairs
            )
        )
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="matching.preview",
            target=f"cohort:{cohort.id}",
            details={"run_id": run.id, "pairs": len(result.pairs), "unmatched": len(result.unmatched)},
            at=now,
        )
        preview = load_preview(uow, cohort=cohort, run=run, inputs=inputs)
        uow.commit()
        return preview


def confirm_matching(
    *,
    uow: UnitOfWork,
    team_id: str,
    actor_user_id: str,
    run_id: int,
    revision: int,
    now: datetime,
    window: SendWindow,
    default_timezone: str,
) -> MatchConfirmation:
    """Make the preview live: pairs active, intros and unmatched notes queued, cohort active.

    Raises StalePreviewError (with what changed) for a preview that is not the current one
    or no longer matches the cohort, NoPairsToConfirmError for an empty one.
    """
    with uow:
        cohort = cohort_for_matching(uow, team_id=team_id, lock=True)
        run = uow.pairings.get_run(team_id=team_id, run_id=run_id, for_update=True)
        if run is None or run.cohort_id != cohort.id:
            raise PreviewGoneError()
        if run.state != MatchRunState.PREVIEW or run.revision != revision:
            raise StalePreviewError(
                staleness=Staleness(
                    superseded=run.state == MatchRunState.SUPERSEDED,
                    confirmed=run.state == MatchRunState.CONFIRMED,
                    adjusted=run.state == MatchRunState.PREVIEW,
                ),
                run_id=run.id,
                revision=run.revision,
            )
        inputs = gather_inputs(uow, cohort=cohort)
        if inputs.fingerprint() != run.fingerprint:
            raise StalePreviewError(
                staleness=staleness(stored=run.inputs, current=inputs), run_id=run.id, revision=run.revision
            )
        proposed = uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.PROPOSED,))
        if not proposed:
            raise NoPairsToConfirmError()
        # Held for the whole loop: the session's identity map keeps it only while referenced,
        # and every enqueue makes sure the workspace exists.
        workspace = uow.workspaces.ensure(team_id=team_id)
        by_person = {p.person_id: p for p in inputs.participants.values()}
        uow.enrollments.mark_matched(
            cohort_id=cohort.id,
            person_ids=sorted({i for p in proposed for i in (p.employee_id, p.executive_id)}),
        )
        keys = {skill.id: skill.key for skill in uow.skills.find_all(team_id=team_id, include_retired=True)}
        intros = 0
        for pairing in proposed:
            intros += make_live(
                uow,
                cohort=cohort,
                pairing=pairing,
                inputs=inputs,
                skill_keys=keys,
                now=now,
                window=window,
                default_timezone=default_timezone,
                by_person=by_person,
            )
        told = 0
        for entry in run.details.get("unmatched", []):
            participant = inputs.participants.get(entry["user_id"])
            if participant is None or entry.get("reason") in _NOT_TOLD or not participant.available:
                continue
            told += enqueue(
                uow,
                team_id=team_id,
                recipient=participant.user_id,
                kind=UNMATCHED_KIND,
                dedupe_key=f"unmatched:{cohort.id}:{participant.user_id}",
                due_at=next_allowed_time(
                    at=now, zone=resolve_zone(participant.tz, default=default_timezone), window=window
                ),
                **unmatched_message(cohort_name=cohort.name, role=str(participant.role)),
            )
        run.state = MatchRunState.CONFIRMED
        run.confirmed_at = now
        run.confirmed_by_user_id = actor_user_id
        activated = cohort.state == CohortState.ENROLLING
        if activated:
            move_cohort_state(
                uow, cohort=cohort, actor_user_id=actor_user_id, to_state=CohortState.ACTIVE, now=now
            )
        uow.audit.record(
            team_id=team_id,
            actor_user_id=actor_user_id,
            action="matching.confirm",
            target=f"cohort:{cohort.id}",
            details={"run_id": run.id, "pairs": len(proposed), "intros": intros, "unmatched_told": told},
            at=now,
        )
        uow.commit()
        del workspace
        return MatchConfirmation(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            pairs=len(proposed),
            intros_queued=intros,
            unmatched_told=told,
            cohort_activated=activated,
        )


def make_live(
    uow: UnitOfWork,
    *,
    cohort: Cohort,
    pairing: Pairing,
    inputs: MatchInputs,
    skill_keys: Mapping[int, str],
    now: datetime,
    window: SendWindow,
    default_timezone: str,
    by_person: Mapping[int, Participant] | None = None,
) -> int:
    """Activate one pairing and queue its intro; 1 if an intro was queued.

    The caller marks the members' enrollments matched (in one statement for a whole preview).
    """
    pairing.state = PairingState.ACTIVE
    pairing.confirmed_at = now
    by_person = by_person or {p.person_id: p for p in inputs.participants.values()}
    employee = by_person[pairing.employee_id]
    executive = by_person[pairing.executive_id]
    names = inputs.skill_names
    details = IntroDetails(
        pairing_id=pairing.id,
        cohort_name=cohort.name,
        employee_user_id=employee.user_id,
        executive_user_id=executive.user_id,
        employee_shares=tuple(names.get(s, "?") for s in pairing.employee_skill_ids),
        executive_shares=tuple(names.get(s, "?") for s in pairing.executive_skill_ids),
        employee_skill_keys=tuple(skill_keys.get(s, "") for s in pairing.employee_skill_ids),
        executive_skill_keys=tuple(skill_keys.get(s, "") for s in pairing.executive_skill_ids),
        cadence_weeks=cohort.cadence_weeks,
        weeks=cohort.weeks,
        start_date=cohort.start_date,
        employee_meeting_format=employee.meeting_format,
        executive_meeting_format=executive.meeting_format,
    )
    zones = [resolve_zone(p.tz, default=default_timezone) for p in (employee, executive)]
    return int(
        enqueue(
            uow,
            team_id=cohort.team_id,
            recipient=[details.employee_user_id, details.executive_user_id],
            kind=INTRO_KIND,
            dedupe_key=f"pairing:{pairing.id}:intro",
            due_at=next_time_allowed_for_all(at=now, zones=zones, window=window),
            **intro_message(details),
        )
    )


def cohort_for_matching(uow: UnitOfWork, *, team_id: str, lock: bool) -> Cohort:
    """The current cohort if pairs can be made in it (enrolling or active); locked when asked."""
    cohort = uow.cohorts.current(team_id=team_id)
    if cohort is None:
        raise NoCohortError()
    if lock:
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort.id, for_update=True) or cohort
    if cohort.state not in MATCHING_STATES:
        raise MatchingNotOpenError(name=cohort.name)
    return cohort


def load_preview(uow: UnitOfWork, *, cohort: Cohort, run: MatchRun, inputs: MatchInputs) -> MatchPreview:
    """The preview as stored: the proposed pairings of the cohort and the run's other findings."""
    proposed = uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.PROPOSED,))
    live = uow.pairings.in_cohort(cohort_id=cohort.id, states=(PairingState.ACTIVE,))
    people = uow.privacy.people_by_id(
        team_id=cohort.team_id, person_ids={i for p in proposed for i in (p.employee_id, p.executive_id)}
    )
    names = inputs.skill_names
    lines = sorted(
        (
            PairLine(
                pairing_id=pairing.id,
                employee_user_id=people[pairing.employee_id].user_id,
                executive_user_id=people[pairing.executive_id].user_id,
                employee_name=display_name(people[pairing.employee_id]),
                executive_name=display_name(people[pairing.executive_id]),
                score=pairing.score,
                employee_shares=tuple(names.get(s, "?") for s in pairing.employee_skill_ids),
                executive_shares=tuple(names.get(s, "?") for s in pairing.executive_skill_ids),
                manual=pairing.source == PairingSource.MANUAL,
            )
            for pairing in proposed
        ),
        key=lambda line: (line.executive_name.casefold(), line.employee_name.casefold(), line.pairing_id),
    )
    served = {p.executive_id for p in (*proposed, *live) if p.employee_skill_ids}
    executives = int(run.details.get("executives") or 0)
    return MatchPreview(
        run_id=run.id,
        revision=run.revision,
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        computed_at=run.created_at,
        pairs=tuple(lines),
        live_pairs=len(live),
        unmatched=tuple(UnmatchedLine(**entry) for entry in run.details.get("unmatched", [])),
        awaiting_survey=tuple(run.details.get("awaiting_survey", [])),
        participants=int(run.details.get("participants") or 0),
        executives_with_wanted_skill=min(len(served) / executives, 1.0) if executives else 0.0,
        average_score=sum(p.score for p in proposed) / len(proposed) if proposed else 0.0,
    )


def refresh_run(uow: UnitOfWork, *, run: MatchRun, inputs: MatchInputs) -> None:
    """After a `pair` / `unpair` changed the preview: new revision, inputs as they are now."""
    run.revision += 1
    run.fingerprint = inputs.fingerprint()
    run.inputs = inputs.snapshot()


def _unmatched_entry(inputs: MatchInputs, unmatched: matching.Unmatched) -> dict[str, str]:
    participant = inputs.participants[unmatched.person_id]
    line = UnmatchedLine(
        user_id=unmatched.person_id,
        name=participant.name,
        role=str(PersonRole(participant.role)),
        reason=str(unmatched.reason),
        explanation=(
            f"{participant.name} is taking a break (paused)." if participant.paused else unmatched.explanation
        ),
    )
    return asdict(line)
