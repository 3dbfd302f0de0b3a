"""Redacting an uploaded record, for staff (issue 18): search it for terms and judge each
place found; draw an area on a page, or pick its lines with the keyboard; the reviewer
sees each redacted page beside the original.

Pages are shown as pictures drawn here from the decrypted record, never cached; opening
the redaction screen of a record is an audit event, as any viewing of a file is.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from portal.cases import audit, disclosure, record_readings, record_redactions
from portal.cases.casework_models import DisclosureItem, DisclosureKind
from portal.cases.errors import CaseworkError
from portal.cases.models import Case
from portal.cases.redaction_models import RedactionSource, RedactionStatus
from portal.documents import released_records, upload_reading
from portal.documents.ocr import Readings
from portal.documents.page_reading import RedactionError
from portal.extensions import db
from portal.forms.fields import choices
from portal.forms.redaction_forms import (
    AreaForm,
    DecisionForm,
    LinesForm,
    TakeBackForm,
    TermSearchForm,
)
from portal.staff import bp
from portal.staff.case import current_actor, load_case
from portal.staff.permissions import Action, requires

SCREEN = "staff/case/redaction.html"
PAGE_SCREEN = "staff/case/redaction_page.html"
REVIEW_SCREEN = "staff/case/redaction_review.html"


def _item(case: Case, item_id: int) -> DisclosureItem:
    item = db.session.scalar(
        select(DisclosureItem).where(
            DisclosureItem.id == item_id, DisclosureItem.case_id == case.id
        )
    )
    if item is None or item.kind != DisclosureKind.UPLOADED or item.encrypted is None:
        abort(404)
    return item


def _content(case: Case, item: DisclosureItem) -> bytes:
    return disclosure.decrypt_disclosure_item(
        case, item, cipher=current_app.extensions["evidence_cipher"]
    )


def _known(case: Case, item: DisclosureItem) -> Readings:
    """The record's pictured pages as the worker read them at upload (none until then)."""
    return upload_reading.known_readings(
        db.session, case, item, cipher=current_app.extensions["evidence_cipher"]
    )


def _offered(case: Case) -> list[tuple[str, str]]:
    """The people the request names, to find in the record (value = the name)."""
    people = [(case.subject, "the person the information is about")]
    if case.requester_id != case.subject_id:
        people.append((case.requester, "who asked"))
    offered: list[tuple[str, str]] = []
    for person, role in people:
        if person is None:
            continue
        for name in [person.full_name, *person.other_names.splitlines()]:
            if name.strip():
                offered.append((name.strip(), f"{name.strip()} ({role})"))
    return list(dict(offered).items())


def _screen(case: Case, item: DisclosureItem, status: int = 200, **forms: object):
    content = _content(case, item)
    try:
        pages = released_records.page_count(content)
    except RedactionError as error:
        pages, forms["error"] = 0, f"This file cannot be redacted: {error}"
    search = forms.pop("search", None) or TermSearchForm(prefix="find")
    search.offered.choices = choices(_offered(case))  # type: ignore[attr-defined]
    rows = record_redactions.redactions_of(db.session, item)
    return (
        render_template(
            SCREEN,
            case=case,
            item=item,
            pages=pages,
            search=search,
            proposed=[row for row in rows if row.status == RedactionStatus.PROPOSED],
            accepted=[row for row in rows if row.status == RedactionStatus.ACCEPTED],
            rejected=[row for row in rows if row.status == RedactionStatus.REJECTED],
            decision=DecisionForm(prefix="decide"),
            take_back=TakeBackForm(prefix="back"),
            exemptions=disclosure.EXEMPTIONS,
            reference_of=disclosure.exemption_reference,
            being_read=record_readings.being_read(db.session, item),
            **forms,
        ),
        status,
    )


def _back(case: Case, item: DisclosureItem, message: str, anchor: str = "") -> BaseResponse:
    flash(message)
    url = url_for(".record_redaction", reference=case.reference, item_id=item.id)
    return redirect(url + anchor, 303)


@bp.get("/cases/<reference>/items/<int:item_id>/redact")
@requires(Action.WORK_ON_CASE)
def record_redaction(reference: str, item_id: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    item = _item(case, item_id)
    audit.record(
        db.session,
        action="record_opened_to_redact",
        actor=current_actor(),
        case_id=case.id,
        details={"disclosure_item_id": item.id},
    )
    db.session.commit()
    return _screen(case, item)


@bp.post("/cases/<reference>/items/<int:item_id>/redact/find")
@requires(Action.WORK_ON_CASE)
def record_redaction_find(reference: str, item_id: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    item = _item(case, item_id)
    form = TermSearchForm(prefix="find")
    form.offered.choices = choices(_offered(case))
    if not form.validate():
        return _screen(case, item, 400, search=form)
    text = "\n".join([form.terms.data or "", *(form.offered.data or [])])
    try:
        terms = record_redactions.clean_terms(text)
        found = released_records.find_places(_content(case, item), terms, _known(case, item))
        new = 0
        for term in terms:
            new += len(
                record_redactions.propose_places(
                    db.session, case, item, term=term, places=found[term], actor=current_actor()
                )
            )
    except (CaseworkError, RedactionError) as error:
        db.session.rollback()
        return _screen(case, item, 400, search=form, error=str(error))
    places = sum(len(found[term]) for term in terms)
    return _back(
        case,
        item,
        f"Found {places} place{'s' if places != 1 else ''}; {new} new to check",
        "#proposed",
    )


@bp.post("/cases/<reference>/items/<int:item_id>/redact/<int:redaction_id>")
@requires(Action.WORK_ON_CASE)
def record_redaction_decide(reference: str, item_id: int, redaction_id: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    item = _item(case, item_id)
    form = DecisionForm(prefix="decide")
    if not form.validate():
        return _screen(case, item, 400, error=_first_error(form), failed=redaction_id)
    try:
        record_redactions.decide(
            db.session,
            case,
            redaction_id,
            accept=form.decision.data == "accept",
            code=form.exemption.data or None,
            actor=current_actor(),
        )
    except CaseworkError as error:
        db.session.rollback()
        return _screen(case, item, 400, error=str(error), failed=redaction_id)
    message = "Redacted" if form.decision.data == "accept" else "Left in the record"
    return _back(case, item, message, "#proposed")


@bp.post("/cases/<reference>/items/<int:item_id>/redact/<int:redaction_id>/take-back")
@requires(Action.WORK_ON_CASE)
def record_redaction_take_back(reference: str, item_id: int, redaction_id: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    item = _item(case, item_id)
    try:
        record_redactions.decide(
            db.session, case, redaction_id, accept=False, code=None, actor=current_actor()
        )
    except CaseworkError as error:
        db.session.rollback()
        return _screen(case, item, 400, error=str(error))
    return _back(case, item, "Redaction taken back: that place will be released", "#accepted")


def _page_screen(case: Case, item: DisclosureItem, page: int, status: int = 200, **forms):
    content = _content(case, item)
    try:
        pages = released_records.page_count(content)
        if not 0 <= page < pages:
            abort(404)
        lines = released_records.page_lines(content, page)
    except RedactionError:
        abort(404)
    lines_form = forms.pop("lines_form", None) or LinesForm(prefix="lines")
    lines_form.lines.choices = choices((str(line.number), line.text) for line in lines)
    on_page = [
        row
        for row in record_redactions.redactions_of(db.session, item)
        if row.page == page and row.status == RedactionStatus.ACCEPTED
    ]
    return (
        render_template(
            PAGE_SCREEN,
            case=case,
            item=item,
            page=page,
            pages=pages,
            area_form=forms.pop("area_form", None) or AreaForm(prefix="area"),
            lines_form=lines_form,
            on_page=on_page,
            reference_of=disclosure.exemption_reference,
            **forms,
        ),
        status,
    )


@bp.get("/cases/<reference>/items/<int:item_id>/redact/pages/<int:page>")
@requires(Action.WORK_ON_CASE)
def record_redaction_page(reference: str, item_id: int, page: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    return _page_screen(case, _item(case, item_id), page - 1)


@bp.post("/cases/<reference>/items/<int:item_id>/redact/pages/<int:page>/area")
@requires(Action.WORK_ON_CASE)
def record_redaction_area(reference: str, item_id: int, page: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    item = _item(case, item_id)
    form = AreaForm(prefix="area")
    if not form.validate():
        return _page_screen(case, item, page - 1, 400, area_form=form)
    content = _content(case, item)
    area = tuple(float(part) for part in form.area.data.split(","))
    try:
        box = released_records.area_box(content, page - 1, area)  # type: ignore[arg-type]
        record_redactions.add_area(
            db.session,
            case,
            item,
            page=page - 1,
            boxes=[box],
            code=form.exemption.data,
            source=RedactionSource.AREA,
            pages=released_records.page_count(content),
            actor=current_actor(),
        )
    except (CaseworkError, RedactionError) as error:
        db.session.rollback()
        return _page_screen(case, item, page - 1, 400, area_form=form, error=str(error))
    flash(f"Area redacted on page {page}")
    return redirect(request.path.rsplit("/", 1)[0], 303)


@bp.post("/cases/<reference>/items/<int:item_id>/redact/pages/<int:page>/lines")
@requires(Action.WORK_ON_CASE)
def record_redaction_lines(reference: str, item_id: int, page: int):
    case = load_case(reference, Action.WORK_ON_CASE)
    item = _item(case, item_id)
    content = _content(case, item)
    try:
        lines = released_records.page_lines(content, page - 1)
    except RedactionError:
        abort(404)
    form = LinesForm(prefix="lines")
    form.lines.choices = choices((str(line.number), line.text) for line in lines)
    if not form.validate():
        return _page_screen(case, item, page - 1, 400, lines_form=form)
    picked = {int(number) for number in form.lines.data}
    try:
        record_redactions.add_area(
            db.session,
            case,
            item,
            page=page - 1,
            boxes=[line.box for line in lines if line.number in picked],
            code=form.exemption.data,
            source=RedactionSource.LINE,
            pages=released_records.page_count(content),
            actor=current_actor(),
        )
    except CaseworkError as error:
        db.session.rollback()
        return _page_screen(case, item, page - 1, 400, lines_form=form, error=str(error))
    count = len(picked)
    flash(f"{count} line{'s' if count != 1 else ''} redacted on page {page}")
    return redirect(request.path.rsplit("/", 1)[0], 303)


PAGE_PICTURE = "/cases/<reference>/items/<int:item_id>/redact/pages/<int:page>/"


@bp.get(PAGE_PICTURE + "original.png", defaults={"kind": "original"})
@bp.get(PAGE_PICTURE + "released.png", defaults={"kind": "released"})
@requires(Action.VIEW_CASES)
def record_redaction_picture(reference: str, item_id: int, page: int, kind: str):
    """A page as a picture: as uploaded, or as it will be released."""
    case = load_case(reference, Action.VIEW_CASES)
    item = _item(case, item_id)
    content = _content(case, item)
    try:
        if kind == "original":
            preview = released_records.page_preview(content, page - 1)
        else:
            preview = released_records.released_preview(
                content,
                record_redactions.accepted_redactions(db.session, item),
                disclosure.exemption_reference,
                page - 1,
                known=_known(case, item),
            )
    except RedactionError:
        abort(404)
    response = Response(preview.png, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cases/<reference>/redactions")
@requires(Action.VIEW_CASES)
def case_redactions_review(reference: str):
    """For the reviewer: every redacted page of every record, the original beside the
    released page, with its redactions and their exemptions."""
    case = load_case(reference, Action.VIEW_CASES)
    items = db.session.scalars(
        select(DisclosureItem)
        .where(DisclosureItem.case_id == case.id, DisclosureItem.kind == DisclosureKind.UPLOADED)
        .order_by(DisclosureItem.id)
    )
    records = []
    for item in items:
        accepted = [
            row
            for row in record_redactions.redactions_of(db.session, item)
            if row.status == RedactionStatus.ACCEPTED
        ]
        pages: dict[int, list] = {}
        for row in accepted:
            pages.setdefault(row.page, []).append(row)
        records.append((item, sorted(pages.items())))
    return render_template(
        REVIEW_SCREEN,
        case=case,
        records=records,
        exemptions=disclosure.EXEMPTIONS,
        reference_of=disclosure.exemption_reference,
    )


def _first_error(form: DecisionForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "Check the decision"
