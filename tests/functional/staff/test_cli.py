"""`flask staff create` makes the first administrator: a password (prompted for, or given
with --password), and the authenticator key printed once."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from portal.accounts.models import Role, StaffUser
from portal.extensions import db
from tests.functional.staff.conftest import (
    PASSWORD,
    events_since,
    give_code,
    give_password,
    last_event_id,
    unique_email,
)

KEY = re.compile(r"Key: ([A-Z2-7 ]+)\n")


def test_create_the_first_administrator_and_sign_in(app):
    email = unique_email("first.admin")
    before = last_event_id(app)
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--role", "admin", "--email", email, "--name", "Ada Admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    key = KEY.search(result.output)
    assert key, result.output
    secret = key.group(1).replace(" ", "")
    assert f"otpauth://totp/Wakefield%20Council%20casework:{email.replace('@', '%40')}" in (
        result.output
    )
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        assert user.role == Role.ADMIN and user.totp_enrolled_at is not None
    [created] = events_since(app, before, "staff_created")
    assert created.actor == "cli"

    client = app.test_client()
    assert give_password(client, email, PASSWORD).location == "/staff/sign-in/code"
    assert give_code(client, pyotp.TOTP(secret).now()).location == "/staff/"
    assert client.get("/staff/admin/staff").status_code == 200


def test_a_weak_password_or_a_taken_address_is_refused(app, staff_account):
    runner = app.test_cli_runner()
    args = ["staff", "create", "--role", "admin", "--name", "Ada Admin", "--email"]
    result = runner.invoke(args=[*args, unique_email(), "--password", "password1234"])
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    taken = staff_account().email
    result = runner.invoke(args=[*args, taken, "--password", PASSWORD])
    assert result.exit_code != 0
    assert "There is already an account" in result.output


def test_the_role_must_be_one_of_the_three(app):
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--role", "root", "--email", unique_email(), "--name", "X Y"]
    )
    assert result.exit_code != 0
    assert "caseworker" in result.output
