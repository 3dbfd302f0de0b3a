"""The staff case page: everything about one request, and the casework actions its state
and the user's role allow (the stage modules of portal.cases hold the rules; these views only parse
the form, call one casework function, and say what happened).

A broken rule (errors.CaseworkError, workflow.TransitionNotAllowed) is shown on the page
as an error, with status 400; nothing was written.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import Role, StaffUser
from portal.cases import (
    actions,
    allocation,
    clock,
    closing,
    deadlines,
    disclosure,
    errors,
    identity,
    intake,
    objections,
    review,
)
from portal.cases.casework_models import (
    CaseNote,
    Clarification,
    DepartmentSearch,
    DisclosureItem,
    DisclosureKind,
    ObjectionDecision,
    Review,
)
from portal.cases.models import ActingFor, AuditEvent, Case, CaseKind, CaseState, Channel
from portal.cases.requests import PersonDetails, Submission
from portal.cases.workflow import TransitionNotAllowed
from portal.documents import production
from portal.extensions import db
from portal.forms import casework as forms
from portal.notices import current_release
from portal.staff import bp, labels, next_steps
from portal.staff.permissions import Action, can, require, requires, role_of
from portal.staff.request_summary import summary_list_rows, what_they_asked_for

CA = actions.Action
DOMAIN_ERRORS = (errors.CaseworkError, TransitionNotAllowed)

# Actions only the reviewer role takes; every other casework action is WORK_ON_CASE.
REVIEW_ACTIONS = frozenset({CA.APPROVE, CA.RETURN_FOR_CHANGES, CA.REFUSE, CA.APPROVE_DECISION})

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
    "evidence_viewed": "Evidence viewed",
    "evidence_downloaded": "File downloaded",
    "permission_denied": "Action refused (no permission)",
    "response_pack_ready": "Response pack made",
    "response_pack_failed": "Response pack could not be made",
    "response_pack_retried": "Response pack asked for again",
    "response_pack_downloaded": "Response pack downloaded by staff",
    "response_downloaded": "Response downloaded by the requester",
}


def _given(day: date | None) -> date:
    """A required date field's value, once the form has validated."""
    if day is None:
        abort(400)
    return day


def _actor() -> str:
    return f"staff:{current_user.id}"


def _today() -> date:
    return clock.received_on(datetime.now(UTC))


def load_case(reference: str, action: Action) -> Case:
    """The case, after the role check (so a stranger gets 403, not 404), then the rules
    about this case: 404 when there is none."""
    case = db.session.scalar(select(Case).where(Case.reference == reference.upper()))
    if case is None:
        abort(404)
    require(action, case)
    return case


def _staff_names() -> dict[str, str]:
    users = db.session.scalars(select(StaffUser))
    return {f"staff:{user.id}": user.name for user in users}


def _case_staff() -> list[tuple[str, str]]:
    users = db.session.scalars(
        select(StaffUser).where(StaffUser.role.in_([Role.CASEWORKER, Role.REVIEWER]))
    )
    return [(f"staff:{u.id}", f"{u.name} ({u.role_label})") for u in users if u.is_active]


def _described(keys: list[str]) -> list[tuple[str, str]]:
    return [(key, objections.processing_description(key)) for key in keys]


def _objected_processing(case: Case) -> list[tuple[str, str]]:
    """What the objection names, then the rest of the programme's processing."""
    usual = ["programme", *sorted(objections.RESEARCH_PROCESSING)]
    keys = list(dict.fromkeys([*objections.processing_objected_to(case), *usual]))
    return _described(keys)


def _assessed_processing(case: Case) -> list[tuple[str, str]]:
    assessment = objections.latest_assessment(db.session, case)
    return _described(list(assessment.processing_affected) if assessment else [])


def offered_actions(case: Case) -> frozenset[actions.Action]:
    """What the rules allow now, narrowed to what this user's role may do."""
    role = role_of(current_user)
    allowed = actions.allowed_actions(
        db.session, case, actor=_actor(), actor_role=str(role) if role else None, today=_today()
    )
    may_work = can(current_user, Action.WORK_ON_CASE, case)
    may_review = can(current_user, Action.REVIEW_CASE, case)
    return frozenset(
        action
        for action in allowed
        if (may_review if action in REVIEW_ACTIONS else may_work or action == CA.ADD_NOTE)
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
            prefix="search", formdata=None, departments=_departments()
        ),
        "add_disclosure_item": forms.DisclosureItemForm(
            prefix="item", formdata=None, departments=_departments()
        ),
        "submit_for_review": forms.SubmitForReviewForm(prefix="submit", formdata=None),
        "approve": forms.ConfirmActionForm(prefix="approve", formdata=None),
        "return_for_changes": forms.ReturnForm(prefix="return", formdata=None),
        "complete": forms.ConfirmActionForm(prefix="complete", formdata=None),
        "refuse": forms.RefuseForm(prefix="refuse", formdata=None),
        "record_withdrawal": forms.WithdrawalForm(prefix="withdraw", formdata=None),
        "assign": forms.AssignForm(prefix="assign", formdata=None, staff=_case_staff()),
        "add_note": forms.NoteForm(prefix="note", formdata=None),
        "assess_objection": forms.AssessObjectionForm(
            prefix="assess", formdata=None, processing=_objected_processing(case)
        ),
        "propose_decision": forms.ProposeDecisionForm(
            prefix="decision", formdata=None, processing=_assessed_processing(case)
        ),
        "approve_decision": forms.ConfirmActionForm(prefix="approve-decision", formdata=None),
    }


def _rows(model: Any, case: Case) -> list[Any]:
    return list(
        db.session.scalars(select(model).where(model.case_id == case.id).order_by(model.id))
    )


def _departments() -> list[tuple[str, str]]:
    """The council's departments to search, as staff read them (key, English name)."""
    return [(d.key, d.name.english) for d in current_app.extensions["council"].departments]


def render_case(
    case: Case, *, action: str | None = None, form: Any = None, error: str | None = None
) -> str:
    """The case page; `form` (with its errors) replaces the empty form of `action`."""
    page_forms = empty_forms(case)
    if action and form is not None:
        page_forms[action] = form
    today = _today()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    )
    council = current_app.extensions["council"]
    offered = {str(a) for a in offered_actions(case)}
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
        explanation=deadlines.explain_case_due_date(case),
        due_sentence=next_steps.due_sentence(case, today),
        today=today,
        events=list(events),
        event_labels=EVENT_LABELS,
        names=_staff_names(),
        notes=_rows(CaseNote, case),
        searches=_rows(DepartmentSearch, case),
        disclosure_items=_rows(DisclosureItem, case),
        reviews=_rows(Review, case),
        decisions=_rows(ObjectionDecision, case),
        clarifications=_rows(Clarification, case),
        assignee=allocation.assignee_of(db.session, case),
        assessment=objections.latest_assessment(db.session, case),
        describe=objections.processing_description,
        exemptions=disclosure.EXEMPTIONS,
        offered=offered,
        forms=page_forms,
        open_action=action,
        error=error,
        uploaded=DisclosureKind.UPLOADED,
        pack=production.latest_pack(db.session, case),
        hub=council.hub(case.hub_source) if case.hub_source else None,
    )


def _invalid(case: Case, action: str, form: Any) -> tuple[str, int]:
    return render_case(case, action=action, form=form), 400


def _refused(case: Case, action: str, form: Any, error: Exception) -> tuple[str, int]:
    db.session.rollback()
    db.session.refresh(case)
    return render_case(case, action=action, form=form, error=str(error)), 400


def _done(case: Case, message: str) -> Response:
    flash(message)
    return redirect(url_for(".case", reference=case.reference), 303)


@bp.get("/cases/<reference>")
@requires(Action.VIEW_CASES)
def case(reference: str):
    return render_case(load_case(reference, Action.VIEW_CASES))


@bp.post("/cases/<reference>/accept-identity")
@requires(Action.WORK_ON_CASE)
def case_accept_identity(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.AcceptIdentityForm(prefix="accept")
    if not form.validate():
        return _invalid(case, "accept_identity", form)
    try:
        identity.accept_identity(
            db.session,
            case,
            evidence_arrived_on=_given(form.evidence_arrived_on.data),
            actor=_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "accept_identity", form, error)
    return _done(case, "Identity accepted: the clock has started")


@bp.post("/cases/<reference>/request-identity")
@requires(Action.WORK_ON_CASE)
def case_request_identity(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.RequestIdentityForm(prefix="identity")
    if not form.validate():
        return _invalid(case, "request_identity", form)
    try:
        identity.request_identity(
            db.session, case, what_is_needed=form.what_is_needed.data, actor=_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "request_identity", form, error)
    return _done(case, "The requester has been asked for more proof of identity")


@bp.post("/cases/<reference>/clarification")
@requires(Action.WORK_ON_CASE)
def case_ask_clarification(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ClarificationForm(prefix="clarify")
    if not form.validate():
        return _invalid(case, "ask_clarification", form)
    try:
        deadlines.ask_clarification(db.session, case, question=form.question.data, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "ask_clarification", form, error)
    return _done(case, "Clarification asked for: the clock has stopped")


@bp.post("/cases/<reference>/clarification-answer")
@requires(Action.WORK_ON_CASE)
def case_record_clarification_answer(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ClarificationAnswerForm(prefix="answer")
    if not form.validate():
        return _invalid(case, "record_clarification_answer", form)
    try:
        deadlines.record_clarification_answer(
            db.session,
            case,
            answer=form.answer.data,
            answered_on=_given(form.answered_on.data),
            actor=_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_clarification_answer", form, error)
    return _done(case, "Answer recorded: the clock is running again")


@bp.post("/cases/<reference>/extend")
@requires(Action.WORK_ON_CASE)
def case_extend(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ExtendForm(prefix="extend")
    if not form.validate():
        return _invalid(case, "extend", form)
    try:
        deadlines.extend(db.session, case, reason=form.reason.data, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "extend", form, error)
    return _done(case, "Deadline extended by two months: the requester has been told why")


@bp.post("/cases/<reference>/searches")
@requires(Action.WORK_ON_CASE)
def case_record_search(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.SearchForm(prefix="search", departments=_departments())
    if not form.validate():
        return _invalid(case, "record_search", form)
    department, department_key = form.chosen_department()
    try:
        disclosure.record_search(
            db.session,
            case,
            department=department,
            department_key=department_key,
            searched_on=_given(form.searched_on.data),
            outcome=form.outcome.data,
            reason_not_searched=form.reason_not_searched.data or "",
            actor=_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_search", form, error)
    return _done(case, "Search recorded")


@bp.post("/cases/<reference>/items")
@requires(Action.WORK_ON_CASE)
def case_add_disclosure_item(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.DisclosureItemForm(prefix="item", departments=_departments())
    if not form.validate():
        return _invalid(case, "add_disclosure_item", form)
    upload = form.document.data
    uploaded = form.kind.data == DisclosureKind.UPLOADED
    department, department_key = form.chosen_department()
    try:
        disclosure.add_disclosure_item(
            db.session,
            case,
            source_department=department,
            source_department_key=department_key,
            title=form.title.data,
            kind=form.kind.data,
            content=upload.read() if uploaded and upload else (form.text.data or ""),
            item_date=form.item_date.data,
            exemptions=form.exemptions.data or [],
            redaction_note=form.redaction_note.data or "",
            actor=_actor(),
            cipher=current_app.extensions["evidence_cipher"],
            original_name=(upload.filename or "") if uploaded and upload else "",
            media_type=(upload.mimetype or "application/octet-stream")
            if uploaded and upload
            else "application/octet-stream",
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "add_disclosure_item", form, error)
    return _done(case, "Disclosure item added")


@bp.post("/cases/<reference>/submit-for-review")
@requires(Action.WORK_ON_CASE)
def case_submit_for_review(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.SubmitForReviewForm(prefix="submit")
    if not form.validate():
        return _invalid(case, "submit_for_review", form)
    try:
        review.submit_for_review(db.session, case, summary=form.summary.data, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "submit_for_review", form, error)
    return _done(case, "Draft sent to the reviewer")


@bp.post("/cases/<reference>/approve")
@requires(Action.REVIEW_CASE)
def case_approve(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix="approve")
    try:
        review.approve(db.session, case, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "approve", form, error)
    return _done(case, "Draft approved: the response can be produced")


@bp.post("/cases/<reference>/return")
@requires(Action.REVIEW_CASE)
def case_return_for_changes(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ReturnForm(prefix="return")
    if not form.validate():
        return _invalid(case, "return_for_changes", form)
    try:
        review.return_for_changes(db.session, case, comments=form.comments.data, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "return_for_changes", form, error)
    return _done(case, "Draft returned with your comments")


@bp.post("/cases/<reference>/complete")
@requires(Action.WORK_ON_CASE)
def case_complete(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ConfirmActionForm(prefix="complete")
    try:
        closing.complete(db.session, case, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "complete", form, error)
    return _done(case, "Response completed: the requester has been told")


@bp.post("/cases/<reference>/refuse")
@requires(Action.REVIEW_CASE)
def case_refuse(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.RefuseForm(prefix="refuse")
    if not form.validate():
        return _invalid(case, "refuse", form)
    role = role_of(current_user)
    try:
        closing.refuse(
            db.session,
            case,
            reasons=form.reasons.data,
            actor=_actor(),
            actor_role=str(role) if role else "",
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "refuse", form, error)
    return _done(case, "Request refused: the requester has been sent the reasons")


@bp.post("/cases/<reference>/withdrawal")
@requires(Action.WORK_ON_CASE)
def case_record_withdrawal(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.WithdrawalForm(prefix="withdraw")
    if not form.validate():
        return _invalid(case, "record_withdrawal", form)
    try:
        closing.record_withdrawal(
            db.session, case, how_received=form.how_received.data, actor=_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_withdrawal", form, error)
    return _done(case, "Withdrawal recorded: the case is closed")


@bp.post("/cases/<reference>/assign")
@requires(Action.WORK_ON_CASE)
def case_assign(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.AssignForm(prefix="assign", staff=_case_staff())
    if not form.validate():
        return _invalid(case, "assign", form)
    try:
        allocation.assign(db.session, case, assignee=form.assignee.data or None, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "assign", form, error)
    return _done(case, "Assignment saved")


@bp.post("/cases/<reference>/notes")
@requires(Action.WORK_ON_CASE)
def case_add_note(reference: str):
    # Notes may be added to closed cases too, so only the role is checked here.
    case = load_case(reference, Action.VIEW_CASES)
    form = forms.NoteForm(prefix="note")
    if not form.validate():
        return _invalid(case, "add_note", form)
    try:
        allocation.add_note(db.session, case, text=form.text.data, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "add_note", form, error)
    return _done(case, "Note added")


@bp.post("/cases/<reference>/objection-assessment")
@requires(Action.WORK_ON_CASE)
def case_assess_objection(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.AssessObjectionForm(prefix="assess", processing=_objected_processing(case))
    if not form.validate():
        return _invalid(case, "assess_objection", form)
    try:
        objections.assess_objection(
            db.session,
            case,
            grounds_raised=form.grounds_raised.data,
            processing_affected=form.processing_affected.data or [],
            compelling_grounds=form.compelling_grounds.data or "",
            public_interest_research=form.public_interest_research.data or "",
            legal_claims=bool(form.legal_claims.data),
            actor=_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "assess_objection", form, error)
    return _done(case, "Assessment recorded")


@bp.post("/cases/<reference>/decision")
@requires(Action.WORK_ON_CASE)
def case_propose_decision(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ProposeDecisionForm(prefix="decision", processing=_assessed_processing(case))
    if not form.validate():
        return _invalid(case, "propose_decision", form)
    try:
        objections.propose_decision(
            db.session,
            case,
            outcome=form.outcome.data,
            upheld_processing=form.upheld_processing.data or [],
            reasons=form.reasons.data,
            actor=_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "propose_decision", form, error)
    return _done(case, "Decision sent to the reviewer")


@bp.post("/cases/<reference>/decision/approve")
@requires(Action.REVIEW_CASE)
def case_approve_decision(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix="approve-decision")
    try:
        objections.approve_decision(db.session, case, actor=_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "approve_decision", form, error)
    return _done(case, "Decision approved: the requester has been told")


LONDON = ZoneInfo("Europe/London")


def _intake_submission(form: forms.IntakeForm) -> Submission:
    kind = CaseKind(form.kind.data)
    details: dict[str, Any] = {}
    if kind == CaseKind.ACCESS:
        details["what"] = {"scope": "everything"}
        details["delivery"] = {"delivery": form.delivery.data}
    else:
        details["processing"] = {"processing": list(form.processing.data or [])}
        details["reasons"] = {"reasons": form.reasons.data or ""}
    subject = PersonDetails(
        full_name=form.full_name.data,
        date_of_birth=form.date_of_birth.data,
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
    )
    acting_for = ActingFor(form.acting_for.data)
    requester = None
    if acting_for != ActingFor.MYSELF:
        requester = PersonDetails(
            full_name=form.requester_name.data,
            address=form.requester_address.data or "",
            postcode=form.requester_postcode.data or "",
            email=form.requester_email.data or "",
            phone=form.requester_phone.data or "",
        )
    return Submission(
        kind=kind,
        acting_for=acting_for,
        subject=subject,
        requester=requester,
        relationship_to_subject=form.relationship.data if requester else "",
        details=details,
        identity_at_hub=bool(form.identity_at_hub.data),
        language=form.language.data,
        notice_version=current_release().version,
        channel=Channel(form.channel.data),
        hub_source=form.hub.data or None,
    )


def _intake_form() -> forms.IntakeForm:
    form = forms.IntakeForm()
    form.hub.choices = [("", "None")] + [
        (hub.slug, hub.name.english) for hub in current_app.extensions["council"].hubs
    ]
    return form


def _render_intake(form: forms.IntakeForm, error: str | None = None, status: int = 200):
    return render_template("staff/case/intake.html", form=form, error=error), status


@bp.route("/cases/log-request", methods=["GET", "POST"])
@requires(Action.WORK_ON_CASE)
def case_intake():
    form = _intake_form()
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(24)
        return _render_intake(form)
    if not form.validate():
        return _render_intake(form, status=400)
    hour, minute = (int(part) for part in form.received_time.data.split(":"))
    received = datetime.combine(_given(form.received_on.data), time(hour, minute), tzinfo=LONDON)
    try:
        case = intake.log_staff_intake(
            db.session,
            _intake_submission(form),
            channel=Channel(form.channel.data),
            received_at=received,
            actor=_actor(),
            idempotency_key=form.idempotency_key.data,
            cipher=current_app.extensions["evidence_cipher"],
        )
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        return _render_intake(form, error=str(error), status=400)
    return _done(case, f"Request logged: its reference is {case.reference}")
