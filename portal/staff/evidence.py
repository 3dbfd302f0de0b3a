"""Files on a case, for staff: identity evidence the requester sent, and uploaded disclosure
items. Each is decrypted only here (and, for a record a department contact uploaded, on
their own request page: portal.staff.department_requests, with these helpers), served
under a name we make (never the sender's), never cached, and every viewing or download is
an audit event (DESIGN.md section 3).

"View" shows a PDF or an image in the browser; everything else, and every "download", is
an attachment. The type served is the one the file's own bytes show, never the name or
type it was uploaded with, and a file shown in the browser gets a sandboxing policy of
its own: whatever a PDF or an image holds, it runs no script and fetches nothing.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from portal.cases import audit, disclosure, errors, intake
from portal.cases.casework_models import DisclosureItem
from portal.cases.document_models import DocumentStatus
from portal.cases.models import Case, CaseFile
from portal.documents import production
from portal.documents.written_records import EMAIL, TEXT, WORD, written_kind
from portal.evidence.inspection import detect_media_type
from portal.extensions import db
from portal.staff import bp
from portal.staff.case import load_case
from portal.staff.permissions import Action, requires

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Records sent as writing (portal.documents.written_records), downloaded as attachments.
WRITTEN_EXTENSIONS = {EMAIL: "eml", TEXT: "txt", WORD: "docx"}
# For a file shown in the browser: a unique origin (sandbox, no scripts, no forms), and
# nothing fetched but the file's own images; never framed by another page.
FILE_CSP = "; ".join(
    (
        "sandbox",
        "default-src 'none'",
        "img-src 'self' data:",
        "style-src 'unsafe-inline'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)


def file_response(content: bytes, name: str, *, inline: bool = False) -> Response:
    """The file as the type its bytes show (PDF, JPEG or PNG), else as opaque bytes; shown
    in the browser only when `inline` and it is one of those three."""
    media_type = detect_media_type(content)
    served_type = media_type if media_type in EXTENSIONS else "application/octet-stream"
    shown = inline and served_type in EXTENSIONS
    response = Response(content, mimetype=served_type)
    disposition = "inline" if shown else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if shown:
        response.headers["Content-Security-Policy"] = FILE_CSP
    return response


def safe_name(case: Case, what: str, file_id: int, content: bytes) -> str:
    """A name made here (never the sender's), with the extension the content shows: a
    PDF, JPEG or PNG, else opaque bytes (.bin)."""
    extension = EXTENSIONS.get(detect_media_type(content) or "", "bin")
    return f"{case.reference}-{what}-{file_id}.{extension}"


def record_name(case: Case, item: DisclosureItem, content: bytes) -> str:
    """A disclosure record's name: as safe_name, and a record sent as writing (an email,
    text, a Word document) keeps the extension it is opened with."""
    name = safe_name(case, "item", item.id, content)
    written = WRITTEN_EXTENSIONS.get(written_kind(content) or "") if name.endswith(".bin") else None
    return name.removesuffix(".bin") + f".{written}" if written else name


def _record(case: Case, action: str, **details: object) -> None:
    audit.record(
        db.session,
        action=action,
        actor=f"staff:{current_user.id}",
        case_id=case.id,
        details={**details, "staff_id": current_user.id},
    )
    db.session.commit()


def _evidence(case: Case, file_id: int) -> CaseFile:
    found = db.session.scalar(
        select(CaseFile).where(CaseFile.id == file_id, CaseFile.case_id == case.id)
    )
    if found is None:
        abort(404)
    return found


def _serve_evidence(reference: str, file_id: int, *, inline: bool) -> BaseResponse:
    case = load_case(reference, Action.VIEW_CASES)
    evidence = _evidence(case, file_id)
    if evidence.held:
        # Not scanned for malware: nobody opens it until a reviewer releases it.
        flash(
            "This file is held: it has not been scanned for malware. "
            "A reviewer must release it before it can be opened."
        )
        return redirect(url_for(".case", reference=case.reference, _anchor="evidence"), 303)
    content = current_app.extensions["evidence_cipher"].decrypt(
        evidence.encrypted,
        associated_data=intake.file_associated_data(case.reference, evidence.sha256),
    )
    action = "evidence_viewed" if inline else "evidence_downloaded"
    _record(case, action, file_id=evidence.id, purpose=str(evidence.purpose))
    name = safe_name(case, "evidence", evidence.id, content)
    return file_response(content, name, inline=inline)


@bp.get("/cases/<reference>/evidence/<int:file_id>")
@requires(Action.VIEW_CASES)
def case_evidence_view(reference: str, file_id: int):
    return _serve_evidence(reference, file_id, inline=True)


@bp.get("/cases/<reference>/evidence/<int:file_id>/download")
@requires(Action.VIEW_CASES)
def case_evidence_download(reference: str, file_id: int):
    return _serve_evidence(reference, file_id, inline=False)


@bp.post("/cases/<reference>/evidence/<int:file_id>/release")
@requires(Action.REVIEW_CASE)
def case_evidence_release(reference: str, file_id: int):
    """A reviewer lets staff open a file the malware scanner could not check."""
    case = load_case(reference, Action.REVIEW_CASE)
    try:
        intake.release_held_file(
            db.session, case, _evidence(case, file_id), actor=f"staff:{current_user.id}"
        )
    except errors.CaseworkError as error:
        db.session.rollback()
        flash(str(error))
    else:
        flash("File released: staff may now open it")
    return redirect(url_for(".case", reference=case.reference, _anchor="evidence"), 303)


@bp.get("/cases/<reference>/items/<int:item_id>/download")
@requires(Action.VIEW_CASES)
def case_item_download(reference: str, item_id: int):
    case = load_case(reference, Action.VIEW_CASES)
    item = db.session.scalar(
        select(DisclosureItem).where(
            DisclosureItem.id == item_id, DisclosureItem.case_id == case.id
        )
    )
    if item is None or item.encrypted is None:
        abort(404)
    content = disclosure.decrypt_disclosure_item(
        case, item, cipher=current_app.extensions["evidence_cipher"]
    )
    _record(case, "evidence_downloaded", disclosure_item_id=item.id)
    return file_response(content, record_name(case, item, content))


@bp.get("/cases/<reference>/response-pack.pdf")
@requires(Action.VIEW_CASES)
def case_pack_download(reference: str):
    """The response pack as made, to check it or to print it for the post."""
    case = load_case(reference, Action.VIEW_CASES)
    document = production.latest_pack(db.session, case)
    if document is None or document.status != DocumentStatus.READY:
        abort(404)
    content = production.decrypt(case, document, cipher=current_app.extensions["evidence_cipher"])
    production.record_download(
        db.session,
        case,
        document,
        actor=f"staff:{current_user.id}",
        action="response_pack_downloaded",
    )
    return file_response(content, f"{case.reference}-response-pack.pdf")


@bp.post("/cases/<reference>/response-pack/retry")
@requires(Action.WORK_ON_CASE)
def case_pack_retry(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    try:
        production.retry(db.session, case, actor=f"staff:{current_user.id}")
    except errors.CaseworkError as error:
        db.session.rollback()
        flash(str(error))
    else:
        flash("The response pack is being made again")
    return redirect(url_for("staff.case", reference=case.reference), 303)
