"""C9, C12: an objection is assessed, a decision proposed and approved by someone else, and
what it upholds goes on the restriction register (portal.cases.objections).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from portal.cases import closing, errors, messages, objections, review
from portal.cases.casework_models import DecisionOutcome, MessageKind, RestrictionEntry
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.override_tests import OverrideTest
from portal.cases.scenario_steps import CASEWORKER, REVIEWER
from tests.unit.cases.read_back import MONDAY, event_count

AFFECTED = ["programme", "sharing:police", "national_study"]


def assessed(scenarios, **grounds) -> Case:
    """An objection weighed against AFFECTED, with grounds to continue all of it unless the
    test says otherwise."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    values = {
        "compelling_grounds": "Safeguarding concerns for two younger children",
        "public_interest_research": "The study is required by the national programme",
        **grounds,
    }
    scenarios.assess(
        case,
        grounds_raised="Domestic abuse survivor; fears the police link",
        processing=AFFECTED,
        at=MONDAY,
        **values,
    )
    return case


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


def test_an_assessment_accepts_known_processing_only(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
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
def test_a_decision_must_agree_with_its_outcome(session, scenarios, outcome, upheld):
    case = assessed(scenarios)
    with pytest.raises(errors.DecisionInvalid):
        scenarios.propose(case, outcome, upheld)
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
def test_valid_decisions_go_to_review(session, scenarios, outcome, upheld, expected):
    case = assessed(scenarios)
    decision = scenarios.propose(case, outcome, upheld)
    assert case.state == CaseState.IN_REVIEW
    assert decision.upheld_processing == expected
    assert review.pending_review(session, case) is not None


def test_a_decision_needs_reasons_and_an_assessment(session, scenarios):
    with pytest.raises(errors.MissingText):
        scenarios.propose(assessed(scenarios), DecisionOutcome.UPHELD, [], reasons="")
    with pytest.raises(errors.NoAssessment):
        scenarios.propose(
            scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY),
            DecisionOutcome.UPHELD,
            [],
        )


def test_processing_continues_only_with_its_whole_test(session, scenarios):
    """C9: without a recorded test (Art 21(1): situation, grounds, why they override, or
    a legal claim) the programme link-up must stop; without a public-interest task (Art
    21(6)) the research must stop. The refusal names each missing part of each use."""
    case = assessed(scenarios, compelling_grounds="", public_interest_research="")
    events = event_count(session)
    with pytest.raises(errors.OverrideTestIncomplete) as refused:
        scenarios.propose(case, DecisionOutcome.NOT_UPHELD, [])
    # Said as the case page describes the processing, never by its stored key.
    programme = "Linking their information for the Think Family programme"
    study = "Sending their information to the National Impact Study (ONS and NIESR)"
    assert refused.value.field_errors == {
        ("programme", "situation"): f"{programme}: Describe the person's particular situation",
        ("programme", "council_grounds"): (
            f"{programme}: Give the council's compelling legitimate grounds, or the legal "
            "claim the information is needed for"
        ),
        ("programme", "why_overrides"): (
            f"{programme}: Explain why the council's grounds override the person's "
            "interests, rights and freedoms (Art 21(1))"
        ),
        ("sharing:police", "situation"): (
            "Sharing their information with the police: Describe the person's particular situation"
        ),
        ("sharing:police", "council_grounds"): refused.value.field_errors[
            "sharing:police", "council_grounds"
        ],
        ("sharing:police", "why_overrides"): refused.value.field_errors[
            "sharing:police", "why_overrides"
        ],
        ("national_study", "situation"): f"{study}: Describe the person's particular situation",
        ("national_study", "public_interest_task"): (
            f"{study}: Explain why the research is necessary for a task carried out in the "
            "public interest (Art 21(6))"
        ),
    }
    session.rollback()
    assert case.state == CaseState.IN_PROGRESS and event_count(session) == events
    decision = scenarios.propose(case, DecisionOutcome.UPHELD, [])
    assert decision.upheld_processing == AFFECTED


def test_a_test_with_a_missing_part_is_refused_per_field_and_nothing_is_saved(session, scenarios):
    """C9: grounds without the person's situation or why they override it are not a test
    (Art 21(1)); nothing is saved."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    events = event_count(session)
    with pytest.raises(errors.OverrideTestIncomplete) as refused:
        objections.assess_objection(
            session,
            case,
            grounds_raised="Fears the police link",
            processing_affected=["programme", "national_study"],
            tests={
                "programme": OverrideTest(council_grounds="Child protection plan"),
                "national_study": OverrideTest(council_grounds="Needed nationally"),
            },
            actor=CASEWORKER,
        )
    assert set(refused.value.field_errors) == {
        ("programme", "situation"),
        ("programme", "why_overrides"),
        ("national_study", "situation"),
        ("national_study", "public_interest_task"),  # research: its own test (Art 21(6))
    }
    session.rollback()
    assert objections.latest_assessment(session, case) is None
    assert event_count(session) == events


def test_a_whole_test_lets_a_use_carry_on_and_is_kept_per_use(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    test = OverrideTest(
        situation="Fears her former partner",
        council_grounds="Child protection plan",
        why_overrides="The children's safety outweighs the risk, which is managed",
    )
    assessment = objections.assess_objection(
        session,
        case,
        grounds_raised="Fears the police link",
        processing_affected=["programme", "national_study"],
        tests={"programme": test, "national_study": OverrideTest()},
        actor=CASEWORKER,
    )
    assert objections.must_stop(assessment) == ["national_study"]
    assert objections.override_test(assessment, "programme") == test
    decision = scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["national_study"])
    assert decision.upheld_processing == ["national_study"]


def test_legal_claims_let_public_task_processing_continue_but_not_research(session, scenarios):
    case = assessed(
        scenarios, compelling_grounds="", public_interest_research="", legal_claims=True
    )
    with pytest.raises(errors.ObjectionNotOverridden, match=r"test: .*\. Sending .*Study"):
        scenarios.propose(case, DecisionOutcome.NOT_UPHELD, [])
    decision = scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["national_study"])
    assert decision.upheld_processing == ["national_study"]


def test_an_approved_decision_fills_the_register_and_tells_the_requester(session, scenarios):
    case = assessed(scenarios)
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["sharing:police", "national_study"])
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


def test_a_returned_decision_can_be_proposed_again(session, scenarios):
    case = assessed(scenarios)
    scenarios.propose(case, DecisionOutcome.NOT_UPHELD, [])
    review.return_for_changes(session, case, actor=REVIEWER, comments="Uphold the study")
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["national_study"])
    entries = objections.approve_decision(session, case, actor=REVIEWER)
    assert [e.processing for e in entries] == ["national_study"]


def test_access_and_objection_reviews_do_not_mix(session, scenarios):
    with pytest.raises(errors.WrongCaseKind):
        objections.approve_decision(
            session, scenarios.case_in(CaseState.IN_REVIEW, received=MONDAY), actor=REVIEWER
        )
    case = assessed(scenarios)
    scenarios.propose(case, DecisionOutcome.UPHELD, [])
    with pytest.raises(errors.WrongCaseKind):
        review.approve(session, case, actor=REVIEWER)


def test_entries_are_created_only_on_approval(session, scenarios):
    case = assessed(scenarios)
    scenarios.propose(case, DecisionOutcome.UPHELD, [])
    assert session.scalar(select(func.count(RestrictionEntry.id))) == 0
