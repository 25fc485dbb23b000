"""Enrolment: opening the survey for the right person, and saving their answers.

Who sees which survey: someone the admins invited as an executive gets the executive
survey (wherever they clicked), everyone else the employee survey; one person has one
role in a cohort. The survey can be answered while the cohort is enrolling (invited
executives may already answer while it is a draft) and edited until pairs are made. Every
rule is checked again when the answers arrive, because a modal can stay open for hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import (
    CannotJoinError,
    EnrolmentNotOpenError,
    LeftProgramError,
    NothingToJoinError,
    SurveyAnswersError,
    SurveyGoneError,
    SurveyLockedError,
    SurveyRoleChangedError,
)
from bot.services.people import sync_person
from bot.services.skills import SkillCatalogue, list_skills
from bot.skills import EMPLOYEE, EXECUTIVE
from bot.slack_gateway import SlackUser
from bot.survey import (
    OfferedSkillIds,
    SkillChoice,
    SurveyAnswers,
    SurveySummary,
    answer_problems,
)
from storage.models import (
    Cohort,
    CohortState,
    Enrollment,
    EnrollmentState,
    MeetingFormat,
    PersonRole,
    SkillDirection,
)
from storage.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class SurveyForm:
    """The survey one person should see, and the rules their answers must follow."""

    cohort_id: int
    cohort_name: str
    role: str
    share_options: tuple[SkillChoice, ...]
    learn_options: tuple[SkillChoice, ...]
    saved: SurveyAnswers | None
    max_capacity: int | None

    @property
    def editing(self) -> bool:
        """They answered before: the modal shows their answers to change."""
        return self.saved is not None

    @property
    def offered_skill_ids(self) -> OfferedSkillIds:
        return OfferedSkillIds(
            share=frozenset(choice.id for choice in self.share_options),
            learn=frozenset(choice.id for choice in self.learn_options),
        )


def open_survey(*, uow: UnitOfWork, team_id: str, user_id: str, cohort_id: int | None = None) -> SurveyForm:
    """The survey to show `user_id`, with their saved answers if they have answered already.

    `cohort_id` comes from a button (Join, an invitation, Edit my answers); a button of a
    cohort that is no longer current raises SurveyGoneError. Raises a friendly
    UserFacingError when the person cannot answer now (no cohort, a draft, pairs made, left).
    """
    return _survey_form(uow=uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id, role=None)


def survey_for_submission(
    *, uow: UnitOfWork, team_id: str, user_id: str, cohort_id: int, role: str
) -> SurveyForm:
    """The rules a submitted survey is read with: the same checks as opening it, for the form's role.

    The role in the form must still be the person's role in the cohort (an admin may have
    invited them as an executive meanwhile): SurveyRoleChangedError otherwise.
    """
    return _survey_form(uow=uow, team_id=team_id, user_id=user_id, cohort_id=cohort_id, role=role)


def submit_survey(
    *,
    uow: UnitOfWork,
    user: SlackUser,
    team_id: str,
    cohort_id: int,
    role: str,
    answers: SurveyAnswers,
    now: datetime | None = None,
) -> SurveySummary:
    """Save the answers: enrol the person (or update their enrollment) and store their skills.

    `user` is the person's profile fresh from Slack (`users.info`), so their name and time
    zone are refreshed. Everything is checked again under a lock on the cohort row, so a
    form submitted after pairs were made, for another cohort, or with a skill retired
    meanwhile saves nothing (SurveyLockedError, SurveyGoneError, SurveyAnswersError...).
    """
    now = now or datetime.now(UTC)
    if user.is_bot or user.deleted:
        raise CannotJoinError()
    catalogue = list_skills(uow=uow, team_id=team_id)
    with uow:
        cohort = uow.cohorts.get(team_id=team_id, cohort_id=cohort_id, for_update=True)
        current = uow.cohorts.current(team_id=team_id)
        if cohort is None or current is None or current.id != cohort.id:
            raise SurveyGoneError(submitted=True)
        person = sync_person(uow, team_id=team_id, user=user)
        enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id)
        _require_answerable(cohort, enrollment)
        _require_role(enrollment, role)
        saved_ids = uow.enrollments.skill_ids(enrollment_id=enrollment.id) if enrollment else {}
        share, learn = _choices(catalogue, role=role, saved_ids=saved_ids)
        problems = answer_problems(
            answers,
            role=role,
            offered_skill_ids=OfferedSkillIds(
                share=frozenset(choice.id for choice in share), learn=frozenset(choice.id for choice in learn)
            ),
            max_capacity=_max_capacity(cohort, role=role),
        )
        if problems:
            raise SurveyAnswersError(problems)
        updated = enrollment is not None and enrollment.surveyed_at is not None
        if enrollment is None:
            enrollment = uow.enrollments.add(
                team_id=team_id,
                cohort_id=cohort.id,
                person_id=person.id,
                role=PersonRole(role),
                state=EnrollmentState.SURVEYED,
                at=now,
            )
            # A concurrent request may have enrolled them first, perhaps differently.
            _require_answerable(cohort, enrollment)
            _require_role(enrollment, role)
        if enrollment.state != EnrollmentState.PAUSED:
            enrollment.state = EnrollmentState.SURVEYED
        enrollment.department = answers.department
        enrollment.goals = answers.goals
        enrollment.meeting_format = MeetingFormat(answers.meeting_format)
        enrollment.capacity = answers.capacity
        # Answering the survey is the person's consent to take part; the first answer dates it.
        enrollment.consent_at = enrollment.consent_at or now
        enrollment.surveyed_at = now
        person.department = answers.department
        uow.enrollments.replace_skills(
            team_id=team_id,
            enrollment_id=enrollment.id,
            share=list(answers.skills_share),
            learn=list(answers.skills_learn),
        )
        uow.commit()
        names = {skill.id: skill.name for skill in catalogue.skills}
        return SurveySummary(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            role=role,
            share_names=tuple(names.get(skill_id, "?") for skill_id in answers.skills_share),
            learn_names=tuple(names.get(skill_id, "?") for skill_id in answers.skills_learn),
            department=answers.department,
            goals=answers.goals,
            meeting_format=answers.meeting_format,
            capacity=answers.capacity,
            updated=updated,
            paused=enrollment.state == EnrollmentState.PAUSED,
        )


def _survey_form(
    *, uow: UnitOfWork, team_id: str, user_id: str, cohort_id: int | None, role: str | None
) -> SurveyForm:
    # Listing the skills seeds a new workspace's defaults: its own short transaction.
    catalogue = list_skills(uow=uow, team_id=team_id)
    with uow:
        cohort = uow.cohorts.current(team_id=team_id)
        if cohort_id is not None and (cohort is None or cohort.id != cohort_id):
            raise SurveyGoneError(submitted=role is not None)
        if cohort is None:
            raise NothingToJoinError()
        person = uow.people.find(team_id=team_id, user_id=user_id)
        enrollment = uow.enrollments.find(cohort_id=cohort.id, person_id=person.id) if person else None
        _require_answerable(cohort, enrollment)
        if role is not None:
            _require_role(enrollment, role)
        form_role = str(enrollment.role) if enrollment else EMPLOYEE
        saved_ids = uow.enrollments.skill_ids(enrollment_id=enrollment.id) if enrollment else {}
        share, learn = _choices(catalogue, role=form_role, saved_ids=saved_ids)
        saved = _saved_answers(enrollment, saved_ids) if enrollment else None
        return SurveyForm(
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            role=form_role,
            share_options=share,
            learn_options=learn,
            saved=saved,
            max_capacity=_max_capacity(cohort, role=form_role),
        )


def _require_answerable(cohort: Cohort, enrollment: Enrollment | None) -> None:
    """Refuse, with the reason, anyone who cannot answer the survey of this cohort now."""
    if enrollment is not None and enrollment.state == EnrollmentState.LEFT:
        raise LeftProgramError(name=cohort.name)
    if cohort.state in (CohortState.ACTIVE, CohortState.CLOSED):
        raise SurveyLockedError(name=cohort.name)
    if enrollment is not None and enrollment.state == EnrollmentState.MATCHED:
        raise SurveyLockedError(name=cohort.name)
    invited_executive = enrollment is not None and enrollment.role == PersonRole.EXECUTIVE
    if cohort.state == CohortState.DRAFT and not invited_executive:
        raise EnrolmentNotOpenError(name=cohort.name)


def _require_role(enrollment: Enrollment | None, role: str) -> None:
    """One role per person per cohort: the form's role must be the one they hold (employee if none)."""
    holds = str(enrollment.role) if enrollment is not None else EMPLOYEE
    if role != holds:
        raise SurveyRoleChangedError()


def _choices(
    catalogue: SkillCatalogue, *, role: str, saved_ids: Mapping[SkillDirection, list[int]]
) -> tuple[tuple[SkillChoice, ...], tuple[SkillChoice, ...]]:
    """The skills offered to share and to learn, in survey order.

    Each side shares its own skills and learns the other side's. A skill the person chose
    before it was retired stays on their list, so editing never silently drops an answer.
    """
    share_side = EXECUTIVE if role == EXECUTIVE else EMPLOYEE
    learn_side = EMPLOYEE if share_side == EXECUTIVE else EXECUTIVE

    def offered(side: str, kept: list[int]) -> tuple[SkillChoice, ...]:
        return tuple(
            SkillChoice(id=skill.id, name=skill.name)
            for skill in catalogue.skills
            if (not skill.retired and skill.offered_by == side) or skill.id in kept
        )

    return (
        offered(share_side, saved_ids.get(SkillDirection.SHARE, [])),
        offered(learn_side, saved_ids.get(SkillDirection.LEARN, [])),
    )


def _saved_answers(
    enrollment: Enrollment, saved_ids: Mapping[SkillDirection, list[int]]
) -> SurveyAnswers | None:
    """The answers to pre-fill, or None if the person has not answered yet (an invited executive)."""
    if enrollment.surveyed_at is None:
        return None
    return SurveyAnswers(
        skills_share=tuple(saved_ids.get(SkillDirection.SHARE, [])),
        skills_learn=tuple(saved_ids.get(SkillDirection.LEARN, [])),
        department=enrollment.department or "",
        goals=enrollment.goals,
        meeting_format=str(enrollment.meeting_format) if enrollment.meeting_format else "",
        capacity=enrollment.capacity,
    )


def _max_capacity(cohort: Cohort, *, role: str) -> int | None:
    """How many employees an executive may take (asked only when the cohort allows more than one)."""
    return cohort.employees_per_executive if role == EXECUTIVE else None
