"""The enrolment use cases against a real database: one enrollment per person, scoped by workspace."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.cohort_form import CohortFields
from bot.errors import SurveyAnswersError, SurveyGoneError, SurveyLockedError
from bot.services import cohorts, enrolment
from bot.services.skills import list_skills
from bot.slack_gateway import SlackUser
from bot.survey import SurveyAnswers
from storage.models import CohortState, Enrollment, EnrollmentSkill, EnrollmentState

TEAM = "T0ENROL01"
OTHER_TEAM = "T0ENROL02"
ADMIN = "U0ADMIN01"
NOW = datetime(2026, 1, 7, 9, 30, tzinfo=UTC)


def user(user_id="U0EMPL001", tz="Europe/Berlin") -> SlackUser:
    return SlackUser(
        user_id=user_id,
        name="emil",
        real_name="Emil",
        tz=tz,
        is_admin=False,
        is_owner=False,
        is_bot=False,
        deleted=False,
    )


def enrolling_cohort(uow_factory, *, team_id=TEAM):
    record = cohorts.create_cohort(
        uow=uow_factory(),
        team_id=team_id,
        actor_user_id=ADMIN,
        fields=CohortFields(name="Spring", start_date=date(2026, 1, 12)),
        now=NOW,
    )
    cohorts.advance_cohort_state(
        uow=uow_factory(),
        team_id=team_id,
        cohort_id=record.id,
        actor_user_id=ADMIN,
        to_state=CohortState.ENROLLING,
        now=NOW,
    )
    return record


def answers_for(uow_factory, *, team_id=TEAM, share_index=0) -> SurveyAnswers:
    catalogue = list_skills(uow=uow_factory(), team_id=team_id)
    return SurveyAnswers(
        skills_share=(catalogue.offered_by("employee")[share_index].id,),
        skills_learn=(catalogue.offered_by("executive")[0].id,),
        department="Finance",
        goals=None,
        meeting_format="video",
    )


def submit(uow_factory, cohort_id, answers, *, team_id=TEAM, who=None, role="employee"):
    return enrolment.submit_survey(
        uow=uow_factory(),
        user=who or user(),
        team_id=team_id,
        cohort_id=cohort_id,
        role=role,
        answers=answers,
        now=NOW,
    )


def test_concurrent_submissions_by_one_person_leave_one_enrollment_and_one_answer(uow_factory):
    cohort = enrolling_cohort(uow_factory)
    answers = [answers_for(uow_factory, share_index=index) for index in range(4)]
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        barrier.wait(10)
        try:
            submit(uow_factory, cohort.id, answers[index])
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    with uow_factory() as uow:
        [enrollment] = uow.session.scalars(select(Enrollment)).all()
        assert enrollment.state == EnrollmentState.SURVEYED
        shares = uow.session.scalars(
            select(EnrollmentSkill.skill_id).where(EnrollmentSkill.direction == "share")
        ).all()
        assert len(shares) == 1
        assert uow.session.scalar(select(func.count()).select_from(EnrollmentSkill)) == 2


def test_a_cohort_of_another_workspace_is_not_found(uow_factory):
    cohort = enrolling_cohort(uow_factory)
    enrolling_cohort(uow_factory, team_id=OTHER_TEAM)
    answers = answers_for(uow_factory, team_id=OTHER_TEAM)
    with pytest.raises(SurveyGoneError):
        submit(uow_factory, cohort.id, answers, team_id=OTHER_TEAM)
    with pytest.raises(SurveyGoneError):
        enrolment.open_survey(uow=uow_factory(), team_id=OTHER_TEAM, user_id="U0EMPL001", cohort_id=cohort.id)


def test_skills_of_another_workspace_are_refused(uow_factory):
    cohort = enrolling_cohort(uow_factory)
    foreign = answers_for(uow_factory, team_id=OTHER_TEAM)
    with pytest.raises(SurveyAnswersError) as refused:
        submit(uow_factory, cohort.id, foreign)
    assert set(refused.value.field_errors) == {"skills_share", "skills_learn"}


def test_answers_lock_once_the_person_is_matched(uow_factory):
    cohort = enrolling_cohort(uow_factory)
    answers = answers_for(uow_factory)
    first = submit(uow_factory, cohort.id, answers)
    assert first.updated is False
    assert submit(uow_factory, cohort.id, answers).updated is True
    with uow_factory() as uow:
        uow.session.scalars(select(Enrollment)).one().state = EnrollmentState.MATCHED
        uow.commit()
    with pytest.raises(SurveyLockedError):
        submit(uow_factory, cohort.id, answers)
    with pytest.raises(SurveyLockedError):
        enrolment.open_survey(uow=uow_factory(), team_id=TEAM, user_id="U0EMPL001")


def test_opening_shows_saved_answers_for_editing(uow_factory):
    cohort = enrolling_cohort(uow_factory)
    answers = answers_for(uow_factory)
    form = enrolment.open_survey(uow=uow_factory(), team_id=TEAM, user_id="U0EMPL001")
    assert (form.role, form.editing, form.max_capacity) == ("employee", False, None)
    submit(uow_factory, cohort.id, answers)
    form = enrolment.open_survey(uow=uow_factory(), team_id=TEAM, user_id="U0EMPL001", cohort_id=cohort.id)
    assert form.editing
    assert form.saved == answers
