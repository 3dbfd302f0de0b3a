"""Documents the portal makes for a case and keeps: the access response pack, encrypted.

A document is written as queued in the transaction that asks for it (the reviewer's
approval), made by the job worker, and becomes ready, with its bytes, in one commit: a
reader never sees half a document. A failure keeps the reason for staff. Also the
letters staff printed and posted.

The model of a case's documents belongs to the domain (DESIGN.md section 2): the domain
queues a pack without importing portal.documents, which renders it. C7: the response is a
document the requester can read, keep and print.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Base


class DocumentStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker
    READY = "ready"  # made and stored
    FAILED = "failed"  # the worker gave up: failure_reason says why


class DocumentKind(StrEnum):
    RESPONSE_PACK = "response_pack"


# The job that makes a response pack (portal.documents.production.render_pack_job).
RESPONSE_PACK_JOB = "pdf.response_pack"


class CaseDocument(Base):
    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(String(40))
    status: Mapped[DocumentStatus] = mapped_column(String(20))
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    pages: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Released to the resident by secure download, until available_until.
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    available_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LetterPosting(Base):
    """A letter (or the response pack) that staff printed and sent by post, and when."""

    __tablename__ = "letter_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # A LetterKind value, or "response_pack".
    document_kind: Mapped[str] = mapped_column(String(40))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id"))
    sent_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
