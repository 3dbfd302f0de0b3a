"""Search on anything (issue 19 point 3): one box finds a case by any part of a person's
name without its accents, their email, date of birth, postcode or phone number, however it
was typed, on the suite's engine (SQLite, or PostgreSQL through the trigram index)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.cases import queue as q
from portal.cases.models import CaseState, Person
from portal.cases.person_search import fold, needles, search_text
from portal.cases.scenario_requests import person
from portal.cases.scenarios import received_for
from tests.conftest import own_database, throwaway_session

TODAY = date(2026, 3, 16)


@pytest.fixture()
def session(database_url, tmp_path):
    with own_database(database_url, tmp_path, "search") as url, throwaway_session(url) as session:
        yield session


def found(session, text: str) -> set[int]:
    page = q.queue_page(session, q.QueueFilters(search=text), today=TODAY)
    return {row.case_id for row in page.rows}


def case_for(scenarios, **details):
    return scenarios.case_in(
        CaseState.IN_PROGRESS, received=received_for(TODAY), subject=person(**details)
    )


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Żółć", "Zolc"),
        ("Łukasz Wójcik", "lukasz wojcik"),
        ("Ştefan Şerban", "stefan serban"),  # cedilla
        ("Ștefan Șerban", "Stefan Serban"),  # comma below, as Romanian is written
        ("Ģirts Bērziņš", "girts berzins"),
        ("Aistė Jankauskaitė", "AISTE JANKAUSKAITE"),
        ("Søren Ærø", "soren aero"),
    ],
)
def test_names_fold_to_what_a_keyboard_without_accents_types(written, typed):
    assert fold(written) == fold(typed)


def test_other_scripts_are_kept_as_written():
    assert fold("عمران احمد") == "عمران احمد"


def test_what_is_typed_is_read_as_a_date_phone_postcode_or_words():
    assert needles("3/2/1990") == needles("03-02-1990") == ["1990-02-03"]
    assert needles("1990-02-03") == needles("3 Feb 1990") == ["1990-02-03"]
    assert needles("+44 7700 900461") == needles("07700 900 461") == ["07700900461"]
    assert needles("WF1 2EB") == needles("wf12eb") == ["wf12eb"]
    assert needles("Anna  Kowalska") == ["anna", "kowalska"]
    assert needles("   ") == []


def test_a_persons_search_text_keeps_each_detail_apart():
    text = search_text(
        full_name="Anna Żółć",
        email="Anna.Z@Example.com",
        postcode="WF1 2EB",
        phone="+44 (0)7700 900461",
        date_of_birth=date(1988, 2, 14),
    )
    assert text == "anna zolc||anna.z@example.com|wf12eb|07700900461|1988-02-14"


def test_one_box_finds_a_case_by_any_of_a_persons_details(session, scenarios):
    zolc = case_for(
        scenarios,
        full_name="Agnieszka Żółć",
        email="a.zolc@example.com",
        postcode="WF2 7QT",
        phone="07700 900461",
        date_of_birth=date(1990, 2, 3),
    )
    other = case_for(
        scenarios,
        full_name="Anna Kowalska",
        email="anna@example.org",
        postcode="LS6 1AA",
        phone="01924 306090",
        date_of_birth=date(1985, 7, 1),
    )
    for typed in (
        "Zolc",
        "żółć",
        "agnieszka zol",
        "a.zolc@",
        "zolc@example.com",
        "3/2/1990",
        "1990-02-03",
        "WF2 7QT",
        "wf27qt",
        "+44 7700 900461",
        "07700900461",
        "900461",
    ):
        assert found(session, typed) == {zolc.id}, typed
    assert found(session, "example") == {zolc.id, other.id}
    assert found(session, "kowalska 1985") == {other.id}  # every word, in any detail
    assert found(session, "Zolc Kowalska") == set()
    assert found(session, "100%_") == set()


def test_a_requester_is_found_as_well_as_the_subject(session, scenarios):
    case = scenarios.case_in(
        CaseState.IN_PROGRESS,
        received=received_for(TODAY),
        subject=person(full_name="Kacper Nowak", date_of_birth=date(2015, 5, 5)),
        requester=person(full_name="Marta Nowak", phone="07700 900123"),
    )
    assert found(session, "07700 900 123") == {case.id}


def test_a_corrected_name_is_found_by_what_the_record_now_says(session, scenarios):
    case = case_for(scenarios, full_name="Jon Smith")
    subject = session.get(Person, case.subject_id)
    subject.full_name = "Jón Smyth"
    session.commit()
    assert found(session, "jon smyth") == {case.id}
    assert found(session, "smith") == set()
