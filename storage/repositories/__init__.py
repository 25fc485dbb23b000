"""Repositories: one small class per aggregate, each working inside the caller's session.

They add, find and change rows but never commit; the unit of work (``storage.uow``) does.
"""

from storage.repositories.audit import AuditRepository
from storage.repositories.checkin import CheckinRepository
from storage.repositories.cohort import CohortRepository
from storage.repositories.enrollment import EnrollmentRepository
from storage.repositories.events import EventRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.pairing import PairingRepository
from storage.repositories.person import PersonRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.skill import SkillRepository
from storage.repositories.survey_response import SurveyResponseRepository
from storage.repositories.workspace import WorkspaceRepository

__all__ = [
    "AuditRepository",
    "CheckinRepository",
    "CohortRepository",
    "EnrollmentRepository",
    "EventRepository",
    "OutboxRepository",
    "PairingRepository",
    "PersonRepository",
    "PrivacyRepository",
    "SkillRepository",
    "SurveyResponseRepository",
    "WorkspaceRepository",
]
