"""The casework actions of requests to correct, restrict and delete (C14, C15, UK GDPR Arts
16-19): propose the decision, approve it, and give notice before lifting a restriction
(Art 18(3)). One service function each (portal.cases.rights_decisions, lifting)."""

from __future__ import annotations

from typing import Any

from portal.cases import lifting, rights_decisions
from portal.cases.models import Case
from portal.extensions import db
from portal.forms import casework as forms
from portal.forms.rights_staff_forms import (
    LiftRestrictionForm,
    ProposeCorrectionForm,
    ProposeDeletionForm,
    ProposeRestrictionForm,
)
from portal.staff import bp
from portal.staff.case import (
    DOMAIN_ERRORS,
    back_to_case,
    current_actor,
    given_date,
    load_case,
    render_case,
    restriction_uses,
    uses_in_force,
)
from portal.staff.permissions import Action, requires

SENT_FOR_REVIEW = "Decision sent to the reviewer"


def _refused(case: Case, action: str, form: Any, error: Exception) -> tuple[str, int]:
    db.session.rollback()
    db.session.refresh(case)
    return render_case(case, action=action, form=form, error=str(error)), 400


def _propose(case: Case, action: str, form: Any, **facts: Any):
    if not form.validate():
        return render_case(case, action=action, form=form), 400
    try:
        rights_decisions.propose_rights_decision(
            db.session,
            case,
            outcome=form.outcome.data,
            reasons=form.reasons.data,
            recipients_told=form.recipients_told.data or [],
            actor=current_actor(),
            **{name: getattr(form, name).data or default for name, default in facts.items()},
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, action, form, error)
    return back_to_case(case, SENT_FOR_REVIEW)


def _approve(reference: str, action: str, prefix: str):
    case = load_case(reference, Action.REVIEW_CASE)
    form = forms.ConfirmActionForm(prefix=prefix)
    try:
        rights_decisions.approve_rights_decision(db.session, case, actor=current_actor())
    except DOMAIN_ERRORS as error:
        return _refused(case, action, form, error)
    return back_to_case(case, "Decision approved: the requester has been told")


@bp.post("/cases/<reference>/correction")
@requires(Action.WORK_ON_CASE)
def case_propose_correction(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = ProposeCorrectionForm(prefix="correction")
    return _propose(case, "propose_correction", form, record_now_says="", statement="")


@bp.post("/cases/<reference>/correction/approve")
@requires(Action.REVIEW_CASE)
def case_approve_correction(reference: str):
    return _approve(reference, "approve_correction", "approve-correction")


@bp.post("/cases/<reference>/restriction")
@requires(Action.WORK_ON_CASE)
def case_propose_restriction(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = ProposeRestrictionForm(prefix="restriction", uses=restriction_uses(case))
    return _propose(case, "propose_restriction", form, processing=[])


@bp.post("/cases/<reference>/restriction/approve")
@requires(Action.REVIEW_CASE)
def case_approve_restriction(reference: str):
    return _approve(reference, "approve_restriction", "approve-restriction")


@bp.post("/cases/<reference>/deletion")
@requires(Action.WORK_ON_CASE)
def case_propose_deletion(reference: str):
    case = load_case(reference, Action.WORK_ON_CASE)
    form = ProposeDeletionForm(prefix="deletion")
    return _propose(case, "propose_deletion", form, deleted="")


@bp.post("/cases/<reference>/deletion/approve")
@requires(Action.REVIEW_CASE)
def case_approve_deletion(reference: str):
    return _approve(reference, "approve_deletion", "approve-deletion")


@bp.post("/cases/<reference>/restriction/lift")
@requires(Action.LIFT_RESTRICTION)
def case_lift_restriction(reference: str):
    """Art 18(3): a reviewer tells the person before the restriction is lifted."""
    case = load_case(reference, Action.LIFT_RESTRICTION)
    form = LiftRestrictionForm(prefix="lift", uses=uses_in_force(case))
    if not form.validate():
        return render_case(case, action="lift_restriction", form=form), 400
    try:
        lifting.give_notice_of_lifting(
            db.session,
            case,
            processing=form.processing.data or [],
            lift_on=given_date(form.lift_on.data),
            reasons=form.reasons.data,
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "lift_restriction", form, error)
    return back_to_case(case, "The requester has been told the restriction will be lifted")
