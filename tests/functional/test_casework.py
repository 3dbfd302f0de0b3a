"""Casework on the migrated database: an access request from receipt to release, an
objection from assessment to the restriction register, and a letter keyed in by staff.

These run on the schema the migrations build (SQLite here, PostgreSQL in CI), through the
app's own session, so the JSON, date and locking behaviour is the production one.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date

import pytest
from sqlalchemy import select

from portal.cases import (
    allocation,
    audit,
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
    tracking,
)
from portal.cases.casework_models import (
    CaseMessage,
    DecisionOutcome,
    DisclosureItem,
    DisclosureKind,
    ExemptionCode,
    MessageKind,
    SearchOutcome,
)
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.override_tests import OverrideTest
from portal.cases.scenario_requests import person, submission
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from portal.outbox import Job

RECEIVED = noon(date(2026, 3, 2))


def message_jobs(session, case: Case) -> list[dict]:
    jobs = session.scalars(select(Job).where(Job.kind == "email.case_message").order_by(Job.id))
    return [job.payload for job in jobs if job.payload.get("case_id") == case.id]


def test_an_access_request_from_receipt_to_release(session, scenarios, cipher):
    case = scenarios.filed(received=RECEIVED)
    identity.request_identity(
        session,
        case,
        what_is_needed="Proof of address",
        actor=CASEWORKER,
        now=noon(date(2026, 3, 3)),
    )
    identity.accept_identity(
        session,
        case,
        evidence_arrived_on=date(2026, 3, 5),
        actor=CASEWORKER,
        now=noon(date(2026, 3, 6)),
    )
    allocation.assign(
        session, case, assignee=CASEWORKER, actor=REVIEWER, now=noon(date(2026, 3, 6))
    )
    deadlines.ask_clarification(
        session, case, question="Which years?", actor=CASEWORKER, now=noon(date(2026, 3, 9))
    )
    deadlines.record_clarification_answer(
        session,
        case,
        answer="Since 2020",
        answered_on=date(2026, 3, 11),
        actor=CASEWORKER,
        now=noon(date(2026, 3, 11)),
    )
    # 5 March + 1 month = 5 April (a Sunday), + 3 paused days = 8 April, a Wednesday.
    assert case.due_on == date(2026, 4, 8)
    deadlines.extend(
        session,
        case,
        reason="Six departments hold records",
        actor=CASEWORKER,
        now=noon(date(2026, 3, 12)),
    )
    assert case.due_on == date(2026, 6, 8)
    for department, outcome in (
        ("Early Help", SearchOutcome.RECORDS_FOUND),
        ("Housing", SearchOutcome.NONE_HELD),
    ):
        disclosure.record_search(
            session,
            case,
            department=department,
            searched_on=date(2026, 3, 13),
            outcome=outcome,
            actor=CASEWORKER,
            now=noon(date(2026, 3, 13)),
        )
    item = disclosure.add_disclosure_item(
        session,
        case,
        source_department="Early Help",
        title="Family support plan",
        kind=DisclosureKind.UPLOADED,
        content=b"%PDF-1.7 support plan",
        item_date=date(2025, 9, 1),
        exemptions=[ExemptionCode.THIRD_PARTY, ExemptionCode.SOCIAL_WORK_SERIOUS_HARM],
        redaction_note="Grandmother's health details removed",
        actor=CASEWORKER,
        cipher=cipher,
        original_name="plan.pdf",
        media_type="application/pdf",
        now=noon(date(2026, 3, 16)),
    )
    review.submit_for_review(session, case, actor=CASEWORKER, summary="One plan, redacted")
    review.approve(session, case, actor=REVIEWER)
    closing.complete(session, case, actor=CASEWORKER)
    session.expire_all()

    stored = session.get(Case, case.id)
    assert stored.state == CaseState.COMPLETED
    assert (stored.clock_started_on, stored.extended) == (date(2026, 3, 5), True)
    saved = session.get(DisclosureItem, item.id)
    assert saved.exemptions == ["third_party", "social_work_serious_harm"]
    assert (
        disclosure.decrypt_disclosure_item(stored, saved, cipher=cipher) == b"%PDF-1.7 support plan"
    )
    assert allocation.assignee_of(session, stored) == CASEWORKER
    kinds = [m.kind for m in messages.messages_for(session, stored)]
    assert kinds == [
        MessageKind.RESPONSE_READY,
        MessageKind.EXTENSION_NOTICE,
        MessageKind.CLARIFICATION_REQUEST,
        MessageKind.IDENTITY_REQUEST,
    ]
    ids = [m.id for m in reversed(messages.messages_for(session, stored))]
    assert [p["message_id"] for p in message_jobs(session, stored)] == ids
    assert audit.verify(session) > 0
    timeline = [entry.action for entry in tracking.timeline(session, stored)]
    assert timeline[0] == "response_completed"
    assert timeline[-1] == "request_submitted"


def test_an_upheld_objection_reaches_the_restriction_register(session, scenarios):
    case = scenarios.filed(
        received=RECEIVED,
        kind=CaseKind.OBJECTION,
        subject=person(full_name='=HYPERLINK("http://evil.example","x")'),
        details={"processing": {"processing": ["programme", "sharing"], "agencies": ["police"]}},
    )
    identity.accept_identity(
        session,
        case,
        evidence_arrived_on=date(2026, 3, 2),
        actor=CASEWORKER,
        now=noon(date(2026, 3, 2)),
    )
    affected = objections.processing_objected_to(case)
    assert affected == ["programme", "sharing:police"]
    objections.assess_objection(
        session,
        case,
        grounds_raised="Fled domestic abuse; the police link puts her at risk",
        processing_affected=affected,
        tests={
            "programme": OverrideTest(
                situation="Fled domestic abuse",
                council_grounds="Child protection plan requires the programme link",
                why_overrides="The children's protection outweighs the risk, managed by hiding "
                "her address",
            )
        },
        actor=CASEWORKER,
    )
    objections.propose_decision(
        session,
        case,
        outcome=DecisionOutcome.PARTLY_UPHELD,
        upheld_processing=["sharing:police"],
        reasons="Her safety outweighs the benefit of sharing with the police",
        actor=CASEWORKER,
    )
    with pytest.raises(errors.OwnDraft):
        objections.approve_decision(session, case, actor=CASEWORKER)
    session.rollback()
    objections.approve_decision(session, case, actor=REVIEWER, now=noon(date(2026, 3, 20)))
    session.expire_all()

    assert session.get(Case, case.id).state == CaseState.READY
    rows = [r for r in register.restriction_register(session) if r.reference == case.reference]
    assert [(r.processing, r.from_date) for r in rows] == [("sharing:police", date(2026, 3, 20))]
    lines = list(csv.reader(io.StringIO(register.restriction_register_csv(rows))))
    assert lines[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    message = session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)).one()
    assert message.kind == MessageKind.DECISION_READY
    assert message.params["upheld_processing"] == ["sharing:police"]
    assert message.params["continuing_processing"] == ["programme"]
    assert audit.verify(session) > 0


def test_a_letter_keyed_in_later_keeps_the_day_it_arrived(session, cipher):
    case = intake.log_staff_intake(
        session,
        submission(subject=person(email="")),
        channel=Channel.LETTER,
        received_at=noon(date(2026, 2, 27)),
        actor=CASEWORKER,
        idempotency_key=secrets.token_urlsafe(16),
        cipher=cipher,
        now=noon(date(2026, 3, 4)),
    )
    session.expire_all()
    stored = session.get(Case, case.id)
    assert (stored.channel, stored.received_on, stored.due_on) == (
        Channel.LETTER,
        date(2026, 2, 27),
        date(2026, 3, 27),
    )
    assert stored.details["staff_intake"]["keyed_in_by"] == CASEWORKER


def test_a_refusal_by_the_reviewer_closes_the_case(session, scenarios):
    case = scenarios.filed(received=RECEIVED)
    with pytest.raises(errors.ReviewerRequired):
        closing.refuse(session, case, actor=CASEWORKER, actor_role="caseworker", reasons="x")
    closing.refuse(
        session,
        case,
        actor=REVIEWER,
        actor_role="reviewer",
        reasons="A copy of the same records was sent three weeks ago",
    )
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored.state == CaseState.REFUSED
    assert not tracking.can_withdraw(stored)
    [message] = messages.messages_for(session, stored)
    assert message.kind == MessageKind.REFUSAL
