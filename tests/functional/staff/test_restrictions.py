"""The restriction register page and its CSV download."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date

from portal.cases import casework, service
from portal.cases.casework_models import DecisionOutcome
from portal.cases.models import CaseKind
from portal.extensions import db
from portal.staff.models import Role
from tests.conftest import get_page
from tests.factories import person, submission
from tests.functional.staff.conftest import events_since, last_event_id


def upheld_objection(app, name: str, processing: list[str]) -> str:
    """An objection whose decision upholding `processing` a reviewer approved."""
    with app.app_context():
        case = service.submit_request(
            db.session,
            submission(
                kind=CaseKind.OBJECTION,
                subject=person(full_name=name, date_of_birth=date(1990, 5, 17)),
                details={"processing": {"processing": ["programme", "national_study"]}},
            ),
            idempotency_key=secrets.token_hex(16),
            cipher=app.extensions["evidence_cipher"],
        )
        casework.accept_identity(
            db.session, case, evidence_arrived_on=case.received_on, actor="staff:1"
        )
        casework.assess_objection(
            db.session,
            case,
            grounds_raised="Does not want to be studied",
            processing_affected=["programme", "national_study"],
            compelling_grounds="Safeguarding work continues",
            actor="staff:1",
        )
        casework.propose_decision(
            db.session,
            case,
            outcome=DecisionOutcome.PARTLY_UPHELD,
            upheld_processing=processing,
            reasons="The study can do without this family",
            actor="staff:1",
        )
        casework.approve_decision(db.session, case, actor="staff:2")
        return case.reference


def test_the_register_lists_what_stops_for_whom(app, client, signed_in):
    name = f"Register Person {secrets.token_hex(3)}"
    reference = upheld_objection(app, name, ["national_study"])
    signed_in(client, Role.CASEWORKER)

    page = get_page(client, "/staff/restrictions", lang="en")

    row = page.html.split(f'<td class="govuk-table__cell">{name}</td>', 1)[1].split("</tr>")[0]
    assert "17 May 1990" in row
    assert "Sending their information to the National Impact Study" in row
    assert f'href="/staff/cases/{reference}"' in row
    assert "Linking their information" not in row  # not upheld, so it carries on


def test_the_register_filters_by_name_reference_and_processing(app, client, signed_in):
    tag = secrets.token_hex(3)
    first = upheld_objection(app, f"Filter One {tag}", ["national_study"])
    upheld_objection(app, f"Filter Two {tag}", ["national_study"])
    signed_in(client, Role.REVIEWER)

    by_name = get_page(client, f"/staff/restrictions?q=filter+one+{tag}", lang="en")
    assert f"Filter One {tag}" in by_name.html and f"Filter Two {tag}" not in by_name.html
    assert "1 matching entry" in by_name.text()
    by_reference = get_page(client, f"/staff/restrictions?q={first}", lang="en")
    assert f"Filter One {tag}" in by_reference.html
    other = get_page(client, f"/staff/restrictions?q={tag}&processing=programme", lang="en")
    assert "No entries match" in other.text()
    nonsense = get_page(client, f"/staff/restrictions?processing=%3Cx%3E&q={tag}", lang="en")
    assert "2 matching entries" in nonsense.text()


def test_the_csv_is_an_audited_download_safe_in_a_spreadsheet(app, client, signed_in):
    name = '=HYPERLINK("http://evil.example","Click")'
    reference = upheld_objection(app, name, ["national_study"])
    account = signed_in(client, Role.CASEWORKER)
    before = last_event_id(app)

    response = client.get("/staff/restrictions.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="restriction-register-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Reference", "Name", "Date of birth", "Processing", "What stops", "From"]
    ours = [row for row in rows if row[0] == reference]
    assert ours and ours[0][1] == "'" + name
    assert ours[0][2:4] == ["1990-05-17", "national_study"]
    (event,) = events_since(app, before, "restriction_register_downloaded")
    assert event.actor == f"staff:{account.id}"
    assert event.details["rows"] == len(rows) - 1


def test_staff_navigation_offers_the_register_to_case_staff_only(client, app, signed_in):
    signed_in(client, Role.CASEWORKER)
    home = client.get("/staff/").get_data(as_text=True)
    for link in (
        "/staff/queue",
        "/staff/restrictions",
        "/staff/reports",
        "/staff/cases/log-request",
    ):
        assert f'href="{link}"' in home

    admin = app.test_client()
    signed_in(admin, Role.ADMIN)
    assert admin.get("/staff/restrictions").status_code == 403
    assert admin.get("/staff/restrictions.csv").status_code == 403
    assert 'href="/staff/restrictions"' not in admin.get("/staff/").get_data(as_text=True)
