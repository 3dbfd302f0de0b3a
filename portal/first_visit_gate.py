"""Whole cached pages for first visits, answered before Flask (issue 17 point 1).

A page the page cache holds (portal.page_cache: the same for every visitor, such as the
privacy notice) is, for a visitor who sends no cookie and no query, the same response
every time but for its CSP nonce: same status, same headers, same body. The first such
response for a URL is kept whole, as it left Flask (every after_request hook and the
session's save included); later ones are sent from the copy with a fresh nonce, without
the request context, routing, session, hooks or template globals.

A blank form page is kept the same way: for a visitor with no cookie it differs only by
its CSRF token, which is both in the form's hidden field and, signed the same way, the
whole value of the form cookie it sets (portal.sessions). Each copy gets a new token,
made as Flask-WTF makes one, in both places.

Anything else goes to Flask as before: a visitor with any cookie (a session, a form
cookie, a staff sign-in), a query (which may prefill a page or name a hub), a HEAD or any
other method, a page the cache does not mark, any status but 200, and any response that
sets a cookie other than a form page's one form cookie holding its token.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# cached_page puts this request's nonce here when the page it served is the same for
# every visitor (portal.page_cache): the gate may keep the response whole.
WHOLE_PAGE_NONCE = "portal.page_cache.whole_page_nonce"
# ... and, for a blank form page, its CSRF token (the hidden field's and the form cookie's).
WHOLE_PAGE_TOKEN = "portal.page_cache.whole_page_token"  # noqa: S105  (an environ key)
ROUTE_KEY = "portal.ops.route"  # as portal.ops.middleware names it, for the metrics
MAX_PAGES = 2_000
_PLACEHOLDER = "first-visit-nonce-" + secrets.token_hex(8)
_TOKEN_PLACEHOLDER = "first-visit-token-" + secrets.token_hex(8)


@dataclass(frozen=True)
class _Kept:
    status: str
    headers: tuple[tuple[str, str], ...]  # the nonce as _PLACEHOLDER
    body: bytes  # likewise
    route: str | None
    token: bool  # a form page: a new CSRF token in each copy


class FirstVisitGate:
    def __init__(self, wsgi_app: WsgiApp, new_token: Callable[[], str]) -> None:
        self.app = wsgi_app
        self.new_token = new_token
        self.pages: dict[tuple[str, str], _Kept] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or environ.get("HTTP_COOKIE")
        ):
            return self.app(environ, start_response)
        # By scheme too: a response over HTTPS carries HSTS (portal.security).
        key = (environ.get("wsgi.url_scheme", "http"), environ.get("PATH_INFO", ""))
        kept = self.pages.get(key)
        if kept is not None:
            return self._send(kept, environ, start_response)
        return self._keep(key, environ, start_response)

    def _send(
        self, kept: _Kept, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        nonce = secrets.token_urlsafe(18)
        if kept.route is not None:
            environ[ROUTE_KEY] = kept.route
        body = kept.body.replace(_PLACEHOLDER.encode(), nonce.encode())
        token = self.new_token() if kept.token else ""
        if token:
            body = body.replace(_TOKEN_PLACEHOLDER.encode(), token.encode())
        headers = []
        for name, value in kept.headers:
            if name.lower() == "content-length":
                value = str(len(body))
            value = value.replace(_PLACEHOLDER, nonce)
            if token:
                value = value.replace(_TOKEN_PLACEHOLDER, token)
            headers.append((name, value))
        start_response(kept.status, headers)
        return [body]

    def _keep(
        self, key: tuple[str, str], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        sent: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent["status"], sent["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        nonce = environ.get(WHOLE_PAGE_NONCE)
        if nonce is None or not str(sent.get("status", "")).startswith("200 "):
            return result
        headers: list[tuple[str, str]] = sent["headers"]
        token = environ.get(WHOLE_PAGE_TOKEN)
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        if cookies and (token is None or len(cookies) > 1 or f"={token};" not in cookies[0]):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if len(self.pages) >= MAX_PAGES:
            self.pages.clear()
        kept_body = body.replace(nonce.encode(), _PLACEHOLDER.encode())
        kept_headers = [(name, value.replace(nonce, _PLACEHOLDER)) for name, value in headers]
        if token is not None:
            kept_body = kept_body.replace(token.encode(), _TOKEN_PLACEHOLDER.encode())
            kept_headers = [
                (name, value.replace(token, _TOKEN_PLACEHOLDER)) for name, value in kept_headers
            ]
        self.pages[key] = _Kept(
            status=sent["status"],
            headers=tuple(kept_headers),
            body=kept_body,
            route=environ.get(ROUTE_KEY),
            token=token is not None,
        )
        return [body]
