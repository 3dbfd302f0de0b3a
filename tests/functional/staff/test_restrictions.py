"""The restriction register page and its CSV download."""

from __future__ import annotations

import codecs
import csv
import io
import re
import secrets
from datetime import date

from sqlalchemy import select

from portal.accounts.models import Role
from portal.cases.casework_models import DecisionOutcome, RestrictionEntry
from portal.cases.models import CaseKind, CaseState
from portal.cases.scenario_requests import person
from portal.extensions import db
from portal.instants import utc_now
from portal.staff import register
from tests.conftest import building, get_page
from tests.functional.staff.conftest import events_since, last_event_id


def upheld_objection(app, name: str, processing: list[str]) -> str:
    """An objection whose decision upholding `processing` a reviewer approved."""
    with building(app) as scenarios:
        case = scenarios.case_in(
            CaseState.IN_PROGRESS,
            CaseKind.OBJECTION,
            received=utc_now(),
            subject=person(full_name=name, date_of_birth=date(1990, 5, 17)),
            details={"processing": {"processing": ["programme", "national_study"]}},
        )
        scenarios.assess(
            case,
            grounds_raised="Does not want to be studied",
            compelling_grounds="Safeguarding work continues",
        )
        reasons = "The study can do without this family"
        scenarios.propose(case, DecisionOutcome.PARTLY_UPHELD, processing, reasons=reasons)
        scenarios.approve_decision(case)
        return case.reference


def from_date(app, reference: str) -> date:
    with app.app_context():
        found = db.session.scalar(
            select(RestrictionEntry.from_date).where(RestrictionEntry.reference == reference)
        )
        assert found is not None
        return found


def staff_navigation(html: str) -> str:
    """The staff navigation bar, alone."""
    return html.split('aria-label="Staff pages"', 1)[1].split("</nav>", 1)[0]


def names_in_order(html: str, tag: str) -> list[str]:
    return re.findall(rf'<td class="govuk-table__cell">(Paged \w+ {tag})</td>', html)


def test_the_register_lists_what_stops_for_whom(app, client, signed_in):
    name = f"Register Person {secrets.token_hex(3)}"
    reference = upheld_objection(app, name, ["national_study"])
    signed_in(client, Role.CASEWORKER)

    page = get_page(client, "/staff/restrictions", lang="en")

    row = page.html.split(f'<td class="govuk-table__cell">{name}</td>', 1)[1].split("</tr>")[0]
    assert "17 May 1990" in row
    assert "Sending their information to the National Impact Study" in row
    assert f'href="/staff/cases/{reference}"' in row
    assert from_date(app, reference).strftime("%-d %B %Y") in row
    assert "Linking their information" not in row  # not upheld, so it carries on
    assert "stop that processing" in page.text() and "rule C9" in page.text()
    assert 'href="/staff/restrictions.csv"' in page.html
    assert '<th scope="col" class="govuk-table__header">What stops</th>' in page.html


def test_an_empty_register_says_so(app, client, signed_in, monkeypatch):
    monkeypatch.setattr("portal.cases.register.restriction_register", lambda session: [])
    signed_in(client, Role.CASEWORKER)

    page = get_page(client, "/staff/restrictions", lang="en")

    assert "0 entries in the register" in page.text()
    assert (
        "The register is empty: no objection has been upheld, and nobody has asked for "
        "restriction while we decide."
    ) in page.text()
    assert "<table" not in page.html
    assert 'href="/staff/restrictions.csv"' not in page.html  # nothing to download


def test_a_long_register_comes_a_page_at_a_time_newest_first(app, client, signed_in, monkeypatch):
    tag = secrets.token_hex(3)
    for word in ("First", "Second", "Third"):
        upheld_objection(app, f"Paged {word} {tag}", ["national_study"])
    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    signed_in(client, Role.CASEWORKER)

    first = get_page(client, f"/staff/restrictions?q={tag}", lang="en")
    assert names_in_order(first.html, tag) == [f"Paged Third {tag}", f"Paged Second {tag}"]
    assert "Showing 1 to 2 of 3, page 1 of 2" in first.text()
    assert f'href="/staff/restrictions?q={tag}&amp;page=2"' in first.html
    assert "Newer entries" not in first.text()

    second = get_page(client, f"/staff/restrictions?q={tag}&page=2", lang="en")
    assert names_in_order(second.html, tag) == [f"Paged First {tag}"]
    assert f'href="/staff/restrictions?q={tag}"' in second.html  # back to the first page
    assert "Older entries" not in second.text()

    past_the_end = get_page(client, f"/staff/restrictions?q={tag}&page=99", lang="en")
    assert names_in_order(past_the_end.html, tag) == [f"Paged First {tag}"]
    nonsense = get_page(client, f"/staff/restrictions?q={tag}&page=x", lang="en")
    assert names_in_order(nonsense.html, tag) == [f"Paged Third {tag}", f"Paged Second {tag}"]


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
    at_sum = upheld_objection(app, "@SUM(1+1)*cmd|' /C calc'!A0", ["national_study"])
    polish = upheld_objection(app, "Łucja Wiśniewska", ["national_study"])
    account = signed_in(client, Role.CASEWORKER)
    before = last_event_id(app)

    response = client.get("/staff/restrictions.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="restriction-register-\d{4}-\d{2}-\d{2}\.csv"', disposition
    )
    # UTF-8 with a byte order mark, so that Excel shows Polish and Urdu names as written.
    assert response.data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Reference",
        "Name",
        "Date of birth",
        "Processing",
        "What stops",
        "From",
        "Status",
        "Until",
    ]
    ours = [row for row in rows if row[0] == reference]
    assert ours and ours[0][1] == "'" + name
    assert ours[0][2:4] == ["1990-05-17", "national_study"]
    assert ours[0][5] == from_date(app, reference).isoformat()
    (summed,) = [row for row in rows if row[0] == at_sum]
    assert summed[1] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert summed[3] == "national_study"
    assert [row[1] for row in rows if row[0] == polish] == ["Łucja Wiśniewska"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    (event,) = events_since(app, before, "restriction_register_downloaded")
    assert event.actor == f"staff:{account.id}"
    assert event.details["rows"] == len(rows) - 1


def test_staff_navigation_offers_cases_intake_and_register_to_case_staff(client, signed_in):
    signed_in(client, Role.CASEWORKER)
    home = client.get("/staff/").get_data(as_text=True)
    navigation = staff_navigation(home)
    for link, text in (
        ("/staff/queue", "Cases"),
        ("/staff/cases/log-request", "Log a request"),
        ("/staff/restrictions", "Restriction register"),
        ("/staff/reports", "Reports"),
    ):
        assert f'href="{link}"' in navigation and text in navigation
    # The dashboard links to the register too.
    assert home.count('href="/staff/restrictions"') == 2

    on_register = staff_navigation(client.get("/staff/restrictions").get_data(as_text=True))
    active = on_register.split("govuk-service-navigation__item--active", 1)[1]
    assert active.split("</li>", 1)[0].count("Restriction register") == 1
    on_intake = staff_navigation(client.get("/staff/cases/log-request").get_data(as_text=True))
    active = on_intake.split("govuk-service-navigation__item--active", 1)[1].split("</li>")[0]
    assert "Log a request" in active and "Cases" not in active


def test_an_admin_only_account_cannot_open_the_register_nor_see_the_links(app, client, signed_in):
    signed_in(client, Role.ADMIN)
    before = last_event_id(app)

    assert client.get("/staff/restrictions").status_code == 403
    assert client.get("/staff/restrictions.csv").status_code == 403

    assert not events_since(app, before, "restriction_register_downloaded")
    assert len(events_since(app, before, "permission_denied")) == 2
    home = client.get("/staff/").get_data(as_text=True)
    for link in ("/staff/queue", "/staff/cases/log-request", "/staff/restrictions"):
        assert f'href="{link}"' not in home
