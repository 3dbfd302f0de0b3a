"""The Europe/London calendar date of a stored instant, worked out by the database.

Reports count cases by the London date they closed on (C2: dates are Europe/London dates),
over months and years of cases: reading every row into Python to convert it costs more
than the whole rest of the report. PostgreSQL knows the time zone; SQLite does not, so
there the date is the UTC date after adding London's offset over the stretches of the
asked range when it is ahead of UTC (British Summer Time), found from the zone data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Integer, case, cast, func, literal, type_coerce

from portal.cases.clock import LONDON

_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


def _offset(moment: datetime) -> timedelta:
    return moment.astimezone(LONDON).utcoffset() or timedelta(0)


@lru_cache(maxsize=64)
def ahead_of_utc(start: datetime, end: datetime) -> tuple[tuple[datetime, datetime, int], ...]:
    """(from, to, minutes): each stretch of [start, end) when London is ahead of UTC, with
    its offset. Day by day, then hour by hour around each change (London changes on the
    hour)."""
    start = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    stretches: list[tuple[datetime, datetime, int]] = []
    opened: datetime | None = start if _offset(start) else None
    offset = _offset(start)
    day = start
    while day < end:
        following = min(day + _DAY, end)
        if _offset(following) != offset:
            hour = day
            while _offset(hour) == offset:
                hour += _HOUR
            if opened is not None:
                stretches.append((opened, hour, int(offset.total_seconds() // 60)))
            offset = _offset(hour)
            opened = hour if offset else None
        day = following
    if opened is not None:
        stretches.append((opened, end, int(offset.total_seconds() // 60)))
    return tuple(stretches)


def london_date(column: Any, dialect: str, start: datetime, end: datetime) -> Any:
    """C2: the London date of `column` (an instant stored in UTC), as a SQL expression,
    for rows whose instant lies in [start, end)."""
    if dialect == "postgresql":
        return cast(func.timezone("Europe/London", column), Date)
    shift: Any = literal("+0 minutes")
    stretches = ahead_of_utc(start, end)
    if stretches:
        shift = case(
            *(
                ((column >= since) & (column < until), literal(f"+{minutes} minutes"))
                for since, until, minutes in stretches
            ),
            else_=literal("+0 minutes"),
        )
    return type_coerce(func.date(column, shift), Date)


def days_between(later: Any, earlier: Any, dialect: str) -> Any:
    """Calendar days from the date `earlier` to the date `later`, as a SQL expression."""
    if dialect == "postgresql":
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)
