"""The staff case page: what it shows, and every casework action through its real forms
(CSRF on), for the roles and states that allow it."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.accounts.models import Role
from portal.cases import clock
from portal.cases.casework_models import DisclosureKind
from portal.cases.models import Case, CaseKind, CaseState, EvidencePurpose
from portal.cases.requests import Evidence
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, get_page
from tests.functional.staff.conftest import events_since, last_event_id
from tests.journeys import csrf_token
from tests.visible import element_text

PHOTO = b"\x89PNG\r\n\x1a\n" + b"not really a picture"


def today() -> date:
    return clock.london_today()


def date_parts(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


@pytest.fixture()
def new_case(app):
    """new_case(received=...) -> reference of an access request with a photo ID."""

    def make(received: datetime | None = None, **changes) -> str:
        evidence = (Evidence(EvidencePurpose.PHOTO_ID, "passport.png", "image/png", PHOTO),)
        with building(app) as scenarios:
            case = scenarios.filed(received=received or utc_now(), evidence=evidence, **changes)
            return case.reference

    return make


def state_of(app, reference: str) -> CaseState:
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=reference).one()
        return CaseState(case.state)


def url(reference: str, action: str = "") -> str:
    return f"/staff/cases/{reference}" + (f"/{action}" if action else "")


def act(client, reference: str, action: str, data: dict, *, status: int = 303, **kwargs):
    """Post one action's form with the page's CSRF token; follow the redirect back."""
    page = client.get(url(reference))
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    response = client.post(url(reference, action), data={"csrf_token": token, **data}, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    if status == 303:
        assert response.location == url(reference)
    return response


def text_of(client, reference: str) -> str:
    return get_page(client, url(reference), lang="en").text()


def test_the_page_shows_the_summary_due_date_and_timeline(app, client, signed_in, new_case):
    signed_in(client, Role.CASEWORKER)
    reference = new_case()
    page = get_page(client, url(reference), lang="en")
    text = page.text()
    assert reference in page.title
    assert "Anna Kowalska" in text
    assert "Received" in text
    due = clock.due_date(today())
    assert f"Due {due.strftime('%-d %B %Y')}" in text
    days = clock.working_days_between(today(), due)
    assert f"{days} working days left" in text
    assert "How the due date was worked out" in text
    assert f"The clock started on {today().strftime('%-d %B %Y')}" in text
    assert "Request received" in text  # the timeline
    assert "Photo ID, PNG image" in text
    # Actions for a received case: accepting identity, not approving.
    assert 'id="action-accept_identity"' in page.html
    assert 'id="action-approve"' not in page.html
    assert 'id="action-refuse"' not in page.html  # the reviewer's alone


def test_staff_can_withhold_an_item_under_schedule_4(app, signed_in, new_case):
    """C8, issue 13 point 9: DPA 2018 Sch 4 paras 3-5 are offered when adding an item, and
    the item lists the paragraph applied, with the staff note labelled staff-only."""
    worker = app.test_client()
    signed_in(worker, Role.CASEWORKER)
    reference = new_case()
    act(worker, reference, "accept-identity", date_parts("accept-evidence_arrived_on", today()))
    form = element_text(worker.get(url(reference)).get_data(as_text=True), everything=True)
    for offered in (
        "DPA 2018 Sch 4 para 3: Adoption records and reports",
        "DPA 2018 Sch 4 para 4: Statements and records of special educational needs",
        "DPA 2018 Sch 4 para 5: Parental order records and reports",
        "Staff note: never shown to the resident",
    ):
        assert offered in form, offered
    act(
        worker,
        reference,
        "items",
        {
            "item-source_department": "early_help",
            "item-title": "EHC plan",
            "item-kind": "typed",
            "item-text": "Section F: provision.",
            "item-exemptions": ["special_educational_needs", "adoption_records"],
            "item-redaction_note": "Plan withheld: no consent from the young person",
        },
    )
    items = element_text(worker.get(url(reference)).get_data(as_text=True), "items")
    assert "Exemptions: DPA 2018 Sch 4 para 4, DPA 2018 Sch 4 para 3." in items
    assert "Staff note: never shown to the resident. Plan withheld" in items


def test_an_access_request_through_every_step(app, signed_in, new_case):
    worker = app.test_client()
    reviewer = app.test_client()
    worker_account = signed_in(worker, Role.CASEWORKER)
    signed_in(reviewer, Role.REVIEWER)
    reference = new_case()
    day = today()

    act(worker, reference, "request-identity", {"identity-what_is_needed": "Proof of address"})
    assert state_of(app, reference) == CaseState.AWAITING_IDENTITY
    assert "No due date" in text_of(worker, reference)

    act(worker, reference, "accept-identity", date_parts("accept-evidence_arrived_on", day))
    assert state_of(app, reference) == CaseState.IN_PROGRESS

    act(worker, reference, "clarification", {"clarify-question": "Which years?"})
    assert state_of(app, reference) == CaseState.AWAITING_CLARIFICATION
    act(
        worker,
        reference,
        "clarification-answer",
        {"answer-answer": "Since 2020", **date_parts("answer-answered_on", day)},
    )
    assert state_of(app, reference) == CaseState.IN_PROGRESS
    text = text_of(worker, reference)
    assert "1 day waiting for clarification do not count" in text

    act(worker, reference, "extend", {"extend-reason": "Six departments hold records"})
    assert "including the two-month extension" in text_of(worker, reference)

    act(worker, reference, "assign", {"assign-assignee": f"staff:{worker_account.id}"})
    act(worker, reference, "notes", {"note-text": "Called the requester"})
    text = text_of(worker, reference)
    assert "Called the requester" in text
    assert "Case assigned" in text

    search = {
        "search-department": "early_help",
        "search-outcome": "records_found",
        **date_parts("search-searched_on", day),
    }
    act(worker, reference, "searches", search)
    act(
        worker,
        reference,
        "items",
        {
            "item-source_department": "early_help",
            "item-title": "Case summary",
            "item-kind": "typed",
            "item-text": "Visited twice in 2024.",
            "item-exemptions": "third_party",
            "item-redaction_note": "A neighbour's name removed",
        },
    )
    act(
        worker,
        reference,
        "items",
        {
            "item-source_department": "housing",
            "item-title": "Tenancy letter",
            "item-kind": "uploaded",
            "item-document": (io.BytesIO(b"%PDF-1.4 letter"), "letter.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    text = text_of(worker, reference)
    assert "Case summary (Early Help" in text
    assert "DPA 2018 Sch 2 para 16" in text
    items = element_text(worker.get(url(reference)).get_data(as_text=True), "items")
    assert "Staff note: never shown to the resident. A neighbour's name removed" in items
    assert "Tenancy letter (Housing" in text

    act(worker, reference, "submit-for-review", {"submit-summary": "Two items, one redacted"})
    assert state_of(app, reference) == CaseState.IN_REVIEW

    page = reviewer.get(url(reference)).get_data(as_text=True)
    assert 'id="action-approve"' in page
    act(reviewer, reference, "approve", {})
    assert state_of(app, reference) == CaseState.READY

    act(worker, reference, "complete", {})
    assert state_of(app, reference) == CaseState.COMPLETED
    text = text_of(worker, reference)
    assert "Response completed" in text
    assert "There is nothing you can do on this case now" in text


def ready_for_review(app, reference: str, actor: str) -> None:
    """The case's draft response, by `actor`, sent for review."""
    with building(app, caseworker=actor) as scenarios:
        scenarios.in_review(scenarios.session.query(Case).filter_by(reference=reference).one())


def test_the_reviewer_returns_a_draft_with_comments(app, client, signed_in, new_case):
    signed_in(client, Role.REVIEWER)
    reference = new_case()
    ready_for_review(app, reference, "staff:someone-else")
    act(client, reference, "return", {"return-comments": "Check Housing too"})
    assert state_of(app, reference) == CaseState.IN_PROGRESS
    assert "Check Housing too" in text_of(client, reference)


def test_a_caseworker_cannot_approve(app, client, signed_in, new_case):
    account = signed_in(client, Role.CASEWORKER)
    reference = new_case()
    ready_for_review(app, reference, "staff:someone-else")
    assert 'id="action-approve"' not in client.get(url(reference)).get_data(as_text=True)
    before = last_event_id(app)
    act(client, reference, "approve", {}, status=403)
    [event] = events_since(app, before, "permission_denied")
    assert event.actor == f"staff:{account.id}"
    assert event.details["endpoint"] == "staff.case_approve"
    assert state_of(app, reference) == CaseState.IN_REVIEW


def test_nobody_approves_their_own_draft(app, client, signed_in, new_case):
    account = signed_in(client, Role.REVIEWER)
    reference = new_case()
    ready_for_review(app, reference, f"staff:{account.id}")
    page = client.get(url(reference)).get_data(as_text=True)
    assert 'id="action-approve"' not in page
    response = act(client, reference, "approve", {}, status=400)
    assert "Nobody approves their own draft" in response.get_data(as_text=True)
    assert state_of(app, reference) == CaseState.IN_REVIEW


def test_the_reviewer_refuses_with_reasons(app, client, signed_in, new_case):
    signed_in(client, Role.REVIEWER)
    reference = new_case()
    response = act(client, reference, "refuse", {"refuse-reasons": ""}, status=400)
    assert "Give the reasons for refusing the request" in response.get_data(as_text=True)
    # C5: the ground under UK GDPR Art 12(5) is asked for too, and nothing is saved without.
    response = act(client, reference, "refuse", {"refuse-reasons": "Again"}, status=400)
    assert "Select why the request can be refused" in element_text(response.get_data(as_text=True))
    assert state_of(app, reference) == CaseState.RECEIVED
    act(
        client,
        reference,
        "refuse",
        {"refuse-ground": "repetitive", "refuse-reasons": "The fortieth identical request"},
    )
    assert state_of(app, reference) == CaseState.REFUSED
    shown = element_text(client.get(url(reference)).get_data(as_text=True), "refusal-ground")
    assert shown.startswith("Refused as repetitive, so manifestly excessive (UK GDPR Art 12(5))")


def test_a_caseworker_cannot_refuse(app, client, signed_in, new_case):
    signed_in(client, Role.CASEWORKER)
    reference = new_case()
    act(
        client,
        reference,
        "refuse",
        {"refuse-ground": "excessive", "refuse-reasons": "Excessive"},
        status=403,
    )
    assert state_of(app, reference) == CaseState.RECEIVED


def test_a_withdrawal_is_recorded(app, client, signed_in, new_case):
    signed_in(client, Role.CASEWORKER)
    reference = new_case()
    act(client, reference, "withdrawal", {"withdraw-how_received": "phone"})
    assert state_of(app, reference) == CaseState.WITHDRAWN
    assert "Request withdrawn" in text_of(client, reference)


def test_extension_after_the_first_month_is_refused_with_a_message(
    app, client, signed_in, new_case
):
    signed_in(client, Role.CASEWORKER)
    long_ago = datetime.now(UTC) - timedelta(days=70)
    reference = new_case(received=long_ago)
    with building(app) as scenarios:
        scenarios.start(scenarios.session.query(Case).filter_by(reference=reference).one())
    assert 'id="action-extend"' not in client.get(url(reference)).get_data(as_text=True)
    response = act(client, reference, "extend", {"extend-reason": "Many records"}, status=400)
    html = response.get_data(as_text=True)
    assert "Too late to extend: the first month ended on" in html
    assert "<title>Error:" in html
    assert "working days late" in html


def test_a_form_with_a_missing_answer_says_what_to_fix(app, client, signed_in, new_case):
    signed_in(client, Role.CASEWORKER)
    reference = new_case()
    response = act(
        client, reference, "request-identity", {"identity-what_is_needed": ""}, status=400
    )
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'href="#identity-what_is_needed"' in html
    assert state_of(app, reference) == CaseState.RECEIVED


def test_evidence_opens_in_the_browser_sandboxed_and_downloads_as_an_attachment(
    app, client, signed_in, new_case
):
    account = signed_in(client, Role.CASEWORKER)
    reference = new_case()
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=reference).one()
        file_id = case.files[0].id
    page = get_page(client, url(reference), lang="en")
    assert f'href="{url(reference)}/evidence/{file_id}">view' in page.html
    assert f'href="{url(reference)}/evidence/{file_id}/download" download>' in page.html
    name = f"{reference}-evidence-{file_id}.png"
    for path, action, disposition in (
        ("", "evidence_viewed", f'inline; filename="{name}"'),
        ("/download", "evidence_downloaded", f'attachment; filename="{name}"'),
    ):
        before = last_event_id(app)
        response = client.get(f"{url(reference)}/evidence/{file_id}{path}")
        assert response.status_code == 200
        assert response.data == PHOTO
        assert response.mimetype == "image/png"
        assert response.headers["Content-Disposition"] == disposition
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        [event] = events_since(app, before, action)
        assert event.details["file_id"] == file_id
        assert event.details["staff_id"] == account.id
        assert event.actor == f"staff:{account.id}"
    shown = client.get(f"{url(reference)}/evidence/{file_id}")
    policy = [part.strip() for part in shown.headers["Content-Security-Policy"].split(";")]
    assert policy[:3] == ["sandbox", "default-src 'none'", "img-src 'self' data:"]
    assert not any(part.startswith("script-src") for part in policy)
    assert "frame-ancestors 'none'" in policy
    assert client.get(f"{url(reference)}/evidence/999999/download").status_code == 404


def test_a_file_that_is_not_what_its_name_says_is_never_shown_in_the_browser(
    app, client, signed_in
):
    """The type comes from the bytes: an HTML page uploaded as "photo.png" is only ever
    an attachment of opaque bytes."""
    signed_in(client, Role.CASEWORKER)
    page = b"<html><script>alert(document.cookie)</script></html>"
    with building(app) as scenarios:
        photo = Evidence(EvidencePurpose.PHOTO_ID, "photo.png", "image/png", page)
        case = scenarios.filed(received=utc_now(), evidence=(photo,))
        reference, file_id = case.reference, case.files[0].id
    for path in ("", "/download"):
        response = client.get(f"{url(reference)}/evidence/{file_id}{path}")
        assert response.status_code == 200
        assert response.mimetype == "application/octet-stream"
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{reference}-evidence-{file_id}.bin"'
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_uploaded_disclosure_item_downloads_as_an_audit_event(app, client, signed_in, new_case):
    signed_in(client, Role.CASEWORKER)
    reference = new_case()
    with building(app) as scenarios:
        case = scenarios.session.query(Case).filter_by(reference=reference).one()
        scenarios.start(case)
        item = scenarios.add_item(
            case,
            department="Housing",
            title="Letter",
            kind=DisclosureKind.UPLOADED,
            content=b"%PDF-1.4 letter",
            original_name="../../evil name.pdf",
            media_type="application/pdf",
        )
        item_id = item.id
    before = last_event_id(app)
    response = client.get(f"{url(reference)}/items/{item_id}/download")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.4 letter"
    assert "evil" not in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [event] = events_since(app, before, "evidence_downloaded")
    assert event.details["disclosure_item_id"] == item_id


def test_an_unknown_reference_is_not_found(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    get_page(client, "/staff/cases/TF-0000-0000", status=404, lang="en")


def test_anonymous_visitors_and_administrators_cannot_see_a_case(app, client, signed_in, new_case):
    reference = new_case()
    response = client.get(url(reference))
    assert response.status_code == 303
    assert response.location.startswith("/staff/sign-in")
    signed_in(client, Role.ADMIN)
    assert client.get(url(reference)).status_code == 403


def test_an_objection_is_assessed_decided_and_approved(app, signed_in, new_case):
    worker = app.test_client()
    reviewer = app.test_client()
    signed_in(worker, Role.CASEWORKER)
    signed_in(reviewer, Role.REVIEWER)
    reference = new_case(
        kind=CaseKind.OBJECTION,
        details={"processing": {"processing": ["programme", "sharing"], "agencies": ["police"]}},
    )
    act(worker, reference, "accept-identity", date_parts("accept-evidence_arrived_on", today()))
    page = worker.get(url(reference)).get_data(as_text=True)
    assert 'id="action-add_disclosure_item"' not in page
    asked_for = element_text(page, within="asked-for-section")
    assert "Sharing their information with the police" in asked_for
    act(
        worker,
        reference,
        "objection-assessment",
        {
            "assess-grounds_raised": "Worried about the police seeing it",
            "assess-processing_affected": ["programme", "sharing:police"],
            "assess-test__programme__situation": "Fears her former partner finds her",
            "assess-test__programme__council_grounds": "Safeguarding duties for the children",
            "assess-test__programme__why_overrides": "The children's safety comes first",
        },
    )
    assessment = element_text(worker.get(url(reference)).get_data(as_text=True), "assessment")
    assert (
        "Linking their information for the Think Family programme: test to carry on: "
        "The person's particular situation: Fears her former partner finds her "
        "The council's compelling legitimate grounds to carry on: Safeguarding duties for "
        "the children Why these grounds override the person's interests, rights and "
        "freedoms: The children's safety comes first "
        "Sharing their information with the police: no test to carry on, so it stops"
    ) in assessment
    assert element_text(worker.get(url(reference)).get_data(as_text=True), "decision-tests") == (
        "Must stop (no whole test to carry on, C9): Sharing their information with the "
        "police. May carry on: Linking their information for the Think Family programme."
    )
    act(
        worker,
        reference,
        "decision",
        {
            "decision-outcome": "partly_upheld",
            "decision-upheld_processing": "sharing:police",
            "decision-reasons": "No need to share with the police",
        },
    )
    assert state_of(app, reference) == CaseState.IN_REVIEW
    # The reviewer reads what they are asked to approve.
    decision = element_text(
        reviewer.get(url(reference)).get_data(as_text=True), within="work-section"
    )
    assert (
        "Decision 1: Partly upheld Proposed by Morgan Tester; waiting for the reviewer "
        "What stops: Sharing their information with the police "
        "Reasons: No need to share with the police"
    ) in decision
    act(reviewer, reference, "decision/approve", {})
    assert state_of(app, reference) == CaseState.READY
    assert "Decision approved" in text_of(reviewer, reference)


def test_a_decision_that_breaks_rule_c9_is_shown_as_an_error(app, client, signed_in, new_case):
    signed_in(client, Role.CASEWORKER)
    reference = new_case(
        kind=CaseKind.OBJECTION, details={"processing": {"processing": ["programme"]}}
    )
    act(client, reference, "accept-identity", date_parts("accept-evidence_arrived_on", today()))
    act(
        client,
        reference,
        "objection-assessment",
        {"assess-grounds_raised": "No reason", "assess-processing_affected": "programme"},
    )
    response = act(
        client,
        reference,
        "decision",
        {"decision-outcome": "not_upheld", "decision-reasons": "We want to keep going"},
        status=400,
    )
    errors = element_text(response.get_data(as_text=True), within="main-content")
    assert (
        "There is a problem A use can carry on only when the assessment records its whole "
        "test: reassess, or uphold the objection for it. Linking their information for the "
        "Think Family programme: Describe the person's particular situation."
    ) in errors
    assert ": programme" not in errors  # the use as staff read it, not its key
    assert state_of(app, reference) == CaseState.IN_PROGRESS


def intake_form(client) -> dict[str, str]:
    page = get_page(client, "/staff/cases/log-request", lang="en")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.html).group(1)
    return {"csrf_token": csrf_token(page.html), "idempotency_key": key}


def test_staff_log_a_letter_received_last_week(app, client, signed_in):
    account = signed_in(client, Role.CASEWORKER)
    received = today() - timedelta(days=7)
    data = {
        **intake_form(client),
        "kind": "access",
        "channel": "letter",
        **date_parts("received_on", received),
        "received_time": "10:15",
        "full_name": "Jan Nowak",
        "language": "pl",
        "delivery": "post",
    }
    response = client.post("/staff/cases/log-request", data=data)
    assert response.status_code == 303
    reference = response.location.rsplit("/", 1)[1]
    again = client.post("/staff/cases/log-request", data=data)  # a double click
    assert again.location == response.location
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=reference).one()
        assert case.received_on == received
        assert case.channel == "letter"
        assert case.language == "pl"  # his letters and emails will be in Polish
        assert case.details["staff_intake"]["keyed_in_by"] == f"staff:{account.id}"
    assert "Jan Nowak" in text_of(client, reference)


def test_staff_log_a_mothers_request_for_her_child_made_in_person_at_a_hub(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    page = get_page(client, "/staff/cases/log-request", lang="en")
    assert "Castleford and Airedale Early Help Hub" in page.text()
    data = {
        **intake_form(client),
        "kind": "access",
        "channel": "in_person",
        "hub": "castleford-airedale",
        **date_parts("received_on", today() - timedelta(days=1)),
        "received_time": "09:05",
        "full_name": "Zofia Kowalska",
        **date_parts("date_of_birth", date(2014, 6, 2)),
        "language": "pl",
        "acting_for": "my_child",
        "requester_name": "Anna Kowalska",
        "relationship": "Mother",
        "requester_address": "4 Station Road\nCastleford",
        "requester_postcode": "WF10 1AA",
        "requester_email": "anna.kowalska@example.org",
        "delivery": "post",
    }
    response = client.post("/staff/cases/log-request", data=data)
    assert response.status_code == 303
    reference = response.location.rsplit("/", 1)[1]
    with app.app_context():
        case = db.session.query(Case).filter_by(reference=reference).one()
        assert case.channel == "in_person"
        assert case.hub_source == "castleford-airedale"  # counted for that hub in the reports
        assert case.acting_for == "my_child"
        assert case.relationship_to_subject == "Mother"
        assert case.subject.full_name == "Zofia Kowalska"
        assert case.subject.date_of_birth == date(2014, 6, 2)
        # Letters and emails go to the mother, who asked.
        assert case.requester.full_name == "Anna Kowalska"
        assert case.requester.email == "anna.kowalska@example.org"
        assert case.requester.postcode == "WF10 1AA"
    case_page = get_page(client, url(reference), lang="en")
    text = case_page.text()
    assert "Castleford and Airedale Early Help Hub" in text
    asked_for = element_text(case_page.html, within="asked-for-section")
    assert "Who is asking A parent or carer, for their child (relationship they gave: Mother)" in (
        asked_for
    )
    people = text.split("Requester and subject", 1)[1]
    assert people.index("Anna Kowalska") < people.index("Data subject")
    assert people.index("Data subject") < people.index("Zofia Kowalska")


@pytest.mark.parametrize(
    ("answers", "messages"),
    [
        (
            {"acting_for": "my_child"},
            [
                "Enter the full name of the person asking",
                "Enter their relationship to the person the request is about",
            ],
        ),
        ({"channel": "in_person"}, ["Select the hub where the request was made"]),
        ({"channel": "phone", "hub": "atlantis"}, ["Select one of the hubs shown"]),
    ],
)
def test_logging_a_request_for_someone_else_or_at_a_hub_says_what_is_missing(
    app, client, signed_in, answers, messages
):
    signed_in(client, Role.CASEWORKER)
    data = {
        **intake_form(client),
        "kind": "access",
        "channel": "letter",
        **date_parts("received_on", today()),
        "received_time": "10:15",
        "full_name": "Jan Nowak",
        "language": "en",
        "delivery": "post",
        **answers,
    }
    with app.app_context():
        before = db.session.query(Case).count()
    response = client.post("/staff/cases/log-request", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for message in messages:
        assert message in html
    assert 'value="Jan Nowak"' in html  # what was typed is kept
    with app.app_context():
        assert db.session.query(Case).count() == before  # nothing half-saved


def test_logging_a_request_says_what_is_missing(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    page = get_page(client, "/staff/cases/log-request", lang="en")
    response = client.post(
        "/staff/cases/log-request",
        data={"csrf_token": csrf_token(page.html), "idempotency_key": "k", "kind": "objection"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Select how the request was made" in html
    assert "Select at least one thing they object to" in html


def test_a_language_we_do_not_offer_is_refused(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    page = get_page(client, "/staff/cases/log-request", lang="en")
    assert 'value="ur"' in page.html and "Urdu" in page.html
    response = client.post(
        "/staff/cases/log-request",
        data={"csrf_token": csrf_token(page.html), "idempotency_key": "k", "language": "xx"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    language_error = html.split('id="language-error"', 1)[1].split("</p>", 1)[0]
    assert "Select one of the options shown" in language_error


def test_a_department_searched_twice_is_refused_and_the_pack_lists_it_once(
    app, client, signed_in, new_case
):
    from tests.functional.test_response_pack import all_text, build

    signed_in(client, Role.CASEWORKER)
    reference = new_case()
    act(client, reference, "accept-identity", date_parts("accept-evidence_arrived_on", today()))
    search = {"search-outcome": "records_found", **date_parts("search-searched_on", today())}
    act(client, reference, "searches", {**search, "search-department": "early_help"})
    # Typed as another department, the same name (in another case and spacing) is refused.
    typed = {"search-department": "other", "search-other_department": " early  HELP "}
    again = act(client, reference, "searches", {**search, **typed}, status=400)
    errors = element_text(again.get_data(as_text=True), within="main-content")
    assert errors.startswith(
        "There is a problem A search of Early Help is already recorded for this case "
        f"(searched on {today():%-d %B %Y}): each department is recorded once"
    )
    page = get_page(client, url(reference), lang="en")
    searches = element_text(page.html, within="searches")
    assert searches == f"Early Help, {today():%-d %B %Y}: records found"
    with app.app_context():
        case_id = db.session.query(Case).filter_by(reference=reference).one().id
    pack = all_text(build(app, case_id).pdf)
    assert pack.count("Early Help:") == 1


def test_an_objection_page_offers_no_clarification_and_the_route_refuses_it(app, client, signed_in):
    """C4 (DPA 2018 s.54(3C); UK GDPR Art 12A): the clock pauses for clarification of an
    access request only. An objection's page has no such button; a forged post changes
    nothing and writes no audit event."""
    signed_in(client, Role.CASEWORKER)
    with building(app) as scenarios:
        access = scenarios.case_in(CaseState.IN_PROGRESS, received=utc_now()).reference
        objection = scenarios.case_in(
            CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=utc_now()
        ).reference
    assert "Ask for clarification" in text_of(client, access)
    text = text_of(client, objection)
    assert "Assess the objection" in text
    assert "Ask for clarification" not in text
    since = last_event_id(app)
    page = client.get(url(objection))
    token = csrf_token(page.get_data(as_text=True))
    response = client.post(
        url(objection, "clarification"),
        data={"csrf_token": token, "clarify-question": "Which agency?"},
    )
    assert response.status_code in (400, 409)
    assert "Only an access request can be paused for clarification" in element_text(
        response.get_data(as_text=True)
    )
    assert state_of(app, objection) == CaseState.IN_PROGRESS
    assert events_since(app, since) == []


def test_an_incomplete_override_test_is_refused_field_by_field_and_nothing_is_saved(
    app, client, signed_in
):
    """C9 (UK GDPR Art 21(1), 21(6)): a use carries on only with its whole test; each
    missing part is named at its own field, and nothing is saved."""
    signed_in(client, Role.CASEWORKER)
    with building(app) as scenarios:
        reference = scenarios.case_in(
            CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=utc_now()
        ).reference
    since = last_event_id(app)
    response = act(
        client,
        reference,
        "objection-assessment",
        {
            "assess-grounds_raised": "Worried about the police seeing it",
            "assess-processing_affected": ["programme", "national_study"],
            "assess-test__programme__council_grounds": "Safeguarding duties",
            "assess-test__national_study__situation": "Her address must stay hidden",
        },
        status=400,
    )
    html = response.get_data(as_text=True)
    programme = "Linking their information for the Think Family programme"
    section = element_text(html, "action-assess_objection")
    assert "There is a problem" in element_text(html)
    for message in (
        f"{programme}: Describe the person's particular situation",
        f"{programme}: Explain why the council's grounds override the person's interests, "
        "rights and freedoms (Art 21(1))",
        "Sending their information to the National Impact Study (ONS and NIESR): Explain why "
        "the research is necessary for a task carried out in the public interest (Art 21(6))",
    ):
        assert message in section
    assert element_text(html, "assess-test__programme__situation-error") == (
        f"{programme}: Describe the person's particular situation"
    )
    assert events_since(app, since) == []
    assert "Not assessed yet." in text_of(client, reference)
