"""Cases a month's report counts events of: an extension, complaints acknowledged on
receipt, internal reviews asked for and decided, ICO cases recorded and closed, each in
March 2026 (and a few in February, which March does not count), done by the real
casework functions. Shared by the report tests and the migration 0027 test."""

from __future__ import annotations

from datetime import date

from portal.cases import ico_cases
from portal.cases.after_decision_models import IcoOutcome
from portal.cases.models import CaseKind, CaseState, Channel
from portal.cases.scenario_steps import REVIEWER, noon
from portal.cases.scenarios import Scenarios

MARCH = date(2026, 3, 1)


def events_in_march(scenarios: Scenarios) -> None:
    session = scenarios.session
    extended = scenarios.case_in(CaseState.IN_PROGRESS, received=noon(date(2026, 3, 2)))
    scenarios.extend(extended, reason="Complex", at=noon(date(2026, 3, 10)))
    early = scenarios.case_in(CaseState.IN_PROGRESS, received=noon(date(2026, 2, 2)))
    scenarios.extend(early, reason="Complex", at=noon(date(2026, 2, 20)))  # February's
    for day, channel in ((3, Channel.ONLINE), (4, Channel.PHONE), (27, Channel.ONLINE)):
        scenarios.case_in(
            CaseState.IN_PROGRESS,
            CaseKind.COMPLAINT,
            received=noon(date(2026, 3 if day < 27 else 2, day)),
            channel=channel,
        )
    reviewed = scenarios.case_in(
        CaseState.COMPLETED, received=noon(date(2026, 1, 5)), hub_source="south-east"
    )
    review = scenarios.ask_review(reviewed, at=noon(date(2026, 2, 25)))  # asked in February
    scenarios.decide_review(reviewed, review, at=noon(date(2026, 3, 12)))  # decided in March
    asked = scenarios.case_in(CaseState.COMPLETED, received=noon(date(2026, 2, 2)))
    scenarios.ask_review(asked, at=noon(date(2026, 3, 16)))
    for case, letter, closed in ((reviewed, 4, 25), (asked, 20, None)):
        ico = ico_cases.record_ico_case(
            session,
            case,
            ico_reference=f"IC-12345{letter % 10}-A1B2",
            received_on=date(2026, 3, letter),
            what_ico_asked="Why the search missed the school's records",
            actor=REVIEWER,
            now=noon(date(2026, 3, letter)),
        )
        if closed:
            ico_cases.close_ico_case(
                session,
                case,
                ico,
                outcome=IcoOutcome.NO_FURTHER_ACTION,
                note="The search was reasonable",
                closed_on=date(2026, 3, closed),
                actor=REVIEWER,
                now=noon(date(2026, 3, closed)),
            )
