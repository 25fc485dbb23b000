"""The unit of work: one session and one transaction per use case, owned by the service.

    with uow:
        person = uow.people.find(team_id=team_id, user_id=user_id)
        ...
        uow.commit()

Leaving the block without ``commit()`` (or through an exception) rolls everything back, so a
half-done use case never reaches the database. Repositories never commit on their own.
Objects loaded in the block stay readable after it (detached, as they were loaded); changes
made to them afterwards are not saved, so change things inside the block.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from storage.repositories import (
    AuditRepository,
    CheckinRepository,
    CohortRepository,
    EnrollmentRepository,
    EventRepository,
    OutboxRepository,
    PairingRepository,
    PersonRepository,
    PrivacyRepository,
    SkillRepository,
    SurveyResponseRepository,
    WorkspaceRepository,
)


class _Active:
    """The session of one ``with`` block and the repositories bound to it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspaces = WorkspaceRepository(session=session)
        self.people = PersonRepository(session=session)
        self.cohorts = CohortRepository(session=session)
        self.enrollments = EnrollmentRepository(session=session)
        self.outbox = OutboxRepository(session=session)
        self.pairings = PairingRepository(session=session)
        self.checkins = CheckinRepository(session=session)
        self.skills = SkillRepository(session=session)
        self.audit = AuditRepository(session=session)
        self.privacy = PrivacyRepository(session=session)
        self.survey_responses = SurveyResponseRepository(session=session)
        self.events = EventRepository(session=session)


class UnitOfWork:
    """A reusable transaction boundary: each ``with`` block gets a fresh session.

    One instance serves one thread at a time; make one per use case (or per call of a factory).
    """

    def __init__(self, *, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._active: _Active | None = None

    def __enter__(self) -> Self:
        if self._active is not None:
            raise RuntimeError("this UnitOfWork is already open; leave its block before entering it again")
        self._active = _Active(self._session_factory())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        active, self._active = self._current(), None
        try:
            if exc_type is not None:
                # Expire what the failed block loaded: it may not match the database any more.
                active.session.rollback()
        finally:
            # Closing rolls back the open transaction (anything not committed) but, unlike
            # rollback(), keeps loaded objects readable, so a service can return what it read.
            active.session.close()

    def commit(self) -> None:
        """Make the block's changes permanent; the block may go on in a new transaction."""
        self._current().session.commit()

    def rollback(self) -> None:
        """Discard the block's uncommitted changes."""
        self._current().session.rollback()

    @property
    def session(self) -> Session:
        """The block's session, for repositories added later and for tests; services use the repositories."""
        return self._current().session

    @property
    def workspaces(self) -> WorkspaceRepository:
        return self._current().workspaces

    @property
    def people(self) -> PersonRepository:
        return self._current().people

    @property
    def cohorts(self) -> CohortRepository:
        return self._current().cohorts

    @property
    def enrollments(self) -> EnrollmentRepository:
        return self._current().enrollments

    @property
    def outbox(self) -> OutboxRepository:
        return self._current().outbox

    @property
    def pairings(self) -> PairingRepository:
        return self._current().pairings

    @property
    def checkins(self) -> CheckinRepository:
        return self._current().checkins

    @property
    def skills(self) -> SkillRepository:
        return self._current().skills

    @property
    def audit(self) -> AuditRepository:
        return self._current().audit

    @property
    def privacy(self) -> PrivacyRepository:
        return self._current().privacy

    @property
    def survey_responses(self) -> SurveyResponseRepository:
        return self._current().survey_responses

    @property
    def events(self) -> EventRepository:
        return self._current().events

    def _current(self) -> _Active:
        if self._active is None:
            raise RuntimeError("use the UnitOfWork inside a `with uow:` block")
        return self._active
