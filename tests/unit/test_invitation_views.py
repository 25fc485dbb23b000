"""The invitation DM, the enrolment call and the admin's answers: inside Slack's limits, skill-focused."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from bot.errors import ChannelUnavailableError, CohortNotOpenForEnrolmentError, TooManyInviteesError
from bot.ids import ActionId
from bot.mentions import parse_channel_mentions, parse_user_mentions
from bot.services.announcements import Announcement
from bot.services.invitations import InviteSummary
from bot.views.announcements import announce_problem_message, announced_message, enrolment_call_message
from bot.views.invitations import invitation_message, invite_problem_message, invite_summary_message
from tests.blockkit import assert_valid_message

LONG_NAME = "Ünïcode & <friends> " * 4  # 80 characters, the longest a cohort name can be
# Words that would mean the program asks about who people are rather than what they know.
DEMOGRAPHIC_WORDS = re.compile(
    r"\b(how old|years old|your age|date of birth|birthday|born|gender|sex|race|ethnic\w*|religio\w*|"
    r"nationality|marital|disabilit\w*|generation|gen z|millennial|boomer|young|older)\b",
    re.IGNORECASE,
)


def buttons(body: dict) -> list[dict]:
    return [
        element for block in body["blocks"] if block["type"] == "actions" for element in block["elements"]
    ]


def rendered_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def invitation(**overrides) -> dict:
    fields = {
        "cohort_id": 42,
        "cohort_name": "Spring 2026",
        "inviter_user_id": "U0ADMIN01",
        "cadence_weeks": 2,
        "weeks": 12,
        "start_date": date(2026, 3, 2),
    }
    return invitation_message(**{**fields, **overrides})


def enrolment_call(**overrides) -> dict:
    fields = {
        "cohort_id": 42,
        "cohort_name": "Spring 2026",
        "cadence_weeks": 2,
        "weeks": 12,
        "start_date": date(2026, 3, 2),
    }
    return enrolment_call_message(**{**fields, **overrides})


def test_the_invitation_names_the_inviter_the_ask_and_confidentiality_and_opens_the_survey():
    body = invitation()
    assert_valid_message(body)
    [survey] = buttons(body)
    assert survey["action_id"] == ActionId.OPEN_SURVEY
    assert survey["value"] == "42"
    assert survey["text"]["text"] == "Answer the survey"
    text = rendered_text(body)
    assert "<@U0ADMIN01> invited you" in text
    assert "*Spring 2026*" in text
    assert "reverse-mentoring" in text
    assert "short survey" in text
    assert "one conversation every 2 weeks for 12 weeks from Mon 2 Mar 2026" in text
    assert "*Confidential*" in text
    assert "<@U0ADMIN01>" in body["text"], "the notification says who asked"


def test_the_invitation_says_every_week_and_escapes_any_cohort_name_within_limits():
    body = invitation(cadence_weeks=1, weeks=1, cohort_name=LONG_NAME, cohort_id=2**31 - 1)
    assert_valid_message(body)
    text = rendered_text(body)
    assert "one conversation every week for 1 week" in text
    assert "<friends>" not in text
    assert "&lt;friends&gt;" in text
    assert buttons(body)[0]["value"] == str(2**31 - 1)


def test_the_enrolment_call_says_what_who_for_and_what_it_takes_with_a_join_button():
    body = enrolment_call()
    assert_valid_message(body)
    [join] = buttons(body)
    assert join["action_id"] == ActionId.JOIN
    assert join["value"] == "42"
    text = rendered_text(body)
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Join reverse mentoring: Spring 2026"},
    }
    assert "*Who it is for*" in text
    assert "skills only" in text
    assert "never your age or any demographic detail" in text
    assert "one conversation every 2 weeks for 12 weeks from Mon 2 Mar 2026" in text
    assert "`/mentor join`" in text
    assert "/mentor join" in body["text"]


def test_the_enrolment_call_fits_any_cohort_name_and_cadence():
    body = enrolment_call(cohort_name=LONG_NAME, cadence_weeks=4, weeks=52)
    assert_valid_message(body)
    assert "every 4 weeks for 52 weeks" in rendered_text(body)
    assert "&lt;friends&gt;" in body["text"]


@pytest.mark.parametrize("body", [invitation(), enrolment_call()], ids=["invitation", "enrolment call"])
def test_nothing_sent_to_people_asks_about_age_or_demographics(body):
    text = rendered_text(body).replace("never your age or any demographic detail", "")
    assert DEMOGRAPHIC_WORDS.search(text) is None, DEMOGRAPHIC_WORDS.search(text)
    assert "age" not in re.findall(r"\b\w+\b", text.lower())


def test_the_invite_summary_lists_each_group_and_what_could_not_be_read():
    people = [f"U0PERSON{n:02d}" for n in range(50)]
    summary = InviteSummary(
        cohort_id=1,
        cohort_name="Spring <2026>",
        invited=tuple(people[:30]),
        already_invited=("U0ALREADY",),
        already_employee=("U0EMPLOYE",),
        left=("U0LEFT001",),
        not_found=("U0NOBODY1",),
        bots=("U0BOT0001",),
        deactivated=("U0GONE001",),
    )
    body = invite_summary_message(summary, unreadable=parse_user_mentions("@bob bob@x.io").unreadable)
    assert_valid_message(body)
    sections = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    assert sections[0].startswith(":white_check_mark: Invited 30 executives to *Spring &lt;2026&gt;*")
    assert sections[1].startswith("*Invited*\n<@U0PERSON00>, <@U0PERSON01>")
    assert "*Already in, nothing changed (no second DM)*\n<@U0ALREADY>" in sections
    assert "*Enrolled as employees, left as they are*\n<@U0EMPLOYE>" in sections
    assert "*Left the program, not invited again*\n<@U0LEFT001>" in sections
    assert "*Not found in this workspace*\n`U0NOBODY1`" in sections, "not a mention Slack cannot render"
    assert "*Cannot take part*\n<@U0BOT0001> (a bot), <@U0GONE001> (deactivated)" in sections
    could_not = sections[-1]
    assert could_not.startswith("*Could not read*")
    assert "`@bob`: type @ and pick the person" in could_not
    assert "`bob@x.io`: I need a mention, not an email address" in could_not
    assert "Not found in this workspace: `U0NOBODY1`" in body["text"]


def test_an_invite_that_changed_nothing_says_so_and_shows_only_the_groups_there_are():
    summary = InviteSummary(cohort_id=1, cohort_name="Spring", already_invited=("U0ALREADY",))
    body = invite_summary_message(summary)
    assert_valid_message(body)
    sections = [block["text"]["text"] for block in body["blocks"] if block["type"] == "section"]
    assert sections == [
        "Nobody new was invited to *Spring*.",
        "*Already in, nothing changed (no second DM)*\n<@U0ALREADY>",
    ]


def test_the_largest_invite_summary_stays_within_limits():
    people = tuple(f"W0LONGID{n:06d}" for n in range(50))
    summary = InviteSummary(
        cohort_id=1,
        cohort_name=LONG_NAME,
        invited=people,
        already_invited=people,
        already_employee=people,
        left=people,
        not_found=people,
        bots=people,
        deactivated=people,
    )
    junk = parse_user_mentions(" ".join(f"@{'x' * 60}{n}" for n in range(200))).unreadable
    assert_valid_message(invite_summary_message(summary, unreadable=junk))


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ({}, "Who should I invite?"),
        ({"unreadable": parse_user_mentions("@bob").unreadable}, "I could not find anyone to invite"),
        ({"problem": TooManyInviteesError(count=60, limit=50).user_message}, "That names 60 people"),
    ],
)
def test_invite_problems_say_what_was_wrong_and_show_the_usage(problem, expected):
    body = invite_problem_message(**problem)
    assert_valid_message(body)
    assert body["text"].startswith(expected)
    assert "`/mentor-admin invite @person...`" in rendered_text(body)


@pytest.mark.parametrize(
    ("text", "expected", "hint"),
    [
        ("", "Which channel", None),
        ("general", "I need a channel mention", "`general`: not a channel mention"),
        ("#general", "I need a channel mention", "`#general`: Slack did not recognise that channel"),
        ("<@U0ANN0001|ann>", "I need a channel mention", "`ann`: that is a person"),
        ("<#C0ONE0001> <#C0TWO0002>", "One channel at a time", None),
        ("<#C0ONE0001> now", "I only need the channel", "`now`"),
    ],
)
def test_announce_problems_say_what_was_wrong_and_show_the_usage(text, expected, hint):
    body = announce_problem_message(parse_channel_mentions(text))
    assert_valid_message(body)
    assert body["text"].startswith(expected)
    rendered = rendered_text(body)
    assert "`/mentor-admin announce #channel`" in rendered
    if hint:
        assert hint in rendered


@pytest.mark.parametrize(
    ("opened", "expected"), [(True, "moved from draft to enrolling"), (False, "already")]
)
def test_the_admin_is_told_where_the_call_went(opened, expected):
    body = announced_message(
        Announcement(
            cohort_id=1, cohort_name="A&B", channel_id="C0GENERAL", ts="1.2", opened_enrolment=opened
        )
    )
    assert_valid_message(body)
    assert "Posted the enrolment call for *A&amp;B* in <#C0GENERAL>" in body["text"]
    assert expected in body["text"]


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("not_in_channel", "`/invite @Reverse Mentoring`"),
        ("channel_not_found", "private channels need an invitation too"),
        ("is_archived", "is archived"),
        ("restricted_action", "only some people may post there"),
    ],
)
def test_each_channel_refusal_is_explained_with_what_to_do(reason, expected):
    message = ChannelUnavailableError(channel_id="C0GENERAL", reason=reason).user_message
    assert "<#C0GENERAL>" in message
    assert expected in message


def test_a_cohort_past_enrolment_is_explained_with_where_to_go():
    message = CohortNotOpenForEnrolmentError(name="Spring <1>", state="active").user_message
    assert message.startswith("*Spring &lt;1&gt;* is active")
    assert "`/mentor-admin cohort`" in message
