"""Each month's arrivals and closures, counted as they happen, for the monthly report
(issue 17 point 2): the report reads a row per group (kind, channel, hub) and the 12-month
trend twelve rows, however many cases the months hold, where counting the cases would read
every case of the month, and of the year for the trend.

A case is counted once when it is received (portal.cases.intake) and once when it closes
(portal.cases.closing: completed, refused or withdrawn), in the same transaction as the
change. Both are final: a case's received date, kind, channel and hub never change, and a
closed case never reopens (workflow: the closed states have no way out), so a month's rows
are never made stale by a later change. What happens to a case afterwards (an extension,
a complaint acknowledged, an internal review, an ICO case) is counted in its group's row
for the month it happens, in the transaction that records it (count_event; the events and
their months: portal.cases.case_month_events). `recount` rebuilds every row from the cases
and their events (for cases written in bulk, as the benchmarks do; migrations 0024, 0026
and 0027 do the same for what existed before these tables and columns).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, String, and_, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal.cases.case_month_events import event_counts
from portal.cases.models import Case, CaseState
from portal.extensions import Base, DbSession


class CaseMonth(Base):
    """One Europe/London calendar month's figures for the trend."""

    __tablename__ = "case_months"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    received: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    # C2: completed on or before the due date (the London date the case closed on).
    completed_on_time: Mapped[int] = mapped_column(Integer, default=0)


class CaseMonthGroup(Base):
    """A month's arrivals and closures of one kind, channel and hub (the report's groups)."""

    __tablename__ = "case_month_groups"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    hub: Mapped[str] = mapped_column(String(64), primary_key=True)  # "" when not from a hub
    received: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    # What happened to the group's cases in the month (EVENT_COUNTS; migration 0027).
    extended: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_in_time: Mapped[int] = mapped_column(Integer, default=0)
    reviews_asked: Mapped[int] = mapped_column(Integer, default=0)
    reviews_decided: Mapped[int] = mapped_column(Integer, default=0)
    ico_recorded: Mapped[int] = mapped_column(Integer, default=0)
    ico_closed: Mapped[int] = mapped_column(Integer, default=0)


class CaseMonthDays(Base):
    """How many cases completed in a month took each number of days, in all and for each
    kind, channel and hub the report breaks down by (its medians are worked out from
    these: CaseMonthMedian)."""

    __tablename__ = "case_month_days"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    # "all" (value ""), "kind", "channel" or "hub" (value "" when not from a hub).
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    completed: Mapped[int] = mapped_column(Integer, default=0)


class CaseMonthMedian(Base):
    """The middle of a month's days to complete, in all and for each kind, channel and hub:
    the days of the middle case, in order of days (low and high the same), or of the middle
    two (the median is their mean). Worked out from the month's CaseMonthDays rows each
    time a case completes in the month, so the report reads a row, not the days."""

    __tablename__ = "case_month_medians"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)

    @property
    def median_days(self) -> float:
        return (self.low + self.high) / 2


def breakdown_keys(group: dict[str, str]) -> list[tuple[str, str]]:
    """The report's figures a case of `group` counts in: all, its kind, channel and hub."""
    return [
        ("all", ""),
        ("kind", group["kind"]),
        ("channel", group["channel"]),
        ("hub", group["hub"]),
    ]


CASE_COUNTS = ("received", "completed", "on_time", "refused", "withdrawn")
# Counted in the month each happens (portal.cases.case_month_events says when and where).
EVENT_COUNTS = (
    "extended",
    "acknowledged_in_time",
    "reviews_asked",
    "reviews_decided",
    "ico_recorded",
    "ico_closed",
)
GROUP_COUNTS = CASE_COUNTS + EVENT_COUNTS
DAYS_KEY = ("month", "dimension", "value", "days")


def completed_on_time(closed_on: date, due_on: date | None) -> bool:
    """The report's rule: on time when closed on or before the due date (none: not)."""
    return due_on is not None and closed_on <= due_on


def group_of(case: Case) -> dict[str, str]:
    """The report's group of a case: its kind, channel and hub ("" when not from a hub)."""
    return {"kind": str(case.kind), "channel": str(case.channel), "hub": case.hub_source or ""}


def count_received(session: DbSession, case: Case) -> None:
    """A case received: one more arrival in its month, in all and in its group."""
    month = case.received_on.replace(day=1)
    _add(session, CaseMonth, {"month": month}, received=1)
    _add(session, CaseMonthGroup, {"month": month, **group_of(case)}, received=1)


def count_closed(session: DbSession, case: Case) -> None:
    """A case closed (its state and closed_on set): one more completion, refusal or
    withdrawal in the month it closed, in its group; a completion also in all, with
    whether it was on time and after how many days."""
    if case.closed_on is None:
        raise ValueError("a case is counted as closed once closing has set closed_on")
    month = case.closed_on.replace(day=1)
    group = {"month": month, **group_of(case)}
    if case.state == CaseState.COMPLETED:
        on_time = int(completed_on_time(case.closed_on, case.due_on))
        _add(session, CaseMonth, {"month": month}, completed=1, completed_on_time=on_time)
        _add(session, CaseMonthGroup, group, completed=1, on_time=on_time)
        days = (case.closed_on - case.received_on).days
        keys = breakdown_keys(group_of(case))
        for dimension, value in keys:
            key = {"month": month, "dimension": dimension, "value": value, "days": days}
            _add(session, CaseMonthDays, key, completed=1)
        # The CaseMonth row, updated above, stays locked until this transaction ends, so
        # completions in one month are counted one at a time from here: the middles below
        # are worked out from every completion committed before this one, and this one.
        where = (
            CaseMonthDays.month == month,
            or_(
                *(
                    and_(CaseMonthDays.dimension == dimension, CaseMonthDays.value == value)
                    for dimension, value in keys
                )
            ),
        )
        for row in middle_days(session, *where):
            _put(session, CaseMonthMedian, row, ("low", "high"))
    elif case.state == CaseState.REFUSED:
        _add(session, CaseMonthGroup, group, refused=1)
    elif case.state == CaseState.WITHDRAWN:
        _add(session, CaseMonthGroup, group, withdrawn=1)


def count_event(session: DbSession, case: Case, figure: str, day: date) -> None:
    """One more of `figure` (one of EVENT_COUNTS) for the case's group, in the month of
    `day` (a Europe/London date)."""
    if figure not in EVENT_COUNTS:
        raise ValueError(f"not a figure counted by month: {figure}")
    _add(session, CaseMonthGroup, {"month": day.replace(day=1), **group_of(case)}, **{figure: 1})


def middle_days(session: DbSession, *where: ColumnElement[bool]) -> list[dict[str, Any]]:
    """The middles (CaseMonthMedian rows, as dicts) of the CaseMonthDays rows `where`
    selects, worked out by the database: it walks each month and (dimension, value)'s rows
    in order of days with a running total, and keeps the one or two rows holding the
    middle positions ((cases - 1) // 2 and cases // 2, counting from 0)."""
    days = CaseMonthDays.__table__.c
    key = (days.month, days.dimension, days.value)
    upto = func.sum(days.completed).over(partition_by=key, order_by=days.days)
    walked = (
        select(
            *key,
            days.days,
            (upto - days.completed).label("before"),
            upto.label("upto"),
            func.sum(days.completed).over(partition_by=key).label("cases"),
        )
        .where(*where)
        .subquery()
    )
    w = walked.c
    holds_low = ((w.cases - 1) // 2).between(w.before, w.upto - 1)
    holds_high = (w.cases // 2).between(w.before, w.upto - 1)
    found: dict[tuple[date, str, str], dict[str, Any]] = {}
    for month, dimension, value, taken, is_low, is_high in session.execute(
        select(w.month, w.dimension, w.value, w.days, holds_low, holds_high).where(
            or_(holds_low, holds_high)
        )
    ):
        row = found.setdefault(
            (month, dimension, value), {"month": month, "dimension": dimension, "value": value}
        )
        if is_low:
            row["low"] = taken
        if is_high:
            row["high"] = taken
    return list(found.values())


def _put(session: DbSession, model: type[Base], row: dict[str, Any], names: Sequence[str]) -> None:
    """Write a row, replacing the `names` of the one with its key if there is one."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = dialect.insert(table).values(**row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(model.__mapper__.primary_key),
            set_={name: statement.excluded[name] for name in names},
        )
    )


def _add(session: DbSession, model: type[Base], key: dict[str, object], **counts: int) -> None:
    """Add to a row, making it if it is the first: one statement, so two transactions
    counting at once both count (PostgreSQL takes the row lock for the update; SQLite
    writes one transaction at a time)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    zeros = {c.name: 0 for c in table.columns if c.name not in key}
    statement = dialect.insert(table).values(**key, **{**zeros, **counts})
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c[name] for name in key],
            set_={name: table.c[name] + statement.excluded[name] for name in counts},
        )
    )


def recount(session: DbSession) -> None:
    """Rebuild every month's row from the cases (by day in the database, by month here)."""
    received: Counter[date] = Counter()
    completed: Counter[date] = Counter()
    on_time: Counter[date] = Counter()
    for day, count in session.execute(
        select(Case.received_on, func.count()).group_by(Case.received_on)
    ):
        received[day.replace(day=1)] += count
    for closed_on, due_on, count in session.execute(
        select(Case.closed_on, Case.due_on, func.count())
        .where(Case.state == CaseState.COMPLETED, Case.closed_on.is_not(None))
        .group_by(Case.closed_on, Case.due_on)
    ):
        completed[closed_on.replace(day=1)] += count
        if completed_on_time(closed_on, due_on):
            on_time[closed_on.replace(day=1)] += count
    _recount_groups(session)
    session.execute(delete(CaseMonth))
    months = sorted(received.keys() | completed.keys())
    if months:
        session.execute(
            insert(CaseMonth),
            [
                {
                    "month": month,
                    "received": received[month],
                    "completed": completed[month],
                    "completed_on_time": on_time[month],
                }
                for month in months
            ],
        )


def _recount_groups(session: DbSession) -> None:
    """Rebuild the groups' rows and the days counts from the cases."""
    groups: dict[tuple[date, str, str, str], Counter[str]] = {}
    days: Counter[tuple[date, str, str, int]] = Counter()
    columns = (Case.kind, Case.channel, Case.hub_source)
    for kind, channel, hub, day, count in session.execute(
        select(*columns, Case.received_on, func.count()).group_by(*columns, Case.received_on)
    ):
        key = (day.replace(day=1), str(kind), str(channel), hub or "")
        groups.setdefault(key, Counter())["received"] += count
    closing = (Case.state, Case.closed_on, Case.received_on, Case.due_on)
    for kind, channel, hub, state, closed_on, received_on, due_on, count in session.execute(
        select(*columns, *closing, func.count())
        .where(Case.closed_on.is_not(None))
        .group_by(*columns, *closing)
    ):
        key = (closed_on.replace(day=1), str(kind), str(channel), hub or "")
        counts = groups.setdefault(key, Counter())
        if state == CaseState.COMPLETED:
            counts["completed"] += count
            counts["on_time"] += count * completed_on_time(closed_on, due_on)
            taken = (closed_on - received_on).days
            group = dict(zip(("kind", "channel", "hub"), key[1:], strict=True))
            for dimension, value in breakdown_keys(group):
                days[(key[0], dimension, value, taken)] += count
        elif state == CaseState.REFUSED:
            counts["refused"] += count
        elif state == CaseState.WITHDRAWN:
            counts["withdrawn"] += count
    for kind, channel, hub, day, figure, count in event_counts(session):
        key = (day.replace(day=1), str(kind), str(channel), hub or "")
        groups.setdefault(key, Counter())[figure] += count
    session.execute(delete(CaseMonthGroup))
    session.execute(delete(CaseMonthDays))
    session.execute(delete(CaseMonthMedian))
    names = ("month", "kind", "channel", "hub")
    if groups:
        session.execute(
            insert(CaseMonthGroup),
            [
                {**dict(zip(names, key, strict=True)), **{n: c[n] for n in GROUP_COUNTS}}
                for key, c in sorted(groups.items())
            ],
        )
    if days:
        session.execute(
            insert(CaseMonthDays),
            [
                {**dict(zip(DAYS_KEY, key, strict=True)), "completed": count}
                for key, count in sorted(days.items())
            ],
        )
        session.execute(insert(CaseMonthMedian), middle_days(session))
