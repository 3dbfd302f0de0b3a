"""The permission table and can(): roles, disabled accounts, anonymous users and the rules
about a particular case."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.accounts.models import Role, StaffUser
from portal.cases.models import Case, CaseState
from portal.staff.permissions import (
    ENDPOINT_ACTIONS,
    PERMISSIONS,
    PUBLIC_STAFF_ENDPOINTS,
    ROLES_FOR,
    Action,
    can,
)


def staff(role: Role, **values) -> StaffUser:
    return StaffUser(id=1, email="x@example.gov.uk", name="X", role=role, **values)


def test_every_action_has_a_row_in_the_table():
    assert set(ROLES_FOR) == set(Action)
    assert all(ROLES_FOR[action] for action in Action)


def test_every_endpoint_reads_its_roles_from_the_table():
    assert set(PERMISSIONS) == set(ENDPOINT_ACTIONS)
    for endpoint, action in ENDPOINT_ACTIONS.items():
        assert PERMISSIONS[endpoint] == ROLES_FOR[action]
    assert not set(PERMISSIONS) & PUBLIC_STAFF_ENDPOINTS


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (
            Role.CASEWORKER,
            {Action.USE_WORKSPACE, Action.VIEW_CASES, Action.WORK_ON_CASE, Action.RECORD_POSTING},
        ),
        (
            Role.REVIEWER,
            {
                Action.USE_WORKSPACE,
                Action.VIEW_CASES,
                Action.WORK_ON_CASE,
                Action.REVIEW_CASE,
                Action.RECORD_POSTING,
                # Issue 14 point 5: a reviewer may put a case on legal hold and release it.
                Action.LEGAL_HOLD,
                # Issue 16 point 6: reviewers record internal review outcomes and ICO cases.
                Action.INTERNAL_REVIEW,
                Action.ICO_CASE,
                # C14 (UK GDPR Art 18(3)): reviewers tell the person before lifting a restriction.
                Action.LIFT_RESTRICTION,
            },
        ),
        # Admins hold from the retention screen; they still cannot open case pages.
        (Role.ADMIN, {Action.USE_WORKSPACE, Action.MANAGE_STAFF, Action.LEGAL_HOLD}),
    ],
)
def test_what_each_role_may_do(role, allowed):
    user = staff(role)
    assert {action for action in Action if can(user, action)} == allowed


def test_nobody_else_may_do_anything():
    from flask_login import AnonymousUserMixin

    disabled = staff(Role.ADMIN, disabled_at=datetime.now(UTC))
    for user in (None, AnonymousUserMixin(), disabled, "admin"):
        assert not any(can(user, action) for action in Action)


def test_a_closed_case_cannot_be_worked_on_but_can_be_read():
    user = staff(Role.REVIEWER)
    open_case = Case(state=CaseState.IN_PROGRESS)
    closed_case = Case(state=CaseState.COMPLETED)
    assert can(user, Action.WORK_ON_CASE, open_case)
    assert not can(user, Action.WORK_ON_CASE, closed_case)
    assert not can(user, Action.REVIEW_CASE, closed_case)
    assert can(user, Action.VIEW_CASES, closed_case)
    assert can(user, Action.RECORD_POSTING, closed_case)  # a refusal is posted after closing
    # Reviews and ICO cases come after the decision, when the case is usually closed.
    assert can(user, Action.INTERNAL_REVIEW, closed_case)
    assert can(user, Action.ICO_CASE, closed_case)
    assert not can(staff(Role.CASEWORKER), Action.INTERNAL_REVIEW, closed_case)
    assert not can(staff(Role.ADMIN), Action.VIEW_CASES, open_case)
