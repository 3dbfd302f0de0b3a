"""The emails a department contact gets about a search request (issue 19 point 4): when it
is sent, a reminder before their due date while they have not answered, and each time a
caseworker chases. Staff email, in English.

Each says which request (the case reference), by when, and where to answer it: the portal
page, behind their sign-in. What to search for stays there too, so no details about the
person travel by email.
"""

from __future__ import annotations

from email.headerregistry import Address

from flask import Flask, current_app, render_template

from portal.accounts.models import StaffUser
from portal.cases.department_request_models import DepartmentEmailOccasion, DepartmentRequest
from portal.cases.models import Case
from portal.extensions import db
from portal.jobs import mail
from portal.jobs.emails import Undeliverable, message_id_of
from portal.outbox import Job

SUBJECTS = {
    DepartmentEmailOccasion.SENT: "Search request {reference}: search {department} by {due}",
    DepartmentEmailOccasion.REMINDER: "Reminder: search request {reference} is due by {due}",
    DepartmentEmailOccasion.CHASE: "Chasing search request {reference}, due by {due}",
}

ANSWERED_NOTE = "answered already; no reminder needed"
NO_CONTACT_NOTE = "the contact's account is disabled or erased; not sent"


def send_department_email(job: Job) -> str | None:
    """Job handler: email the department contact about their request. A reminder for a
    request answered by its day sends nothing (a note on the job says so)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    request_id = job.payload.get("request_id")
    request = (
        db.session.get(DepartmentRequest, request_id, populate_existing=True)
        if isinstance(request_id, int)
        else None
    )
    if request is None:
        raise Undeliverable(f"department request {request_id} does not exist")
    try:
        occasion = DepartmentEmailOccasion(str(job.payload.get("occasion")))
    except ValueError:
        raise Undeliverable("the job names no occasion") from None
    if occasion == DepartmentEmailOccasion.REMINDER and not request.is_outstanding:
        return ANSWERED_NOTE
    contact = db.session.get(StaffUser, request.contact_id)
    case = db.session.get(Case, request.case_id)
    if case is None:
        raise Undeliverable(f"case {request.case_id} does not exist")
    if contact is None or not contact.is_active or contact.erased_at is not None:
        return NO_CONTACT_NOTE
    due = f"{request.due_on:%A %-d %B %Y}"
    subject = SUBJECTS[occasion].format(
        reference=case.reference, department=request.department, due=due
    )
    with app.app_context(), app.test_request_context("/", base_url=app.config["PUBLIC_BASE_URL"]):
        body = render_template(
            "emails/department_request.txt",
            occasion=str(occasion),
            name=contact.name,
            reference=case.reference,
            department=request.department,
            due=due,
            chase=job.payload.get("chase") or 0,
            url=f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/staff/department-requests/{request.id}",
            council=app.extensions["council"],
        )
    message = mail.build_message(
        sender=app.config["MAIL_SENDER"],
        to=Address(display_name=contact.name, addr_spec=contact.email),
        reply_to=app.extensions["council"].information_governance.email,
        subject=subject,
        body=body,
        language="en",
        message_id=message_id_of(job, app.config["MAIL_SENDER"]),
    )
    mail.send(message, app.config, job_id=job.id)
    return None
