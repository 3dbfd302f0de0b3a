"""The staff pages' skip link, header and navigation, drawn once for each role and
endpoint (issue 17 point 2: GOV.UK Frontend's header and service navigation macros cost
more than the rest of the layout). What they show depends on nothing else: which pages
the role may open (permissions.can without a case) and which one is current. The
sign-out form's CSRF token is put into each copy for the page it is on.

The warning before an idle session ends is drawn once for each timeout the same way: it
depends on the timeout alone, and its sign-out form's token is put in for each page. So
are the icon and style sheet links in the head, which depend on nothing but the build.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal.assets import asset_url
from portal.staff.permissions import role_of

TEMPLATE = "layouts/_staff_chrome.html"
WARNING_TEMPLATE = "layouts/_staff_timeout_warning.html"
MAX_KEPT = 1_000
_TOKEN = "staff-chrome-token-" + secrets.token_hex(8)


def staff_chrome() -> Markup:
    signed_in = bool(current_user.is_authenticated)
    endpoint = request.endpoint or ""
    key = (
        signed_in,
        str(role_of(current_user)) if signed_in else "",
        endpoint,
        request.script_root,
    )
    html = _kept(
        "staff_chrome",
        key,
        lambda: render_template(
            TEMPLATE, signed_in=signed_in, endpoint=endpoint, sign_out_token=_TOKEN
        ),
    )
    return Markup(html.replace(_TOKEN, generate_csrf() if signed_in else ""))  # noqa: S704  (our own template's output)


def staff_timeout_warning(timeout_seconds: int, warn_seconds: int) -> Markup:
    """The warning two minutes before a signed-in session ends, for the page it is on."""
    key = (timeout_seconds, warn_seconds, request.script_root)
    html = _kept(
        "staff_timeout_warning",
        key,
        lambda: render_template(
            WARNING_TEMPLATE,
            timeout={"timeout_seconds": timeout_seconds, "warn_seconds": warn_seconds},
            sign_out_token=_TOKEN,
        ),
    )
    return Markup(html.replace(_TOKEN, generate_csrf()))  # noqa: S704  (our own template's output)


def staff_head_links() -> Markup:
    """The favicon and the staff pages' style sheets (screen and print), versioned."""
    html = _kept(
        "staff_head_links",
        (request.script_root,),
        lambda: (
            f'<link rel="icon" href="{asset_url("images/favicon.svg")}" type="image/svg+xml">\n'
            f'  <link rel="stylesheet" href="{asset_url("build/portal.css")}">\n'
            f'  <link rel="stylesheet" href="{asset_url("build/staff.css")}">\n'
            f'  <link rel="stylesheet" media="print" href="{asset_url("build/print.css")}">'
        ),
    )
    return Markup(html)  # noqa: S704  (the portal's own URLs)


def _kept(name: str, key: tuple[object, ...], draw: Callable[[], str]) -> str:
    """What `draw` gives for `key`, drawn once and kept (drawn each time in development,
    where templates change)."""
    app = current_app
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return draw()
    kept: dict[tuple[object, ...], str] = app.extensions.setdefault(name, {})
    html = kept.get(key)
    if html is None:
        html = draw()
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = html
    return html
