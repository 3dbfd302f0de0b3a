"""C14, C15 on the staff case page: requests to restrict (UK GDPR Art 18) and to delete
(Art 17) as the caseworker and the reviewer work them: what the resident asked for, the
decision proposed and approved by someone else, the restriction register, and the notice
before a restriction is lifted (Art 18(3): "shall be informed by the controller before the
restriction of processing is lifted", legislation.gov.uk/eur/2016/679/article/18).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.casework_models import CaseMessage, MessageKind, RestrictionEntry
from portal.cases.models import Case, CaseKind, CaseState
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building
from tests.functional.staff.conftest import make_account, sign_in
from tests.functional.staff.test_case_page import act, date_parts, state_of, today, url
from tests.visible import element_text


def signed_in_as(app, role: Role, name: str):
    client = app.test_client()
    assert sign_in(client, make_account(app, role, name=name)).status_code == 303
    return client


def case_of(app, kind: CaseKind, state: CaseState = CaseState.IN_PROGRESS) -> str:
    with building(app) as scenarios:
        return scenarios.case_in(state, kind, received=utc_now()).reference


def page_text(client, reference: str, section: str = "main-content") -> str:
    page = client.get(url(reference))
    assert page.status_code == 200
    return " ".join(element_text(page.get_data(as_text=True), section).split())


def test_a_restriction_is_asked_decided_approved_and_put_on_the_register(app):
    worker = signed_in_as(app, Role.CASEWORKER, "Casey Worker")
    reviewer = signed_in_as(app, Role.REVIEWER, "Robin Reviewer")
    reference = case_of(app, CaseKind.RESTRICTION)
    asked = page_text(worker, reference, "asked-for-section")
    for words in (
        "Uses to restrict Using their information for local research on the programme",
        "Their ground They contest its accuracy, while we check it (Art 18(1)(a))",
        "In their words The record says my son was excluded from school. He never was.",
        "Tell them who was told (Art 19) Yes",
    ):
        assert words in asked, asked
    act(
        worker,
        reference,
        "restriction",
        {
            "restriction-outcome": "restricted",
            "restriction-processing": "local_research",
            "restriction-reasons": "We are checking the school's record.",
            "restriction-recipients_told": "schools",
        },
    )
    assert state_of(app, reference) == CaseState.IN_REVIEW
    act(worker, reference, "restriction/approve", {}, status=403)  # not a reviewer
    act(reviewer, reference, "restriction/approve", {})
    assert state_of(app, reference) == CaseState.READY
    shown = page_text(reviewer, reference)
    assert (
        "Restriction decision 1: Restricted Proposed by Casey Worker; approved by Robin Reviewer"
        in shown
    ), shown
    assert "Told (Art 19): schools and colleges" in shown
    register = reviewer.get("/staff/restrictions")
    assert register.status_code == 200
    listed = " ".join(element_text(register.get_data(as_text=True), "main-content").split())
    assert reference in listed and "In force: request to restrict agreed (Art 18(1))" in listed


def test_the_reviewer_tells_the_requester_before_lifting_a_restriction(app):
    reviewer = signed_in_as(app, Role.REVIEWER, "Robin Reviewer")
    worker = signed_in_as(app, Role.CASEWORKER, "Casey Worker")
    reference = case_of(app, CaseKind.RESTRICTION, CaseState.COMPLETED)
    lift = {
        "lift-processing": "local_research",
        "lift-reasons": "The school confirmed its record was accurate.",
        **date_parts("lift-lift_on", today()),
    }
    act(worker, reference, "restriction/lift", lift, status=403)
    refused = act(reviewer, reference, "restriction/lift", lift, status=400)
    assert "Choose a day after today" in element_text(refused.get_data(as_text=True))
    later = today() + timedelta(days=14)
    act(reviewer, reference, "restriction/lift", {**lift, **date_parts("lift-lift_on", later)})
    with app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        entry = db.session.scalar(
            select(RestrictionEntry).where(RestrictionEntry.case_id == case_id)
        )
        assert (entry.status, entry.lifted_on) == ("lifted", later)
        kinds = db.session.scalars(
            select(CaseMessage.kind)
            .where(CaseMessage.case_id == case_id)
            .order_by(CaseMessage.id)  # PostgreSQL returns rows in no set order without it
        ).all()
        assert kinds[-1] == MessageKind.RESTRICTION_LIFTING
    shown = page_text(reviewer, reference)
    assert "Requester told the restriction will be lifted (Art 18(3))" in shown
    assert "In force; the person has been told it is lifted (Art 18(3))" in shown


def test_a_deletion_is_decided_with_reasons_and_approved_by_someone_else(app):
    worker = signed_in_as(app, Role.CASEWORKER, "Casey Worker")
    reviewer = signed_in_as(app, Role.REVIEWER, "Robin Reviewer")
    reference = case_of(app, CaseKind.DELETION)
    asked = page_text(worker, reference, "asked-for-section")
    assert "What to delete The notes about the 2019 referral, which was closed." in asked
    assert "Their ground No longer needed (Art 17(1)(a))" in asked
    missing = act(
        worker,
        reference,
        "deletion",
        {"deletion-outcome": "partly_deleted", "deletion-reasons": "Part is still needed"},
        status=400,
    )
    assert "Say what was deleted" in element_text(missing.get_data(as_text=True))
    assert state_of(app, reference) == CaseState.IN_PROGRESS
    act(
        worker,
        reference,
        "deletion",
        {
            "deletion-outcome": "not_deleted",
            "deletion-reasons": "The family is still supported: UK GDPR Art 17(3)(b).",
        },
    )
    act(reviewer, reference, "deletion/approve", {})
    shown = page_text(reviewer, reference)
    assert "Deletion decision 1: Not deleted" in shown
    assert "Reasons: The family is still supported: UK GDPR Art 17(3)(b)." in shown
    assert state_of(app, reference) == CaseState.READY


def test_hostile_input_on_the_decision_forms_is_a_clear_message_not_a_500(app):
    worker = signed_in_as(app, Role.CASEWORKER, "Casey Worker")
    reference = case_of(app, CaseKind.RESTRICTION)
    for data in (
        {"restriction-outcome": "delete_everything", "restriction-reasons": "x"},
        {"restriction-outcome": "restricted", "restriction-reasons": "x" * 6000},
        {"restriction-outcome": "restricted", "restriction-processing": "spying"},
        {"restriction-outcome": "restricted", "restriction-reasons": "\x00"},
    ):
        response = act(worker, reference, "restriction", data, status=400)
        assert "There is a problem" in element_text(response.get_data(as_text=True))
    assert state_of(app, reference) == CaseState.IN_PROGRESS
