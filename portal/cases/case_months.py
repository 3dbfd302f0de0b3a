"""Each month's arrivals and completions, counted as they happen, for the monthly report's
12-month trend (issue 17 point 2): the trend reads twelve rows, however many cases the
months hold, where counting the cases would read a year of them.

A case is counted once when it is received (portal.cases.intake) and once when it is
completed (portal.cases.closing), in the same transaction as the change. Both are final:
a case's received date never changes, and a completed case never reopens (workflow:
completed has no way out), so a month's row is never made stale by a later change.
`recount` rebuilds every row from the cases (for cases written in bulk, as the benchmarks
do; migration 0024 does the same for the cases that existed before this table).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import Date, Integer, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

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


def completed_on_time(closed_on: date, due_on: date | None) -> bool:
    """The report's rule: on time when closed on or before the due date (none: not)."""
    return due_on is not None and closed_on <= due_on


def count_received(session: DbSession, received_on: date) -> None:
    """A case received on `received_on`: one more arrival in its month."""
    _add(session, received_on.replace(day=1), received=1)


def count_completed(session: DbSession, closed_on: date, due_on: date | None) -> None:
    """A case completed on `closed_on` (London date): one more completion in its month."""
    on_time = int(completed_on_time(closed_on, due_on))
    _add(session, closed_on.replace(day=1), completed=1, completed_on_time=on_time)


def _add(session: DbSession, month: date, **counts: int) -> None:
    """Add to a month's row, making it if it is the month's first: one statement, so two
    transactions counting at once both count (PostgreSQL takes the row lock for the
    update; SQLite writes one transaction at a time)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = CaseMonth.__table__
    values = {"received": 0, "completed": 0, "completed_on_time": 0, **counts}
    statement = dialect.insert(table).values(month=month, **values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.month],
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
