"""The monthly report's figures, from cases moved through the real casework functions."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime

from portal.cases import case_months, closing, reports
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.scenario_steps import CASEWORKER, noon
from tests.unit.cases.month_events import events_in_march

MARCH = date(2026, 3, 1)


def completed(scenarios, *, received: datetime, closed: datetime, **changes) -> Case:
    """An access request received, worked and approved at `received`, completed at `closed`."""
    case = scenarios.case_in(CaseState.READY, received=received, **changes)
    scenarios.complete(case, at=closed)
    return case


def test_a_month_counts_what_arrived_and_what_closed(session, scenarios):
    # Completed on time (due 2 April), after 9 days.
    completed(scenarios, received=noon(date(2026, 3, 2)), closed=noon(date(2026, 3, 11)))
    # Received in February, completed late in March (due 2 March... received 30 Jan).
    completed(
        scenarios,
        received=noon(date(2026, 1, 30)),
        closed=noon(date(2026, 3, 20)),
        channel=Channel.PHONE,
        hub_source="castleford-airedale",
    )
    refused = scenarios.filed(received=noon(date(2026, 3, 3)), kind=CaseKind.OBJECTION)
    scenarios.refuse(refused, reasons="Repeated", at=noon(date(2026, 3, 4)))
    withdrawn = scenarios.filed(received=noon(date(2026, 3, 5)))
    closing.record_withdrawal(
        session, withdrawn, actor=CASEWORKER, how_received="letter", now=noon(date(2026, 3, 6))
    )
    extended = scenarios.case_in(CaseState.IN_PROGRESS, received=noon(date(2026, 3, 9)))
    scenarios.extend(extended, reason="Complex", at=noon(date(2026, 3, 10)))
    scenarios.filed(received=noon(date(2026, 4, 1)))  # next month: not counted

    report = reports.monthly_report(session, date(2026, 3, 17))

    total = report.total
    assert report.month == MARCH
    assert (total.received, total.completed, total.on_time) == (4, 2, 1)
    assert (total.extended, total.refused, total.withdrawn) == (1, 1, 1)
    assert total.on_time_percent == 50.0
    assert total.median_days == (9 + 49) / 2

    by_kind = dict(report.by_kind.rows)
    assert by_kind["objection"].received == 1 and by_kind["objection"].refused == 1
    assert by_kind["access"].received == 3 and by_kind["access"].completed == 2
    by_channel = dict(report.by_channel.rows)
    assert by_channel["phone"].completed == 1 and by_channel["phone"].on_time == 0
    assert by_channel["phone"].received == 0  # it arrived in January
    assert by_channel["letter"].received == 0
    by_hub = dict(report.by_hub.rows)
    assert by_hub["castleford-airedale"].completed == 1
    assert by_hub[reports.NOT_FROM_A_HUB].received == 4


def test_months_follow_london_dates(session, scenarios):
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April: an April case.
    scenarios.filed(received=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    assert reports.monthly_report(session, MARCH).total.received == 0
    assert reports.monthly_report(session, date(2026, 4, 1)).total.received == 1


def test_an_empty_month_has_no_rate_rather_than_a_made_up_one(session):
    report = reports.monthly_report(session, date(2025, 6, 1))
    assert report.total.received == 0
    assert report.total.on_time_percent is None
    assert report.total.median_days is None
    assert [point.received for point in report.trend] == [0] * 12


def test_the_trend_covers_twelve_months_ending_with_the_chosen_one(session, scenarios):
    # Due 2 March.
    completed(scenarios, received=noon(date(2026, 2, 2)), closed=noon(date(2026, 3, 2)))
    scenarios.filed(received=noon(date(2025, 4, 10)))
    trend = reports.monthly_report(session, MARCH).trend
    assert trend[0].month == date(2025, 4, 1)
    assert trend[-1].month == MARCH
    points = {p.month: p for p in trend}
    assert points[date(2025, 4, 1)].received == 1
    assert points[date(2026, 2, 1)].received == 1
    assert (points[MARCH].completed, points[MARCH].on_time) == (1, 1)


def test_the_csv_has_every_group_and_neutralises_formulas(session, scenarios):
    completed(
        scenarios,
        received=noon(date(2026, 3, 2)),
        closed=noon(date(2026, 3, 4)),
        hub_source="=HYPERLINK(evil)",
    )
    report = reports.monthly_report(session, MARCH)
    rows = list(csv.reader(io.StringIO(reports.report_csv(report, lambda d, k: k or "none"))))
    assert rows[0] == list(reports.CSV_HEADER)
    assert rows[1][:6] == ["2026-03", "All cases", "All", "1", "1", "1"]
    assert rows[1][6] == "100.0"
    hub_rows = [row for row in rows if row[1] == "By hub source"]
    assert [row[2] for row in hub_rows] == ["'=HYPERLINK(evil)", "none"]
    assert len(rows) == 1 + 1 + len(CaseKind) + len(Channel) + 2


def test_states_that_are_not_closed_are_not_counted_as_closed(session, scenarios):
    case = scenarios.filed(received=noon(date(2026, 3, 2)))
    assert case.state == CaseState.RECEIVED
    total = reports.monthly_report(session, MARCH).total
    assert (total.received, total.completed, total.refused, total.withdrawn) == (1, 0, 0, 0)


def test_a_case_closed_late_on_a_months_last_day_counts_in_that_month(session, scenarios):
    # 23:50 on 31 October 2026 in London is 23:50 UTC (GMT again): October, and on time.
    completed(
        scenarios,
        received=noon(date(2026, 10, 1)),
        closed=datetime(2026, 10, 31, 23, 50, tzinfo=UTC),
    )
    # 23:50 on 30 June 2026 in London is 22:50 UTC; 00:10 on 1 July is 23:10 UTC on 30 June.
    june = completed(
        scenarios, received=noon(date(2026, 6, 1)), closed=datetime(2026, 6, 30, 22, 50, tzinfo=UTC)
    )
    july = completed(
        scenarios, received=noon(date(2026, 6, 2)), closed=datetime(2026, 6, 30, 23, 10, tzinfo=UTC)
    )
    assert (june.closed_on, july.closed_on) == (date(2026, 6, 30), date(2026, 7, 1))

    october = reports.monthly_report(session, date(2026, 10, 1))
    assert (october.total.completed, october.total.on_time) == (1, 1)
    assert reports.monthly_report(session, date(2026, 11, 1)).total.completed == 0
    assert reports.monthly_report(session, date(2026, 6, 1)).total.completed == 1
    assert reports.monthly_report(session, date(2026, 7, 1)).total.completed == 1
    trend = {p.month: (p.completed, p.on_time) for p in october.trend}
    assert trend[date(2026, 6, 1)] == (1, 1)
    assert trend[date(2026, 7, 1)] == (1, 1)  # due 2 July, closed 1 July (London)
    assert trend[date(2026, 10, 1)] == (1, 1)


def test_the_trend_counted_as_cases_came_and_went_is_a_recount_of_them(session, scenarios):
    completed(scenarios, received=noon(date(2026, 1, 30)), closed=noon(date(2026, 3, 20)))
    completed(scenarios, received=noon(date(2026, 3, 2)), closed=noon(date(2026, 3, 11)))
    refused = scenarios.filed(received=noon(date(2026, 2, 3)), kind=CaseKind.OBJECTION)
    scenarios.refuse(refused, reasons="Repeated", at=noon(date(2026, 3, 4)))
    scenarios.filed(received=datetime(2026, 2, 28, 23, 30, tzinfo=UTC))  # 28 February
    report = reports.monthly_report(session, MARCH)
    counted = report.trend

    case_months.recount(session)

    # The whole report, its breakdowns and median days as well as its trend, is the same
    # read from the counts kept as cases came and went as from a recount of the cases.
    assert reports.monthly_report(session, MARCH) == report
    assert (report.total.received, report.total.completed, report.total.refused) == (1, 2, 1)
    assert report.total.median_days == (49 + 9) / 2
    points = {p.month: (p.received, p.completed, p.on_time) for p in counted}
    assert points[date(2026, 1, 1)] == (1, 0, 0)
    assert points[date(2026, 2, 1)] == (2, 0, 0)
    assert points[MARCH] == (1, 2, 1)  # the refusal is not a completion


def test_the_median_days_is_the_middle_case_or_the_mean_of_the_middle_two(session):
    counted = {"all": [3, 40, 9, 9, 12], "kind": [3, 40, 9, 12], "channel": [7]}
    for dimension, days in counted.items():
        value = "" if dimension == "all" else ("access" if dimension == "kind" else "phone")
        for taken, cases in Counter(days).items():
            session.add(
                case_months.CaseMonthDays(
                    month=MARCH, dimension=dimension, value=value, days=taken, completed=cases
                )
            )
    session.flush()
    middles = {
        (row["dimension"], row["value"]): (row["low"], row["high"])
        for row in case_months.middle_days(session, case_months.CaseMonthDays.month == MARCH)
    }
    assert middles == {
        ("all", ""): (9, 9),
        ("kind", "access"): (9, 12),
        ("channel", "phone"): (7, 7),
    }
    assert case_months.CaseMonthMedian(low=9, high=12).median_days == 10.5


def test_the_events_counted_as_they_happened_are_a_recount_of_them(session, scenarios):
    """Extensions, complaints acknowledged in time, internal reviews and ICO cases, kept
    in the month's counts as they happen, are what a recount of the events finds."""
    events_in_march(scenarios)
    report = reports.monthly_report(session, MARCH)
    february = reports.monthly_report(session, date(2026, 2, 1))

    case_months.recount(session)

    assert reports.monthly_report(session, MARCH) == report
    assert reports.monthly_report(session, date(2026, 2, 1)) == february
    t = report.total
    assert (t.extended, t.acknowledged_in_time) == (1, 2)
    assert (t.reviews_asked, t.reviews_decided, t.ico_recorded, t.ico_closed) == (1, 1, 2, 1)
    assert dict(report.by_kind.rows)["complaint"].acknowledged_in_time == 2
    assert dict(report.by_channel.rows)["phone"].acknowledged_in_time == 1
    assert dict(report.by_hub.rows)["south-east"].reviews_decided == 1
    f = february.total
    assert (f.extended, f.acknowledged_in_time, f.reviews_asked, f.reviews_decided) == (1, 1, 1, 0)
