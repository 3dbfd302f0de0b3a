"""The demonstration's department request (issue 19 point 4): the demo housing contact has
one outstanding search to answer, on an access request in progress that has no housing
search yet, so `make run` shows both sides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from portal.accounts.models import StaffUser
from portal.cases import department_requests
from portal.cases.casework_models import DepartmentSearch
from portal.cases.department_request_models import DepartmentRequest
from portal.cases.models import Case, CaseKind, CaseState
from portal.extensions import DbSession

MESSAGE = (
    "Please search the housing system (tenancies, repairs and anti-social behaviour "
    "reports) for the person named on request {reference}, at their current address and "
    "any earlier Wakefield address, from 2019 to now."
)


def ask_the_demo_contact(
    session: DbSession, contact: StaffUser, *, asked_by: str, now: datetime
) -> Case | None:
    """Send the demo contact one search request, on a case their department has not been
    asked about (None when no case fits)."""
    searched = select(DepartmentSearch.case_id).where(
        DepartmentSearch.department_key == contact.department_key
    )
    asked = select(DepartmentRequest.case_id).where(
        DepartmentRequest.department_key == contact.department_key
    )
    case = session.scalar(
        select(Case)
        .where(
            Case.kind == CaseKind.ACCESS,
            Case.state == CaseState.IN_PROGRESS,
            Case.due_on.is_not(None),
            Case.id.not_in(searched),
            Case.id.not_in(asked),
        )
        .order_by(Case.due_on.desc(), Case.id)
    )
    if case is None or contact.department_key is None:
        return None
    department_requests.send_request(
        session,
        case,
        contact_id=contact.id,
        department="Housing",
        department_key=contact.department_key,
        message=MESSAGE.format(reference=case.reference),
        actor=asked_by,
        now=now,
    )
    return case
