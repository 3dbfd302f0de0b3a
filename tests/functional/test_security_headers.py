"""The exact security headers of an HTML page, a PDF and an error page."""

from __future__ import annotations

import re

import pytest

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def nonce_of(response) -> str:
    match = re.search(r"'nonce-([A-Za-z0-9_-]{20,})'", response.headers["Content-Security-Policy"])
    assert match
    return match.group(1)


@pytest.mark.parametrize(
    ("url", "status", "mimetype"),
    [
        ("/en/", 200, "text/html"),
        ("/pl/privacy-notice.pdf", 200, "application/pdf"),
        ("/en/no-such-page", 404, "text/html"),
    ],
)
def test_exact_headers(client, url, status, mimetype):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == mimetype
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    assert response.headers["Content-Security-Policy"] == CSP.format(nonce=nonce_of(response))
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    # plain HTTP: no HSTS (it would be ignored, and breaks local development)
    assert "Strict-Transport-Security" not in response.headers
    # reading the notice sets no cookie
    assert "Set-Cookie" not in response.headers


def test_pdf_is_a_download_that_is_not_cached(client):
    response = client.get("/en/privacy-notice.pdf")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')


def test_each_request_gets_a_new_nonce_and_the_page_uses_it(client):
    first, second = client.get("/en/"), client.get("/en/")
    assert nonce_of(first) != nonce_of(second)
    assert f'nonce="{nonce_of(first)}"' in first.get_data(as_text=True)


def test_hsts_over_https(client):
    response = client.get("/en/", base_url="https://portal.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_session_cookie_settings(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_session_cookie_is_secure_outside_development(monkeypatch, tmp_path):
    from portal.config import settings_from_environment

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://families.example.gov.uk")
    monkeypatch.setenv("DELETION_LEDGER", str(tmp_path / "ledger.jsonl"))
    assert settings_from_environment(tmp_path)["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert settings_from_environment(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from portal.config import settings_from_environment

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings_from_environment(tmp_path)


def test_an_unexpected_error_is_a_branded_500_in_the_visitors_language(database_url, tmp_path):
    from tests.conftest import get_page, make_app, translated

    app = make_app(database_url, tmp_path)

    @app.get("/pl/boom")
    def boom():
        raise RuntimeError("something broke")

    page = get_page(app.test_client(), "/pl/boom", status=500)
    assert translated("pl", "Sorry, there is a problem with the service") in page.title
    assert "Traceback" not in page.html and "something broke" not in page.html
    assert page.response.headers["X-Content-Type-Options"] == "nosniff"
