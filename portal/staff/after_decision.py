"""After a decision, on the staff side (issue 16 point 6): the case's internal reviews
(what the resident disagrees with and why, the due date, the outcome, the reviewer and the
outcome letter) and its ICO cases (reference, dates, what the ICO asked, the council's
answers, the outcome, and the legal hold they put on the case).

Reviewers record both (Action.INTERNAL_REVIEW, Action.ICO_CASE), on open and closed
cases alike; the rules are in portal.cases.internal_reviews and portal.cases.ico_cases,
and a broken one is shown on the page as an error (400).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.cases import clock, holds, ico_cases, internal_reviews
from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.models import Case
from portal.extensions import db
from portal.forms.after_decision_forms import (
    ICO_OUTCOME_LABELS,
    REVIEW_OUTCOME_LABELS,
    IcoCaseForm,
    IcoCloseForm,
    IcoResponseForm,
    ReviewOutcomeForm,
)
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, current_actor, load_case
from portal.staff.holds import staff_names
from portal.staff.labels import KIND_LABELS, label
from portal.staff.permissions import Action, requires


def _blank_forms(case: Case) -> dict[str, Any]:
    forms: dict[str, Any] = {"ico": IcoCaseForm(prefix="ico", formdata=None)}
    for review in internal_reviews.reviews_of(db.session, case):
        forms[f"review-{review.id}"] = ReviewOutcomeForm(
            prefix=f"review-{review.id}", formdata=None
        )
    for ico in ico_cases.ico_cases_of(db.session, case):
        forms[f"response-{ico.id}"] = IcoResponseForm(prefix=f"response-{ico.id}", formdata=None)
        forms[f"close-{ico.id}"] = IcoCloseForm(prefix=f"close-{ico.id}", formdata=None)
    return forms


def _page(case: Case, *, key: str = "", form: Any = None, error: str = "", status: int = 200):
    forms = _blank_forms(case)
    names = staff_names()
    if key and form is not None:
        forms[key] = form
    page = render_template(
        "staff/case/after_decision.html",
        case=case,
        kind_label=label(KIND_LABELS, case.kind),
        reviews=internal_reviews.reviews_of(db.session, case),
        decision_makers=", ".join(
            sorted(
                names.get(maker, maker)
                for maker in internal_reviews.decision_makers(db.session, case)
            )
        ),
        answered_on=_answered_on,
        has_decision=internal_reviews.has_decision(db.session, case),
        ico_list=ico_cases.ico_cases_of(db.session, case),
        hold_reason=holds.hold_reason_label(case.hold_reason),
        review_outcomes=REVIEW_OUTCOME_LABELS,
        ico_outcomes=ICO_OUTCOME_LABELS,
        forms=forms,
        open_form=key,
        error=error,
        names=names,
        today=clock.london_today(),
    )
    return page, status


def _answered_on(ico: IcoCase) -> str:
    """The days the council answered the ICO, as staff read them."""
    days = (date.fromisoformat(day) for day in ico.responses)
    return ", ".join(f"{day.day} {day:%B %Y}" for day in days)


def _back(case: Case, message: str) -> Response:
    flash(message)
    return redirect(url_for(".case_after_decision", reference=case.reference), 303)


def _review(case: Case, review_id: int) -> InternalReview:
    review = db.session.get(InternalReview, review_id)
    if review is None or review.case_id != case.id:
        abort(404)
    return review


def _ico(case: Case, ico_id: int) -> IcoCase:
    ico = db.session.get(IcoCase, ico_id)
    if ico is None or ico.case_id != case.id:
        abort(404)
    return ico


def _refused(case: Case, key: str, form: Any, error: Exception):
    db.session.rollback()
    db.session.refresh(case)
    return _page(case, key=key, form=form, error=str(error), status=400)


@bp.get("/cases/<reference>/after-decision")
@requires(Action.VIEW_CASES)
def case_after_decision(reference: str):
    return _page(load_case(reference, Action.VIEW_CASES))


@bp.post("/cases/<reference>/reviews/<int:review_id>/outcome")
@requires(Action.INTERNAL_REVIEW)
def case_review_outcome(reference: str, review_id: int):
    case = load_case(reference, Action.INTERNAL_REVIEW)
    review = _review(case, review_id)
    key = f"review-{review.id}"
    form = ReviewOutcomeForm(prefix=key)
    if not form.validate():
        return _page(case, key=key, form=form, status=400)
    try:
        internal_reviews.record_outcome(
            db.session,
            case,
            review,
            outcome=form.outcome.data,
            reasons=form.reasons.data,
            reviewer=current_actor(),
            no_one_else_could=form.no_one_else_could.data,
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, key, form, error)
    return _back(case, "Review outcome recorded: the requester has been sent it")


@bp.post("/cases/<reference>/ico")
@requires(Action.ICO_CASE)
def case_ico_record(reference: str):
    case = load_case(reference, Action.ICO_CASE)
    form = IcoCaseForm(prefix="ico")
    if not form.validate():
        return _page(case, key="ico", form=form, status=400)
    try:
        ico = ico_cases.record_ico_case(
            db.session,
            case,
            ico_reference=form.ico_reference.data,
            received_on=form.received_on.data,
            what_ico_asked=form.what_ico_asked.data,
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, "ico", form, error)
    held = " and the request is on legal hold" if ico.placed_hold else ""
    return _back(case, f"ICO case {ico.ico_reference} recorded{held}")


@bp.post("/cases/<reference>/ico/<int:ico_id>/response")
@requires(Action.ICO_CASE)
def case_ico_response(reference: str, ico_id: int):
    case = load_case(reference, Action.ICO_CASE)
    ico = _ico(case, ico_id)
    key = f"response-{ico.id}"
    form = IcoResponseForm(prefix=key)
    if not form.validate():
        return _page(case, key=key, form=form, status=400)
    try:
        ico_cases.record_response(
            db.session, case, ico, responded_on=form.responded_on.data, actor=current_actor()
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, key, form, error)
    return _back(case, f"Answer to the ICO recorded on {ico.ico_reference}")


@bp.post("/cases/<reference>/ico/<int:ico_id>/close")
@requires(Action.ICO_CASE)
def case_ico_close(reference: str, ico_id: int):
    case = load_case(reference, Action.ICO_CASE)
    ico = _ico(case, ico_id)
    key = f"close-{ico.id}"
    form = IcoCloseForm(prefix=key)
    if not form.validate():
        return _page(case, key=key, form=form, status=400)
    was_held = holds.is_held(case)
    try:
        ico_cases.close_ico_case(
            db.session,
            case,
            ico,
            outcome=form.outcome.data,
            note=form.note.data,
            closed_on=form.closed_on.data,
            actor=current_actor(),
        )
    except DOMAIN_ERRORS as error:
        return _refused(case, key, form, error)
    lifted = was_held and not holds.is_held(case)
    return _back(
        case,
        f"ICO case {ico.ico_reference} closed"
        + (": the legal hold it put on the request is released" if lifted else ""),
    )
