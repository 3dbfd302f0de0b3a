"""Signing in: email address and password, then a code from an authenticator app (set up
by QR code the first time); accepting an invitation; signing out; the idle timeout.

The session holds, before the code step, {"user_id", "started_at", "next"} under PENDING:
what the password step proved, for 10 minutes. Signed in, it holds Flask-Login's user id
and, under SIGNED_IN, {"link", "signed_in_at", "last_seen"}: the StaffSession row that ties
this server-side session to the account (deleted on sign-out and when the account is
disabled), and the time of the last request, for the 30-minute idle timeout.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal import rate_limits
from portal.accounts import invitations, passwords, signing_in, staff_sessions, totp
from portal.accounts.models import StaffUser
from portal.accounts.signing_in import CodeCheck
from portal.extensions import db
from portal.forms.staff import CodeForm, NewPasswordForm, SignInForm
from portal.instants import parse_aware, utc_now
from portal.sessions import ServerSession, end_session
from portal.staff import bp, idle_lifetime, login_manager, safe_return_path
from portal.staff.permissions import Action, public, requires
from portal.staff.qr_code import qr_code_svg
from portal.staff.signed_in_session import StaffPageSession

PENDING = "staff_pending"
SIGNED_IN = "staff"
PENDING_LIFETIME = timedelta(minutes=10)
# This worker is hashing as many passwords as it may (passwords.HashingBusy): try again soon.
BUSY_RETRY_SECONDS = 2

# The same words whatever went wrong: no account, wrong password, locked or disabled.
WRONG_DETAILS = "Enter a correct email address and password"
WRONG_CODE = "The code is not right. Enter the code your authenticator app shows now"
REUSED_CODE = "That code has already been used. Wait for your app to show a new code, then enter it"


def _cipher():
    return current_app.extensions["evidence_cipher"]


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def council_names() -> tuple[str, ...]:
    council = current_app.extensions["council"]
    return (council.name, council.short_name)


def _token() -> str | None:
    return session.token if isinstance(session, ServerSession) else None


def _signed_in_state() -> dict[str, Any]:
    state = session.get(SIGNED_IN)
    return state if isinstance(state, dict) else {}


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The signed-in account, if this session's link to it still stands and the account
    is not disabled; otherwise the visitor is anonymous."""
    token = _token()
    state = _signed_in_state()
    if not token or not state or not user_id.isdigit():
        return None
    if isinstance(session, StaffPageSession) and session.account_is_current:
        user = session.account_for(state.get("link"), int(user_id))  # read with the session
    else:
        user = staff_sessions.signed_in_user(db.session, state.get("link"), int(user_id), token)
    return user if user is not None and user.is_active else None


# The idle timeout ----------------------------------------------------------------------


def end_idle_session(now: datetime, lifetime: timedelta) -> str | None:
    """End a signed-in session that has had no request for `lifetime`, or that began
    STAFF_SESSION_MAX_LIFETIME ago however busy it has been (issue 15 point 7). Returns
    why it ended ("idle" or "lifetime"), or None if it goes on. A session whose link was
    deleted (signed out elsewhere, account disabled) is just forgotten: the visitor is
    asked to sign in, not told they were idle."""
    state = _signed_in_state()
    if not state:
        return None
    if not current_user.is_authenticated:
        logout_user()
        session.clear()
        return None
    signed_in_at = parse_aware(state.get("signed_in_at"))
    if signed_in_at is None or now - signed_in_at >= max_lifetime():
        _end_session(reason="lifetime", now=now)
        return "lifetime"
    last_seen = parse_aware(state.get("last_seen"))
    if last_seen is not None and now - last_seen < lifetime:
        return None
    _end_session(reason="idle", now=now)
    return "idle"


def max_lifetime() -> timedelta:
    return current_app.config["STAFF_SESSION_MAX_LIFETIME"]


# The idle clock is restarted at most this often: writing the session row on every page
# would cost each request a write and a commit (issue 17 point 2). A session may so end
# up to this much before the idle lifetime after its last request, never after it.
TOUCH_EVERY = timedelta(seconds=15)


def touch(now: datetime) -> None:
    """Restart the idle clock (the session row is saved after the response)."""
    state = _signed_in_state()
    if not state:
        return
    last_seen = parse_aware(state.get("last_seen"))
    if last_seen is None or not timedelta(0) <= now - last_seen < TOUCH_EVERY:
        state["last_seen"] = now.isoformat()
        session[SIGNED_IN] = state


def _end_session(*, reason: str, now: datetime) -> None:
    user = current_user._get_current_object() if current_user.is_authenticated else None
    staff_sessions.end_staff_session(
        db.session,
        user=user,
        link_id=_signed_in_state().get("link"),
        token=_token(),
        reason=reason,
        now=now,
    )
    logout_user()
    session.clear()  # the session interface deletes the cookie


@bp.get("/keep-alive")
@public
def keep_alive():
    """'Stay signed in': restarts the idle clock. 204 while signed in, 401 once not."""
    if not current_user.is_authenticated:
        return Response(status=401)
    touch(utc_now())
    return Response(status=204)


@bp.get("/session-ended")
@public
def session_ended():
    minutes = int(idle_lifetime().total_seconds() // 60)
    hours = max_lifetime().total_seconds() / 3600
    return render_template(
        "staff/session_ended.html",
        idle_minutes=minutes,
        lifetime_ended=request.args.get("reason") == "lifetime",
        max_hours=f"{hours:g}",
    )


# Signing in ----------------------------------------------------------------------------


def _pending_user(now: datetime) -> StaffUser | None:
    """The account whose password was given in this session, within the last 10 minutes."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    started = parse_aware(state.get("started_at"))
    user_id = state.get("user_id")
    user = db.session.get(StaffUser, user_id) if isinstance(user_id, int) else None
    if started is None or now - started >= PENDING_LIFETIME or user is None or not user.is_active:
        session.pop(PENDING, None)
        return None
    return user


def _remember_password_step(user: StaffUser, now: datetime, next_path: str | None) -> None:
    """What the password proved, under a new session id: a cookie planted before this
    step cannot watch the next one (which may show a new authenticator key)."""
    if isinstance(session, ServerSession) and session.token:
        end_session(session.token)
        session.token = None  # the session interface saves the data under a new token
    session[PENDING] = {"user_id": user.id, "started_at": now.isoformat(), "next": next_path}


def _complete_sign_in(user: StaffUser, *, method: str, now: datetime) -> Any:
    """Both factors are right: a new server-side session, linked to the account."""
    state = session.get(PENDING)
    next_path = safe_return_path(state.get("next")) if isinstance(state, dict) else None
    token, link = staff_sessions.start_staff_session(
        db.session,
        user,
        old_token=_token(),
        lifetime=current_app.config["SESSION_IDLE_LIFETIME"],
        method=method,
        now=now,
    )
    session.clear()  # nothing from before sign-in comes along, the CSRF token included
    if isinstance(session, ServerSession):
        session.token = token  # its row exists: the session interface saves into it
    login_user(user)
    session[SIGNED_IN] = {
        "link": link.id,
        "signed_in_at": now.isoformat(),
        "last_seen": now.isoformat(),
    }
    return redirect(next_path or url_for(".dashboard"), 303)


def _code_refused(result: CodeCheck, form: CodeForm, template: str, **context: Any):
    if result == CodeCheck.LOCKED:
        session.pop(PENDING, None)
        return render_template("staff/locked.html"), 429
    if result == CodeCheck.DISABLED:
        session.pop(PENDING, None)
        return redirect(url_for(".sign_in"), 303)
    form.code.errors = [REUSED_CODE if result == CodeCheck.REUSED else WRONG_CODE]
    return render_template(template, form=form, form_has_errors=True, **context), 400


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for(".dashboard"), 303)
    next_path = safe_return_path(request.args.get("next"))
    form = SignInForm()
    if request.method == "GET":
        return render_template("staff/sign_in.html", form=form, next_path=next_path)
    rate_limits.enforce("staff_sign_in")  # before any password is hashed
    if form.validate():
        now = utc_now()
        try:
            user = signing_in.check_password(
                db.session,
                email=form.email.data,
                password=form.password.data,
                secret=_secret(),
                now=now,
            )
        except passwords.HashingBusy:
            raise rate_limits.RateLimited(BUSY_RETRY_SECONDS) from None
        if user is not None:
            _remember_password_step(user, now, next_path)
            if user.totp_enrolled_at is None:
                return redirect(url_for(".enrol"), 303)
            return redirect(url_for(".sign_in_code"), 303)
        form.email.errors = [WRONG_DETAILS]
    page = render_template(
        "staff/sign_in.html", form=form, next_path=next_path, form_has_errors=True
    )
    return page, 400


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def sign_in_code():
    now = utc_now()
    user = _pending_user(now)
    if user is None:
        return redirect(url_for(".sign_in"), 303)
    if user.totp_enrolled_at is None:
        return redirect(url_for(".enrol"), 303)
    form = CodeForm()
    template = "staff/sign_in_code.html"
    if request.method == "GET":
        return render_template(template, form=form)
    rate_limits.enforce("staff_sign_in")
    if not form.validate():
        return render_template(template, form=form, form_has_errors=True), 400
    result = signing_in.check_code(
        db.session, user, form.code.data, cipher=_cipher(), secret=_secret(), now=now
    )
    if result == CodeCheck.OK:
        return _complete_sign_in(user, method="password_and_code", now=now)
    return _code_refused(result, form, template)


@bp.route("/sign-in/set-up-authenticator", methods=["GET", "POST"])
@public
def enrol():
    """First sign-in: add the account to an authenticator app by QR code (or by typing the
    key), and prove it works with a code."""
    now = utc_now()
    user = _pending_user(now)
    if user is None:
        return redirect(url_for(".sign_in"), 303)
    if user.totp_enrolled_at is not None:
        return redirect(url_for(".sign_in_code"), 303)
    secret = signing_in.enrolment_secret(db.session, user, cipher=_cipher())
    issuer = f"{current_app.extensions['council'].name} casework"
    uri = totp.provisioning_uri(secret, account=user.email, issuer=issuer)
    context = {
        "qr_code": qr_code_svg(uri),
        "secret": totp.grouped(secret),
        "account": user.email,
    }
    form = CodeForm()
    template = "staff/enrol.html"
    if request.method == "GET":
        return render_template(template, form=form, **context)
    if not form.validate():
        return render_template(template, form=form, form_has_errors=True, **context), 400
    result = signing_in.confirm_enrolment(
        db.session, user, form.code.data, cipher=_cipher(), secret=_secret(), now=now
    )
    if result == CodeCheck.OK:
        return _complete_sign_in(user, method="enrolment", now=now)
    return _code_refused(result, form, template, **context)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    """An invitation link: set a password, then set up the authenticator app."""
    if current_user.is_authenticated:
        return render_template("staff/invitation_unusable.html", signed_in_elsewhere=True), 409
    now = utc_now()
    invitee = invitations.find_invitation(db.session, token, now=now)
    if invitee is None:
        return render_template("staff/invitation_unusable.html"), 404
    form = NewPasswordForm(email=invitee.email, name=invitee.name, council_names=council_names())
    context = {"invitee": invitee, "token": token}
    if request.method == "GET":
        return render_template("staff/invitation.html", form=form, **context)
    if not form.validate():
        page = render_template("staff/invitation.html", form=form, form_has_errors=True, **context)
        return page, 400
    try:
        user = invitations.accept_invitation(
            db.session, token, password=form.password.data, council_names=council_names(), now=now
        )
    except invitations.InvitationUnusable:
        return render_template("staff/invitation_unusable.html"), 404
    _remember_password_step(user, now, None)
    return redirect(url_for(".enrol"), 303)


# Signing out ---------------------------------------------------------------------------


@bp.post("/sign-out")
@requires(Action.USE_WORKSPACE)
def sign_out():
    # CSRFProtect has checked the token before this runs.
    _end_session(reason="signed_out", now=utc_now())
    return redirect(url_for(".signed_out"), 303)


@bp.get("/signed-out")
@public
def signed_out():
    return render_template("staff/signed_out.html")
