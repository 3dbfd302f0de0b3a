"""The monthly report: what came in, what was finished, and whether it was on time.

Definitions (the report page repeats them, so the figures can be defended):

* received: cases whose received date (Europe/London) falls in the month;
* completed, refused, withdrawn: cases closed that way in the month (closed_on: the
  Europe/London date of closed_at, stored when the case closes);
* completed on time: completed cases closed on or before their due date, as a share of
  those completed in the month;
* extended: extensions granted in the month (the "deadline_extended" audit events);
* median days to complete: calendar days from receipt to completion, for the cases
  completed in the month;
* complaints acknowledged in time: complaints to the council received in the month and
  acknowledged by the 30th day counting the day received as the first (C13, DPA 2018 s.164A(3);
  s.164B lets regulations require complaint counts per period). Complaints received and
  closed are the complaint row of the breakdown by kind.
* internal reviews asked for and decided, ICO cases received and closed: see
  portal.cases.after_decision_reports.

Every figure is given in all and broken down by kind, by channel and by hub source.
Arrivals, closures, on-time completions and days to complete come from counts kept as
cases arrive and close (portal.cases.case_months: a row a group and month, and a row a
number of days); the 12-month trend reads a row a month. Extensions, complaints and the
after-decision figures are counted by the database (GROUP BY) from the month's events by
indexed dates (migration 0022). So the time taken follows the number of groups and the
month's events, not the number of cases held or received in a month: issue 17 point 2.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from portal.cases import clock, complaints
from portal.cases.after_decision_reports import after_decision_counts
from portal.cases.case_months import GROUP_COUNTS, CaseMonth, CaseMonthDays, CaseMonthGroup
from portal.cases.models import AuditEvent, Case, CaseKind, Channel
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
    # After a decision (portal.cases.after_decision_reports).
    reviews_asked: int = 0
    reviews_decided: int = 0
    ico_recorded: int = 0
    ico_closed: int = 0
    # Days to complete -> how many completed cases took that many.
    days_to_complete: Counter[int] = field(default_factory=Counter, repr=False)

    @property
    def on_time_percent(self) -> float | None:
        """None when nothing was completed: no rate, rather than a made-up 0% or 100%."""
        if not self.completed:
            return None
        return round(100 * self.on_time / self.completed, 1)

    @property
    def median_days(self) -> float | None:
        """The middle of the days to complete (the mean of the middle two, for an even
        number of cases), found by walking the counts in order of days."""
        cases = self.days_to_complete.total()
        if not cases:
            return None
        return (self._days_at((cases - 1) // 2) + self._days_at(cases // 2)) / 2

    def _days_at(self, position: int) -> int:
        """The days to complete of the case at `position` (from 0) in order of days."""
        seen = 0
        for days in sorted(self.days_to_complete):
            seen += self.days_to_complete[days]
            if seen > position:
                return days
        raise IndexError(position)


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


@dataclass(frozen=True)
class _Row:
    kind: str
    channel: str
    hub: str


def _group(kind: str, channel: str, hub: str | None) -> _Row:
    return _Row(kind, channel, hub or NOT_FROM_A_HUB)


def monthly_report(session: DbSession, month: date) -> MonthlyReport:
    """The report for the calendar month containing `month`.

    Counted by the database (GROUP BY kind, channel and hub, and for closed cases by how
    they closed, whether on time and after how many days) from the month's rows of two
    indexes, so the time taken follows the month's cases, not all the cases held."""
    first = month_start(month)
    after = clock.add_months(first, 1)
    figures: dict[tuple[str, str], Figures] = {}

    def add(row: _Row, name: str, count: int = 1) -> None:
        for key in (("all", ""), ("kind", row.kind), ("channel", row.channel), ("hub", row.hub)):
            each = figures.setdefault(key, Figures())
            setattr(each, name, getattr(each, name) + count)

    # Arrivals and closures from the month's counts, kept as cases arrive and close
    # (case_months): a row a group, however many cases the month holds.
    counted = session.execute(
        select(
            CaseMonthGroup.kind,
            CaseMonthGroup.channel,
            CaseMonthGroup.hub,
            *(CaseMonthGroup.__table__.c[name] for name in GROUP_COUNTS),
        ).where(CaseMonthGroup.month == first)
    )
    for kind, channel, hub, *counts in counted:
        row = _group(kind, channel, hub)
        for name, count in zip(GROUP_COUNTS, counts, strict=True):
            if count:
                add(row, name, count)
    taken = session.execute(
        select(
            CaseMonthDays.dimension,
            CaseMonthDays.value,
            CaseMonthDays.days,
            CaseMonthDays.completed,
        ).where(CaseMonthDays.month == first)
    )
    for dimension, value, days_taken, count in taken:
        figures.setdefault((dimension, value), Figures()).days_to_complete[days_taken] += count

    group = (Case.kind, Case.channel, Case.hub_source)
    for kind, channel, hub in complaints.acknowledged_in_time(session, first, after):
        add(_group(kind, channel, hub), "acknowledged_in_time")

    month_from, month_until = clock.day_starts_at(first), clock.day_starts_at(after)
    extensions = session.execute(
        select(*group, func.count())
        .join(AuditEvent, AuditEvent.case_id == Case.id)
        .where(
            AuditEvent.action == "deadline_extended",
            AuditEvent.occurred_at >= month_from,
            AuditEvent.occurred_at < month_until,
        )
        .group_by(*group)
    )
    for kind, channel, hub, count in extensions:
        add(_group(kind, channel, hub), "extended", count)

    for kind, channel, hub, name, count in after_decision_counts(session, first, after):
        add(_group(kind, channel, hub), name, count)

    hubs = sorted(key for dimension, key in figures if dimension == "hub" and key)
    return MonthlyReport(
        month=first,
        total=figures.get(("all", ""), Figures()),
        by_kind=_breakdown("By kind", figures, "kind", [str(k) for k in CaseKind]),
        by_channel=_breakdown("By channel", figures, "channel", [str(c) for c in Channel]),
        by_hub=_breakdown("By hub source", figures, "hub", [*hubs, NOT_FROM_A_HUB]),
        trend=trend(session, first),
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
