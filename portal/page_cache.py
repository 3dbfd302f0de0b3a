"""Rendered-page cache for pages that are the same for every visitor.

The privacy notice is long and translated phrase by phrase; rendering it for every visit
would spend most of the server's time repeating the same work. Pages cached here depend
only on their URL (locale, page, council profile): never on the session, a form or a
query string. The one per-request part, the CSP nonce, is rendered as a placeholder and
replaced for each response.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app, g, request

from portal.security import csp_nonce

_PLACEHOLDER = "csp-nonce-" + secrets.token_hex(8)

# Pages kept per process at most; past this the cache starts again (keys that carry a
# time, like the 429 page's "try again after", would otherwise grow without end).
MAX_PAGES = 2_000


def cached_page(render: Callable[[], str], key: str | None = None) -> str:
    """Render once per URL (per process), or per `key` where the page depends on more than
    its URL, then serve copies with this request's nonce."""
    app = current_app
    if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
        return render()
    pages: dict[str, str] = app.extensions.setdefault("page_cache", {})
    key = key or request.path
    html = pages.get(key)
    if html is None:
        g.csp_nonce = _PLACEHOLDER
        try:
            html = render()
        finally:
            del g.csp_nonce
        if len(pages) >= MAX_PAGES:
            pages.clear()
        pages[key] = html
    return html.replace(_PLACEHOLDER, csp_nonce())
