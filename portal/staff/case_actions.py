"""The casework actions on the staff case page, one view each: parse the form, call one
service function of portal.cases (identity, deadlines, disclosure, review, closing,
allocation, objections), and say what happened. A broken rule is shown on the case page
as an error, with status 400; nothing was written (portal.staff.case.render_case).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from portal.cases import (
    allocation,
    closing,
    deadlines,
    disclosure,
    entitlement,
    identity,
    objections,
    review,
)
from portal.cases.casework_models import DisclosureKind
from portal.cases.errors import CaseworkError, OverrideTestIncomplete
from portal.cases.models import Case
from portal.cases.override_tests import OverrideTest
from portal.evidence.scanning import scan_for_staff, scanner_from_settings
from portal.extensions import db
from portal.forms import casework as forms
from portal.forms import objection_forms
from portal.staff import bp
from portal.staff.case import (
    DOMAIN_ERRORS,
    assessed_processing,
    back_to_case,
    case_staff,
    council_departments,
    current_actor,
    given_date,
    judgement_form,
    load_case,
    objected_processing,
    render_case,
)
from portal.staff.permissions import Action, requires, role_of


def _invalid(case: Case, action: str, form: Any) -> tuple[str, int]:
    return render_case(case, action=action, form=form), 400


def _refused(case: Case, action: str, form: Any, error: Exception) -> tuple[str, int]:
    db.session.rollback()
    db.session.refresh(case)
    return render_case(case, action=action, form=form, error=str(error)), 400


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
            evidence_arrived_on=given_date(form.evidence_arrived_on.data),
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "accept_identity", form, error)
    return back_to_case(case, "Identity accepted: the clock has started")


@bp.post("/cases/<reference>/request-identity")
@requires(Action.WORK_ON_CASE)
def case_request_identity(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.RequestIdentityForm(prefix="identity")
    if not form.validate():
        return _invalid(case, "request_identity", form)
    try:
        identity.request_identity(
            db.session, case, what_is_needed=form.what_is_needed.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "request_identity", form, error)
    return back_to_case(case, "The requester has been asked for more proof of identity")


@bp.post("/cases/<reference>/clarification")
@requires(Action.WORK_ON_CASE)
def case_ask_clarification(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ClarificationForm(prefix="clarify")
    if not form.validate():
        return _invalid(case, "ask_clarification", form)
    try:
        deadlines.ask_clarification(
            db.session, case, question=form.question.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "ask_clarification", form, error)
    return back_to_case(case, "Clarification asked for: the clock has stopped")


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
            answered_on=given_date(form.answered_on.data),
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_clarification_answer", form, error)
    return back_to_case(case, "Answer recorded: the clock is running again")


@bp.post("/cases/<reference>/extend")
@requires(Action.WORK_ON_CASE)
def case_extend(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ExtendForm(prefix="extend")
    if not form.validate():
        return _invalid(case, "extend", form)
    try:
        deadlines.extend(db.session, case, reason=form.reason.data, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "extend", form, error)
    return back_to_case(case, "Deadline extended by two months: the requester has been told why")


@bp.post("/cases/<reference>/searches")
@requires(Action.WORK_ON_CASE)
def case_record_search(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.SearchForm(prefix="search", departments=council_departments())
    if not form.validate():
        return _invalid(case, "record_search", form)
    department, department_key = form.chosen_department()
    try:
        disclosure.record_search(
            db.session,
            case,
            department=department,
            department_key=department_key,
            searched_on=given_date(form.searched_on.data),
            outcome=form.outcome.data,
            reason_not_searched=form.reason_not_searched.data or "",
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_search", form, error)
    return back_to_case(case, "Search recorded")


@bp.post("/cases/<reference>/items")
@requires(Action.WORK_ON_CASE)
def case_add_disclosure_item(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.DisclosureItemForm(prefix="item", departments=council_departments())
    if not form.validate():
        return _invalid(case, "add_disclosure_item", form)
    upload = form.document.data
    uploaded = form.kind.data == DisclosureKind.UPLOADED
    department, department_key = form.chosen_department()
    content = upload.read() if uploaded and upload else (form.text.data or "")
    try:
        if isinstance(content, bytes) and content:
            _scan_staff_upload(content)
        disclosure.add_disclosure_item(
            db.session,
            case,
            source_department=department,
            source_department_key=department_key,
            title=form.title.data,
            kind=form.kind.data,
            content=content,
            item_date=form.item_date.data,
            exemptions=form.exemptions.data or [],
            redaction_note=form.redaction_note.data or "",
            actor=current_actor(),
            cipher=current_app.extensions["evidence_cipher"],
            original_name=(upload.filename or "") if uploaded and upload else "",
            media_type=(upload.mimetype or "application/octet-stream")
            if uploaded and upload
            else "application/octet-stream",
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "add_disclosure_item", form, error)
    return back_to_case(case, "Disclosure item added")


def _scan_staff_upload(content: bytes) -> None:
    """With a malware scanner set up, a staff upload is scanned before it is kept. Staff
    keep their own copy, so an unscanned file is refused with a request to try again
    rather than held."""
    verdict = scan_for_staff(content, scanner_from_settings(current_app.config))
    if verdict is not None:
        raise CaseworkError(verdict)


@bp.post("/cases/<reference>/submit-for-review")
@requires(Action.WORK_ON_CASE)
def case_submit_for_review(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.SubmitForReviewForm(prefix="submit")
    if not form.validate():
        return _invalid(case, "submit_for_review", form)
    try:
        review.submit_for_review(db.session, case, summary=form.summary.data, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "submit_for_review", form, error)
    return back_to_case(case, "Draft sent to the reviewer")


@bp.post("/cases/<reference>/approve")
@requires(Action.REVIEW_CASE)
def case_approve(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix="approve")
    try:
        review.approve(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "approve", form, error)
    return back_to_case(case, "Draft approved: the response can be produced")


@bp.post("/cases/<reference>/return")
@requires(Action.REVIEW_CASE)
def case_return_for_changes(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ReturnForm(prefix="return")
    if not form.validate():
        return _invalid(case, "return_for_changes", form)
    try:
        review.return_for_changes(
            db.session, case, comments=form.comments.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "return_for_changes", form, error)
    return back_to_case(case, "Draft returned with your comments")


@bp.post("/cases/<reference>/complete")
@requires(Action.WORK_ON_CASE)
def case_complete(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.ConfirmActionForm(prefix="complete")
    try:
        closing.complete(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "complete", form, error)
    return back_to_case(case, "Response completed: the requester has been told")


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
            ground=form.ground.data,
            actor=current_actor(),
            actor_role=str(role) if role else "",
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "refuse", form, error)
    return back_to_case(case, "Request refused: the requester has been sent the reasons")


@bp.post("/cases/<reference>/withdrawal")
@requires(Action.WORK_ON_CASE)
def case_record_withdrawal(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.WithdrawalForm(prefix="withdraw")
    if not form.validate():
        return _invalid(case, "record_withdrawal", form)
    try:
        closing.record_withdrawal(
            db.session, case, how_received=form.how_received.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_withdrawal", form, error)
    return back_to_case(case, "Withdrawal recorded: the case is closed")


@bp.post("/cases/<reference>/assign")
@requires(Action.WORK_ON_CASE)
def case_assign(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = forms.AssignForm(prefix="assign", staff=case_staff())
    if not form.validate():
        return _invalid(case, "assign", form)
    try:
        allocation.assign(
            db.session, case, assignee=form.assignee.data or None, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "assign", form, error)
    return back_to_case(case, "Assignment saved")


@bp.post("/cases/<reference>/who-may-ask")
@requires(Action.WORK_ON_CASE)
def case_record_judgement(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = judgement_form(case)
    if not form.validate():
        return _invalid(case, "record_judgement", form)
    try:
        entitlement.record_judgement(
            db.session,
            case,
            outcome=form.outcome.data,
            reasons=form.reasons.data,
            child_consulted=bool(form.child_consulted.data),
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_judgement", form, error)
    return back_to_case(case, "Judgement recorded")


@bp.post("/cases/<reference>/notes")
@requires(Action.WORK_ON_CASE)
def case_add_note(reference: str):
    # Notes may be added to closed cases too, so only the role is checked here.
    case = load_case(reference, Action.VIEW_CASES)
    form = forms.NoteForm(prefix="note")
    if not form.validate():
        return _invalid(case, "add_note", form)
    try:
        allocation.add_note(db.session, case, text=form.text.data, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "add_note", form, error)
    return back_to_case(case, "Note added")


@bp.post("/cases/<reference>/objection-assessment")
@requires(Action.WORK_ON_CASE)
def case_assess_objection(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = objection_forms.assess_objection_form(objected_processing(case), prefix="assess")
    if not form.validate():
        return _invalid(case, "assess_objection", form)
    try:
        objections.assess_objection(
            db.session,
            case,
            grounds_raised=form.grounds_raised.data,
            processing_affected=form.processing_affected.data or [],
            tests={key: OverrideTest.of(test) for key, test in form.tests_given().items()},
            actor=current_actor(),
        )
    except OverrideTestIncomplete as error:
        # C9: each missing part on its own field; nothing was saved.
        db.session.rollback()
        db.session.refresh(case)
        form.show_field_errors(error.field_errors)
        return _invalid(case, "assess_objection", form)
    except DOMAIN_ERRORS as error:
        return _refused(case, "assess_objection", form, error)
    return back_to_case(case, "Assessment recorded")


@bp.post("/cases/<reference>/decision")
@requires(Action.WORK_ON_CASE)
def case_propose_decision(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = objection_forms.ProposeDecisionForm(
        prefix="decision", processing=assessed_processing(case)
    )
    if not form.validate():
        return _invalid(case, "propose_decision", form)
    try:
        objections.propose_decision(
            db.session,
            case,
            outcome=form.outcome.data,
            upheld_processing=form.upheld_processing.data or [],
            reasons=form.reasons.data,
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "propose_decision", form, error)
    return back_to_case(case, "Decision sent to the reviewer")


@bp.post("/cases/<reference>/decision/approve")
@requires(Action.REVIEW_CASE)
def case_approve_decision(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix="approve-decision")
    try:
        objections.approve_decision(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "approve_decision", form, error)
    return back_to_case(case, "Decision approved: the requester has been told")
