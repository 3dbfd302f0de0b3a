"""Staff accounts for tests, and the real sign-in: password, then a code from the account's
authenticator secret.

Every account gets a fresh email address (the test database lives for the whole session),
so a code used by one test never collides with another test's "code already used" rule.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts import invitations
from portal.accounts.models import Role, StaffUser
from portal.cases.models import AuditEvent
from portal.extensions import db
from portal.sessions import WebSession
from tests.journeys import csrf_token

PASSWORD = "violet kettle harbour lamp"
SESSION_COOKIE = "portal_session"
CSRF_ANY = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class StaffAccount:
    id: int
    email: str
    name: str
    role: Role
    password: str
    secret: str

    def code(self, steps_ahead: int = 0) -> str:
        """The code the authenticator app shows now, or that many 30-second steps on
        (still accepted: one step either side counts)."""
        return pyotp.TOTP(self.secret).at(time.time() + 30 * steps_ahead)


def unique_email(prefix: str = "staff") -> str:
    return f"{prefix}.{secrets.token_hex(5)}@example.gov.uk"


def make_account(app, role: Role | str = Role.CASEWORKER, **overrides) -> StaffAccount:
    email = overrides.pop("email", None) or unique_email(str(role))
    name = overrides.pop("name", "Morgan Tester")
    password = overrides.pop("password", PASSWORD)
    department_key = overrides.pop("department_key", "housing")
    with app.app_context():
        user, secret = invitations.create_account(
            db.session,
            email=email,
            name=name,
            role=Role(role),
            password=password,
            cipher=app.extensions["evidence_cipher"],
            actor="test",
            department_key=department_key if Role(role) == Role.DEPARTMENT_CONTACT else None,
        )
        return StaffAccount(user.id, user.email, user.name, Role(role), password, secret)


def page_token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return csrf_token(response.get_data(as_text=True))


def any_token(client) -> str:
    """A CSRF token for this client's session, from whichever page it may open."""
    for url in ("/staff/", "/staff/department-requests", "/staff/sign-in"):
        response = client.get(url)
        if response.status_code == 200:
            match = CSRF_ANY.search(response.get_data(as_text=True))
            assert match, f"{url} has no CSRF token"
            return match.group(1)
    raise AssertionError("no staff page with a form for this client")


def give_password(client, email: str, password: str, *, url: str = "/staff/sign-in"):
    token = page_token(client, url)
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


def give_code(client, code: str, *, url: str = "/staff/sign-in/code"):
    token = page_token(client, url)
    return client.post(url, data={"csrf_token": token, "code": code})


def sign_in(client, account: StaffAccount, *, code: str | None = None, next_url: str = ""):
    """The real sign-in, both steps; returns the response to the code."""
    url = "/staff/sign-in" + (f"?next={next_url}" if next_url else "")
    response = give_password(client, account.email, account.password, url=url)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.location == "/staff/sign-in/code"
    return give_code(client, code or account.code())


@pytest.fixture()
def staff_account(app) -> Callable[..., StaffAccount]:
    """Makes accounts: staff_account(Role.REVIEWER, name=...)."""
    return lambda role=Role.CASEWORKER, **overrides: make_account(app, role, **overrides)


@pytest.fixture()
def signed_in(app) -> Callable[..., StaffAccount]:
    """signed_in(client, role): a new account of that role, signed in on that client."""

    def sign_in_as(client, role: Role | str = Role.CASEWORKER, **overrides) -> StaffAccount:
        account = make_account(app, role, **overrides)
        response = sign_in(client, account)
        assert response.status_code == 303, response.get_data(as_text=True)
        assert response.location == "/staff/"
        return account

    return sign_in_as


def session_token(client) -> str | None:
    cookie = client.get_cookie(SESSION_COOKIE)
    return cookie.value if cookie else None


def web_session_exists(app, token: str) -> bool:
    key = hashlib.sha256(token.encode()).hexdigest()
    with app.app_context():
        return db.session.get(WebSession, key) is not None


def staff_user(app, user_id: int) -> StaffUser:
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert user is not None
        db.session.expunge(user)
        return user


def update_user(app, user_id: int, **values) -> None:
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert user is not None
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def last_event_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) or 0


def events_since(app, event_id: int, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.id > event_id).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        events = list(db.session.scalars(query))
        for event in events:
            db.session.expunge(event)
        return events


def set_last_seen(client, ago: timedelta) -> None:
    with client.session_transaction() as session:
        state = dict(session["staff"])
        state["last_seen"] = (datetime.now(UTC) - ago).isoformat()
        session["staff"] = state
