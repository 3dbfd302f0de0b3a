"""C8 (issue 13 point 8): an item's staff note, which may say what was withheld ("a GP's
opinion"), never reaches the resident. Everything a resident reads of a completed access
request (the response pack read back with pdftotext, the tracking status page, every
email and letter) is searched for a note's unique token; the pack gives each exemption's
plain-words reason instead, in the resident's language, and only the reasons used.

The staff case page still shows the note, labelled staff-only:
tests/functional/staff/test_case_page.py::test_an_access_request_through_every_step.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.cases import disclosure
from portal.cases.casework_models import DisclosureKind, ExemptionCode
from portal.cases.models import Case, CaseState
from portal.cases.scenario_requests import access_details, person, tiny_png
from portal.cases.scenario_steps import Search
from portal.documents import letters, packs
from portal.documents.letters import LetterKind
from portal.extensions import db
from portal.jobs import mail
from portal.jobs.emails import build_email
from portal.outbox import Job
from tests.conftest import building, get_page, translated
from tests.functional.test_tracking import Filed, sign_in
from tests.visible import element_text, pdf_text, read_email

RECEIVED = datetime(2026, 10, 5, 10, tzinfo=UTC)
USED = (
    ExemptionCode.HEALTH_SERIOUS_HARM,
    ExemptionCode.ADOPTION_RECORDS,
    ExemptionCode.THIRD_PARTY,
)
UNUSED = (
    ExemptionCode.SPECIAL_EDUCATIONAL_NEEDS,
    ExemptionCode.PARENTAL_ORDER_RECORDS,
    ExemptionCode.CRIME_PREVENTION,
    ExemptionCode.CHILD_ABUSE_DATA,
)


@dataclass(frozen=True)
class Shown:
    """What the resident of one completed case reads, as text, by where they read it."""

    token: str
    language: str
    pack: str
    readings: dict[str, str]


BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdftotext(pdf: bytes) -> str:
    """The pack's words as poppler reads them, lines joined, without the direction marks
    it adds around right-to-left runs."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(BIDI_MARKS.sub("", text).split())


def completed_with_staff_notes(app, language: str) -> tuple[Filed, str]:
    """A request completed by post: one item partly withheld, one withheld in full, each
    with a staff note naming what was withheld and a token no resident should ever see."""
    token = f"STAFFONLY{secrets.token_hex(4).upper()}"
    note = f"Removed a GP's opinion about the mother's mood ({token})"
    address = f"ana.{secrets.token_hex(5)}@example.com"
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS,
            received=RECEIVED,
            subject=person(full_name="Ana Popescu", email=address),
            language=language,
            details=access_details("post"),
        )
        scenarios.extend(case, reason="Six departments hold records", at=3)
        scenarios.search(case, searches=[Search("Early Help")], at=5)
        scenarios.add_item(
            case,
            department="Early Help",
            title="Health visitor notes",
            content="Home visit went well.",
            item_date=date(2026, 9, 1),
            exemptions=[ExemptionCode.HEALTH_SERIOUS_HARM],
            redaction_note=note,
            at=6,
        )
        scenarios.add_item(
            case,
            department="Early Help",
            title="Adoption panel report",
            kind=DisclosureKind.UPLOADED,
            content=tiny_png(60),
            media_type="image/png",
            original_name="blank.png",
            item_date=date(2026, 9, 2),
            exemptions=[ExemptionCode.ADOPTION_RECORDS, ExemptionCode.THIRD_PARTY],
            redaction_note=f"Withheld in full. {note}",
            at=6,
        )
        scenarios.submit(case, at=8)
        scenarios.approve(case, at=10)
        scenarios.complete(case, at=12)
        return Filed(case.id, case.reference, address), token


@pytest.fixture(scope="module", params=["en", "pl", "ur"])
def shown(request, app) -> Shown:
    language = request.param
    filed, token = completed_with_staff_notes(app, language)
    client = app.test_client()
    sign_in(app, client, filed, locale=language)
    status = get_page(client, f"/{language}/track/status")
    readings = {"tracking page": element_text(status.html, everything=True)}
    with app.app_context(), app.test_request_context():
        case = db.session.get(Case, filed.id)
        pack = packs.build_response_pack(db.session, case, cipher=app.extensions["evidence_cipher"])
        for kind in (LetterKind.ACKNOWLEDGEMENT, LetterKind.EXTENSION_NOTICE):
            letter = letters.render_letter(db.session, case, kind)
            readings[f"letter:{kind.value}"] = pdf_text(letter.pdf)
        for job in db.session.scalars(select(Job).where(Job.kind.like("email.%"))):
            if job.payload.get("case_id") != filed.id:
                continue
            email = build_email(app, job.kind, job.payload)
            assert email is not None, job.kind
            message = mail.build_message(
                sender=app.config["MAIL_SENDER"],
                to=email.to,
                subject=email.subject,
                body=email.body,
                language=email.language,
                message_id=f"<notes-{job.id}@portal.test>",
            )
            read = read_email(message)
            readings[f"email:{job.kind}:{job.id}"] = f"{read.subject}\n{read.body}"
    text = pdftotext(pack.pdf)
    readings["response pack (pdftotext)"] = text
    readings["response pack (PDFium)"] = pdf_text(pack.pdf)
    return Shown(token, language, text, readings)


def words(text: str) -> str:
    """A text's words in order, punctuation left out and Latin runs apart from the letters
    around them: a PDF extractor puts the brackets of a Latin run inside Urdu, like
    "(adoption)", where the eye does not see them, so only the words are compared."""
    return " ".join(re.findall(r"[A-Za-z0-9'\u2019]+|[^\W\dA-Za-z_]+", text))


def reason(code: ExemptionCode, language: str) -> str:
    """The exemption's plain-words reason in the language, as words."""
    return words(translated(language, disclosure.EXEMPTIONS[code].resident_explanation))


def test_no_staff_note_reaches_anything_the_resident_reads(shown):
    assert any(label.startswith("email:") for label in shown.readings), "no email was made"
    for label, text in shown.readings.items():
        assert shown.token not in text, label
        assert "GP's opinion" not in text, label
        assert "Withheld in full" not in text, label


def test_the_pack_gives_each_used_exemption_s_reason_in_the_resident_s_language(shown):
    pack = words(shown.pack)
    for code in USED:
        assert reason(code, shown.language) in pack, code
    # The pack gives the reasons used on this case's items, no others.
    for code in UNUSED:
        assert reason(code, shown.language) not in pack, code
