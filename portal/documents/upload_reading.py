"""Reading an uploaded record's pictured pages once, in the worker, when it is uploaded
(issue 18), so that staff searching it, the reviewer's preview and the pack's release
never wait for Tesseract: OCR takes one to two seconds of a core a scanned page, the rest
of a search or release a fraction of that.

The job (READ_RECORD_JOB, queued by disclosure.add_disclosure_item) reads the record as
term search does (term_search.read_pictures: the same pages, drawn the same way, read in
English) and keeps each page's words, by picture (ocr.picture_key), with the record
(cases.record_readings, encrypted). A search or release hands them to OCR as `known`:
a picture whose key is there is not read again; any other (a term with Polish or Urdu
letters reads in those languages too, so its key differs) is read as before. A long
record is read by a job after another, each within READING_SECONDS, so no job outlives
the worker's claim on it.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence

from flask import current_app

from portal.cases import disclosure, record_readings
from portal.cases.casework_models import DisclosureItem, DisclosureKind
from portal.cases.models import Case
from portal.documents import released_records, term_search
from portal.documents.ocr import Word
from portal.documents.page_reading import RedactionError
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession, db
from portal.instants import utc_now
from portal.outbox import Job

READING_SECONDS = 120  # a job stops taking pages after this, and queues the rest
_FORMAT = 1


def as_stored(readings: Mapping[str, Sequence[Word]]) -> bytes:
    """One page's readings (picture key to words) as bytes to keep: compact JSON, deflated."""
    pictures = {
        key: [[word.text, *word.box, *word.line_box, *word.line] for word in words]
        for key, words in readings.items()
    }
    return zlib.compress(json.dumps({"format": _FORMAT, "pictures": pictures}).encode())


def from_stored(data: bytes) -> dict[str, list[Word]]:
    """The readings as_stored kept (none, if they are of a format this code does not know)."""
    kept = json.loads(zlib.decompress(data))
    if kept.get("format") != _FORMAT:
        return {}
    return {
        key: [
            Word(str(text), (a, b, c, d), (e, f, g, h), (block, paragraph, line))
            for text, a, b, c, d, e, f, g, h, block, paragraph, line in words
        ]
        for key, words in kept["pictures"].items()
    }


def known_readings(
    session: DbSession, case: Case, item: DisclosureItem, *, cipher: EvidenceCipher
) -> dict[str, list[Word]]:
    """Every picture of the record read at upload, by key (ocr.Readings): empty until the
    job has run."""
    known: dict[str, list[Word]] = {}
    for data in record_readings.kept_readings(session, case, item, cipher=cipher).values():
        known.update(from_stored(data))
    return known


def read_record_job(job: Job) -> str | None:
    """The worker's handler for READ_RECORD_JOB: read the record's pictured pages from the
    job's first page on, keep their readings, and queue a job for the rest if time ran
    out. A record that cannot be read is left to be read (and refused) when searched."""
    session = db.session
    case = session.get(Case, job.payload.get("case_id"))
    item = session.get(DisclosureItem, job.payload.get("item_id"))
    if case is None or item is None or item.case_id != case.id:
        return "the record is gone"
    if item.kind != DisclosureKind.UPLOADED or item.encrypted is None:
        return "the record has no file"
    cipher = current_app.extensions["evidence_cipher"]
    start = int(job.payload.get("from_page", 0))
    walked: list[int] = []
    try:
        pdf = released_records.record_as_pdf(
            disclosure.decrypt_disclosure_item(case, item, cipher=cipher)
        )
        pages = released_records.page_count(pdf)
        known = known_readings(session, case, item, cipher=cipher)  # an earlier job's pages
        read = term_search.read_pictures(
            pdf, pages=_pages_in_time(start, pages, walked), known=known
        )
    except RedactionError as error:
        return f"not read: {error}"
    record_readings.keep_readings(
        session, case, item, {page: as_stored(words) for page, words in read.items()}, cipher=cipher
    )
    following = walked[-1] + 1 if walked else pages
    if following < pages:
        record_readings.queue_reading(session, case, item, from_page=following, now=utc_now())
    session.commit()
    rest = f"; pages {following + 1} to {pages} queued" if following < pages else ""
    return f"{len(read)} pictured page(s) read of pages {start + 1} to {following}{rest}"


def _pages_in_time(start: int, pages: int, walked: list[int]) -> Iterator[int]:
    """The pages from `start` on, one at least, until READING_SECONDS have passed; each
    page given is noted in `walked`."""
    deadline = time.monotonic() + READING_SECONDS
    for number in range(start, pages):
        if walked and time.monotonic() >= deadline:
            return
        walked.append(number)
        yield number
