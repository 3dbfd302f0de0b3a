"""The casework actions of a complaint to the council (C13, DPA 2018 s.164A): tell the
complainant how it is going, draft the outcome, and approve it (a reviewer who did not
draft it). Returning a draft is the shared review action (case_return_for_changes)."""

from __future__ import annotations

from portal.cases import complaints
from portal.extensions import db
from portal.forms import casework as forms
from portal.forms import complaint_casework
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, back_to_case, current_actor, load_case, render_case
from portal.staff.permissions import Action, requires


def _refused(case, action: str, form, error: Exception | None = None):
    db.session.rollback()
    db.session.refresh(case)
    return render_case(case, action=action, form=form, error=str(error) if error else None), 400


@bp.post("/cases/<reference>/record-progress")
@requires(Action.WORK_ON_CASE)
def case_record_progress(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = complaint_casework.ProgressForm(prefix="progress")
    if not form.validate():
        return render_case(case, action="record_progress", form=form), 400
    try:
        complaints.record_progress(db.session, case, update=form.update.data, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "record_progress", form, error)
    return back_to_case(case, "Update sent: the complainant can read it on their tracking page")


@bp.post("/cases/<reference>/propose-outcome")
@requires(Action.WORK_ON_CASE)
def case_propose_outcome(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = complaint_casework.ProposeOutcomeForm(prefix="outcome")
    if not form.validate():
        return render_case(case, action="propose_outcome", form=form), 400
    try:
        complaints.propose_outcome(
            db.session, case, outcome=form.outcome.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "propose_outcome", form, error)
    return back_to_case(case, "Outcome sent for review")


@bp.post("/cases/<reference>/approve-outcome")
@requires(Action.REVIEW_CASE)
def case_approve_outcome(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix="approve-outcome")
    try:
        complaints.approve_outcome(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, "approve_outcome", form, error)
    return back_to_case(case, "Outcome approved: the complainant has been told")
