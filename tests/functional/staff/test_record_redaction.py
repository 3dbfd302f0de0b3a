"""A caseworker redacts an uploaded record on the staff pages (issue 18): finds a name,
accepts one place and leaves another, picks a line, draws a box, and the reviewer sees
each redacted page beside its original. What the pages show is read as text."""

from __future__ import annotations

import io
import subprocess

from PIL import Image
from sqlalchemy import select
from weasyprint import HTML

from portal.accounts.models import Role
from portal.cases.casework_models import DisclosureKind
from portal.cases.redaction_models import READ_RECORD_JOB, RecordRedaction, RedactionStatus
from portal.documents import ocr
from portal.extensions import db
from portal.instants import utc_now
from portal.jobs import worker
from portal.outbox import Job, JobStatus
from tests.conftest import building, get_page
from tests.functional.staff.conftest import events_since, last_event_id
from tests.journeys import csrf_token
from tests.unit.documents.test_ocr import scanned_letter, scanned_pdf

NAME = "Jadwiga Nowicka"


def record() -> bytes:
    html = f"""<html lang="en"><body style="font: 12pt sans-serif">
    <p>Visit on 3 May. {NAME} called the police.</p>
    <p>Wakefield office notes. Neighbour {NAME} again.</p>
    <p style="break-before: page">Follow-up: the family moved.</p>
    </body></html>"""
    return HTML(string=html).write_pdf()


def case_with_record(app) -> tuple[str, int]:
    """An access request being worked on, with an uploaded record that names a neighbour."""
    with building(app) as scenarios:
        case = scenarios.filed(received=utc_now())
        reference = case.reference
        scenarios.start(case)
        item = scenarios.add_item(
            case,
            department="Police",
            title="Police notes",
            kind=DisclosureKind.UPLOADED,
            content=record(),
            original_name="notes.pdf",
            media_type="application/pdf",
        )
        return reference, item.id


def post(client, page_url: str, action: str, data: dict, *, status: int = 303):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    response = client.post(action, data={"csrf_token": token, **data})
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


def redactions(app, item_id: int) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.query(RecordRedaction).filter_by(item_id=item_id)
        return [(row.page, row.source, row.status) for row in rows.order_by(RecordRedaction.id)]


def test_a_caseworker_finds_a_name_and_decides_each_place(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    reference, item_id = case_with_record(app)
    case_page = get_page(client, f"/staff/cases/{reference}", lang="en")
    assert "redact Police notes" in case_page.text()

    screen = f"/staff/cases/{reference}/items/{item_id}/redact"
    before = last_event_id(app)
    page = get_page(client, screen, lang="en")
    assert "Redact: Police notes" in page.text()
    assert "2 pages." in page.text()
    assert events_since(app, before, "record_opened_to_redact")

    # Nothing typed: a clear message, nothing stored.
    response = post(client, screen, screen + "/find", {"find-terms": "  "}, status=400)
    assert "Enter at least one name" in response.get_data(as_text=True)
    assert redactions(app, item_id) == []

    response = post(client, screen, screen + "/find", {"find-terms": NAME})
    assert response.location.endswith("#proposed")
    page = get_page(client, screen, lang="en")
    text = page.text()
    assert "To check (2)" in text
    assert f"Page 1: {NAME}" in text
    assert f"“Visit on 3 May. {NAME} called the police." in text
    with app.app_context():
        ids = [
            row.id
            for row in db.session.query(RecordRedaction)
            .filter_by(item_id=item_id)
            .order_by(RecordRedaction.id)
        ]

    # Redacting needs an exemption; the place stays to check.
    response = post(client, screen, f"{screen}/{ids[0]}", {"decide-decision": "accept"}, status=400)
    assert "Choose the exemption" in response.get_data(as_text=True)
    post(
        client,
        screen,
        f"{screen}/{ids[0]}",
        {"decide-decision": "accept", "decide-exemption": "third_party"},
    )
    post(client, screen, f"{screen}/{ids[1]}", {"decide-decision": "reject"})
    assert [status for _, _, status in redactions(app, item_id)] == [
        RedactionStatus.ACCEPTED,
        RedactionStatus.REJECTED,
    ]
    text = get_page(client, screen, lang="en").text()
    assert "To check (0)" in text
    assert "Redacted (1)" in text
    assert "Sch 2 para 16: Information about another person" in text
    assert "1 place left in the record." in text

    # Taken back, the place is released again.
    post(client, screen, f"{screen}/{ids[0]}/take-back", {})
    assert "Redacted (0)" in get_page(client, screen, lang="en").text()


def test_lines_picked_and_a_box_drawn_and_the_reviewer_sees_both_pages(app, client, signed_in):
    signed_in(client, Role.CASEWORKER)
    reference, item_id = case_with_record(app)
    page_url = f"/staff/cases/{reference}/items/{item_id}/redact/pages/1"
    page = get_page(client, page_url, lang="en")
    text = page.text()
    assert f"Visit on 3 May. {NAME} called the police." in text  # a line to pick
    assert "Page 1 of 2" in text

    # No line picked, no exemption: both said, nothing stored.
    response = post(client, page_url, page_url + "/lines", {}, status=400)
    body = response.get_data(as_text=True)
    assert "Choose at least one line to redact" in body
    assert "Choose the exemption that applies" in body
    post(
        client,
        page_url,
        page_url + "/lines",
        {"lines-lines": "1", "lines-exemption": "crime_prevention"},
    )

    # A box over the top half of page 2, as the page script fills the hidden field.
    page_two = f"/staff/cases/{reference}/items/{item_id}/redact/pages/2"
    response = post(
        client,
        page_two,
        page_two + "/area",
        {"area-area": "nonsense", "area-exemption": "third_party"},
        status=400,
    )
    assert "Draw a box on the page" in response.get_data(as_text=True)
    post(
        client,
        page_two,
        page_two + "/area",
        {"area-area": "0,0,1,0.5", "area-exemption": "third_party"},
    )
    assert redactions(app, item_id) == [
        (0, "line", RedactionStatus.ACCEPTED),
        (1, "area", RedactionStatus.ACCEPTED),
    ]

    # Pictures of the page: PNG, not cached.
    for kind in ("original", "released"):
        response = client.get(f"{page_url}/{kind}.png")
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.headers["Cache-Control"] == "no-store"
        assert Image.open(io.BytesIO(response.data)).size[0] == 900
    assert client.get(f"/staff/cases/{reference}/items/{item_id}/redact/pages/3").status_code == 404

    reviewer = app.test_client()
    signed_in(reviewer, Role.REVIEWER)
    review = get_page(reviewer, f"/staff/cases/{reference}/redactions", lang="en")
    text = review.text()
    assert "Page 1: 1 redaction" in text
    assert "Lines picked: Sch 2 para 2" in text
    assert "Page 2: 1 redaction" in text
    assert "Area drawn: Sch 2 para 16" in text
    html = review.response.get_data(as_text=True)
    assert html.count('alt="Page 1 of Police notes as uploaded"') == 1
    assert html.count('alt="Page 1 of Police notes as released"') == 1


def test_a_scan_read_at_upload_is_searched_without_waiting_for_tesseract(
    app, client, signed_in, monkeypatch
):
    """The upload queues the reading; until the worker has done it the screen says so and
    a search reads the scan itself; afterwards a search finds the name with no OCR."""
    image, _ = scanned_letter()
    with building(app) as scenarios:
        case = scenarios.filed(received=utc_now())
        reference = case.reference
        scenarios.start(case)
        item_id = scenarios.add_item(
            case,
            department="Police",
            title="Scanned letter",
            kind=DisclosureKind.UPLOADED,
            content=scanned_pdf(image),
            original_name="letter.pdf",
            media_type="application/pdf",
        ).id
    signed_in(client, Role.CASEWORKER)
    screen = f"/staff/cases/{reference}/items/{item_id}/redact"
    being_read = "This record is still being read for words in its scans and pictures."
    assert being_read in get_page(client, screen, lang="en").text()

    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == READ_RECORD_JOB))
        [job_id] = [job.id for job in jobs if job.payload["item_id"] == item_id]
        moment = utc_now()
        assert worker.claim(job_id, moment)
        worker.run_job(app, job_id, now=moment)
        assert db.session.get(Job, job_id).status == JobStatus.DONE
    assert being_read not in get_page(client, screen, lang="en").text()

    ocr.forget_readings()
    real = subprocess.run

    def no_tesseract(command, *args, **kwargs):
        assert "tesseract" not in command[0], "a search waited for Tesseract"
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", no_tesseract)
    response = post(client, screen, screen + "/find", {"find-terms": NAME})
    assert response.location.endswith("#proposed")
    text = get_page(client, screen, lang="en").text()
    assert f"Page 1: {NAME}" in text
    assert f"neighbour {NAME} at the door" in text
    assert redactions(app, item_id) == [(0, "term", RedactionStatus.PROPOSED)]
