"""A department contact's emails (issue 19 point 4), over a real SMTP server on loopback:
one when a search is asked of them, a reminder two working days before their due date if
they have not answered (none if they have), and one each time a caseworker chases. Each is
sent once, however often the worker runs."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.cases import clock
from portal.cases import department_requests as service
from portal.cases.department_request_models import DepartmentRequest
from portal.cases.models import Case, CaseState
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building
from tests.functional.jobs.test_email_delivery import work_until_idle
from tests.functional.staff.conftest import make_account


def asked(app, *, name: str = "Priya Shah") -> tuple[str, int, int, str]:
    """A case in progress and a request to a new housing contact: (reference, request id,
    contact id, contact email)."""
    contact = make_account(app, Role.DEPARTMENT_CONTACT, name=name)
    with building(app) as scenarios:
        case = scenarios.case_in(CaseState.IN_PROGRESS, received=utc_now())
        request = service.send_request(
            db.session,
            case,
            contact_id=contact.id,
            department="Housing",
            department_key="housing",
            message="Tenancy records for the person named in the case",
            actor="staff:1",
        )
        return case.reference, request.id, contact.id, contact.email


def reminder_time(app, request_id: int):
    with app.app_context():
        request = db.session.get(DepartmentRequest, request_id)
        assert request is not None
        day = service.reminder_on(request)
        return day, request.due_on


def test_the_contact_is_emailed_when_asked_and_reminded_once_before_their_due_date(
    smtp_app, smtp_server
):
    smtp_server.start()
    reference, request_id, _contact_id, email = asked(smtp_app)

    work_until_idle(smtp_app)
    [sent] = smtp_server.to(email)  # a folded Subject reads back with a leading space
    reminder_day, due_on = reminder_time(smtp_app, request_id)
    due = f"{due_on:%A %-d %B %Y}"
    assert sent["Subject"].strip() == f"Search request {reference}: search Housing by {due}"
    body = sent.get_content()
    assert body.startswith("Dear Priya Shah,")
    assert f"search Housing records for a subject access request, reference {reference}" in body
    assert f"Please answer by {due}." in body
    assert f"http://portal.test/staff/department-requests/{request_id}" in body
    # What to search for (the person's details) stays behind the sign-in.
    assert "Tenancy records" not in body

    # The reminder waits for its day: 8 in the morning, London time.
    morning = clock.day_starts_at(reminder_day) + timedelta(hours=9)
    work_until_idle(smtp_app, now=morning)
    work_until_idle(smtp_app, now=morning + timedelta(days=1))
    sent, reminder = smtp_server.to(email)
    assert reminder["Subject"].strip() == f"Reminder: search request {reference} is due by {due}"
    assert "you have not answered yet" in reminder.get_content()


def test_no_reminder_once_answered_and_each_chase_is_one_email(smtp_app, smtp_server):
    smtp_server.start()
    reference, request_id, _contact_id, email = asked(smtp_app)
    with building(smtp_app):
        request = db.session.get(DepartmentRequest, request_id)
        assert request is not None
        case = db.session.get(Case, request.case_id)
        assert case is not None
        service.chase(db.session, case, request, actor="staff:1")
    work_until_idle(smtp_app)
    work_until_idle(smtp_app)
    subjects = [m["Subject"].strip() for m in smtp_server.to(email)]
    assert len(subjects) == 2
    assert subjects[1].startswith(f"Chasing search request {reference}, due by")

    with building(smtp_app):
        request = db.session.get(DepartmentRequest, request_id)
        assert request is not None
        case = db.session.get(Case, request.case_id)
        assert case is not None
        service.answer_none_held(db.session, case, request, actor="staff:9")
    reminder_day, _due = reminder_time(smtp_app, request_id)
    work_until_idle(smtp_app, now=clock.day_starts_at(reminder_day) + timedelta(hours=9))
    assert len(smtp_server.to(email)) == 2  # answered: no reminder
