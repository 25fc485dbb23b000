"""People: Slack users of a workspace, refreshed from their Slack profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Pairing, PairingState, Person


class PersonRepository:
    """Reads and writes ``person`` rows, always scoped by ``team_id``."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def find(self, *, team_id: str, user_id: str) -> Person | None:
        """The person with this Slack user id in this workspace, or None."""
        statement = select(Person).where(Person.team_id == team_id, Person.user_id == user_id)
        return self._session.scalars(statement).one_or_none()

    def upsert_profile(
        self, *, team_id: str, user_id: str, name: str | None, real_name: str | None, tz: str | None
    ) -> Person:
        """Create the person or refresh the profile fields Slack owns (names, time zone).

        The workspace row must exist (``WorkspaceRepository.ensure``). Concurrent first
        contacts are handled like ``ensure``: the loser re-reads inside a savepoint.
        """
        person = self.find(team_id=team_id, user_id=user_id)
        if person is None:
            try:
                with self._session.begin_nested():
                    person = Person(team_id=team_id, user_id=user_id, name=name, real_name=real_name, tz=tz)
                    self._session.add(person)
                return person
            except IntegrityError:
                person = self.find(team_id=team_id, user_id=user_id)
                if person is None:
                    raise
        person.name = name
        person.real_name = real_name
        person.tz = tz
        return person

    def mark_deactivated(self, *, team_id: str, user_id: str, at: datetime) -> Person | None:
        """Flag a person whose Slack account is gone, so nothing more is sent to them; None if unknown."""
        person = self.find(team_id=team_id, user_id=user_id)
        if person is not None:
            person.active = False
            person.deactivated_at = at
        return person

    def mark_unreachable(self, *, team_id: str, user_id: str, reason: str, at: datetime) -> Person | None:
        """Remember that Slack refused DMs to this person for good; None if they are not stored."""
        person = self.find(team_id=team_id, user_id=user_id)
        if person is not None:
            person.unreachable_reason = reason
            person.unreachable_at = at
        return person

    def active_partner(self, *, cohort_id: int, person_id: int) -> Person | None:
        """The other member of the person's active pairing in the cohort, or None (for the Home tab)."""
        statement = (
            select(Pairing)
            .where(
                Pairing.cohort_id == cohort_id,
                Pairing.state == PairingState.ACTIVE,
                or_(Pairing.employee_id == person_id, Pairing.executive_id == person_id),
            )
            .order_by(Pairing.id)
            .limit(1)
        )
        pairing = self._session.scalars(statement).first()
        if pairing is None:
            return None
        partner_id = pairing.executive_id if pairing.employee_id == person_id else pairing.employee_id
        return self._session.get(Person, partner_id)
