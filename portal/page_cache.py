"""Rendered-page cache for pages that are the same for every visitor.

The privacy notice is long and translated phrase by phrase; rendering it for every visit
would spend most of the server's time repeating the same work. Pages cached here depend
only on their URL (locale, page, council profile), or on a key the view builds from
the few values it reads: never on the session or on what a visitor typed. The per-request
parts, the CSP nonce and (on a form page) the CSRF token, are rendered as placeholders and
replaced for each response.

A form page is cached only in its blank state, for a visitor who has stored nothing
(`stores_nothing`): the same page anyone gets on a first visit. Its CSRF token is made
fresh for each response, so the form cookie is set exactly as if the page had been drawn.

A page that depends on its URL alone is marked for the first-visit gate
(portal.first_visit_gate), which then answers visitors without a cookie from the whole
response, before Flask.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app, g, request, session
from flask.sessions import SessionMixin
from flask_wtf.csrf import generate_csrf

from portal.first_visit_gate import WHOLE_PAGE_NONCE, WHOLE_PAGE_TOKEN
from portal.security import csp_nonce
from portal.sessions import ServerSession

_PLACEHOLDER = "csp-nonce-" + secrets.token_hex(8)
_CSRF_PLACEHOLDER = "csrf-token-" + secrets.token_hex(8)
_PLACEHOLDER_BYTES = _PLACEHOLDER.encode()
_CSRF_PLACEHOLDER_BYTES = _CSRF_PLACEHOLDER.encode()
# Flask-WTF keeps the request's signed token in g under the field's name.
_CSRF_FIELD = "csrf_token"

# Pages kept per process at most; past this the cache starts again (keys that carry a
# time, like the 429 page's "try again after", would otherwise grow without end).
MAX_PAGES = 2_000


def stores_nothing(session: SessionMixin) -> bool:
    """Whether this visitor has nothing stored with us: no session row (at most a form
    cookie), so no answers, reference or hub that a page could show back to them."""
    return isinstance(session, ServerSession) and session.token is None


def cached_page(
    render: Callable[[], str], key: str | None = None, *, form: bool = False
) -> str | bytes:
    """Render once per URL (per process), or per `key` where the page depends on more than
    its URL, then serve copies with this request's nonce (and, for a `form` page, a fresh
    CSRF token). Kept as UTF-8 bytes: encoding a long translated page for every response
    would cost more than the copy."""
    app = current_app
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return render()
    pages: dict[str, bytes] = app.extensions.setdefault("page_cache", {})
    key = key or request.path
    page = pages.get(key)
    if page is None:
        g.csp_nonce = _PLACEHOLDER
        if form:
            setattr(g, _CSRF_FIELD, _CSRF_PLACEHOLDER)
        try:
            html = render()
        finally:
            del g.csp_nonce
            g.pop(_CSRF_FIELD, None)
        if form and _CSRF_PLACEHOLDER not in html:
            # The form took its token before the render (made outside `render`): this copy
            # holds a token of this visitor's, so it is never kept.
            return html.replace(_PLACEHOLDER, csp_nonce())
        if len(pages) >= MAX_PAGES:
            pages.clear()
        page = pages[key] = html.encode()
    nonce = csp_nonce()
    page = page.replace(_PLACEHOLDER_BYTES, nonce.encode())
    token = None
    if form:
        token = generate_csrf()
        page = page.replace(_CSRF_PLACEHOLDER_BYTES, token.encode())
    if key == request.path:
        # The same page for every visitor at this URL (a form's but for its token): the
        # first-visit gate may keep it, and put a new nonce and token in each copy.
        request.environ[WHOLE_PAGE_NONCE] = nonce
        if token is not None:
            request.environ[WHOLE_PAGE_TOKEN] = token
    return page


def blank_form_page(render: Callable[[], str]) -> str | bytes:
    """A form page, from the cache when the visitor has stored nothing and the URL has no
    query (which could prefill or redirect it): then it is the blank page anyone gets."""
    if request.query_string or not stores_nothing(session):
        return render()
    return cached_page(render, form=True)
