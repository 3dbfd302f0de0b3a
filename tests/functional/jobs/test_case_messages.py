"""The council's messages to residents, emailed by the worker over real SMTP in the case's
language: each kind is made by the real casework function, then the outbox is worked.

Other tests share the database and the outbox, so every assertion looks at this test's
own address.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from portal.cases import closing, deadlines, disclosure, identity, intake, objections, review
from portal.cases.casework_models import DecisionOutcome, SearchOutcome
from portal.cases.models import Case, CaseKind
from portal.cases.scenario_requests import person, submission
from portal.extensions import db
from tests.functional.jobs.test_email_delivery import work_until_idle

CASEWORKER = "staff:1"
REVIEWER = "staff:2"
RECEIVED = date(2026, 3, 2)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def file_case(app, address: str, language: str, **changes) -> Case:
    return intake.submit_request(
        db.session,
        submission(
            subject=person(full_name="Zofia Wójcik", email=address), language=language, **changes
        ),
        idempotency_key=secrets.token_urlsafe(16),
        cipher=app.extensions["evidence_cipher"],
        now=at(RECEIVED),
    )


def accepted(app, address: str, language: str, **changes) -> Case:
    case = file_case(app, address, language, **changes)
    identity.accept_identity(
        db.session, case, evidence_arrived_on=RECEIVED, actor=CASEWORKER, now=at(RECEIVED)
    )
    return case


def identity_request(app, address: str, language: str) -> None:
    case = file_case(app, address, language)
    identity.request_identity(
        db.session,
        case,
        what_is_needed="A utility bill from the last three months",
        actor=CASEWORKER,
        now=at(date(2026, 3, 3)),
    )


def clarification_request(app, address: str, language: str) -> None:
    case = accepted(app, address, language)
    deadlines.ask_clarification(
        db.session,
        case,
        question="Which years do you want records for?",
        actor=CASEWORKER,
        now=at(date(2026, 3, 9)),
    )


def extension_notice(app, address: str, language: str) -> None:
    case = accepted(app, address, language)
    deadlines.extend(
        db.session,
        case,
        reason="Six departments hold records about your family",
        actor=CASEWORKER,
        now=at(date(2026, 3, 12)),
    )


def refusal(app, address: str, language: str) -> None:
    case = file_case(app, address, language)
    closing.refuse(
        db.session,
        case,
        actor=REVIEWER,
        actor_role=closing.REVIEWER_ROLE,
        reasons="A copy of the same records was sent three weeks ago",
        now=at(date(2026, 3, 4)),
    )


def response_ready(app, address: str, language: str) -> None:
    case = accepted(
        app,
        address,
        language,
        details={"what": {"scope": "everything"}, "delivery": {"delivery": "post"}},
    )
    disclosure.record_search(
        db.session,
        case,
        department="Early Help",
        searched_on=date(2026, 3, 5),
        outcome=SearchOutcome.NONE_HELD,
        actor=CASEWORKER,
        now=at(date(2026, 3, 5)),
    )
    review.submit_for_review(db.session, case, actor=CASEWORKER, summary="Nothing held")
    review.approve(db.session, case, actor=REVIEWER)
    closing.complete(db.session, case, actor=CASEWORKER, now=at(date(2026, 3, 6)))


def response_ready_to_download(app, address: str, language: str) -> None:
    """Approved for a secure download: the worker makes the pack, releases it and emails."""
    case = accepted(
        app,
        address,
        language,
        details={"what": {"scope": "everything"}, "delivery": {"delivery": "download"}},
    )
    disclosure.record_search(
        db.session,
        case,
        department="Early Help",
        searched_on=date(2026, 3, 5),
        outcome=SearchOutcome.NONE_HELD,
        actor=CASEWORKER,
        now=at(date(2026, 3, 5)),
    )
    review.submit_for_review(db.session, case, actor=CASEWORKER, summary="Nothing held")
    review.approve(db.session, case, actor=REVIEWER)


def decision_ready(app, address: str, language: str) -> None:
    case = accepted(
        app,
        address,
        language,
        kind=CaseKind.OBJECTION,
        details={"processing": {"processing": ["programme", "sharing"], "agencies": ["police"]}},
    )
    objections.assess_objection(
        db.session,
        case,
        grounds_raised="The police link puts her at risk",
        processing_affected=objections.processing_objected_to(case),
        compelling_grounds="A child protection plan needs the programme link",
        actor=CASEWORKER,
    )
    objections.propose_decision(
        db.session,
        case,
        outcome=DecisionOutcome.PARTLY_UPHELD,
        upheld_processing=["sharing:police"],
        reasons="Your safety outweighs the benefit of sharing with the police",
        actor=CASEWORKER,
    )
    objections.approve_decision(db.session, case, actor=REVIEWER, now=at(date(2026, 3, 20)))


# Per kind: how to make it, then what the Polish email must say (subject, then body).
POLISH = {
    "identity_request": (
        identity_request,
        "Potrzebujemy dodatkowego dowodu tożsamości",
        [
            "Zanim zaczniemy pracę nad Twoim wnioskiem",
            "Urząd napisał:\n\nA utility bill from the last three months",
            "Śledź swój wniosek: http://portal.test/pl/track",
        ],
    ),
    "clarification_request": (
        clarification_request,
        "Potrzebujemy więcej informacji o Twoim wniosku",
        [
            "Termin jest wstrzymany od 9 marca 2026",
            "Urząd napisał:\n\nWhich years do you want records for?",
            "Odpowiedz na tego e-maila",
        ],
    ),
    "extension_notice": (
        extension_notice,
        "Potrzebujemy więcej czasu na odpowiedź",
        [
            "Odpowiemy do 2 czerwca 2026 zamiast do 2 kwietnia 2026",
            "Urząd napisał:\n\nSix departments hold records about your family",
        ],
    ),
    "refusal": (
        refusal,
        "Odmówiliśmy spełnienia Twojego wniosku",
        [
            "Zdecydowaliśmy, że nie rozpatrzymy Twojego wniosku",
            "Urząd napisał:\n\nA copy of the same records was sent three weeks ago",
            "(ICO)",
            "ico.org.uk/make-a-complaint",
            "Masz też prawo zwrócić się do sądu.",
        ],
    ),
    "response_ready": (
        response_ready,
        "Twoje informacje są gotowe",
        [
            "Wysłaliśmy Ci Twoje informacje pocztą.",
            "(ICO)",
            "ico.org.uk/make-a-complaint",
        ],
    ),
    "response_ready_to_download": (
        response_ready_to_download,
        "Twoje informacje są gotowe",
        [
            "Twoje informacje są gotowe.",
            "Aby je pobrać, wejdź na stronę http://portal.test/pl/track",
            "Możesz je pobierać przez 90 dni.",
        ],
    ),
    "decision_ready": (
        decision_ready,
        "Nasza decyzja w sprawie Twojego sprzeciwu",
        [
            "Częściowo zgadzamy się z Twoim sprzeciwem.",
            "Urząd napisał:\n\nYour safety outweighs the benefit of sharing with the police",
            "(ICO)",
            "Masz też prawo zwrócić się do sądu.",
        ],
    ),
}


def new_address() -> str:
    return f"resident-{uuid.uuid4().hex[:10]}@example.com"


def message_emails(smtp_app, smtp_server, make, language: str) -> list[EmailMessage]:
    """Makes the message on a new case, drains the outbox, and returns the emails that the
    message (not the confirmation) sent to the case's address."""
    address = new_address()
    smtp_server.start()
    work_until_idle(smtp_app)
    with smtp_app.app_context():
        make(smtp_app, address, language)
    work_until_idle(smtp_app)
    confirmation_count = 1  # the request_received email, sent first
    received = smtp_server.to(address)
    assert len(received) == confirmation_count + 1
    return received[confirmation_count:]


@pytest.mark.parametrize("kind", sorted(POLISH))
def test_each_message_is_emailed_once_in_polish(smtp_app, smtp_server, kind):
    make, subject, expected = POLISH[kind]
    [email] = message_emails(smtp_app, smtp_server, make, "pl")
    assert email["Content-Language"] == "pl"
    assert email["Subject"].startswith(subject + " (TF-")
    body = email.get_content().replace("\r\n", "\n")
    assert body.startswith("Dzień dobry,\n")  # no name: Polish would decline it
    for words in expected:
        assert words in body
    assert "We " not in body  # nothing left in English but what staff wrote


def test_a_refusal_in_urdu_names_the_ico_and_the_courts(smtp_app, smtp_server):
    [email] = message_emails(smtp_app, smtp_server, refusal, "ur")
    assert email["Content-Language"] == "ur"
    assert email["Subject"].startswith("ہم نے آپ کی درخواست مسترد کر دی ہے")
    body = email.get_content().replace("\r\n", "\n")
    # What staff wrote, in English, is isolated (FSI ... PDI) so its full stop stays at its end.
    assert "کونسل نے لکھا:\n\n\u2068A copy of the same records was sent three weeks ago" in body
    assert "ico.org.uk/make-a-complaint" in body
    assert "آپ کو عدالت سے رجوع کرنے کا حق بھی حاصل ہے" in body
