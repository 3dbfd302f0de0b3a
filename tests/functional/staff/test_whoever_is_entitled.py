"""Whoever is entitled may ask (issue 16 point 5, C11): someone acting for another adult
says on what authority (written permission, a lasting power of attorney, a Court of
Protection deputyship, a solicitor or advocate) and is asked for the proof that authority
needs; staff see it; a child's own request and a parent's request for their child cannot
go to the reviewer until staff record their judgement (no age presumption in England and
Wales: DPA 2018 s.208's presumption at 12 applies in Scotland only; ICO right of access
guidance, "What about requests for information about children?")."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.cases import entitlement
from portal.cases.models import (
    ActingFor,
    Authority,
    Case,
    CaseKind,
    CaseState,
    EvidencePurpose,
)
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, get_page, translated
from tests.functional.staff.test_case_page import act, intake_form, url
from tests.journeys import (
    ACCESS_ANSWERS,
    PERSON,
    answer,
    identity_files,
    start,
    submit,
)
from tests.visible import visible_text

ATTORNEY = "Maria Popescu"
CLIENT = "Jan Nowak"


def text_of(client, reference: str) -> str:
    """The staff case page as a caseworker reads it."""
    return visible_text(get_page(client, url(reference), lang="en").html)


def case_of(app, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        db.session.expunge(case)
        return case


def test_an_attorney_says_on_what_authority_and_is_asked_for_that_proof_in_polish(
    app, client, signed_in
):
    def pl(message: str) -> str:
        return translated("pl", message)

    start(client, "pl", "get-a-copy")
    answer(client, "pl", "get-a-copy", "who", {"acting_for": "someone_else"})
    you = {"requester_name": ATTORNEY, "relationship": "pełnomocnik"}
    page = submit(client, "/pl/get-a-copy/you", you)
    assert page.location == "/pl/get-a-copy/authority"

    question = get_page(client, "/pl/get-a-copy/authority", lang="pl").text()
    assert pl("What gives you the right to act for them?") in question
    for option, hint in (
        ("They have given me written permission", "You will need a letter signed by them"),
        (
            "I am their attorney under a lasting power of attorney",
            "You will need a copy of the registered lasting power of attorney.",
        ),
        (
            "I am their deputy, appointed by the Court of Protection",
            "You will need a copy of the court order that appoints you.",
        ),
        ("I am their solicitor or advocate", "You will need their signed letter of authority."),
    ):
        assert pl(option) in question
        full_hint = next(
            message
            for message in (
                "You will need a letter signed by them saying you may ask for their information.",
                hint,
            )
            if message.startswith(hint)
        )
        assert pl(full_hint) in question

    refused = submit(client, "/pl/get-a-copy/authority", {})
    assert refused.status_code == 400
    assert pl("Select what gives you the right to act for them") in visible_text(
        refused.get_data(as_text=True)
    )
    answer(client, "pl", "get-a-copy", "authority", {"authority": "lasting_power_of_attorney"})
    answer(client, "pl", "get-a-copy", "name", {"full_name": CLIENT, "other_names": ""})
    for step in ("date-of-birth", "address", "contact"):
        answer(client, "pl", "get-a-copy", step, PERSON[step])
    for step, data in ACCESS_ANSWERS.items():
        answer(client, "pl", "get-a-copy", step, data)

    evidence = get_page(client, "/pl/get-a-copy/identity", lang="pl").text()
    assert pl("A copy of the registered lasting power of attorney") in evidence
    files = identity_files(for_someone_else=True)
    answer(client, "pl", "get-a-copy", "identity", {"how": "upload"}, files=files)
    answer(client, "pl", "get-a-copy", "declaration", {"confirm": "y"})

    check = get_page(client, "/pl/get-a-copy/check", lang="pl").text()
    assert pl("I am their attorney under a lasting power of attorney") in check
    sent = submit(client, "/pl/get-a-copy/check", {})
    assert sent.status_code == 303
    sent_page = client.get(sent.location).get_data(as_text=True)
    with app.app_context():
        case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None and case.reference in sent_page
        assert case.acting_for == ActingFor.SOMEONE_ELSE
        assert case.authority == Authority.LASTING_POWER_OF_ATTORNEY
        reference = case.reference

    staff = app.test_client()
    signed_in(staff, Role.CASEWORKER)
    page = text_of(staff, reference)
    assert "Their authority Attorney under a lasting power of attorney" in page


def test_a_parents_request_is_made_with_parental_responsibility(app):
    with building(app) as scenarios:
        case = scenarios.filed(
            received=utc_now(),
            acting_for=ActingFor.MY_CHILD,
            subject=person(full_name="Zofia Kowalska", date_of_birth=date(2016, 5, 1)),
            requester=person(),
            relationship_to_subject="mother",
            authority=Authority.WRITTEN_PERMISSION,  # a parent's authority is their own
        )
        assert case.authority == Authority.PARENTAL_RESPONSIBILITY
        assert entitlement.judgement_needed(case) == entitlement.JudgementKind.CHILD_INTERESTS


@pytest.mark.parametrize(
    ("years", "needed"),
    [(14, entitlement.JudgementKind.CHILD_COMPETENCE), (18, None), (40, None)],
)
def test_a_request_by_someone_under_18_needs_a_competence_judgement(app, years, needed):
    received = utc_now()
    today = received.date()
    born = date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=1)
    with building(app) as scenarios:
        case = scenarios.filed(received=received, subject=person(date_of_birth=born))
        assert entitlement.judgement_needed(case) == needed


def _child_case_in_progress(app) -> str:
    """A 14-year-old's own access request, identity accepted and a search recorded."""
    today = utc_now().date()
    born = date(today.year - 14, 1, 1)
    with building(app) as scenarios:
        case = scenarios.filed(
            received=utc_now(), subject=person(full_name="Ola Kowalska", date_of_birth=born)
        )
        scenarios.in_progress(case, searched=True)
        return case.reference


def test_a_childs_own_request_goes_for_review_only_after_a_competence_judgement(
    app, client, signed_in
):
    signed_in(client, Role.CASEWORKER)
    reference = _child_case_in_progress(app)
    page = text_of(client, reference)
    assert "A child's own request: record your judgement of their competence" in page
    assert "Record who may ask: the child's competence and interests" in page

    refused = act(
        client, reference, "submit-for-review", {"submit-summary": "All found"}, status=400
    )
    shown = visible_text(refused.get_data(as_text=True))
    assert "Record your judgement of the child's competence before sending this for review" in (
        shown
    )
    assert case_of(app, reference).state == CaseState.IN_PROGRESS

    no_reasons = act(client, reference, "who-may-ask", {"judge-outcome": "competent"}, status=400)
    assert "Give the reasons for your judgement" in visible_text(no_reasons.get_data(as_text=True))
    act(
        client,
        reference,
        "who-may-ask",
        {
            "judge-outcome": "competent",
            "judge-reasons": "Met her with her school nurse: she knows what she is asking for.",
            "judge-child_consulted": "y",
        },
    )
    page = text_of(client, reference)
    assert "Competent: they understand what they are asking for" in page
    assert "Reasons: Met her with her school nurse" in page
    assert "the child was asked for their views" in page
    act(client, reference, "submit-for-review", {"submit-summary": "All found"})
    assert case_of(app, reference).state == CaseState.IN_REVIEW


def test_a_judgement_offers_only_its_own_outcomes(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    reference = _child_case_in_progress(app)
    wrong = act(
        client,
        reference,
        "who-may-ask",
        {"judge-outcome": "parent_may_act", "judge-reasons": "Because."},
        status=400,
    )
    assert "Select your judgement" in visible_text(wrong.get_data(as_text=True))
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert entitlement.current_judgement(db.session, case) is None


def test_an_adults_own_request_offers_no_judgement(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    with building(app) as scenarios:
        case = scenarios.filed(received=utc_now(), kind=CaseKind.OBJECTION)
        reference = case.reference
    page = text_of(client, reference)
    assert "Who may ask (C11)" not in page
    assert "Record who may ask" not in page


def test_staff_intake_records_the_authority_of_someone_acting_for_another(app, client, signed_in):
    caseworker = client
    signed_in(caseworker, Role.CASEWORKER)
    today = utc_now().date() - timedelta(days=1)  # 09:30 yesterday: never in the future
    data = {
        **intake_form(caseworker),
        "kind": "access",
        "channel": "letter",
        "received_on-day": str(today.day),
        "received_on-month": str(today.month),
        "received_on-year": str(today.year),
        "received_time": "10:00",
        "full_name": CLIENT,
        "language": "en",
        "acting_for": "someone_else",
        "requester_name": ATTORNEY,
        "relationship": "Deputy",
        "requester_address": "4 Station Road\nCastleford",
        "delivery": "post",
    }
    missing = caseworker.post("/staff/cases/log-request", data=data)
    assert missing.status_code == 400
    assert "Select their authority to act for the person" in visible_text(
        missing.get_data(as_text=True)
    )
    logged = caseworker.post("/staff/cases/log-request", data={**data, "authority": "court_deputy"})
    assert logged.status_code == 303
    reference = logged.location.rsplit("/", 1)[1]
    assert case_of(app, reference).authority == Authority.COURT_DEPUTY
    assert "Their authority Deputy appointed by the Court of Protection" in text_of(
        caseworker, reference
    )


def test_staff_intake_keeps_the_evidence_sent_with_a_request(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    today = utc_now().date() - timedelta(days=1)  # 09:30 yesterday: never in the future
    data = {
        **intake_form(client),
        "kind": "access",
        "channel": "letter",
        "received_on-day": str(today.day),
        "received_on-month": str(today.month),
        "received_on-year": str(today.year),
        "received_time": "09:30",
        "full_name": CLIENT,
        "language": "en",
        "acting_for": "someone_else",
        "authority": "lasting_power_of_attorney",
        "requester_name": ATTORNEY,
        "relationship": "Attorney",
        "requester_address": "4 Station Road\nCastleford",
        "delivery": "post",
    }
    files = identity_files(for_someone_else=True)
    with app.app_context():
        before = db.session.scalar(select(func.count(Case.id)))
    refused = client.post(
        "/staff/cases/log-request",
        data={
            **data,
            "photo_id": files["photo_id"],
            "authority_proof": (io.BytesIO(b"just some text"), "lpa.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "lpa.pdf: only PDF, JPG and PNG files can be kept" in visible_text(
        refused.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == before  # nothing half-saved

    files = identity_files(for_someone_else=True)
    logged = client.post(
        "/staff/cases/log-request",
        data={**data, "photo_id": files["photo_id"], "authority_proof": files["authority"]},
        content_type="multipart/form-data",
    )
    assert logged.status_code == 303
    reference = logged.location.rsplit("/", 1)[1]
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        purposes = sorted(file.purpose for file in case.files)
        assert purposes == [EvidencePurpose.AUTHORITY, EvidencePurpose.PHOTO_ID]
