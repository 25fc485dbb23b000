"""The program export and the learning log on a real database, with a recording gateway (no Slack).

A six-week cohort meeting every two weeks (three periods) from Monday 1 March 2027, with two
confirmed pairs, a preview proposal that was never confirmed, reflections whose text carries a
marker, and survey answers whose comments carry another. The admin CSV must hold the figures
and neither marker; a person's log must hold their own text and nothing of their partner's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from bot.exports import ERASED_NAME, program_export_answer
from bot.services.exports import AUDIT_ACTION, export_learning_log, export_program
from storage.models import (
    AuditEvent,
    CheckinAnswer,
    CohortState,
    PairingSource,
    PairingState,
    ProgramSurveyKind,
    SkillSide,
)
from tests.cohort_kit import make_cohort
from tests.matching_kit import TEAM_ID

OTHER_TEAM = "T0OTHER001"
ADMIN = "U0ADMIN01"
ANN, BOB, CAT, DAN = "U0EMPANN1", "U0EXEBOB1", "U0EMPCAT1", "U0EXEDAN1"
NAMES = {
    ANN: '=HYPERLINK("http://evil","click")',
    BOB: 'Bob, "the Boss"\nSmith',
    CAT: "Cat Müller",
    DAN: "@Dan",
}
ZONES = {ANN: "Pacific/Auckland", BOB: "Europe/Paris", CAT: "America/New_York", DAN: "Europe/London"}
START = date(2027, 3, 1)
NOW = datetime(2027, 4, 20, 9, 30, tzinfo=UTC)
REFLECTION_MARKER = "REFLECTION-MARKER-7f3a"
COMMENT_MARKER = "SURVEY-COMMENT-MARKER-91c2"
ANN_LEARNED = f"How {REFLECTION_MARKER} to run a retro,\n## not a heading\n=SUM(A1)"
ANN_WILL_TRY = "Ask for feedback, weekly"
BOB_PRIVATE = f"Bob's private thoughts {REFLECTION_MARKER}-bob-private"
BOB_SHARED = f"Bob shared this {REFLECTION_MARKER}-bob-shared"


def utc(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=UTC)


@dataclass
class RecordingGateway:
    """The one gateway call the exports make, recorded; `refuse` answers like a refused upload."""

    refuse: bool = False
    files: list[dict] = field(default_factory=list)

    def send_file(
        self, *, user_id: str, filename: str, content: bytes, title: str, initial_comment: str
    ) -> bool:
        if self.refuse:
            return False
        self.files.append(
            {
                "user_id": user_id,
                "filename": filename,
                "content": content,
                "title": title,
                "initial_comment": initial_comment,
            }
        )
        return True


@dataclass(frozen=True)
class Program:
    cohort_id: int
    pairings: dict[str, int]
    people: dict[str, int]
    skills: dict[str, int]


def seed_program(uow_factory, *, team_id: str = TEAM_ID, name: str = 'Spring, "Q1" 2027') -> Program:
    """The cohort described in the module docstring, written the way the services leave it."""
    cohort = make_cohort(
        uow_factory,
        team_id=team_id,
        state=CohortState.ACTIVE,
        name=name,
        start_date=START,
        weeks=6,
        cadence_weeks=2,
    )
    with uow_factory() as uow:
        ai = uow.skills.add(team_id=team_id, key="x-ai", name="AI tools", offered_by=SkillSide.EMPLOYEE)
        lead = uow.skills.add(
            team_id=team_id, key="x-lead", name='Leadership, "people"', offered_by=SkillSide.EXECUTIVE
        )
        people = {
            user_id: uow.people.upsert_profile(
                team_id=team_id, user_id=user_id, name=user_id.lower(), real_name=real, tz=ZONES[user_id]
            )
            for user_id, real in NAMES.items()
        }
        uow.session.flush()

        def pairing(employee: str, executive: str, **fields):
            return uow.pairings.add(
                team_id=team_id,
                cohort_id=cohort.id,
                employee_id=people[employee].id,
                executive_id=people[executive].id,
                score=fields.pop("score", 3.0),
                reasons=[],
                employee_skill_ids=fields.pop("employee_skill_ids", []),
                executive_skill_ids=fields.pop("executive_skill_ids", []),
                state=fields.pop("state", PairingState.ACTIVE),
                source=PairingSource.AUTO,
                match_run_id=None,
                at=fields.pop("at", utc(3, 1)),
            )

        ann_bob = pairing(ANN, BOB, employee_skill_ids=[ai.id], executive_skill_ids=[lead.id])
        cat_dan = pairing(CAT, DAN, score=1.5, employee_skill_ids=[ai.id], at=utc(3, 2, 15))
        cat_dan.state = PairingState.ENDED
        cat_dan.ended_at = utc(3, 20, 23)
        cat_dan.end_reason = "=left the program"
        # A proposal of a later preview, never confirmed: not part of the program.
        pairing(ANN, DAN, state=PairingState.PROPOSED, score=9.0)

        def checkin(pairing_id: int, period: int, user_id: str, answer: CheckinAnswer | None, at: datetime):
            row = uow.checkins.ensure(
                team_id=team_id, pairing_id=pairing_id, period=period, person_id=people[user_id].id, at=at
            )
            if answer is not None:
                uow.checkins.answer(checkin=row, answer=answer, at=at)

        checkin(ann_bob.id, 1, ANN, CheckinAnswer.MET, utc(3, 9, 20))
        checkin(ann_bob.id, 1, BOB, CheckinAnswer.MET, utc(3, 9, 10))
        checkin(ann_bob.id, 2, ANN, CheckinAnswer.NOT_YET, utc(3, 23, 8))
        checkin(ann_bob.id, 2, BOB, None, utc(3, 23, 8))
        checkin(cat_dan.id, 1, CAT, CheckinAnswer.PAUSE, utc(3, 9))

        def reflect(pairing_id: int, user_id: str, learned: str, **fields):
            uow.checkins.add_reflection(
                team_id=team_id,
                pairing_id=pairing_id,
                author_id=people[user_id].id,
                period=fields.get("period", 1),
                learned=learned,
                will_try=fields.get("will_try"),
                rating=fields.get("rating"),
                shared=fields.get("shared", False),
                at=fields["at"],
            )

        # 20:00 UTC on 9 March is already 10 March in Auckland.
        reflect(ann_bob.id, ANN, ANN_LEARNED, will_try=ANN_WILL_TRY, rating=4, at=utc(3, 9, 20))
        reflect(
            ann_bob.id, ANN, f"Second one {REFLECTION_MARKER}", rating=5, shared=True, period=2, at=utc(3, 24)
        )
        reflect(ann_bob.id, BOB, BOB_PRIVATE, rating=3, at=utc(3, 9, 11))
        reflect(ann_bob.id, BOB, BOB_SHARED, rating=4, shared=True, at=utc(3, 10))
        reflect(cat_dan.id, CAT, f"Cat {REFLECTION_MARKER}", rating=None, at=utc(3, 10))

        def survey(user_id: str, kind: ProgramSurveyKind, satisfaction: int, again: str):
            uow.survey_responses.upsert(
                team_id=team_id,
                cohort_id=cohort.id,
                person_id=people[user_id].id,
                kind=kind,
                satisfaction=satisfaction,
                again=again,
                skills_gained=[ai.id],
                comments=f"{user_id} says {COMMENT_MARKER}",
                at=utc(3, 22),
            )

        survey(ANN, ProgramSurveyKind.MIDPOINT, 4, "maybe")
        survey(ANN, ProgramSurveyKind.CLOSING, 5, "yes")
        survey(BOB, ProgramSurveyKind.MIDPOINT, 2, "no")
        uow.commit()
        return Program(
            cohort_id=cohort.id,
            pairings={"ann_bob": ann_bob.id, "cat_dan": cat_dan.id},
            people={user_id: person.id for user_id, person in people.items()},
            skills={"ai": ai.id, "lead": lead.id},
        )


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def run_export(uow_factory, gateway: RecordingGateway, *, team_id: str = TEAM_ID, user_id: str = ADMIN):
    return export_program(uow=uow_factory(), gateway=gateway, team_id=team_id, user_id=user_id, now=NOW)


def run_log(uow_factory, gateway: RecordingGateway, user_id: str, *, team_id: str = TEAM_ID):
    return export_learning_log(
        uow=uow_factory(), gateway=gateway, team_id=team_id, user_id=user_id, now=NOW, default_timezone="UTC"
    )


# ---- the program export ---------------------------------------------------------------------

EXPECTED_HEADER = [
    "pair id",
    "employee name",
    "employee user id",
    "executive name",
    "executive user id",
    "state",
    "started (UTC)",
    "ended (UTC)",
    "end reason",
    "score",
    "skills the employee shares (the executive wants them)",
    "skills the executive shares (the employee wants them)",
    "period 1 employee",
    "period 1 executive",
    "period 2 employee",
    "period 2 executive",
    "period 3 employee",
    "period 3 executive",
    "employee average rating",
    "employee reflections",
    "executive average rating",
    "executive reflections",
    "employee midpoint satisfaction",
    "employee closing satisfaction",
    "employee would do again",
    "executive midpoint satisfaction",
    "executive closing satisfaction",
    "executive would do again",
]


def test_admin_export_holds_one_exact_row_per_confirmed_pairing(uow_factory):
    program = seed_program(uow_factory)
    gateway = RecordingGateway()

    result = run_export(uow_factory, gateway)

    assert result.cohort_name == 'Spring, "Q1" 2027'
    assert result.pairs == 2
    assert result.delivered is True
    assert result.file_name == "mentoring-spring-q1-2027-2027-04-20.csv"
    [sent] = gateway.files
    assert sent["user_id"] == ADMIN
    assert sent["filename"] == result.file_name
    rows = rows_of(sent["content"])
    assert rows[0] == EXPECTED_HEADER
    assert rows[1:] == [
        [
            str(program.pairings["ann_bob"]),
            '\'=HYPERLINK("http://evil","click")',
            ANN,
            'Bob, "the Boss"\nSmith',
            BOB,
            "active",
            "2027-03-01",
            "",
            "",
            "3",
            "AI tools",
            'Leadership, "people"',
            "met",
            "met",
            "not yet",
            "no answer",
            "",
            "",
            "4.5",
            "2",
            "3.5",
            "2",
            "4",
            "5",
            "yes",
            "2",
            "",
            "no",
        ],
        [
            str(program.pairings["cat_dan"]),
            "Cat Müller",
            CAT,
            "'@Dan",
            DAN,
            "ended",
            "2027-03-02",
            "2027-03-20",
            "'=left the program",
            "1.5",
            "AI tools",
            "",
            "pause",
            "",
            "",
            "",
            "",
            "",
            "",
            "1",
            "",
            "0",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def test_admin_export_never_holds_reflection_text_or_survey_comments(uow_factory):
    seed_program(uow_factory)
    gateway = RecordingGateway()

    run_export(uow_factory, gateway)

    text = gateway.files[0]["content"].decode("utf-8") + gateway.files[0]["initial_comment"]
    assert REFLECTION_MARKER not in text
    assert COMMENT_MARKER not in text
    assert "retro" not in text
    assert ANN_WILL_TRY not in text


def test_admin_export_is_audited_with_figures_only(uow_factory):
    program = seed_program(uow_factory)

    run_export(uow_factory, RecordingGateway())

    with uow_factory() as uow:
        [event] = uow.session.query(AuditEvent).filter(AuditEvent.action == AUDIT_ACTION).all()
        assert event.team_id == TEAM_ID
        assert event.actor_user_id == ADMIN
        assert event.target == f"cohort:{program.cohort_id}"
        assert event.details == {
            "pairs": 2,
            "periods": 3,
            "file_name": "mentoring-spring-q1-2027-2027-04-20.csv",
        }
        assert event.created_at == NOW


def test_a_refused_upload_is_reported_and_still_audited(uow_factory):
    seed_program(uow_factory)

    result = run_export(uow_factory, RecordingGateway(refuse=True))

    assert result.delivered is False
    assert result.file_name is not None
    assert "could not upload" in program_export_answer(result)
    with uow_factory() as uow:
        assert uow.session.query(AuditEvent).filter(AuditEvent.action == AUDIT_ACTION).count() == 1


def test_export_without_any_cohort_sends_nothing(uow_factory):
    gateway = RecordingGateway()

    result = run_export(uow_factory, gateway)

    assert result.cohort_name is None
    assert result.file_name is None
    assert gateway.files == []
    assert "no cohort" in program_export_answer(result)
    with uow_factory() as uow:
        assert uow.session.query(AuditEvent).filter(AuditEvent.action == AUDIT_ACTION).count() == 0


def test_a_cohort_without_confirmed_pairs_has_nothing_to_export(uow_factory):
    make_cohort(uow_factory, team_id=TEAM_ID, state=CohortState.ENROLLING, name="Autumn")
    gateway = RecordingGateway()

    result = run_export(uow_factory, gateway)

    assert result.cohort_name == "Autumn"
    assert result.file_name is None
    assert gateway.files == []
    assert "no confirmed pairs" in program_export_answer(result)


def test_a_new_draft_does_not_hide_the_last_closed_cohort(uow_factory):
    program = seed_program(uow_factory)
    with uow_factory() as uow:
        cohort = uow.cohorts.get(team_id=TEAM_ID, cohort_id=program.cohort_id)
        cohort.state = CohortState.CLOSED
        cohort.closed_at = utc(4, 12)
        uow.commit()
    make_cohort(uow_factory, team_id=TEAM_ID, name="Autumn 2027")
    gateway = RecordingGateway()

    result = run_export(uow_factory, gateway)

    assert result.cohort_name == 'Spring, "Q1" 2027'
    assert result.pairs == 2
    assert len(rows_of(gateway.files[0]["content"])) == 3


def test_export_stays_inside_its_workspace(uow_factory):
    seed_program(uow_factory, team_id=OTHER_TEAM, name="Theirs")
    gateway = RecordingGateway()

    assert run_export(uow_factory, gateway).cohort_name is None
    assert gateway.files == []

    seed_program_mine = seed_program(uow_factory, name="Ours")
    result = run_export(uow_factory, gateway)
    assert result.cohort_name == "Ours"
    rows = rows_of(gateway.files[0]["content"])
    assert [row[0] for row in rows[1:]] == [str(pid) for pid in seed_program_mine.pairings.values()]


def test_someone_who_had_their_data_deleted_stays_anonymous(uow_factory):
    program = seed_program(uow_factory)
    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM_ID, user_id=BOB)
        person.user_id = "anon-0123456789abcdef"
        person.name = person.real_name = None
        uow.commit()
    gateway = RecordingGateway()

    run_export(uow_factory, gateway)

    row = next(r for r in rows_of(gateway.files[0]["content"]) if r[0] == str(program.pairings["ann_bob"]))
    assert row[3:5] == [ERASED_NAME, ""]
    assert "anon-" not in gateway.files[0]["content"].decode("utf-8")


# ---- the learning log -----------------------------------------------------------------------


def test_learning_log_holds_my_own_reflections_in_full_and_my_checkins(uow_factory):
    seed_program(uow_factory)
    gateway = RecordingGateway()

    result = run_log(uow_factory, gateway, ANN)

    assert result.reflections == 2
    assert result.checkins == 2
    assert result.delivered is True
    # Dates are Ann's local days (Auckland): the export ran on 20 April, at 21:30 there.
    assert result.file_name == "learning-log-2027-04-20.md"
    [sent] = gateway.files
    assert sent["user_id"] == ANN
    log = sent["content"].decode("utf-8")
    assert "> How REFLECTION-MARKER-7f3a to run a retro," in log
    assert "> ## not a heading" in log
    assert f"> {ANN_WILL_TRY}" in log
    assert "Second one" in log
    assert "Rating: 4/5" in log
    assert "Private (only you)" in log
    assert "Shared with your partner" in log
    # Written at 20:00 UTC on 9 March: 10 March in Auckland.
    assert '### 2027-03-10 · Spring, "Q1" 2027 · with Bob, "the Boss" Smith · period 1' in log
    assert 'period 1 · with Bob, "the Boss" Smith: We met' in log
    assert 'period 2 · with Bob, "the Boss" Smith: Not yet' in log
    # Newest first.
    assert log.index("Second one") < log.index("run a retro")
    assert log.index("Not yet") < log.index("We met")


def test_learning_log_never_holds_the_partners_reflections_even_shared_ones(uow_factory):
    seed_program(uow_factory)
    gateway = RecordingGateway()

    run_log(uow_factory, gateway, ANN)

    log = gateway.files[0]["content"].decode("utf-8")
    assert BOB_PRIVATE not in log
    assert BOB_SHARED not in log
    assert "Cat" not in log


def test_learning_log_of_the_partner_holds_only_theirs(uow_factory):
    seed_program(uow_factory)
    gateway = RecordingGateway()

    result = run_log(uow_factory, gateway, BOB)

    assert (result.reflections, result.checkins) == (2, 1), "an unanswered check-in is not in the log"
    log = gateway.files[0]["content"].decode("utf-8")
    assert BOB_PRIVATE in log
    assert BOB_SHARED in log
    assert "run a retro" not in log
    assert "Second one" not in log


def test_an_empty_learning_log_sends_no_file(uow_factory):
    seed_program(uow_factory)
    gateway = RecordingGateway()

    assert run_log(uow_factory, gateway, DAN).file_name is None
    assert run_log(uow_factory, gateway, "U0STRANGER").file_name is None
    assert run_log(uow_factory, gateway, ANN, team_id=OTHER_TEAM).file_name is None
    assert gateway.files == []


def test_learning_log_names_a_deleted_partner_without_their_data(uow_factory):
    seed_program(uow_factory)
    with uow_factory() as uow:
        person = uow.people.find(team_id=TEAM_ID, user_id=BOB)
        person.user_id = "anon-0123456789abcdef"
        person.name = person.real_name = None
        uow.commit()
    gateway = RecordingGateway()

    run_log(uow_factory, gateway, ANN)

    log = gateway.files[0]["content"].decode("utf-8")
    assert "with a partner whose data was deleted" in log
    assert "anon-" not in log


@pytest.mark.parametrize("refuse", [True, False])
def test_learning_log_reports_whether_the_file_arrived(uow_factory, refuse):
    seed_program(uow_factory)

    result = run_log(uow_factory, RecordingGateway(refuse=refuse), CAT)

    assert result.delivered is (not refuse)
    assert result.file_name == "learning-log-2027-04-20.md"
