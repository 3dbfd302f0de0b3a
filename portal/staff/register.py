"""The restriction register: every processing that stops for someone because an objection
was upheld (rule C9), for the data teams who must act on it, with a CSV download.

The register holds a few entries per month, so it is read whole, filtered here and shown
newest first, a page at a time. The CSV is the whole register, oldest first; it holds
names and dates of birth, so each download is an audit event, and the file is safe to
open in a spreadsheet (no cell is read as a formula).
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from portal.cases import audit, objections, register
from portal.cases.clock import london_today
from portal.exports import csv_download
from portal.extensions import db
from portal.staff import bp
from portal.staff.permissions import Action, requires

_MAX_SEARCH_LENGTH = 100
PAGE_SIZE = 50


def _processing_options(rows: list[register.RestrictionRow]) -> dict[str, str]:
    """Every processing that can be objected to, plus any agency sharing in the register."""
    options = {
        code: objections.processing_description(code)
        for code in sorted(objections.PUBLIC_TASK_PROCESSING | objections.RESEARCH_PROCESSING)
    }
    for row in rows:
        options.setdefault(row.processing, row.description)
    return options


def _matches(row: register.RestrictionRow, processing: str, search: str) -> bool:
    if processing and row.processing != processing:
        return False
    if not search:
        return True
    needle = search.casefold()
    return needle in row.subject_name.casefold() or needle in row.reference.casefold()


def _page_number(value: str | None, pages: int) -> int:
    """The page asked for, kept between the first and the last (nonsense means the first)."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), pages)


@bp.get("/restrictions")
@requires(Action.VIEW_CASES)
def restrictions():
    everything = register.restriction_register(db.session)
    options = _processing_options(everything)
    processing = request.args.get("processing", "")
    if processing not in options:
        processing = ""
    search = request.args.get("q", "").strip()[:_MAX_SEARCH_LENGTH]
    matching = [row for row in reversed(everything) if _matches(row, processing, search)]
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    page = _page_number(request.args.get("page"), pages)
    start = (page - 1) * PAGE_SIZE

    def page_url(number: int) -> str:
        filters = {"q": search or None, "processing": processing or None}
        return url_for(".restrictions", **filters, page=number if number > 1 else None)

    return render_template(
        "staff/restrictions.html",
        rows=matching[start : start + PAGE_SIZE],
        matching=len(matching),
        first_shown=start + 1,
        page=page,
        pages=pages,
        previous_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < pages else None,
        total=len(everything),
        options=options,
        processing=processing,
        search=search,
        filtered=bool(processing or search),
    )


@bp.get("/restrictions.csv")
@requires(Action.VIEW_CASES)
def restrictions_csv():
    rows = register.restriction_register(db.session)
    audit.record(
        db.session,
        action="restriction_register_downloaded",
        actor=f"staff:{current_user.id}",
        case_id=None,
        details={"staff_id": current_user.id, "rows": len(rows)},
    )
    db.session.commit()
    name = f"restriction-register-{london_today().isoformat()}.csv"
    return csv_download(register.restriction_register_csv(rows), name)
