"""The staff pages' skip link, header and navigation, drawn once for each role and
endpoint (issue 17 point 2: GOV.UK Frontend's header and service navigation macros cost
more than the rest of the layout). What they show depends on nothing else: which pages
the role may open (permissions.can without a case) and which one is current. The
sign-out form's CSRF token is put into each copy for the page it is on.
"""

from __future__ import annotations

import secrets

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal.staff.permissions import role_of

TEMPLATE = "layouts/_staff_chrome.html"
MAX_KEPT = 1_000
_TOKEN = "staff-chrome-token-" + secrets.token_hex(8)


def staff_chrome() -> Markup:
    app = current_app
    signed_in = bool(current_user.is_authenticated)
    endpoint = request.endpoint or ""
    key = (
        signed_in,
        str(role_of(current_user)) if signed_in else "",
        endpoint,
        request.script_root,
    )
    kept: dict[tuple[bool, str, str, str], str] = app.extensions.setdefault("staff_chrome", {})
    html = None if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD") else kept.get(key)
    if html is None:
        html = render_template(
            TEMPLATE, signed_in=signed_in, endpoint=endpoint, sign_out_token=_TOKEN
        )
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = html
    return Markup(html.replace(_TOKEN, generate_csrf() if signed_in else ""))  # noqa: S704  (our own template's output)
