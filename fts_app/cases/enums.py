"""The case vocabulary (docs/domain.md): one source for forms, validation, reports, returns."""

from __future__ import annotations

from fts_app.choices import Choice


class Element(Choice):
    """The national data categories; a case can have several."""

    PATIENT_SAFETY = ("patient-safety", "Patient safety or quality of care")
    WORKER_SAFETY = ("worker-safety", "Worker safety or wellbeing")
    BULLYING = ("bullying", "Bullying or harassment")
    INAPPROPRIATE_BEHAVIOUR = (
        "inappropriate-behaviour",
        "Other inappropriate attitudes or behaviours",
    )
    OTHER = ("other", "Other")


class WorkerGroup(Choice):
    """The professional group of the person who spoke up."""

    ALLIED_HEALTH = ("allied-health", "Allied health professionals")
    MEDICAL_DENTAL = ("medical-dental", "Medical and dental")
    NURSES_MIDWIVES = ("nurses-midwives", "Registered nurses and midwives")
    HEALTHCARE_ASSISTANTS = ("healthcare-assistants", "Nursing assistants or healthcare assistants")
    ADMIN_CLERICAL = ("admin-clerical", "Administrative and clerical")
    CORPORATE = ("corporate", "Corporate services")
    ESTATES_ANCILLARY = ("estates-ancillary", "Estates, cleaning, catering and ancillary")
    HEALTHCARE_SCIENTISTS = ("healthcare-scientists", "Healthcare scientists")
    BOARD_MEMBERS = ("board-members", "Board members")
    STUDENTS = ("students", "Students")
    OTHER = ("other", "Other")
    NOT_KNOWN = ("not-known", "Not known")


class Route(Choice):
    """How the concern reached the guardian."""

    IN_PERSON = ("in-person", "In person")
    PHONE = ("phone", "Phone")
    EMAIL = ("email", "Email")
    LETTER = ("letter", "Letter")
    ONLINE_PORTAL = ("online-portal", "Online portal")
    CHAMPION = ("champion", "Through a champion or ambassador")
    LINE_MANAGER = ("line-manager", "Referred by a line manager")
    HR = ("hr", "Referred by HR")
    PATIENT_SAFETY_TEAM = ("patient-safety-team", "Referred by the patient safety team")
    EXTERNAL_BODY = ("external-body", "Referred by a regulator or other external body")


class ConfidentialityLevel(Choice):
    """How much of their identity the person agreed to share (National Speak Up Policy)."""

    OPEN = ("open", "Open")
    CONFIDENTIAL = ("confidential", "Confidential")
    ANONYMOUS = ("anonymous", "Anonymous")


class CaseStatus(Choice):
    """Where the case is; NEW cases sit in the guardians' shared queue."""

    NEW = ("new", "New")
    IN_PROGRESS = ("in-progress", "In progress")
    CLOSED = ("closed", "Closed")


class AccessKind(Choice):
    """Why a guardian can open a case."""

    ASSIGNED = ("assigned", "Assigned")
    SHARED = ("shared", "Shared")


class EventKind(Choice):
    """An entry in a case's timeline."""

    RECEIVED = ("received", "Concern received")
    ACKNOWLEDGED = ("acknowledged", "Acknowledged")
    NOTE = ("note", "Note")
    ACTION = ("action", "Action")
    ESCALATION = ("escalation", "Escalation")
    REFERRAL = ("referral", "Referral")
    FEEDBACK = ("feedback", "Feedback given")
    FEEDBACK_NOT_POSSIBLE = ("feedback-not-possible", "Feedback could not be given")
    DETRIMENT = ("detriment", "Detriment reported")
    IDENTITY_DISCLOSURE = ("identity-disclosure", "Identity disclosed")
    STATUS_CHANGE = ("status-change", "Status changed")
    ASSIGNMENT = ("assignment", "Assignment changed")
    CLOSURE = ("closure", "Closed")
    REOPENED = ("reopened", "Reopened")
    SPEAK_UP_AGAIN_ANSWER = ("speak-up-again-answer", "Feedback question answered")
    DETRIMENT_CHECK_IN = ("detriment-check-in", "Detriment check-in")


class EscalationTarget(Choice):
    """Who a concern was escalated or referred to."""

    HR = ("hr", "HR")
    PATIENT_SAFETY = ("patient-safety", "Patient safety team")
    COUNTER_FRAUD = ("counter-fraud", "Counter fraud")
    EXECUTIVE_LEAD = ("executive-lead", "Executive lead for speaking up")
    NON_EXECUTIVE_LEAD = ("non-executive-lead", "Non-executive lead for speaking up")
    LINE_MANAGEMENT = ("line-management", "Senior or line management")
    REGULATOR = ("regulator", "A regulator or prescribed person")
    OTHER = ("other", "Other")


class FeedbackMethod(Choice):
    """How feedback reached the person."""

    IN_PERSON = ("in-person", "In person")
    PHONE = ("phone", "Phone")
    EMAIL = ("email", "Email")
    LETTER = ("letter", "Letter")
    PORTAL = ("portal", "Portal message")


class MessageDirection(Choice):
    """Which way a message between guardian and the person went."""

    TO_PERSON = ("to-person", "To the person who spoke up")
    FROM_PERSON = ("from-person", "From the person who spoke up")


class SpeakUpAgain(Choice):
    """The national feedback question: would you speak up again?"""

    YES = ("yes", "Yes")
    NO = ("no", "No")
    MAYBE = ("maybe", "Maybe")
    DONT_KNOW = ("dont-know", "I don't know")


class Restriction(Choice):
    """Whether a case is limited to the guardians named on it (a concern about a colleague)."""

    RESTRICTED = ("restricted", "Restricted to the guardians named on the case")
    UNRESTRICTED = ("unrestricted", "No longer restricted")


class CheckInResult(Choice):
    """What the person said at the detriment check-in after closure."""

    NO_DETRIMENT = ("no-detriment", "No detriment reported")
    DETRIMENT = ("detriment", "Detriment reported")
    NO_REPLY = ("no-reply", "No reply")
