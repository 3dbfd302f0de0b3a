"""A complaint's emails (C13), sent by the worker over real SMTP in the complainant's
language: the acknowledgement on receipt (DPA 2018 s.164A(3): within the 30 days beginning
when it is received, legislation.gov.uk/ukpga/2025/18/section/103), an update, and the
outcome with the route to the ICO; sending the outcome completes the complaint."""

from __future__ import annotations

from babel.dates import format_date

from portal.cases import clock, complaints
from portal.cases.models import Case, CaseKind, CaseState
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from tests.conftest import building, translated
from tests.functional.jobs.test_case_messages import new_address
from tests.functional.jobs.test_email_delivery import work_until_idle


def test_the_acknowledgement_update_and_outcome_are_emailed_in_polish(smtp_app, smtp_server):
    smtp_server.start()
    work_until_idle(smtp_app)
    address = new_address()
    with building(smtp_app) as scenarios:
        case = scenarios.filed(
            received=utc_now(),
            kind=CaseKind.COMPLAINT,
            language="pl",
            subject=person(full_name="Zofia Wójcik", email=address),
        )
        case_id, reference, received = case.id, case.reference, case.received_on
    work_until_idle(smtp_app)
    [acknowledgement] = smtp_server.to(address)
    assert acknowledgement["Content-Language"] == "pl"
    assert acknowledgement["Subject"].startswith(
        translated("pl", "We have received your complaint") + " (TF-"
    )
    body = acknowledgement.get_content().replace("\r\n", "\n")
    assert reference in body
    assert format_date(received, "long", locale="pl") in body
    target = complaints.outcome_target(received)
    assert format_date(target, "long", locale="pl") in body
    assert "We " not in body  # nothing left in English
    # Sent the day it arrived: inside the 30 days of s.164A(3).
    assert clock.london_today() <= complaints.acknowledgement_due(received)

    with building(smtp_app) as scenarios:
        case = db.session.get(Case, case_id)
        scenarios.report_progress(case, update="We have asked the post room.", at=utc_now())
        scenarios.propose_outcome(case, outcome="We apologise for the mistake.", at=utc_now())
        scenarios.approve_outcome(case, at=utc_now())
    work_until_idle(smtp_app)
    _, update, outcome = smtp_server.to(address)
    assert update["Subject"].startswith(translated("pl", "An update on your complaint"))
    assert "We have asked the post room." in update.get_content()
    assert outcome["Subject"].startswith(translated("pl", "The outcome of your complaint"))
    text = outcome.get_content().replace("\r\n", "\n")
    assert "We apologise for the mistake." in text
    assert "ico.org.uk/make-a-complaint" in text and "0303 123 1113" in text
    assert translated("pl", "If you are still unhappy") in text
    with smtp_app.app_context():
        assert db.session.get(Case, case_id).state == CaseState.COMPLETED
