"""Legal hold on the staff side (issue 14 point 5): the page that puts a case on hold, the
button that releases it, and the retention screen: what the next retention runs will
delete and when, and what is held, why, by whom and since when.

Reviewers and admins hold and release (Action.LEGAL_HOLD); admins, who do not open case
pages, do it from the retention screen, and come back to it. The rules are in
portal.cases.holds; a broken one is shown on the hold page as an error (400).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import StaffUser
from portal.cases import holds
from portal.cases.models import Case
from portal.extensions import db
from portal.forms.holds import HoldForm
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, STATE_LABELS, current_actor
from portal.staff.labels import KIND_LABELS, label
from portal.staff.permissions import Action, can, requires

RETENTION = "retention"  # the one page, besides the case page, these forms go back to


def _case(reference: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.reference == reference.upper()))
    if case is None:
        abort(404)
    return case


def staff_names() -> dict[str, str]:
    """Who an actor ("staff:12") is, as staff read it."""
    return {f"staff:{user.id}": user.name for user in db.session.scalars(select(StaffUser))}


def _goes_back_to_retention() -> bool:
    wanted = request.values.get("back") == RETENTION
    return wanted or not can(current_user, Action.VIEW_CASES)


def _back(case: Case, message: str) -> Response:
    flash(message)
    if _goes_back_to_retention():
        return redirect(url_for(".retention"), 303)
    return redirect(url_for(".case", reference=case.reference), 303)


def _hold_page(case: Case, form: HoldForm, *, error: str = "", status: int = 200):
    back_url = (
        url_for(".retention")
        if _goes_back_to_retention()
        else url_for(".case", reference=case.reference)
    )
    page = render_template(
        "staff/case/hold.html",
        case=case,
        form=form,
        error=error,
        back=RETENTION if _goes_back_to_retention() else "",
        back_url=back_url,
        kind_label=label(KIND_LABELS, case.kind),
        state_label=STATE_LABELS.get(case.state, (case.state, "")),
        reason_label=holds.hold_reason_label(case.hold_reason),
        names=staff_names(),
        is_held=holds.is_held(case),
    )
    return page, status


@bp.route("/cases/<reference>/hold", methods=["GET", "POST"])
@requires(Action.LEGAL_HOLD)
def case_hold(reference: str):
    case = _case(reference)
    form = HoldForm(prefix="hold", formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        return _hold_page(case, form)
    if not form.validate():
        return _hold_page(case, form, status=400)
    try:
        holds.hold(
            db.session, case, reason=form.reason.data, note=form.note.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        db.session.refresh(case)
        return _hold_page(case, form, error=str(error), status=400)
    return _back(case, f"{case.reference} is on hold: it will not be deleted while it is held")


@bp.post("/cases/<reference>/release")
@requires(Action.LEGAL_HOLD)
def case_release(reference: str):
    case = _case(reference)
    try:
        holds.release(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        db.session.refresh(case)
        return _hold_page(
            case, HoldForm(prefix="hold", formdata=None), error=str(error), status=400
        )
    return _back(
        case, f"The hold on {case.reference} is released: its retention period applies again"
    )


@bp.get("/retention")
@requires(Action.LEGAL_HOLD)
def retention():
    return render_template(
        "staff/retention.html",
        held=holds.held_cases(db.session),
        reason_label=holds.hold_reason_label,
        names=staff_names(),
        may_view_cases=can(current_user, Action.VIEW_CASES),
        back=RETENTION,
    )
