"""Department requests (issue 19 point 4), both sides.

The caseworker's side hangs off a case: ask a named department contact to search, see
which departments have answered and which are outstanding, and chase. The contact's side
is "Your requests": only the requests sent to them (the permission table lets the role
open nothing else, and each view checks the request is theirs), each with an upload for
records and a "none held" answer. The rules are in portal.cases.department_requests.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.directory import department_contacts
from portal.accounts.models import StaffUser
from portal.cases import audit, clock, disclosure
from portal.cases import department_requests as service
from portal.cases.casework_models import DisclosureItem
from portal.cases.department_request_models import DepartmentRequest, DepartmentRequestStatus
from portal.cases.errors import CaseworkError
from portal.cases.models import Case, CaseKind
from portal.cases.steps import WORKING_STATES
from portal.documents.written_records import written_kind
from portal.evidence.inspection import MAX_BYTES, clean_file_name, detect_media_type
from portal.evidence.scanning import scan_for_staff, scanner_from_settings
from portal.extensions import db
from portal.forms.department_request_forms import (
    RECORD_ACCEPT,
    WHAT_CAN_BE_UPLOADED,
    NoneHeldForm,
    SendDepartmentRequestForm,
    UploadRecordForm,
)
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, current_actor, load_case
from portal.staff.evidence import file_response, record_name
from portal.staff.permissions import Action, can, refuse, requires

STATUS_LABELS = {
    DepartmentRequestStatus.OUTSTANDING: ("Outstanding", "govuk-tag--orange"),
    DepartmentRequestStatus.RECORDS_UPLOADED: ("Records uploaded", "govuk-tag--green"),
    DepartmentRequestStatus.NONE_HELD: ("None held", "govuk-tag--grey"),
}


def status_label(request: DepartmentRequest) -> tuple[str, str]:
    return STATUS_LABELS[DepartmentRequestStatus(request.status)]


def department_name(key: str | None) -> str:
    """A department's English name in the council profile (its key when it has none)."""
    department = current_app.extensions["council"].department(key)
    return department.name.english if department is not None else (key or "")


def _contact_choices() -> list[tuple[str, str]]:
    return [
        (str(user.id), f"{user.name}, {department_name(user.department_key)}")
        for user in department_contacts(db.session)
    ]


# The caseworker's side.


def render_case_requests(
    case: Case, *, form: SendDepartmentRequestForm | None = None, error: str | None = None
) -> str:
    """The case's department requests, and the form to send one."""
    today = clock.london_today()
    requests = service.case_requests(db.session, case)
    contacts = {user.id: user for user in db.session.scalars(select(StaffUser))}
    return render_template(
        "staff/case/department_requests.html",
        case=case,
        requests=requests,
        contacts=contacts,
        status_label=status_label,
        form=form or SendDepartmentRequestForm(formdata=None, contacts=_contact_choices()),
        error=error,
        default_due_on=service.default_due_on(case, today),
        today=today,
        may_work=can(current_user, Action.WORK_ON_CASE, case),
        may_send=can(current_user, Action.WORK_ON_CASE, case)
        and case.kind == CaseKind.ACCESS
        and case.state in WORKING_STATES,
        outstanding=sum(1 for r in requests if r.is_outstanding),
    )


@bp.get("/cases/<reference>/department-requests")
@requires(Action.VIEW_CASES)
def case_department_requests(reference: str):
    return render_case_requests(load_case(reference, Action.VIEW_CASES))


@bp.post("/cases/<reference>/department-requests")
@requires(Action.WORK_ON_CASE)
def case_send_department_request(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = SendDepartmentRequestForm(contacts=_contact_choices())
    if not form.validate():
        return render_case_requests(case, form=form), 400
    contact = db.session.get(StaffUser, int(form.contact.data))
    if contact is None or contact.department_key is None:
        abort(400)
    try:
        request = service.send_request(
            db.session,
            case,
            contact_id=contact.id,
            department=department_name(contact.department_key),
            department_key=contact.department_key,
            message=form.message.data or "",
            due_on=form.due_on.data,
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused_for_case(case, form, error)
    flash(f"Search request sent to {contact.name}, due {request.due_on:%-d %B %Y}")
    return redirect(url_for(".case_department_requests", reference=case.reference), 303)


@bp.post("/cases/<reference>/department-requests/<int:request_id>/chase")
@requires(Action.WORK_ON_CASE)
def case_chase_department_request(reference: str, request_id: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    request = db.session.get(DepartmentRequest, request_id)
    if request is None or request.case_id != case.id:
        abort(404)
    try:
        service.chase(db.session, case, request, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused_for_case(case, None, error)
    flash(f"{request.department} chased: their contact has been emailed again")
    return redirect(url_for(".case_department_requests", reference=case.reference), 303)


def _refused_for_case(case: Case, form: Any, error: Exception) -> tuple[str, int]:
    db.session.rollback()
    db.session.refresh(case)
    return render_case_requests(case, form=form, error=str(error)), 400


# The department contact's side.


@bp.get("/department-requests")
@requires(Action.ANSWER_DEPARTMENT_REQUEST)
def department_requests_mine():
    return render_template(
        "staff/department_requests/mine.html",
        rows=service.requests_for_contact(db.session, current_user.id),
        status_label=status_label,
        today=clock.london_today(),
    )


def _my_request(request_id: int) -> tuple[DepartmentRequest, Case]:
    """The request, if it was sent to the signed-in contact: 404 when there is none, and a
    refusal (403, audited) when it was sent to someone else."""
    request = db.session.get(DepartmentRequest, request_id)
    case = db.session.get(Case, request.case_id) if request is not None else None
    if request is None or case is None or case.erased_at is not None:
        abort(404)
    if request.contact_id != current_user.id:
        refuse(action=Action.ANSWER_DEPARTMENT_REQUEST, case=case)
    return request, case


def render_request(
    request: DepartmentRequest,
    case: Case,
    *,
    upload_form: UploadRecordForm | None = None,
    none_held_form: NoneHeldForm | None = None,
    error: str | None = None,
) -> str:
    items = db.session.scalars(
        select(DisclosureItem)
        .where(
            DisclosureItem.case_id == case.id,
            DisclosureItem.added_by == current_actor(),
        )
        .order_by(DisclosureItem.id)
    )
    return render_template(
        "staff/department_requests/request.html",
        request=request,
        case=case,
        uploaded=list(items),
        status_label=status_label,
        upload_form=upload_form or UploadRecordForm(formdata=None),
        record_accept=RECORD_ACCEPT,
        none_held_form=none_held_form or NoneHeldForm(formdata=None),
        error=error,
        asked_by=_name_of(request.asked_by),
    )


def _name_of(actor: str) -> str:
    staff_id = actor.removeprefix("staff:")
    user = db.session.get(StaffUser, int(staff_id)) if staff_id.isdigit() else None
    return user.name if user is not None else actor


@bp.get("/department-requests/<int:request_id>")
@requires(Action.ANSWER_DEPARTMENT_REQUEST)
def department_request(request_id: int):
    request, case = _my_request(request_id)
    return render_request(request, case)


@bp.post("/department-requests/<int:request_id>/records")
@requires(Action.ANSWER_DEPARTMENT_REQUEST)
def department_request_upload(request_id: int):
    request, case = _my_request(request_id)
    form = UploadRecordForm()
    if not form.validate():
        return render_request(request, case, upload_form=form), 400
    upload = form.document.data
    content = upload.read(MAX_BYTES + 1) if upload else b""
    # Pages (PDF, JPEG, PNG) or writing (an email saved as a file, text, a Word document:
    # set as pages whenever the caseworker searches, redacts or releases it).
    media_type = detect_media_type(content) or written_kind(content)
    problem = None
    if not content:
        problem = "Choose the file of the record"
    elif len(content) > MAX_BYTES:
        problem = "The file must be 10 MB or smaller"
    elif media_type is None:
        problem = WHAT_CAN_BE_UPLOADED
    else:
        problem = scan_for_staff(content, scanner_from_settings(current_app.config))
    if problem is not None:
        form.document.errors = [problem]
        return render_request(request, case, upload_form=form), 400
    assert media_type is not None  # noqa: S101  (checked above)
    try:
        service.upload_record(
            db.session,
            case,
            request,
            title=form.title.data or "",
            content=content,
            original_name=clean_file_name(upload.filename or "", fallback="record"),
            media_type=media_type,
            item_date=form.item_date.data,
            actor=current_actor(),
            cipher=current_app.extensions["evidence_cipher"],
        )
    except (*DOMAIN_ERRORS, CaseworkError) as error:
        db.session.rollback()
        return render_request(request, case, upload_form=form, error=str(error)), 400
    flash(f"Record uploaded to {case.reference}: {form.title.data}")
    return redirect(url_for(".department_request", request_id=request.id), 303)


@bp.get("/department-requests/<int:request_id>/records/<int:item_id>")
@requires(Action.ANSWER_DEPARTMENT_REQUEST)
def department_request_record(request_id: int, item_id: int):
    """A record the contact uploaded to this request, to check it is the one they meant:
    theirs only (anything else is not found), under a name made here, never cached, and
    each download audited as a caseworker's is (portal.staff.evidence)."""
    request, case = _my_request(request_id)
    item = db.session.scalar(
        select(DisclosureItem).where(
            DisclosureItem.id == item_id,
            DisclosureItem.case_id == case.id,
            DisclosureItem.added_by == current_actor(),
        )
    )
    if item is None or item.encrypted is None:
        abort(404)
    content = disclosure.decrypt_disclosure_item(
        case, item, cipher=current_app.extensions["evidence_cipher"]
    )
    audit.record(
        db.session,
        action="evidence_downloaded",
        actor=current_actor(),
        case_id=case.id,
        details={
            "disclosure_item_id": item.id,
            "department_request_id": request.id,
            "staff_id": current_user.id,
        },
    )
    db.session.commit()
    return file_response(content, record_name(case, item, content))


@bp.post("/department-requests/<int:request_id>/none-held")
@requires(Action.ANSWER_DEPARTMENT_REQUEST)
def department_request_none_held(request_id: int):
    request, case = _my_request(request_id)
    form = NoneHeldForm()
    if not form.validate():
        return render_request(request, case, none_held_form=form), 400
    try:
        service.answer_none_held(
            db.session, case, request, note=form.note.data or "", actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        return render_request(request, case, none_held_form=form, error=str(error)), 400
    flash(f"Answered: {request.department} holds no records for {case.reference}")
    return redirect(url_for(".department_requests_mine"), 303)


def redirect_department_contact() -> Response | None:
    """Where a department contact lands: their requests, not the case workers' home."""
    if can(current_user, Action.ANSWER_DEPARTMENT_REQUEST) and not can(
        current_user, Action.VIEW_CASES
    ):
        return redirect(url_for(".department_requests_mine"), 303)
    return None
