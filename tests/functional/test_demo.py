"""`flask demo seed`: demonstration staff and a spread of cases, once, never in production."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal.accounts.models import StaffUser
from portal.cases import audit, case_links, clock, department_requests
from portal.cases.case_links import MatchReason
from portal.cases.casework_models import RestrictionEntry
from portal.cases.link_models import CaseLink, LinkKind
from portal.cases.models import Case, CaseKind, CaseState, Channel, Person
from portal.cases.workflow import CLOCK_RUNNING
from portal.extensions import db
from portal.outbox import Job, JobStatus
from tests.conftest import make_app


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    app = make_app(f"sqlite:///{folder / 'portal.sqlite'}", folder / "instance")
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    app.config["SEED_OUTPUT"] = result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_prints_the_demo_accounts_once_with_a_warning(demo_app):
    output = demo_app.config["SEED_OUTPUT"]
    assert "DEMONSTRATION ONLY" in output
    assert output.count("otpauth://totp/") == 5
    assert "demo-admin@example.gov.uk" in output
    assert "Department contact demo-housing@example.gov.uk\n  Department:   Housing" in output
    with demo_app.app_context():
        roles = Counter(db.session.scalars(select(StaffUser.role)))
    assert roles == {"admin": 1, "caseworker": 2, "reviewer": 1, "department_contact": 1}


def test_the_demo_housing_contact_has_one_outstanding_request(demo_app):
    with demo_app.app_context():
        contact = db.session.scalars(
            select(StaffUser).where(StaffUser.email == "demo-housing@example.gov.uk")
        ).one()
        [(request, case)] = department_requests.requests_for_contact(db.session, contact.id)
        assert (request.status, request.department_key) == ("outstanding", "housing")
        assert case.state == "in_progress" and case.due_on is not None
        assert request.due_on <= case.due_on
        assert case.reference in request.message


def test_cases_spread_across_states_kinds_channels_and_hubs(demo_app):
    with demo_app.app_context():
        cases = db.session.scalars(select(Case)).all()
        paused = [case for case in cases if case.pauses]
        restrictions = db.session.scalar(select(func.count(RestrictionEntry.id)))
    # A caseworker's week: enough to fill the queue with every kind (access, objection,
    # complaint, correction) and state, few enough to read through in the demo.
    assert 40 <= len(cases) <= 80
    states = Counter(CaseState(case.state) for case in cases)
    assert set(states) == set(CaseState)
    assert Counter(CaseKind(case.kind) for case in cases).keys() == set(CaseKind)
    assert {Channel(case.channel) for case in cases} == set(Channel)
    assert {case.language for case in cases} == {"en", "pl", "ro", "ur", "lt", "lv", "ckb"}
    hubs = {hub.slug for hub in demo_app.extensions["council"].hubs}
    assert {case.hub_source for case in cases if case.hub_source} == hubs
    assert any(case.extended for case in cases)
    assert paused
    assert restrictions >= 1


def test_some_open_cases_are_overdue_and_some_due_soon(demo_app):
    today = clock.london_today()
    with demo_app.app_context():
        running = [
            case
            for case in db.session.scalars(select(Case))
            if case.state in CLOCK_RUNNING and case.due_on is not None
        ]
    assert any(case.due_on < today for case in running)
    assert any(0 <= (case.due_on - today).days <= 7 for case in running)


def test_completed_cases_include_late_ones(demo_app):
    with demo_app.app_context():
        completed = db.session.scalars(select(Case).where(Case.state == CaseState.COMPLETED)).all()
        late = [
            c for c in completed if clock.received_on(c.closed_at.replace(tzinfo=UTC)) > c.due_on
        ]
    assert 0 < len(late) < len(completed)


# Given names by the gender their bearers are usually taken to be (a small table written
# for this test, not read from the demo), with the language whose surname rules apply.
GIVEN_NAMES = {
    "female": {
        "Katarzyna": "pl", "Agnieszka": "pl", "Magdalena": "pl", "Zofia": "pl", "Anna": "pl",
        "Andreea": "ro", "Elena": "ro", "Ioana": "ro",
        "Sadia": "ur", "Nazia": "ur", "Farah": "ur", "Aisha": "ur",
        "Rūta": "lt", "Ieva": "lt", "Aistė": "lt",
        "Ilze": "lv", "Līga": "lv", "Inese": "lv",
        "Shilan": "ckb", "Avin": "ckb", "Bahar": "ckb",
        "Sarah": "en", "Leanne": "en", "Joanne": "en", "Emma": "en", "Helen": "en",
    },
    "male": {
        "Piotr": "pl", "Michał": "pl", "Krzysztof": "pl", "Tomasz": "pl",
        "Ionuț": "ro", "Mihai": "ro", "Florin": "ro",
        "Imran": "ur", "Bilal": "ur", "Usman": "ur",
        "Tomas": "lt", "Mindaugas": "lt", "Darius": "lt",
        "Jānis": "lv", "Andris": "lv", "Mārtiņš": "lv",
        "Karwan": "ckb", "Rebwar": "ckb", "Sirwan": "ckb",
        "Gary": "en", "Craig": "en", "Darren": "en", "Stephen": "en", "David": "en",
    },
}  # fmt: skip
# Surname endings that say whose name it is. Polish: -ski, -cki, -dzki a man's; -ska, -cka,
# -dzka a woman's. Lithuanian: -as, -is, -ys, -us a man's; -ienė a married woman's; -aitė,
# -ytė, -utė, -ūtė an unmarried woman's or a girl's. Latvian: -s, -š a man's; -a, -e a woman's.
# "Begum" is a woman's title.
SURNAME_GENDER = (
    ("pl", re.compile(r"(ska|cka|dzka)$"), "female"),
    ("pl", re.compile(r"(ski|cki|dzki)$"), "male"),
    ("lt", re.compile(r"(ienė|aitė|ytė|utė|ūtė)$"), "female"),
    ("lt", re.compile(r"(as|is|ys|us)$"), "male"),
    ("lv", re.compile(r"(a|e)$"), "female"),
    ("lv", re.compile(r"(s|š)$"), "male"),
    ("ur", re.compile(r"^Begum$"), "female"),
)


def surname_gender(surname: str, language: str) -> str | None:
    for rule_language, ending, gender in SURNAME_GENDER:
        # A Polish ending is Polish in any name; the others only in their own language.
        if (rule_language in ("pl", language)) and ending.search(surname):
            return gender
    return None


def test_every_demo_name_agrees_in_gender(demo_app):
    """Residents and staff judge the portal by its demo: no "Michał Zielińska"."""
    with demo_app.app_context():
        names = [
            *db.session.scalars(select(Person.full_name)),
            *db.session.scalars(select(StaffUser.name)),
        ]
    gender_of = {given: gender for gender, table in GIVEN_NAMES.items() for given in table}
    language_of = {given: lang for table in GIVEN_NAMES.values() for given, lang in table.items()}
    unknown = sorted({name.split()[0] for name in names} - set(gender_of))
    assert not unknown, f"add these given names to the table: {unknown}"
    wrong = []
    gendered = Counter()
    for name in names:
        given, *_middle, surname = name.split()
        expected = surname_gender(surname, language_of[given])
        if expected is not None:
            gendered[(language_of[given], expected)] += 1
            if expected != gender_of[given]:
                wrong.append(name)
    assert not wrong
    # The check had something to check: gendered surnames of both kinds in both languages.
    assert {key for key, count in gendered.items() if count} == {
        ("pl", "female"),
        ("pl", "male"),
        ("lt", "female"),
        ("lt", "male"),
        ("lv", "female"),
        ("lv", "male"),
    }


def test_the_table_of_endings_finds_the_mistakes_it_is_for():
    assert surname_gender("Zielińska", "pl") == "female"
    assert surname_gender("Kazlauskienė", "lt") == "female"
    assert surname_gender("Jankauskaitė", "lt") == "female"
    assert surname_gender("Petrauskas", "lt") == "male"
    assert surname_gender("Jansone", "lv") == "female"
    assert surname_gender("Bērziņš", "lv") == "male"
    assert surname_gender("Wójcik", "pl") is None
    assert surname_gender("Thomas", "en") is None  # -as is Lithuanian only in Lithuanian


def test_audit_chain_verifies_and_no_emails_are_left_queued(demo_app):
    with demo_app.app_context():
        assert audit.verify(db.session) > 100
        pending = db.session.scalar(
            select(func.count(Job.id)).where(Job.status == JobStatus.PENDING)
        )
    assert pending == 0


def test_a_second_run_does_nothing(demo_app):
    with demo_app.app_context():
        before = db.session.scalar(select(func.count(Case.id)))
    result = demo_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "Demo data already present" in result.output
    assert "otpauth://" not in result.output
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == before


def test_refused_in_production(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'portal.sqlite'}", tmp_path / "instance")
    app.config["PORTAL_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "PORTAL_ENV=production" in result.output
    with app.app_context():
        db.engine.dispose()


def test_some_requests_are_old_enough_to_delete_and_one_is_held(demo_app):
    """Issue 14: `retention plan` has content on a fresh demo; the held one is never deleted."""
    runner = demo_app.test_cli_runner()
    plan = runner.invoke(args=["retention", "plan"]).output.splitlines()
    records = [line for line in plan if "\tcase_record\t" in line]
    held = [line for line in records if "HELD (ico_complaint)" in line]
    assert len(records) == 4 and len(held) == 1
    assert any("\tidentity_evidence\t" in line for line in plan)
    result = runner.invoke(args=["retention", "run"])
    # Held: that request's record, and the identity evidence of the request whose ICO case
    # is open (portal.demo's after_decision), which a hold keeps too.
    assert "case_record: 3" in result.output and "held: 2" in result.output
    after = runner.invoke(args=["retention", "plan"]).output
    assert after.count("\tcase_record\t") == 1 and "HELD (ico_complaint)" in after
    # One more closes days before its period ends: a run a fortnight on deletes it.
    later = (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    soon = runner.invoke(args=["retention", "plan", "--today", later]).output
    assert soon.count("\tcase_record\t") == 2
    with demo_app.app_context():
        assert audit.verify(db.session) > 0


def test_a_family_s_requests_are_linked_and_a_possible_duplicate_waits(demo_app):
    """Issue 19 point 1: `make run` shows a linked pair and a possible duplicate."""
    with demo_app.app_context():
        (link,) = db.session.scalars(select(CaseLink)).all()
        assert link.kind == LinkKind.FAMILY_MEMBER
        first = db.session.get(Case, link.case_id)
        related = {r.case.id: r.reasons for r in case_links.related_cases(db.session, first)}
        assert MatchReason.SAME_EMAIL in related[link.linked_case_id]
        duplicates = [
            case_id
            for case_id, reasons in related.items()
            if MatchReason.SAME_SUBJECT in reasons and case_id != link.linked_case_id
        ]
        assert len(duplicates) == 1
        assert db.session.get(Case, duplicates[0]).state == CaseState.RECEIVED
