"""Fuzzing every way in: slash command text, every button's value, every modal's state and metadata.

Hypothesis draws tampered input (other people's ids, negative and huge numbers, odd unicode,
4,000-character strings, missing fields, inputs of the wrong type) and sends it through signed
HTTP into the real app, whose WebClient talks to the fake Slack. Whatever comes in, the bot
answers HTTP 200 at once, never logs an unexpected error, and whatever it says back has text.

The bot runs a live cohort (pairs confirmed, check-ins sent) so that tampered ids reach real
rows. One bot serves every example of a test: Hypothesis runs inside the test, once per
entry point, which keeps the module within seconds.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import create_app
from bot.ids import ActionId, BlockId, CallbackId
from bot.runtime import HttpServer
from bot.slack_gateway import build_web_client
from bot.web import EVENTS_PATH, build_wsgi_app
from storage.engine import ping
from storage.models import Cohort, MatchRun, Pairing
from tests.blockkit import assert_valid_view
from tests.cohort_kit import cohort_form_values
from tests.conftest import ADMIN_USER_ID, EMPLOYEE_USER_ID, SIGNING_SECRET, WORKSPACE_ADMIN_USER_ID
from tests.delivery_kit import Clock
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_requests import (
    SlackRequestSender,
    checkboxes_value,
    multi_static_select_value,
    plain_text_value,
    radio_buttons_value,
    static_select_value,
)
from tests.rhythm_kit import PEOPLE, start_clock, start_program
from tests.survey_kit import survey_values

# FUZZ_EXAMPLES=500 fuzzes longer (the default keeps the suite fast).
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)

# Every button with a listener; the rest of ActionId are inputs inside modals. Destructive
# admin buttons come last, so the participants' buttons meet the cohort while it is live.
BUTTONS = [
    ActionId.OPEN_HELP,
    ActionId.JOIN,
    ActionId.OPEN_SURVEY,
    ActionId.CHECKIN_MET,
    ActionId.CHECKIN_NOT_YET,
    ActionId.CHECKIN_PAUSE,
    ActionId.PAUSE,
    ActionId.RESUME,
    ActionId.LEAVE,
    ActionId.OPEN_PROGRAM_SURVEY,
    ActionId.COHORT_EDIT,
    ActionId.HOME_ADMIN_AUDIT,
    ActionId.HOME_ADMIN_REPORT,
    ActionId.HOME_ADMIN_EXPORT,
    ActionId.HOME_ADMIN_NUDGE,
    ActionId.SLIPPING_CONTACT,
    ActionId.HOME_ADMIN_MATCH,
    ActionId.MATCH_RERUN,
    ActionId.MATCH_CONFIRM,
    ActionId.PAIR_ANYWAY,
    ActionId.SLIPPING_UNPAIR,
]
# Buttons the Home tab draws too; a click there comes without a response_url (messages always have one).
HOME_BUTTONS = {
    ActionId.OPEN_HELP,
    ActionId.JOIN,
    ActionId.OPEN_SURVEY,
    ActionId.PAUSE,
    ActionId.RESUME,
    ActionId.LEAVE,
    ActionId.HOME_ADMIN_AUDIT,
    ActionId.HOME_ADMIN_REPORT,
    ActionId.HOME_ADMIN_EXPORT,
    ActionId.HOME_ADMIN_NUDGE,
    ActionId.HOME_ADMIN_MATCH,
}
INPUTS = {
    ActionId.COHORT_FIELD,
    ActionId.SURVEY_FIELD,
    ActionId.LEAVE_DELETE_DATA,
    ActionId.REFLECTION_FIELD,
    ActionId.PROGRAM_SURVEY_FIELD,
}

# Every modal with a submission listener: its input blocks and the action id they share.
MODALS: dict[CallbackId, tuple[ActionId, list[BlockId]]] = {
    CallbackId.REFLECTION_MODAL: (
        ActionId.REFLECTION_FIELD,
        [
            BlockId.REFLECTION_LEARNED,
            BlockId.REFLECTION_WILL_TRY,
            BlockId.REFLECTION_RATING,
            BlockId.REFLECTION_SHARE,
        ],
    ),
    CallbackId.PROGRAM_SURVEY_MODAL: (
        ActionId.PROGRAM_SURVEY_FIELD,
        [
            BlockId.PROGRAM_SURVEY_SATISFACTION,
            BlockId.PROGRAM_SURVEY_AGAIN,
            BlockId.PROGRAM_SURVEY_SKILLS,
            BlockId.PROGRAM_SURVEY_COMMENTS,
        ],
    ),
    CallbackId.SURVEY_MODAL: (
        ActionId.SURVEY_FIELD,
        [
            BlockId.SURVEY_SKILLS_SHARE,
            BlockId.SURVEY_SKILLS_LEARN,
            BlockId.SURVEY_DEPARTMENT,
            BlockId.SURVEY_GOALS,
            BlockId.SURVEY_MEETING_FORMAT,
            BlockId.SURVEY_CAPACITY,
        ],
    ),
    CallbackId.COHORT_MODAL: (
        ActionId.COHORT_FIELD,
        [
            BlockId.COHORT_NAME,
            BlockId.COHORT_START_DATE,
            BlockId.COHORT_WEEKS,
            BlockId.COHORT_CADENCE,
            BlockId.COHORT_CHECKIN_WEEKDAY,
            BlockId.COHORT_CHECKIN_HOUR,
            BlockId.COHORT_RULES,
            BlockId.COHORT_EMPLOYEES_PER_EXECUTIVE,
            BlockId.COHORT_EXECUTIVES_PER_EMPLOYEE,
        ],
    ),
    # Last: a valid submission takes the person out of the program.
    CallbackId.LEAVE_MODAL: (ActionId.LEAVE_DELETE_DATA, []),
}
COMMANDS = ["/mentor", "/mentor-admin"]
SUBCOMMAND_WORDS = [
    "help", "join", "status", "pause", "resume", "leave", "reflect", "export", "cohort", "new", "edit",
    "skills", "add", "rename", "remove", "invite", "announce", "match", "pair", "unpair", "nudge",
    "close", "audit", "report", "employee", "executive",
]  # fmt: skip
ANSWER_METHODS = (
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.push",
    "views.update",
    "views.publish",
    "files.completeUploadExternal",
)
# Members of the workspace who are not in the program.
OUTSIDERS = ["U0NOBODY1", "W0ENTERP01"]
# The middle of the live cohort's second period (it starts on Monday 1 March 2027).
MID_PROGRAM = datetime(2027, 3, 10, 12, tzinfo=UTC)


# ---- the bot ------------------------------------------------------------------------------------


class _TrackedExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting the listeners still running so a test can wait for them.

    With `process_before_response=False` a listener (and the error handler) runs after the
    HTTP answer; its failures only show once it has finished.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=10, thread_name_prefix="fuzz-listener")
        self._running = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._idle:
            self._running += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._running -= 1
                    self._idle.notify_all()

        return super().submit(run)

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._running == 0, timeout=timeout), "a listener hangs"


@dataclass
class World:
    """Ids that exist in the database, to tamper with."""

    cohort_ids: list[int]
    pairing_ids: list[int]
    run_ids: list[int]
    user_ids: list[str]


@dataclass
class FuzzBot:
    slack: SlackRequestSender
    fake: FakeSlackApi
    listeners: _TrackedExecutor
    world: World


@pytest.fixture
def clock() -> Clock:
    return start_clock()


@pytest.fixture
def fuzz_bot(settings, fake_slack, uow_factory, engine, clock) -> Iterator[FuzzBot]:
    """The real app over HTTP, as `running_bot`, with a live cohort and a way to wait for its listeners."""
    client = build_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    app = create_app(settings, client=client, uow_factory=uow_factory, clock=clock)
    # Bolt takes a `listener_executor` when it builds the App; create_app keeps the default one.
    listeners = _TrackedExecutor()
    app.listener_runner.listener_executor = listeners
    server = HttpServer(
        wsgi_app=build_wsgi_app(bolt_app=app, health_check=lambda: ping(engine=engine)),
        host="127.0.0.1",
        port=0,
    )
    server.start()
    try:
        slack = SlackRequestSender(
            endpoint_url=server.url + EVENTS_PATH, signing_secret=SIGNING_SECRET, team_id=fake_slack.team_id
        )
        bot = FuzzBot(slack=slack, fake=fake_slack, listeners=listeners, world=World([], [], [], []))
        for user_id in OUTSIDERS:
            fake_slack.add_user(user_id, name=user_id.lower())
        program = start_program(bot, uow_factory, settings, clock)
        clock.set(MID_PROGRAM)
        program.tick()
        listeners.wait_idle()
        with uow_factory() as uow:
            bot.world = World(
                cohort_ids=list(uow.session.scalars(select(Cohort.id))),
                pairing_ids=list(uow.session.scalars(select(Pairing.id))),
                run_ids=list(uow.session.scalars(select(MatchRun.id))),
                user_ids=[ADMIN_USER_ID, EMPLOYEE_USER_ID, WORKSPACE_ADMIN_USER_ID]
                + [user_id for user_id, *_ in PEOPLE]
                + OUTSIDERS,
            )
        yield bot
    finally:
        server.stop()
        listeners.shutdown(wait=True)


# ---- what is drawn ------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\u200b",
        "\u202eevil\u202c",
        "ünïcödé ✨ 你好 🤖",
        "<script>&amp;&lt;&gt;",
        "<!channel> <!here|here>",
        "*bold* _it_ ~s~ `code`",
        "null",
        "[]",
        "{}",
        '{"cohort_id": 1}',
        "\x00\x01\x7f",
    ]
)
# Built when drawn, so that Hypothesis does not print them in every strategy's repr.
HUGE_TEXT = st.sampled_from(
    [("🏳️‍🌈", 300), ("x", 4000), ("ü", 3001), ("[", 5000), ('{"cohort_id": ', 2000)]
).map(lambda pair: pair[0] * pair[1])
TEXT = st.one_of(ODD_TEXT, HUGE_TEXT, st.text(max_size=60), st.text(alphabet="0123456789:-U ", max_size=20))
KINDS = st.sampled_from(["midpoint", "closing", "employee", "executive", " 1", "1.5", "", "٣"])
HUGE_NUMBERS = st.sampled_from([0, -1, -(2**31), 2**31 - 1, 2**31, 2**63, 10**40])


def senders(world: World) -> st.SearchStrategy[str]:
    """Who clicks or types: admins, participants, and members outside the program (Slack knows them all)."""
    return st.sampled_from(world.user_ids)


def user_ids(world: World) -> st.SearchStrategy[str]:
    """Ids inside values and text: anyone's, the bot's, or nobody's."""
    return st.one_of(senders(world), st.sampled_from(["U0GHOST01", "UNKNOWN", "U0BOT0001", "W0GHOST01"]))


def numbers(world: World) -> st.SearchStrategy[int]:
    real = world.cohort_ids + world.pairing_ids + world.run_ids
    return st.one_of(st.sampled_from(real), st.integers(-5, 12), HUGE_NUMBERS)


def tampered_values(world: World) -> st.SearchStrategy[str | None]:
    """A button value: missing, free text, a number, or colon-separated parts of anything."""
    part = st.one_of(numbers(world).map(str), user_ids(world), KINDS, TEXT)
    return st.one_of(
        st.none(), TEXT, numbers(world).map(str), st.lists(part, min_size=1, max_size=4).map(":".join)
    )


def values_shaped_like(action_id: ActionId, world: World) -> st.SearchStrategy[str]:
    """The button's own value format ("<pairing>:<period>:<user>"...) with anyone's real ids in it."""
    number = numbers(world).map(str)
    parts = {
        ActionId.MATCH_CONFIRM: (number, st.integers(-1, 5).map(str)),
        ActionId.MATCH_RERUN: (number, st.integers(-1, 5).map(str)),
        ActionId.PAIR_ANYWAY: (number, user_ids(world), user_ids(world)),
        ActionId.OPEN_PROGRAM_SURVEY: (number, KINDS),
        ActionId.CHECKIN_MET: (number, st.integers(-1, 8).map(str), user_ids(world)),
        ActionId.CHECKIN_NOT_YET: (number, st.integers(-1, 8).map(str), user_ids(world)),
        ActionId.CHECKIN_PAUSE: (number, st.integers(-1, 8).map(str), user_ids(world)),
    }.get(action_id, (number,))
    return st.tuples(*parts).map(":".join)


def _option(value: Any) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": str(value)[:75] or "-"}, "value": value}


def element_states(world: World) -> st.SearchStrategy[Any]:
    """What Slack could send for one input, of the right type or not, plus shapes it never sends."""
    scalar = st.one_of(TEXT, numbers(world).map(str), st.none())
    oddity = st.one_of(st.none(), st.integers(), st.booleans(), st.lists(st.integers(), max_size=2), TEXT)
    options = st.lists(st.one_of(scalar.map(_option), oddity), max_size=5)
    return st.one_of(
        st.builds(lambda v: {"type": "plain_text_input", "value": v}, st.one_of(scalar, oddity)),
        st.builds(lambda v: {"type": "number_input", "value": v}, st.one_of(scalar, oddity)),
        st.builds(
            lambda v: {"type": "datepicker", "selected_date": v},
            st.one_of(
                st.sampled_from(["2027-03-01", "2027-02-30", "1970-01-01", "9999-12-31", "0000-00-00"]),
                scalar,
                oddity,
            ),
        ),
        st.builds(
            lambda v: {"type": "static_select", "selected_option": v}, st.one_of(scalar.map(_option), oddity)
        ),
        st.builds(
            lambda v: {"type": "radio_buttons", "selected_option": v}, st.one_of(scalar.map(_option), oddity)
        ),
        st.builds(
            lambda v: {"type": "multi_static_select", "selected_options": v}, st.one_of(options, oddity)
        ),
        st.builds(lambda v: {"type": "checkboxes", "selected_options": v}, st.one_of(options, oddity)),
        st.builds(lambda v: {"type": "users_select", "selected_user": v}, st.one_of(user_ids(world), oddity)),
        st.sampled_from([{}, {"type": "plain_text_input"}, {"type": "mystery", "value": "1"}]),
        oddity,
    )


def state_values(world: World, action_id: ActionId, block_ids: list[BlockId]) -> st.SearchStrategy[Any]:
    """`view.state.values`: each known input present or not, under its action id or another, plus extras."""
    action_ids = st.one_of(st.just(action_id.value), st.sampled_from([a.value for a in ActionId]), TEXT)
    block = st.one_of(
        st.dictionaries(action_ids, element_states(world), min_size=1, max_size=2),
        st.sampled_from([{}, None, "block", []]),
    )
    known = st.fixed_dictionaries({}, optional={str(block_id): block for block_id in block_ids})
    extra = st.dictionaries(st.one_of(TEXT, st.sampled_from([b.value for b in BlockId])), block, max_size=2)
    return st.one_of(
        st.builds(lambda a, b: {**b, **a}, known, extra),
        st.just({}),
    )


def valid_values(callback_id: CallbackId) -> dict[str, Any]:
    """A submission a person could make, before some of its inputs are tampered with."""
    if callback_id == CallbackId.REFLECTION_MODAL:
        field = ActionId.REFLECTION_FIELD.value
        return {
            BlockId.REFLECTION_LEARNED: {field: plain_text_value("How to write a good prompt")},
            BlockId.REFLECTION_WILL_TRY: {field: plain_text_value("")},
            BlockId.REFLECTION_RATING: {field: static_select_value("4")},
            BlockId.REFLECTION_SHARE: {field: checkboxes_value(["share"])},
        }
    if callback_id == CallbackId.PROGRAM_SURVEY_MODAL:
        field = ActionId.PROGRAM_SURVEY_FIELD.value
        return {
            BlockId.PROGRAM_SURVEY_SATISFACTION: {field: static_select_value("5")},
            BlockId.PROGRAM_SURVEY_AGAIN: {field: radio_buttons_value("yes")},
            BlockId.PROGRAM_SURVEY_SKILLS: {field: multi_static_select_value([])},
            BlockId.PROGRAM_SURVEY_COMMENTS: {field: plain_text_value(None)},
        }
    if callback_id == CallbackId.SURVEY_MODAL:
        return survey_values()
    if callback_id == CallbackId.COHORT_MODAL:
        return cohort_form_values(name="Fuzzed cohort")
    return {
        ActionId.LEAVE_DELETE_DATA.value: {ActionId.LEAVE_DELETE_DATA.value: checkboxes_value(["delete"])}
    }


def metadata_shaped_like(callback_id: CallbackId, world: World) -> st.SearchStrategy[str]:
    """The modal's own private_metadata, with anyone's real ids in it."""
    fields = {
        CallbackId.REFLECTION_MODAL: {
            "pairing_id": numbers(world),
            "period": st.one_of(st.none(), st.integers(-1, 8)),
        },
        CallbackId.PROGRAM_SURVEY_MODAL: {"cohort_id": numbers(world), "kind": KINDS},
        CallbackId.SURVEY_MODAL: {"cohort_id": numbers(world), "role": KINDS},
    }.get(callback_id, {"cohort_id": numbers(world)})
    return st.fixed_dictionaries(fields).map(json.dumps)


def private_metadata(world: World) -> st.SearchStrategy[str]:
    """Metadata as our modals write it (JSON), with tampered fields, or anything else."""
    field_value = st.one_of(
        numbers(world),
        numbers(world).map(str),
        st.sampled_from(["midpoint", "closing", "employee", "executive", None, True, 1.5, [], {}]),
        TEXT,
    )
    keys = st.sampled_from(["cohort_id", "pairing_id", "period", "kind", "role", "other"])
    return st.one_of(
        st.dictionaries(keys, field_value, max_size=4).map(json.dumps),
        TEXT,
        st.sampled_from(["1", "true", '{"cohort_id": 1, "role": "employee"}']),
    )


def command_texts(world: World) -> st.SearchStrategy[str]:
    """Words a person might type after a command: subcommands, mentions, channels, numbers, junk."""
    mention = user_ids(world).flatmap(
        lambda user_id: st.sampled_from([f"<@{user_id}>", f"<@{user_id}|name>", f"@{user_id}", user_id])
    )
    word = st.one_of(
        st.sampled_from(SUBCOMMAND_WORDS),
        mention,
        st.sampled_from(["<#C0GENERAL1|general>", "<#C0NOWHERE1>", "<!subteam^S0TEAM1|@team>", "a@b.co"]),
        numbers(world).map(str),
        TEXT,
    )
    subcommand = st.sampled_from([*SUBCOMMAND_WORDS, "HELP", "Pause", ""])
    return st.one_of(
        st.tuples(subcommand, st.lists(word, max_size=5)).map(lambda t: " ".join([t[0], *t[1]])),
        st.lists(word, max_size=6).map(" ".join),
        st.lists(word, min_size=1, max_size=3).map(lambda words: " ".join(words) + " " + "é" * 3900),
        TEXT,
    )


# ---- checking what came back --------------------------------------------------------------------


@dataclass
class Sent:
    """Where the fake Slack and the logs stood before a request, to look at what it caused."""

    calls: int
    records: int


def before(bot: FuzzBot, caplog: pytest.LogCaptureFixture) -> Sent:
    return Sent(calls=len(bot.fake.calls), records=len(caplog.records))


def assert_handled(
    bot: FuzzBot, caplog: pytest.LogCaptureFixture, sent: Sent, *, response_url: str | None
) -> list[dict[str, Any]]:
    """Once the listener is done: no error logged, and everything said to the person has text."""
    bot.listeners.wait_idle()
    errors = [
        f"{record.name}: {record.getMessage()}\n{record.exc_text or ''}"
        for record in caplog.records[sent.records :]
        if record.levelno >= logging.ERROR
        # e.g. "Could not tell U0... about an error": the person was left without an answer.
        or (record.levelno >= logging.WARNING and record.name.startswith("mentor_bot"))
    ]
    assert errors == [], errors[0]
    assert bot.fake.errors == []
    said = [call for call in bot.fake.calls[sent.calls :] if call.method in ANSWER_METHODS]
    for call in said:
        if call.method.startswith("chat."):
            assert str(call.args.get("text") or "").strip(), f"{call.method} without text"
    responses = bot.fake.responses(response_url) if response_url else []
    for response in responses:
        assert str(response.get("text") or "").strip(), f"an answer without text: {response}"
    return said + responses


# ---- the tests ----------------------------------------------------------------------------------


def test_every_button_is_fuzzed():
    assert set(BUTTONS) | INPUTS == set(ActionId)
    assert len(BUTTONS) == len(set(BUTTONS))


def test_every_modal_callback_is_fuzzed():
    notices = {
        CallbackId.HELP_MODAL,
        CallbackId.COHORT_NOTICE_MODAL,
        CallbackId.SURVEY_NOTICE_MODAL,
        CallbackId.REFLECTION_NOTICE_MODAL,
        CallbackId.PROGRAM_SURVEY_NOTICE_MODAL,
    }
    assert set(MODALS) | notices == set(CallbackId)


def fuzz_button(bot: FuzzBot, caplog: pytest.LogCaptureFixture, action_id: ActionId) -> None:
    world = bot.world

    @FUZZ
    @given(data=st.data())
    def click(data: st.DataObject) -> None:
        note(f"button {action_id}")
        user_id = data.draw(senders(world), label="user")
        shaped = data.draw(st.booleans(), label="shaped like ours")
        value = data.draw(
            (values_shaped_like(action_id, world) if shaped else tampered_values(world)), label="value"
        )
        from_home = action_id in HOME_BUTTONS and data.draw(st.booleans(), label="clicked on the Home tab")
        response_url = None if from_home else bot.fake.new_response_url()
        sent = before(bot, caplog)
        result = bot.slack.block_action(
            user_id=user_id,
            action_id=action_id,
            value=value,
            response_url=response_url,
            view={"type": "home", "callback_id": "", "blocks": []} if from_home else None,
            message=None if from_home else {"text": "a message with buttons"},
        )
        assert result.status == 200, result
        answers = assert_handled(bot, caplog, sent, response_url=response_url)
        assert answers, f"{action_id} by {user_id} with {value!r}: no answer at all"

    click()


def fuzz_modal(bot: FuzzBot, caplog: pytest.LogCaptureFixture, callback_id: CallbackId) -> None:
    world = bot.world
    action_id, block_ids = MODALS[callback_id]

    @FUZZ
    @given(data=st.data())
    def submit(data: st.DataObject) -> None:
        note(f"modal {callback_id}")
        user_id = data.draw(senders(world), label="user")
        if data.draw(st.booleans(), label="a real form, partly tampered with"):
            values = valid_values(callback_id)
            tampered = data.draw(state_values(world, action_id, block_ids), label="tampered inputs")
            values.update(tampered if isinstance(tampered, dict) else {})
            metadata = data.draw(metadata_shaped_like(callback_id, world), label="private_metadata")
        else:
            values = data.draw(state_values(world, action_id, block_ids), label="state.values")
            metadata = data.draw(private_metadata(world), label="private_metadata")
        sent = before(bot, caplog)
        result = bot.slack.view_submission(
            user_id=user_id, callback_id=callback_id, values=values, private_metadata=metadata
        )
        assert result.status == 200, result
        assert_handled(bot, caplog, sent, response_url=None)
        if not result.body:
            return
        answer = result.json()
        action = answer.get("response_action")
        assert action in ("errors", "update", "clear"), answer
        if action == "errors":
            assert answer["errors"], answer
            assert set(answer["errors"]) <= {str(block_id) for block_id in block_ids}, answer
            assert all(isinstance(text, str) and text.strip() for text in answer["errors"].values())
        elif action == "update":
            assert_valid_view(answer["view"])

    submit()


def fuzz_command(bot: FuzzBot, caplog: pytest.LogCaptureFixture, command: str) -> None:
    world = bot.world

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        note(f"command {command}")
        user_id = data.draw(senders(world), label="user")
        text = data.draw(command_texts(world), label="text")
        channel_id = data.draw(st.sampled_from(["C0GENERAL1", f"D{user_id}", "G0PRIVATE1"]), label="channel")
        response_url = bot.fake.new_response_url()
        sent = before(bot, caplog)
        result = bot.slack.command(
            command, text, user_id=user_id, response_url=response_url, channel_id=channel_id
        )
        assert result.status == 200, result
        answers = assert_handled(bot, caplog, sent, response_url=response_url)
        assert answers, f"{command} {text!r} by {user_id}: no answer at all"
        for response in bot.fake.responses(response_url):
            assert len(response["text"]) < 4000

    run()


def test_buttons_with_tampered_values_always_get_an_answer_and_never_an_error(fuzz_bot, caplog):
    for action_id in BUTTONS:
        fuzz_button(fuzz_bot, caplog, action_id)


def test_modal_submissions_with_tampered_state_get_a_valid_answer_and_never_an_error(fuzz_bot, caplog):
    for callback_id in MODALS:
        fuzz_modal(fuzz_bot, caplog, callback_id)


def test_commands_with_any_text_always_get_a_short_helpful_answer(fuzz_bot, caplog):
    for command in COMMANDS:
        fuzz_command(fuzz_bot, caplog, command)


def test_home_tab_opens_from_anyone_never_fail(fuzz_bot, caplog):
    world = fuzz_bot.world

    @FUZZ
    @given(user_id=senders(world), tab=st.sampled_from(["home", "messages", "", "other"]))
    def open_home(user_id: str, tab: str) -> None:
        sent = before(fuzz_bot, caplog)
        result = fuzz_bot.slack.app_home_opened(user_id, tab=tab)
        assert result.status == 200, result
        assert_handled(fuzz_bot, caplog, sent, response_url=None)

    open_home()
