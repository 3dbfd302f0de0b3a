"""Invitations: a one-time link, valid for 72 hours, with which a new member of staff sets a
password (no common ones, nothing naming them or the council) and enrols an authenticator
app by QR code."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts.models import Role, StaffUser
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import (
    PASSWORD,
    any_token,
    events_since,
    give_code,
    give_password,
    last_event_id,
    page_token,
    staff_user,
    unique_email,
    update_user,
)

LINK = re.compile(r'<code id="invitation-link">http://portal\.test(/staff/invitation/[^<]+)</code>')


def invite(client, *, name="Nia Newstarter", email=None, role="caseworker"):
    email = email or unique_email("new")
    token = page_token(client, "/staff/admin/staff/invite")
    return client.post(
        "/staff/admin/staff/invite",
        data={"csrf_token": token, "name": name, "email": email, "role": role},
    ), email


def invitation_link(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    page = get_page(client, response.location, lang="en")
    match = LINK.search(page.html)
    assert match, "no invitation link on the page"
    return match.group(1)


def set_password(client, link: str, password: str, confirm: str | None = None):
    token = page_token(client, link)
    return client.post(
        link, data={"csrf_token": token, "password": password, "confirm": confirm or password}
    )


@pytest.fixture()
def admin_client(app, signed_in):
    client = app.test_client()
    admin = signed_in(client, Role.ADMIN)
    return client, admin


def test_an_invitation_link_sets_a_password_then_enrols_an_app(app, admin_client, caplog):
    admin, admin_account = admin_client
    before = last_event_id(app)
    response, email = invite(admin, name="Nia Newstarter", role="reviewer")
    link = invitation_link(admin, response)
    assert link in caplog.text  # the embedded mode logs it too
    # Shown once: the page no longer has it.
    assert not LINK.search(admin.get(response.location).get_data(as_text=True))
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        assert user.role == Role.REVIEWER and user.password_hash is None
        assert user.invitation_token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert user.invited_by_id == admin_account.id
        user_id = user.id
    invited = events_since(app, before, "staff_invited")
    assert [(e.actor, e.details["staff_id"]) for e in invited] == [
        (f"staff:{admin_account.id}", user_id)
    ]

    newcomer = app.test_client()
    page = get_page(newcomer, link, lang="en")
    assert "Create your password" in page.text()
    assert 'autocomplete="new-password"' in page.html
    assert '<meta name="referrer" content="no-referrer">' in page.html  # the token stays here
    response = set_password(newcomer, link, PASSWORD)
    assert response.location == "/staff/sign-in/set-up-authenticator"
    page = get_page(newcomer, response.location, lang="en")
    assert '<svg role="img" aria-label="QR code' in page.html
    key = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', page.html)
    assert key, "the key is not shown for typing in"
    secret = key.group(1).replace(" ", "")
    assert f"secret={secret}" not in page.html  # the QR code is drawn, not linked
    response = give_code(
        newcomer,
        "123456" if pyotp.TOTP(secret).now() != "123456" else "654321",
        url="/staff/sign-in/set-up-authenticator",
    )
    assert response.status_code == 400
    response = give_code(
        newcomer, pyotp.TOTP(secret).now(), url="/staff/sign-in/set-up-authenticator"
    )
    assert response.location == "/staff/"
    assert "Nia Newstarter" in get_page(newcomer, "/staff/", lang="en").text()
    user = staff_user(app, user_id)
    assert user.totp_enrolled_at is not None and user.invitation_token_hash is None
    actions = [e.action for e in events_since(app, before)]
    for action in ("staff_invitation_accepted", "staff_totp_enrolled", "staff_signed_in"):
        assert action in actions
    # The link worked once.
    assert app.test_client().get(link).status_code == 404


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Enter a password"),
        ("short words", "Your password must be 12 characters or more"),
        ("Password2024!", "Your password is too easy to guess"),
        ("qwertyuiop123", "Your password is too easy to guess"),
        ("wakefield rules ok", "Your password must not contain the council's name"),
        ("priyanka patel likes tea", "Your password must not contain your name or email address"),
    ],
)
def test_weak_passwords_are_refused(app, admin_client, password, message):
    admin, _account = admin_client
    response, _email = invite(admin, name="Priyanka Patel", email=unique_email("priyanka"))
    link = invitation_link(admin, response)
    response = set_password(app.test_client(), link, password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


def test_the_two_passwords_must_match(app, admin_client):
    admin, _account = admin_client
    link = invitation_link(admin, invite(admin)[0])
    response = set_password(app.test_client(), link, PASSWORD, PASSWORD + "!")
    assert response.status_code == 400
    assert "The passwords do not match" in response.get_data(as_text=True)


def test_an_invitation_expires_after_72_hours(app, admin_client):
    admin, _account = admin_client
    response, email = invite(admin)
    link = invitation_link(admin, response)
    with app.app_context():
        user_id = db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))
    update_user(app, user_id, invitation_expires_at=datetime.now(UTC) - timedelta(seconds=1))
    page = get_page(app.test_client(), link, lang="en", status=404)
    assert "This link cannot be used" in page.text()
    assert "Invitation expired" in get_page(admin, "/staff/admin/staff", lang="en").text()


def test_a_new_link_replaces_the_old_one(app, admin_client):
    admin, _account = admin_client
    response, _email = invite(admin)
    old = invitation_link(admin, response)
    member_url = response.location.removesuffix("/invitation")
    response = admin.post(response.location, data={"csrf_token": any_token(admin)})
    new = invitation_link(admin, response)
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    assert admin.get(member_url).status_code == 200


def test_an_unknown_link_and_an_account_that_exists_already(app, admin_client):
    admin, _account = admin_client
    assert app.test_client().get("/staff/invitation/not-a-real-token").status_code == 404
    _response, email = invite(admin)
    response, _email = invite(admin, email=email.upper())
    assert response.status_code == 400
    assert "There is already an account with this email address" in response.get_data(as_text=True)


def test_a_password_set_but_no_app_yet_enrols_at_the_next_sign_in(app, admin_client):
    admin, _account = admin_client
    response, email = invite(admin)
    link = invitation_link(admin, response)
    set_password(app.test_client(), link, PASSWORD)  # and walks away
    client = app.test_client()
    response = give_password(client, email, PASSWORD)
    assert response.location == "/staff/sign-in/set-up-authenticator"
    assert client.get("/staff/sign-in/code").location == "/staff/sign-in/set-up-authenticator"
