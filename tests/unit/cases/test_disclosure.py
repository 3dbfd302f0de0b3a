"""C6-C8: searches department by department, the items of an access response, and the
exemptions applied to them (portal.cases.disclosure).

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.cases import casework_models as cm
from portal.cases import disclosure, errors
from portal.cases.casework_models import DisclosureKind, ExemptionCode, SearchOutcome
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_steps import CASEWORKER
from tests.unit.cases.read_back import MONDAY


def test_a_department_not_searched_needs_a_reason(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
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


def test_a_department_is_recorded_once_whatever_its_case_or_spacing(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    scenarios.search(case)  # "Early Help"
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
    scenarios.search(scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY))
    departments = session.scalars(
        select(cm.DepartmentSearch.department)
        .where(cm.DepartmentSearch.case_id == case.id)
        .order_by(cm.DepartmentSearch.id)
    )
    assert list(departments) == ["Early Help", "Early Help Hub East"]


def test_a_department_is_recorded_once_by_its_profile_key_whatever_its_name(session, scenarios):
    """A row typed before departments had keys ("Housing Services", given the key housing by
    migration 0011) and a search picked from the profile's list ("Housing") are one
    department: the letter would otherwise list housing twice."""
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
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


def test_searches_wait_for_identity(session, scenarios):
    case = scenarios.filed(received=MONDAY)
    with pytest.raises(errors.CaseworkError, match="in progress"):
        scenarios.search(case)


def test_an_uploaded_item_is_encrypted_at_rest_and_bound_to_its_case(session, scenarios, cipher):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
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
        cipher=cipher,
        original_name="minutes.pdf",
        media_type="application/pdf",
        now=MONDAY,
    )
    assert item.encrypted is not None
    assert b"case conference" not in item.encrypted
    assert disclosure.decrypt_disclosure_item(case, item, cipher=cipher) == content
    assert item.exemptions == ["third_party"]
    other = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        disclosure.decrypt_disclosure_item(other, item, cipher=cipher)


def test_an_exemption_must_be_explained_for_the_item(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
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


def test_a_typed_item_needs_text_and_only_access_requests_have_items(session, scenarios):
    with pytest.raises(errors.MissingText):
        disclosure.add_disclosure_item(
            session,
            scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY),
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
            scenarios.case_in(CaseState.IN_PROGRESS, CaseKind.OBJECTION, received=MONDAY),
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


# DPA 2018 Schedule 4 (disclosure prohibited or restricted by an enactment): the items that
# arise in children's services in England (issue 13 point 9). Paragraphs: 3, adoption records
# and reports; 4, statements and records of special educational needs (in England, EHC plans
# under Part 3 of the Children and Families Act 2014, whose disclosure regulation 17 of the
# Special Educational Needs and Disability Regulations 2014 restricts); 5, parental order
# records and reports (parental orders under the Human Fertilisation and Embryology Act 2008
# s.54 and s.54A). Checked: the heading of regulation 17 ("Restriction on disclosure of EHC
# plans") at legislation.gov.uk/uksi/2014/1530, and regulation 41 of the Adoption Agencies
# Regulations 2005 ("Confidentiality of case records") at legislation.gov.uk/uksi/2005/389.
# Schedule 4's own page (legislation.gov.uk/ukpga/2018/12/schedule/4) was not retrievable
# here: its paragraph numbers are the issue's, to be checked against it.
SCHEDULE_4 = {
    ExemptionCode.ADOPTION_RECORDS: ("DPA 2018 Sch 4 para 3", "adoption records or reports"),
    ExemptionCode.SPECIAL_EDUCATIONAL_NEEDS: (
        "DPA 2018 Sch 4 para 4",
        "an education, health and care plan",
    ),
    ExemptionCode.PARENTAL_ORDER_RECORDS: ("DPA 2018 Sch 4 para 5", "a parental order"),
}


@pytest.mark.parametrize("code", list(SCHEDULE_4))
def test_schedule_4_exemptions_name_their_paragraph_and_say_plainly_what_was_withheld(code):
    source, plain = SCHEDULE_4[code]
    exemption = disclosure.EXEMPTIONS[code]
    assert exemption.source == source
    assert plain in exemption.resident_explanation
    # Plain words for any requester, a parent or the person themselves: no "you" to adapt.
    assert " you" not in exemption.resident_explanation.lower()


def test_the_sen_exemption_names_the_instruments_that_apply_in_england():
    staff = disclosure.EXEMPTIONS[ExemptionCode.SPECIAL_EDUCATIONAL_NEEDS].staff_explanation
    assert "Children and Families Act 2014" in staff
    assert "regulation 17 of the Special Educational Needs and Disability Regulations 2014" in (
        " ".join(staff.split())
    )
    parental = disclosure.EXEMPTIONS[ExemptionCode.PARENTAL_ORDER_RECORDS].staff_explanation
    assert "section 54 or 54A of the Human Fertilisation and Embryology Act 2008" in parental


def test_an_item_may_be_withheld_under_schedule_4(session, scenarios):
    case = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    item = disclosure.add_disclosure_item(
        session,
        case,
        source_department="Children's social care",
        title="Adoption panel report",
        kind=DisclosureKind.TYPED,
        content="The panel's recommendation.",
        item_date=None,
        exemptions=list(SCHEDULE_4),
        redaction_note="Panel report withheld in full",
        actor=CASEWORKER,
        now=MONDAY,
    )
    assert item.exemptions == [
        "adoption_records",
        "special_educational_needs",
        "parental_order_records",
    ]
