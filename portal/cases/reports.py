"""The monthly report: what came in, what was finished, and whether it was on time.

Definitions (the report page repeats them, so the figures can be defended):

* received: cases whose received date (Europe/London) falls in the month;
* completed, refused, withdrawn: cases closed that way in the month (closed_on: the
  Europe/London date of closed_at, stored when the case closes);
* completed on time: completed cases closed on or before their due date, as a share of
  those completed in the month;
* extended: extensions granted in the month (the day the deadline was extended);
* median days to complete: calendar days from receipt to completion, for the cases
  completed in the month;
* complaints acknowledged in time: complaints to the council received in the month and
  acknowledged by the 30th day counting the day received as the first (C13, DPA 2018 s.164A(3);
  s.164B lets regulations require complaint counts per period). Complaints received and
  closed are the complaint row of the breakdown by kind.
* internal reviews asked for: reviews received in the month; decided: review outcomes
  recorded in the month (Europe/London date);
* ICO cases received: those whose letter arrived in the month; closed: those the ICO
  closed in the month.

Every figure is given in all and broken down by kind, by channel and by hub source.
Every figure is counted as it happens, in the same transaction (portal.cases.case_months:
a row a group (kind, channel, hub) and month; a row a number of days taken; and for the
12-month trend a row a month; portal.cases.case_month_events says when each event is
counted), and each breakdown's median days is a row worked out as cases complete. The
database sums the month's group rows for each breakdown. So the time taken follows
neither the cases held nor the cases and events of the month: issue 17 point 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import CompoundSelect, func, literal, select, union_all

from portal.cases import clock
from portal.cases.case_months import GROUP_COUNTS, CaseMonth, CaseMonthGroup, CaseMonthMedian
from portal.cases.models import CaseKind, Channel
from portal.exports import csv_cell
from portal.extensions import DbSession

NOT_FROM_A_HUB = ""
TREND_MONTHS = 12


def month_start(day: date) -> date:
    return day.replace(day=1)


@dataclass
class Figures:
    """One row of the report."""

    received: int = 0
    completed: int = 0
    on_time: int = 0
    extended: int = 0
    refused: int = 0
    withdrawn: int = 0
    acknowledged_in_time: int = 0  # C13: complaints only
    # After a decision.
    reviews_asked: int = 0
    reviews_decided: int = 0
    ico_recorded: int = 0
    ico_closed: int = 0
    # The middle of the days from receipt to completion of the cases completed in the
    # month (the mean of the middle two, for an even number); None when none were.
    median_days: float | None = None

    @property
    def on_time_percent(self) -> float | None:
        """None when nothing was completed: no rate, rather than a made-up 0% or 100%."""
        if not self.completed:
            return None
        return round(100 * self.on_time / self.completed, 1)


@dataclass(frozen=True)
class Breakdown:
    """Figures by one dimension: (key, figures) in a fixed order."""

    title: str
    rows: tuple[tuple[str, Figures], ...]


@dataclass(frozen=True)
class TrendPoint:
    month: date
    received: int
    completed: int
    on_time: int


@dataclass(frozen=True)
class MonthlyReport:
    month: date
    total: Figures
    by_kind: Breakdown
    by_channel: Breakdown
    by_hub: Breakdown
    trend: tuple[TrendPoint, ...]


def monthly_report(session: DbSession, month: date) -> MonthlyReport:
    """The report for the calendar month containing `month`.

    Read from the month's counts, kept as cases arrive and close and as things happen to
    them (portal.cases.case_months): the database sums the month's rows a group for each
    breakdown, and each breakdown's median is a row kept as cases complete, so the time
    taken follows neither the cases held nor those of the month."""
    first = month_start(month)
    figures: dict[tuple[str, str], Figures] = {}
    for dimension, value, *counts in session.execute(_sums(first)):
        figures[(dimension, value or NOT_FROM_A_HUB)] = Figures(
            **{name: int(count) for name, count in zip(GROUP_COUNTS, counts, strict=True)}
        )
    for middle in session.scalars(select(CaseMonthMedian).where(CaseMonthMedian.month == first)):
        key = (middle.dimension, middle.value)
        figures.setdefault(key, Figures()).median_days = middle.median_days

    hubs = sorted(key for dimension, key in figures if dimension == "hub" and key)
    return MonthlyReport(
        month=first,
        total=figures.get(("all", ""), Figures()),
        by_kind=_breakdown("By kind", figures, "kind", [str(k) for k in CaseKind]),
        by_channel=_breakdown("By channel", figures, "channel", [str(c) for c in Channel]),
        by_hub=_breakdown("By hub source", figures, "hub", [*hubs, NOT_FROM_A_HUB]),
        trend=trend(session, first),
    )


def _sums(first: date) -> CompoundSelect:
    """(dimension, value, each of GROUP_COUNTS) for the month: its group rows summed in
    all (value "") and by kind, by channel and by hub."""
    table = CaseMonthGroup.__table__
    sums = [func.sum(table.c[name]) for name in GROUP_COUNTS]
    by = (
        ("all", table.c.month),
        ("kind", table.c.kind),
        ("channel", table.c.channel),
        ("hub", table.c.hub),
    )
    return union_all(
        *(
            select(
                literal(dimension).label("dimension"),
                (literal("") if dimension == "all" else column).label("value"),
                *sums,
            )
            .where(table.c.month == first)
            .group_by(column)
            for dimension, column in by
        )
    )


def trend(session: DbSession, month: date, months: int = TREND_MONTHS) -> tuple[TrendPoint, ...]:
    """Received, completed and completed on time for the `months` months up to `month`:
    a row a month, counted as the cases arrived and closed (portal.cases.case_months)."""
    last = month_start(month)
    starts = [clock.add_months(last, i - (months - 1)) for i in range(months)]
    counted = {
        row.month: row
        for row in session.scalars(
            select(CaseMonth).where(CaseMonth.month >= starts[0], CaseMonth.month <= last)
        )
    }
    return tuple(
        TrendPoint(m, row.received, row.completed, row.completed_on_time)
        if (row := counted.get(m))
        else TrendPoint(m, 0, 0, 0)
        for m in starts
    )


def _breakdown(
    title: str, figures: dict[tuple[str, str], Figures], dimension: str, keys: Sequence[str]
) -> Breakdown:
    return Breakdown(title, tuple((key, figures.get((dimension, key), Figures())) for key in keys))


# CSV ---------------------------------------------------------------------------------

CSV_HEADER = (
    "Month",
    "Breakdown",
    "Group",
    "Received",
    "Completed",
    "Completed on time",
    "Completed on time (%)",
    "Extended",
    "Refused",
    "Withdrawn",
    "Median days to complete",
    "Complaints acknowledged within 30 days",
    "Internal reviews asked for",
    "Internal reviews decided",
    "ICO cases received",
    "ICO cases closed",
)


def report_csv(report: MonthlyReport, label: Callable[[str, str], str]) -> str:
    """The report as CSV, one row per group; `label(dimension, key)` names each group.
    Cells a spreadsheet would run as a formula (a hub name, say) are made plain text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    rows: Iterable[tuple[str, str, Figures]] = [
        ("All cases", "All", report.total),
        *((report.by_kind.title, label("kind", k), f) for k, f in report.by_kind.rows),
        *((report.by_channel.title, label("channel", k), f) for k, f in report.by_channel.rows),
        *((report.by_hub.title, label("hub", k), f) for k, f in report.by_hub.rows),
    ]
    month = report.month.strftime("%Y-%m")
    for breakdown, group, f in rows:
        writer.writerow(
            csv_cell(value)
            for value in (
                month,
                breakdown,
                group,
                f.received,
                f.completed,
                f.on_time,
                "" if f.on_time_percent is None else f.on_time_percent,
                f.extended,
                f.refused,
                f.withdrawn,
                "" if f.median_days is None else f.median_days,
                f.acknowledged_in_time,
                f.reviews_asked,
                f.reviews_decided,
                f.ico_recorded,
                f.ico_closed,
            )
        )
    return out.getvalue()
