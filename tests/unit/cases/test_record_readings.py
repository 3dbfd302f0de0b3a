"""Issue 18: an uploaded record's pictured pages are read once, by the worker, when it is
uploaded (portal.cases.record_readings): the upload queues the reading in its own
transaction, each page's reading is kept encrypted and bound to its record and page, and
it goes when the record goes.

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py); the
reading itself (OCR) is tests/unit/documents/test_upload_reading.py's.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cases import erasure, record_readings
from portal.cases.casework_models import DisclosureKind
from portal.cases.models import CaseState
from portal.cases.redaction_models import READ_RECORD_JOB, RecordReading
from portal.encryption import EvidenceTampered
from portal.outbox import Job, JobStatus
from tests.unit.cases.read_back import MONDAY

READING = b"words a scan shows: her neighbour Jadwiga Nowicka at the door"


def uploaded(scenarios, content: bytes = b"%PDF-1.7 a scanned letter"):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    item = scenarios.add_item(
        case,
        department="Police",
        title="Scanned letter",
        kind=DisclosureKind.UPLOADED,
        content=content,
        media_type="application/pdf",
        original_name="letter.pdf",
    )
    return case, item


def reading_jobs(session) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.kind == READ_RECORD_JOB)))


def test_uploading_a_record_queues_its_reading_and_typing_one_does_not(session, scenarios):
    case, item = uploaded(scenarios)
    [job] = reading_jobs(session)
    assert job.status == JobStatus.PENDING
    assert job.payload == {"case_id": case.id, "item_id": item.id, "from_page": 0}
    assert record_readings.being_read(session, item)

    scenarios.add_item(case, department="Police", title="Typed", content="A typed note")
    assert len(reading_jobs(session)) == 1


def test_a_pages_reading_is_kept_encrypted_and_bound_to_its_record_and_page(
    session, scenarios, cipher
):
    case, item = uploaded(scenarios)
    assert record_readings.kept_readings(session, case, item, cipher=cipher) == {}
    kept = record_readings.keep_readings(session, case, item, {0: READING}, cipher=cipher)
    session.commit()
    assert kept == 1
    [row] = session.scalars(select(RecordReading).where(RecordReading.item_id == item.id))
    assert b"Nowicka" not in row.encrypted and b"neighbour" not in row.encrypted
    assert record_readings.kept_readings(session, case, item, cipher=cipher) == {0: READING}
    # Sealed for page 1 of this record: as another page, or another record's, it fails.
    with pytest.raises(EvidenceTampered):
        cipher.decrypt(
            row.encrypted,
            associated_data=record_readings.reading_associated_data(case.reference, item.sha256, 1),
        )
    other_case, other = uploaded(scenarios, b"%PDF-1.7 another record")
    with pytest.raises(EvidenceTampered):
        cipher.decrypt(
            row.encrypted,
            associated_data=record_readings.reading_associated_data(
                other_case.reference, other.sha256, 0
            ),
        )

    # Read again (a job repeated), the page's reading is replaced, not doubled.
    record_readings.keep_readings(session, case, item, {0: b"read again"}, cipher=cipher)
    session.commit()
    assert record_readings.kept_readings(session, case, item, cipher=cipher) == {0: b"read again"}


def test_a_records_readings_go_with_it(session, scenarios, cipher):
    case, item = uploaded(scenarios)
    record_readings.keep_readings(session, case, item, {0: READING, 1: READING}, cipher=cipher)
    session.commit()
    assert erasure.counts_by_case(session, "disclosure", [case.id], MONDAY) == {case.id: 3}
    erasure.erase_part(session, case, "disclosure", now=MONDAY)
    session.commit()
    assert session.scalars(select(RecordReading)).all() == []
