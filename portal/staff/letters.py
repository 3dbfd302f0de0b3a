"""Letters on a case, for requesters who get their post on paper: print any letter (a PDF
in the requester's language and print size) and record the day it was posted."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.cases import audit
from portal.cases.casework_models import CaseMessage
from portal.documents import letters, postal
from portal.documents.pdf import pdf_response
from portal.extensions import db
from portal.forms.casework import PostedForm
from portal.staff import bp
from portal.staff.case import load_case
from portal.staff.permissions import Action, requires


def _actor() -> str:
    return f"staff:{current_user.id}"


def _page(case, *, form: PostedForm | None = None, error: str | None = None, status: int = 200):
    items = postal.letters_for(db.session, case)
    forms = {}
    for item in items:
        key = f"{item.kind}-{item.message_id or 0}"
        if (
            form is not None
            and form.document_kind.data == item.kind
            and (form.message_id.data or "") == str(item.message_id or "")
        ):
            forms[key] = form
        else:
            blank = PostedForm(prefix=f"posted-{key}", formdata=None)
            blank.document_kind.data = item.kind
            blank.message_id.data = str(item.message_id or "")
            forms[key] = blank
    page = render_template(
        "staff/case/letters.html",
        case=case,
        letter_list=items,
        forms=forms,
        error=error,
        names={},
    )
    return page, status


@bp.get("/cases/<reference>/letters")
@requires(Action.VIEW_CASES)
def case_letters(reference: str):
    return _page(load_case(reference, Action.VIEW_CASES))


@bp.get("/cases/<reference>/letters/<kind>.pdf")
@requires(Action.VIEW_CASES)
def case_letter_pdf(reference: str, kind: str):
    """A letter to print: rendered now from the case as it stands, in the requester's
    language; printing it is recorded."""
    case = load_case(reference, Action.VIEW_CASES)
    try:
        letter_kind = letters.LetterKind(kind)
    except ValueError:
        abort(404)
    message = None
    message_id = request.args.get("message", type=int)
    if message_id is not None:
        message = db.session.get(CaseMessage, message_id)
        if message is None or message.case_id != case.id:
            abort(404)
    try:
        letter = letters.render_letter(db.session, case, letter_kind, message=message)
    except letters.LetterUnavailable:
        abort(404)
    audit.record(
        db.session,
        action="letter_printed",
        actor=_actor(),
        case_id=case.id,
        details={"letter": letter_kind.value, "message_id": message_id},
    )
    db.session.commit()
    return pdf_response(letter.pdf, letter.filename)


@bp.post("/cases/<reference>/letters/posted")
@requires(Action.RECORD_POSTING)
def case_letter_posted(reference: str):
    case = load_case(reference, Action.RECORD_POSTING)
    kind = request.form.get("document_kind", "")
    message = request.form.get("message_id", "")
    prefix = f"posted-{kind}-{message or 0}"
    form = PostedForm(prefix=prefix)
    # The hidden fields say which letter this is; they come without the prefix.
    form.document_kind.data = kind
    form.message_id.data = message
    if not form.sent_on.validate(form) or not kind or form.sent_on.data is None:
        return _page(case, form=form, status=400)
    try:
        postal.record_posting(
            db.session,
            case,
            document_kind=kind,
            message_id=int(message) if message.isdigit() else None,
            sent_on=form.sent_on.data,
            actor=_actor(),
        )
    except postal.PostingRefused as error:
        db.session.rollback()
        form.sent_on.errors = [str(error)]
        return _page(case, form=form, status=400)
    flash(f"Recorded: {postal.LETTER_TITLES.get(kind, kind)} sent by post")
    return redirect(url_for("staff.case_letters", reference=case.reference), 303)
