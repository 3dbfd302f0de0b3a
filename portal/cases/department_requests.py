"""C6, department by department (issue 19 point 4): a caseworker asks a named department
contact to search their department's records for a case, by a date inside the case's own;
the contact uploads what they hold or answers that none is held, and the case's search
(portal.cases.disclosure.record_search) is recorded from their answer, so the response
pack lists the department as every other search.

The contact is emailed when asked, reminded REMINDER_WORKING_DAYS before their due date if
they have not answered, and again whenever a caseworker chases. Each email is one job in the
outbox, written in the same transaction as the change that needs it (the reminder's job
waits until its day, and sends nothing if the request was answered by then).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy import case as sql_case

from portal.cases import clock, disclosure
from portal.cases.casework_models import DepartmentSearch, DisclosureItem, SearchOutcome
from portal.cases.department_request_models import (
    DEPARTMENT_EMAIL_JOB,
    DepartmentEmailOccasion,
    DepartmentRequest,
    DepartmentRequestStatus,
)
from portal.cases.errors import CaseworkError, InvalidDate
from portal.cases.models import Case, CaseKind
from portal.cases.steps import (
    acting_moment,
    audit_event,
    check_kind,
    check_working,
    lock_case,
    required_text,
)
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.outbox import enqueue

# The contact's due date, unless the caseworker gives another: this many working days
# before the case's, so the caseworker has time to read and redact what comes back.
DEFAULT_WORKING_DAYS_BEFORE = 5
# The reminder goes this many working days before the contact's due date.
REMINDER_WORKING_DAYS = 2
# Reminders arrive in the morning of their day, Europe/London.
REMINDER_HOUR = time(8)
MESSAGE_LENGTH = 2000
NOTE_LENGTH = 2000

S = DepartmentRequestStatus


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days before `day` (C2's working days)."""
    found = day
    counted = 0
    while counted < count:
        found -= timedelta(days=1)
        if clock.is_working_day(found):
            counted += 1
    return found


def default_due_on(case: Case, today: date) -> date | None:
    """DEFAULT_WORKING_DAYS_BEFORE working days before the case's due date, and not before
    today; None while the case has no due date."""
    if case.due_on is None:
        return None
    return max(working_days_before(case.due_on, DEFAULT_WORKING_DAYS_BEFORE), today)


def reminder_on(request: DepartmentRequest) -> date:
    """The day the contact is reminded, if they have not answered by then."""
    return working_days_before(request.due_on, REMINDER_WORKING_DAYS)


def send_request(
    session: DbSession,
    case: Case,
    *,
    contact_id: int,
    department: str,
    department_key: str,
    message: str,
    due_on: date | None = None,
    actor: str,
    now: datetime | None = None,
) -> DepartmentRequest:
    """C6: ask a department contact to search their department's records for this access
    request. Their due date is on or before the case's (DEFAULT_WORKING_DAYS_BEFORE working
    days before it unless given), and not in the past. A department already searched, or
    already asked and not yet answered, is refused. The contact is emailed now and
    reminded REMINDER_WORKING_DAYS working days before their due date. `contact_id` is a
    department-contact account of the department `department_key` (the staff pages offer
    only those: portal.accounts.directory.department_contacts)."""
    moment = acting_moment(now)
    today = clock.received_on(moment)
    words = required_text(
        message, "Say what the department should search for", limit=MESSAGE_LENGTH
    )
    key = disclosure.profile_department_key(department_key)
    if key is None:
        raise CaseworkError("Choose a department contact from the list")
    lock_case(session, case)
    check_kind(case, CaseKind.ACCESS)
    check_working(case)
    if case.due_on is None:
        raise CaseworkError("This request has no due date yet: start its clock first")
    due = due_on or max(working_days_before(case.due_on, DEFAULT_WORKING_DAYS_BEFORE), today)
    if due > case.due_on:
        raise InvalidDate(
            f"The department's due date must be on or before the request's, {case.due_on:%-d %B %Y}"
        )
    if due < today:
        raise InvalidDate("The department's due date cannot be in the past")
    if _already_searched(session, case, key):
        raise CaseworkError(f"A search of {department} is already recorded for this request")
    if any(r.department_key == key and r.is_outstanding for r in case_requests(session, case)):
        raise CaseworkError(f"{department} has already been asked and has not answered yet")
    request = DepartmentRequest(
        case_id=case.id,
        department=department,
        department_key=key,
        contact_id=contact_id,
        message=words,
        due_on=due,
        status=S.OUTSTANDING,
        asked_by=actor,
        asked_at=moment,
        answer_note="",
        chase_count=0,
    )
    session.add(request)
    session.flush()
    audit_event(
        session,
        case,
        "department_request_sent",
        actor,
        moment,
        request_id=request.id,
        contact_id=contact_id,
        due_on=due.isoformat(),
    )
    _queue_email(session, request, DepartmentEmailOccasion.SENT, moment)
    reminder_day = reminder_on(request)
    if reminder_day > today:
        at = datetime.combine(reminder_day, REMINDER_HOUR, tzinfo=clock.LONDON)
        _queue_email(session, request, DepartmentEmailOccasion.REMINDER, moment, run_after=at)
    session.commit()
    return request


def chase(
    session: DbSession,
    case: Case,
    request: DepartmentRequest,
    *,
    actor: str,
    now: datetime | None = None,
) -> DepartmentRequest:
    """A caseworker chases an outstanding request: the contact is emailed again now."""
    moment = acting_moment(now)
    lock_case(session, case)
    _check_belongs(case, request)
    if not request.is_outstanding:
        raise CaseworkError(f"{request.department} has already answered")
    request.chased_at = moment
    request.chase_count = (request.chase_count or 0) + 1
    audit_event(
        session,
        case,
        "department_request_chased",
        actor,
        moment,
        request_id=request.id,
        chase=request.chase_count,
    )
    _queue_email(session, request, DepartmentEmailOccasion.CHASE, moment)
    session.commit()
    return request


def upload_record(
    session: DbSession,
    case: Case,
    request: DepartmentRequest,
    *,
    title: str,
    content: bytes,
    original_name: str,
    media_type: str,
    item_date: date | None,
    actor: str,
    cipher: EvidenceCipher,
    now: datetime | None = None,
) -> DisclosureItem:
    """C6-C7: the contact uploads a record into the case, as a disclosure item from their
    department (for the caseworker to redact and release). The first upload answers the
    request (records found) and records the case's search; more may follow while the
    case is worked on. A request answered "none held" takes no uploads."""
    moment = acting_moment(now)
    _check_belongs(case, request)
    if request.status == S.NONE_HELD:
        raise CaseworkError(
            "You answered that no records are held: ask the caseworker to reopen it"
        )
    item = disclosure.add_disclosure_item(
        session,
        case,
        source_department=request.department,
        source_department_key=request.department_key,
        title=title,
        kind=disclosure.DisclosureKind.UPLOADED,
        content=content,
        item_date=item_date,
        actor=actor,
        cipher=cipher,
        original_name=original_name,
        media_type=media_type,
        now=moment,
    )
    if request.is_outstanding:
        _answer(session, case, request, S.RECORDS_UPLOADED, note="", actor=actor, moment=moment)
    return item


def answer_none_held(
    session: DbSession,
    case: Case,
    request: DepartmentRequest,
    *,
    note: str = "",
    actor: str,
    now: datetime | None = None,
) -> DepartmentRequest:
    """C6: the department searched and holds nothing about the person; the case's search
    is recorded as "none held"."""
    moment = acting_moment(now)
    words = note.strip()
    if len(words) > NOTE_LENGTH:
        raise CaseworkError(f"Keep the note to {NOTE_LENGTH} characters or fewer")
    lock_case(session, case)
    _check_belongs(case, request)
    if not request.is_outstanding:
        raise CaseworkError("This request has already been answered")
    _answer(session, case, request, S.NONE_HELD, note=words, actor=actor, moment=moment)
    return request


def _answer(
    session: DbSession,
    case: Case,
    request: DepartmentRequest,
    status: DepartmentRequestStatus,
    *,
    note: str,
    actor: str,
    moment: datetime,
) -> None:
    """Mark the request answered and record the case's search from the answer (unless a
    caseworker recorded this department's search already)."""
    check_working(case)
    request.status = status
    request.answered_by = actor
    request.answered_at = moment
    request.answer_note = note
    audit_event(
        session,
        case,
        "department_request_answered",
        actor,
        moment,
        request_id=request.id,
        status=str(status),
    )
    if _already_searched(session, case, request.department_key):
        session.commit()
        return
    outcome = (
        SearchOutcome.RECORDS_FOUND if status == S.RECORDS_UPLOADED else SearchOutcome.NONE_HELD
    )
    disclosure.record_search(
        session,
        case,
        department=request.department,
        department_key=request.department_key,
        searched_on=clock.received_on(moment),
        outcome=outcome,
        actor=actor,
        now=moment,
    )


def case_requests(session: DbSession, case: Case) -> list[DepartmentRequest]:
    """A case's department requests, outstanding first, then by due date."""
    return list(
        session.scalars(
            select(DepartmentRequest)
            .where(DepartmentRequest.case_id == case.id)
            .order_by(_outstanding_first(), DepartmentRequest.due_on, DepartmentRequest.id)
        )
    )


def requests_for_contact(
    session: DbSession, contact_id: int
) -> Sequence[tuple[DepartmentRequest, Case]]:
    """The requests sent to one contact, with their cases: outstanding first, then by due date."""
    return list(
        session.execute(
            select(DepartmentRequest, Case)
            .join(Case, Case.id == DepartmentRequest.case_id)
            .where(DepartmentRequest.contact_id == contact_id)
            .order_by(_outstanding_first(), DepartmentRequest.due_on, DepartmentRequest.id)
        ).tuples()
    )


def outstanding_requests(
    session: DbSession, *, limit: int = 50
) -> Sequence[tuple[DepartmentRequest, Case]]:
    """Every department search still to be answered, with its case: earliest due first
    (for caseworkers to chase)."""
    return list(
        session.execute(
            select(DepartmentRequest, Case)
            .join(Case, Case.id == DepartmentRequest.case_id)
            .where(DepartmentRequest.status == str(S.OUTSTANDING))
            .order_by(DepartmentRequest.due_on, DepartmentRequest.id)
            .limit(limit)
        ).tuples()
    )


def _outstanding_first() -> ColumnElement[int]:
    return sql_case((DepartmentRequest.status == str(S.OUTSTANDING), 0), else_=1)


def _already_searched(session: DbSession, case: Case, key: str | None) -> bool:
    if key is None:
        return False
    return (
        session.scalar(
            select(DepartmentSearch.id).where(
                DepartmentSearch.case_id == case.id, DepartmentSearch.department_key == key
            )
        )
        is not None
    )


def _check_belongs(case: Case, request: DepartmentRequest) -> None:
    if request.case_id != case.id:
        raise CaseworkError("This department request belongs to another case")


def _queue_email(
    session: DbSession,
    request: DepartmentRequest,
    occasion: DepartmentEmailOccasion,
    moment: datetime,
    *,
    run_after: datetime | None = None,
) -> None:
    job = enqueue(
        session,
        DEPARTMENT_EMAIL_JOB,
        {
            # case_id: the job goes with the case when the retention schedule erases it.
            "case_id": request.case_id,
            "request_id": request.id,
            "occasion": str(occasion),
            "chase": request.chase_count or 0,
        },
        now=moment,
    )
    if run_after is not None:
        job.run_after = run_after
