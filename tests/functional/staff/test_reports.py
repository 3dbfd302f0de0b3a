"""The monthly report page and its CSV, through the staff pages."""

from __future__ import annotations

import codecs
import csv
import io
import re
import secrets
from datetime import UTC, datetime

from portal.accounts.models import Role
from portal.cases import reports
from portal.cases.clock import add_months, london_today
from portal.cases.models import CaseState
from tests.conftest import building, get_page


def month_ago(count: int) -> datetime:
    """Noon UTC on the 10th of the month `count` months before this one."""
    month = add_months(reports.month_start(london_today()), -count)
    return datetime(month.year, month.month, 10, 12, tzinfo=UTC)


def old_cases(app, *, hub: str, count: int, months_ago: int, completed: int) -> None:
    """`count` access requests from one hub, received `months_ago`; the first
    `completed` of them completed five days later (well inside the month)."""
    received = month_ago(months_ago)
    finished = received.replace(day=15)
    with building(app) as scenarios:
        for index in range(count):
            if index >= completed:
                scenarios.filed(received=received, hub_source=hub)
                continue
            case = scenarios.case_in(CaseState.READY, received=received, hub_source=hub)
            scenarios.complete(case, at=finished)


def hub_row(text: str, hub: str) -> list[str]:
    """The cells of the hub's row in the 'By hub source' table."""
    table = text.split('id="by-hub"', 1)[1].split("</table>", 1)[0]
    row = table.split(f">{hub}<", 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)<', row)


def test_a_caseworker_sees_the_months_figures_chart_and_table(app, client, signed_in):
    hub = f"test-hub-{secrets.token_hex(3)}"
    old_cases(app, hub=hub, count=3, months_ago=20, completed=2)
    signed_in(client, Role.CASEWORKER)
    month = month_ago(20).strftime("%Y-%m")

    page = get_page(client, f"/staff/reports?month={month}", lang="en")

    assert hub_row(page.html, hub) == ["3", "2", "100.0%", "0", "0", "0", "5.0"]
    svg = page.html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">' in svg
    title = month_ago(20).strftime("%B %Y")
    assert f"{title}</th>" in page.html.split('id="trend"', 1)[1]
    # The chart's description reads out the same figures as the table.
    trend = page.html.split('id="trend"', 1)[1].split("</table>", 1)[0]
    for label, received, completed in re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
        r"<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>",
        trend,
    ):
        assert f"{label}: {received} received, {completed} completed." in svg


def test_the_csv_download_has_the_figures_and_is_safe_in_a_spreadsheet(app, client, signed_in):
    hub = f"=cmd|' /C calc'!A{secrets.token_hex(2)}"
    old_cases(app, hub=hub, count=2, months_ago=21, completed=1)
    signed_in(client, Role.REVIEWER)
    month = month_ago(21).strftime("%Y-%m")

    response = client.get(f"/staff/reports.csv?month={month}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="think-family-report-{month}.csv"'
    )
    assert response.data.startswith(codecs.BOM_UTF8)  # Excel then reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == list(reports.CSV_HEADER)
    ours = [row for row in rows if row[2] == "'" + hub]
    assert len(ours) == 1
    assert ours[0][3:7] == ["2", "1", "1", "100.0"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_month_that_is_not_offered_gets_a_clear_message(client, signed_in):
    signed_in(client, Role.CASEWORKER)
    for bad in ("2019-01", "2026-13", "next month", "9" * 50):
        page = get_page(client, f"/staff/reports?month={bad}", status=400, lang="en")
        assert page.title.startswith("Error: ")
        assert "Choose a month from" in page.text()
    csv_response = client.get("/staff/reports.csv?month=1999-01")
    assert csv_response.status_code == 400
    assert csv_response.mimetype == "text/html"


def test_this_month_is_the_default(client, signed_in):
    signed_in(client, Role.CASEWORKER)
    page = get_page(client, "/staff/reports", lang="en")
    assert london_today().strftime("%B %Y") in page.title


def test_administrators_do_not_see_case_figures(client, signed_in):
    signed_in(client, Role.ADMIN)
    assert client.get("/staff/reports").status_code == 403
    assert client.get("/staff/reports.csv").status_code == 403
    assert "/staff/reports" not in client.get("/staff/").get_data(as_text=True)
