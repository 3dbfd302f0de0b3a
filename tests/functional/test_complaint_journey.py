"""A complaint to the council (C13), as the complainant and the staff read it: start page
in every language, one question per page, confirmation and acknowledgement, tracking with
the council's updates, the outcome approved by another member of staff, and the outcome
letter as a tagged PDF in the complainant's language that gives the route to the ICO.

Source: DPA 2018 s.164A (legislation.gov.uk/ukpga/2025/18/section/103), inserted by the
Data (Use and Access) Act 2025 s.103, in force from 19 June 2026: an electronic complaint
form (2); acknowledged "within the period of 30 days beginning when the complaint is received"
(3); progress and outcome without undue delay (4)-(5).
"""

from __future__ import annotations

import re

import pikepdf
import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases import complaints
from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.models import Case, CaseKind, CaseState
from portal.extensions import db
from portal.i18n import LANGUAGES
from tests.complaints import COMPLAINANT, COMPLAINT_ANSWERS, complete_complaint_journey
from tests.conftest import get_page, translated
from tests.functional.staff.conftest import any_token, make_account
from tests.functional.staff.conftest import sign_in as staff_sign_in
from tests.functional.staff.test_what_they_asked_for import sent_reference
from tests.functional.test_tracking import Filed, sign_in
from tests.journeys import answer, start, submit
from tests.visible import element_text, pdf_text

LOCALES = tuple(LANGUAGES)
NO_PROOF = "You do not need to prove who you are to complain."


@pytest.mark.parametrize("locale", LOCALES)
def test_the_start_page_answers_in_every_language_with_a_start_button(client, locale):
    page = get_page(client, f"/{locale}/complain")
    text = element_text(page.html, "main-content")
    assert translated(locale, "Complain about how we handled your information") in text
    assert translated(locale, NO_PROOF) in text
    assert f'href="/{locale}/complain/begin"' in page.html
    assert "govuk-button--start" in page.html
    begin = client.get(f"/{locale}/complain/begin")
    assert begin.status_code == 303
    assert begin.location == f"/{locale}/complain/who"


def test_the_notice_links_to_the_complaint_form_where_it_says_how_to_complain(client):
    page = get_page(client, "/pl/")
    section = page.html.split('id="how-to-complain"', 1)[1].split("<h2", 1)[0]
    assert 'href="/pl/complain"' in section


def test_no_proof_of_identity_is_asked_for(app):
    client = app.test_client()
    complete_complaint_journey(client, "en", send=False)
    check = element_text(get_page(client, "/en/complain/check").html, "main-content")
    assert "Prove who you are" not in check
    assert client.get("/en/complain/identity").status_code == 404


def test_a_polish_complaint_is_received_and_acknowledged_at_once(app):
    client = app.test_client()
    response = complete_complaint_journey(client, "pl")
    assert response.status_code == 303
    assert response.location == "/pl/complain/sent"
    reference = sent_reference(client, "pl", "complain")
    sent = element_text(get_page(client, "/pl/complain/sent").html, "main-content")
    assert translated("pl", "Complaint sent") in sent
    assert (
        translated(
            "pl",
            "We have received your complaint. This page and our email are our acknowledgement.",
        )
        in sent
    )
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert (case.kind, case.state, case.language) == (
            CaseKind.COMPLAINT,
            CaseState.IN_PROGRESS,
            "pl",
        )
        assert case.details["complaint"] == COMPLAINT_ANSWERS["complaint"]
        assert case.details["outcome"] == COMPLAINT_ANSWERS["outcome"]
        assert case.details["earlier"] == {"reference": ""}
        assert case.files == []
        assert complaints.acknowledged_on(db.session, case) == case.received_on
        assert case.due_on == complaints.outcome_target(case.received_on)


@pytest.mark.parametrize(
    "given",
    ["", "TF-7K3Q-9PHM", "not a reference", "tf 7k3q 9pmh"],
)
def test_an_earlier_reference_is_checked_like_the_tracking_reference(app, given):
    client = app.test_client()
    start(client, "pl", "complain")
    for step, data in {**COMPLAINANT, "complaint": COMPLAINT_ANSWERS["complaint"]}.items():
        answer(client, "pl", "complain", step, data)
    response = submit(client, "/pl/complain/earlier", {"reference": given})
    if given in ("", "tf 7k3q 9pmh"):
        assert response.status_code == 303
        return
    assert response.status_code == 400
    text = element_text(response.get_data(as_text=True))
    assert (
        translated(
            "pl",
            "Check your reference number. Enter it as it appears on your confirmation, like "
            "TF-7K3Q-9PMH",
        )
        in text
    )


def test_whether_an_earlier_reference_exists_is_never_shown_to_the_complainant(app):
    """The complaint links the case it is about for staff; the complainant sees the same
    pages whether or not the reference is a case's (no enumeration)."""
    with app.app_context():
        existing = db.session.scalars(select(Case.reference).limit(1)).first()
    if existing is None:
        existing_client = app.test_client()
        complete_complaint_journey(existing_client, "en")
        existing = sent_reference(existing_client, "en", "complain")
    pages = []
    for reference in (existing, "TF-7K3Q-9PMH"):
        client = app.test_client()
        complete_complaint_journey(
            client, "en", answers={"earlier": {"reference": reference}}, send=False
        )
        check = element_text(get_page(client, "/en/complain/check").html, "main-content")
        submit(client, "/en/complain/check", {})
        sent = element_text(get_page(client, "/en/complain/sent").html, "main-content")
        ours = sent_reference(client, "en", "complain")
        pages.append((check.replace(reference, "REF"), re.sub(ours, "OURS", sent)))
        with app.app_context():
            case = db.session.scalar(select(Case).where(Case.reference == ours))
            linked = complaints.earlier_case(db.session, case)
            assert (linked is not None) == (reference == existing)
    assert pages[0] == pages[1]


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("complaint", {"complaint": ""}, "Tell us what your complaint is about"),
        ("complaint", {"complaint": "x" * 5001}, "Your complaint must be 5000 characters or fewer"),
        ("outcome", {"outcome_wanted": " \n\t "}, "Tell us what you would like us to do"),
        ("earlier", {"reference": "<script>alert(1)</script>"}, "Check your reference number."),
        ("earlier", {"reference": "TF-" + "A" * 5000}, "Check your reference number."),
    ],
)
def test_hostile_or_missing_answers_get_a_clear_message_and_nothing_is_saved(
    app, step, data, message
):
    client = app.test_client()
    start(client, "en", "complain")
    answers = {**COMPLAINANT, **COMPLAINT_ANSWERS}
    for slug, values in answers.items():
        if slug == step:
            break
        answer(client, "en", "complain", slug, values)
    with app.app_context():
        before = db.session.scalar(select(db.func.count(Case.id)))
    response = submit(client, f"/en/complain/{step}", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    page = element_text(html)
    assert message in page
    assert page.startswith("Error: ") or "There is a problem" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Case.id))) == before


def test_control_characters_and_markup_are_kept_as_plain_text(app):
    client = app.test_client()
    words = "<b>bold</b>\x00 & \u202eevil"
    complete_complaint_journey(client, "en", answers={"complaint": {"complaint": words}})
    reference = sent_reference(client, "en", "complain")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        stored = case.details["complaint"]["complaint"]
    assert "\x00" not in stored and "\u202e" not in stored
    assert "<b>bold</b>" in stored
    staff = app.test_client()
    assert staff_sign_in(staff, make_account(app, Role.CASEWORKER)).status_code == 303
    page = get_page(staff, f"/staff/cases/{reference}", lang="en")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.html and "<b>bold</b>" not in page.html


def _staff(app, role: Role):
    client = app.test_client()
    account = make_account(app, role)
    assert staff_sign_in(client, account).status_code == 303
    return client


def _act(client, reference: str, path: str, data: dict):
    return client.post(
        f"/staff/cases/{reference}/{path}", data={"csrf_token": any_token(client), **data}
    )


def test_staff_keep_the_complainant_informed_and_a_reviewer_approves_the_outcome(app):
    resident = app.test_client()
    person = {**COMPLAINANT, "contact": {**COMPLAINANT["contact"], "email": _unique()}}
    complete_complaint_journey(resident, "pl", person=person)
    reference = sent_reference(resident, "pl", "complain")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        filed = Filed(case.id, reference, case.requester.email)
        due = complaints.acknowledgement_due(case.received_on)

    caseworker = _staff(app, Role.CASEWORKER)
    page = get_page(caseworker, f"/staff/cases/{reference}", lang="en")
    asked = element_text(page.html, "asked-for-section")
    assert "Complaint to the council" in element_text(page.html)
    assert f"Due by {due:%-d %B %Y}; sent " in asked
    assert "the council's target of one month (C2), not a statutory deadline" in asked
    assert "Mój list został wysłany pod stary adres." in asked
    assert 'lang="pl"' in page.html  # the complainant's own words, marked as Polish

    update = "We have asked the post room how the letter was addressed."
    assert (
        _act(caseworker, reference, "record-progress", {"progress-update": update}).status_code
        == 303
    )
    refused = _act(caseworker, reference, "propose-outcome", {"outcome-outcome": ""})
    assert refused.status_code == 400
    assert "Write the outcome of the complaint" in element_text(refused.get_data(as_text=True))
    outcome = "The letter went to your old address by mistake. We apologise."
    assert (
        _act(caseworker, reference, "propose-outcome", {"outcome-outcome": outcome}).status_code
        == 303
    )
    # The drafter is not offered approval, and is refused if they try.
    assert "Approve the outcome" not in element_text(
        get_page(caseworker, f"/staff/cases/{reference}", lang="en").html
    )
    assert _act(caseworker, reference, "approve-outcome", {}).status_code == 403

    reviewer = _staff(app, Role.REVIEWER)
    assert "Approve the outcome" in element_text(
        get_page(reviewer, f"/staff/cases/{reference}", lang="en").html
    )
    assert _act(reviewer, reference, "approve-outcome", {}).status_code == 303
    with app.app_context():
        case = db.session.get(Case, filed.id)
        assert case.state == CaseState.READY
        kinds = db.session.scalars(
            select(CaseMessage.kind).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
        ).all()
    assert kinds == [
        MessageKind.COMPLAINT_ACKNOWLEDGEMENT,
        MessageKind.COMPLAINT_PROGRESS,
        MessageKind.COMPLAINT_OUTCOME,
    ]

    sign_in(app, resident, filed, locale="pl")
    status = get_page(resident, "/pl/track/status")
    text = element_text(status.html, "main-content")
    assert translated("pl", "We have received your complaint") in text
    assert translated("pl", "An update on your complaint") in text
    assert translated("pl", "The outcome of your complaint") in text
    assert f'lang="en" dir="ltr">{update}<' in status.html  # staff words, marked English
    assert translated("pl", "Complaint about how we handled your information") in text
    ico = translated(
        "pl",
        "If you are still unhappy, you can complain to the Information Commissioner's Office "
        "(ICO) at ico.org.uk/make-a-complaint or on 0303 123 1113. The ICO usually expects us "
        "to have had the chance to answer your complaint first, as we now have.",
    )
    assert ico in text

    letters = get_page(caseworker, f"/staff/cases/{reference}/letters", lang="en")
    assert "Complaint outcome" in letters.text()
    pdf = caseworker.get(f"/staff/cases/{reference}/letters/complaint_outcome.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    letter = " ".join(pdf_text(pdf.data).split())
    assert translated("pl", "The outcome of your complaint") in letter
    assert outcome in letter
    assert "ico.org.uk/make-a-complaint" in letter and "0303 123 1113" in letter
    expects = translated(
        "pl",
        "You can complain to the Information Commissioner's Office (ICO), the UK's independent "
        "regulator for data protection. The ICO usually expects the council to have had the "
        "chance to answer your complaint first, as we now have.",
    )
    assert " ".join(expects.split()) in letter
    with pikepdf.open(__import__("io").BytesIO(pdf.data)) as document:
        assert str(document.Root.Lang) == "pl"
        assert "/StructTreeRoot" in document.Root
        assert document.Root.MarkInfo.Marked


def _unique() -> str:
    from tests.functional.test_tracking import unique_email

    return unique_email()


def test_every_state_of_a_complaint_has_its_own_status_in_every_language():
    from portal.public import tracking_words

    pairs = [(CaseKind.COMPLAINT, state) for state in CaseState]
    openings = [str(tracking_words.OPENINGS[pair]._args[0]) for pair in pairs]
    assert len(set(openings)) == len(CaseState)
    for locale in LOCALES:
        assert len({translated(locale, text) for text in openings}) == len(CaseState)
