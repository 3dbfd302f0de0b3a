"""Logging a request made by phone, letter, email or in person at a hub: staff key it in,
with the time the council received it (portal.cases.intake.log_staff_intake, C1-C2).
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, time
from typing import Any

from flask import current_app, render_template, request

from portal.cases import intake
from portal.cases.clock import LONDON
from portal.cases.models import ActingFor, Authority, CaseKind, Channel, EvidencePurpose
from portal.cases.references import parse_reference
from portal.cases.requests import Evidence, PersonDetails, Submission
from portal.evidence.inspection import MAX_BYTES, inspect_upload
from portal.evidence.rejections import EvidenceRejected, RejectionReason
from portal.evidence.scanning import scan_for_staff, scanner_from_settings
from portal.extensions import db
from portal.forms.intake_forms import IntakeForm
from portal.notices import current_release
from portal.staff import bp
from portal.staff.case import DOMAIN_ERRORS, back_to_case, current_actor, given_date
from portal.staff.permissions import Action, requires

# Why a file was refused, for staff (residents read the same reasons in their language).
STAFF_REFUSALS = {
    RejectionReason.EMPTY: "the file is empty",
    RejectionReason.TOO_LARGE: "the file is larger than 10 MB",
    RejectionReason.WRONG_TYPE: "only PDF, JPG and PNG files can be kept",
    RejectionReason.CORRUPT: "the file cannot be read: it may be damaged",
    RejectionReason.ACTIVE_CONTENT: "the PDF runs scripts or actions: print it to a new PDF",
    RejectionReason.TOO_MANY_PIXELS: "the image is too large: scan it at a lower resolution",
    RejectionReason.ENCRYPTED: "the PDF has a password: ask for a copy without one",
}


def _intake_details(kind: CaseKind, form: IntakeForm) -> dict[str, Any]:
    """What they asked for, kept as the kind's journey keeps it (C9, C13-C15)."""
    if kind == CaseKind.ACCESS:
        return {"what": {"scope": "everything"}, "delivery": {"delivery": form.delivery.data}}
    if kind == CaseKind.COMPLAINT:
        return {
            "complaint": {"complaint": form.complaint.data},
            "earlier": {"reference": parse_reference(form.earlier_reference.data or "") or ""},
            "outcome": {"outcome_wanted": form.outcome_wanted.data or ""},
        }
    processing = {"processing": list(form.processing.data or []), "agencies": []}
    if kind == CaseKind.OBJECTION:
        return {
            "processing": processing,
            "reasons": {"reasons": form.reasons.data or ""},
            "restrict": {"restrict": "yes" if form.restrict.data else "no"},
        }
    details: dict[str, Any] = {"recipients": {"tell_me": "yes" if form.tell_me.data else "no"}}
    if kind == CaseKind.CORRECTION:
        details["wrong"] = {"wrong": form.wrong.data}
        details["should-say"] = {"should_say": form.should_say.data}
    elif kind == CaseKind.RESTRICTION:
        details["processing"] = processing
        details["grounds"] = {"ground": form.restriction_ground.data}
        details["why"] = {"why": form.why.data}
    else:
        details["delete-what"] = {"what": form.what_to_delete.data}
        details["grounds"] = {"ground": form.deletion_ground.data}
        details["why"] = {"why": form.why.data}
    return details


def _intake_submission(form: IntakeForm) -> Submission:
    kind = CaseKind(form.kind.data)
    details = _intake_details(kind, form)
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


def _intake_form() -> IntakeForm:
    form = IntakeForm()
    form.hub.choices = [("", "None")] + [
        (hub.slug, hub.name.english) for hub in current_app.extensions["council"].hubs
    ]
    return form


def _render_intake(
    form: IntakeForm,
    error: str | None = None,
    status: int = 200,
    evidence_errors: dict[str, str] | None = None,
):
    page = render_template(
        "staff/case/intake.html", form=form, error=error, evidence_errors=evidence_errors or {}
    )
    return page, status


# Each file field of the intake form, and what its files are evidence of.
EVIDENCE_FIELDS = {
    "photo_id": EvidencePurpose.PHOTO_ID,
    "proof_of_address": EvidencePurpose.PROOF_OF_ADDRESS,
    "authority_proof": EvidencePurpose.AUTHORITY,
}
MAX_INTAKE_FILES = 10


def _intake_evidence() -> tuple[tuple[Evidence, ...], dict[str, str]]:
    """The files sent with the request, each checked as a resident's would be and scanned
    when the council has a scanner; nothing is kept unless every one passes."""
    accepted: list[Evidence] = []
    refused: dict[str, str] = {}
    scanner = scanner_from_settings(current_app.config)
    count = 0
    for name, purpose in EVIDENCE_FIELDS.items():
        for storage in request.files.getlist(name):
            if not storage or not storage.filename:
                continue
            count += 1
            data = storage.read(MAX_BYTES + 1)
            try:
                clean = inspect_upload(data, storage.filename)
            except EvidenceRejected as rejection:
                reason = STAFF_REFUSALS.get(rejection.reason, "the file cannot be kept")
                refused[name] = f"{storage.filename}: {reason}"
                continue
            verdict = scan_for_staff(data, scanner)
            if verdict is not None:
                refused[name] = f"{storage.filename}: {verdict}"
                continue
            accepted.append(Evidence(purpose, clean.original_name, clean.media_type, clean.content))
    if count > MAX_INTAKE_FILES:
        refused["photo_id"] = f"Attach {MAX_INTAKE_FILES} files at most"
    return tuple(accepted), refused


@bp.route("/cases/log-request", methods=["GET", "POST"])
@requires(Action.WORK_ON_CASE)
def case_intake():
    form = _intake_form()
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(24)
        return _render_intake(form)
    evidence, evidence_errors = _intake_evidence()
    if not form.validate() or evidence_errors:
        return _render_intake(form, status=400, evidence_errors=evidence_errors)
    hour, minute = (int(part) for part in form.received_time.data.split(":"))
    received = datetime.combine(
        given_date(form.received_on.data), time(hour, minute), tzinfo=LONDON
    )
    try:
        case = intake.log_staff_intake(
            db.session,
            replace(_intake_submission(form), evidence=evidence),
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
