"""The admin screen: disabling an account ends its sessions at once; a role change applies
from the next request; there is always an administrator left."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from portal.accounts.models import Role, StaffUser
from portal.extensions import db
from tests.conftest import get_page
from tests.functional.staff.conftest import (
    PASSWORD,
    events_since,
    give_password,
    last_event_id,
    page_token,
    session_token,
    sign_in,
    staff_user,
    web_session_exists,
)
from tests.visible import element_text


@pytest.fixture()
def admin(app, signed_in):
    client = app.test_client()
    account = signed_in(client, Role.ADMIN)
    return client, account


def disable(client, user_id: int):
    url = f"/staff/admin/staff/{user_id}/disable"
    return client.post(url, data={"csrf_token": page_token(client, url)})


def change_role(client, user_id: int, role: str, department: str = ""):
    token = page_token(client, f"/staff/admin/staff/{user_id}")
    return client.post(
        f"/staff/admin/staff/{user_id}/role",
        data={"csrf_token": token, "role": role, "department": department},
    )


def only_admin(app, account_id: int) -> None:
    """Make this the only administrator who can sign in (the test database is shared)."""
    with app.app_context():
        db.session.execute(
            update(StaffUser)
            .where(StaffUser.role == Role.ADMIN, StaffUser.id != account_id)
            .values(disabled_at=datetime.now(UTC))
        )
        db.session.commit()


def test_the_staff_list_and_a_member_page(app, admin, staff_account):
    client, _account = admin
    member = staff_account(Role.CASEWORKER, name="Carys Caseworker")
    page = get_page(client, "/staff/admin/staff", lang="en")
    assert page.title == "Staff accounts \u2013 Wakefield Council casework"
    assert "Carys Caseworker" in page.text()
    page = get_page(client, f"/staff/admin/staff/{member.id}", lang="en")
    assert member.email in page.text()
    assert "Caseworker" in page.text()
    get_page(client, f"/staff/admin/staff/{member.id}/disable", lang="en")
    get_page(client, "/staff/admin/staff/invite", lang="en")
    get_page(client, "/staff/admin/staff/999999", lang="en", status=404)


def test_disabling_an_account_ends_its_sessions_at_once(app, admin, signed_in):
    client, admin_account = admin
    phone, laptop = app.test_client(), app.test_client()
    member = signed_in(phone, Role.CASEWORKER)
    sign_in(laptop, member, code=member.code(steps_ahead=1))
    tokens = [session_token(phone), session_token(laptop)]
    assert all(token and web_session_exists(app, token) for token in tokens)
    before = last_event_id(app)
    response = disable(client, member.id)
    assert response.status_code == 303
    assert "account is disabled" in get_page(client, response.location, lang="en").text()
    assert not any(web_session_exists(app, token) for token in tokens)
    assert phone.get("/staff/").location == "/staff/sign-in?next=/staff/"
    assert laptop.get("/staff/keep-alive").status_code == 401
    assert staff_user(app, member.id).disabled_at is not None
    events = events_since(app, before, "staff_disabled")
    assert [(e.actor, e.details) for e in events] == [
        (f"staff:{admin_account.id}", {"staff_id": member.id, "sessions_ended": 2})
    ]
    response = give_password(app.test_client(), member.email, PASSWORD)
    assert response.status_code == 400  # and reads like any wrong password


def test_a_new_role_applies_from_the_next_request(app, admin, signed_in):
    client, admin_account = admin
    member_client = app.test_client()
    member = signed_in(member_client, Role.CASEWORKER)
    assert member_client.get("/staff/admin/staff").status_code == 403
    before = last_event_id(app)
    response = change_role(client, member.id, "admin")
    assert response.status_code == 303
    assert "role is now administrator" in get_page(client, response.location, lang="en").text()
    assert member_client.get("/staff/admin/staff").status_code == 200
    events = events_since(app, before, "staff_role_changed")
    assert [(e.actor, e.details) for e in events] == [
        (f"staff:{admin_account.id}", {"staff_id": member.id, "from": "caseworker", "to": "admin"})
    ]


def test_an_account_made_a_department_contact_searches_for_the_department_chosen(
    app, admin, signed_in
):
    """Issue 19 point 4, for someone who already has an account: the administrator picks
    the department with the role, as when inviting, and can move a contact to another."""
    client, admin_account = admin
    member_client = app.test_client()
    member = signed_in(member_client, Role.CASEWORKER)
    before = last_event_id(app)

    missing = change_role(client, member.id, "department_contact")
    assert missing.status_code == 400
    assert "Select the department this contact searches for" in element_text(
        missing.get_data(as_text=True), "main-content"
    )
    assert staff_user(app, member.id).role == Role.CASEWORKER

    response = change_role(client, member.id, "department_contact", "housing")
    assert response.status_code == 303
    page = get_page(client, response.location, lang="en")
    shown = element_text(page.html, "main-content")
    assert f"{member.name}'s role is now department contact, searching Housing's records" in shown
    assert "Department Housing" in shown
    assert member_client.get("/staff/department-requests").status_code == 200
    assert member_client.get("/staff/queue").status_code == 403

    moved = change_role(client, member.id, "department_contact", "police_liaison")
    assert moved.status_code == 303
    back = change_role(client, member.id, "caseworker", "police_liaison")
    assert back.status_code == 303
    account = staff_user(app, member.id)
    assert (account.role, account.department_key) == (Role.CASEWORKER, None)
    events = events_since(app, before, "staff_role_changed")
    assert [(e.actor, e.details) for e in events] == [
        (
            f"staff:{admin_account.id}",
            {
                "staff_id": member.id,
                "from": "caseworker",
                "to": "department_contact",
                "department_from": None,
                "department_to": "housing",
            },
        ),
        (
            f"staff:{admin_account.id}",
            {
                "staff_id": member.id,
                "from": "department_contact",
                "to": "department_contact",
                "department_from": "housing",
                "department_to": "police_liaison",
            },
        ),
        (
            f"staff:{admin_account.id}",
            {
                "staff_id": member.id,
                "from": "department_contact",
                "to": "caseworker",
                "department_from": "police_liaison",
                "department_to": None,
            },
        ),
    ]


def test_a_role_must_be_chosen_from_the_list(admin, staff_account):
    client, _account = admin
    member = staff_account()
    response = change_role(client, member.id, "superuser")
    assert response.status_code == 400
    assert "Select a role" in response.get_data(as_text=True)


def test_the_last_administrator_cannot_demote_or_disable_themselves(app, admin, signed_in):
    client, account = admin
    only_admin(app, account.id)
    response = change_role(client, account.id, "reviewer")
    assert response.status_code == 400
    assert "There must always be at least one administrator" in response.get_data(as_text=True)
    response = disable(client, account.id)
    assert response.status_code == 400
    assert "There must always be at least one administrator" in response.get_data(as_text=True)
    assert staff_user(app, account.id).role == Role.ADMIN
    assert staff_user(app, account.id).disabled_at is None
    # With another administrator, stepping down is fine.
    signed_in(app.test_client(), Role.ADMIN)
    response = change_role(client, account.id, "reviewer")
    assert response.status_code == 303
    assert client.get("/staff/admin/staff").status_code == 403


def test_an_administrator_who_disables_their_own_account_is_signed_out(app, admin, signed_in):
    client, account = admin
    signed_in(app.test_client(), Role.ADMIN)
    token = session_token(client)
    response = disable(client, account.id)
    assert response.location == "/staff/signed-out"
    assert token and not web_session_exists(app, token)
    assert client.get("/staff/").status_code == 303


def test_resetting_sign_in_for_a_lost_phone(app, admin, signed_in):
    client, admin_account = admin
    phone = app.test_client()
    member = signed_in(phone, Role.REVIEWER)
    old_token = session_token(phone)
    before = last_event_id(app)
    url = f"/staff/admin/staff/{member.id}/reset"
    response = client.post(url, data={"csrf_token": page_token(client, url.removesuffix("/reset"))})
    assert response.status_code == 303
    page = get_page(client, response.location, lang="en")
    link = re.search(r'<code id="invitation-link">http://portal\.test([^<]+)</code>', page.html)
    assert link, "no new invitation link"
    assert old_token and not web_session_exists(app, old_token)
    user = staff_user(app, member.id)
    assert user.password_hash is None and user.totp_secret is None
    assert give_password(app.test_client(), member.email, PASSWORD).status_code == 400
    [event] = events_since(app, before, "staff_sign_in_reset")
    assert event.actor == f"staff:{admin_account.id}"
    assert event.details == {"staff_id": member.id, "sessions_ended": 1}
    newcomer = app.test_client()
    token = page_token(newcomer, link.group(1))
    response = newcomer.post(
        link.group(1), data={"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.location == "/staff/sign-in/set-up-authenticator"


def test_an_administrator_cannot_reset_their_own_sign_in(app, admin):
    client, account = admin
    url = f"/staff/admin/staff/{account.id}"
    response = client.post(url + "/reset", data={"csrf_token": page_token(client, url)})
    assert response.location == url
    assert staff_user(app, account.id).password_hash is not None
