"""The monthly report page and its CSV download. The figures come from
portal.cases.reports; this module picks the month, names the groups and draws the chart
(an SVG built on the server: no script, and a table of the same figures beside it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template, request

from portal.cases import reports
from portal.cases.clock import add_months, london_today
from portal.cases.models import CaseKind, Channel
from portal.exports import csv_download
from portal.extensions import db
from portal.staff import bp
from portal.staff.permissions import Action, requires
from portal.staff.queue_views import CHANNEL_LABELS, KIND_LABELS

MONTHS_OFFERED = 24
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month_label(month: date) -> str:
    return month.strftime("%B %Y")


def _months_offered(today: date) -> list[date]:
    this_month = reports.month_start(today)
    return [add_months(this_month, -i) for i in range(MONTHS_OFFERED)]


def _chosen_month(value: str | None, offered: list[date]) -> tuple[date, str | None]:
    """The month asked for, or this month and the error to show."""
    if not value:
        return offered[0], None
    match = _MONTH.fullmatch(value.strip())
    if match and 1 <= int(match[2]) <= 12:
        month = date(int(match[1]), int(match[2]), 1)
        if month in offered:
            return month, None
    first, last = _month_label(offered[-1]), _month_label(offered[0])
    return offered[0], f"Choose a month from {first} to {last}"


def _group_label(dimension: str, key: str) -> str:
    if dimension == "kind":
        return KIND_LABELS.get(CaseKind(key), key)
    if dimension == "channel":
        return CHANNEL_LABELS.get(Channel(key), key)
    if key == reports.NOT_FROM_A_HUB:
        return "Not from a hub"
    hubs = {hub.slug: hub.name.english for hub in current_app.extensions["council"].hubs}
    return hubs.get(key, key)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label_y: float


@dataclass(frozen=True)
class ChartMonth:
    label: str
    x: float
    received: Bar
    completed: Bar


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    top: float
    ticks: tuple[tuple[float, int], ...]
    months: tuple[ChartMonth, ...]


def bar_chart(trend: tuple[reports.TrendPoint, ...]) -> Chart:
    """Pairs of bars (received, completed) per month, scaled to a round maximum."""
    width, height = 720, 300
    left, right, top, bottom = 48, 8, 24, 48
    peak = max([1, *(p.received for p in trend), *(p.completed for p in trend)])
    step = _tick_step(peak)
    scale_top = step * -(-peak // step)
    plot_height = height - top - bottom
    baseline = height - bottom
    slot = (width - left - right) / len(trend)
    bar_width = slot * 0.36

    def bar(x: float, value: int) -> Bar:
        bar_height = plot_height * value / scale_top
        y = baseline - bar_height
        return Bar(
            round(x, 1), round(y, 1), round(bar_width, 1), round(bar_height, 1), value, y - 4
        )

    months = tuple(
        ChartMonth(
            label=point.month.strftime("%b %y"),
            x=round(left + slot * (i + 0.5), 1),
            received=bar(left + slot * i + slot * 0.12, point.received),
            completed=bar(left + slot * i + slot * 0.12 + bar_width, point.completed),
        )
        for i, point in enumerate(trend)
    )
    ticks = tuple(
        (round(baseline - plot_height * value / scale_top, 1), value)
        for value in range(0, scale_top + 1, step)
    )
    return Chart(width, height, baseline, top, ticks, months)


def _tick_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 5:
            return step
    return 10000


@bp.get("/reports", endpoint="reports")
@requires(Action.VIEW_CASES)
def reports_page():
    offered = _months_offered(london_today())
    month, error = _chosen_month(request.args.get("month"), offered)
    report = reports.monthly_report(db.session, month)
    page = render_template(
        "staff/reports.html",
        report=report,
        month_label=_month_label(month),
        offered=[(m.strftime("%Y-%m"), _month_label(m)) for m in offered],
        chosen=month.strftime("%Y-%m"),
        error=error,
        chart=bar_chart(report.trend),
        group_label=_group_label,
    )
    return page, 400 if error else 200


@bp.get("/reports.csv")
@requires(Action.VIEW_CASES)
def reports_csv():
    offered = _months_offered(london_today())
    month, error = _chosen_month(request.args.get("month"), offered)
    if error:
        return reports_page()
    report = reports.monthly_report(db.session, month)
    name = f"think-family-report-{month.strftime('%Y-%m')}.csv"
    return csv_download(reports.report_csv(report, _group_label), name)
