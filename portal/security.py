"""Response headers on every response, and the per-request CSP nonce."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def csp_nonce() -> str:
    """The nonce for this request's inline scripts, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str | None) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'" if nonce else "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


# The headers every response carries whatever it is, built once.
FIXED_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
HSTS = "max-age=63072000; includeSubDomains"
# The policy around its nonce, so a response's policy is one concatenation.
_POLICY_BEFORE_NONCE, _POLICY_AFTER_NONCE = content_security_policy("\0").split("\0")


def static_file_headers(headers) -> None:
    """The same headers for the static files WhiteNoise serves before Flask sees the request
    (a file opened on its own, such as an SVG, is a document too); they run no inline script,
    so their policy has no nonce."""
    headers["Content-Security-Policy"] = content_security_policy(None)
    for name, value in FIXED_HEADERS:
        headers[name] = value


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    # A view may set a stricter policy of its own (a file shown in the browser): keep it.
    if "content-security-policy" not in present:
        headers.add(
            "Content-Security-Policy", _POLICY_BEFORE_NONCE + csp_nonce() + _POLICY_AFTER_NONCE
        )
    for name, value in FIXED_HEADERS:
        if name.lower() in present:  # a view's own copy (nosniff on a download) is replaced
            headers[name] = value
        else:
            headers.add(name, value)
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    return response


def init_security(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
