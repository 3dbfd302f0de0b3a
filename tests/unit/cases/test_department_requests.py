"""C6 through department contacts (portal.cases.department_requests): a caseworker asks a
named contact to search, by a date inside the case's; the answer records the case's search;
each email the contact is sent is one job in the outbox.

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal import outbox
from portal.accounts.models import Role, StaffUser
from portal.cases import department_requests as service
from portal.cases import erasure, errors
from portal.cases.casework_models import DepartmentSearch, DisclosureItem, SearchOutcome
from portal.cases.department_request_models import (
    DEPARTMENT_EMAIL_JOB,
    DepartmentRequest,
    DepartmentRequestStatus,
)
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_steps import CASEWORKER, noon
from tests.unit.cases.conftest import CIPHER as CIPHER_FOR_TESTS
from tests.unit.cases.read_back import MONDAY, actions

TUESDAY = noon(date(2026, 3, 3))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def contact(session, department_key: str = "housing") -> StaffUser:
    user = StaffUser(
        email=f"{department_key}@example.gov.uk",
        name="Priya Shah",
        role=Role.DEPARTMENT_CONTACT,
        department_key=department_key,
        failed_attempts=0,
        created_at=MONDAY,
    )
    session.add(user)
    session.commit()
    return user


def ask(session, case, person, **overrides):
    values = {
        "contact_id": person.id,
        "department": "Housing",
        "department_key": person.department_key,
        "message": "Tenancy and repairs records for the person named in the case, 2019 to now",
        "actor": CASEWORKER,
        "now": TUESDAY,
    }
    values.update(overrides)
    return service.send_request(session, case, **values)


def email_jobs(session) -> list[outbox.Job]:
    return list(
        session.scalars(
            select(outbox.Job)
            .where(outbox.Job.kind == DEPARTMENT_EMAIL_JOB)
            .order_by(outbox.Job.id)
        )
    )


def test_the_default_due_date_is_five_working_days_before_the_case_and_the_contact_is_emailed(
    session, scenarios
):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    assert case.due_on == date(2026, 4, 2)
    request = ask(session, case, contact(session))
    # Thursday 2 April 2026 less five working days (1, 31, 30, 27, 26).
    assert request.due_on == date(2026, 3, 26)
    assert request.status == DepartmentRequestStatus.OUTSTANDING
    assert "department_request_sent" in actions(session, case)
    sent, reminder = email_jobs(session)
    assert sent.payload["occasion"] == "sent"
    assert reminder.payload["occasion"] == "reminder"
    # Two working days before 26 March, at 8 in the morning in London (GMT in March).
    assert reminder.run_after.replace(tzinfo=UTC) == datetime(2026, 3, 24, 8, tzinfo=UTC)


def test_the_due_date_is_inside_the_case_and_not_in_the_past(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    person = contact(session)
    with pytest.raises(errors.InvalidDate, match="on or before the request's, 2 April 2026"):
        ask(session, case, person, due_on=date(2026, 4, 3))
    with pytest.raises(errors.InvalidDate, match="cannot be in the past"):
        ask(session, case, person, due_on=date(2026, 3, 2))
    request = ask(session, case, person, due_on=date(2026, 4, 2))
    assert request.due_on == date(2026, 4, 2)


def test_a_department_is_asked_once_while_it_has_not_answered(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    person = contact(session)
    ask(session, case, person)
    with pytest.raises(errors.CaseworkError, match="already been asked"):
        ask(session, case, person)


def test_only_access_requests_being_worked_on_are_searched(session, scenarios):
    person = contact(session)
    objection = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    with pytest.raises(errors.WrongCaseKind):
        ask(session, objection, person)
    waiting = scenarios.case_in(CaseState.AWAITING_IDENTITY, received=MONDAY)
    with pytest.raises(errors.CaseworkError, match="only while the request is in progress"):
        ask(session, waiting, person)


def test_none_held_answers_the_request_and_records_the_search(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    person = contact(session)
    request = ask(session, case, person)
    service.answer_none_held(
        session, case, request, note="Searched by name and address", actor="staff:9", now=TUESDAY
    )
    assert request.status == DepartmentRequestStatus.NONE_HELD
    assert request.answer_note == "Searched by name and address"
    [search] = session.scalars(select(DepartmentSearch).where(DepartmentSearch.case_id == case.id))
    assert (search.department, search.department_key) == ("Housing", "housing")
    assert search.outcome == SearchOutcome.NONE_HELD
    assert search.searched_on == date(2026, 3, 3)
    with pytest.raises(errors.CaseworkError, match="already been answered"):
        service.answer_none_held(session, case, request, actor="staff:9", now=TUESDAY)
    with pytest.raises(errors.CaseworkError, match="no records are held"):
        service.upload_record(
            session,
            case,
            request,
            title="Tenancy file",
            content=PDF,
            original_name="tenancy.pdf",
            media_type="application/pdf",
            item_date=None,
            actor="staff:9",
            cipher=CIPHER_FOR_TESTS,
            now=TUESDAY,
        )


def test_an_upload_goes_into_the_case_and_records_records_found_once(session, scenarios, cipher):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    request = ask(session, case, contact(session))
    for title in ("Tenancy file", "Repairs log"):
        service.upload_record(
            session,
            case,
            request,
            title=title,
            content=PDF,
            original_name="record.pdf",
            media_type="application/pdf",
            item_date=date(2025, 6, 1),
            actor="staff:9",
            cipher=cipher,
            now=TUESDAY,
        )
    assert request.status == DepartmentRequestStatus.RECORDS_UPLOADED
    items = session.scalars(select(DisclosureItem).where(DisclosureItem.case_id == case.id))
    assert [(i.title, i.source_department_key, i.added_by) for i in items] == [
        ("Tenancy file", "housing", "staff:9"),
        ("Repairs log", "housing", "staff:9"),
    ]
    [search] = session.scalars(select(DepartmentSearch).where(DepartmentSearch.case_id == case.id))
    assert search.outcome == SearchOutcome.RECORDS_FOUND
    assert actions(session, case).count("department_request_answered") == 1


def test_chasing_emails_the_contact_again_until_they_answer(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    request = ask(session, case, contact(session))
    service.chase(session, case, request, actor=CASEWORKER, now=TUESDAY)
    service.chase(session, case, request, actor=CASEWORKER, now=TUESDAY)
    assert request.chase_count == 2
    assert [j.payload["occasion"] for j in email_jobs(session)] == [
        "sent",
        "reminder",
        "chase",
        "chase",
    ]
    assert actions(session, case).count("department_request_chased") == 2
    service.answer_none_held(session, case, request, actor="staff:9", now=TUESDAY)
    with pytest.raises(errors.CaseworkError, match="already answered"):
        service.chase(session, case, request, actor=CASEWORKER, now=TUESDAY)


def test_a_contact_sees_their_own_requests_outstanding_first(session, scenarios):
    housing = contact(session)
    police = contact(session, "police_liaison")
    first = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    second = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    answered = ask(session, first, housing, due_on=date(2026, 3, 20))
    waiting = ask(session, second, housing, due_on=date(2026, 3, 27))
    ask(session, second, police, department="Police liaison")
    service.answer_none_held(session, first, answered, actor="staff:9", now=TUESDAY)
    mine = service.requests_for_contact(session, housing.id)
    assert [(r.id, c.id) for r, c in mine] == [(waiting.id, second.id), (answered.id, first.id)]


def test_erasing_the_case_erases_its_department_requests_and_their_emails(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    ask(session, case, contact(session))
    counts = erasure.erase_case_record(
        session, case, now=TUESDAY, restriction_applies=lambda entry: False
    )
    assert counts["department_requests"] == 1
    assert session.scalars(select(DepartmentRequest)).all() == []
    assert email_jobs(session) == []
