"""The enrolment survey through signed HTTP into the running app: `/mentor join`, the buttons, the modal."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.ids import ActionId, BlockId, CallbackId
from bot.services import cohorts
from bot.services.people import sync_person
from bot.services.skills import list_skills, retire_skill
from bot.slack_gateway import SlackUser
from storage.models import (
    CohortState,
    Enrollment,
    EnrollmentSkill,
    EnrollmentState,
    Person,
    PersonRole,
)
from tests import cohort_kit
from tests.blockkit import assert_valid_message, assert_valid_view
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.fakes.slack_requests import multi_static_select_value, plain_text_value, unchanged_values
from tests.survey_kit import (
    input_block_ids,
    option_values,
    set_answer,
    survey_values,
)

EXECUTIVE_USER_ID = "U0EXEC0001"
ANNOUNCE_CHANNEL = "C0ANNOUNCE"


# ---- helpers --------------------------------------------------------------------------------


def make_cohort(
    bot, uow_factory, *, state=CohortState.ENROLLING, employees_per_executive=1, name="Spring 2026"
):
    return cohort_kit.make_cohort(
        uow_factory,
        team_id=bot.fake.team_id,
        state=state,
        name=name,
        employees_per_executive=employees_per_executive,
    )


def advance(bot, uow_factory, cohort_id, state):
    cohorts.advance_cohort_state(
        uow=uow_factory(),
        team_id=bot.fake.team_id,
        cohort_id=cohort_id,
        actor_user_id=ADMIN_USER_ID,
        to_state=state,
    )


def skill_ids(bot, uow_factory, side: str) -> list[int]:
    return [skill.id for skill in list_skills(uow=uow_factory(), team_id=bot.fake.team_id).offered_by(side)]


def invite_executive(bot, uow_factory, cohort_id, *, user_id=EXECUTIVE_USER_ID):
    """What `/mentor-admin invite` leaves behind: the person, enrolled as an invited executive."""
    profile = bot.fake.add_user(user_id, name="erin.exec", real_name="Erin Exec", tz="Europe/Paris")
    with uow_factory() as uow:
        person = sync_person(uow, team_id=bot.fake.team_id, user=SlackUser.from_api(profile))
        uow.enrollments.add(
            team_id=bot.fake.team_id,
            cohort_id=cohort_id,
            person_id=person.id,
            role=PersonRole.EXECUTIVE,
            state=EnrollmentState.INVITED,
            at=datetime.now(UTC),
        )
        uow.commit()


def join(bot, *, user_id=EMPLOYEE_USER_ID, text="join", trigger_id=None) -> str:
    """Send `/mentor join`; return the response_url that refusals go to."""
    response_url = bot.fake.new_response_url()
    result = bot.slack.command(
        "/mentor", text, user_id=user_id, response_url=response_url, trigger_id=trigger_id
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3, "Slack gives up after 3 seconds"
    return response_url


def opened_view(bot, *, count=1) -> dict:
    view = bot.fake.wait_for_call("views.open", count=count).args["view"]
    assert_valid_view(view)
    return view


def click(bot, action_id, *, value, user_id=EMPLOYEE_USER_ID, channel_id=None, trigger_id=None) -> str:
    response_url = bot.fake.new_response_url()
    result = bot.slack.block_action(
        user_id=user_id,
        action_id=action_id,
        value=value,
        message={"text": "Reverse mentoring", "blocks": []},
        channel_id=channel_id,
        response_url=response_url,
        trigger_id=trigger_id,
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3
    return response_url


def submit(bot, values, *, private_metadata, user_id=EMPLOYEE_USER_ID) -> dict:
    """Submit the survey modal; return the ack body Slack would act on."""
    result = bot.slack.view_submission(
        user_id=user_id, callback_id=CallbackId.SURVEY_MODAL, values=values, private_metadata=private_metadata
    )
    assert result.status == 200, result.body
    assert result.elapsed_seconds < 3
    return result.json() if result.body else {}


def metadata(cohort_id, role="employee") -> str:
    return json.dumps({"cohort_id": cohort_id, "role": role})


def enrollments(uow_factory) -> list[Enrollment]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(Enrollment).order_by(Enrollment.id)))


def chosen_skills(uow_factory, enrollment_id) -> dict[str, list[int]]:
    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(EnrollmentSkill).where(EnrollmentSkill.enrollment_id == enrollment_id)
        ).all()
        chosen: dict[str, list[int]] = {"share": [], "learn": []}
        for row in rows:
            chosen[str(row.direction)].append(row.skill_id)
        return {direction: sorted(ids) for direction, ids in chosen.items()}


def person(uow_factory, user_id) -> Person | None:
    with uow_factory() as uow:
        return uow.session.scalars(select(Person).where(Person.user_id == user_id)).one_or_none()


def thanks_dm(bot, user_id=EMPLOYEE_USER_ID, *, count=1) -> dict:
    call = bot.fake.wait_for_call(
        "chat.postMessage", count=count, predicate=lambda call: call.args.get("channel") == user_id
    )
    body = {"text": call.args["text"], "blocks": call.args["blocks"]}
    assert_valid_message(body)
    return body


def employee_answers(bot, uow_factory, **overrides) -> dict:
    employee_side, executive_side = (
        skill_ids(bot, uow_factory, "employee"),
        skill_ids(bot, uow_factory, "executive"),
    )
    answers = {"share": employee_side[:3], "learn": executive_side[:1]} | overrides
    return survey_values(**answers)


# ---- joining ----------------------------------------------------------------------------------


def test_mentor_join_opens_the_employee_survey(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    join(running_bot, trigger_id="111.222.join")
    call = running_bot.fake.wait_for_call("views.open")
    assert call.args["trigger_id"] == "111.222.join"
    view = call.args["view"]
    assert_valid_view(view)
    assert view["callback_id"] == CallbackId.SURVEY_MODAL
    assert input_block_ids(view) == ["skills_share", "skills_learn", "department", "goals", "meeting_format"]
    assert option_values(view, BlockId.SURVEY_SKILLS_SHARE) == [
        str(i) for i in skill_ids(running_bot, uow_factory, "employee")
    ]
    assert option_values(view, BlockId.SURVEY_SKILLS_LEARN) == [
        str(i) for i in skill_ids(running_bot, uow_factory, "executive")
    ]
    assert json.loads(view["private_metadata"]) == {"cohort_id": cohort.id, "role": "employee"}
    assert "Spring 2026" in json.dumps(view)
    # Opening changes nothing: only answering enrols.
    assert enrollments(uow_factory) == []
    assert person(uow_factory, EMPLOYEE_USER_ID) is None


def test_a_valid_survey_enrols_the_person_with_their_slack_time_zone(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    employee_side = skill_ids(running_bot, uow_factory, "employee")
    executive_side = skill_ids(running_bot, uow_factory, "executive")
    ack = submit(
        running_bot,
        survey_values(
            share=[employee_side[0], employee_side[3]],
            learn=executive_side[:2],
            department=" Customer Success ",
            goals="Understand how strategy is made 🙂",
            meeting_format="in_person",
        ),
        private_metadata=metadata(cohort.id),
    )
    assert ack["response_action"] == "update"
    assert_valid_view(ack["view"])
    assert "You're in *Spring 2026*" in json.dumps(ack["view"])
    [enrollment] = enrollments(uow_factory)
    assert (enrollment.cohort_id, enrollment.role, enrollment.state) == (
        cohort.id,
        PersonRole.EMPLOYEE,
        EnrollmentState.SURVEYED,
    )
    assert (enrollment.department, enrollment.goals, str(enrollment.meeting_format)) == (
        "Customer Success",
        "Understand how strategy is made 🙂",
        "in_person",
    )
    assert enrollment.capacity is None
    assert enrollment.consent_at is not None
    assert enrollment.surveyed_at is not None
    assert chosen_skills(uow_factory, enrollment.id) == {
        "share": sorted([employee_side[0], employee_side[3]]),
        "learn": sorted(executive_side[:2]),
    }
    saved = person(uow_factory, EMPLOYEE_USER_ID)
    assert (saved.tz, saved.real_name, saved.id) == (
        "America/Los_Angeles",
        "Emil Employee",
        enrollment.person_id,
    )
    body = thanks_dm(running_bot)
    rendered = json.dumps(body)
    assert "Thank you, you're in *Spring 2026*!" in rendered
    assert "What happens next" in rendered
    assert "AI and new tools" in rendered
    button = body["blocks"][3]["elements"][0]
    assert (button["action_id"], button["value"]) == (ActionId.OPEN_SURVEY, str(cohort.id))


def test_invalid_answers_come_back_inline_and_nothing_is_saved(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    executive_side = skill_ids(running_bot, uow_factory, "executive")
    employee_side = skill_ids(running_bot, uow_factory, "employee")
    ack = submit(
        running_bot,
        survey_values(
            share=employee_side[:6],
            learn=[],
            department="   ",
            goals="x" * 501,
            meeting_format="zoom",
        ),
        private_metadata=metadata(cohort.id),
    )
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"skills_share", "skills_learn", "department", "goals", "meeting_format"}
    assert "up to 5" in ack["errors"]["skills_share"]
    # Tampered option values: a skill of the other side, one that does not exist, not a number.
    for tampered in ([executive_side[0]], [999_999], ["ai-tools"]):
        ack = submit(
            running_bot,
            employee_answers(running_bot, uow_factory, share=tampered),
            private_metadata=metadata(cohort.id),
        )
        assert ack == {
            "response_action": "errors",
            "errors": {
                "skills_share": "One of these skills is no longer offered. Please pick again from the list."
            },
        }
    ack = submit(running_bot, {}, private_metadata=metadata(cohort.id))
    assert set(ack["errors"]) == {"skills_share", "skills_learn", "department", "meeting_format"}
    assert enrollments(uow_factory) == []
    assert person(uow_factory, EMPLOYEE_USER_ID) is None
    assert running_bot.fake.calls_to("chat.postMessage") == []
    assert running_bot.fake.calls_to("users.info") == []


def test_joining_again_shows_the_saved_answers_and_saves_the_edit(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    employee_side = skill_ids(running_bot, uow_factory, "employee")
    executive_side = skill_ids(running_bot, uow_factory, "executive")
    submit(
        running_bot,
        survey_values(share=employee_side[:2], learn=executive_side[:1], department="Sales", goals="Grow"),
        private_metadata=metadata(cohort.id),
    )
    thanks_dm(running_bot)
    join(running_bot)
    view = opened_view(running_bot)
    assert view["title"]["text"] == "Edit my answers"
    values = unchanged_values(view)
    assert values["department"][ActionId.SURVEY_FIELD]["value"] == "Sales"
    assert values["goals"][ActionId.SURVEY_FIELD]["value"] == "Grow"
    assert [o["value"] for o in values["skills_share"][ActionId.SURVEY_FIELD]["selected_options"]] == [
        str(i) for i in employee_side[:2]
    ]
    set_answer(values, "department", plain_text_value("Sales EMEA"))
    set_answer(values, "skills_learn", multi_static_select_value([str(i) for i in executive_side[2:5]]))
    ack = submit(running_bot, values, private_metadata=view["private_metadata"])
    assert ack["response_action"] == "update"
    assert "are saved" in json.dumps(ack["view"])
    [enrollment] = enrollments(uow_factory)
    assert enrollment.department == "Sales EMEA"
    assert chosen_skills(uow_factory, enrollment.id) == {
        "share": sorted(employee_side[:2]),
        "learn": sorted(executive_side[2:5]),
    }
    assert "I saved your new answers" in json.dumps(thanks_dm(running_bot, count=2))
    # The DM's Edit button opens the same answers again.
    click(running_bot, ActionId.OPEN_SURVEY, value=str(cohort.id), trigger_id="555.edit")
    call = running_bot.fake.wait_for_call("views.open", count=2)
    assert call.args["trigger_id"] == "555.edit"
    assert unchanged_values(call.args["view"])["department"][ActionId.SURVEY_FIELD]["value"] == "Sales EMEA"


def test_the_join_button_opens_the_survey_of_whoever_clicks(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    running_bot.fake.add_user("U0OTHER001", name="olga", tz="Asia/Kolkata")
    for user_id, trigger in ((EMPLOYEE_USER_ID, "1.join"), ("U0OTHER001", "2.join")):
        click(
            running_bot,
            ActionId.JOIN,
            value=str(cohort.id),
            user_id=user_id,
            channel_id=ANNOUNCE_CHANNEL,
            trigger_id=trigger,
        )
    running_bot.fake.wait_for_call("views.open", count=2)
    calls = running_bot.fake.calls_to("views.open")
    assert sorted(call.args["trigger_id"] for call in calls) == ["1.join", "2.join"]
    for call in calls:
        assert json.loads(call.args["view"]["private_metadata"])["role"] == "employee"
    ack = submit(
        running_bot,
        employee_answers(running_bot, uow_factory),
        private_metadata=metadata(cohort.id),
        user_id="U0OTHER001",
    )
    assert ack["response_action"] == "update"
    assert person(uow_factory, "U0OTHER001").tz == "Asia/Kolkata"


def test_an_invited_executive_gets_the_executive_survey_from_either_button(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    invite_executive(running_bot, uow_factory, cohort.id)
    click(running_bot, ActionId.OPEN_SURVEY, value=str(cohort.id), user_id=EXECUTIVE_USER_ID)
    click(
        running_bot,
        ActionId.JOIN,
        value=str(cohort.id),
        user_id=EXECUTIVE_USER_ID,
        channel_id=ANNOUNCE_CHANNEL,
    )
    running_bot.fake.wait_for_call("views.open", count=2)
    employee_side = skill_ids(running_bot, uow_factory, "employee")
    executive_side = skill_ids(running_bot, uow_factory, "executive")
    for call in running_bot.fake.calls_to("views.open"):
        view = call.args["view"]
        assert_valid_view(view)
        assert input_block_ids(view) == [
            "skills_learn",
            "skills_share",
            "department",
            "goals",
            "meeting_format",
        ]
        assert option_values(view, BlockId.SURVEY_SKILLS_LEARN) == [str(i) for i in employee_side]
        assert option_values(view, BlockId.SURVEY_SKILLS_SHARE) == [str(i) for i in executive_side]
        assert json.loads(view["private_metadata"]) == {"cohort_id": cohort.id, "role": "executive"}
        assert view["title"]["text"] != "Edit my answers"
    ack = submit(
        running_bot,
        survey_values(
            share=executive_side[:2], learn=employee_side[:3], department="Board", meeting_format="either"
        ),
        private_metadata=metadata(cohort.id, "executive"),
        user_id=EXECUTIVE_USER_ID,
    )
    assert ack["response_action"] == "update"
    [enrollment] = enrollments(uow_factory)
    assert (enrollment.role, enrollment.state, enrollment.capacity) == (
        PersonRole.EXECUTIVE,
        EnrollmentState.SURVEYED,
        None,
    )
    assert enrollment.invited_at is not None
    assert chosen_skills(uow_factory, enrollment.id) == {
        "share": sorted(executive_side[:2]),
        "learn": sorted(employee_side[:3]),
    }
    body = json.dumps(thanks_dm(running_bot, EXECUTIVE_USER_ID))
    assert body.index("You want to learn") < body.index("You can share")
    # An employee form for the executive (opened before the invitation, or forged) saves nothing.
    ack = submit(
        running_bot,
        employee_answers(running_bot, uow_factory),
        private_metadata=metadata(cohort.id, "employee"),
        user_id=EXECUTIVE_USER_ID,
    )
    assert ack["response_action"] == "update"
    assert "changed since this form was opened" in json.dumps(ack["view"])
    assert enrollments(uow_factory)[0].role == PersonRole.EXECUTIVE


def test_an_invited_executive_can_answer_while_the_cohort_is_still_a_draft(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory, state=CohortState.DRAFT)
    invite_executive(running_bot, uow_factory, cohort.id)
    click(running_bot, ActionId.OPEN_SURVEY, value=str(cohort.id), user_id=EXECUTIVE_USER_ID)
    assert json.loads(opened_view(running_bot)["private_metadata"])["role"] == "executive"


def test_capacity_is_asked_only_when_an_executive_may_have_several_employees(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory, employees_per_executive=3)
    invite_executive(running_bot, uow_factory, cohort.id)
    click(running_bot, ActionId.OPEN_SURVEY, value=str(cohort.id), user_id=EXECUTIVE_USER_ID)
    view = opened_view(running_bot)
    assert input_block_ids(view)[-1] == "capacity"
    assert option_values(view, BlockId.SURVEY_CAPACITY) == ["1", "2", "3"]
    join(running_bot)
    assert "capacity" not in input_block_ids(opened_view(running_bot, count=2))
    employee_side = skill_ids(running_bot, uow_factory, "employee")
    executive_side = skill_ids(running_bot, uow_factory, "executive")
    answers = {"share": executive_side[:1], "learn": employee_side[:1]}
    ack = submit(
        running_bot,
        survey_values(**answers),
        private_metadata=metadata(cohort.id, "executive"),
        user_id=EXECUTIVE_USER_ID,
    )
    assert ack == {
        "response_action": "errors",
        "errors": {"capacity": "Choose how many employees you can mentor: 1 to 3."},
    }
    ack = submit(
        running_bot,
        survey_values(**answers, capacity="4"),
        private_metadata=metadata(cohort.id, "executive"),
        user_id=EXECUTIVE_USER_ID,
    )
    assert set(ack["errors"]) == {"capacity"}
    assert enrollments(uow_factory)[0].state == EnrollmentState.INVITED
    ack = submit(
        running_bot,
        survey_values(**answers, capacity="2"),
        private_metadata=metadata(cohort.id, "executive"),
        user_id=EXECUTIVE_USER_ID,
    )
    assert ack["response_action"] == "update"
    assert enrollments(uow_factory)[0].capacity == 2
    # Editing shows the capacity chosen.
    click(running_bot, ActionId.OPEN_SURVEY, value=str(cohort.id), user_id=EXECUTIVE_USER_ID)
    values = unchanged_values(opened_view(running_bot, count=3))
    assert values["capacity"][ActionId.SURVEY_FIELD]["selected_option"]["value"] == "2"


# ---- refusals ---------------------------------------------------------------------------------


def test_joining_without_an_open_enrolment_is_refused_kindly(running_bot, uow_factory):
    answer = running_bot.fake.wait_for_response(join(running_bot))
    assert answer["response_type"] == "ephemeral"
    assert "no mentoring program to join right now" in answer["text"]
    cohort = make_cohort(running_bot, uow_factory, state=CohortState.DRAFT)
    answer = running_bot.fake.wait_for_response(join(running_bot))
    assert "Enrolment for *Spring 2026* has not opened yet" in answer["text"]
    advance(running_bot, uow_factory, cohort.id, CohortState.ENROLLING)
    advance(running_bot, uow_factory, cohort.id, CohortState.ACTIVE)
    answer = running_bot.fake.wait_for_response(join(running_bot))
    assert "answers are locked once pairs are made" in answer["text"]
    answer = running_bot.fake.wait_for_response(click(running_bot, ActionId.JOIN, value=str(cohort.id)))
    assert "answers are locked once pairs are made" in answer["text"]
    assert running_bot.fake.calls_to("views.open") == []


def test_a_button_of_an_ended_cohort_says_so(running_bot, uow_factory):
    old = make_cohort(running_bot, uow_factory, state=CohortState.CLOSED, name="Autumn 2025")
    make_cohort(running_bot, uow_factory)
    answer = running_bot.fake.wait_for_response(click(running_bot, ActionId.JOIN, value=str(old.id)))
    assert "ended or been replaced" in answer["text"]
    assert running_bot.fake.calls_to("views.open") == []


def test_a_survey_submitted_after_pairs_were_made_is_refused(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    join(running_bot)
    view = opened_view(running_bot)
    advance(running_bot, uow_factory, cohort.id, CohortState.ACTIVE)
    ack = submit(
        running_bot, employee_answers(running_bot, uow_factory), private_metadata=view["private_metadata"]
    )
    assert ack["response_action"] == "update"
    assert_valid_view(ack["view"])
    assert "answers are locked once pairs are made" in json.dumps(ack["view"])
    assert enrollments(uow_factory) == []
    assert running_bot.fake.calls_to("chat.postMessage") == []


def test_a_forged_submission_for_another_cohort_is_refused(running_bot, uow_factory):
    old = make_cohort(running_bot, uow_factory, state=CohortState.CLOSED, name="Autumn 2025")
    cohort = make_cohort(running_bot, uow_factory)
    answers = employee_answers(running_bot, uow_factory)
    for forged in (
        metadata(old.id),
        metadata(cohort.id + 1000),
        metadata(cohort.id, "admin"),
        "not json",
        "",
        json.dumps({"cohort_id": str(cohort.id), "role": "employee"}),
    ):
        ack = submit(running_bot, answers, private_metadata=forged)
        assert ack["response_action"] == "update", forged
        assert "ended or been replaced" in json.dumps(ack["view"])
    # An executive form from someone nobody invited.
    ack = submit(running_bot, answers, private_metadata=metadata(cohort.id, "executive"))
    assert "changed since this form was opened" in json.dumps(ack["view"])
    assert enrollments(uow_factory) == []
    assert running_bot.fake.calls_to("chat.postMessage") == []


def test_the_time_zone_is_refreshed_when_slack_says_it_changed(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    answers = employee_answers(running_bot, uow_factory)
    submit(running_bot, answers, private_metadata=metadata(cohort.id))
    assert person(uow_factory, EMPLOYEE_USER_ID).tz == "America/Los_Angeles"
    running_bot.fake.add_user(EMPLOYEE_USER_ID, name="emil", real_name="Emil Moved", tz="Asia/Tokyo")
    ack = submit(running_bot, answers, private_metadata=metadata(cohort.id))
    assert ack["response_action"] == "update"
    moved = person(uow_factory, EMPLOYEE_USER_ID)
    assert (moved.tz, moved.real_name) == ("Asia/Tokyo", "Emil Moved")
    assert len(enrollments(uow_factory)) == 1


@pytest.mark.parametrize("kind", ["bot", "deactivated", "unknown"])
def test_bots_and_deactivated_accounts_cannot_join(running_bot, uow_factory, kind):
    cohort = make_cohort(running_bot, uow_factory)
    if kind != "unknown":
        running_bot.fake.add_user(
            "U0ODD00001", name="odd", is_bot=kind == "bot", deleted=kind == "deactivated"
        )
    ack = submit(
        running_bot,
        employee_answers(running_bot, uow_factory),
        private_metadata=metadata(cohort.id),
        user_id="U0ODD00001",
    )
    assert ack["response_action"] == "update"
    assert "Only active members" in json.dumps(ack["view"])
    assert enrollments(uow_factory) == []
    assert person(uow_factory, "U0ODD00001") is None


def test_someone_who_left_cannot_reopen_the_survey(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    submit(running_bot, employee_answers(running_bot, uow_factory), private_metadata=metadata(cohort.id))
    with uow_factory() as uow:
        uow.session.scalars(select(Enrollment)).one().state = EnrollmentState.LEFT
        uow.commit()
    answer = running_bot.fake.wait_for_response(join(running_bot))
    assert "You left *Spring 2026*" in answer["text"]
    ack = submit(
        running_bot, employee_answers(running_bot, uow_factory), private_metadata=metadata(cohort.id)
    )
    assert "You left" in json.dumps(ack["view"])
    assert enrollments(uow_factory)[0].state == EnrollmentState.LEFT


def test_a_paused_person_who_edits_stays_paused(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    answers = employee_answers(running_bot, uow_factory)
    submit(running_bot, answers, private_metadata=metadata(cohort.id))
    with uow_factory() as uow:
        uow.session.scalars(select(Enrollment)).one().state = EnrollmentState.PAUSED
        uow.commit()
    set_answer(answers, "department", plain_text_value("Legal"))
    assert submit(running_bot, answers, private_metadata=metadata(cohort.id))["response_action"] == "update"
    [enrollment] = enrollments(uow_factory)
    assert (enrollment.state, enrollment.department) == (EnrollmentState.PAUSED, "Legal")
    assert "paused" in thanks_dm(running_bot, count=2)["text"]


def test_a_skill_retired_after_it_was_chosen_stays_on_the_answers_when_editing(running_bot, uow_factory):
    cohort = make_cohort(running_bot, uow_factory)
    employee_side = skill_ids(running_bot, uow_factory, "employee")
    catalogue = list_skills(uow=uow_factory(), team_id=running_bot.fake.team_id)
    first = catalogue.offered_by("employee")[0]
    submit(
        running_bot,
        employee_answers(running_bot, uow_factory, share=[first.id, employee_side[1]]),
        private_metadata=metadata(cohort.id),
    )
    retire_skill(
        uow=uow_factory(), team_id=running_bot.fake.team_id, actor_user_id=ADMIN_USER_ID, key=first.key
    )
    join(running_bot)
    view = opened_view(running_bot)
    assert str(first.id) in option_values(view, BlockId.SURVEY_SKILLS_SHARE)
    assert (
        submit(running_bot, unchanged_values(view), private_metadata=view["private_metadata"])[
            "response_action"
        ]
        == "update"
    )
    [enrollment] = enrollments(uow_factory)
    assert first.id in chosen_skills(uow_factory, enrollment.id)["share"]
    # Someone new is not offered the retired skill.
    assert str(first.id) not in option_values(view_for_new_person(running_bot), BlockId.SURVEY_SKILLS_SHARE)


def view_for_new_person(bot) -> dict:
    bot.fake.add_user("U0NEW00001", name="nina")
    join(bot, user_id="U0NEW00001")
    return opened_view(bot, count=2)


def test_help_lists_join(running_bot):
    answer = running_bot.fake.wait_for_response(join(running_bot, text="help"))
    assert "/mentor join" in json.dumps(answer)
