"""Following a request: reference and email address, a 6-digit code by email, then the
status page with its timeline, due date, messages, more evidence and withdrawal.

Until the code is right, every answer reads the same whether or not the reference exists,
and attempts are counted in the database (tracking.lookup_allowed). Once signed in, the
session ends after 20 minutes without a request; the pages warn two minutes before
(static/js/timeout-warning.mjs), and the server enforces it with or without JavaScript.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import rate_limits
from portal.cases import closing, email_cap, intake, message_words, tracking
from portal.cases.about_whom import AboutWhom
from portal.cases.models import Case, CaseKind, EvidencePurpose, ScanStatus
from portal.cases.references import parse_reference
from portal.cases.requests import Evidence
from portal.cases.workflow import TransitionNotAllowed, is_closed
from portal.documents import production
from portal.documents.pdf import pdf_response
from portal.evidence.inspection import (
    MAX_BYTES,
    MAX_FILES,
    EvidenceRejected,
    RejectionReason,
    clean_file_name,
    inspect_upload,
)
from portal.extensions import db
from portal.forms.tracking import MoreEvidenceForm, TrackCodeForm, TrackStartForm, WithdrawForm
from portal.instants import parse_aware, utc_now
from portal.page_cache import blank_form_page
from portal.public import bp
from portal.public import tracking_code_checks as code_checks
from portal.public import tracking_words as words
from portal.public.journeys import rejection_message
from portal.public.review_words import review_section
from portal.public.upload_scanning import scan_status_of
from portal.sessions import ServerSession, end_session

# The session key. Before sign-in: what the resident typed and tried, never whether it
# matched: {"reference", "asked_at", "wrong_tries", "asker" (the token codes are bound to)}.
# Signed in: {"case_id", "reference", "signed_in_at", "last_seen", "banner" (one-off),
# "merged_from" (the reference typed, when it was merged into this one)}.
TRACKING = "tracking"
IDLE_LIFETIME = timedelta(minutes=20)
WARN_BEFORE = timedelta(minutes=2)
START = "public/tracking/start.html"


def _db() -> Session:
    """This request's database session (the object behind the scoped db.session)."""
    return db.session()


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _email_limit() -> dict[str, int]:
    return {"emails_per_day": current_app.config["EMAILS_PER_ADDRESS_PER_DAY"]}


def _cipher():
    return current_app.extensions["evidence_cipher"]


def _tracking() -> dict[str, Any]:
    state = session.get(TRACKING)
    return state if isinstance(state, dict) else {}


def _new_session_id() -> None:
    """A new cookie for the same session data at sign-in, so a cookie planted before
    sign-in is worth nothing after it (session fixation)."""
    if isinstance(session, ServerSession) and session.token:
        end_session(session.token)
        session.token = None
        session.modified = True


def _no_store(response: Response) -> Response:
    # A case's details must not be kept by the browser for the Back button or by a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


# Signing in -------------------------------------------------------------------------


@bp.route("/track", methods=["GET", "POST"])
def track_start():
    if request.method == "GET":  # the form is made inside: its CSRF token is the request's
        data = {"reference": _tracking().get("reference", "")}
        return blank_form_page(lambda: render_template(START, form=TrackStartForm(data=data)))
    form = TrackStartForm()
    rate_limits.enforce("tracking")
    # The form checks the reference's shape and check character; parsing keeps types honest.
    reference = parse_reference(form.reference.data) if form.validate() else None
    if reference is None:
        return render_template(START, form=form, form_has_errors=True), 400
    email = form.email.data
    now = utc_now()
    client = rate_limits.client_key()
    asker = secrets.token_urlsafe(18)
    if not tracking.lookup_allowed(
        _db(), reference=reference, email=email, secret=_secret(), client=client, now=now
    ):
        response = make_response(render_template("public/tracking/too_many.html"), 429)
        response.headers["Retry-After"] = str(int(tracking.LOOKUP_WINDOW.total_seconds()))
        return response
    tracking.start_tracking(
        _db(),
        reference=reference,
        email=email,
        secret=_secret(),
        client=client,
        asker=asker,
        now=now,
        cap=email_cap.EmailCap.from_settings(current_app.config),
    )
    # What the resident typed and did, never whether it matched: the code page answers
    # from this alone, so it reads the same whether or not the request exists.
    asked = {"reference": reference, "asked_at": now.isoformat(), "wrong_tries": 0}
    session[TRACKING] = {**asked, "asker": asker}
    return redirect(url_for(".track_code"), 303)


@bp.route("/track/code", methods=["GET", "POST"])
def track_code():
    state = _tracking()
    if "case_id" in state:
        return redirect(url_for(".track_status"), 303)
    reference = state.get("reference")
    if not isinstance(reference, str):
        return redirect(url_for(".track_start"), 303)
    form = TrackCodeForm()
    if request.method == "GET":
        return render_template(
            "public/tracking/code.html", form=form, reference=reference, **_email_limit()
        )
    rate_limits.enforce("tracking_code")
    if form.validate():
        refusal = code_checks.refusal_from_session(state)
        if refusal is None:
            asker = state.get("asker")
            result = tracking.check_tracking_code(
                _db(),
                reference=reference,
                code=form.code.data,
                secret=_secret(),
                asker=asker if isinstance(asker, str) and asker else "-",
            )
            if result.case is not None and result.reason == "ok":
                _sign_in(tracking.followed_case(_db(), result.case), result.case.reference)
                return redirect(url_for(".track_status"), 303)
            state["wrong_tries"] = code_checks.wrong_tries(state) + 1
            session[TRACKING] = state
            refusal = code_checks.refusal_from_session(state) or "wrong"
        form.code.errors = [code_checks.code_refused(refusal)]
    page = render_template(
        "public/tracking/code.html",
        form=form,
        reference=reference,
        form_has_errors=True,
        **_email_limit(),
    )
    return page, 400


def _sign_in(case: Case, typed: str) -> None:
    """Signed in to `case`: the one whose reference was `typed`, or the original it was
    merged into (its old reference still works), which says so once."""
    _new_session_id()
    now = utc_now().isoformat()
    merged = {"banner": "merged", "merged_from": typed} if typed != case.reference else {}
    session[TRACKING] = {
        "case_id": case.id,
        "reference": case.reference,
        "signed_in_at": now,
        "last_seen": now,
        **merged,
    }


@bp.get("/track/session-ended")
def track_session_ended():
    session.pop(TRACKING, None)
    return _no_store(make_response(render_template("public/tracking/session_ended.html")))


@bp.post("/track/sign-out")
def track_sign_out():
    # CSRFProtect has checked the token before this runs.
    session.pop(TRACKING, None)
    return redirect(url_for(".track_start"), 303)


# Signed-in pages --------------------------------------------------------------------


def _signed_in_case() -> Case | str:
    """The case this session is signed in to, with its idle clock restarted; or why not:
    "signed_out" (never signed in) or "ended" (20 minutes without a request)."""
    state = _tracking()
    case_id = state.get("case_id")
    if not isinstance(case_id, int):
        return "signed_out"
    now = utc_now()
    last_seen = parse_aware(state.get("last_seen"))
    if last_seen is None or now - last_seen >= IDLE_LIFETIME:
        session.pop(TRACKING, None)
        return "ended"
    case = _db().get(Case, case_id)
    if case is None or case.reference != state.get("reference"):
        session.pop(TRACKING, None)
        return "signed_out"
    state["last_seen"] = now.isoformat()
    session[TRACKING] = state
    return case


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view gets the signed-in case; anyone else goes to sign in, or is told that
    their session has ended."""

    @wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        case = _signed_in_case()
        if case == "ended":
            return redirect(url_for(".track_session_ended"), 303)
        if not isinstance(case, Case):
            return redirect(url_for(".track_start"), 303)
        return _no_store(make_response(view(case, **kwargs)))

    return wrapper


def timeout_warning() -> dict[str, Any]:
    return {
        "timeout_seconds": int(IDLE_LIFETIME.total_seconds()),
        "warn_seconds": int(WARN_BEFORE.total_seconds()),
    }


def _set_banner(name: str) -> None:
    state = _tracking()
    state["banner"] = name
    session[TRACKING] = state


def _take_banner() -> str | None:
    state = _tracking()
    banner = state.pop("banner", None)
    if banner is not None:
        session[TRACKING] = state
    return banner if banner in ("evidence", "evidence_held", "withdrawn", "merged") else None


@bp.get("/track/keep-alive")
def track_keep_alive():
    """'Stay signed in': restarts the idle clock. 204 while signed in, 401 once not."""
    case = _signed_in_case()
    return _no_store(Response(status=204 if isinstance(case, Case) else 401))


@bp.get("/track/status")
@signed_in
def track_status(case: Case):
    download = _response_download(case)
    return render_template(
        "public/tracking/status.html",
        case=case,
        kind=words.KIND_WORDS.get(CaseKind(case.kind), ""),
        status=words.status_of(
            case,
            outcome=tracking.decision_outcome(_db(), case),
            download=_download_state(download),
        ),
        closed=is_closed(case.state),
        due_explanation=words.due_explanation(case),
        timeline=[
            {"entry": entry, "text": words.timeline_text(entry, case)}
            for entry in tracking.timeline(_db(), case)
        ],
        messages=[
            {
                "message": message,
                "title": message_words.message_title(message.kind, AboutWhom.of_case(case)),
                "summary": message_words.message_summary(message, AboutWhom.of_case(case)),
                "staff_text": message_words.message_staff_text(message),
                "restriction": message_words.restriction_sentences(message.params or {}),
            }
            for message in tracking.messages_for(case)
        ],
        can_add_evidence=tracking.can_add_evidence(case),
        can_withdraw=tracking.can_withdraw(case),
        banner=_take_banner(),
        merged_from=_tracking().get("merged_from"),
        merged_banner=words.merged_banner,
        timeout=timeout_warning(),
        **download,
        **review_section(case),
    )


def _response_download(case: Case) -> dict[str, Any]:
    """The response pack, when it was released for download: available, or expired."""
    document = production.latest_pack(_db(), case)
    now = utc_now()
    if document is None or document.available_until is None:
        return {}
    until = format_date(document.available_until, "long")
    if production.is_available(document, now):
        size = format_decimal(max(round(document.size / 1_000_000, 1), 0.1))
        return {"download": {"pages": document.pages, "size": size, "until": until}}
    if production.has_expired(document, now):
        return {"download_expired": until}
    return {}


def _download_state(download: dict[str, Any]) -> str | None:
    if "download" in download:
        return "available"
    return "expired" if "download_expired" in download else None


@bp.get("/track/your-information.pdf")
@signed_in
def track_response_download(case: Case):
    """The response pack, for the signed-in resident only, while it is available."""
    document = production.latest_pack(_db(), case)
    now = utc_now()
    if document is not None and document.available_until and production.has_expired(document, now):
        page = render_template(
            "public/tracking/download_expired.html",
            until=format_date(document.available_until, "long"),
            contact=current_app.extensions["council"].information_governance,
        )
        return page, 410
    if document is None or not production.is_available(document, now):
        abort(404)
    content = production.decrypt(case, document, cipher=_cipher())
    production.record_download(
        _db(), case, document, actor=intake.RESIDENT, action="response_downloaded"
    )
    return pdf_response(content, document.filename or f"{case.reference}-your-information.pdf")


# More evidence ----------------------------------------------------------------------


@bp.route("/track/evidence", methods=["GET", "POST"])
@signed_in
def track_evidence(case: Case):
    if not tracking.can_add_evidence(case):
        return redirect(url_for(".track_status"), 303)
    form = MoreEvidenceForm()
    if request.method == "GET":
        return _render_evidence(case, form)
    rate_limits.enforce("upload")
    if not form.validate():
        return _render_evidence(case, form, status=400)
    evidence, refused = _inspect_files()
    if refused:
        return _render_evidence(case, form, refused=refused, status=400)
    intake.add_evidence(_db(), case, evidence, cipher=_cipher())
    held = any(item.scan_status == ScanStatus.HELD for item in evidence)
    _set_banner("evidence_held" if held else "evidence")
    return redirect(url_for(".track_status"), 303)


def _render_evidence(case: Case, form, *, refused: list[str] | None = None, status: int = 200):
    page = render_template(
        "public/tracking/evidence.html",
        case=case,
        form=form,
        refused=refused or [],
        form_has_errors=status == 400,
        timeout=timeout_warning(),
    )
    return page, status


def _inspect_files() -> tuple[tuple[Evidence, ...], list[str]]:
    """Every file sent, checked; nothing is kept unless all of them pass, so the resident
    never has to work out which ones arrived."""
    uploads = [
        storage for storage in request.files.getlist("files") if storage and storage.filename
    ]
    if not uploads:
        return (), [_("Choose a file to send")]
    if len(uploads) > MAX_FILES:
        return (), [_("You can send up to %(count)s files at a time", count=MAX_FILES)]
    accepted: list[Evidence] = []
    refused: list[str] = []
    for storage in uploads:
        data = storage.read(MAX_BYTES + 1)
        try:
            scan_status = scan_status_of(data)
            clean = inspect_upload(data, storage.filename or "")
        except EvidenceRejected as rejection:
            refused.append(_refusal(rejection.reason, storage.filename))
            continue
        accepted.append(
            Evidence(
                purpose=EvidencePurpose.MORE_EVIDENCE,
                original_name=clean.original_name,
                media_type=clean.media_type,
                content=clean.content,
                scan_status=scan_status,
            )
        )
    return tuple(accepted), refused


def _refusal(reason: RejectionReason, filename: str | None) -> str:
    name = clean_file_name(filename or "", fallback="?")
    try:
        return rejection_message(reason, name)
    except KeyError:  # a reason newer than the journey's messages
        return _(
            "The file %(name)s could not be accepted. Send a photo or a scan instead", name=name
        )


# Withdrawing ------------------------------------------------------------------------


@bp.route("/track/withdraw", methods=["GET", "POST"])
@signed_in
def track_withdraw(case: Case):
    if not tracking.can_withdraw(case):
        return redirect(url_for(".track_status"), 303)
    form = WithdrawForm()
    if request.method == "POST":
        if not form.validate():
            return _render_withdraw(case, form, status=400)
        if form.confirm.data == "yes":
            try:
                closing.withdraw(_db(), case, reason=form.reason.data or "")
            except TransitionNotAllowed:  # closed by staff since the page was drawn
                _db().rollback()
                return redirect(url_for(".track_status"), 303)
            _set_banner("withdrawn")
        return redirect(url_for(".track_status"), 303)
    return _render_withdraw(case, form)


def _render_withdraw(case: Case, form, *, status: int = 200):
    page = render_template(
        "public/tracking/withdraw.html",
        case=case,
        form=form,
        form_has_errors=status == 400,
        timeout=timeout_warning(),
    )
    return page, status
