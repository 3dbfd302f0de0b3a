"""Staff pages: one blueprint under /staff, in English only.

Anonymous visitors are refused once, here, before any view runs, and every endpoint is
looked up in the permission table (permissions.py): a page missing from it is refused to
everyone. A signed-in session ends after 30 minutes without a request (the pages warn two
minutes before), enforced here on the server whatever the browser does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.instants import utc_now

bp = Blueprint("staff", __name__, url_prefix="/staff")
login_manager = LoginManager()

IDLE_LIFETIME = timedelta(minutes=30)
WARN_BEFORE = timedelta(minutes=2)
# Pages that say a session has ended: reaching them with an idle session just ends it.
ENDED_PAGES = frozenset({"staff.session_ended", "staff.signed_out"})


def init_staff(app: Flask) -> None:
    """Called by create_app: sign-in (Flask-Login), the blueprint and `flask staff`."""
    from portal.staff.cli import staff_cli
    from portal.staff.signed_in_session import StaffSessionInterface

    # No remember-me cookies and no IP/agent checks: a staff session lives on the server,
    # which can end it; the link between session and account is checked on each request.
    login_manager.session_protection = None
    login_manager.init_app(app, add_context_processor=False)
    # Staff pages read the session and the account it is signed in to in one query.
    app.session_interface = StaffSessionInterface()
    app.register_blueprint(bp)
    app.cli.add_command(staff_cli)


def idle_lifetime() -> timedelta:
    """30 minutes, or less if every server-side session is set to end sooner."""
    return min(IDLE_LIFETIME, current_app.config["SESSION_IDLE_LIFETIME"])


@bp.url_value_preprocessor
def staff_pages_are_english(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before any before_request (CSRF's included), so even error pages are English.
    g.locale = "en"


@bp.before_request
def refuse_anonymous_and_check_permissions() -> Any:
    from portal.staff.permissions import PUBLIC_STAFF_ENDPOINTS, check_endpoint

    endpoint = request.endpoint or ""
    ended = auth.end_idle_session(utc_now(), idle_lifetime())
    if ended:
        if endpoint == "staff.keep_alive":
            return Response(status=401)
        if endpoint not in ENDED_PAGES:
            reason = "lifetime" if ended == "lifetime" else None
            return redirect(url_for(".session_ended", reason=reason), 303)
    if endpoint in PUBLIC_STAFF_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        # Come back here after signing in, if it is a page to GET (None adds nothing).
        next_path = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for(".sign_in", next=next_path), 303)
    auth.touch(utc_now())
    check_endpoint(endpoint)
    return None


def safe_return_path(value: object) -> str | None:
    """A staff path to return to after signing in, or None: never another site, never
    something a browser could read as one (//host, /\\host)."""
    if not isinstance(value, str) or len(value) > 500:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/staff/"):
        return None
    if value.startswith(("//", "/\\")) or "\\" in value or any(ord(c) < 32 for c in value):
        return None
    return value


@bp.after_request
def forbid_caching(response: Response) -> Response:
    # Staff pages show personal data: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def staff_page_context() -> dict[str, Any]:
    from portal.staff.chrome import staff_chrome, staff_head_links, staff_timeout_warning
    from portal.staff.permissions import Action, can

    council = current_app.extensions["council"]
    return {
        "staff_chrome": staff_chrome,
        "staff_head_links": staff_head_links,
        "staff_timeout_warning": staff_timeout_warning,
        "current_user": current_user,
        "service_name": f"{council.name} casework",
        "can": can,
        "Action": Action,
        "staff_timeout": {
            "timeout_seconds": int(idle_lifetime().total_seconds()),
            "warn_seconds": int(WARN_BEFORE.total_seconds()),
        },
    }


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError) -> Any:
    page = render_template(
        "staff/error.html",
        title="The page was open too long",
        message="Your session has ended or the page was open too long. Go back, reload the page and try again.",  # noqa: E501
    )
    return page, 400


@bp.errorhandler(403)
def forbidden(error: HTTPException) -> Any:
    return render_template("staff/forbidden.html"), 403


@bp.errorhandler(404)
def not_found(error: HTTPException) -> Any:
    page = render_template(
        "staff/error.html",
        title="Page not found",
        message="If you typed the web address, check it is correct. If you followed a link, the thing it pointed to may have been removed.",  # noqa: E501
    )
    return page, 404


from portal.staff import (  # noqa: E402,F401  (routes register on import)
    admin,
    admin_teams,
    after_decision,
    auth,
    case,
    case_actions,
    complaint_actions,
    department_requests,
    evidence,
    holds,
    home,
    intake,
    letters,
    linked_cases,
    queue_assign,
    redaction_views,
    register,
    reports,
    rights_actions,
)
