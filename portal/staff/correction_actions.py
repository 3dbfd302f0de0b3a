"""The casework actions of a correction request (C14, UK GDPR Art 16, 19): propose the
decision, and approve it. One service function each (portal.cases.corrections)."""

from __future__ import annotations

from portal.cases import corrections
from portal.extensions import db
from portal.forms import casework as forms
from portal.forms.correction_staff_forms import ProposeCorrectionForm
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, back_to_case, current_actor, load_case, render_case
from portal.staff.permissions import Action, requires


@bp.post("/cases/<reference>/correction")
@requires(Action.WORK_ON_CASE)
def case_propose_correction(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = ProposeCorrectionForm(prefix="correction")
    if not form.validate():
        return render_case(case, action="propose_correction", form=form), 400
    try:
        corrections.propose_correction(
            db.session,
            case,
            outcome=form.outcome.data,
            reasons=form.reasons.data,
            record_now_says=form.record_now_says.data or "",
            statement=form.statement.data or "",
            recipients_told=form.recipients_told.data or [],
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        db.session.refresh(case)
        return render_case(case, action="propose_correction", form=form, error=str(error)), 400
    return back_to_case(case, "Decision sent to the reviewer")


@bp.post("/cases/<reference>/correction/approve")
@requires(Action.REVIEW_CASE)
def case_approve_correction(reference: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix="approve-correction")
    try:
        corrections.approve_correction(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        db.session.refresh(case)
        return render_case(case, action="approve_correction", form=form, error=str(error)), 400
    return back_to_case(case, "Decision approved: the requester has been told")
