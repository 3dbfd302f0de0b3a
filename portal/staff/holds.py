"""Legal hold on the staff side (issue 14 point 5): the page that puts a case on hold, the
button that releases it, and the retention screen: what the next retention runs will
delete and when, and what is held, why, by whom and since when.

Reviewers and admins hold and release (Action.LEGAL_HOLD); admins, who do not open case
pages, do it from the retention screen, and come back to it. The rules are in
portal.cases.holds; a broken one is shown on the hold page as an error (400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts.models import StaffUser
from portal.cases import clock, holds
from portal.cases.models import Case
from portal.cases.retention import PlannedDeletion
from portal.council_retention import DESCRIPTIONS
from portal.extensions import db
from portal.forms.holds import HoldForm
from portal.retention_commands import planned
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, STATE_LABELS, current_actor
from portal.staff.labels import KIND_LABELS, label
from portal.staff.permissions import Action, can, requires

RETENTION = "retention"  # the one page, besides the case page, these forms go back to
LOOK_AHEAD_DAYS = 30  # how far ahead the retention screen lists deletions


@dataclass(frozen=True)
class DeletionRow:
    """One planned deletion as staff read it."""

    due_on: date
    due_now: bool  # due already: the next daily run deletes it
    reference: str | None
    staff_actor: str | None  # whose staff account, when it is one ("staff:12")
    what: str
    why: str
    held: bool
    hold_reason: str


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _row(deletion: PlannedDeletion, today: date) -> DeletionRow:
    part, _, whose = deletion.what.partition(" (")  # "staff_accounts (staff:12)"
    # The rule reads "part: 2 years after closure (closed 2024-03-03)"; the part is said
    # in words already.
    _, _, why = deletion.rule.partition(": ")
    why = ISO_DATE.sub(lambda day: _day(date.fromisoformat(day[0])), why)
    return DeletionRow(
        due_on=deletion.due_on,
        due_now=deletion.due_on <= today,
        reference=deletion.reference,
        staff_actor=whose.rstrip(")") or None,
        what=DESCRIPTIONS.get(part, part.replace("_", " ").capitalize()),
        why=why or deletion.rule,
        held=deletion.held,
        hold_reason=holds.hold_reason_label(deletion.hold_reason),
    )


def _case(reference: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.reference == reference.upper()))
    if case is None or case.erased_at is not None:  # erased by the retention schedule
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
    today = clock.london_today()
    until = today + timedelta(days=LOOK_AHEAD_DAYS)
    deletions = sorted(
        (_row(deletion, today) for deletion in planned(until)),
        key=lambda row: (row.due_on, row.reference or "", row.what),
    )
    db.session.rollback()  # the plan changes nothing; end its transaction
    return render_template(
        "staff/retention.html",
        deletions=deletions,
        today=today,
        until=until,
        look_ahead=LOOK_AHEAD_DAYS,
        held=holds.held_cases(db.session),
        reason_label=holds.hold_reason_label,
        names=staff_names(),
        may_view_cases=can(current_user, Action.VIEW_CASES),
        back=RETENTION,
    )
