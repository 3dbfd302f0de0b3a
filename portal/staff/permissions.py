"""Who may do what in the staff workspace: one table, checked on every route and every case.

ROLES_FOR is the permission table: each action and the roles that may take it.
ENDPOINT_ACTIONS names the action every staff page performs, and PERMISSIONS reads the two
together (endpoint -> roles). The staff blueprint's before_request refuses any endpoint
that is not in it, so a new page is closed until someone decides who may use it; each view
also declares its action with @requires, and a test checks the two agree.

can(user, action, case) adds the rules about a particular case, for the case pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import wraps
from types import MappingProxyType
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from portal.accounts.models import Role, StaffUser
from portal.cases import audit
from portal.cases.models import Case
from portal.cases.workflow import is_closed
from portal.extensions import db


class Action(StrEnum):
    USE_WORKSPACE = "use_workspace"  # the staff home page; signing out
    VIEW_CASES = "view_cases"  # the queue and a case's pages
    WORK_ON_CASE = "work_on_case"  # identity checks, searches, drafting a response or decision
    REVIEW_CASE = "review_case"  # approve or return a draft (never one's own)
    MANAGE_STAFF = "manage_staff"  # invite, disable, re-role staff, reset their sign-in
    RECORD_POSTING = "record_posting"  # a letter was posted (also after the case closed)
    # See what the retention runs will delete, and put a case on legal hold or release it
    # (also after the case closed: that is when complaints and claims arrive).
    LEGAL_HOLD = "legal_hold"
    # After a decision (issue 16 point 6), so also on closed cases: record an internal
    # review's outcome, and a complaint to the ICO (which holds the case).
    INTERNAL_REVIEW = "internal_review"
    ICO_CASE = "ico_case"
    # C14: tell the person before lifting a restriction they obtained (Art 18(3)), so also
    # once the request is completed: restrictions last beyond it.
    LIFT_RESTRICTION = "lift_restriction"
    # A department contact's own search requests (issue 19 point 4): list them, upload
    # records into the case, or answer "none held". Nothing else about the case or others'.
    ANSWER_DEPARTMENT_REQUEST = "answer_department_request"


EVERYONE = frozenset(Role)
CASE_STAFF = frozenset({Role.CASEWORKER, Role.REVIEWER})

# The permission table.
ROLES_FOR: Mapping[Action, frozenset[Role]] = MappingProxyType(
    {
        Action.USE_WORKSPACE: EVERYONE,
        Action.VIEW_CASES: CASE_STAFF,
        Action.WORK_ON_CASE: CASE_STAFF,
        Action.REVIEW_CASE: frozenset({Role.REVIEWER}),
        Action.MANAGE_STAFF: frozenset({Role.ADMIN}),
        Action.RECORD_POSTING: CASE_STAFF,
        Action.LEGAL_HOLD: frozenset({Role.REVIEWER, Role.ADMIN}),
        Action.INTERNAL_REVIEW: frozenset({Role.REVIEWER}),
        Action.ICO_CASE: frozenset({Role.REVIEWER}),
        Action.LIFT_RESTRICTION: frozenset({Role.REVIEWER}),
        Action.ANSWER_DEPARTMENT_REQUEST: frozenset({Role.DEPARTMENT_CONTACT}),
    }
)

# Pages anyone may open: they are how one signs in, and they handle a signed-out visitor
# themselves (keep-alive answers 401 rather than a sign-in page).
PUBLIC_STAFF_ENDPOINTS = frozenset(
    {
        "staff.sign_in",
        "staff.sign_in_code",
        "staff.enrol",
        "staff.invitation",
        "staff.keep_alive",
        "staff.session_ended",
        "staff.signed_out",
    }
)

# Every other staff endpoint, and the action it performs.
ENDPOINT_ACTIONS: Mapping[str, Action] = MappingProxyType(
    {
        "staff.dashboard": Action.USE_WORKSPACE,
        "staff.sign_out": Action.USE_WORKSPACE,
        "staff.queue": Action.VIEW_CASES,
        "staff.queue_assign": Action.WORK_ON_CASE,
        "staff.queue_assign_confirm": Action.WORK_ON_CASE,
        "staff.restrictions": Action.VIEW_CASES,
        "staff.restrictions_csv": Action.VIEW_CASES,
        "staff.reports": Action.VIEW_CASES,
        "staff.reports_csv": Action.VIEW_CASES,
        "staff.admin_staff": Action.MANAGE_STAFF,
        "staff.admin_teams": Action.MANAGE_STAFF,
        "staff.admin_team": Action.MANAGE_STAFF,
        "staff.admin_invite": Action.MANAGE_STAFF,
        "staff.admin_invitation_link": Action.MANAGE_STAFF,
        "staff.admin_member": Action.MANAGE_STAFF,
        "staff.admin_change_role": Action.MANAGE_STAFF,
        "staff.admin_disable": Action.MANAGE_STAFF,
        "staff.admin_renew_invitation": Action.MANAGE_STAFF,
        "staff.admin_reset_sign_in": Action.MANAGE_STAFF,
        "staff.case": Action.VIEW_CASES,
        "staff.case_evidence_view": Action.VIEW_CASES,
        "staff.case_evidence_download": Action.VIEW_CASES,
        "staff.case_evidence_release": Action.REVIEW_CASE,
        "staff.case_item_download": Action.VIEW_CASES,
        "staff.case_pack_download": Action.VIEW_CASES,
        "staff.case_pack_retry": Action.WORK_ON_CASE,
        "staff.case_letters": Action.VIEW_CASES,
        "staff.case_letter_pdf": Action.VIEW_CASES,
        "staff.case_letter_posted": Action.RECORD_POSTING,
        "staff.case_accept_identity": Action.WORK_ON_CASE,
        "staff.case_request_identity": Action.WORK_ON_CASE,
        "staff.case_ask_clarification": Action.WORK_ON_CASE,
        "staff.case_record_clarification_answer": Action.WORK_ON_CASE,
        "staff.case_extend": Action.WORK_ON_CASE,
        "staff.case_record_search": Action.WORK_ON_CASE,
        "staff.case_add_disclosure_item": Action.WORK_ON_CASE,
        "staff.record_redaction": Action.WORK_ON_CASE,
        "staff.record_redaction_find": Action.WORK_ON_CASE,
        "staff.record_redaction_decide": Action.WORK_ON_CASE,
        "staff.record_redaction_take_back": Action.WORK_ON_CASE,
        "staff.record_redaction_page": Action.WORK_ON_CASE,
        "staff.record_redaction_area": Action.WORK_ON_CASE,
        "staff.record_redaction_lines": Action.WORK_ON_CASE,
        "staff.record_redaction_picture": Action.VIEW_CASES,
        "staff.case_redactions_review": Action.VIEW_CASES,
        "staff.case_submit_for_review": Action.WORK_ON_CASE,
        "staff.case_complete": Action.WORK_ON_CASE,
        "staff.case_record_withdrawal": Action.WORK_ON_CASE,
        "staff.case_assign": Action.WORK_ON_CASE,
        "staff.case_add_note": Action.WORK_ON_CASE,
        "staff.case_link": Action.WORK_ON_CASE,
        "staff.case_unlink": Action.WORK_ON_CASE,
        "staff.case_merge": Action.WORK_ON_CASE,
        "staff.case_record_judgement": Action.WORK_ON_CASE,
        "staff.case_approve": Action.REVIEW_CASE,
        "staff.case_return_for_changes": Action.REVIEW_CASE,
        "staff.case_refuse": Action.REVIEW_CASE,
        "staff.case_assess_objection": Action.WORK_ON_CASE,
        "staff.case_propose_decision": Action.WORK_ON_CASE,
        "staff.case_approve_decision": Action.REVIEW_CASE,
        "staff.case_record_progress": Action.WORK_ON_CASE,
        "staff.case_propose_outcome": Action.WORK_ON_CASE,
        "staff.case_approve_outcome": Action.REVIEW_CASE,
        "staff.case_propose_correction": Action.WORK_ON_CASE,
        "staff.case_approve_correction": Action.REVIEW_CASE,
        "staff.case_propose_restriction": Action.WORK_ON_CASE,
        "staff.case_approve_restriction": Action.REVIEW_CASE,
        "staff.case_propose_deletion": Action.WORK_ON_CASE,
        "staff.case_approve_deletion": Action.REVIEW_CASE,
        "staff.case_lift_restriction": Action.LIFT_RESTRICTION,
        "staff.case_intake": Action.WORK_ON_CASE,
        "staff.case_hold": Action.LEGAL_HOLD,
        "staff.case_release": Action.LEGAL_HOLD,
        "staff.retention": Action.LEGAL_HOLD,
        "staff.case_after_decision": Action.VIEW_CASES,
        "staff.case_review_outcome": Action.INTERNAL_REVIEW,
        "staff.case_ico_record": Action.ICO_CASE,
        "staff.case_ico_response": Action.ICO_CASE,
        "staff.case_ico_close": Action.ICO_CASE,
        "staff.case_department_requests": Action.VIEW_CASES,
        "staff.case_send_department_request": Action.WORK_ON_CASE,
        "staff.case_chase_department_request": Action.WORK_ON_CASE,
        "staff.department_requests_mine": Action.ANSWER_DEPARTMENT_REQUEST,
        "staff.department_request": Action.ANSWER_DEPARTMENT_REQUEST,
        "staff.department_request_upload": Action.ANSWER_DEPARTMENT_REQUEST,
        "staff.department_request_record": Action.ANSWER_DEPARTMENT_REQUEST,
        "staff.department_request_none_held": Action.ANSWER_DEPARTMENT_REQUEST,
    }
)

# endpoint -> the roles that may use it.
PERMISSIONS: Mapping[str, frozenset[Role]] = MappingProxyType(
    {endpoint: ROLES_FOR[action] for endpoint, action in ENDPOINT_ACTIONS.items()}
)


def _not_closed(user: StaffUser, case: Case) -> bool:
    """Nobody changes a case once it is completed, refused or withdrawn."""
    return not is_closed(case.state)


# Rules about a particular case, on top of the role: each must hold.
CASE_RULES: Mapping[Action, tuple[Callable[[StaffUser, Case], bool], ...]] = MappingProxyType(
    {
        Action.WORK_ON_CASE: (_not_closed,),
        Action.REVIEW_CASE: (_not_closed,),
    }
)


def role_of(user: Any) -> Role | None:
    """The role of a signed-in, active staff member; None for anyone else."""
    # current_user is a proxy that looks the user up again at every attribute: once here.
    unproxied = getattr(user, "_get_current_object", None)
    if unproxied is not None:
        user = unproxied()
    if not isinstance(user, StaffUser) or not user.is_active:
        return None
    return Role(user.role)


def can(user: Any, action: Action, case: Case | None = None) -> bool:
    """Whether this user may take this action (on this case, when one is given)."""
    role = role_of(user)
    if role is None or role not in ROLES_FOR[action]:
        return False
    if case is None:
        return True
    return all(rule(user, case) for rule in CASE_RULES.get(action, ()))


def refuse(*, action: Action | None = None, case: Case | None = None) -> None:
    """Record the refusal in the audit trail, then answer 403 (the page says why)."""
    db.session.rollback()  # nothing a refused request did may be kept
    role = role_of(current_user)
    user_id = current_user.id if isinstance(current_user, StaffUser) else None
    details: dict[str, object] = {
        "endpoint": request.endpoint,
        "method": request.method,
        "user_id": user_id,
        "role": str(role) if role else None,
    }
    if action is not None:
        details["action"] = str(action)
    audit.record(
        db.session,
        action="permission_denied",
        actor=f"staff:{user_id}" if user_id is not None else "anonymous",
        case_id=case.id if case is not None else None,
        details=details,
    )
    db.session.commit()
    abort(403)


def check_endpoint(endpoint: str | None) -> None:
    """The blueprint's check, before any staff view runs: refuse endpoints missing from
    the table, and roles the table does not allow."""
    roles = PERMISSIONS.get(endpoint or "")
    role = role_of(current_user)
    if roles is None or role is None or role not in roles:
        refuse(action=ENDPOINT_ACTIONS.get(endpoint or ""))


def require(action: Action, case: Case | None = None) -> None:
    """For views: refuse (403, recorded) unless the user may take this action on this case."""
    if not can(current_user, action, case):
        refuse(action=action, case=case)


View = TypeVar("View", bound=Callable[..., Any])


def requires(action: Action) -> Callable[[View], View]:
    """Declares the action a view performs, and checks it again when the view runs."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require(action)
            return view(*args, **kwargs)

        wrapper.staff_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: View) -> View:
    """Declares a page anyone may open (it must be in PUBLIC_STAFF_ENDPOINTS too)."""
    view.staff_action = None  # type: ignore[attr-defined]
    return view
