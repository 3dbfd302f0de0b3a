"""Signing in: email address and password (argon2id), then a code from an authenticator app.

Nothing says whether an account exists; wrong passwords never lock an account (they are
limited per client); ten wrong codes lock it for 15 minutes, counted in the database; a
code works once; signing in gives a new server-side session.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from portal.accounts import passwords, totp
from portal.accounts.models import Role, StaffUser
from portal.accounts.signing_in import LOCK_DURATION, MAX_FAILED_ATTEMPTS, email_digest
from portal.encryption import EvidenceTampered
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import (
    PASSWORD,
    any_token,
    events_since,
    give_code,
    give_password,
    last_event_id,
    session_token,
    sign_in,
    staff_user,
    unique_email,
    update_user,
    web_session_exists,
)
from tests.journeys import PERSON, answer, start

WRONG_DETAILS = "Enter a correct email address and password"


def main_text(response) -> str:
    html = response.get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    without_tokens = re.sub(r'value="[^"]*"', "", main)
    return " ".join(re.sub(r"<[^>]+>", " ", without_tokens).split())


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client, staff_account):
    response = client.get("/staff/admin/staff")
    assert response.status_code == 303
    assert response.location == "/staff/sign-in?next=/staff/admin/staff"
    account = staff_account(Role.ADMIN)
    response = sign_in(client, account, next_url="/staff/admin/staff")
    assert response.status_code == 303
    assert response.location == "/staff/admin/staff"


@pytest.mark.parametrize(
    "next_url", ["//evil.example/staff/", "https://evil.example/", "/en/notice"]
)
def test_sign_in_never_sends_anyone_to_another_site(client, staff_account, next_url):
    response = sign_in(client, staff_account(), next_url=next_url)
    assert response.location == "/staff/"


def test_signing_in_with_password_and_code(app, client, staff_account):
    account = staff_account(Role.REVIEWER, name="Rhiannon Reviewer")
    before = last_event_id(app)
    page = get_page(client, "/staff/sign-in", lang="en")
    assert page.title == "Sign in \u2013 Wakefield Council casework"
    assert 'autocomplete="current-password"' in page.html
    response = give_password(client, account.email.upper(), account.password)
    assert response.location == "/staff/sign-in/code"
    page = get_page(client, "/staff/sign-in/code", lang="en")
    assert 'autocomplete="one-time-code"' in page.html
    response = give_code(client, account.code())
    assert response.location == "/staff/"
    page = get_page(client, "/staff/", lang="en")
    assert "Rhiannon Reviewer" in page.text()
    assert "Wakefield Council casework" in page.html
    assert "Sign out" in page.text()
    signed_in = events_since(app, before, "staff_signed_in")
    assert [event.details["staff_id"] for event in signed_in] == [account.id]
    assert signed_in[0].actor == f"staff:{account.id}"
    assert staff_user(app, account.id).last_signed_in_at is not None


def test_signing_in_gives_a_new_session_id(app, client, staff_account):
    account = staff_account()
    give_password(client, account.email, account.password)
    before = session_token(client)
    assert before and web_session_exists(app, before)
    give_code(client, account.code())
    after = session_token(client)
    assert after and after != before
    assert not web_session_exists(app, before)  # a planted cookie is worth nothing now
    stranger = app.test_client()
    stranger.set_cookie("portal_session", before)
    assert stranger.get("/staff/").status_code == 303
    assert client.get("/staff/").status_code == 200


def failed_sign_in_pages(client, staff_account, app):
    """The answers to an unknown address, a wrong password, a disabled account, a locked
    account (even with its right password), and a not-yet-accepted invitation."""
    wrong = staff_account()
    disabled = staff_account()
    update_user(app, disabled.id, disabled_at=datetime.now(UTC))
    locked = staff_account()
    update_user(
        app,
        locked.id,
        failed_attempts=MAX_FAILED_ATTEMPTS,
        locked_until=datetime.now(UTC) + timedelta(minutes=10),
    )
    return {
        "unknown": give_password(client, unique_email("nobody"), PASSWORD),
        "wrong password": give_password(client, wrong.email, PASSWORD + "x"),
        "disabled": give_password(client, disabled.email, PASSWORD),
        "locked": give_password(client, locked.email, PASSWORD),
    }


def test_a_failed_sign_in_never_says_whether_the_account_exists(app, client, staff_account):
    answers = failed_sign_in_pages(client, staff_account, app)
    texts = {reason: main_text(response) for reason, response in answers.items()}
    for reason, response in answers.items():
        assert response.status_code == 400, reason
        assert WRONG_DETAILS in texts[reason], reason
    assert len(set(texts.values())) == 1, texts
    with client.session_transaction() as session:
        assert "staff_pending" not in session


def test_failures_are_audited_without_the_address_or_password(app, client, staff_account):
    account = staff_account()
    before = last_event_id(app)
    give_password(client, account.email, "not the password at all")
    email = unique_email("nobody")
    give_password(client, email, "another wrong password")
    failed = events_since(app, before, "staff_sign_in_failed")
    assert [event.details["reason"] for event in failed] == ["wrong_password", "unknown_account"]
    secret = app.config["SECRET_KEY"]
    assert failed[0].details["email_hash"] == email_digest(secret, account.email)
    assert failed[1].details["email_hash"] == email_digest(secret, email)
    for event in failed:
        flat = str(event.details)
        assert "wrong password" not in flat and "not the password" not in flat
        assert "@" not in flat


def test_an_unknown_address_costs_a_password_check_too(client, monkeypatch):
    calls = []
    real = passwords.verify_nothing
    monkeypatch.setattr(
        passwords, "verify_nothing", lambda pw, **kw: calls.append(pw) or real(pw, **kw)
    )
    give_password(client, unique_email("nobody"), PASSWORD)
    assert calls == [PASSWORD]


def test_wrong_passwords_never_lock_the_account(app, client, staff_account):
    """Anyone may know a staff email: wrong passwords are limited per client
    (tests/functional/test_rate_limits.py), never counted against the account."""
    account = staff_account()
    for _attempt in range(MAX_FAILED_ATTEMPTS * 5):
        give_password(client, account.email, "wrong wrong wrong")
    user = staff_user(app, account.id)
    assert user.failed_attempts == 0 and user.locked_until is None
    response = sign_in(client, account)
    assert response.location == "/staff/"


def test_ten_wrong_codes_lock_the_account_for_15_minutes(app, client, staff_account):
    account = staff_account()
    before = last_event_id(app)
    give_password(client, account.email, account.password)
    for _attempt in range(MAX_FAILED_ATTEMPTS):
        give_code(client, "000000" if account.code() != "000000" else "111111")
    user = staff_user(app, account.id)
    assert user.failed_attempts == MAX_FAILED_ATTEMPTS
    locked_until = user.locked_until.replace(tzinfo=UTC)
    expected = datetime.now(UTC) + LOCK_DURATION
    assert abs(locked_until - expected) < timedelta(seconds=30)
    locked = events_since(app, before, "staff_locked")
    assert [event.details["staff_id"] for event in locked] == [account.id]
    # The right password is refused while locked, in the same words as a wrong one.
    response = give_password(client, account.email, account.password)
    assert response.status_code == 400
    assert WRONG_DETAILS in main_text(response)
    # When the lock runs out, the right password works and the count starts again.
    update_user(app, account.id, locked_until=datetime.now(UTC) - timedelta(seconds=1))
    response = sign_in(client, account)
    assert response.location == "/staff/"
    user = staff_user(app, account.id)
    assert user.failed_attempts == 0 and user.locked_until is None


def test_after_a_lock_runs_out_one_failure_does_not_lock_again(app, client, staff_account):
    account = staff_account()
    update_user(
        app,
        account.id,
        failed_attempts=MAX_FAILED_ATTEMPTS,
        locked_until=datetime.now(UTC) - timedelta(seconds=1),
    )
    give_password(client, account.email, account.password)
    give_code(client, "000000" if account.code() != "000000" else "111111")
    user = staff_user(app, account.id)
    assert user.failed_attempts == 1 and user.locked_until is None


def test_wrong_codes_count_towards_the_lock_and_the_code_page_says_so(app, client, staff_account):
    account = staff_account()
    update_user(app, account.id, failed_attempts=MAX_FAILED_ATTEMPTS - 2)
    give_password(client, account.email, account.password)
    response = give_code(client, "000000" if account.code() != "000000" else "111111")
    assert response.status_code == 400
    assert "The code is not right" in main_text(response)
    response = give_code(client, "000000" if account.code() != "000000" else "111111")
    assert response.status_code == 429
    assert "Your account is locked" in main_text(response)
    # The password step proved who this is, so saying "locked" now reveals nothing; and
    # the right code is no use until the lock runs out.
    assert client.get("/staff/sign-in/code").location == "/staff/sign-in"
    give_password(client, account.email, account.password)
    with client.session_transaction() as session:
        assert "staff_pending" not in session


def test_a_code_works_only_once(app, client, staff_account):
    account = staff_account()
    code = account.code()
    assert sign_in(client, account, code=code).location == "/staff/"
    client.post("/staff/sign-out", data={"csrf_token": any_token(client)})
    give_password(client, account.email, account.password)
    response = give_code(client, code)
    assert response.status_code == 400
    assert "That code has already been used" in main_text(response)
    assert staff_user(app, account.id).failed_attempts == 1
    # The next code from the app is fine.
    response = give_code(client, account.code(steps_ahead=1))
    assert response.location == "/staff/"


def test_the_code_step_expires_after_10_minutes(client, staff_account):
    account = staff_account()
    give_password(client, account.email, account.password)
    with client.session_transaction() as session:
        pending = dict(session["staff_pending"])
        pending["started_at"] = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
        session["staff_pending"] = pending
    assert client.get("/staff/sign-in/code").location == "/staff/sign-in"


def test_the_code_page_needs_the_password_first(client):
    assert client.get("/staff/sign-in/code").location == "/staff/sign-in"
    assert client.get("/staff/sign-in/set-up-authenticator").location == "/staff/sign-in"


def test_password_hashes_are_argon2id_and_upgraded_when_parameters_change(
    app, client, staff_account
):
    account = staff_account()
    assert staff_user(app, account.id).password_hash.startswith("$argon2id$")
    weak_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    update_user(app, account.id, password_hash=weak_hash)
    sign_in(client, account)
    upgraded = staff_user(app, account.id).password_hash
    assert upgraded != weak_hash
    assert not passwords.needs_rehash(upgraded)
    assert passwords.verify_password(upgraded, PASSWORD)


def test_the_authenticator_secret_is_encrypted_and_bound_to_its_account(app, staff_account):
    account = staff_account()
    other = staff_account()
    with app.app_context():
        user = db.session.get(StaffUser, account.id)
        blob = user.totp_secret
    assert account.secret.encode() not in blob
    cipher = app.extensions["evidence_cipher"]
    assert totp.decrypt_secret(cipher, account.id, blob) == account.secret
    with pytest.raises(EvidenceTampered):
        totp.decrypt_secret(cipher, other.id, blob)


def test_a_cookie_planted_before_the_password_cannot_see_the_next_step(app, client, staff_account):
    account = staff_account()
    # Fetching the form stores nothing (issue 15 point 1): a session row to plant comes
    # from a POST that stores something, such as a public journey's first answer.
    start(client, "en", "get-a-copy")
    answer(client, "en", "get-a-copy", "who", PERSON["who"])
    planted = session_token(client)
    assert planted
    give_password(client, account.email, account.password)
    assert session_token(client) != planted
    assert not web_session_exists(app, planted)
    attacker = app.test_client()
    attacker.set_cookie("portal_session", planted)
    assert attacker.get("/staff/sign-in/code").location == "/staff/sign-in"
    assert client.get("/staff/sign-in/code").status_code == 200


def test_staff_error_pages_are_in_english_whatever_the_browser_asks(client):
    response = client.post(
        "/staff/sign-in",
        data={"email": "x@example.gov.uk", "password": "y"},
        headers={"Accept-Language": "pl"},
    )
    assert response.status_code == 400  # no form token
    html = response.get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "The page was open too long" in html
