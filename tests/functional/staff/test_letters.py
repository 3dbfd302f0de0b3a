"""Letters for postal requesters: printed in the requester's language, and recorded as
posted with the date; posting the response pack completes the case."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pikepdf

from portal.accounts.models import Role
from portal.cases import closing, deadlines, messages
from portal.cases.models import Case, CaseState
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import any_token, events_since, last_event_id
from tests.functional.staff.test_case_page import date_parts, today
from tests.functional.staff.test_response_release import approved, state_of, work
from tests.functional.test_response_pack import make_case


def letters_url(reference: str) -> str:
    return f"/staff/cases/{reference}/letters"


def post_posted(client, reference: str, kind: str, message_id: int | None, day_parts: dict):
    prefix = f"posted-{kind}-{message_id or 0}-sent_on"
    data = {
        "csrf_token": any_token(client),
        "document_kind": kind,
        "message_id": str(message_id or ""),
        **{key.replace("sent_on", prefix, 1): value for key, value in day_parts.items()},
    }
    return client.post(f"{letters_url(reference)}/posted", data=data)


def polish_case_with_a_question(app) -> tuple[str, int]:
    """A Polish access request on which staff asked for clarification (a letter to post)."""
    case_id = make_case(app, language="pl", appended_pages=0)
    with app.app_context():
        case = db.session.get(Case, case_id)
        deadlines.ask_clarification(db.session, case, question="Które lata?", actor="staff:1")
        (message,) = messages.messages_for(db.session, case)
        return case.reference, message.id


def test_the_letters_page_lists_each_letter_with_a_print_link(app, client, signed_in):
    reference, message_id = polish_case_with_a_question(app)
    signed_in(client, Role.CASEWORKER)
    page = get_page(client, letters_url(reference), lang="en")
    assert "Acknowledgement" in page.text()
    assert "Request for clarification" in page.text()
    assert f"/letters/clarification_request.pdf?message={message_id}" in page.html
    assert "Not recorded as posted." in page.text()


def test_a_printed_letter_is_a_pdf_in_the_requesters_language(app, client, signed_in):
    reference, message_id = polish_case_with_a_question(app)
    signed_in(client, Role.CASEWORKER)
    before = last_event_id(app)
    response = client.get(
        f"{letters_url(reference)}/clarification_request.pdf?message={message_id}"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    with pikepdf.open(io.BytesIO(response.data)) as pdf:
        assert str(pdf.Root.Lang) == "pl"
        assert "/StructTreeRoot" in pdf.Root
    assert [e.action for e in events_since(app, before)] == ["letter_printed"]
    assert client.get(f"{letters_url(reference)}/no_such_letter.pdf").status_code == 404
    assert client.get(f"{letters_url(reference)}/refusal.pdf").status_code == 404


def test_posting_is_recorded_with_its_date(app, client, signed_in):
    reference, message_id = polish_case_with_a_question(app)
    signed_in(client, Role.CASEWORKER)
    response = post_posted(
        client, reference, "clarification_request", message_id, date_parts("sent_on", today())
    )
    assert response.status_code == 303
    page = get_page(client, letters_url(reference), lang="en")
    assert f"Sent by post on {today().strftime('%-d %B %Y')}" in page.text()


def test_a_wrong_date_is_refused_with_a_clear_message(app, client, signed_in):
    reference, message_id = polish_case_with_a_question(app)
    signed_in(client, Role.CASEWORKER)
    before = last_event_id(app)
    cases = [
        (date_parts("sent_on", today() + timedelta(days=2)), "cannot be in the future"),
        ({"sent_on-day": "31", "sent_on-month": "2", "sent_on-year": "2026"}, "real date"),
        ({}, "Enter the date it was posted"),
    ]
    for parts, words in cases:
        response = post_posted(client, reference, "clarification_request", message_id, parts)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "There is a problem" in html
        assert re.search(words, html, re.IGNORECASE), words
    assert events_since(app, before) == []


def test_posting_the_response_pack_completes_the_case(app, client, signed_in):
    filed = approved(app, details={"delivery": {"delivery": "post"}}, appended_pages=0)
    work(app, filed.id)
    signed_in(client, Role.CASEWORKER)
    page = get_page(client, letters_url(filed.reference), lang="en")
    assert "Response pack" in page.text()
    response = post_posted(
        client, filed.reference, "response_pack", None, date_parts("sent_on", today())
    )
    assert response.status_code == 303
    assert state_of(app, filed.id) == CaseState.COMPLETED


def test_a_refusal_letter_can_be_posted_after_the_case_closed(app, client, signed_in):
    case_id = make_case(app, appended_pages=0)
    with app.app_context():
        case = db.session.get(Case, case_id)
        message = closing.refuse(
            db.session, case, actor="staff:2", actor_role="reviewer", reasons="Repeated request"
        )
        reference, message_id = case.reference, message.id
    signed_in(client, Role.CASEWORKER)
    response = post_posted(client, reference, "refusal", message_id, date_parts("sent_on", today()))
    assert response.status_code == 303


def test_administrators_cannot_see_or_post_letters(app, client, signed_in):
    reference, _message_id = polish_case_with_a_question(app)
    signed_in(client, Role.ADMIN)
    assert client.get(letters_url(reference)).status_code == 403
    assert (
        post_posted(client, reference, "acknowledgement", None, date_parts("sent_on", today()))
    ).status_code == 403
