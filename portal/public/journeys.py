"""The access request and objection journeys: start page, questions, check answers, sent.

Answers live in the server-side session (never in hidden fields); uploaded files wait in
draft_uploads, encrypted, until the request is sent. Submitting twice (double click,
resubmit, Back then submit) finds the first case through the journey's idempotency key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import delete, select

from portal import rate_limits
from portal.cases import email_cap, intake
from portal.cases.about_whom import AboutWhom
from portal.cases.models import ActingFor, Case, DraftUpload, EvidencePurpose, ScanStatus
from portal.cases.requests import Evidence, Submission
from portal.evidence.inspection import EvidenceRejected, inspect_upload
from portal.extensions import db
from portal.forms.evidence import purpose_names, rejection_message
from portal.forms.fields import normalise_ni_number, normalise_postcode
from portal.i18n import LANGUAGES
from portal.instants import utc_now
from portal.notices import current_release
from portal.page_cache import blank_form_page, cached_page
from portal.public import bp
from portal.public.check_answers import check_sections, held_note, summary_rows
from portal.public.journey_answers import (
    authority_answer,
    complaint_details,
    person_from_answers,
    sent_template,
)
from portal.public.journey_steps import JOURNEY_PATHS, JOURNEYS, Journey, Step, new_draft
from portal.public.journey_whom import adapt_form, asking_for, choice_hints
from portal.public.signposting import hub_source
from portal.public.upload_scanning import scan_status_of
from portal.sessions import only_form_cookie

MAX_FILES = 5
RIGHTS_SLUGS = ("wrong", "should-say", "recipients", "delete-what", "grounds", "why")  # C14, C15


def _journey(path: str) -> Journey:
    journey = JOURNEYS.get(path)
    if journey is None:
        abort(404)
    return journey


def _key(journey: Journey) -> str:
    return f"journey:{journey.kind}"


def _draft(journey: Journey) -> dict[str, Any] | None:
    draft = session.get(_key(journey))
    return draft if isinstance(draft, dict) and "answers" in draft else None


def _save(journey: Journey, draft: dict[str, Any]) -> None:
    session[_key(journey)] = draft  # reassign so the session knows it changed


def _cipher():
    return current_app.extensions["evidence_cipher"]


@bp.get(f"/<{JOURNEY_PATHS}:journey>")
def journey_start(journey: str):
    selected = _journey(journey)
    return cached_page(
        lambda: render_template(f"public/journey/start_{selected.kind}.html", journey=selected)
    )


@bp.get(f"/<{JOURNEY_PATHS}:journey>/begin")
def journey_begin(journey: str):
    """'Start now': a fresh draft with its own idempotency key. A visitor with no draft
    is sent to the first step, whose first POST begins one: until then nothing is stored
    (issue 15 point 1)."""
    selected = _journey(journey)
    draft = _draft(selected)
    if draft is not None and draft.get("sent"):
        _save(selected, new_draft())
    elif draft is None:
        generate_csrf()  # the form cookie: this visitor has started, not timed out
    answers = (_draft(selected) or {}).get("answers", {})
    first = selected.first_unanswered(answers) or selected.steps[0]
    return redirect(url_for(".journey_step", journey=selected.path, step=first.slug), 303)


# Residents are warned this long before their answers are deleted (WCAG 2.2.1).
WARN_BEFORE_SECONDS = 120


def timeout_settings() -> dict[str, int]:
    return {
        "timeout_seconds": int(current_app.config["SESSION_IDLE_LIFETIME"].total_seconds()),
        "warn_seconds": WARN_BEFORE_SECONDS,
    }


@bp.get(f"/<{JOURNEY_PATHS}:journey>/keep-alive")
def journey_keep_alive(journey: str):
    """The warning's 'Continue': any request restarts the session's idle clock."""
    draft = _draft(_journey(journey))
    if draft is None:
        # Nothing stored yet (only a form cookie): nothing to lose, nothing to keep alive.
        return ("", 204) if only_form_cookie(session) else ("", 401)
    session.modified = True
    return "", 204


@bp.post(f"/<{JOURNEY_PATHS}:journey>/discard")
def journey_discard(journey: str):
    """'Delete my answers': forget the draft and its files now."""
    selected = _journey(journey)
    draft = _draft(selected)
    if draft is not None and draft.get("draft_token"):
        db.session.execute(
            delete(DraftUpload).where(DraftUpload.draft_token == draft["draft_token"])
        )
        db.session.commit()
    session.pop(_key(selected), None)
    return redirect(url_for(".journey_start", journey=selected.path), 303)


@bp.get(f"/<{JOURNEY_PATHS}:journey>/session-ended")
def journey_expired(journey: str):
    return render_template("public/journey/expired.html", journey=_journey(journey))


def _form_for(step: Step, draft: dict[str, Any], formdata=None):
    saved = draft["answers"].get(step.slug, {})
    data = {
        k: (date.fromisoformat(v) if k in _date_fields(step) and v else v) for k, v in saved.items()
    }
    # formdata=None explicitly: otherwise Flask-WTF reads request.form on any POST.
    form = step.form(formdata=formdata, data=data)
    if hasattr(form, "letters_language"):
        form.letters_language.choices = [
            (code, LANGUAGES[code].native_name)
            for code in current_app.extensions["council"].languages
        ]
        if formdata is None and not form.letters_language.data:
            form.letters_language.data = g.locale
    if hasattr(form, "collect_hub"):
        form.collect_hub.choices = [("", "")] + [
            (hub.slug, str(hub.name)) for hub in current_app.extensions["council"].hubs
        ]
    adapt_form(form, step.slug, AboutWhom.of_answers(draft["answers"]))
    return form


def _date_fields(step: Step) -> set[str]:
    from portal.forms.fields import DateParts

    return {
        name
        for name, unbound in vars(step.form).items()
        if getattr(unbound, "field_class", None) is DateParts
    }


def _answers_from(form, step: Step) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in form._fields.items():
        if name in ("csrf_token",) or field.type in ("MultipleFileField", "FileField"):
            continue
        value = field.data
        if isinstance(value, date):
            value = value.isoformat()
        values[name] = value
    if values.get("ni_number"):
        values["ni_number"] = normalise_ni_number(values["ni_number"])
    if values.get("postcode"):
        values["postcode"] = normalise_postcode(values["postcode"])
    return values


def _render_step(
    journey: Journey, step: Step, form, draft, *, status: int = 200, upload_errors=None
):
    back = journey.before(step.slug, draft["answers"])
    changing = request.args.get("change") == "1"
    back_url = (
        url_for(".journey_check", journey=journey.path)
        if changing
        else url_for(".journey_step", journey=journey.path, step=back.slug)
        if back
        else url_for(".journey_start", journey=journey.path)
    )
    uploads = _draft_uploads(draft) if step.multipart else []
    heading = step.heading(draft["answers"])
    if step.heading_field:  # its legend or label is the page's heading
        getattr(form, step.heading_field).label.text = heading
    about = AboutWhom.of_answers(draft["answers"])
    return (
        render_template(
            "public/journey/step.html",
            journey=journey,
            journey_name=journey.name_for(about.acting_for),
            step=step,
            heading=heading,
            asking_for=asking_for(about),
            form=form,
            back_url=back_url,
            answers=draft["answers"],
            uploads=uploads,
            held_note=held_note(),
            upload_errors=upload_errors or {},
            form_has_errors=bool(form.errors or upload_errors),
            choice_hints=choice_hints(about),
            timeout=timeout_settings(),
            purpose_names=purpose_names(),
        ),
        status,
    )


@bp.route(f"/<{JOURNEY_PATHS}:journey>/<step>", methods=["GET", "POST"])
def journey_step(journey: str, step: str):
    selected = _journey(journey)
    current = selected.step(step)
    if current is None:
        abort(404)
    draft = _draft(selected)
    if draft is None and (current is selected.steps[0] or only_form_cookie(session)):
        draft = new_draft()  # kept in the session by the first POST
    if draft is None or draft.get("sent"):
        return redirect(url_for(".journey_expired", journey=selected.path), 303)
    answers = draft["answers"]
    if not current.applies(answers):
        return redirect(url_for(".journey_check", journey=selected.path), 303)
    first_gap = selected.first_unanswered(answers)
    steps = [s.slug for s in selected.applicable(answers)]
    if first_gap is not None and steps.index(first_gap.slug) < steps.index(current.slug):
        return redirect(url_for(".journey_step", journey=selected.path, step=first_gap.slug), 303)

    if request.method == "GET":
        return blank_form_page(
            lambda: _render_step(selected, current, _form_for(current, draft), draft)[0]
        )

    if current.multipart:
        rate_limits.enforce("upload")
    form = _form_for(current, draft, formdata=request.form)
    valid = form.validate()
    upload_errors: dict[str, str] = {}
    if current.multipart:
        upload_errors = _take_uploads(form, draft)
        if valid and not upload_errors:
            upload_errors = _check_identity_complete(form, draft)
    if not valid or upload_errors:
        _save(selected, draft)  # files that passed are kept even when another was refused
        return _render_step(selected, current, form, draft, status=400, upload_errors=upload_errors)

    answers[current.slug] = _answers_from(form, current)
    _save(selected, draft)
    following = selected.after(current.slug, answers)
    if request.args.get("change") == "1" or following is None:
        nxt = selected.first_unanswered(answers)
        if nxt is None:
            return redirect(url_for(".journey_check", journey=selected.path), 303)
        return redirect(url_for(".journey_step", journey=selected.path, step=nxt.slug), 303)
    return redirect(url_for(".journey_step", journey=selected.path, step=following.slug), 303)


# Uploads ---------------------------------------------------------------------------

PURPOSE_FIELDS = {
    "photo_id": EvidencePurpose.PHOTO_ID,
    "proof_of_address": EvidencePurpose.PROOF_OF_ADDRESS,
    "authority": EvidencePurpose.AUTHORITY,
    "more_evidence": EvidencePurpose.MORE_EVIDENCE,  # a correction's evidence (C14)
}


def _draft_uploads(draft) -> list[DraftUpload]:
    return list(
        db.session.scalars(
            select(DraftUpload)
            .where(DraftUpload.draft_token == draft["draft_token"])
            .order_by(DraftUpload.id)
        )
    )


def _take_uploads(form, draft) -> dict[str, str]:
    """Inspect and keep each file sent; return a message per field whose file was refused."""
    errors: dict[str, str] = {}
    existing = len(_draft_uploads(draft))
    now = utc_now()
    for field_name, purpose in PURPOSE_FIELDS.items():
        for storage in request.files.getlist(field_name):
            if not storage or not storage.filename:
                continue
            if existing >= MAX_FILES:
                errors[field_name] = _("You can send up to %(count)s files", count=MAX_FILES)
                break
            data = storage.read(10 * 1024 * 1024 + 1)
            try:
                scan_status = scan_status_of(data)
                clean = inspect_upload(data, storage.filename)
            except EvidenceRejected as refused:
                errors[field_name] = rejection_message(refused.reason, _safe_name(storage.filename))
                continue
            db.session.add(
                DraftUpload(
                    draft_token=draft["draft_token"],
                    purpose=purpose,
                    original_name=clean.original_name,
                    media_type=clean.media_type,
                    size=len(clean.content),
                    encrypted=_cipher().encrypt(
                        clean.content, associated_data=draft["draft_token"].encode()
                    ),
                    created_at=now,
                    scan_status=scan_status,
                )
            )
            existing += 1
    db.session.commit()
    return errors


def _safe_name(filename: str) -> str:
    from portal.forms.fields import clean_text

    return str(clean_text(filename.replace("\\", "/").rsplit("/", 1)[-1]))[:80] or "?"


def _check_identity_complete(form, draft) -> dict[str, str]:
    if getattr(form, "how", None) is None or form.how.data != "upload":
        return {}
    have = {upload.purpose for upload in _draft_uploads(draft)}
    errors = {}
    if EvidencePurpose.PHOTO_ID not in have:
        errors["photo_id"] = _("Choose a photo or scan of your photo ID")
    if EvidencePurpose.PROOF_OF_ADDRESS not in have:
        errors["proof_of_address"] = _("Choose a photo or scan of your proof of address")
    if _acting_for(draft) != ActingFor.MYSELF and EvidencePurpose.AUTHORITY not in have:
        errors["authority"] = _("Choose a photo or scan of the proof that you may act for them")
    return errors


def _acting_for(draft) -> ActingFor:
    return ActingFor(draft["answers"].get("who", {}).get("acting_for", "myself"))


@bp.post(f"/<{JOURNEY_PATHS}:journey>/remove-file/<int:upload_id>")
def journey_remove_file(journey: str, upload_id: int):
    selected = _journey(journey)
    draft = _draft(selected)
    if draft is None:
        return redirect(url_for(".journey_expired", journey=selected.path), 303)
    db.session.execute(
        delete(DraftUpload).where(
            DraftUpload.id == upload_id, DraftUpload.draft_token == draft["draft_token"]
        )
    )
    db.session.commit()
    back = selected.step(request.args.get("step", ""))
    step = back.slug if back is not None else "identity"
    return redirect(url_for(".journey_step", journey=selected.path, step=step), 303)


# Check answers, send, confirmation ---------------------------------------------------


@bp.route(f"/<{JOURNEY_PATHS}:journey>/check", methods=["GET", "POST"])
def journey_check(journey: str):
    selected = _journey(journey)
    draft = _draft(selected)
    if draft is None:
        return redirect(url_for(".journey_expired", journey=selected.path), 303)
    if draft.get("sent"):
        # Back-then-submit, or a second click: the request has already gone.
        return redirect(url_for(".journey_sent", journey=selected.path), 303)
    gap = selected.first_unanswered(draft["answers"])
    if gap is not None:
        return redirect(url_for(".journey_step", journey=selected.path, step=gap.slug), 303)
    from flask_wtf import FlaskForm

    form = FlaskForm()
    if request.method == "POST":
        rate_limits.enforce("submission")
    if request.method == "POST" and form.validate():
        case = intake.submit_request(
            db.session,
            _submission(selected, draft),
            idempotency_key=draft["idempotency_key"],
            cipher=_cipher(),
            cap=email_cap.EmailCap.from_settings(current_app.config),
        )
        db.session.execute(
            delete(DraftUpload).where(DraftUpload.draft_token == draft["draft_token"])
        )
        db.session.commit()
        _save(
            selected,
            {"answers": {}, "sent": case.reference, "idempotency_key": draft["idempotency_key"]},
        )
        return redirect(url_for(".journey_sent", journey=selected.path), 303)
    about = AboutWhom.of_answers(draft["answers"])
    return render_template(
        "public/journey/check.html",
        journey=selected,
        journey_name=selected.name_for(about.acting_for),
        sections=check_sections(
            summary_rows(
                selected,
                draft["answers"],
                form_for=lambda step: _form_for(step, draft),
                uploads=_draft_uploads(draft),
            ),
            about,
        ),
        form=form,
        timeout=timeout_settings(),
    )


@bp.get(f"/<{JOURNEY_PATHS}:journey>/sent")
def journey_sent(journey: str):
    selected = _journey(journey)
    draft = _draft(selected)
    reference = draft.get("sent") if draft else None
    if not reference:
        return redirect(url_for(".journey_expired", journey=selected.path), 303)
    case = db.session.scalar(
        select(Case).where(Case.reference == reference, Case.erased_at.is_(None))
    )
    if case is None:
        abort(404)
    about = AboutWhom.of_case(case)
    return render_template(
        sent_template(selected.kind),
        journey=selected,
        journey_name=selected.name_for(about.acting_for),
        case=case,
        about=about,
        asking_for=asking_for(about),
        email_withheld=intake.confirmation_withheld(db.session, case),
        emails_per_day=current_app.config["EMAILS_PER_ADDRESS_PER_DAY"],
    )


def _submission(journey: Journey, draft) -> Submission:
    answers = draft["answers"]
    acting_for = _acting_for(draft)
    contact = answers.get("contact", {})
    details: dict[str, Any] = {
        "postal_address": contact.get("postal_address") or "",
        "letters_language": contact.get("letters_language") or g.locale,
    }
    for slug in ("what", "delivery", "processing", "reasons", "restrict", *RIGHTS_SLUGS):
        if slug in answers:
            details[slug] = answers[slug]
    details.update(complaint_details(answers))
    cipher = _cipher()
    evidence = tuple(
        Evidence(
            purpose=EvidencePurpose(upload.purpose),
            original_name=upload.original_name,
            media_type=upload.media_type,
            content=cipher.decrypt(upload.encrypted, associated_data=draft["draft_token"].encode()),
            scan_status=ScanStatus(upload.scan_status) if upload.scan_status else None,
        )
        for upload in _draft_uploads(draft)
    )
    return Submission(
        kind=journey.kind,
        acting_for=acting_for,
        subject=person_from_answers(answers, subject=True),
        requester=None
        if acting_for == ActingFor.MYSELF
        else person_from_answers(answers, subject=False),
        relationship_to_subject=answers.get("you", {}).get("relationship", ""),
        authority=authority_answer(answers),
        details=details,
        identity_at_hub=answers.get("identity", {}).get("how") == "hub",
        language=g.locale,
        notice_version=current_release().version,
        hub_source=hub_source(),
        evidence=evidence,
    )
