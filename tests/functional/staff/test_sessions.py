"""Staff sessions live on the server: signing out ends them there, and 30 minutes without a
request ends them too, with a warning two minutes before."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from portal.accounts.models import Role
from tests.conftest import get_page
from tests.functional.staff.conftest import (
    any_token,
    events_since,
    last_event_id,
    session_token,
    set_last_seen,
    web_session_exists,
)


def test_signing_out_ends_the_session_on_the_server(app, client, signed_in):
    account = signed_in(client, Role.CASEWORKER)
    token = session_token(client)
    assert token and web_session_exists(app, token)
    before = last_event_id(app)
    response = client.post("/staff/sign-out", data={"csrf_token": any_token(client)})
    assert response.status_code == 303
    assert response.location == "/staff/signed-out"
    assert not web_session_exists(app, token)
    page = get_page(client, "/staff/signed-out", lang="en")
    assert "You have signed out" in page.text()
    assert 'action="/staff/sign-out"' not in page.html
    # The old cookie, replayed, opens nothing.
    replay = app.test_client()
    replay.set_cookie("portal_session", token)
    assert replay.get("/staff/").status_code == 303
    events = events_since(app, before, "staff_signed_out")
    assert [(e.details["staff_id"], e.details["reason"]) for e in events] == [
        (account.id, "signed_out")
    ]


def test_signing_out_needs_a_post_with_the_form_token(client, signed_in):
    signed_in(client)
    assert client.get("/staff/sign-out").status_code == 405
    assert client.post("/staff/sign-out").status_code == 400
    assert client.get("/staff/").status_code == 200


def test_the_pages_warn_two_minutes_before_the_session_ends(client, signed_in):
    signed_in(client)
    page = get_page(client, "/staff/", lang="en")
    dialog = re.search(r"<dialog[^>]*>", page.html)
    assert dialog, "no timeout warning"
    tag = dialog.group(0)
    assert 'data-timeout-seconds="1800"' in tag
    assert 'data-warn-seconds="120"' in tag
    assert 'data-keep-alive-url="/staff/keep-alive"' in tag
    assert 'data-ended-url="/staff/session-ended"' in tag
    assert "You are about to be signed out" in page.html


def test_the_warnings_sign_out_button_carries_this_sessions_own_token(app, client, signed_in):
    """The warning is drawn once and kept (portal.staff.chrome): each page gets its own
    session's form token in it, and signing out from the warning works."""
    signed_in(client)
    other = app.test_client()
    signed_in(other)
    tokens = []
    for each in (client, other):
        page = get_page(each, "/staff/", lang="en")
        dialog = re.search(r"<dialog.*?</dialog>", page.html, re.S)
        assert dialog, "no timeout warning"
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', dialog.group(0))
        assert token, "no sign-out token in the warning"
        tokens.append(token.group(1))
    assert tokens[0] != tokens[1]
    response = client.post("/staff/sign-out", data={"csrf_token": tokens[0]})
    assert response.status_code == 303
    assert response.location == "/staff/signed-out"
    assert other.get("/staff/").status_code == 200  # the other session goes on


def test_30_minutes_without_a_request_ends_the_session(app, client, signed_in):
    account = signed_in(client)
    set_last_seen(client, timedelta(minutes=29, seconds=50))
    assert client.get("/staff/").status_code == 200  # and the clock starts again
    token = session_token(client)
    before = last_event_id(app)
    set_last_seen(client, timedelta(minutes=30, seconds=1))
    response = client.get("/staff/")
    assert response.status_code == 303
    assert response.location == "/staff/session-ended"
    assert token and not web_session_exists(app, token)
    page = get_page(client, "/staff/session-ended", lang="en")
    assert "Your session has ended" in page.text()
    assert "30 minutes" in page.text()
    assert client.get("/staff/").location == "/staff/sign-in?next=/staff/"
    events = events_since(app, before, "staff_signed_out")
    assert [(e.details["staff_id"], e.details["reason"]) for e in events] == [(account.id, "idle")]


def test_stay_signed_in_restarts_the_clock(client, signed_in):
    signed_in(client)
    set_last_seen(client, timedelta(minutes=29))
    response = client.get("/staff/keep-alive")
    assert response.status_code == 204
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/staff/").status_code == 200
    set_last_seen(client, timedelta(minutes=31))
    assert client.get("/staff/keep-alive").status_code == 401
    assert client.get("/staff/keep-alive").status_code == 401


def test_keep_alive_is_401_for_anyone_not_signed_in(client):
    response = client.get("/staff/keep-alive")
    assert response.status_code == 401
    assert client.get_cookie("portal_session") is None


def test_staff_pages_are_not_kept_by_the_browser(client, signed_in):
    signed_in(client)
    assert client.get("/staff/").headers["Cache-Control"] == "no-store"
    assert client.get("/staff/sign-in").headers["Cache-Control"] == "no-store"


def test_a_busy_session_still_ends_ten_hours_after_signing_in(app, client, signed_in, monkeypatch):
    """Issue 15 point 7: STAFF_SESSION_MAX_LIFETIME (10 hours by default) ends a session
    however active it is. The clock is moved, not waited for."""
    import portal.staff

    assert app.config["STAFF_SESSION_MAX_LIFETIME"] == timedelta(hours=10)
    account = signed_in(client)
    token = session_token(client)
    started = datetime.now(UTC)
    moved = {"by": timedelta(0)}
    monkeypatch.setattr(portal.staff, "utc_now", lambda: started + moved["by"])
    # A request every 25 minutes (inside the 30-minute idle timeout) for 9 h 50 min.
    while moved["by"] + timedelta(minutes=25) < timedelta(hours=10):
        moved["by"] += timedelta(minutes=25)
        assert client.get("/staff/").status_code == 200, moved["by"]
    before = last_event_id(app)
    moved["by"] = timedelta(hours=10, seconds=1)
    response = client.get("/staff/")
    assert response.status_code == 303
    assert response.location == "/staff/session-ended?reason=lifetime"
    assert token and not web_session_exists(app, token)
    page = get_page(client, response.location, lang="en")
    assert "you signed in 10 hours ago" in page.text()
    assert client.get("/staff/").location == "/staff/sign-in?next=/staff/"
    events = events_since(app, before, "staff_signed_out")
    assert [(e.details["staff_id"], e.details["reason"]) for e in events] == [
        (account.id, "lifetime")
    ]
