"""The redactions staff make on an uploaded record (issue 18): places proposed by a term
search, accepted or rejected one by one, and areas drawn or lines picked by hand.

A redaction is kept as boxes in the record's own page space (PDF points from the page's
bottom left; a JPEG or PNG record is a one-page PDF of it, documents.redaction.image_as_pdf)
with the exemption that justifies it (C8). What was found (the term, the words around it)
is for staff: it may be the very name withheld, so nothing a resident reads shows it.

A record's pictured pages (scans, photographs) are read by OCR once, by the worker, when
the record is uploaded (READ_RECORD_JOB), and each page's reading is kept encrypted as the
record itself is (RecordReading), so a search or a release does not wait for Tesseract.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.casework_models import ACTOR_LENGTH
from portal.extensions import Base

TERM_LENGTH = 200
CONTEXT_LENGTH = 400

# The job that reads an uploaded record's pictured pages (documents.upload_reading).
READ_RECORD_JOB = "ocr.read_record"

# One box: left, bottom, right, top, in PDF points.
Box = tuple[float, float, float, float]


class RedactionSource(StrEnum):
    TERM = "term"  # a place a term search found
    AREA = "area"  # a box drawn on the page with a pointer
    LINE = "line"  # a line of text picked from the page's list (keyboard, screen reader)


class RedactionStatus(StrEnum):
    PROPOSED = "proposed"  # found by a term search, not yet judged
    ACCEPTED = "accepted"  # withheld from the released record
    REJECTED = "rejected"  # judged not to be withheld (or an accepted one taken back)


class RecordRedaction(Base):
    __tablename__ = "record_redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disclosure_items.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)  # from 0
    # [[left, bottom, right, top], ...]: a box a line for a place that runs over lines.
    boxes: Mapped[list[list[float]]] = mapped_column(JSON)
    source: Mapped[RedactionSource] = mapped_column(String(10))
    status: Mapped[RedactionStatus] = mapped_column(String(10))
    # ExemptionCode; empty while proposed.
    code: Mapped[str] = mapped_column(String(40), default="")
    # Staff only: the term searched for and the page's words around the place found.
    term: Mapped[str] = mapped_column(String(TERM_LENGTH), default="")
    found: Mapped[str] = mapped_column(String(TERM_LENGTH), default="")
    context: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def box_tuples(self) -> list[Box]:
        return [(b[0], b[1], b[2], b[3]) for b in self.boxes]


class RecordReading(Base):
    """The words OCR read in the pictures of one page of an uploaded record, made by the
    worker at upload: opaque to the domain (documents.upload_reading writes and reads
    them), encrypted as the record is (record_readings.reading_associated_data), and
    deleted with the record."""

    __tablename__ = "record_readings"
    __table_args__ = (UniqueConstraint("item_id", "page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disclosure_items.id"))
    page: Mapped[int] = mapped_column(Integer)  # from 0
    encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
