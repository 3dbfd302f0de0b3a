"""Logging a request made by phone, letter, email or in person at a hub: staff key it in,
with the time the council received it (portal.cases.intake.log_staff_intake, C1-C2).
"""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from flask import current_app, render_template, request

from portal.cases import intake
from portal.cases.clock import LONDON
from portal.cases.models import ActingFor, Authority, CaseKind, Channel
from portal.cases.requests import PersonDetails, Submission
from portal.extensions import db
from portal.forms import casework as forms
from portal.notices import current_release
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, back_to_case, current_actor, given_date
from portal.staff.permissions import Action, requires


def _intake_submission(form: forms.IntakeForm) -> Submission:
    kind = CaseKind(form.kind.data)
    details: dict[str, Any] = {}
    if kind == CaseKind.ACCESS:
        details["what"] = {"scope": "everything"}
        details["delivery"] = {"delivery": form.delivery.data}
    else:
        details["processing"] = {"processing": list(form.processing.data or [])}
        details["reasons"] = {"reasons": form.reasons.data or ""}
        details["restrict"] = {"restrict": "yes" if form.restrict.data else "no"}
    subject = PersonDetails(
        full_name=form.full_name.data,
        date_of_birth=form.date_of_birth.data,
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
    )
    acting_for = ActingFor(form.acting_for.data)
    requester = None
    if acting_for != ActingFor.MYSELF:
        requester = PersonDetails(
            full_name=form.requester_name.data,
            address=form.requester_address.data or "",
            postcode=form.requester_postcode.data or "",
            email=form.requester_email.data or "",
            phone=form.requester_phone.data or "",
        )
    return Submission(
        kind=kind,
        acting_for=acting_for,
        subject=subject,
        requester=requester,
        relationship_to_subject=form.relationship.data if requester else "",
        authority=Authority(form.authority.data)
        if acting_for == ActingFor.SOMEONE_ELSE and form.authority.data
        else None,
        details=details,
        identity_at_hub=bool(form.identity_at_hub.data),
        language=form.language.data,
        notice_version=current_release().version,
        channel=Channel(form.channel.data),
        hub_source=form.hub.data or None,
    )


def _intake_form() -> forms.IntakeForm:
    form = forms.IntakeForm()
    form.hub.choices = [("", "None")] + [
        (hub.slug, hub.name.english) for hub in current_app.extensions["council"].hubs
    ]
    return form


def _render_intake(form: forms.IntakeForm, error: str | None = None, status: int = 200):
    return render_template("staff/case/intake.html", form=form, error=error), status


@bp.route("/cases/log-request", methods=["GET", "POST"])
@requires(Action.WORK_ON_CASE)
def case_intake():
    form = _intake_form()
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(24)
        return _render_intake(form)
    if not form.validate():
        return _render_intake(form, status=400)
    hour, minute = (int(part) for part in form.received_time.data.split(":"))
    received = datetime.combine(
        given_date(form.received_on.data), time(hour, minute), tzinfo=LONDON
    )
    try:
        case = intake.log_staff_intake(
            db.session,
            _intake_submission(form),
            channel=Channel(form.channel.data),
            received_at=received,
            actor=current_actor(),
            idempotency_key=form.idempotency_key.data,
            cipher=current_app.extensions["evidence_cipher"],
        )
    except DOMAIN_ERRORS as error:
        db.session.rollback()
        return _render_intake(form, error=str(error), status=400)
    return back_to_case(case, f"Request logged: its reference is {case.reference}")
