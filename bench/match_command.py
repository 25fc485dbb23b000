"""`/mentor-admin match` benchmark: the real app over signed HTTP, a cohort of N surveyed people.

The app runs behind the production WSGI server on 127.0.0.1 and talks to the fake Slack over
real HTTP, so the figures include Bolt, the database, the optimiser, the preview message and
the CSV upload. The command is sent `--repeat` times (each run computes a fresh preview),
then Re-run is clicked on the last preview and Confirm on the Re-run preview.
Targets (from the issue): the HTTP ack under 3 s, the preview at the response_url under 10 s.

    .venv/bin/python -m bench.match_command                 # 2,000 people, 20% executives, SQLite
    .venv/bin/python -m bench.match_command --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Exit status 0 when every request met the targets, 1 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.app import create_app
from bot.ids import ActionId
from bot.runtime import HttpServer
from bot.services.matchmaking import INTRO_KIND, UNMATCHED_KIND
from bot.services.skills import list_skills
from bot.settings import ConnectionMode, Settings
from bot.skills import DEFAULT_SKILLS
from bot.slack_gateway import build_web_client
from bot.web import EVENTS_PATH, build_wsgi_app
from storage.engine import create_database_engine, make_session_factory, ping
from storage.migrate import upgrade_database
from storage.models import CohortState, EnrollmentState, OutboxMessage, PersonRole
from storage.uow import UnitOfWork
from tests.cohort_kit import make_cohort
from tests.conftest import ADMIN_USER_ID, SIGNING_SECRET
from tests.dbutil import fresh_database_url
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_requests import HttpResult, SlackRequestSender

ACK_TARGET_SECONDS = 3.0
PREVIEW_TARGET_SECONDS = 10.0
RESPONSE_TIMEOUT_SECONDS = 60.0
EMPLOYEES_PER_EXECUTIVE = 4
N_DEPARTMENTS = 30
# People stored per transaction while the cohort is built: a few commits, not one per person.
BATCH_SIZE = 500
TIME_ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Asia/Tokyo")
# The end of a preview's text: "Matching preview for <cohort>: 987 pairs, 613 unmatched."
_PREVIEW_TEXT = re.compile(r": (\d+) pairs?, (\d+) unmatched\.$")
# The buttons sit in the ephemeral answer to the command, as Slack shows it in a channel.
_CONTAINER = {"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL1", "is_ephemeral": True}


@dataclass(frozen=True)
class Answers:
    """One participant's survey answers (skill keys), as the survey stores them."""

    user_id: str
    role: PersonRole
    share: list[str]
    learn: list[str]
    department: str
    capacity: int | None
    tz: str


@dataclass(frozen=True)
class Measure:
    """One request: its ack, when the bot's answer reached the response_url, and what it said."""

    name: str
    ack: float
    answered: float
    answer: dict[str, Any]
    csv_bytes: int | None

    @property
    def is_preview(self) -> bool:
        return self.counts is not None

    @property
    def counts(self) -> tuple[int, int] | None:
        """(pairs, unmatched) read from a preview's text; None for any other answer."""
        found = _PREVIEW_TEXT.search(self.answer.get("text", ""))
        return (int(found.group(1)), int(found.group(2))) if found else None

    def button_value(self, action_id: str) -> str:
        for block in self.answer.get("blocks", []):
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if element.get("action_id") == action_id:
                    return str(element["value"])
        raise RuntimeError(f"no {action_id} button in the answer: {self.answer.get('text')!r}")


def participants(count: int, *, executives_share: float, seed: int) -> list[Answers]:
    """A reproducible cohort: employees share 1-4 employee-side skills and learn 1-2 executive-side
    ones, executives the mirror; executives answered the capacity question with 1 to 4."""
    rng = random.Random(seed)
    keys: dict[str, list[str]] = {"employee": [], "executive": []}
    for skill in DEFAULT_SKILLS:
        keys[skill.offered_by].append(skill.key)
    executives = round(count * executives_share)
    people = []
    for index in range(count):
        role = PersonRole.EXECUTIVE if index < executives else PersonRole.EMPLOYEE
        own, other = ("executive", "employee") if role == PersonRole.EXECUTIVE else ("employee", "executive")
        people.append(
            Answers(
                user_id=f"U0{'X' if role == PersonRole.EXECUTIVE else 'E'}{index:07d}",
                role=role,
                share=rng.sample(keys[own], rng.randint(1, min(4, len(keys[own])))),
                learn=rng.sample(keys[other], rng.randint(1, min(2, len(keys[other])))),
                department=f"Department {rng.randrange(N_DEPARTMENTS):02d}",
                capacity=rng.randint(1, EMPLOYEES_PER_EXECUTIVE) if role == PersonRole.EXECUTIVE else None,
                tz=rng.choice(TIME_ZONES),
            )
        )
    return people


def enroll(
    uow_factory: Callable[[], UnitOfWork], *, team_id: str, cohort_id: int, people: list[Answers]
) -> None:
    """Store everyone as the survey leaves them, through the repositories, BATCH_SIZE per transaction."""
    ids = {skill.key: skill.id for skill in list_skills(uow=uow_factory(), team_id=team_id).skills}
    now = datetime.now(UTC)
    for start in range(0, len(people), BATCH_SIZE):
        with uow_factory() as uow:
            uow.workspaces.ensure(team_id=team_id)
            for answers in people[start : start + BATCH_SIZE]:
                person = uow.people.upsert_profile(
                    team_id=team_id,
                    user_id=answers.user_id,
                    name=answers.user_id.lower(),
                    real_name=f"Person {answers.user_id[2:]}",
                    tz=answers.tz,
                )
                enrollment = uow.enrollments.add(
                    team_id=team_id,
                    cohort_id=cohort_id,
                    person_id=person.id,
                    role=answers.role,
                    state=EnrollmentState.SURVEYED,
                    at=now,
                )
                enrollment.department = answers.department
                enrollment.capacity = answers.capacity
                enrollment.surveyed_at = now
                enrollment.consent_at = now
                uow.enrollments.replace_skills(
                    team_id=team_id,
                    enrollment_id=enrollment.id,
                    share=[ids[key] for key in answers.share],
                    learn=[ids[key] for key in answers.learn],
                )
            uow.commit()


class Admin:
    """The admin in Slack: sends signed requests and waits for the answers at their response_urls."""

    def __init__(self, *, slack: SlackRequestSender, fake: FakeSlackApi) -> None:
        self._slack = slack
        self._fake = fake

    def match(self, name: str) -> Measure:
        url = self._fake.new_response_url()
        measure = self._measure(
            name,
            url,
            lambda: self._slack.command("/mentor-admin", "match", user_id=ADMIN_USER_ID, response_url=url),
        )
        if not measure.is_preview:
            raise RuntimeError(f"the bot did not answer with a preview: {measure.answer.get('text')!r}")
        return measure

    def click(self, name: str, action_id: str, value: str) -> Measure:
        url = self._fake.new_response_url()
        return self._measure(
            name,
            url,
            lambda: self._slack.block_action(
                user_id=ADMIN_USER_ID,
                action_id=action_id,
                value=value,
                response_url=url,
                container=_CONTAINER,
            ),
        )

    def _measure(self, name: str, url: str, send: Callable[[], HttpResult]) -> Measure:
        files_before = len(self._fake.uploaded_files)
        started = time.perf_counter()
        result = send()
        if result.status != 200:
            raise RuntimeError(f"the bot answered HTTP {result.status}: {result.body[:200]}")
        answer = self._fake.wait_for_response(url, timeout=RESPONSE_TIMEOUT_SECONDS)
        answered = time.perf_counter() - started
        files = self._fake.uploaded_files[files_before:]
        csv_bytes = len(files[-1].content or b"") if files else None
        print(f"  {name}: {answered:.2f} s", file=sys.stderr, flush=True)
        return Measure(
            name=name, ack=result.elapsed_seconds, answered=answered, answer=answer, csv_bytes=csv_bytes
        )


def queued(uow_factory: Callable[[], UnitOfWork], *, team_id: str) -> dict[str, int]:
    """Outbox rows by kind, as Confirm left them."""
    with uow_factory() as uow:
        statement = (
            select(OutboxMessage.kind, func.count())
            .where(OutboxMessage.team_id == team_id)
            .group_by(OutboxMessage.kind)
        )
        return {kind: int(count) for kind, count in uow.session.execute(statement)}


def run(args: argparse.Namespace) -> tuple[list[Measure], dict[str, int], float]:
    """Build the cohort, match `repeat` times, Re-run, Confirm; returns the measures, outbox, setup time."""
    with FakeSlackApi() as fake, fresh_database_url(args.database_url) as database_url:
        fake.add_user(ADMIN_USER_ID, name="ada", real_name="Ada Admin", tz="Europe/London")
        upgrade_database(database_url=database_url)
        engine = create_database_engine(database_url)
        session_factory = make_session_factory(engine)

        def uow_factory() -> UnitOfWork:
            return UnitOfWork(session_factory=session_factory)

        settings = Settings(
            slack_bot_token=fake.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.base_url,
            database_url=database_url,
            mentor_admins=frozenset({ADMIN_USER_ID}),
            mode=ConnectionMode.HTTP,
        )
        client = build_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        server = HttpServer(
            wsgi_app=build_wsgi_app(
                bolt_app=create_app(settings, client=client, uow_factory=uow_factory),
                health_check=lambda: ping(engine=engine),
            ),
            host="127.0.0.1",
            port=0,
        )
        server.start()
        try:
            started = time.perf_counter()
            cohort = make_cohort(
                uow_factory,
                team_id=fake.team_id,
                state=CohortState.ENROLLING,
                employees_per_executive=EMPLOYEES_PER_EXECUTIVE,
            )
            people = participants(args.participants, executives_share=args.executives_share, seed=args.seed)
            enroll(uow_factory, team_id=fake.team_id, cohort_id=cohort.id, people=people)
            setup = time.perf_counter() - started

            slack = SlackRequestSender(
                endpoint_url=server.url + EVENTS_PATH, signing_secret=SIGNING_SECRET, team_id=fake.team_id
            )
            admin = Admin(slack=slack, fake=fake)
            measures = [admin.match(f"match {number}") for number in range(1, args.repeat + 1)]
            rerun = admin.click(
                "re-run", ActionId.MATCH_RERUN, measures[-1].button_value(ActionId.MATCH_RERUN)
            )
            if not rerun.is_preview:
                raise RuntimeError(f"Re-run did not answer with a preview: {rerun.answer.get('text')!r}")
            confirm = admin.click(
                "confirm", ActionId.MATCH_CONFIRM, rerun.button_value(ActionId.MATCH_CONFIRM)
            )
            if fake.errors:
                raise RuntimeError(f"the fake Slack failed: {fake.errors[0]}")
            return [*measures, rerun, confirm], queued(uow_factory, team_id=fake.team_id), setup
        finally:
            server.stop()
            engine.dispose()


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_table(measures: list[Measure], outbox_kinds: dict[str, int]) -> bool:
    """One column per request and the median times of the `match` commands; True if all targets were met."""
    matches = [m for m in measures if m.name.startswith("match")]
    median = Measure(
        name="median",
        ack=statistics.median(m.ack for m in matches),
        answered=statistics.median(m.answered for m in matches),
        answer={},
        csv_bytes=None,
    )
    columns = [*matches, median, *measures[len(matches) :]]
    confirm = measures[-1]

    def cells(show: Callable[[Measure], str | None]) -> list[str]:
        return [show(m) or "-" for m in columns]

    def counts(m: Measure, index: int) -> str | None:
        return str(m.counts[index]) if m.counts else None

    def queued_on_confirm(kind: str) -> Callable[[Measure], str | None]:
        return lambda m: str(outbox_kinds.get(kind, 0)) if m is confirm else None

    rows: list[tuple[str, list[str]]] = [
        ("", cells(lambda m: m.name)),
        ("HTTP ack (s)", cells(lambda m: f"{m.ack:.3f}")),
        ("answer at response_url (s)", cells(lambda m: f"{m.answered:.2f}")),
        ("pairs in the preview", cells(lambda m: counts(m, 0))),
        ("unmatched in the preview", cells(lambda m: counts(m, 1))),
        ("blocks in the answer", cells(lambda m: str(len(m.answer["blocks"])) if m.answer else None)),
        (
            "CSV sent to the DM (KB)",
            cells(lambda m: None if m.csv_bytes is None else f"{m.csv_bytes / 1024:.1f}"),
        ),
        (f"outbox rows '{INTRO_KIND}'", cells(queued_on_confirm(INTRO_KIND))),
        (f"outbox rows '{UNMATCHED_KIND}'", cells(queued_on_confirm(UNMATCHED_KIND))),
        (f"target: ack < {ACK_TARGET_SECONDS:g} s", cells(lambda m: _verdict(m.ack < ACK_TARGET_SECONDS))),
        (
            f"target: preview < {PREVIEW_TARGET_SECONDS:g} s",
            cells(lambda m: _verdict(m.answered < PREVIEW_TARGET_SECONDS) if m is not confirm else None),
        ),
    ]
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(values[i]) for _, values in rows) for i in range(len(columns))]
    for label, values in rows:
        print(label.ljust(label_width) + "".join(f"  {value:>{widths[i]}}" for i, value in enumerate(values)))
    return all(m.ack < ACK_TARGET_SECONDS for m in measures) and all(
        m.answered < PREVIEW_TARGET_SECONDS for m in measures if m is not confirm
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.match_command", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--participants", type=int, default=2000, help="people who answered the survey")
    parser.add_argument(
        "--executives-share", type=float, default=0.2, help="share of them who are executives"
    )
    parser.add_argument("--repeat", type=int, default=3, help="`match` commands, each a fresh preview")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL base URL (a fresh schema is used); default SQLite"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic cohort")
    args = parser.parse_args(argv)
    if args.repeat < 1 or not 0 < args.executives_share < 1:
        parser.error("--repeat must be at least 1, and --executives-share between 0 and 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # slack_sdk would send even 127.0.0.1 calls through a configured proxy.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(name, None)
    executives = round(args.participants * args.executives_share)
    database = "PostgreSQL (fresh schema)" if args.database_url else "SQLite (temporary file)"
    print(
        f"match command: {args.participants} participants ({args.participants - executives} employees "
        f"taking 1, {executives} executives taking 1-{EMPLOYEES_PER_EXECUTIVE}), "
        f"{len(DEFAULT_SKILLS)} skills, {N_DEPARTMENTS} departments, seed {args.seed}; database: {database}",
        flush=True,
    )
    measures, outbox_kinds, setup = run(args)
    print(f"cohort stored in {setup:.1f} s (not measured below)\n")
    passed = print_table(measures, outbox_kinds)
    print(f"\nall targets: {_verdict(passed)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
