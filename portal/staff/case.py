"""The staff case page: everything about one request, and the casework actions its state
and the user's role allow, each with its form (the views that take them are in
case_actions.py; the rules are in the stage modules of portal.cases).

A broken rule (errors.CaseworkError, workflow.TransitionNotAllowed) is shown on the page
as an error, with status 400; nothing was written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import Role, StaffUser
from portal.cases import (
    actions,
    allocation,
    case_links,
    clock,
    deadlines,
    department_requests,
    disclosure,
    entitlement,
    errors,
    holds,
    intake,
    objections,
    register,
    restrictions,
    retention,
    rights_decisions,
)
from portal.cases.agencies import agency_name
from portal.cases.casework_models import (
    CaseMessage,
    CaseNote,
    Clarification,
    DepartmentSearch,
    DisclosureItem,
    DisclosureKind,
    MessageKind,
    ObjectionDecision,
    RefusalGround,
    Review,
)
from portal.cases.models import AuditEvent, Case, CaseState
from portal.cases.rights_models import RightsDecision
from portal.cases.workflow import TransitionNotAllowed
from portal.documents import production
from portal.extensions import db
from portal.forms import case_link_forms, complaint_casework, objection_forms, rights_staff_forms
from portal.forms import casework as forms
from portal.forms.objection_forms import OVERRIDE_PART_FIELDS
from portal.staff import bp, labels, next_steps
from portal.staff.after_decision_summary import after_decision_summary
from portal.staff.permissions import Action, can, require, requires, role_of
from portal.staff.request_summary import summary_list_rows, what_they_asked_for

CA = actions.Action


DOMAIN_ERRORS = (errors.CaseworkError, TransitionNotAllowed)


# Actions only the reviewer role takes; every other casework action is WORK_ON_CASE.
REVIEW_ACTIONS = frozenset(
    {
        CA.APPROVE,
        CA.RETURN_FOR_CHANGES,
        CA.REFUSE,
        CA.APPROVE_DECISION,
        CA.APPROVE_OUTCOME,
        CA.APPROVE_CORRECTION,
        CA.APPROVE_RESTRICTION,
        CA.APPROVE_DELETION,
    }
)


STATE_LABELS = {
    CaseState.RECEIVED: ("Received", "govuk-tag--blue"),
    CaseState.AWAITING_IDENTITY: ("Awaiting identity", "govuk-tag--yellow"),
    CaseState.IN_PROGRESS: ("In progress", "govuk-tag--light-blue"),
    CaseState.AWAITING_CLARIFICATION: ("Awaiting clarification", "govuk-tag--yellow"),
    CaseState.IN_REVIEW: ("In review", "govuk-tag--purple"),
    CaseState.READY: ("Ready", "govuk-tag--turquoise"),
    CaseState.COMPLETED: ("Completed", "govuk-tag--green"),
    CaseState.REFUSED: ("Refused", "govuk-tag--red"),
    CaseState.WITHDRAWN: ("Withdrawn", "govuk-tag--grey"),
}


EVENT_LABELS = {
    "request_submitted": "Request received",
    "identity_accepted": "Identity accepted; clock started",
    "identity_requested": "More proof of identity asked for",
    "clarification_requested": "Clarification asked for; clock stopped",
    "clarification_answered": "Clarification answered; clock running again",
    "deadline_extended": "Deadline extended by two months",
    "search_recorded": "Department search recorded",
    "department_request_sent": "Department asked to search",
    "department_request_chased": "Department search chased",
    "department_request_answered": "Department answered its search request",
    "disclosure_item_added": "Disclosure item added",
    "submitted_for_review": "Draft sent for review",
    "draft_approved": "Draft approved",
    "draft_returned": "Draft returned for changes",
    "response_completed": "Response completed",
    "request_refused": "Request refused",
    "request_withdrawn": "Request withdrawn",
    "case_assigned": "Case assigned",
    "note_added": "Note added",
    "objection_assessed": "Objection assessed",
    "decision_proposed": "Decision proposed",
    "decision_approved": "Decision approved",
    "correction_proposed": "Correction decision proposed",
    "correction_approved": "Correction decision approved",
    "restriction_proposed": "Restriction decision proposed",
    "restriction_approved": "Restriction decision approved",
    "deletion_proposed": "Deletion decision proposed",
    "deletion_approved": "Deletion decision approved",
    "restriction_lift_notified": "Requester told the restriction will be lifted (Art 18(3))",
    "evidence_viewed": "Evidence viewed",
    "evidence_released": "Held evidence released by a reviewer (not scanned for malware)",
    "evidence_downloaded": "File downloaded",
    "permission_denied": "Action refused (no permission)",
    "response_pack_ready": "Response pack made",
    "response_pack_failed": "Response pack could not be made",
    "response_pack_retried": "Response pack asked for again",
    "response_pack_downloaded": "Response pack downloaded by staff",
    "response_downloaded": "Response downloaded by the requester",
    "retention_deleted": "Deleted under the retention schedule",
    "complaint_acknowledged": "Complaint acknowledged (s.164A(3))",
    "complaint_progress_reported": "Progress update sent to the complainant",
    "complaint_outcome_proposed": "Outcome drafted for review",
    "complaint_outcome_approved": "Outcome approved and sent",
    "internal_review_asked": "Internal review asked for",
    "internal_review_decided": "Internal review outcome recorded",
    "ico_case_recorded": "ICO case recorded",
    "ico_response_recorded": "Answer to the ICO recorded",
    "ico_case_closed": "ICO case closed",
    "case_linked": "Linked to another request",
    "case_unlinked": "Link to another request removed",
    "case_merged": "Merged into the original request; closed",
    "duplicate_merged_in": "A duplicate request was merged into this one",
}


# C5: the ground a refusal was made on (UK GDPR Art 12(5)), as staff read it.
REFUSAL_GROUNDS = {
    RefusalGround.MANIFESTLY_UNFOUNDED: "manifestly unfounded",
    RefusalGround.EXCESSIVE: "manifestly excessive",
    RefusalGround.REPETITIVE: "repetitive, so manifestly excessive",
}


def refusal_ground(case: Case) -> str | None:
    """The ground of this request's refusal, when it was refused with one."""
    params = db.session.scalar(
        select(CaseMessage.params)
        .where(CaseMessage.case_id == case.id, CaseMessage.kind == MessageKind.REFUSAL)
        .order_by(CaseMessage.id.desc())
        .limit(1)
    )
    ground = (params or {}).get("ground")
    return REFUSAL_GROUNDS.get(RefusalGround(ground)) if ground in set(RefusalGround) else None


def given_date(day: date | None) -> date:
    """A required date field's value, once the form has validated."""
    if day is None:
        abort(400)
    return day


def current_actor() -> str:
    """The signed-in member of staff, as the audit trail names them ("staff:12")."""
    return f"staff:{current_user.id}"


def load_case(reference: str, action: Action) -> Case:
    """The case, after the role check (so a stranger gets 403, not 404), then the rules
    about this case: 404 when there is none."""
    case = db.session.scalar(select(Case).where(Case.reference == reference.upper()))
    if case is None or case.erased_at is not None:  # erased by the retention schedule
        abort(404)
    require(action, case)
    return case


def _staff_names() -> dict[str, str]:
    users = db.session.scalars(select(StaffUser))
    return {f"staff:{user.id}": user.name for user in users}


def case_staff() -> list[tuple[str, str]]:
    """Who a case can be assigned to: active caseworkers and reviewers (actor, label)."""
    users = db.session.scalars(
        select(StaffUser).where(StaffUser.role.in_([Role.CASEWORKER, Role.REVIEWER]))
    )
    return [(f"staff:{u.id}", f"{u.name} ({u.role_label})") for u in users if u.is_active]


def _described(keys: list[str]) -> list[tuple[str, str]]:
    return [(key, objections.processing_description(key)) for key in keys]


def restriction_uses(case: Case) -> list[tuple[str, str]]:
    """C14: the uses the person asked to restrict, as staff read them."""
    return _described(rights_decisions.uses_asked(case))


def uses_in_force(case: Case) -> list[tuple[str, str]]:
    """C14: the uses this request restricted that are still restricted."""
    return _described([e.processing for e in restrictions.entries_in_force(db.session, case)])


def objected_processing(case: Case) -> list[tuple[str, str]]:
    """What the objection names, then the rest of the programme's processing."""
    usual = ["programme", *sorted(objections.RESEARCH_PROCESSING)]
    keys = list(dict.fromkeys([*objections.processing_objected_to(case), *usual]))
    return _described(keys)


def assessed_processing(case: Case) -> list[tuple[str, str]]:
    """The processing the latest assessment found the objection affects (C9)."""
    assessment = objections.latest_assessment(db.session, case)
    return _described(list(assessment.processing_affected) if assessment else [])


def offered_actions(case: Case) -> frozenset[actions.Action]:
    """What the rules allow now, narrowed to what this user's role may do."""
    role = role_of(current_user)
    allowed = actions.allowed_actions(
        db.session,
        case,
        actor=current_actor(),
        actor_role=str(role) if role else None,
        today=clock.london_today(),
    )
    may_work = can(current_user, Action.WORK_ON_CASE, case)
    may_review = can(current_user, Action.REVIEW_CASE, case)
    # Art 18(3): a reviewer, also once the request is completed (C14).
    may_lift = can(current_user, Action.LIFT_RESTRICTION, case)
    return frozenset(
        action
        for action in allowed
        if (
            may_lift
            if action == CA.LIFT_RESTRICTION
            else may_review
            if action in REVIEW_ACTIONS
            else may_work or action == CA.ADD_NOTE
        )
    )


def empty_forms(case: Case) -> dict[str, Any]:
    return {
        "accept_identity": forms.AcceptIdentityForm(prefix="accept", formdata=None),
        "request_identity": forms.RequestIdentityForm(prefix="identity", formdata=None),
        "ask_clarification": forms.ClarificationForm(prefix="clarify", formdata=None),
        "record_clarification_answer": forms.ClarificationAnswerForm(
            prefix="answer", formdata=None
        ),
        "extend": forms.ExtendForm(prefix="extend", formdata=None),
        "record_search": forms.SearchForm(
            prefix="search", formdata=None, departments=council_departments()
        ),
        "add_disclosure_item": forms.DisclosureItemForm(
            prefix="item", formdata=None, departments=council_departments()
        ),
        "submit_for_review": forms.SubmitForReviewForm(prefix="submit", formdata=None),
        "approve": forms.ConfirmActionForm(prefix="approve", formdata=None),
        "return_for_changes": forms.ReturnForm(prefix="return", formdata=None),
        "complete": forms.ConfirmActionForm(prefix="complete", formdata=None),
        "refuse": forms.RefuseForm(prefix="refuse", formdata=None),
        "record_withdrawal": forms.WithdrawalForm(prefix="withdraw", formdata=None),
        "assign": forms.AssignForm(prefix="assign", formdata=None, staff=case_staff()),
        "add_note": forms.NoteForm(prefix="note", formdata=None),
        "assess_objection": objection_forms.assess_objection_form(
            objected_processing(case), prefix="assess", formdata=None
        ),
        "propose_decision": objection_forms.ProposeDecisionForm(
            prefix="decision", formdata=None, processing=assessed_processing(case)
        ),
        "approve_decision": forms.ConfirmActionForm(prefix="approve-decision", formdata=None),
        "record_judgement": judgement_form(case, formdata=None),
        "record_progress": complaint_casework.ProgressForm(prefix="progress", formdata=None),
        "propose_outcome": complaint_casework.ProposeOutcomeForm(prefix="outcome", formdata=None),
        "approve_outcome": forms.ConfirmActionForm(prefix="approve-outcome", formdata=None),
        "propose_correction": rights_staff_forms.ProposeCorrectionForm(
            prefix="correction", formdata=None
        ),
        "approve_correction": forms.ConfirmActionForm(prefix="approve-correction", formdata=None),
        "propose_restriction": rights_staff_forms.ProposeRestrictionForm(
            prefix="restriction",
            formdata=None,
            uses=restriction_uses(case),
            processing=rights_decisions.uses_asked(case),
        ),
        "approve_restriction": forms.ConfirmActionForm(prefix="approve-restriction", formdata=None),
        "propose_deletion": rights_staff_forms.ProposeDeletionForm(
            prefix="deletion", formdata=None
        ),
        "approve_deletion": forms.ConfirmActionForm(prefix="approve-deletion", formdata=None),
        "lift_restriction": rights_staff_forms.LiftRestrictionForm(
            prefix="lift", formdata=None, uses=uses_in_force(case)
        ),
        "link_case": case_link_forms.LinkForm(prefix="link", formdata=None),
        "merge_case": case_link_forms.MergeForm(prefix="merge", formdata=None),
    }


def judgement_form(case: Case, **options: Any) -> forms.JudgementForm:
    """C11: the judgement form with the outcomes for this request (a child's own, or a
    parent's for their child)."""
    form = forms.JudgementForm(prefix="judge", **options)
    kind = entitlement.judgement_needed(case)
    outcomes = entitlement.OUTCOMES.get(kind, {}) if kind else {}
    form.outcome.choices = [(str(value), text) for value, text in outcomes.items()]
    form.outcome.label.text = entitlement.QUESTIONS[kind] if kind else "Your judgement"
    return form


def _rows(model: Any, case: Case) -> list[Any]:
    return list(
        db.session.scalars(select(model).where(model.case_id == case.id).order_by(model.id))
    )


def council_departments() -> list[tuple[str, str]]:
    """The council's departments to search, as staff read them (key, English name)."""
    return [(d.key, d.name.english) for d in current_app.extensions["council"].departments]


def render_case(
    case: Case, *, action: str | None = None, form: Any = None, error: str | None = None
) -> str:
    """The case page; `form` (with its errors) replaces the empty form of `action`."""
    page_forms = empty_forms(case)
    if action and form is not None:
        page_forms[action] = form
    today = clock.london_today()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    )
    council = current_app.extensions["council"]
    offered = {str(a) for a in offered_actions(case)}
    links = case_links.links_of(db.session, case)
    return render_template(
        "staff/case/page.html",
        case=case,
        asked_for=summary_list_rows(what_they_asked_for(case, council)),
        actions=next_steps.lay_out(offered, action),
        action_titles=next_steps.TITLES,
        action_endpoints=next_steps.ENDPOINTS,
        labels=labels,
        state_label=STATE_LABELS.get(CaseState(case.state), (case.state, "")),
        files=intake.files_of(case),
        can_review_evidence=can(current_user, Action.REVIEW_CASE, case),
        evidence_deleted=retention.evidence_deleted(db.session, case),
        explanation=deadlines.explain_case_due_date(case),
        hold_reason=holds.hold_reason_label(case.hold_reason),
        due_sentence=next_steps.due_sentence(case, today),
        today=today,
        events=list(events),
        event_labels=EVENT_LABELS,
        names=_staff_names(),
        notes=_rows(CaseNote, case),
        searches=_rows(DepartmentSearch, case),
        department_requests=department_requests.case_requests(db.session, case),
        disclosure_items=_rows(DisclosureItem, case),
        reviews=_rows(Review, case),
        decisions=_rows(ObjectionDecision, case),
        rights_decisions=_rows(RightsDecision, case),
        agency_name=agency_name,
        clarifications=_rows(Clarification, case),
        assignee=allocation.assignee_of(db.session, case),
        assessment=objections.latest_assessment(db.session, case),
        override_test=objections.override_test,
        must_stop=objections.must_stop,
        test_labels={part: label for part, (label, _h) in OVERRIDE_PART_FIELDS.items()},
        restrictions=register.case_restrictions(db.session, case),
        describe=objections.processing_description,
        exemptions=disclosure.EXEMPTIONS,
        offered=offered,
        forms=page_forms,
        open_action=action,
        error=error,
        uploaded=DisclosureKind.UPLOADED,
        pack=production.latest_pack(db.session, case),
        hub=council.hub(case.hub_source) if case.hub_source else None,
        judgement_needed=entitlement.judgement_needed(case),
        judgement=entitlement.current_judgement(db.session, case),
        judgement_outcomes=entitlement.OUTCOMES,
        refusal_ground=refusal_ground(case) if case.state == CaseState.REFUSED else None,
        related=case_links.related_cases(db.session, case),
        links=links,
        linked_ids={other.id for _link, other in links},
        link_kinds=case_links.LINK_KIND_TEXT,
        merged_into=case_links.merged_into(db.session, case),
        merged_here=case_links.merged_here(db.session, case),
        state_labels=STATE_LABELS,
        may_link=can(current_user, Action.WORK_ON_CASE),
        may_merge=can(current_user, Action.WORK_ON_CASE, case),
        **after_decision_summary(case),
    )


def back_to_case(case: Case, message: str) -> Response:
    """After an action: say what happened, and show the case page again (303)."""
    flash(message)
    return redirect(url_for(".case", reference=case.reference), 303)


@bp.get("/cases/<reference>")
@requires(Action.VIEW_CASES)
def case(reference: str):
    return render_case(load_case(reference, Action.VIEW_CASES))
