"""Every model, imported in one place so the metadata is complete for migrations and tests."""

from fts_app.admin.models import Directorate, OrganisationSettings
from fts_app.audit.models import AuditEvent, AuditHead
from fts_app.auth.models import OneTimeToken, User, UserSession
from fts_app.cases.models import (
    Case,
    CaseAccess,
    CaseElement,
    CaseEvent,
    CaseMessage,
    ReferenceCounter,
)
from fts_app.crypto.models import CaseKey
from fts_app.db import Base
from fts_app.reports.models import BoardReportNarrative, ReleasedReport
from fts_app.speakup.models import EqualityCount, FollowUpThrottle, PendingEquality

__all__ = [
    "AuditEvent",
    "AuditHead",
    "Base",
    "BoardReportNarrative",
    "Case",
    "CaseAccess",
    "CaseElement",
    "CaseEvent",
    "CaseKey",
    "CaseMessage",
    "Directorate",
    "EqualityCount",
    "FollowUpThrottle",
    "OneTimeToken",
    "OrganisationSettings",
    "PendingEquality",
    "ReferenceCounter",
    "ReleasedReport",
    "User",
    "UserSession",
]
