"""A small cohort on a simulated clock, lived through signed HTTP, the planner and the dispatcher.

Six people from UTC-10 to UTC+13 in three pairs, six weekly periods from Monday 1 March 2027
that cross three DST changes (the US on 14 March, Europe on 28 March, New Zealand on
4 April). Test modules make their own `clock`, `bot_clock` (the app's clock) and `program`
fixtures with `start_clock` and `start_program`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.ids import ActionId, BlockId, CallbackId
from bot.services.program_surveys import plan_program_surveys
from bot.services.rhythm import plan_rhythm
from storage.models import CohortState, OutboxMessage, PersonRole
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID
from tests.delivery_kit import Clock, make_dispatcher
from tests.e2e.test_commands import run_command
from tests.fakes.slack_requests import checkboxes_value, plain_text_value, static_select_value
from tests.matching_kit import surveyed

START = date(2027, 3, 1)
EMPLOYEE, EXECUTIVE = PersonRole.EMPLOYEE, PersonRole.EXECUTIVE
# (user id, role, zone, shares, learns); each employee fits exactly one executive.
PEOPLE = [
    ("U0EMPHNL1", EMPLOYEE, "Pacific/Honolulu", ["ai-tools"], ["leadership"]),
    ("U0EXEAKL1", EXECUTIVE, "Pacific/Auckland", ["leadership"], ["ai-tools"]),
    ("U0EMPNYC1", EMPLOYEE, "America/New_York", ["social-media"], ["strategy"]),
    ("U0EXEPAR1", EXECUTIVE, "Europe/Paris", ["strategy"], ["social-media"]),
    ("U0EMPTBU1", EMPLOYEE, "Pacific/Tongatapu", ["wellbeing"], ["career-growth"]),
    ("U0EXELON1", EXECUTIVE, "Europe/London", ["career-growth"], ["wellbeing"]),
]
ZONES = {user_id: zone for user_id, _, zone, _, _ in PEOPLE}


ONE_HOUR = timedelta(hours=1)


def start_clock() -> Clock:
    """A few days before the cohort starts, when the admins confirm the pairs."""
    return Clock(datetime(2027, 2, 24, 20, tzinfo=UTC))


class Program:
    """The running bot plus the scheduler's work, driven by the simulated clock."""

    def __init__(self, bot, uow_factory, settings, clock: Clock) -> None:
        self.bot, self.uow_factory, self.settings, self.clock = bot, uow_factory, settings, clock
        self.dispatcher = make_dispatcher(uow_factory, bot.fake, clock=clock)

    def tick(self) -> None:
        plan_rhythm(
            uow=self.uow_factory(),
            now=self.clock(),
            window=self.settings.send_window,
            default_timezone="UTC",
            admin_user_ids=self.settings.mentor_admins,
        )
        plan_program_surveys(
            uow=self.uow_factory(), now=self.clock(), window=self.settings.send_window, default_timezone="UTC"
        )
        for _ in range(5):
            if self.dispatcher.run_once().handled == 0:
                break

    def run_until(self, when: datetime, *, step: timedelta = ONE_HOUR) -> None:
        while self.clock() < when:
            self.clock.advance(step)
            self.tick()

    def checkins(self, user_id: str) -> list[dict]:
        """Check-in and reminder messages in the person's DM, oldest first."""
        return [m for m in self.bot.fake.messages(f"D{user_id}") if button(m, ActionId.CHECKIN_MET)]

    def click(self, user_id: str, message: dict, action_id: str, *, as_user: str | None = None) -> dict:
        response_url = self.bot.fake.new_response_url()
        result = self.bot.slack.block_action(
            user_id=as_user or user_id,
            action_id=action_id,
            value=button(message, action_id)["value"],
            response_url=response_url,
            message={"ts": message["ts"], "text": message["text"]},
            channel_id=f"D{user_id}",
        )
        assert result.status == 200
        return self.bot.fake.wait_for_response(response_url)

    def reflect(self, user_id: str, *, text: str, share: bool) -> None:
        view = self.bot.fake.calls_to("views.open")[-1].args["view"]
        result = self.bot.slack.view_submission(
            user_id=user_id,
            callback_id=CallbackId.REFLECTION_MODAL,
            private_metadata=view["private_metadata"],
            values={
                BlockId.REFLECTION_LEARNED: {ActionId.REFLECTION_FIELD: plain_text_value(text)},
                BlockId.REFLECTION_WILL_TRY: {ActionId.REFLECTION_FIELD: plain_text_value("")},
                BlockId.REFLECTION_RATING: {ActionId.REFLECTION_FIELD: static_select_value("4")},
                BlockId.REFLECTION_SHARE: {
                    ActionId.REFLECTION_FIELD: checkboxes_value(["share"] if share else [])
                },
            },
        )
        assert result.status == 200
        assert "errors" not in result.body

    def outbox(self) -> list[OutboxMessage]:
        with self.uow_factory() as uow:
            return list(uow.session.query(OutboxMessage).order_by(OutboxMessage.id))


def button(message: dict, action_id: str) -> dict | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return element
    return None


def tuesday_10(day: date, user_id: str) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(ZONES[user_id])).astimezone(UTC)


def enrol_and_confirm(running_bot, uow_factory, *, cohort_id: int, people: list[tuple]) -> None:
    """`people` (user id, role, zone, shares, learns) answer the survey; the admin matches and confirms."""
    team_id = running_bot.fake.team_id
    for index, (user_id, role, zone, share, learn) in enumerate(people):
        running_bot.fake.add_user(user_id, name=user_id.lower(), tz=zone)
        surveyed(
            uow_factory,
            team_id=team_id,
            cohort_id=cohort_id,
            user_id=user_id,
            role=role,
            share=share,
            learn=learn,
            department=f"Dept {index}",
            tz=zone,
        )
    preview = run_command(running_bot, "/mentor-admin", "match", user_id=ADMIN_USER_ID)
    confirm = next(
        element
        for block in preview["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ActionId.MATCH_CONFIRM
    )
    response_url = running_bot.fake.new_response_url()
    running_bot.slack.block_action(
        user_id=ADMIN_USER_ID,
        action_id=ActionId.MATCH_CONFIRM,
        value=confirm["value"],
        response_url=response_url,
    )
    assert "live" in running_bot.fake.wait_for_response(response_url)["text"]


def start_program(running_bot, uow_factory, settings, clock: Clock) -> Program:
    """The cohort of PEOPLE, enrolled, matched and confirmed through Slack a few days before it starts."""
    team_id = running_bot.fake.team_id
    cohort = make_cohort(
        uow_factory,
        team_id=team_id,
        state=CohortState.ENROLLING,
        name="Rhythm",
        start_date=START,
        weeks=6,
        cadence_weeks=1,
        checkin_weekday=1,
        checkin_hour=10,
    )
    enrol_and_confirm(running_bot, uow_factory, cohort_id=cohort.id, people=PEOPLE)
    return Program(running_bot, uow_factory, settings, clock)
