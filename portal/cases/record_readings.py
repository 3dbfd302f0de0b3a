"""Reading an uploaded record's pictured pages at upload (issue 18): staff search a record
and release it without waiting for OCR, which takes seconds a scanned page.

Uploading a record queues READ_RECORD_JOB in the same transaction; the worker reads the
record (documents.upload_reading) and keeps each page's reading here, encrypted with the
evidence key as the record itself is, bound to the case, the record's digest and the page,
so a reading cannot be moved to another record or page. Until the job has run (or if it
failed) a search reads the pages itself, as it always could. A reading is deleted with its
record (erasure's "disclosure" part). What the reading holds is the documents layer's
business: to the domain it is bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select

from portal.cases.casework_models import DisclosureItem, DisclosureKind
from portal.cases.models import Case
from portal.cases.redaction_models import READ_RECORD_JOB, RecordReading
from portal.cases.steps import acting_moment, audit_event
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.outbox import Job, JobStatus, enqueue

WORKER = "system:ocr"


def reading_associated_data(reference: str, sha256: str, page: int) -> bytes:
    """Binds a page's reading to its record, as disclosure.disclosure_associated_data binds
    the record to its case, and to the page."""
    return f"disclosure-item:{reference}:{sha256}:reading:{page}".encode()


def queue_reading(
    session: DbSession, case: Case, item: DisclosureItem, *, from_page: int = 0, now: datetime
) -> Job:
    """Queue the reading of the item's pictured pages, from `from_page` on (a long record
    is read by a job after another), in the caller's transaction."""
    payload = {"case_id": case.id, "item_id": item.id, "from_page": from_page}
    return enqueue(session, READ_RECORD_JOB, payload, now=now)


def being_read(session: DbSession, item: DisclosureItem) -> bool:
    """Whether a reading of the item is queued or under way (staff see it is coming)."""
    pending = session.scalar(
        select(func.count())
        .select_from(Job)
        .where(
            Job.kind == READ_RECORD_JOB,
            Job.status == JobStatus.PENDING,
            Job.payload["item_id"].as_integer() == item.id,
        )
    )
    return bool(pending)


def keep_readings(
    session: DbSession,
    case: Case,
    item: DisclosureItem,
    readings: Mapping[int, bytes],
    *,
    cipher: EvidenceCipher,
    now: datetime | None = None,
) -> int:
    """Keep the readings of the item's pages (page number to bytes), encrypted, replacing
    any earlier reading of those pages, with one audit event; not committed (the worker
    commits them with the job that read them). Returns how many pages were kept."""
    moment = acting_moment(now)
    if item.case_id != case.id or item.kind != DisclosureKind.UPLOADED:
        raise ValueError("readings belong to an uploaded record of this case")
    earlier = {
        row.page: row
        for row in session.scalars(select(RecordReading).where(RecordReading.item_id == item.id))
    }
    for page, reading in readings.items():
        encrypted = cipher.encrypt(
            reading, associated_data=reading_associated_data(case.reference, item.sha256, page)
        )
        row = earlier.get(page)
        if row is None:
            row = RecordReading(case_id=case.id, item_id=item.id, page=page)
            session.add(row)
        row.encrypted = encrypted
        row.read_at = moment
    if readings:
        audit_event(
            session,
            case,
            "record_pages_read",
            WORKER,
            moment,
            item_id=item.id,
            pages=sorted(readings),
        )
    session.flush()
    return len(readings)


def kept_readings(
    session: DbSession, case: Case, item: DisclosureItem, *, cipher: EvidenceCipher
) -> dict[int, bytes]:
    """The readings kept for the item, by page, decrypted."""
    rows = session.scalars(
        select(RecordReading).where(RecordReading.item_id == item.id).order_by(RecordReading.page)
    )
    return {
        row.page: cipher.decrypt(
            row.encrypted,
            associated_data=reading_associated_data(case.reference, item.sha256, row.page),
        )
        for row in rows
        if row.case_id == case.id
    }
