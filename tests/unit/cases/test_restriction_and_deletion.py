"""C14, C15: requests to restrict (UK GDPR Art 18) and to delete (Art 17), as plain
function calls: their clocks, the rules of their decisions, the register, and the notice
before a restriction is lifted.

Sources (legislation.gov.uk/eur/2016/679): Art 12(3): a month from receipt, extendable by
two further months; Art 12A (pausing for clarification) is for Art 15 requests only;
Art 18(1)(a)-(d): the grounds of restriction; Art 18(3): "A data subject who has obtained
restriction of processing pursuant to paragraph 1 shall be informed by the controller
before the restriction of processing is lifted"; Art 17(3)(b): the right to erasure does
not apply to processing necessary "for the performance of a task carried out in the
public interest or in the exercise of official authority vested in the controller";
Art 19: recipients are told of "any rectification or erasure of personal data or
restriction of processing", and the person about them "if the data subject requests it".
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.cases import clock, deadlines, errors, lifting, register, rights_decisions
from portal.cases.actions import Action, allowed_actions
from portal.cases.casework_models import CaseMessage, MessageKind, RestrictionEntry
from portal.cases.models import AuditEvent, CaseKind, CaseState
from portal.cases.rights_models import DeletionOutcome, RestrictionOutcome, RightsDecision
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from portal.instants import aware
from tests.unit.cases.read_back import MONDAY, event_count

R = CaseKind.RESTRICTION
D = CaseKind.DELETION
KINDS = pytest.mark.parametrize("kind", [R, D])


@KINDS
@pytest.mark.parametrize(
    ("received", "due"),
    [
        # C2: day 1 is the day of receipt; the corresponding date a month later.
        (date(2026, 3, 2), date(2026, 4, 2)),
        # No 31 February: the month's last day, 28 February 2026, a Saturday: Monday.
        (date(2026, 1, 31), date(2026, 3, 2)),
        # 4 May 2026 is the early May bank holiday: the next working day.
        (date(2026, 4, 4), date(2026, 5, 5)),
    ],
)
def test_restriction_and_deletion_requests_are_due_a_month_from_receipt(
    scenarios, kind, received, due
):
    """C1-C2 for both kinds (C14), pinned by date and checked against access requests."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, kind, received=noon(received))
    access = scenarios.case_in(CaseState.IN_PROGRESS, received=noon(received))
    assert case.due_on == due == access.due_on == clock.due_date(received)


@KINDS
def test_both_can_be_extended_by_two_months_in_the_first_and_never_paused(session, scenarios, kind):
    """C3: three months in all; C4 is for access requests only."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, kind, received=noon(date(2026, 1, 31)))
    with pytest.raises(errors.ClarificationNotAllowed, match=f"{kind} requests keeps running"):
        deadlines.ask_clarification(session, case, question="Which record?", actor=CASEWORKER)
    session.rollback()
    deadlines.extend(session, case, reason="Records from five services", actor=REVIEWER, now=MONDAY)
    assert case.due_on == date(2026, 4, 30)  # no 31 April: its last day, a Thursday


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        (R, {"outcome": "restricted", "processing": []}, "Choose the uses"),
        (R, {"outcome": "restricted", "processing": ["spying"]}, "Unknown use"),
        (R, {"outcome": "restricted", "processing": ["sharing:mi5"]}, "Unknown use"),
        (R, {"outcome": "not_restricted", "recipients_told": ["schools"]}, "not made"),
        (R, {"outcome": "deleted", "deleted": "All of it"}, "Unknown decision"),
        (D, {"outcome": "deleted", "deleted": "  "}, "Say what was deleted"),
        (D, {"outcome": "partly_deleted"}, "Say what was deleted"),
        (D, {"outcome": "not_deleted", "recipients_told": ["police"]}, "not made"),
        (D, {"outcome": "deleted", "deleted": "Notes", "reasons": " "}, "Give the reasons"),
    ],
)
def test_a_decision_that_breaks_a_rule_is_refused_and_nothing_is_written(
    session, scenarios, kind, values, message
):
    case = scenarios.case_in(CaseState.IN_PROGRESS, kind, received=MONDAY)
    events = event_count(session)
    with pytest.raises(errors.CaseworkError, match=message):
        rights_decisions.propose_rights_decision(
            session, case, actor=CASEWORKER, **{"reasons": "Because", **values}
        )
    session.rollback()
    assert case.state == CaseState.IN_PROGRESS
    assert event_count(session) == events
    assert session.scalars(select(RightsDecision)).all() == []


def test_an_approved_restriction_goes_on_the_register_from_the_day_of_approval(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, R, received=MONDAY)
    decision = scenarios.propose_rights(case, at=noon(date(2026, 3, 4)))
    assert session.scalars(select(RestrictionEntry)).all() == []  # not before approval
    with pytest.raises(errors.OwnDraft):
        rights_decisions.approve_rights_decision(session, case, actor=decision.proposed_by)
    session.rollback()
    scenarios.approve_rights(case, at=noon(date(2026, 3, 6)))
    assert case.state == CaseState.READY
    rows = register.case_restrictions(session, case)
    assert [(r.processing, r.from_date, r.status_text) for r in rows] == [
        ("local_research", date(2026, 3, 6), "In force: request to restrict agreed (Art 18(1))")
    ]
    message = session.scalar(select(CaseMessage).where(CaseMessage.case_id == case.id))
    assert message.kind == MessageKind.RESTRICTION_DECISION
    assert message.params["processing"] == ["local_research"]
    assert message.params["recipients_told"] == ["schools", "health"]  # they asked (Art 19)


def test_a_refused_restriction_or_a_deletion_puts_nothing_on_the_register(session, scenarios):
    refused = scenarios.filed(received=MONDAY, kind=R)
    scenarios.rights(refused, RestrictionOutcome.NOT_RESTRICTED)
    deletion = scenarios.filed(received=MONDAY, kind=D)
    scenarios.rights(deletion, DeletionOutcome.NOT_DELETED)
    assert refused.state == deletion.state == CaseState.COMPLETED
    assert session.scalars(select(RestrictionEntry)).all() == []
    told = session.scalars(select(CaseMessage).where(CaseMessage.case_id == deletion.id)).all()
    assert [(m.kind, m.params["outcome"], m.params["deleted"]) for m in told] == [
        (MessageKind.DELETION_DECISION, "not_deleted", "")
    ]
    assert "Art 17(3)(b)" in told[0].params["reasons"]


def test_a_deletion_says_what_was_deleted_and_who_was_told(session, scenarios):
    case = scenarios.filed(received=MONDAY, kind=D)
    scenarios.rights(case, DeletionOutcome.PARTLY_DELETED)
    message = session.scalar(select(CaseMessage).where(CaseMessage.case_id == case.id))
    assert message.params["deleted"] == "The notes of the 2019 referral, but not its date."
    assert message.params["recipients_told"] == ["schools", "health"]
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
    ).all()
    assert events[-3:] == [
        "deletion_proposed",
        "deletion_approved",
        "response_completed",
    ]


def restricted(scenarios, received=MONDAY):
    return scenarios.rights(scenarios.filed(received=received, kind=R), on_day=10)


def test_the_person_is_told_before_a_restriction_is_lifted(session, scenarios):
    """Art 18(3): the notice comes first; the register shows the use restricted until the
    day it is lifted, and lifted from it."""
    case = restricted(scenarios)
    assert Action.LIFT_RESTRICTION in allowed_actions(session, case)
    told_on = noon(date(2026, 4, 1))
    lifting.give_notice_of_lifting(
        session,
        case,
        processing=["local_research"],
        lift_on=date(2026, 4, 15),
        reasons="The school confirmed its record was accurate.",
        actor=REVIEWER,
        now=told_on,
    )
    message = session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    ).all()[-1]
    assert message.kind == MessageKind.RESTRICTION_LIFTING
    assert (message.params["processing"], message.params["lift_on"]) == (
        ["local_research"],
        "2026-04-15",
    )
    assert aware(message.created_at) < noon(date(2026, 4, 15))
    [entry] = session.scalars(select(RestrictionEntry)).all()
    assert (entry.status, entry.lifted_on) == ("lifted", date(2026, 4, 15))
    assert Action.LIFT_RESTRICTION not in allowed_actions(session, case)  # nothing left


def test_the_register_shows_a_use_still_restricted_until_the_day_it_is_lifted(session, scenarios):
    case = restricted(scenarios, received=noon(clock.london_today() - timedelta(days=20)))
    lifting.give_notice_of_lifting(
        session,
        case,
        processing=["local_research"],
        lift_on=clock.london_today() + timedelta(days=14),
        reasons="The school confirmed its record was accurate.",
        actor=REVIEWER,
    )
    [row] = register.case_restrictions(session, case)
    assert row.applies
    assert row.status_text == "In force; the person has been told it is lifted (Art 18(3))"


@pytest.mark.parametrize(
    ("processing", "lift_on", "message"),
    [
        (["local_research"], date(2026, 4, 1), "Choose a day after today"),
        (["local_research"], date(2026, 3, 31), "Choose a day after today"),
        ([], date(2026, 4, 15), "Choose the restricted uses"),
        (["programme"], date(2026, 4, 15), "Not restricted now: programme"),
    ],
)
def test_lifting_without_notice_or_of_what_is_not_restricted_is_refused(
    session, scenarios, processing, lift_on, message
):
    case = restricted(scenarios)
    events = event_count(session)
    with pytest.raises(errors.DecisionInvalid, match=message):
        lifting.give_notice_of_lifting(
            session,
            case,
            processing=processing,
            lift_on=lift_on,
            reasons="Checked",
            actor=REVIEWER,
            now=noon(date(2026, 4, 1)),
        )
    session.rollback()
    assert event_count(session) == events
    [entry] = session.scalars(select(RestrictionEntry)).all()
    assert entry.status == "in_force"


def test_only_a_request_to_restrict_is_lifted_this_way(session, scenarios):
    deletion = scenarios.case_in(CaseState.IN_PROGRESS, D, received=MONDAY)
    with pytest.raises(errors.WrongCaseKind):
        lifting.give_notice_of_lifting(
            session,
            deletion,
            processing=["programme"],
            lift_on=date(2030, 1, 1),
            reasons="No",
            actor=REVIEWER,
        )
