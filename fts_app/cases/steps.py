"""The steps a guardian takes on a case, one entry each, listed once in `CASE_STEPS`.

Every step is a page at /cases/<reference>/<slug> (`record_entry` in views.py): its form, the one
service it calls, who may use it, and when the case page offers it. The case page's "Record" and
"Case" lists are built from `offered_steps`, so a new step is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.cases import assignment, closure, progress
from fts_app.cases.access import Viewer, is_assigned_to, is_lead_guardian
from fts_app.cases.enums import (
    AccessKind,
    CaseStatus,
    CheckInResult,
    EscalationTarget,
    FeedbackMethod,
)
from fts_app.cases.forms import (
    AcknowledgeForm,
    ActionForm,
    CaseEntryForm,
    CheckInForm,
    CloseForm,
    DetrimentForm,
    EscalationForm,
    FeedbackForm,
    FeedbackNotPossibleForm,
    GuardianChoiceForm,
    IdentityDisclosureForm,
    MessageForm,
    NoteForm,
    ReopenForm,
    RestrictionForm,
)
from fts_app.cases.models import Case
from fts_app.cases.timeline import guardians_to_offer

#: the roles that work on cases; every casework page is theirs alone
CASEWORKERS = frozenset({Role.GUARDIAN, Role.LEAD_GUARDIAN})


def always(_case: Case) -> bool:
    """Offer the step on every case."""
    return True


def is_closed(case: Case) -> bool:
    """Offer the step on a closed case only."""
    return case.status == CaseStatus.CLOSED


def is_open(case: Case) -> bool:
    """Offer the step on a case not yet closed."""
    return case.status != CaseStatus.CLOSED


def not_acknowledged(case: Case) -> bool:
    """Offer the step until the concern is acknowledged."""
    return not case.acknowledged_on


def check_in_due(case: Case) -> bool:
    """Offer the step on a closed case whose detriment check-in is due and not yet done."""
    return bool(
        is_closed(case) and case.detriment_check_in_due_on and not case.detriment_checked_in_on
    )


@dataclass(frozen=True)
class CaseStep:
    """One page that records one thing on a case, and when the case page links to it."""

    #: the last part of the page's URL, /cases/<reference>/<slug>
    slug: str
    #: the page's heading
    title: str
    #: which list of the case page links to it: "Record" or "Case"
    section: Literal["record", "case"]
    form: type[CaseEntryForm]
    #: the service the page calls, as service(reference, user, *answers(form))
    service: Callable[..., None]
    #: the form's data, in the order the service takes them after the reference and the user
    answers: Callable[[Any], tuple[Any, ...]]
    button: str
    #: said on the case page once the step is recorded
    done: str
    intro: str | None = None
    #: the link's words on the case page, when they differ from the title
    link: str | None = None
    template: str = "cases/entry.html"
    #: fills choices or defaults that depend on the case
    prepare: Callable[[Case, Any], None] | None = None
    #: who may open the page; anyone else gets a 404, as if it did not exist
    roles: frozenset[Role] = CASEWORKERS
    #: when the case page links to the step; the page itself answers in any state
    offered_when: Callable[[Case], bool] = always
    #: whether the case page links this user to it, beyond their role (None: everyone it allows)
    offered_to: Callable[[Case, Viewer], bool] | None = None
    #: the service makes a guardian taking this step on an unassigned case its assigned guardian,
    #: so the page says so beforehand
    takes_unassigned_case: bool = False
    #: the page explains first why the case cannot close yet
    shows_closure_blocker: bool = False

    @property
    def link_text(self) -> str:
        """Return the words of the case page's link to the step."""
        return self.link or self.title

    def may_use(self, user: Viewer) -> bool:
        """Tell whether the user's role may open the step's page."""
        return user.role in self.roles

    def is_offered(self, case: Case, user: Viewer) -> bool:
        """Tell whether the case page links the user to the step for this case as it stands."""
        wanted = self.offered_to is None or self.offered_to(case, user)
        return self.may_use(user) and self.offered_when(case) and wanted

    def record(self, reference: str, user: Viewer, form: Any) -> None:
        """Call the step's service with the form's answers."""
        self.service(reference, user, *self.answers(form))


def _offer_assignable(case: Case, form: GuardianChoiceForm) -> None:
    assigned = {row.user_id for row in case.access_rows if row.kind == AccessKind.ASSIGNED}
    form.offer(guardians_to_offer(db.session(), excluding=assigned))


def _offer_shareable(case: Case, form: GuardianChoiceForm) -> None:
    form.offer(
        guardians_to_offer(db.session(), excluding={row.user_id for row in case.access_rows})
    )


def _limit_to_after_closure(case: Case, form: CheckInForm) -> None:
    form.closed_on_limit = case.closed_on


def _show_current_restriction(case: Case, form: RestrictionForm) -> None:
    if not form.is_submitted():
        form.restricted.data = "yes" if case.restricted else "no"


def _passed_on(form: EscalationForm) -> tuple[Any, ...]:
    return (EscalationTarget(form.target.data), form.reason.data, form.happened_on.data)


#: every step, in the order the case page lists them
CASE_STEPS: tuple[CaseStep, ...] = (
    CaseStep(
        slug="acknowledge",
        title="Acknowledge the concern",
        section="record",
        form=AcknowledgeForm,
        service=progress.acknowledge_case,
        answers=lambda form: (form.acknowledged_on.data, (form.note.data or "").strip()),
        button="Record acknowledgement",
        done="Acknowledgement recorded",
        offered_when=not_acknowledged,
        takes_unassigned_case=True,
    ),
    CaseStep(
        slug="message",
        title="Send a message to the person",
        section="record",
        form=MessageForm,
        service=progress.send_message_to_person,
        answers=lambda form: (form.body.data,),
        button="Send message",
        done="Message sent",
    ),
    CaseStep(
        slug="note",
        title="Add a note",
        section="record",
        form=NoteForm,
        service=progress.add_note,
        answers=lambda form: (form.body.data,),
        button="Add note",
        done="Note added",
    ),
    CaseStep(
        slug="action",
        title="Record an action",
        section="record",
        form=ActionForm,
        service=progress.record_action,
        answers=lambda form: (form.body.data, form.done_on.data),
        button="Record action",
        done="Action recorded",
    ),
    CaseStep(
        slug="escalation",
        title="Record an escalation",
        section="record",
        form=EscalationForm,
        service=progress.record_escalation,
        answers=_passed_on,
        button="Record escalation",
        done="Escalation recorded",
    ),
    CaseStep(
        slug="referral",
        title="Record a referral",
        section="record",
        form=EscalationForm,
        service=progress.record_referral,
        answers=_passed_on,
        button="Record referral",
        done="Referral recorded",
    ),
    CaseStep(
        slug="feedback",
        title="Record feedback given",
        section="record",
        form=FeedbackForm,
        service=progress.record_feedback,
        answers=lambda form: (
            form.given_on.data,
            FeedbackMethod(form.method.data),
            form.summary.data,
        ),
        button="Record feedback",
        done="Feedback recorded",
    ),
    CaseStep(
        slug="feedback-not-possible",
        title="Record that feedback could not be given",
        section="record",
        form=FeedbackNotPossibleForm,
        service=progress.record_feedback_not_possible,
        answers=lambda form: (form.reason.data, form.decided_on.data),
        button="Record reason",
        done="Reason recorded",
    ),
    CaseStep(
        slug="detriment",
        title="Record detriment reported",
        section="record",
        form=DetrimentForm,
        service=progress.record_detriment,
        answers=lambda form: (
            form.what_reported.data,
            form.action_taken.data,
            form.reported_on.data,
        ),
        button="Record detriment",
        done="Detriment recorded",
        intro="Record any disadvantageous or demeaning treatment the person says they suffered "
        "as a result of speaking up.",
    ),
    CaseStep(
        slug="identity-disclosure",
        title="Record an identity disclosure",
        section="record",
        form=IdentityDisclosureForm,
        service=progress.record_identity_disclosure,
        answers=lambda form: (form.to_whom.data, form.reason.data, form.disclosed_on.data),
        button="Record disclosure",
        done="Disclosure recorded",
        intro="Record each time the person's identity was shared with someone else, and why.",
    ),
    CaseStep(
        slug="detriment-check-in",
        title="Record the detriment check-in",
        section="record",
        form=CheckInForm,
        service=progress.record_detriment_check_in,
        answers=lambda form: (
            form.checked_on.data,
            CheckInResult(form.result.data),
            form.summary.data or "",
        ),
        button="Record check-in",
        done="Check-in recorded",
        intro="After closure, ask the person whether they have suffered any detriment "
        "for speaking up.",
        prepare=_limit_to_after_closure,
        offered_when=check_in_due,
    ),
    CaseStep(
        slug="reopen",
        title="Reopen the case",
        section="case",
        form=ReopenForm,
        service=closure.reopen_case,
        answers=lambda form: (form.reason.data,),
        button="Reopen case",
        done="Case reopened",
        offered_when=is_closed,
    ),
    CaseStep(
        slug="close",
        title="Close the case",
        section="case",
        form=CloseForm,
        service=closure.close_case,
        answers=lambda form: (form.outcome.data, form.learning.data, form.open_actions.data or ""),
        button="Close case",
        done="Case closed",
        intro="People who follow up online will be asked whether they would speak up again. "
        "A detriment check-in will be due after closure.",
        offered_when=is_open,
        takes_unassigned_case=True,
        shows_closure_blocker=True,
    ),
    CaseStep(
        slug="share",
        title="Share the case",
        link="Share with another guardian",
        section="case",
        form=GuardianChoiceForm,
        service=assignment.share_case,
        answers=lambda form: (int(form.guardian_id.data),),
        button="Share",
        done="Case shared",
        intro="The guardian you choose can open and work on this case.",
        prepare=_offer_shareable,
    ),
    CaseStep(
        slug="assign",
        title="Assign the case",
        link="Assign to a guardian",
        section="case",
        form=GuardianChoiceForm,
        service=assignment.assign_case,
        answers=lambda form: (int(form.guardian_id.data),),
        button="Assign",
        done="Case assigned",
        intro="The guardian you choose becomes the case's assigned guardian, "
        "in place of any other.",
        prepare=_offer_assignable,
        roles=frozenset({Role.LEAD_GUARDIAN}),
    ),
    CaseStep(
        slug="restriction",
        title="Restrict the case",
        link="Restrict who can open it",
        section="case",
        form=RestrictionForm,
        service=assignment.set_restricted,
        answers=lambda form: (form.restricted.data == "yes",),
        button="Save",
        done="Who can open the case was updated",
        intro="Restrict a case about a colleague: only the guardians named on it will see it, "
        "in lists, searches and counts too. The lead guardian will not see it unless it is "
        "shared with them.",
        prepare=_show_current_restriction,
        # the service refuses anyone else (assignment.set_restricted)
        offered_to=lambda case, user: is_lead_guardian(user) or is_assigned_to(case, user),
    ),
)

STEPS_BY_SLUG: dict[str, CaseStep] = {step.slug: step for step in CASE_STEPS}


def find_step(slug: str, user: Viewer) -> CaseStep | None:
    """Return the step with this slug if the user may use it, else None (the page is a 404)."""
    step = STEPS_BY_SLUG.get(slug)
    return step if step is not None and step.may_use(user) else None


def offered_steps(case: Case, user: Viewer) -> tuple[CaseStep, ...]:
    """Return the steps the case page offers this user for the case as it stands, in order."""
    return tuple(step for step in CASE_STEPS if step.is_offered(case, user))
