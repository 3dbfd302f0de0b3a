"""Signposting links remember the hub for the visit: only its slug, only server-side."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.public.signposting import hub_source
from portal.sessions import WebSession

SLUG = "south-east"


def session_rows(app) -> list[dict]:
    with app.app_context():
        return [json.loads(data) for data in db.session.scalars(select(WebSession.data))]


def test_start_link_remembers_the_hub_and_opens_its_page_in_that_language(app):
    client = app.test_client()
    response = client.get(f"/pl/hubs/{SLUG}/start")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/pl/hubs/{SLUG}"
    cookie = client.get_cookie("portal_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    # the cookie is an opaque token: the hub is kept on the server, not in the cookie
    assert SLUG not in cookie.value and "hub" not in cookie.value
    assert {"hub_source": SLUG} in session_rows(app)
    with client:
        client.get("/pl/cookies")
        assert hub_source() == SLUG


def test_from_parameter_on_any_page_remembers_the_hub(app):
    client = app.test_client()
    client.get(f"/ro/?from={SLUG}")
    with client:
        client.get("/ro/accessibility")
        assert hub_source() == SLUG


def test_a_later_hub_link_replaces_the_earlier_one(app):
    client = app.test_client()
    client.get(f"/en/hubs/{SLUG}/start")
    client.get("/en/hubs/wakefield-central/start")
    with client:
        client.get("/en/")
        assert hub_source() == "wakefield-central"


@pytest.mark.parametrize(
    "value",
    ["nowhere", "", "SOUTH-EAST", "south-east/../x", "<script>", "a" * 500, "south-east%00"],
)
def test_unknown_or_malformed_values_are_ignored_and_set_no_cookie(app, value):
    client = app.test_client()
    response = client.get("/en/", query_string={"from": value})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    with client:
        # A query takes the page to Flask (a visitor with no cookie and no query is answered
        # before it, from the first-visit gate, with no session at all).
        client.get("/en/", query_string={"seen": "1"})
        assert hub_source() is None


def test_unknown_hub_start_link_is_a_404_without_a_cookie(client):
    response = client.get("/en/hubs/nowhere/start")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers


def test_reading_pages_without_a_hub_link_sets_no_cookie(client):
    for url in ("/en/", "/pl/hubs", f"/ur/hubs/{SLUG}", "/lt/early-help-check"):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers, url


def test_hub_source_survives_a_forged_session_value(app):
    """A session that somehow holds a hub no longer in the profile yields no source."""
    client = app.test_client()
    client.get(f"/en/hubs/{SLUG}/start")
    with client:
        client.get("/en/")
        from flask import session

        session["hub_source"] = "closed-hub"
        assert hub_source() is None


def test_an_expired_or_unknown_session_cookie_is_ignored(app):
    client = app.test_client()
    client.set_cookie("portal_session", "not-a-real-token")
    with client:
        response = client.get("/en/")
        assert response.status_code == 200
        assert hub_source() is None
