"""One case as a PDF, for the record or a subject access request; identity left out by default."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.cases.access import Viewer, find_visible_case
from fts_app.cases.enums import (
    CaseStatus,
    ConfidentialityLevel,
    Route,
    SpeakUpAgain,
    WorkerGroup,
)
from fts_app.cases.models import Case
from fts_app.cases.timeline import TimelineEntry, directorate_name, staff_names, timeline
from fts_app.template_filters import long_date, long_date_24_hour
from fts_app.timeutil import utcnow

REDACTED = "[Redacted]"
FONT = "Helvetica"
#: the core PDF fonts only know Latin-1; these common characters get a close equivalent
PLAIN_EQUIVALENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class Section:
    """A heading with labelled lines or paragraphs under it."""

    heading: str
    items: list[tuple[str, str]]


def export_case(reference: str, actor: Viewer, *, include_identity: bool) -> bytes:
    """Return the case as a PDF; the export, and any identity it includes, is audited."""
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, actor)
        record(
            session,
            "case.exported",
            actor_id=actor.id,
            case_id=case.id,
            identity_included=include_identity,
        )
        if include_identity:
            record(session, "identity.revealed", actor_id=actor.id, case_id=case.id, via="export")
        sections = case_sections(session, case, include_identity=include_identity)
        exported_by = staff_names(session, {actor.id}).get(actor.id, "")
    return render_pdf(case.reference, sections, exported_by)


def case_sections(session: Session, case: Case, *, include_identity: bool) -> list[Section]:
    """Gather what the PDF shows, decrypted, with the identity redacted unless asked for."""
    return [
        Section("Details", _details(session, case)),
        Section("Dates", _dates(case)),
        Section("The concern", _concern(case)),
        Section("The person who spoke up", _identity(case, include_identity=include_identity)),
        Section("Closure", _closure(case)),
        Section(
            "Timeline, oldest first",
            [_timeline_item(entry) for entry in reversed(timeline(session, case))],
        ),
    ]


def _timeline_item(entry: TimelineEntry) -> tuple[str, str]:
    """Say what happened, who recorded it, the day it happened and when it was recorded."""
    heading = " - ".join(part for part in (entry.title, entry.category, entry.who) if part)
    recorded = (
        long_date(entry.recorded_at) if entry.day_only else long_date_24_hour(entry.recorded_at)
    )
    when = (
        f"On {long_date(entry.happened_on)} (recorded {recorded})"
        if entry.happened_on
        else f"Recorded {recorded}"
    )
    return heading, "\n".join(part for part in (when, entry.body) if part)


def _details(session: Session, case: Case) -> list[tuple[str, str]]:
    return [
        ("Reference", case.reference),
        ("Status", CaseStatus(case.status).label),
        ("Route", Route(case.route).label),
        ("Confidentiality", ConfidentialityLevel(case.confidentiality).label),
        ("Elements", "; ".join(element.label for element in case.elements) or "None recorded"),
        ("Worker group", WorkerGroup(case.worker_group).label),
        ("Directorate or site", directorate_name(session, case) or "Not known"),
        ("Restricted", "Yes" if case.restricted else "No"),
        ("Detriment indicated", "Yes" if case.detriment_indicated else "No"),
    ]


def _dates(case: Case) -> list[tuple[str, str]]:
    dates = [
        ("Received", case.received_on),
        ("Acknowledgement due", case.acknowledge_due_on),
        ("Acknowledged", case.acknowledged_on),
        ("First feedback due", case.first_feedback_due_on),
        ("First feedback given", case.first_feedback_on),
        ("Feedback found not possible", case.feedback_not_possible_on),
        ("Substantive feedback due", case.substantive_feedback_due_on),
        ("Closed", case.closed_on),
        ("Feedback question answered", case.speak_up_again_on),
        ("Detriment check-in due", case.detriment_check_in_due_on),
        ("Detriment check-in done", case.detriment_checked_in_on),
    ]
    return [(label, long_date(day)) for label, day in dates if day]


def _concern(case: Case) -> list[tuple[str, str]]:
    answers = [
        ("What the concern is", case.narrative),
        ("Where", case.location),
        ("When", case.when_happened),
        ("Harm", case.harm),
        ("Raised before", case.raised_before),
        ("Outcome hoped for", case.outcome_hoped),
    ]
    return [(label, text) for label, text in answers if text]


def _identity(case: Case, *, include_identity: bool) -> list[tuple[str, str]]:
    if case.raised_anonymously:
        return [("Identity", "Raised anonymously: no identity is recorded")]
    if not include_identity:
        return [
            ("Name", REDACTED),
            ("Contact details", REDACTED),
            ("Note", "Names written within the concern or timeline are not redacted."),
        ]
    return [
        ("Name", case.contact_name or "Not recorded"),
        ("Contact details", case.contact_details or "Not recorded"),
    ]


def _closure(case: Case) -> list[tuple[str, str]]:
    if case.status != CaseStatus.CLOSED:
        return [("Closure", "The case is open"), *_speak_up_again(case)]
    return [
        ("Outcome", case.outcome or ""),
        ("Learning", case.learning or ""),
        ("Actions still open", case.open_actions or "None"),
        *_speak_up_again(case),
    ]


def _speak_up_again(case: Case) -> list[tuple[str, str]]:
    """Give the person's answer to the feedback question and their comment, as they wrote it."""
    answer = SpeakUpAgain.parse(case.speak_up_again)
    if answer is None:
        # the question is asked at closure; a reopened case keeps any answer it already had
        closed = case.status == CaseStatus.CLOSED
        return [("Would they speak up again?", "No answer yet")] if closed else []
    rows = [("Would they speak up again?", answer.label)]
    if case.speak_up_again_comment:
        rows.append(("Their comment", case.speak_up_again_comment))
    return rows


def pdf_safe(text: str) -> str:
    """Return text the core PDF fonts can draw: close equivalents, else a question mark."""
    return text.translate(PLAIN_EQUIVALENTS).encode("latin-1", "replace").decode("latin-1")


def render_pdf(reference: str, sections: list[Section], exported_by: str) -> bytes:
    """Lay the sections out on A4 pages in a core font."""
    pdf = FPDF(format="A4")
    pdf.set_title(pdf_safe(f"Freedom to Speak Up case {reference}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=16)
    _line(pdf, f"Freedom to Speak Up case {reference}", height=9)
    pdf.set_font(FONT, size=9)
    _line(pdf, f"Exported {long_date_24_hour(utcnow())} by {exported_by}. Confidential.", height=5)
    for section in sections:
        pdf.ln(4)
        pdf.set_font(FONT, style="B", size=13)
        _line(pdf, section.heading, height=8)
        for label, text in section.items:
            pdf.set_font(FONT, style="B", size=10)
            _line(pdf, label, height=5)
            pdf.set_font(FONT, size=10)
            _line(pdf, text, height=5)
            pdf.ln(1)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, *, height: float) -> None:
    pdf.multi_cell(0, height, pdf_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
