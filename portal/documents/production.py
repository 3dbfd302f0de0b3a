"""Making, storing and releasing the access response pack (DESIGN.md sections 2 and 7).

The reviewer's approval writes a queued CaseDocument and a "pdf.response_pack" job in one
transaction (review.approve). The worker renders the pack under a page cap and a time
limit, encrypts it and marks it ready in one commit. A resident who chose a secure
download then gets it: the case completes and the "ready" email goes out in the same
commit. Staff post the pack to everyone else. A pack that cannot be made is marked failed
with the reason, for staff, who can try again; nothing is released until it is ready.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.cases import audit, closing, errors
from portal.cases.document_models import (
    RESPONSE_PACK_JOB,
    CaseDocument,
    DocumentKind,
    DocumentStatus,
)
from portal.cases.models import Case, CaseKind, CaseState
from portal.documents import packs
from portal.extensions import DbSession, db
from portal.instants import aware, utc_now
from portal.outbox import Job, enqueue

MAX_ATTEMPTS = 3  # a render that fails three times will not work on the fourth
WORKER = "system:documents"


class DocumentFailed(Exception):
    """The pack cannot be made as things stand (too long, too slow, a file that cannot be
    used): do not retry."""


class RenderTimeout(BaseException):
    """The time limit ran out. A BaseException, so that no `except Exception` inside the
    renderer (which skips a broken image, say) can swallow it."""


def latest_pack(session: DbSession, case: Case) -> CaseDocument | None:
    return session.scalar(
        select(CaseDocument)
        .where(CaseDocument.case_id == case.id, CaseDocument.kind == DocumentKind.RESPONSE_PACK)
        .order_by(CaseDocument.id.desc())
        .limit(1)
    )


def associated_data(reference: str, document_id: int) -> bytes:
    """Binds the stored bytes to their case and row: swapped rows fail to decrypt."""
    return f"case-document:{reference}:{document_id}".encode()


def decrypt(case: Case, document: CaseDocument, *, cipher: Any) -> bytes:
    if document.status != DocumentStatus.READY or document.encrypted is None:
        raise LookupError("This document is not ready")
    return cipher.decrypt(
        document.encrypted, associated_data=associated_data(case.reference, document.id)
    )


def is_available(document: CaseDocument | None, now: datetime) -> bool:
    """Released to the resident and not yet past its availability."""
    return (
        document is not None
        and document.status == DocumentStatus.READY
        and document.released_at is not None
        and document.available_until is not None
        and aware(document.available_until) > now
    )


def has_expired(document: CaseDocument | None, now: datetime) -> bool:
    return (
        document is not None
        and document.released_at is not None
        and document.available_until is not None
        and aware(document.available_until) <= now
    )


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise RenderTimeout in the block after `seconds`. Signals reach only the main
    thread, where `flask worker run` works; elsewhere (a test's live server) the block
    runs without a limit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise RenderTimeout(f"Rendering took longer than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_pack_job(job: Job) -> str | None:
    """The worker's handler for "pdf.response_pack"."""
    session = db.session
    document = session.get(CaseDocument, job.payload["document_id"])
    case = session.get(Case, job.payload["case_id"])
    if document is None or case is None or document.case_id != case.id:
        raise DocumentFailed("The case or its document no longer exists")
    if document.status == DocumentStatus.READY:
        return "already made"  # jobs are done at least once
    app = current_app
    cipher = app.extensions["evidence_cipher"]
    try:
        with time_limit(app.config["PDF_TIME_LIMIT_SECONDS"]):
            pack = packs.build_response_pack(
                session, case, cipher=cipher, page_cap=app.config["PDF_PAGE_CAP"]
            )
    except (packs.PackTooLong, packs.UnusableItem, RenderTimeout) as error:
        raise DocumentFailed(str(error)) from error
    now = utc_now()
    document.encrypted = cipher.encrypt(
        pack.pdf, associated_data=associated_data(case.reference, document.id)
    )
    document.status = DocumentStatus.READY
    document.failure_reason = ""
    document.pages = pack.pages
    document.size = len(pack.pdf)
    document.sha256 = hashlib.sha256(pack.pdf).hexdigest()
    document.filename = pack.filename
    document.language = pack.language
    document.ready_at = now
    audit.record(
        session,
        action="response_pack_ready",
        actor=WORKER,
        case_id=case.id,
        details={"document_id": document.id, "pages": pack.pages},
        now=now,
    )
    if _wants_download(case) and case.state == CaseState.READY:
        document.released_at = now
        days = app.config["RESPONSE_AVAILABLE_DAYS"]
        document.available_until = now + timedelta(days=days)
        # Completing commits the ready pack, its release and the "ready" email together.
        closing.complete(session, case, actor=WORKER, now=now)
        return f"{pack.pages} pages, released for download"
    session.commit()
    return f"{pack.pages} pages, ready for staff to send"


def pack_failed(job: Job, error: str) -> None:
    """The worker gave up: the document says why, for staff (in the worker's commit)."""
    session = db.session
    document = session.get(CaseDocument, job.payload.get("document_id"))
    if document is None or document.status == DocumentStatus.READY:
        return
    reason = error.split(": ", 1)[1] if error.startswith("DocumentFailed: ") else error
    document.status = DocumentStatus.FAILED
    document.failure_reason = reason
    audit.record(
        session,
        action="response_pack_failed",
        actor=WORKER,
        case_id=document.case_id,
        details={"document_id": document.id, "reason": reason[:300]},
    )


def retry(session: DbSession, case: Case, *, actor: str, now: datetime | None = None) -> None:
    """Staff try a failed pack again (after fixing what made it fail)."""
    moment = now or utc_now()
    document = latest_pack(session, case)
    if document is None or document.status != DocumentStatus.FAILED:
        raise errors.CaseworkError("There is no failed response pack to make again")
    if case.kind != CaseKind.ACCESS or case.state != CaseState.READY:
        raise errors.CaseworkError("Only an approved access response can be made again")
    document.status = DocumentStatus.QUEUED
    document.failure_reason = ""
    enqueue(
        session, RESPONSE_PACK_JOB, {"case_id": case.id, "document_id": document.id}, now=moment
    )
    audit.record(
        session,
        action="response_pack_retried",
        actor=actor,
        case_id=case.id,
        details={"document_id": document.id},
        now=moment,
    )
    session.commit()


def record_download(
    session: DbSession, case: Case, document: CaseDocument, *, actor: str, action: str
) -> None:
    audit.record(
        session,
        action=action,
        actor=actor,
        case_id=case.id,
        details={"document_id": document.id},
    )
    session.commit()


def _wants_download(case: Case) -> bool:
    delivery = (case.details or {}).get("delivery") or {}
    return isinstance(delivery, dict) and delivery.get("delivery") == "download"
