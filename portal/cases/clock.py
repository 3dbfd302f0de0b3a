"""The statutory clock: when a request was received and when the answer is due (rules C1-C4).

Pure functions on calendar dates (london_today aside, which reads the time). Instants are
stored in UTC; `received_on` turns one into the Europe/London date the law counts from,
`day_starts_at` turns such a date back into the instant it begins, and everything after that
works on `date`s only. This is the one home of the London zone and of month arithmetic.

Bank holidays come from the `holidays` package (offline data) for England (`GB`, subdivision
`ENG`). England and Wales share the same bank holidays, and the package's `ENG` and `WLS`
calendars are identical, so `ENG` stands for "England and Wales" as the ICO's guidance puts it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from portal.instants import utc_now

__all__ = [
    "LONDON",
    "DueDateExplanation",
    "SkippedDay",
    "add_months",
    "day_starts_at",
    "due_date",
    "explain_due_date",
    "is_working_day",
    "london_today",
    "received_on",
    "working_days_between",
]

LONDON = ZoneInfo("Europe/London")

ONE_MONTH = 1
EXTENDED_MONTHS = 3  # C3: the first month plus two further months

_ONE_DAY = timedelta(days=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A non-working day the due date rolled over, and why it is not a working day."""

    day: date
    reason: str  # "Saturday", "Sunday" or the bank holiday's name, e.g. "Easter Monday"


@dataclass(frozen=True, slots=True)
class DueDateExplanation:
    """How a due date was worked out, step by step, for staff screens (C2-C4)."""

    start: date  # the relevant time's date: day 1 of the count (C1)
    months: int  # 1, or 3 when extended (C3)
    base_date: date  # start + months, month-end rule (C2)
    pause_days: int  # days excluded while waiting for clarification, overlaps merged (C4)
    before_rolling: date  # base_date + pause_days
    due: date  # the first working day on or after before_rolling (C2)
    rolled_over_days: tuple[SkippedDay, ...]  # the non-working days between the two


def received_on(moment: datetime) -> date:
    """C1-C2: the Europe/London calendar date of an aware datetime.

    A form submitted at 00:30 BST on 1 April was received on 1 April, although UTC still says
    31 March. A naive datetime is refused: its date would depend on where the server runs.
    """
    if not isinstance(moment, datetime):
        raise TypeError(f"received_on() needs a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("received_on() needs an aware datetime, with a time zone; got a naive one")
    return moment.astimezone(LONDON).date()


def london_today() -> date:
    """C1-C2: today's Europe/London date, the date a request arriving now is received on."""
    return received_on(utc_now())


def day_starts_at(day: date) -> datetime:
    """The UTC instant at which a Europe/London day begins, to compare with stored instants
    (a case's closed_at, an audit event's time): the day's instants are from it, up to the
    next day's."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def is_working_day(day: date) -> bool:
    """C2: False on Saturdays, Sundays and England-and-Wales bank holidays."""
    day = _as_date(day)
    return day.weekday() < _SATURDAY and day not in _bank_holidays(day.year)


def add_months(day: date, months: int) -> date:
    """C2: the corresponding date `months` calendar months on, or that month's last day.

    31 January + 1 month is 28 February (29 in a leap year); 31 March + 3 months is 30 June.
    """
    day = _as_date(day)
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(
    start: date, *, extended: bool = False, pauses: Sequence[tuple[date, date]] = ()
) -> date:
    """C2-C4: start is the relevant time's date; extended adds two months (three in all);
    each pause is (asked_on, answered_on), both days excluded from the count; the pause days
    are added to the corresponding date, and the result then moves to the next working day.
    """
    return explain_due_date(start, extended=extended, pauses=pauses).due


def explain_due_date(
    start: date, *, extended: bool = False, pauses: Sequence[tuple[date, date]] = ()
) -> DueDateExplanation:
    """C2-C4: the due date with every step shown; `due_date` returns its `.due`.

    C2: one month from `start` (day 1) to the corresponding date, month-end rule.
    C3: when extended, three months in all, counted from `start` in one step (31 January
        extended is 30 April, not 28 February + 2 months = 28 April).
    C4: each pause (asked_on, answered_on) stops the clock on both days and every day between;
        overlapping pauses count each day once. The paused days are added to the corresponding
        date, and only then does the result roll forward to a working day.

    Raises ValueError for a pause answered before it was asked, or asked before `start`.
    """
    start = _as_date(start)
    months = EXTENDED_MONTHS if extended else ONE_MONTH
    base_date = add_months(start, months)
    pause_days = _paused_day_count(start, pauses)
    before_rolling = base_date + timedelta(days=pause_days)

    due = before_rolling
    skipped: list[SkippedDay] = []
    while (reason := _non_working_reason(due)) is not None:
        skipped.append(SkippedDay(due, reason))
        due += _ONE_DAY

    return DueDateExplanation(
        start=start,
        months=months,
        base_date=base_date,
        pause_days=pause_days,
        before_rolling=before_rolling,
        due=due,
        rolled_over_days=tuple(skipped),
    )


def working_days_between(start: date, end: date) -> int:
    """C2: working days after `start` up to and including `end`; negative if end < start.

    For end < start it is minus the working days after `end` up to and including `start`, so
    `working_days_between(today, due)` reads as "days left" and, once overdue, "days late".
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    weekdays = _weekdays_up_to(end) - _weekdays_up_to(start)
    holidays_on_weekdays = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in _bank_holidays(year)
        if start < holiday <= end and holiday.weekday() < _SATURDAY
    )
    return weekdays - holidays_on_weekdays


@cache
def _bank_holidays(year: int) -> Mapping[date, str]:
    """England-and-Wales bank holidays of one year, built once on first use and kept.

    A read-only copy, so concurrent requests never share the package's lazily-filled object.
    """
    calendar_ = holidays.country_holidays("GB", subdiv="ENG", years=year, language="en_GB")
    return MappingProxyType({day: str(name) for day, name in calendar_.items()})


def _non_working_reason(day: date) -> str | None:
    """Why `day` is not a working day ("Saturday", "Sunday", a holiday's name), or None."""
    if day.weekday() >= _SATURDAY:
        return _WEEKDAY_NAMES[day.weekday()]
    return _bank_holidays(day.year).get(day)


def _paused_day_count(start: date, pauses: Sequence[tuple[date, date]]) -> int:
    """C4: the number of distinct days inside any pause, both ends included."""
    spans: list[tuple[date, date]] = []
    for asked_on, answered_on in pauses:
        asked_on, answered_on = _as_date(asked_on), _as_date(answered_on)
        if answered_on < asked_on:
            raise ValueError(
                f"A pause cannot be answered ({answered_on}) before it was asked ({asked_on})"
            )
        if asked_on < start:
            raise ValueError(f"A pause cannot start ({asked_on}) before the clock did ({start})")
        spans.append((asked_on, answered_on))

    total = 0
    counted_until: date | None = None  # the last day already counted
    for asked_on, answered_on in sorted(spans):
        first = asked_on if counted_until is None else max(asked_on, counted_until + _ONE_DAY)
        if answered_on >= first:
            total += (answered_on - first).days + 1
            counted_until = answered_on
    return total


def _weekdays_up_to(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including `day`."""
    full_weeks, extra_days = divmod(day.toordinal(), 7)
    return full_weeks * 5 + min(extra_days, 5)


def _as_date(value: date) -> date:
    """Refuse datetimes where a date is meant: a UTC instant's date may be the wrong day (C2)."""
    if isinstance(value, datetime):
        raise TypeError("Pass a date, not a datetime; use received_on() to convert an instant")
    if not isinstance(value, date):
        raise TypeError(f"Expected a date, not {type(value).__name__}")
    return value
