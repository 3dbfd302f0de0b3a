"""Issue 17 point 2: the monthly report and its trend are counted by the database. On the
same cases they give the figures the report gave when it read every case into Python
(the computation kept below as the oracle), on SQLite and on PostgreSQL, including the
cases that close late in the evening, when the London date is not the UTC date."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.cases import clock, reports
from portal.cases.models import Case, CaseKind, CaseState, Channel
from portal.cases.scenario_steps import noon
from portal.instants import aware

MARCH, APRIL, OCTOBER = date(2026, 3, 1), date(2026, 4, 1), date(2026, 10, 1)


def python_figures(session, month: date) -> dict[tuple[str, str], tuple]:
    """The old computation: every case of the month read, its London dates worked out here.
    (group) -> (received, completed, on time, refused, withdrawn, median days)."""
    first, after = month, clock.add_months(month, 1)
    rows: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, 0, 0, 0, []])
    for case in session.scalars(select(Case)):
        groups = [("all", ""), ("kind", case.kind), ("channel", case.channel)]
        groups.append(("hub", case.hub_source or reports.NOT_FROM_A_HUB))
        if first <= case.received_on < after:
            for group in groups:
                rows[group][0] += 1
        if case.closed_at is None:
            continue
        closed_on = clock.received_on(aware(case.closed_at))
        if not first <= closed_on < after:
            continue
        for group in groups:
            if case.state == CaseState.COMPLETED:
                rows[group][1] += 1
                rows[group][2] += case.due_on is not None and closed_on <= case.due_on
                rows[group][5].append((closed_on - case.received_on).days)
            rows[group][3] += case.state == CaseState.REFUSED
            rows[group][4] += case.state == CaseState.WITHDRAWN
    return {
        group: (*values[:5], float(statistics.median(values[5])) if values[5] else None)
        for group, values in rows.items()
        if any(values[:5])
    }


def sql_figures(report: reports.MonthlyReport) -> dict[tuple[str, str], tuple]:
    named = [(("all", ""), report.total)]
    named += [(("kind", key), f) for key, f in report.by_kind.rows]
    named += [(("channel", key), f) for key, f in report.by_channel.rows]
    named += [(("hub", key), f) for key, f in report.by_hub.rows]
    return {
        group: (f.received, f.completed, f.on_time, f.refused, f.withdrawn, f.median_days)
        for group, f in named
        if any((f.received, f.completed, f.on_time, f.refused, f.withdrawn))
    }


def python_trend(session, month: date) -> list[tuple[date, int, int, int]]:
    starts = [clock.add_months(month, -i) for i in range(reports.TREND_MONTHS - 1, -1, -1)]
    points = {start: [0, 0, 0] for start in starts}
    for case in session.scalars(select(Case)):
        if case.received_on.replace(day=1) in points:
            points[case.received_on.replace(day=1)][0] += 1
        if case.state == CaseState.COMPLETED and case.closed_at is not None:
            closed_on = clock.received_on(aware(case.closed_at))
            if closed_on.replace(day=1) in points:
                points[closed_on.replace(day=1)][1] += 1
                if case.due_on is not None and closed_on <= case.due_on:
                    points[closed_on.replace(day=1)][2] += 1
    return [(start, *points[start]) for start in starts]


def completed(scenarios, *, received: datetime, closed: datetime, **changes) -> Case:
    case = scenarios.case_in(CaseState.READY, received=received, **changes)
    scenarios.complete(case, at=closed)
    return case


@pytest.fixture()
def evening_cases(session, scenarios):
    """Cases that close at 23:30 UTC on their due date, in summer time (the London date
    is the next day: late) and in winter (the same day: on time); cases closing either
    side of the month's edges in both; and a spread of kinds, channels and hubs."""
    made = []
    # Received 2 March (GMT), due 2 April (BST): closed 23:30 UTC on 2 April = 3 April.
    made.append(
        completed(
            scenarios,
            received=noon(date(2026, 3, 2)),
            closed=datetime(2026, 4, 2, 23, 30, tzinfo=UTC),
            channel=Channel.PHONE,
        )
    )
    # Received 2 Jan, due 2 Feb (GMT): closed 23:30 UTC on 2 Feb: on time.
    made.append(
        completed(
            scenarios,
            received=noon(date(2026, 1, 2)),
            closed=datetime(2026, 2, 2, 23, 30, tzinfo=UTC),
            hub_source="castleford-airedale",
        )
    )
    # 23:30 UTC on 31 March is 1 April in London: an April closure.
    made.append(
        completed(
            scenarios,
            received=noon(date(2026, 3, 9)),
            closed=datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
            kind=CaseKind.OBJECTION,
        )
    )
    # 23:30 UTC on 31 October 2026 is GMT again: an October closure.
    made.append(
        completed(
            scenarios,
            received=noon(date(2026, 10, 1)),
            closed=datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
        )
    )
    for day in range(3, 28, 4):
        made.append(
            completed(
                scenarios,
                received=noon(date(2026, 3, day)),
                closed=noon(date(2026, 3, day)) + timedelta(days=day * 2),
                channel=Channel.LETTER if day % 2 else Channel.ONLINE,
                hub_source="wakefield-central" if day % 3 else None,
            )
        )
    refused = scenarios.filed(received=noon(date(2026, 3, 10)), kind=CaseKind.OBJECTION)
    scenarios.refuse(refused, reasons="Repeated", at=datetime(2026, 3, 31, 23, 10, tzinfo=UTC))
    scenarios.filed(received=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))  # received 1 April
    return made


@pytest.mark.parametrize("month", [date(2026, 2, 1), MARCH, APRIL, date(2026, 5, 1), OCTOBER])
def test_the_months_figures_are_the_ones_python_counted(session, evening_cases, month):
    report = reports.monthly_report(session, month)
    assert sql_figures(report) == python_figures(session, month)


def test_the_trend_is_the_one_python_counted(session, evening_cases):
    for month in (APRIL, date(2026, 11, 1)):
        trend = reports.monthly_report(session, month).trend
        points = [(p.month, p.received, p.completed, p.on_time) for p in trend]
        assert points == python_trend(session, month)


def test_a_case_closed_late_in_a_summer_evening_on_its_due_date_was_late(session, scenarios):
    case = completed(
        scenarios,
        received=noon(date(2025, 6, 2)),
        closed=datetime(2025, 7, 2, 23, 30, tzinfo=UTC),  # 00:30 BST on 3 July
    )
    assert case.due_on == date(2025, 7, 2)
    report = reports.monthly_report(session, date(2025, 7, 1))
    assert (report.total.completed, report.total.on_time) == (1, 0)
    assert report.total.median_days == 31.0
