"""Asking for an internal review of a decision, from the tracking pages (issue 16 point 6):
what the resident disagrees with, why (one question per page), check answers, and a
confirmation with the date we will reply by (portal.cases.internal_reviews).

The answers wait in the tracking session until they are sent; the pages are open only to
a resident signed in to a case that has a decision and no review yet.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from portal import rate_limits
from portal.cases import internal_reviews
from portal.cases.models import Case
from portal.extensions import db
from portal.forms.review_forms import ReviewDisagreementForm, ReviewReasonsForm, ReviewSendForm
from portal.public import bp
from portal.public.tracking import TRACKING, signed_in, timeout_warning

ANSWERS = "review"  # the key, inside the tracking session, of the answers so far
QUESTIONS = (
    ("disagreement", ReviewDisagreementForm),
    ("reasons", ReviewReasonsForm),
)


def _answers() -> dict[str, str]:
    state = session.get(TRACKING)
    answers = state.get(ANSWERS) if isinstance(state, dict) else None
    return answers if isinstance(answers, dict) else {}


def _save(name: str, value: str) -> None:
    state = dict(session.get(TRACKING) or {})
    answers = dict(_answers())
    answers[name] = value
    state[ANSWERS] = answers
    session[TRACKING] = state


def _forget() -> None:
    state = dict(session.get(TRACKING) or {})
    state.pop(ANSWERS, None)
    session[TRACKING] = state


def _may_ask(case: Case) -> bool:
    return internal_reviews.can_ask_for_review(db.session, case)


def _to_status() -> Response:
    return redirect(url_for(".track_status"), 303)


def _step(case: Case, name: str, form_class: type, back: str) -> Any:
    if not _may_ask(case):
        return _to_status()
    form = form_class()
    if request.method == "GET":
        getattr(form, name).data = _answers().get(name, "")
        return _render_step(case, form, name, back)
    if not form.validate():
        return _render_step(case, form, name, back, status=400)
    _save(name, getattr(form, name).data)
    answers = _answers()
    missing = next((question for question, _form in QUESTIONS if not answers.get(question)), None)
    if missing is not None and request.args.get("change") != "1":
        return redirect(url_for(".track_review_" + missing), 303)
    return redirect(url_for(".track_review_check"), 303)


def _render_step(case: Case, form: Any, name: str, back: str, status: int = 200):
    page = render_template(
        "public/tracking/review_question.html",
        case=case,
        form=form,
        field=getattr(form, name),
        back=back,
        form_has_errors=status == 400,
        timeout=timeout_warning(),
    )
    return page, status


@bp.route("/track/review", methods=["GET", "POST"])
@signed_in
def track_review_disagreement(case: Case):
    return _step(case, "disagreement", ReviewDisagreementForm, url_for(".track_status"))


@bp.route("/track/review/why", methods=["GET", "POST"])
@signed_in
def track_review_reasons(case: Case):
    return _step(case, "reasons", ReviewReasonsForm, url_for(".track_review_disagreement"))


@bp.route("/track/review/check", methods=["GET", "POST"])
@signed_in
def track_review_check(case: Case):
    if not _may_ask(case):
        return _to_status()
    answers = _answers()
    for name, _form in QUESTIONS:
        if not answers.get(name):
            return redirect(url_for(".track_review_" + name), 303)
    form = ReviewSendForm()
    if request.method == "POST":
        rate_limits.enforce("submission")
        if form.validate():
            try:
                internal_reviews.ask_for_review(
                    db.session,
                    case,
                    disagreement=answers["disagreement"],
                    reasons=answers["reasons"],
                    period_working_days=current_app.extensions[
                        "council"
                    ].review_period_working_days,
                )
            except internal_reviews.ReviewRefused:  # asked already, in another tab
                db.session.rollback()
            _forget()
            return redirect(url_for(".track_review_sent"), 303)
    page = render_template(
        "public/tracking/review_check.html",
        case=case,
        form=form,
        answers=answers,
        timeout=timeout_warning(),
    )
    return page, 400 if request.method == "POST" else 200


@bp.get("/track/review/sent")
@signed_in
def track_review_sent(case: Case):
    reviews = internal_reviews.reviews_of(db.session, case)
    if not reviews:
        return _to_status()
    return render_template(
        "public/tracking/review_sent.html",
        case=case,
        review=reviews[0],
        timeout=timeout_warning(),
    )
