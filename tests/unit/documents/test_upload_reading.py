"""Issue 18: a record's pictured pages are read by OCR once, by the worker, when the record
is uploaded (documents.upload_reading), so a search or release of it later does not wait
for Tesseract, and finds what a live reading finds.

Real Tesseract reads the scans (tests/unit/documents/test_ocr.py draws them); "no
Tesseract" is proved by making its program fail to start.
"""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from PIL import ImageDraw
from sqlalchemy import select

from portal.cases.casework_models import DisclosureItem
from portal.cases.models import CaseState
from portal.cases.record_redactions import AcceptedRedaction
from portal.cases.redaction_models import READ_RECORD_JOB, RecordReading
from portal.documents import ocr, upload_reading
from portal.documents.ocr import Word
from portal.documents.released_records import find_places, released_record
from portal.outbox import Job, JobStatus
from tests.unit.documents import redaction_corpus as corpus
from tests.unit.documents.conftest import RECEIVED
from tests.unit.documents.test_ocr import jpeg, scanned_letter, scanned_pdf
from tests.unit.documents.test_packs import add_item
from tests.unit.documents.test_redaction import pdftotext


def pending(session) -> list[Job]:
    return list(
        session.scalars(
            select(Job).where(Job.kind == READ_RECORD_JOB, Job.status == JobStatus.PENDING)
        )
    )


def reading_job(session, item: DisclosureItem) -> Job:
    [job] = [job for job in pending(session) if job.payload["item_id"] == item.id]
    return job


def run(session, job: Job) -> str | None:
    """Do the job as the worker does (it marks the job done once the handler returns)."""
    note = upload_reading.read_record_job(job)
    job.status = JobStatus.DONE
    session.commit()
    return note


@pytest.fixture()
def no_tesseract(monkeypatch):
    """Starting Tesseract fails the test (other programs run); what OCR remembers in
    memory is forgotten."""
    ocr.forget_readings()
    real = subprocess.run

    def refuse(command, *args, **kwargs):
        if "tesseract" in command[0]:
            raise AssertionError(f"Tesseract was run: {command}")
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", refuse)


def uploaded(scenarios, content: bytes, media_type: str = "application/pdf"):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=RECEIVED)
    return case, add_item(scenarios, case, "Scanned letter", content, media_type=media_type)


def content_of(scenarios, case, item) -> bytes:
    from portal.cases import disclosure

    return disclosure.decrypt_disclosure_item(case, item, cipher=scenarios.cipher)


def test_a_scan_read_at_upload_is_searched_and_released_without_tesseract(
    session, scenarios, cipher, tesseract, request
):
    image, _ = scanned_letter()
    case, item = uploaded(scenarios, scanned_pdf(image))
    content = content_of(scenarios, case, item)
    ocr.forget_readings()
    live = find_places(content, [corpus.NAME])

    assert run(session, reading_job(session, item)).startswith("1 pictured page(s) read")
    [row] = session.scalars(select(RecordReading).where(RecordReading.item_id == item.id))
    assert row.page == 0
    for word in (b"Nowicka", b"neighbour", b"children", b"Visit"):
        assert word not in row.encrypted

    request.getfixturevalue("no_tesseract")
    known = upload_reading.known_readings(session, case, item, cipher=cipher)
    assert len(known) == 1
    found = find_places(content, [corpus.NAME], known)
    assert found == live and len(found[corpus.NAME]) == 1
    [place] = found[corpus.NAME]
    accepted = AcceptedRedaction(place.page, place.boxes, "third_party")
    released = released_record(content, [accepted], lambda code: "S40(2)", known)
    text = " ".join(pdftotext(released).split())
    assert "Nowicka" not in text
    assert "Seen with her neighbour S40(2) at the door." in text  # the kept reading's words


def test_a_picture_record_is_read_at_upload_too(session, scenarios, cipher, tesseract, request):
    image, _ = scanned_letter()
    case, item = uploaded(scenarios, jpeg(image), "image/jpeg")
    run(session, reading_job(session, item))
    request.getfixturevalue("no_tesseract")
    known = upload_reading.known_readings(session, case, item, cipher=cipher)
    [place] = find_places(content_of(scenarios, case, item), [corpus.NAME], known)[corpus.NAME]
    assert place.found == corpus.NAME


def test_a_record_not_yet_read_is_searched_as_before(session, scenarios, cipher, tesseract):
    image, _ = scanned_letter()
    case, item = uploaded(scenarios, scanned_pdf(image))
    ocr.forget_readings()
    known = upload_reading.known_readings(session, case, item, cipher=cipher)
    assert known == {}
    [place] = find_places(content_of(scenarios, case, item), [corpus.NAME], known)[corpus.NAME]
    assert place.found == corpus.NAME


def test_a_term_with_polish_letters_is_still_read_with_polish_data(
    session, scenarios, cipher, tesseract, monkeypatch
):
    image, _ = scanned_letter()
    case, item = uploaded(scenarios, scanned_pdf(image))
    run(session, reading_job(session, item))
    known = upload_reading.known_readings(session, case, item, cipher=cipher)
    ocr.forget_readings()
    programs: list[list[str]] = []
    real = subprocess.run

    def recorded(command, *args, **kwargs):
        programs.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", recorded)
    find_places(content_of(scenarios, case, item), ["Łucja Wiśniewska"], known)
    assert [command[command.index("-l") + 1] for command in programs if "-l" in command] == [
        "eng+pol"
    ]


def test_a_reading_is_used_only_for_the_picture_and_languages_it_was_made_of(monkeypatch):
    image, _ = scanned_letter()
    changed = image.copy()
    ImageDraw.Draw(changed).rectangle((150, 320, 600, 360), fill=0)  # a line blacked out
    word = Word("Kept", (1, 2, 3, 4), (1, 2, 3, 4), (1, 1, 1))
    known = {ocr.picture_key(image): [word]}
    assert ocr.picture_key(image, ("eng", "pol")) not in known
    assert ocr.picture_key(changed) not in known
    ocr.forget_readings()
    read: list[object] = []
    monkeypatch.setattr(ocr, "_tesseract", lambda picture, languages: read.append(1) or [])
    assert ocr.read_words(image, known=known) == [word]
    assert read == []
    assert ocr.read_words(changed, known=known) == []
    assert ocr.read_words(image, ("eng", "pol"), known=known) == []
    assert len(read) == 2


def test_a_long_record_is_read_by_a_job_after_another(
    session, scenarios, cipher, tesseract, monkeypatch
):
    """Each job stops taking pages when its time is up (here: after its first page) and
    queues the rest, so no job outlives the worker's claim on it."""
    image, _ = scanned_letter()
    joined = pikepdf.new()
    for _ in range(3):
        with pikepdf.open(io.BytesIO(scanned_pdf(image))) as page:
            joined.pages.extend(page.pages)
    out = io.BytesIO()
    joined.save(out)
    _, item = uploaded(scenarios, out.getvalue())
    monkeypatch.setattr(upload_reading, "READING_SECONDS", 0)
    notes = []
    for _ in range(3):
        notes.append(run(session, reading_job(session, item)))
    assert notes[0].endswith("pages 2 to 3 queued")
    assert notes[2] == "1 pictured page(s) read of pages 3 to 3"
    assert not [job for job in pending(session) if job.payload["item_id"] == item.id]
    rows = session.scalars(select(RecordReading).where(RecordReading.item_id == item.id))
    assert sorted(row.page for row in rows) == [0, 1, 2]


def test_a_record_gone_before_its_reading_is_left_alone(session, scenarios):
    _, item = uploaded(scenarios, b"%PDF-1.7 never read")
    job = reading_job(session, item)
    job.payload = {**job.payload, "item_id": -1}
    assert upload_reading.read_record_job(job) == "the record is gone"
