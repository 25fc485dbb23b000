"""`/mentor-admin skills` through signed HTTP into the running app; answers and database checked."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.services import skills
from bot.skills import DEFAULT_SKILLS, EXECUTIVE
from storage.models import (
    AuditEvent,
    Cohort,
    Enrollment,
    EnrollmentSkill,
    Person,
    PersonRole,
    Skill,
    SkillDirection,
)
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID
from tests.e2e.test_commands import run_command

USAGE_LINE = "/mentor-admin skills add employee|executive NAME"


def skills_command(bot, text: str, *, user_id: str = ADMIN_USER_ID) -> dict:
    answer = run_command(bot, "/mentor-admin", text, user_id=user_id)
    assert answer["response_type"] == "ephemeral"
    return answer


def stored_skills(uow_factory, team_id: str) -> dict[str, Skill]:
    with uow_factory() as uow:
        return {skill.key: skill for skill in uow.skills.find_all(team_id=team_id, include_retired=True)}


def audit_events(uow_factory, team_id: str) -> list[AuditEvent]:
    with uow_factory() as uow:
        return list(reversed(uow.audit.recent(team_id=team_id)))


def enroll_with_skill(uow_factory, *, team_id: str, skill_key: str) -> int:
    """An employee whose survey answer chose `skill_key` to share; returns the enrollment id."""
    with uow_factory() as uow:
        skill = uow.skills.find_by_key(team_id=team_id, key=skill_key)
        person = Person(team_id=team_id, user_id=EMPLOYEE_USER_ID, name="emil")
        cohort = Cohort(team_id=team_id, name="Spring", start_date=date(2026, 3, 2))
        uow.session.add_all([person, cohort])
        uow.session.flush()
        enrollment = Enrollment(
            team_id=team_id, cohort_id=cohort.id, person_id=person.id, role=PersonRole.EMPLOYEE
        )
        uow.session.add(enrollment)
        uow.session.flush()
        uow.session.add(
            EnrollmentSkill(
                team_id=team_id,
                enrollment_id=enrollment.id,
                skill_id=skill.id,
                direction=SkillDirection.SHARE,
            )
        )
        uow.commit()
        return enrollment.id


def answered_skill_names(uow_factory, enrollment_id: int) -> list[str]:
    """The skill names an enrollment's answers show, read the way reports will read them."""
    with uow_factory() as uow:
        statement = (
            select(Skill.name)
            .join(EnrollmentSkill, EnrollmentSkill.skill_id == Skill.id)
            .where(EnrollmentSkill.enrollment_id == enrollment_id)
        )
        return list(uow.session.scalars(statement).all())


def test_listing_seeds_the_defaults_once_and_groups_them_by_side(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    first = skills_command(running_bot, "skills")
    second = skills_command(running_bot, "  SKILLS   list ")
    assert first == second
    assert_valid_message(first)
    stored = stored_skills(uow_factory, team_id)
    assert set(stored) == {skill.key for skill in DEFAULT_SKILLS}, "seeded once, nothing doubled"
    sections = [block["text"]["text"] for block in first["blocks"] if block["type"] == "section"]
    employees = next(text for text in sections if text.startswith("*Employees share*"))
    executives = next(text for text in sections if text.startswith("*Executives share*"))
    assert "Gen Z and millennial perspectives  `gen-z-millennial`" in employees
    assert "DE&amp;I" in employees
    assert "Leadership  `leadership`" in executives
    assert "Leadership" not in employees
    assert USAGE_LINE in json.dumps(first)
    assert audit_events(uow_factory, team_id) == [], "looking changes nothing worth auditing"


def test_add_answers_with_the_new_key_and_the_survey_offers_it(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    answer = skills_command(running_bot, "skills add Executive Board   dynamics")
    assert_valid_message(answer)
    assert "Added *Board dynamics* for executives to share, with the key `board-dynamics`" in answer["text"]
    stored = stored_skills(uow_factory, team_id)
    added = stored["board-dynamics"]
    assert added.name == "Board dynamics"
    assert added.offered_by == EXECUTIVE
    assert added.retired_at is None
    assert added.position > max(stored[skill.key].position for skill in DEFAULT_SKILLS), "added last"
    catalogue = skills.list_skills(uow=uow_factory(), team_id=team_id)
    assert catalogue.offered_by(EXECUTIVE)[-1].key == "board-dynamics"
    [event] = audit_events(uow_factory, team_id)
    assert (event.actor_user_id, event.action, event.target) == (ADMIN_USER_ID, "skill.add", "board-dynamics")
    assert event.details == {"name": "Board dynamics", "offered_by": "executive"}


def test_add_takes_names_as_slack_escapes_them_and_never_reuses_a_key(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    # Slack sends "&" as "&amp;" in command text.
    answer = skills_command(running_bot, "skills add employee R&amp;D tools")
    assert "`r-d-tools`" in answer["text"]
    assert "*R&amp;D tools*" in answer["text"], "shown escaped again in mrkdwn"
    assert stored_skills(uow_factory, team_id)["r-d-tools"].name == "R&D tools"
    skills_command(running_bot, "skills retire r-d-tools")
    again = skills_command(running_bot, "skills add employee R&amp;D tools")
    assert "`r-d-tools-2`" in again["text"], "a retired skill keeps its key"


def test_rename_keeps_the_key_and_relabels_answers_already_given(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    skills_command(running_bot, "skills")
    enrollment_id = enroll_with_skill(uow_factory, team_id=team_id, skill_key="ai-tools")
    answer = skills_command(running_bot, "skills rename `AI-TOOLS` AI at work")
    assert_valid_message(answer)
    assert "Renamed `ai-tools` from *AI and new tools* to *AI at work*" in answer["text"]
    assert stored_skills(uow_factory, team_id)["ai-tools"].name == "AI at work"
    assert answered_skill_names(uow_factory, enrollment_id) == ["AI at work"]
    [event] = audit_events(uow_factory, team_id)
    assert (event.action, event.target) == ("skill.rename", "ai-tools")
    assert event.details == {"from": "AI and new tools", "to": "AI at work"}
    # A change of case only is a rename too; the same name is not.
    assert "Renamed" in skills_command(running_bot, "skills rename ai-tools AI AT WORK")["text"]
    same = skills_command(running_bot, "skills rename ai-tools AI AT WORK")
    assert "is already called" in same["text"]


def test_retire_and_restore_keep_answers_and_are_audited(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    skills_command(running_bot, "skills")
    enrollment_id = enroll_with_skill(uow_factory, team_id=team_id, skill_key="social-media")

    retired = skills_command(running_bot, "skills retire Social-Media")
    assert_valid_message(retired)
    assert "Retired *Social media* (`social-media`)" in retired["text"]
    assert "The 1 answer that chose it keeps it." in retired["text"]
    assert stored_skills(uow_factory, team_id)["social-media"].retired_at is not None
    assert answered_skill_names(uow_factory, enrollment_id) == ["Social media"], "the answer stands"
    catalogue = skills.list_skills(uow=uow_factory(), team_id=team_id)
    offered = [skill.key for skill in catalogue.offered_by("employee")]
    assert "social-media" not in offered, "no longer offered for new answers"
    listing = skills_command(running_bot, "skills")
    retired_section = next(
        block["text"]["text"]
        for block in listing["blocks"]
        if block["type"] == "section" and block["text"]["text"].startswith("*Retired")
    )
    assert "Social media  `social-media`  (employees)" in retired_section

    twice = skills_command(running_bot, "skills retire social-media")
    assert "is already retired" in twice["text"]
    assert "skills restore social-media" in twice["text"]

    restored = skills_command(running_bot, "skills restore social-media")
    assert "Restored *Social media* (`social-media`)" in restored["text"]
    assert stored_skills(uow_factory, team_id)["social-media"].retired_at is None
    assert "is not retired" in skills_command(running_bot, "skills restore social-media")["text"]

    events = audit_events(uow_factory, team_id)
    assert [(event.action, event.target) for event in events] == [
        ("skill.retire", "social-media"),
        ("skill.restore", "social-media"),
    ]
    assert all(event.actor_user_id == ADMIN_USER_ID for event in events)
    assert events[0].details == {"name": "Social media", "answers_keeping_it": 1}


def test_the_last_skill_of_a_side_cannot_be_retired(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    executive_keys = [skill.key for skill in DEFAULT_SKILLS if skill.offered_by == EXECUTIVE]
    for key in executive_keys[:-1]:
        assert "Retired" in skills_command(running_bot, f"skills retire {key}")["text"]
    refused = skills_command(running_bot, f"skills retire {executive_keys[-1]}")
    assert "is the last skill executives can share" in refused["text"]
    assert stored_skills(uow_factory, team_id)[executive_keys[-1]].retired_at is None


def test_a_retired_skill_whose_name_was_taken_meanwhile_is_not_restored(running_bot, uow_factory):
    team_id = running_bot.fake.team_id
    skills_command(running_bot, "skills retire strategy")
    added = skills_command(running_bot, "skills add executive STRATEGY")
    assert "`strategy-2`" in added["text"], "a retired name may be used again"
    refused = skills_command(running_bot, "skills restore strategy")
    assert "`strategy-2` is also called *STRATEGY*" in refused["text"]
    assert stored_skills(uow_factory, team_id)["strategy"].retired_at is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("skills dance", "I don't know `/mentor-admin skills dance`"),
        ("skills add", "`employee` or `executive`"),
        ("skills add manager Golf", "`employee` or `executive`"),
        ("skills add employee", "needs a name"),
        ("skills add employee social MEDIA", "There is already a skill called *social MEDIA*"),
        ("skills add employee *loud*", "cannot contain"),
        ("skills add employee <@U0EMPL001|emil> fans", "cannot contain"),
        ("skills add employee &lt;b&gt;bold&lt;/b&gt;", "cannot contain"),
        ("skills add employee " + "ü" * 61, "keep it to 60"),
        ("skills add employee ...", "letter or digit"),
        ("skills rename", "which skill to rename"),
        ("skills rename leadership", "What should `leadership` be called?"),
        ("skills rename nope Something", "I don't know a skill with the key `nope`"),
        ("skills rename strategy Leadership", "There is already a skill called *Leadership*"),
        ("skills retire", "key of one skill to retire"),
        ("skills retire Social media", "key of one skill to retire"),
        ("skills retire `" + "x" * 300 + "`", "I don't know a skill with the key"),
        ("skills restore 💃", "I don't know a skill with the key `💃`"),
        ("skills restore leadership", "is not retired"),
    ],
)
def test_bad_input_gets_a_specific_answer_and_the_skills_usage(running_bot, uow_factory, text, problem):
    team_id = running_bot.fake.team_id
    answer = skills_command(running_bot, text)
    assert_valid_message(answer)
    assert problem in answer["text"]
    assert len(answer["text"]) < 500
    assert USAGE_LINE in json.dumps(answer)
    assert audit_events(uow_factory, team_id) == [], "nothing changed"
    keys = set(stored_skills(uow_factory, team_id))
    assert keys <= {skill.key for skill in DEFAULT_SKILLS}, "nothing added"


@pytest.mark.parametrize(
    "text", ["skills", "skills add employee Golf", "skills retire leadership", "skills rename dei X"]
)
def test_non_admins_are_refused_and_nothing_is_stored(running_bot, uow_factory, text):
    answer = skills_command(running_bot, text, user_id=EMPLOYEE_USER_ID)
    assert "only program admins" in answer["text"]
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Skill)) == 0
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
