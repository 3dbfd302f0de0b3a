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


def test_a_visitor_with_a_cookie_or_a_query_is_answered_by_flask(app, dispatches):
    stranger = app.test_client(use_cookies=False)
    for _ in range(2):
        stranger.get("/en/")
        stranger.get("/en/object/who")
    before = len(dispatches)
    stranger.get("/en/", headers={"Cookie": "portal_session_form=x"})
    stranger.get("/en/?hub=castleford-airedale")
    stranger.head("/en/")
    stranger.get("/en/object/who", headers={"Cookie": "portal_session=x"})
    assert dispatches[before:] == [
        "/en/",
        "/en/?hub=castleford-airedale",
        "/en/",
        "/en/object/who",
    ]


@pytest.mark.parametrize("path", ["/en/object/who", "/pl/get-a-copy/who", "/ur/complain/who"])
def test_each_first_visit_to_a_form_gets_its_own_token_and_can_send_it(app, dispatches, path):
    from tests.journeys import csrf_token

    pages = [app.test_client(use_cookies=False).get(path) for _ in range(3)]
    tokens = [csrf_token(page.get_data(as_text=True)) for page in pages]
    assert len(set(tokens)) == 3
    for page, token in zip(pages, tokens, strict=True):
        # The form cookie carries the same signed token as the hidden field.
        assert f"portal_session_form={token};" in page.headers["Set-Cookie"]
        assert "HttpOnly" in page.headers["Set-Cookie"]
    assert dispatches.count(path) <= 1
    # The last visitor answers with their token and cookie: on to the next question.
    answer = {"csrf_token": tokens[-1], "acting_for": "myself"}
    visitor = app.test_client()
    visitor.set_cookie("portal_session_form", tokens[-1])
    assert visitor.post(path, data=answer).status_code == 303
    # Someone else's token with this cookie is refused.
    other = app.test_client()
    other.set_cookie("portal_session_form", tokens[-1])
    refused = other.post(path, data={**answer, "csrf_token": tokens[0]})
    assert refused.status_code == 400


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
