"""Issue 15 point 7: in production the session cookies are `__Host-` cookies: Secure,
Path=/ and no Domain, so no other host (a sibling subdomain) can set or replace them."""

from __future__ import annotations

from portal.config import settings_from_environment
from portal.extensions import db
from tests.conftest import make_app
from tests.journeys import PERSON, answer, start

COOKIE_SETTINGS = ("SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE")


def production_cookie_settings(monkeypatch, tmp_path) -> dict:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DELETION_LEDGER", str(tmp_path / "ledger.jsonl"))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://families.example.gov.uk")
    settings = settings_from_environment(tmp_path)
    # The app under test is built with these cookie settings alone (a production profile
    # would need the council's real details).
    monkeypatch.delenv("PORTAL_ENV")
    return {name: settings[name] for name in COOKIE_SETTINGS}


def set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def assert_host_cookie(header: str) -> None:
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "secure" in attributes
    assert "path=/" in attributes
    assert not [a for a in attributes if a.startswith("domain")]


def test_production_cookies_are_host_prefixed(app, database_url, monkeypatch, tmp_path):
    settings = production_cookie_settings(monkeypatch, tmp_path)
    assert settings["SESSION_COOKIE_NAME"] == "__Host-portal_session"
    production = make_app(database_url, tmp_path, **settings)
    try:
        check_cookies(production)
    finally:
        with production.app_context():
            db.engine.dispose()


def check_cookies(production) -> None:
    client = production.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"

    form_page = client.get("/en/get-a-copy/who")
    [name] = set_cookies(form_page)
    assert name == "__Host-portal_session_form"
    assert_host_cookie(set_cookies(form_page)[name])

    start(client, "en", "get-a-copy")
    response = answer(client, "en", "get-a-copy", "who", PERSON["who"])
    cookies = set_cookies(response)
    assert_host_cookie(cookies["__Host-portal_session"])
    # The stored session takes over from the form cookie, which is deleted.
    assert "expires=thu, 01 jan 1970" in cookies["__Host-portal_session_form"].lower()


def test_outside_production_the_cookie_keeps_its_plain_name(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    settings = settings_from_environment(tmp_path)
    assert settings["SESSION_COOKIE_NAME"] == "portal_session"
    assert settings["SESSION_COOKIE_SECURE"] is False
