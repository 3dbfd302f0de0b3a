"""Every email and every letter a resident can get, in one language, made the way the
portal makes them: each case is built by the real service and casework functions (the
scenarios of tests/functional/jobs/test_case_messages.py), each email from its job in the
outbox (portal.jobs.emails.build_email, then encoded and parsed back as a mail client
would), each letter by portal.documents.letters and the response pack's cover by
portal.documents.packs.

Rendering is the slow part, so each language's set is made once per test session.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from portal.cases import closing, intake, tracking
from portal.cases.casework_models import CaseMessage
from portal.cases.models import Case, EvidencePurpose, Person
from portal.cases.requests import Evidence
from portal.cases.scenarios import Scenarios
from portal.documents import letters, packs
from portal.documents.letters import MESSAGE_KINDS, LetterKind
from portal.extensions import db
from portal.jobs import mail
from portal.jobs.emails import build_email
from portal.outbox import Job
from tests import complaints, rights_requests
from tests.conftest import building
from tests.functional.jobs import test_case_messages as scenarios
from tests.journeys import png_bytes
from tests.visible import ReadEmail, pdf_text, read_email

# One case per council message, made as casework makes it (the message kind's name).
MESSAGE_SCENARIOS: dict[str, Callable[[Scenarios, str, str], None]] = {
    "identity_request": scenarios.identity_request,
    "clarification_request": scenarios.clarification_request,
    "extension_notice": scenarios.extension_notice,
    "refusal": scenarios.refusal,
    "response_ready": scenarios.response_ready,
    "decision_ready": scenarios.decision_ready,
    "correction_decision": scenarios.correction_decision,
    "review_outcome": scenarios.review_outcome,
    "complaint_acknowledgement": complaints.complaint_acknowledgement,
    "complaint_progress": complaints.complaint_progress,
    "complaint_outcome": complaints.complaint_outcome,
    "restriction_decision": rights_requests.restriction_decision,
    "deletion_decision": rights_requests.deletion_decision,
    "restriction_lifting": rights_requests.restriction_lifting,
}


@dataclass(frozen=True)
class ResidentCase:
    scenario: str
    case_id: int
    reference: str
    email: str
    name: str  # the requester's, as they typed it


@dataclass(frozen=True)
class ShownEmail:
    label: str  # the job kind, and the message kind for a council message
    requester: str
    email: ReadEmail


@dataclass(frozen=True)
class ShownLetter:
    label: str
    requester: str
    text: str  # what PDFium extracts


_CASES: dict[tuple[int, str], list[ResidentCase]] = {}
_EMAILS: dict[tuple[int, str], list[ShownEmail]] = {}
_LETTERS: dict[tuple[int, str], list[ShownLetter]] = {}


def _new_address() -> str:
    return f"resident-{uuid.uuid4().hex[:12]}@example.com"


def _case_of(address: str) -> Case:
    case = db.session.scalar(
        select(Case).join(Case.requester).where(Person.email == address).order_by(Case.id.desc())
    )
    assert case is not None, address
    return case


def _remember(scenario: str, case: Case) -> ResidentCase:
    return ResidentCase(
        scenario, case.id, case.reference, case.requester.email, case.requester.full_name
    )


def resident_cases(app: Flask, language: str) -> list[ResidentCase]:
    """A case for each council message, one whose requester sent more evidence and then
    withdrew, and one they asked a tracking code for: between them, every email kind."""
    key = (id(app), language)
    if key in _CASES:
        return _CASES[key]
    made: list[ResidentCase] = []
    with building(app) as built:
        for name, make in MESSAGE_SCENARIOS.items():
            address = _new_address()
            make(built, address, language)
            made.append(_remember(name, _case_of(address)))
        address = _new_address()
        case = built.filed(received=scenarios.RECEIVED, **scenarios.zofia(address, language))
        more = Evidence(EvidencePurpose.MORE_EVIDENCE, "payslip.png", "image/png", png_bytes())
        intake.add_evidence(db.session, case, (more,), cipher=built.cipher)
        closing.withdraw(db.session, case, reason="Sorted out with the school")
        made.append(_remember("evidence_then_withdrawn", case))
        tracked = tracking.start_tracking(
            db.session, reference=case.reference, email=address, secret=app.config["SECRET_KEY"]
        )
        assert tracked is not None, "no tracking code was sent"
    _CASES[key] = made
    return made


def resident_emails(app: Flask, language: str) -> list[ShownEmail]:
    """Every email the outbox holds for those cases, as the requester's mail client shows it."""
    key = (id(app), language)
    if key in _EMAILS:
        return _EMAILS[key]
    cases = {case.case_id: case for case in resident_cases(app, language)}
    shown: list[ShownEmail] = []
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind.like("email.%")).order_by(Job.id))
        for job in jobs:
            case = cases.get(job.payload.get("case_id"))
            if case is None:
                continue
            email = build_email(app, job.kind, job.payload)
            assert email is not None, f"{job.kind} for {case.reference} has no address"
            message = mail.build_message(
                sender=app.config["MAIL_SENDER"],
                to=email.to,
                subject=email.subject,
                body=email.body,
                language=email.language,
                message_id=f"<visible-{job.id}@portal.test>",
            )
            label = job.kind
            if "message_id" in job.payload:
                label += ":" + db.session.get(CaseMessage, job.payload["message_id"]).kind
            shown.append(ShownEmail(label, case.name, read_email(message)))
    _EMAILS[key] = shown
    return shown


def resident_letters(app: Flask, language: str) -> list[ShownLetter]:
    """Every kind of letter, and the response pack (its cover letter and lists), as text."""
    key = (id(app), language)
    if key in _LETTERS:
        return _LETTERS[key]
    cases = {case.scenario: case for case in resident_cases(app, language)}
    for_kind = {kind: message_kind.value for kind, message_kind in MESSAGE_KINDS.items()}
    for_kind[LetterKind.ACKNOWLEDGEMENT] = "identity_request"  # any case will do
    shown: list[ShownLetter] = []
    with app.app_context():
        for kind in LetterKind:
            case = cases[for_kind[kind]]
            letter = letters.render_letter(db.session, db.session.get(Case, case.case_id), kind)
            assert letter.language == language
            shown.append(ShownLetter(f"letter:{kind.value}", case.name, pdf_text(letter.pdf)))
        case = cases["response_ready"]
        pack = packs.build_response_pack(
            db.session,
            db.session.get(Case, case.case_id),
            cipher=app.extensions["evidence_cipher"],
        )
        shown.append(ShownLetter("response pack", case.name, pdf_text(pack.pdf)))
    _LETTERS[key] = shown
    return shown
