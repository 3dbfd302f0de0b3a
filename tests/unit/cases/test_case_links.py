"""Linked and duplicate requests (issue 19 point 1; portal.cases.case_links): possible
duplicates found by email, name and date of birth, data subject and household address;
links made and removed with an audit event on both requests; a duplicate merged into its
original, counted once in the monthly figures.

Plain function calls on a throwaway SQLite database (tests/unit/cases/conftest.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.cases import case_links, case_months, closing, errors, match_keys
from portal.cases.case_links import MatchReason as R
from portal.cases.casework_models import RefusalGround
from portal.cases.link_models import CaseLink, LinkKind
from portal.cases.messages import RIGHTS_TO_COMPLAIN
from portal.cases.models import AuditEvent, CaseState
from portal.cases.scenario_requests import on_behalf_of, person
from portal.cases.scenario_steps import CASEWORKER, REVIEWER, noon
from tests.unit.cases.read_back import MONDAY, actions

LATER = noon(date(2026, 3, 9))


def reasons_for(session, case) -> dict[str, tuple[R, ...]]:
    return {r.case.reference: r.reasons for r in case_links.related_cases(session, case)}


def test_keys_ignore_case_accents_spacing_and_punctuation():
    assert match_keys.email_key(" Anna@Example.COM ") == "anna@example.com"
    assert match_keys.email_key("") is None
    born = date(1990, 2, 3)
    assert match_keys.name_key("Agnieszka  Żółć", born) == match_keys.name_key(
        "agnieszka zolc", born
    )
    assert match_keys.name_key("Agnieszka Żółć", None) is None
    assert match_keys.household_key("12, Westgate\nWakefield", "wf1 2eb") == (
        match_keys.household_key("12 Westgate, Wakefield", "WF1 2EB")
    )
    assert match_keys.household_key("12 Westgate", "") is None
    assert match_keys.household_key("14 Westgate", "WF1 2EB") != match_keys.household_key(
        "12 Westgate", "WF1 2EB"
    )


def test_possible_duplicates_are_found_with_each_reason(session, scenarios):
    first = scenarios.filed(received=MONDAY)  # Anna Kowalska, anna@example.com, 12 Westgate
    same_person = scenarios.filed(
        received=LATER, subject=person(full_name="ANNA KOWALSKA", email="a.k@example.org")
    )
    same_email = scenarios.filed(
        received=LATER,
        subject=person(
            full_name="Piotr Kowalski",
            date_of_birth=date(1985, 1, 1),
            address="3 Other Road",
            postcode="WF2 9AA",
        ),
    )
    same_house = scenarios.filed(
        received=LATER,
        subject=person(
            full_name="Ola Kowalska",
            date_of_birth=date(2012, 5, 5),
            email="",
            address="12 WESTGATE, Wakefield",
            postcode="wf12eb",
        ),
    )
    stranger = scenarios.filed(
        received=LATER,
        subject=person(
            full_name="Jan Nowak",
            date_of_birth=date(1970, 7, 7),
            email="jan@example.net",
            address="1 High Street",
            postcode="LS1 1AA",
        ),
    )
    found = reasons_for(session, first)
    assert found[same_person.reference] == (R.SAME_SUBJECT, R.SAME_ADDRESS)
    assert found[same_email.reference] == (R.SAME_EMAIL,)
    assert found[same_house.reference] == (R.SAME_ADDRESS,)
    assert stranger.reference not in found
    assert first.reference not in found
    # Both ways round.
    assert reasons_for(session, same_email)[first.reference] == (R.SAME_EMAIL,)


def test_a_requester_who_is_another_request_s_subject_matches_by_name_and_date_of_birth(
    session, scenarios
):
    own = scenarios.filed(received=MONDAY)  # Anna asking about herself
    child = person(full_name="Ola Kowalska", date_of_birth=date(2012, 5, 5), email="")
    for_child = scenarios.filed(
        received=LATER,
        **on_behalf_of(
            child,
            requester=person(
                email="anna.new@example.com", address="9 New Street", postcode="WF3 3CC"
            ),
        ),
    )
    # The child lives with her at 12 Westgate; her new request gives a new address.
    assert reasons_for(session, own)[for_child.reference] == (
        R.SAME_NAME_AND_DATE_OF_BIRTH,
        R.SAME_ADDRESS,
    )


def test_links_show_on_both_requests_and_are_audited_when_made_and_removed(session, scenarios):
    mother = scenarios.filed(received=MONDAY)
    son = scenarios.filed(received=LATER, subject=person(full_name="Jan Kowalski"))
    made = case_links.link(
        session,
        son,
        other_reference=mother.reference.lower(),
        kind=LinkKind.FAMILY_MEMBER,
        note="Mother and son",
        actor=CASEWORKER,
    )
    assert [(row.id, other.id) for row, other in case_links.links_of(session, mother)] == [
        (made.id, son.id)
    ]
    assert [(row.id, other.id) for row, other in case_links.links_of(session, son)] == [
        (made.id, mother.id)
    ]
    assert actions(session, mother)[-1] == actions(session, son)[-1] == "case_linked"
    with pytest.raises(errors.CaseworkError, match="already linked"):
        case_links.link(
            session, mother, other_reference=son.reference, kind=LinkKind.RELATED, actor=CASEWORKER
        )
    with pytest.raises(errors.CaseworkError, match="not this one"):
        case_links.link(
            session,
            mother,
            other_reference=mother.reference,
            kind=LinkKind.RELATED,
            actor=CASEWORKER,
        )
    with pytest.raises(errors.CaseworkError, match="reference"):
        case_links.link(
            session, mother, other_reference="TF-0000-0000", kind=LinkKind.RELATED, actor=CASEWORKER
        )

    assert case_links.unlink(session, mother, link_id=made.id, actor=CASEWORKER).id == son.id
    assert case_links.links_of(session, son) == []
    assert actions(session, mother)[-1] == actions(session, son)[-1] == "case_unlinked"
    assert session.scalar(select(func.count(CaseLink.id))) == 0


def test_a_duplicate_merged_closes_once_and_points_at_its_original(session, scenarios):
    original = scenarios.case_in(CaseState.IN_PROGRESS, received=MONDAY)
    duplicate = scenarios.filed(received=LATER)
    before = session.scalar(select(func.sum(case_months.CaseMonthGroup.withdrawn))) or 0

    assert (
        case_links.merge(
            session, duplicate, original_reference=original.reference, actor=CASEWORKER
        ).id
        == original.id
    )
    session.refresh(duplicate)
    assert duplicate.state == CaseState.WITHDRAWN
    assert duplicate.merged_into_id == original.id
    assert duplicate.closed_on is not None
    assert case_links.merged_into(session, duplicate).id == original.id
    assert [c.id for c in case_links.merged_here(session, original)] == [duplicate.id]
    assert actions(session, duplicate)[-1] == "case_merged"
    assert actions(session, original)[-1] == "duplicate_merged_in"
    # Counted once, among the month's withdrawn requests (closed without their own response).
    after = session.scalar(select(func.sum(case_months.CaseMonthGroup.withdrawn)))
    assert after == before + 1


def test_a_closed_request_cannot_be_merged_and_nothing_is_half_saved(session, scenarios):
    original = scenarios.filed(received=MONDAY)
    closed = scenarios.case_in(CaseState.COMPLETED, received=LATER)
    events = actions(session, original)
    with pytest.raises(errors.CaseClosed, match="only an open request can be merged"):
        case_links.merge(session, closed, original_reference=original.reference, actor=CASEWORKER)
    session.rollback()
    session.refresh(closed)
    assert closed.state == CaseState.COMPLETED and closed.merged_into_id is None
    assert actions(session, original) == events


def test_nothing_merges_into_a_request_that_was_itself_merged(session, scenarios):
    original = scenarios.filed(received=MONDAY)
    first_copy = scenarios.filed(received=LATER)
    second_copy = scenarios.filed(received=LATER)
    case_links.merge(session, first_copy, original_reference=original.reference, actor=CASEWORKER)
    with pytest.raises(errors.CaseworkError, match="merge into the original instead"):
        case_links.merge(
            session, second_copy, original_reference=first_copy.reference, actor=CASEWORKER
        )
    session.rollback()
    session.refresh(second_copy)
    assert second_copy.state == CaseState.RECEIVED


def test_an_art_12_5_refusal_carries_its_ground_to_the_requester(session, scenarios):
    """C5: UK GDPR Art 12(5) (legislation.gov.uk/eur/2016/679/article/12): refused as
    manifestly unfounded or excessive, with the ground and reasons, and the rights of
    Art 12(4) (the ICO, the courts)."""
    case = scenarios.filed(received=MONDAY)
    with pytest.raises(errors.CaseworkError, match="ground for refusing"):
        closing.refuse(
            session, case, actor=REVIEWER, actor_role="reviewer", reasons="Again", ground="rude"
        )
    session.rollback()
    message = closing.refuse(
        session,
        case,
        actor=REVIEWER,
        actor_role="reviewer",
        reasons="The fifth request for the same records since January",
        ground=RefusalGround.REPETITIVE,
    )
    assert message.params["ground"] == "repetitive"
    assert message.params["rights"] == list(RIGHTS_TO_COMPLAIN)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "request_refused" and event.details["ground"] == "repetitive"
