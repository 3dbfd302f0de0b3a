"""The monthly report: what came in, what was finished, and whether it was on time.

Definitions (the report page repeats them, so the figures can be defended):

* received: cases whose received date (Europe/London) falls in the month;
* completed, refused, withdrawn: cases closed that way in the month (the Europe/London
  date of closed_at);
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

Every figure is given in all and broken down by kind, by channel and by hub source. A
month reads only its own rows (by the received_on and closed_at indexes), so the report
stays quick however many years of cases the database holds.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select

from portal.cases import clock, complaints
from portal.cases.after_decision_reports import after_decision_counts
from portal.cases.models import AuditEvent, Case, CaseKind, CaseState, Channel
from portal.exports import csv_cell
from portal.extensions import DbSession
from portal.instants import aware

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
    days_to_complete: list[int] = field(default_factory=list, repr=False)

    @property
    def on_time_percent(self) -> float | None:
        """None when nothing was completed: no rate, rather than a made-up 0% or 100%."""
        if not self.completed:
            return None
        return round(100 * self.on_time / self.completed, 1)

    @property
    def median_days(self) -> float | None:
        if not self.days_to_complete:
            return None
        return float(statistics.median(self.days_to_complete))


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


def _columns() -> Select:
    return select(
        Case.kind,
        Case.channel,
        Case.hub_source,
        Case.state,
        Case.received_on,
        Case.closed_at,
        Case.due_on,
    )


def monthly_report(session: DbSession, month: date) -> MonthlyReport:
    """The report for the calendar month containing `month`."""
    first = month_start(month)
    after = clock.add_months(first, 1)
    figures: dict[tuple[str, str], Figures] = {}

    def add(row: _Row, update: Callable[[Figures], None]) -> None:
        for key in (("all", ""), ("kind", row.kind), ("channel", row.channel), ("hub", row.hub)):
            update(figures.setdefault(key, Figures()))

    received = session.execute(
        _columns().where(Case.received_on >= first, Case.received_on < after)
    )
    for kind, channel, hub, *_rest in received:
        add(_Row(kind, channel, hub or NOT_FROM_A_HUB), _count("received"))

    closed = session.execute(
        _columns().where(
            Case.closed_at >= clock.day_starts_at(first),
            Case.closed_at < clock.day_starts_at(after),
        )
    )
    for kind, channel, hub, state, received_on, closed_at, due_on in closed:
        row = _Row(kind, channel, hub or NOT_FROM_A_HUB)
        if state == CaseState.COMPLETED:
            closed_on = clock.received_on(aware(closed_at))
            add(row, _completion(received_on, closed_on, due_on))
        elif state == CaseState.REFUSED:
            add(row, _count("refused"))
        elif state == CaseState.WITHDRAWN:
            add(row, _count("withdrawn"))

    for kind, channel, hub in complaints.acknowledged_in_time(session, first, after):
        add(_Row(kind, channel, hub or NOT_FROM_A_HUB), _count("acknowledged_in_time"))

    extensions = session.execute(
        select(Case.kind, Case.channel, Case.hub_source)
        .join(AuditEvent, AuditEvent.case_id == Case.id)
        .where(
            AuditEvent.action == "deadline_extended",
            AuditEvent.occurred_at >= clock.day_starts_at(first),
            AuditEvent.occurred_at < clock.day_starts_at(after),
        )
    )
    for kind, channel, hub in extensions:
        add(_Row(kind, channel, hub or NOT_FROM_A_HUB), _count("extended"))

    for kind, channel, hub, name in after_decision_counts(session, first, after):
        add(_Row(kind, channel, hub or NOT_FROM_A_HUB), _count(name))

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
    """Received, completed and completed on time for the `months` months up to `month`."""
    last = month_start(month)
    first = clock.add_months(last, -(months - 1))
    after = clock.add_months(last, 1)
    starts = [clock.add_months(first, i) for i in range(months)]
    received = dict.fromkeys(starts, 0)
    completed = dict.fromkeys(starts, 0)
    on_time = dict.fromkeys(starts, 0)
    for (received_on,) in session.execute(
        select(Case.received_on).where(Case.received_on >= first, Case.received_on < after)
    ):
        received[month_start(received_on)] += 1
    for closed_at, due_on in session.execute(
        select(Case.closed_at, Case.due_on).where(
            Case.state == CaseState.COMPLETED,
            Case.closed_at >= clock.day_starts_at(first),
            Case.closed_at < clock.day_starts_at(after),
        )
    ):
        closed_on = clock.received_on(aware(closed_at))
        completed[month_start(closed_on)] += 1
        if due_on is not None and closed_on <= due_on:
            on_time[month_start(closed_on)] += 1
    return tuple(TrendPoint(m, received[m], completed[m], on_time[m]) for m in starts)


def _count(name: str) -> Callable[[Figures], None]:
    def update(figures: Figures) -> None:
        setattr(figures, name, getattr(figures, name) + 1)

    return update


def _completion(
    received_on: date, closed_on: date, due_on: date | None
) -> Callable[[Figures], None]:
    def update(figures: Figures) -> None:
        figures.completed += 1
        if due_on is not None and closed_on <= due_on:
            figures.on_time += 1
        figures.days_to_complete.append((closed_on - received_on).days)

    return update


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
