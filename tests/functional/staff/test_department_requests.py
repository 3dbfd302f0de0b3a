"""Department requests on the staff pages (issue 19 point 4): a caseworker asks a named
department contact to search and chases them; the contact signs in, sees only the requests
sent to them, and uploads records or answers "none held"; the case's search follows."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from portal.accounts.models import Role, StaffUser
from portal.cases.casework_models import DepartmentSearch, DisclosureItem
from portal.cases.department_request_models import DepartmentRequest
from portal.cases.models import Case, CaseState
from portal.documents.written_records import EMAIL, WORD
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, get_page
from tests.functional.staff.conftest import (
    events_since,
    last_event_id,
    page_token,
    sign_in,
    unique_email,
)
from tests.functional.staff.test_case_page import date_parts
from tests.unit.documents.test_written_records import a_word_document, an_email
from tests.visible import element_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MESSAGE = "Tenancy and repairs records for the person named in the case, 2019 to now"


def requests_url(reference: str) -> str:
    return f"/staff/cases/{reference}/department-requests"


def new_case(app) -> str:
    with building(app) as scenarios:
        return scenarios.case_in(CaseState.IN_PROGRESS, received=utc_now()).reference


def send(client, reference: str, contact_id: int, *, status: int = 303, **extra):
    token = page_token(client, requests_url(reference))
    data = {"csrf_token": token, "contact": str(contact_id), "message": MESSAGE, **extra}
    response = client.post(requests_url(reference), data=data)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


@dataclass(frozen=True)
class Asked:
    """A case whose caseworker asked a Housing contact to search, and that contact signed
    in on a client of their own, with the request's page."""

    reference: str
    contact: StaffUser
    request: DepartmentRequest
    contact_client: Any
    url: str


def ask_a_contact(app, client, signed_in, staff_account) -> Asked:
    signed_in(client, Role.CASEWORKER)
    contact = staff_account(Role.DEPARTMENT_CONTACT)
    reference = new_case(app)
    send(client, reference, contact.id)
    [request] = stored(app, reference)
    contact_client = app.test_client()
    sign_in(contact_client, contact)
    return Asked(
        reference, contact, request, contact_client, f"/staff/department-requests/{request.id}"
    )


def upload(contact_client, url: str, title: str, content: bytes, name: str):
    """The contact's upload form sent with one file, as a browser sends it."""
    return contact_client.post(
        f"{url}/records",
        data={
            "csrf_token": page_token(contact_client, url),
            "title": title,
            "document": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


def stored(app, reference: str) -> list[DepartmentRequest]:
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        rows = list(
            db.session.scalars(
                select(DepartmentRequest)
                .where(DepartmentRequest.case_id == case.id)
                .order_by(DepartmentRequest.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def searches(app, reference: str) -> list[tuple[str, str]]:
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        rows = db.session.scalars(
            select(DepartmentSearch).where(DepartmentSearch.case_id == case.id)
        )
        return [(row.department, str(row.outcome)) for row in rows]


def due_of(app, reference: str):
    with app.app_context():
        return db.session.scalars(select(Case).where(Case.reference == reference)).one().due_on


def test_a_caseworker_asks_a_named_contact_and_sees_it_outstanding(
    app, client, signed_in, staff_account
):
    signed_in(client, Role.CASEWORKER)
    contact = staff_account(Role.DEPARTMENT_CONTACT, name="Priya Shah")
    reference = new_case(app)
    page = get_page(client, requests_url(reference), lang="en")
    assert "No department has been asked to search yet." in element_text(
        page.html, "requests-summary"
    )
    assert "Priya Shah, Housing" in element_text(page.html, "send-request") + page.text()

    send(client, reference, contact.id)

    [request] = stored(app, reference)
    assert (request.contact_id, request.department, request.department_key) == (
        contact.id,
        "Housing",
        "housing",
    )
    assert request.due_on < due_of(app, reference)
    page = get_page(client, requests_url(reference), lang="en")
    assert f"Search request sent to Priya Shah, due {request.due_on:%-d %B %Y}" in page.text()
    row = element_text(page.html, f"department-request-{request.id}")
    assert row.startswith(f"Housing Priya Shah {request.due_on:%-d %B %Y} Outstanding Not chased")
    case_page = get_page(client, f"/staff/cases/{reference}", lang="en")
    summary = element_text(case_page.html, "department-requests-summary")
    assert summary.startswith(f"1 outstanding Housing (due {request.due_on:%-d %B %Y}).")
    dashboard = get_page(client, "/staff/", lang="en")
    outstanding = element_text(dashboard.html, "outstanding-searches")
    assert f"{reference} Housing {request.due_on:%-d %b %Y}" in outstanding


def test_the_contacts_due_date_must_be_inside_the_cases(app, client, signed_in, staff_account):
    signed_in(client, Role.CASEWORKER)
    contact = staff_account(Role.DEPARTMENT_CONTACT)
    reference = new_case(app)
    late = due_of(app, reference) + timedelta(days=1)
    response = send(client, reference, contact.id, status=400, **date_parts("due_on", late))
    text = element_text(response.get_data(as_text=True))
    assert "There is a problem" in text
    assert "The department's due date must be on or before the request's" in text
    assert stored(app, reference) == []


def test_chasing_is_recorded_and_shown(app, client, signed_in, staff_account):
    signed_in(client, Role.CASEWORKER)
    contact = staff_account(Role.DEPARTMENT_CONTACT)
    reference = new_case(app)
    send(client, reference, contact.id)
    [request] = stored(app, reference)
    before = last_event_id(app)
    token = page_token(client, requests_url(reference))
    response = client.post(
        f"{requests_url(reference)}/{request.id}/chase", data={"csrf_token": token}
    )
    assert response.status_code == 303
    page = get_page(client, requests_url(reference), lang="en")
    assert "Housing chased: their contact has been emailed again" in page.text()
    assert "1 time, last" in element_text(page.html, f"department-request-{request.id}")
    [event] = events_since(app, before, "department_request_chased")
    assert event.details["request_id"] == request.id
    assert stored(app, reference)[0].chase_count == 1


def test_a_contact_lands_on_their_requests_and_sees_only_their_own(
    app, client, signed_in, staff_account
):
    signed_in(client, Role.CASEWORKER)
    mine = staff_account(Role.DEPARTMENT_CONTACT, name="Priya Shah")
    other = staff_account(Role.DEPARTMENT_CONTACT, department_key="police_liaison")
    reference, elsewhere = new_case(app), new_case(app)
    send(client, reference, mine.id)
    send(client, elsewhere, other.id)
    [my_request], [their_request] = stored(app, reference), stored(app, elsewhere)

    contact_client = app.test_client()
    assert sign_in(contact_client, mine).location == "/staff/"
    landing = contact_client.get("/staff/")
    assert landing.status_code == 303 and landing.location == "/staff/department-requests"
    page = get_page(contact_client, "/staff/department-requests", lang="en")
    assert "1 request needs an answer." in element_text(page.html, "requests-summary")
    listed = element_text(page.html, "your-requests")
    assert reference in listed and MESSAGE[:40] in listed
    assert elsewhere not in page.text()
    assert "Your requests" in element_text(page.html)
    assert "Cases" not in element_text(page.html).split("Your requests")[0]

    detail = get_page(contact_client, f"/staff/department-requests/{my_request.id}", lang="en")
    details = element_text(detail.html, "request-details")
    assert MESSAGE in details and f"{my_request.due_on:%-d %B %Y}" in details

    # Someone else's request: refused by ownership (the role may open request pages).
    before = last_event_id(app)
    refused = contact_client.get(f"/staff/department-requests/{their_request.id}")
    assert refused.status_code == 403
    [event] = events_since(app, before, "permission_denied")
    assert event.details["endpoint"] == "staff.department_request"
    # The queue and the case's pages: refused by the permission table.
    for url in ("/staff/queue", f"/staff/cases/{reference}", requests_url(reference)):
        assert contact_client.get(url).status_code == 403, url
    assert contact_client.get("/staff/department-requests/999999").status_code == 404


def test_none_held_answers_the_request_and_records_the_search(
    app, client, signed_in, staff_account
):
    asked = ask_a_contact(app, client, signed_in, staff_account)
    reference, request = asked.reference, asked.request
    contact_client, url = asked.contact_client, asked.url
    token = page_token(contact_client, url)
    response = contact_client.post(
        f"{url}/none-held", data={"csrf_token": token, "note": "Searched Northgate by name"}
    )
    assert response.status_code == 303
    page = get_page(contact_client, "/staff/department-requests", lang="en")
    assert f"Answered: Housing holds no records for {reference}" in page.text()
    assert "You have answered every request." in element_text(page.html, "requests-summary")
    assert "None held" in element_text(page.html, f"request-{request.id}")

    assert searches(app, reference) == [("Housing", "none_held")]
    [answered] = stored(app, reference)
    assert (answered.status, answered.answer_note) == ("none_held", "Searched Northgate by name")
    caseworker_page = get_page(client, requests_url(reference), lang="en")
    assert "None held" in element_text(caseworker_page.html, f"department-request-{request.id}")
    assert "0 of 1 request outstanding." in element_text(caseworker_page.html, "requests-summary")


def test_an_upload_goes_into_the_case_and_records_records_found(
    app, client, signed_in, staff_account
):
    asked = ask_a_contact(app, client, signed_in, staff_account)
    reference, contact = asked.reference, asked.contact
    contact_client, url = asked.contact_client, asked.url

    wrong = upload(
        contact_client, url, "Tenancy file", b"MZ\x90\x00\x03\x00\x00\x00 a program", "tenancy.exe"
    )
    assert wrong.status_code == 400
    assert (
        "The file must be a PDF, JPEG or PNG, an email saved as a file (.eml), a text file "
        "or a Word document (.docx)"
    ) in element_text(wrong.get_data(as_text=True))

    response = upload(contact_client, url, "Tenancy file", PDF, "tenancy.pdf")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = get_page(contact_client, url, lang="en")
    assert f"Record uploaded to {reference}: Tenancy file" in page.text()
    assert element_text(page.html, "uploaded-records") == "Tenancy file (tenancy.pdf)"
    assert "Records uploaded" in element_text(page.html, "request-details")

    assert searches(app, reference) == [("Housing", "records_found")]
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        [item] = db.session.scalars(select(DisclosureItem).where(DisclosureItem.case_id == case.id))
        assert (item.title, item.source_department_key, item.media_type) == (
            "Tenancy file",
            "housing",
            "application/pdf",
        )
        assert item.added_by == f"staff:{contact.id}"


def test_an_admin_invites_a_department_contact_for_one_department(app, client, signed_in):
    signed_in(client, Role.ADMIN)
    url = "/staff/admin/staff/invite"
    email = unique_email("contact")
    data = {"name": "Sam Police", "email": email, "role": "department_contact"}
    missing = client.post(url, data={"csrf_token": page_token(client, url), **data})
    assert missing.status_code == 400
    text = element_text(missing.get_data(as_text=True))
    assert "Select the department this contact searches for" in text
    invited = client.post(
        url,
        data={"csrf_token": page_token(client, url), **data, "department": "police_liaison"},
    )
    assert invited.status_code == 303, invited.get_data(as_text=True)[:2000]
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        assert (user.role, user.department_key) == ("department_contact", "police_liaison")


def test_a_department_may_send_an_email_or_a_word_document_as_a_record(
    app, client, signed_in, staff_account
):
    """Housing and the police keep much of what they hold as emails and Word documents:
    the contact uploads them as they are, and the caseworker gets them as records to set
    as pages, search, redact and release (portal.documents.written_records)."""
    asked = ask_a_contact(app, client, signed_in, staff_account)
    reference, contact, request = asked.reference, asked.contact, asked.request
    contact_client, url = asked.contact_client, asked.url
    form = get_page(contact_client, url, lang="en")
    assert "Word document (.docx)" in element_text(form.html, "main-content")

    word = a_word_document()  # once: a zip holds the time it was made
    for title, content, name in (
        ("Visit notes", word, "visit-notes.docx"),
        ("Email from the school", an_email(), "school.eml"),
    ):
        response = upload(contact_client, url, title, content, name)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = get_page(contact_client, url, lang="en")
    assert element_text(page.html, "uploaded-records") == (
        "Visit notes (visit-notes.docx) Email from the school (school.eml)"
    )
    # Each is a link to what they sent, to check it is the one they meant.
    links = re.findall(r'href="(/staff/department-requests/\d+/records/\d+)"', page.html)
    assert len(links) == 2
    before = last_event_id(app)
    download = contact_client.get(links[0])
    assert download.status_code == 200
    assert download.data == word
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{reference}-item-{links[0].rsplit("/", 1)[1]}.docx"'
    )
    assert download.headers["Cache-Control"] == "no-store"
    [event] = events_since(app, before, "evidence_downloaded")
    assert event.actor == f"staff:{contact.id}"
    assert event.details["department_request_id"] == request.id
    # The caseworker's copy has the same kind of name; another contact gets nothing.
    caseworker_copy = client.get(
        f"/staff/cases/{reference}/items/{links[1].rsplit('/', 1)[1]}/download"
    )
    assert caseworker_copy.headers["Content-Disposition"].endswith('.eml"')
    other = app.test_client()
    sign_in(other, staff_account(Role.DEPARTMENT_CONTACT))
    assert other.get(links[0]).status_code == 403
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        items = db.session.scalars(
            select(DisclosureItem)
            .where(DisclosureItem.case_id == case.id)
            .order_by(DisclosureItem.id)
        )
        assert [(item.title, item.media_type) for item in items] == [
            ("Visit notes", WORD),
            ("Email from the school", EMAIL),
        ]
