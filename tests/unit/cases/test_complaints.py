"""Complaints to the council (C13): the clock, the acknowledgement on receipt, progress,
the outcome with a reviewer who did not draft it, and the counts per period.

Source: DPA 2018 s.164A, inserted by the Data (Use and Access) Act 2025 s.103, in force
from 19 June 2026 (https://www.legislation.gov.uk/ukpga/2025/18/section/103):
(3) "acknowledge receipt of the complaint within the period of 30 days beginning when the
complaint is received"; (4) "without undue delay ... take appropriate steps to
respond ... and inform the complainant of the outcome"; (5) the steps include "informing
the complainant about progress on the complaint". s.164B: regulations may require
controllers to report the number of complaints received in each period.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.cases import clock, complaints, intake, reports
from portal.cases.casework_models import MessageKind, ReviewDecision
from portal.cases.errors import MissingText, OwnDraft, WrongCaseKind
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_requests import complaint_details, person
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from portal.cases.workflow import TransitionNotAllowed
from portal.outbox import Job
from tests.unit.cases.read_back import actions, case_messages, message_jobs

S = CaseState
JUNE_19 = date(2026, 6, 19)  # s.164A in force


@pytest.mark.parametrize(
    ("received", "last_day"),
    [
        (JUNE_19, date(2026, 7, 18)),  # day 1 is 19 June; day 30 is 18 July
        (date(2026, 2, 1), date(2026, 3, 2)),  # February: 28 days, then 2 March is day 30
        (date(2026, 12, 20), date(2027, 1, 18)),  # across the year end
        (date(2026, 8, 1), date(2026, 8, 30)),  # ends on a Sunday: calendar days, not moved
    ],
)
def test_the_acknowledgement_is_due_on_the_thirtieth_day_counting_the_day_received(
    received, last_day
):
    """s.164A(3): "the period of 30 days beginning when the complaint is received", read
    strictly: the day of receipt is day 1, so the last day is 29 days after it. (The ICO's
    guidance starts the count the day after and moves a weekend to the next working day:
    never earlier than this.)"""
    assert complaints.acknowledgement_due(received) == last_day
    assert (last_day - received).days + 1 == 30


def test_the_outcome_target_is_one_month_counted_as_c2_counts_it():
    """s.164A(4) sets no date ("without undue delay"): the council's target is a month by
    C2, moved off a weekend or bank holiday."""
    assert complaints.outcome_target(JUNE_19) == date(2026, 7, 20)  # 19 July is a Sunday
    assert complaints.outcome_target(date(2026, 1, 31)) == date(2026, 3, 2)  # 28 Feb: Saturday
    assert complaints.outcome_target(date(2026, 3, 2)) == clock.due_date(date(2026, 3, 2))


def test_a_complaint_is_acknowledged_the_moment_it_arrives(session, scenarios):
    """No proof of identity: in progress from receipt; the acknowledgement is on the
    tracking page and emailed the same day, so always within the 30 days."""
    # 23:30 on 18 June UTC is 00:30 on 19 June in London (BST): received on the 19th.
    arrived = datetime(2026, 6, 18, 23, 30, tzinfo=UTC)
    case = scenarios.filed(received=arrived, kind=CaseKind.COMPLAINT)
    assert case.received_on == JUNE_19
    assert case.state == S.IN_PROGRESS
    assert case.clock_started_on == JUNE_19
    assert case.due_on == date(2026, 7, 20)
    assert actions(session, case) == ["request_submitted", "complaint_acknowledged"]
    [message] = case_messages(session, case)
    assert message.kind == MessageKind.COMPLAINT_ACKNOWLEDGEMENT
    assert message.visible_to_resident
    assert message.params == {
        "received_on": "2026-06-19",
        "acknowledgement_due_on": "2026-07-18",
        "outcome_target_on": "2026-07-20",
    }
    acknowledged = complaints.acknowledged_on(session, case)
    assert acknowledged == JUNE_19 <= complaints.acknowledgement_due(case.received_on)
    assert [job.payload for job in message_jobs(session)] == [
        {"message_id": message.id, "case_id": case.id}
    ]
    confirmations = session.scalars(select(Job).where(Job.kind == "email.request_received"))
    assert not list(confirmations)  # the acknowledgement is the confirmation


def test_past_the_daily_email_cap_the_acknowledgement_is_still_on_the_tracking_page(
    session, scenarios, cipher
):
    cap = intake.email_cap.EmailCap(secret="test", per_day=1)
    address = "capped@example.com"
    for key in ("first", "second"):
        intake.submit_request(
            session,
            _complaint_submission(address),
            idempotency_key=key,
            cipher=cipher,
            now=noon(JUNE_19),
            cap=cap,
        )
    second = intake.find_by_idempotency_key(session, "second")
    [message] = case_messages(session, second)
    assert message.kind == MessageKind.COMPLAINT_ACKNOWLEDGEMENT
    assert not [j for j in message_jobs(session) if j.payload.get("case_id") == second.id]


def _complaint_submission(email: str):
    from portal.cases.scenario_requests import submission

    return submission(kind=CaseKind.COMPLAINT, subject=person(email=email))


def test_progress_is_told_to_the_complainant_and_needs_words(session, scenarios):
    case = scenarios.filed(received=noon(JUNE_19), kind=CaseKind.COMPLAINT)
    with pytest.raises(MissingText):
        complaints.record_progress(session, case, update="  ", actor=CASEWORKER)
    message = complaints.record_progress(
        session, case, update="We have asked the post room.", actor=CASEWORKER
    )
    assert message.kind == MessageKind.COMPLAINT_PROGRESS
    assert message.params == {"update": "We have asked the post room."}
    assert actions(session, case)[-1] == "complaint_progress_reported"


def test_the_outcome_is_approved_by_someone_else_and_then_told(session, scenarios):
    case = scenarios.filed(received=noon(JUNE_19), kind=CaseKind.COMPLAINT)
    complaints.propose_outcome(session, case, outcome="We apologise.", actor=CASEWORKER)
    assert case.state == S.IN_REVIEW
    with pytest.raises(OwnDraft):
        complaints.approve_outcome(session, case, actor=CASEWORKER)
    session.rollback()
    assert case.state == S.IN_REVIEW
    message = complaints.approve_outcome(session, case, actor=REVIEWER)
    assert case.state == S.READY
    assert message.kind == MessageKind.COMPLAINT_OUTCOME
    assert message.params["outcome"] == "We apologise."
    assert message.params["rights"] == ["complain_to_ico", "go_to_court"]
    assert actions(session, case)[-2:] == [
        "complaint_outcome_proposed",
        "complaint_outcome_approved",
    ]
    from portal.cases.review import pending_review

    assert pending_review(session, case) is None
    [review] = [r for r in session.scalars(_reviews(case))]
    assert (review.decision, review.decided_by) == (ReviewDecision.APPROVED, REVIEWER)


def _reviews(case):
    from portal.cases.casework_models import Review

    return select(Review).where(Review.case_id == case.id)


def test_complaint_steps_refuse_other_kinds_and_closed_complaints(session, scenarios):
    access = scenarios.case_in(S.IN_PROGRESS, received=noon(JUNE_19))
    with pytest.raises(WrongCaseKind):
        complaints.record_progress(session, access, update="x", actor=CASEWORKER)
    session.rollback()
    done = scenarios.case_in(S.COMPLETED, CaseKind.COMPLAINT, received=noon(JUNE_19))
    with pytest.raises(TransitionNotAllowed):
        complaints.propose_outcome(session, done, outcome="again", actor=CASEWORKER)


def test_an_earlier_reference_links_the_case_only_when_it_exists(session, scenarios):
    earlier = scenarios.filed(received=noon(date(2026, 6, 1)))
    linked = scenarios.filed(
        received=noon(JUNE_19),
        kind=CaseKind.COMPLAINT,
        details=complaint_details(earlier=earlier.reference),
    )
    assert complaints.earlier_case(session, linked).id == earlier.id
    unknown = scenarios.filed(
        received=noon(JUNE_19), kind=CaseKind.COMPLAINT, details=complaint_details()
    )
    assert complaints.earlier_reference(unknown) == ""
    assert complaints.earlier_case(session, unknown) is None


def test_the_report_counts_complaints_received_acknowledged_and_closed(session, scenarios):
    """s.164B: the counts per period; s.164A(3): acknowledged within the 30 days."""
    july = date(2026, 7, 1)
    for state in (S.IN_PROGRESS, S.COMPLETED, S.WITHDRAWN):
        scenarios.case_in(state, CaseKind.COMPLAINT, received=noon(date(2026, 7, 6)))
    scenarios.case_in(S.IN_PROGRESS, received=noon(date(2026, 7, 6)))  # an access request
    report = reports.monthly_report(session, july)
    figures = dict(report.by_kind.rows)[CaseKind.COMPLAINT]
    assert (figures.received, figures.acknowledged_in_time) == (3, 3)
    assert figures.completed + figures.refused + figures.withdrawn == 2
    assert report.total.acknowledged_in_time == 3
    access = dict(report.by_kind.rows)[CaseKind.ACCESS]
    assert access.acknowledged_in_time == 0
