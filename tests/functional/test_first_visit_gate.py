"""Issue 17 point 1: a page the same for every visitor is sent whole to a first visit,
before Flask (portal/first_visit_gate.py). What a visitor must notice is nothing: the
same page and headers as Flask sends, with a nonce of its own each time; and anyone with
a cookie or a query, or on a form page, is answered by Flask as before."""

from __future__ import annotations

import re

import pytest

NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture()
def dispatches(app, monkeypatch) -> list[str]:
    """The paths Flask itself answered (the gate's answers never reach it)."""
    seen: list[str] = []
    original = app.full_dispatch_request

    def counting():
        from flask import request

        seen.append(request.full_path.rstrip("?"))
        return original()

    monkeypatch.setattr(app, "full_dispatch_request", counting)
    return seen


def without_nonce(response) -> tuple[str, list[tuple[str, str]], str]:
    body = response.get_data(as_text=True)
    nonce = NONCE.search(body)[1]
    headers = sorted((k, v.replace(nonce, "N")) for k, v in response.headers.items())
    return response.status, headers, body.replace(nonce, "N")


@pytest.mark.parametrize("path", ["/ur/", "/en/", "/pl/hubs", "/lt/accessibility"])
def test_a_first_visit_gets_the_page_flask_sends_with_a_nonce_of_its_own(app, dispatches, path):
    stranger = app.test_client(use_cookies=False)
    first, second, third = (stranger.get(path) for _ in range(3))
    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert without_nonce(second) == without_nonce(first) == without_nonce(third)
    nonces = {NONCE.search(r.get_data(as_text=True))[1] for r in (first, second, third)}
    assert len(nonces) == 3
    for response in (first, second, third):
        nonce = NONCE.search(response.get_data(as_text=True))[1]
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in response.headers
    # Flask drew the page at most once (another test may have drawn it first).
    assert dispatches.count(path) <= 1


def test_a_visitor_with_a_cookie_a_query_or_a_form_is_answered_by_flask(app, dispatches):
    stranger = app.test_client(use_cookies=False)
    for _ in range(2):
        stranger.get("/en/")
    before = len(dispatches)
    stranger.get("/en/", headers={"Cookie": "portal_session_form=x"})
    stranger.get("/en/?hub=castleford-airedale")
    stranger.head("/en/")
    for _ in range(2):
        form = stranger.get("/en/object/who")
        assert "Set-Cookie" in form.headers  # the form cookie, every time
    assert dispatches[before:] == [
        "/en/",
        "/en/?hub=castleford-airedale",
        "/en/",
        "/en/object/who",
        "/en/object/who",
    ]


def test_https_and_http_first_visits_each_get_their_own_headers(app):
    stranger = app.test_client(use_cookies=False)
    for _ in range(2):
        plain = stranger.get("/ro/")
        secure = stranger.get("/ro/", base_url="https://portal.test")
        assert "Strict-Transport-Security" not in plain.headers
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_page_that_is_not_found_is_never_kept(app, dispatches):
    stranger = app.test_client(use_cookies=False)
    for _ in range(2):
        assert stranger.get("/en/hubs/nowhere").status_code == 404
    assert dispatches.count("/en/hubs/nowhere") == 2
