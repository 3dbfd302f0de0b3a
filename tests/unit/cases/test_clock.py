"""The statutory clock: received dates, working days and due dates (rules C1-C4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.cases.clock import (
    LONDON,
    DueDateExplanation,
    SkippedDay,
    add_months,
    day_starts_at,
    due_date,
    explain_due_date,
    is_working_day,
    received_on,
    working_days_between,
)

# No example database: a saved failing example is not a fact about the law. (Hypothesis still
# keeps a small constants cache in .hypothesis/.)
properties = settings(database=None, deadline=None, max_examples=300)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


# --- received_on: the Europe/London date of an instant (C1, dates section of DESIGN.md) ---


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # 00:30 BST on 1 April is 23:30 UTC on 31 March: received on 1 April.
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), date(2026, 4, 1)),
        (datetime(2026, 4, 1, 0, 30, tzinfo=LONDON), date(2026, 4, 1)),
        (datetime(2026, 3, 31, 22, 59, tzinfo=UTC), date(2026, 3, 31)),
        # BST ended at 01:00 UTC on 25 October 2026: 23:30 UTC on 31 October is 23:30 GMT.
        (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), date(2026, 10, 31)),
        # Either side of the changes themselves.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),  # still GMT
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),  # BST since 01:00 UTC
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # still BST
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # GMT again
        # Another zone's evening can be the next London morning.
        (datetime(2026, 1, 5, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 1, 6)),
    ],
)
def test_received_on_is_the_london_calendar_date(moment: datetime, expected: date) -> None:
    assert received_on(moment) == expected


def test_received_on_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        received_on(datetime(2026, 4, 1, 0, 30))  # noqa: DTZ001 - the naive value under test


def test_received_on_refuses_a_plain_date() -> None:
    with pytest.raises(TypeError):
        received_on(date(2026, 4, 1))  # type: ignore[arg-type]


# --- day_starts_at: the instant a London day begins, to compare with stored instants ---


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 15), datetime(2026, 1, 15, 0, 0, tzinfo=UTC)),  # GMT
        (date(2026, 4, 1), datetime(2026, 3, 31, 23, 0, tzinfo=UTC)),  # BST: an hour before
        (date(2026, 3, 29), datetime(2026, 3, 29, 0, 0, tzinfo=UTC)),  # BST starts at 01:00
        (date(2026, 10, 25), datetime(2026, 10, 24, 23, 0, tzinfo=UTC)),  # BST ends at 01:00
    ],
)
def test_a_london_day_starts_at_its_midnight_in_utc(day: date, expected: datetime) -> None:
    assert day_starts_at(day) == expected
    # The instant is that day in London, and a moment earlier was the day before.
    assert received_on(day_starts_at(day)) == day
    assert received_on(day_starts_at(day) - timedelta(microseconds=1)) == day - timedelta(days=1)


# --- is_working_day (C2) ---


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 5, 25), False),  # spring bank holiday
        (date(2026, 8, 31), False),  # summer bank holiday
        (date(2026, 12, 28), False),  # substitute day for Boxing Day (a Saturday)
        (date(2026, 3, 10), True),  # an ordinary Tuesday
        (date(2026, 4, 7), True),  # the Tuesday after Easter Monday
        (date(2026, 12, 29), True),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


# England-and-Wales bank holidays as GOV.UK publishes them (https://www.gov.uk/bank-holidays,
# the same list as https://www.gov.uk/bank-holidays.json), checked when `holidays` was upgraded:
# the clock's data must agree with the primary source, substitute days included.
GOV_UK_BANK_HOLIDAYS = {
    2027: [
        date(2027, 1, 1),  # New Year's Day
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),  # Early May bank holiday
        date(2027, 5, 31),  # Spring bank holiday
        date(2027, 8, 30),  # Summer bank holiday
        date(2027, 12, 27),  # Christmas Day, substitute day (25 December is a Saturday)
        date(2027, 12, 28),  # Boxing Day, substitute day (26 December is a Sunday)
    ],
    2028: [
        date(2028, 1, 3),  # New Year's Day, substitute day (1 January is a Saturday)
        date(2028, 4, 14),  # Good Friday
        date(2028, 4, 17),  # Easter Monday
        date(2028, 5, 1),  # Early May bank holiday
        date(2028, 5, 29),  # Spring bank holiday
        date(2028, 8, 28),  # Summer bank holiday
        date(2028, 12, 25),  # Christmas Day
        date(2028, 12, 26),  # Boxing Day
    ],
}


@pytest.mark.parametrize("year", sorted(GOV_UK_BANK_HOLIDAYS))
def test_weekdays_off_are_exactly_gov_uks_bank_holidays(year: int) -> None:
    every_day = (date(year, 1, 1) + timedelta(days=n) for n in range(366))
    weekdays = [day for day in every_day if day.year == year and day.weekday() < 5]
    assert [day for day in weekdays if not is_working_day(day)] == GOV_UK_BANK_HOLIDAYS[year]


def test_a_due_date_over_christmas_2027_skips_both_substitute_days() -> None:
    # 25 November 2027 + 1 month is Saturday 25 December; after the weekend come both
    # substitute days, so the first working day is Wednesday 29 December.
    explanation = explain_due_date(date(2027, 11, 25))
    assert explanation.due == date(2027, 12, 29)
    assert [skipped.day for skipped in explanation.rolled_over_days] == [
        date(2027, 12, 25),
        date(2027, 12, 26),
        date(2027, 12, 27),
        date(2027, 12, 28),
    ]


def test_bank_holidays_in_england_and_wales_are_the_same_in_the_package() -> None:
    # The clock uses subdivision ENG for "England and Wales"; this guards that choice.
    years = range(2000, 2100)
    england = holidays.country_holidays("GB", subdiv="ENG", years=years)
    wales = holidays.country_holidays("GB", subdiv="WLS", years=years)
    assert set(england) == set(wales)


def test_is_working_day_refuses_a_datetime() -> None:
    with pytest.raises(TypeError, match="received_on"):
        is_working_day(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))


# --- add_months: the month-end rule (C2) ---


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2028, 2, 29), 1, date(2028, 3, 29)),
        (date(2025, 11, 30), 1, date(2025, 12, 30)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 4, 30), 1, date(2025, 5, 30)),
        (date(2025, 9, 3), 1, date(2025, 10, 3)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),  # across the year end
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2025, 12, 31), 14, date(2027, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 3, 15), 0, date(2025, 3, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


# --- due_date: one month, rolled to a working day (C2) ---


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # Friday, the month end
        (date(2028, 1, 31), date(2028, 2, 29)),  # Tuesday, leap year
        (date(2028, 2, 29), date(2028, 3, 29)),  # Wednesday
        (date(2025, 11, 30), date(2025, 12, 30)),  # Tuesday
        (date(2026, 3, 2), date(2026, 4, 2)),  # an ordinary Thursday: day 1 to the same date
    ],
)
def test_due_date_is_the_corresponding_date_next_month(start: date, expected: date) -> None:
    assert due_date(start) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 2, 7), date(2026, 3, 9)),  # 7 March is a Saturday
        (date(2026, 2, 8), date(2026, 3, 9)),  # 8 March is a Sunday
        (date(2025, 5, 31), date(2025, 6, 30)),  # 30 June 2025 is a Monday: no roll needed
        (date(2026, 1, 31), date(2026, 3, 2)),  # 28 February 2026 is a Saturday
    ],
)
def test_due_date_on_a_weekend_moves_to_monday(start: date, expected: date) -> None:
    assert due_date(start) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Christmas Day 2026 is a Friday; Boxing Day is a Saturday, so Monday 28 December is
        # its substitute bank holiday: the first working day is Tuesday 29 December.
        (date(2026, 11, 25), date(2026, 12, 29)),
        (date(2026, 3, 3), date(2026, 4, 7)),  # Good Friday, the weekend, Easter Monday
        (date(2026, 3, 6), date(2026, 4, 7)),  # Easter Monday
        (date(2026, 4, 4), date(2026, 5, 5)),  # early May bank holiday
        (date(2026, 4, 25), date(2026, 5, 26)),  # spring bank holiday
        (date(2027, 12, 1), date(2028, 1, 4)),  # 1 Jan 2028 is a Saturday: substitute Monday
    ],
)
def test_due_date_on_a_bank_holiday_moves_to_the_next_working_day(
    start: date, expected: date
) -> None:
    assert due_date(start) == expected


def test_due_date_refuses_a_datetime_start() -> None:
    with pytest.raises(TypeError, match="received_on"):
        due_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))


# --- extensions: three months in all (C3) ---


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 3, 31), date(2026, 6, 30)),  # Tuesday
        # Counted from the start in one step: not 28 February + 2 months = 28 April.
        (date(2026, 1, 31), date(2026, 4, 30)),
        (date(2027, 11, 30), date(2028, 2, 29)),  # Tuesday, leap year
        (date(2026, 2, 7), date(2026, 5, 7)),  # Thursday
        (date(2026, 2, 25), date(2026, 5, 26)),  # 25 May is the spring bank holiday
        (date(2026, 9, 26), date(2026, 12, 29)),  # Christmas Saturday-Monday run
    ],
)
def test_extended_due_date_is_three_months_from_the_start(start: date, expected: date) -> None:
    assert due_date(start, extended=True) == expected


# --- pauses for clarification (C4) ---

# 1 June 2026 is a Monday; one month on is Wednesday 1 July.
JUNE_START = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("pauses", "pause_days", "expected"),
    [
        ([], 0, date(2026, 7, 1)),
        ([(date(2026, 6, 3), date(2026, 6, 3))], 1, date(2026, 7, 2)),  # asked, answered same day
        ([(date(2026, 6, 1), date(2026, 6, 1))], 1, date(2026, 7, 2)),  # asked on day 1
        ([(date(2026, 6, 3), date(2026, 6, 4))], 2, date(2026, 7, 3)),  # both days excluded
        # Two pauses add both: 3 days lands on Saturday 4 July, so Monday 6 July.
        ([(date(2026, 6, 3), date(2026, 6, 4)), (date(2026, 6, 10), date(2026, 6, 10))], 3,
         date(2026, 7, 6)),
        # Overlapping pauses count 3-10 June once: 8 days.
        ([(date(2026, 6, 3), date(2026, 6, 8)), (date(2026, 6, 6), date(2026, 6, 10))], 8,
         date(2026, 7, 9)),
        # One pause inside another, given out of order.
        ([(date(2026, 6, 5), date(2026, 6, 6)), (date(2026, 6, 3), date(2026, 6, 10))], 8,
         date(2026, 7, 9)),
        # Back-to-back pauses: 3-4 and 5-6 June, four days.
        ([(date(2026, 6, 3), date(2026, 6, 4)), (date(2026, 6, 5), date(2026, 6, 6))], 4,
         date(2026, 7, 6)),
        # The same pause recorded twice counts once.
        ([(date(2026, 6, 3), date(2026, 6, 4))] * 2, 2, date(2026, 7, 3)),
    ],
)  # fmt: skip
def test_pauses_add_their_inclusive_days(
    pauses: list[tuple[date, date]], pause_days: int, expected: date
) -> None:
    explanation = explain_due_date(JUNE_START, pauses=pauses)
    assert explanation.pause_days == pause_days
    assert explanation.before_rolling == date(2026, 7, 1) + timedelta(days=pause_days)
    assert due_date(JUNE_START, pauses=pauses) == expected


def test_pause_days_are_added_before_rolling_to_a_working_day() -> None:
    # 2 March 2026 + 1 month = Thursday 2 April; a 3-day pause makes it Easter Sunday,
    # then Easter Monday is skipped too.
    explanation = explain_due_date(
        date(2026, 3, 2), pauses=[(date(2026, 3, 10), date(2026, 3, 12))]
    )
    assert explanation.before_rolling == date(2026, 4, 5)
    assert explanation.due == date(2026, 4, 7)


def test_pauses_also_move_an_extended_due_date() -> None:
    # 31 March 2026 + 3 months = Tuesday 30 June; 5 days' pause = Sunday 5 July -> Monday 6.
    pauses = [(date(2026, 4, 13), date(2026, 4, 17))]
    assert due_date(date(2026, 3, 31), extended=True, pauses=pauses) == date(2026, 7, 6)


@pytest.mark.parametrize(
    ("pauses", "message"),
    [
        ([(date(2026, 6, 5), date(2026, 6, 4))], "before it was asked"),
        ([(date(2026, 5, 31), date(2026, 6, 2))], "before the clock"),
        ([(date(2026, 6, 3), date(2026, 6, 4)), (date(2026, 6, 9), date(2026, 6, 8))],
         "before it was asked"),
    ],
)  # fmt: skip
def test_invalid_pauses_are_refused(pauses: list[tuple[date, date]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        due_date(JUNE_START, pauses=pauses)
    with pytest.raises(ValueError, match=message):
        explain_due_date(JUNE_START, pauses=pauses)


# --- the explanation shown to staff ---


def test_explanation_lists_the_skipped_days_with_reasons() -> None:
    explanation = explain_due_date(date(2026, 11, 25))
    assert explanation == DueDateExplanation(
        start=date(2026, 11, 25),
        months=1,
        base_date=date(2026, 12, 25),
        pause_days=0,
        before_rolling=date(2026, 12, 25),
        due=date(2026, 12, 29),
        rolled_over_days=(
            SkippedDay(date(2026, 12, 25), "Christmas Day"),
            SkippedDay(date(2026, 12, 26), "Saturday"),
            SkippedDay(date(2026, 12, 27), "Sunday"),
            SkippedDay(date(2026, 12, 28), "Boxing Day (observed)"),
        ),
    )


def test_explanation_of_easter_names_both_holidays() -> None:
    explanation = explain_due_date(date(2026, 3, 3))
    assert [(skipped.day, skipped.reason) for skipped in explanation.rolled_over_days] == [
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 4), "Saturday"),
        (date(2026, 4, 5), "Sunday"),
        (date(2026, 4, 6), "Easter Monday"),
    ]


def test_explanation_of_an_extended_paused_case() -> None:
    explanation = explain_due_date(
        date(2026, 3, 31), extended=True, pauses=[(date(2026, 4, 13), date(2026, 4, 17))]
    )
    assert explanation.months == 3
    assert explanation.base_date == date(2026, 6, 30)
    assert explanation.pause_days == 5
    assert explanation.before_rolling == date(2026, 7, 5)
    assert explanation.rolled_over_days == (SkippedDay(date(2026, 7, 5), "Sunday"),)
    assert explanation.due == date(2026, 7, 6)


def test_explanation_on_a_working_day_skips_nothing() -> None:
    explanation = explain_due_date(date(2026, 3, 2))
    assert explanation.rolled_over_days == ()
    assert explanation.due == explanation.before_rolling == date(2026, 4, 2)


# --- working_days_between: "days left" on staff screens ---


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 10), 0),
        (date(2026, 3, 10), date(2026, 3, 11), 1),
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
        (date(2026, 3, 6), date(2026, 3, 8), 0),  # Friday to Sunday
        (date(2026, 3, 7), date(2026, 3, 9), 1),  # Saturday to Monday
        (date(2026, 3, 2), date(2026, 3, 30), 20),  # four weeks
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # over Easter: only Tuesday counts
        (date(2026, 12, 24), date(2026, 12, 31), 3),  # 29, 30 and 31 December
        (date(2026, 3, 9), date(2026, 3, 6), -1),  # overdue by one working day
        (date(2026, 4, 7), date(2026, 4, 2), -1),
        (date(2026, 3, 30), date(2026, 3, 2), -20),
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


# --- properties ---


def _working_days_counted_one_by_one(start: date, end: date) -> int:
    if end < start:
        return -_working_days_counted_one_by_one(end, start)
    span = (end - start).days
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, span + 1))


pause_lists = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=30)),
    max_size=4,
)


def _pauses_from(start: date, offsets: list[tuple[int, int]]) -> list[tuple[date, date]]:
    return [
        (start + timedelta(days=after), start + timedelta(days=after + length))
        for after, length in offsets
    ]


@properties
@given(start=days, extended=st.booleans(), offsets=pause_lists)
def test_due_date_is_a_working_day_at_least_28_days_on(
    start: date, extended: bool, offsets: list[tuple[int, int]]
) -> None:
    pauses = _pauses_from(start, offsets)
    due = due_date(start, extended=extended, pauses=pauses)
    assert is_working_day(due)
    assert due >= start + timedelta(days=28)
    assert due == explain_due_date(start, extended=extended, pauses=pauses).due


@properties
@given(start=days, extended=st.booleans(), offsets=pause_lists)
def test_explanation_steps_add_up(
    start: date, extended: bool, offsets: list[tuple[int, int]]
) -> None:
    explanation = explain_due_date(start, extended=extended, pauses=_pauses_from(start, offsets))
    assert explanation.base_date == add_months(start, explanation.months)
    assert explanation.before_rolling == explanation.base_date + timedelta(
        days=explanation.pause_days
    )
    skipped = [s.day for s in explanation.rolled_over_days]
    expected_skipped = [
        explanation.before_rolling + timedelta(days=n)
        for n in range((explanation.due - explanation.before_rolling).days)
    ]
    assert skipped == expected_skipped
    assert not any(is_working_day(day) for day in skipped)
    assert all(s.reason for s in explanation.rolled_over_days)


@properties
@given(
    start=days,
    extended=st.booleans(),
    after=st.integers(min_value=0, max_value=60),
    lengths=st.tuples(st.integers(0, 90), st.integers(0, 90)).map(sorted),
)
def test_due_date_never_moves_earlier_when_a_pause_is_longer(
    start: date, extended: bool, after: int, lengths: list[int]
) -> None:
    asked_on = start + timedelta(days=after)
    shorter, longer = (
        due_date(start, extended=extended, pauses=[(asked_on, asked_on + timedelta(days=n))])
        for n in lengths
    )
    unpaused = due_date(start, extended=extended)
    assert unpaused <= shorter <= longer


@properties
@given(start=days)
def test_extension_never_brings_the_due_date_forward(start: date) -> None:
    assert due_date(start, extended=True) > due_date(start)


@properties
@given(start=days, offsets=pause_lists)
def test_pause_days_are_the_distinct_days_paused(
    start: date, offsets: list[tuple[int, int]]
) -> None:
    pauses = _pauses_from(start, offsets)
    distinct = {
        asked_on + timedelta(days=n)
        for asked_on, answered_on in pauses
        for n in range((answered_on - asked_on).days + 1)
    }
    assert explain_due_date(start, pauses=pauses).pause_days == len(distinct)


@properties
@given(start=days, span=st.integers(min_value=-120, max_value=120))
def test_working_days_between_counts_each_working_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    assert working_days_between(start, end) == _working_days_counted_one_by_one(start, end)
    assert working_days_between(end, start) == -working_days_between(start, end)


@properties
@given(day=days)
def test_a_working_day_is_a_weekday_that_is_not_a_bank_holiday(day: date) -> None:
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    assert is_working_day(day) == (day.weekday() < 5 and day not in bank_holidays)
