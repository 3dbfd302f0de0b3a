"""Instants read back from the database and kept in sessions (portal.instants)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from portal.instants import aware, parse_aware, utc_now


def test_now_is_an_aware_utc_instant():
    before = datetime.now(UTC)
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


def test_a_naive_instant_from_sqlite_is_read_as_utc_and_an_aware_one_is_kept():
    stored = datetime(2026, 3, 31, 23, 30)  # noqa: DTZ001 - as SQLite hands it back
    assert aware(stored) == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    bst = timezone(timedelta(hours=1))
    kept = datetime(2026, 4, 1, 0, 30, tzinfo=bst)
    assert aware(kept) is kept


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-04-01T00:30:00+01:00", datetime(2026, 3, 31, 23, 30, tzinfo=UTC)),
        ("2026-04-01T00:30:00", None),  # no time zone: its instant is unknown
        ("yesterday", None),
        ("", None),
        (None, None),
        (1_775_000_000, None),
    ],
)
def test_an_instant_kept_in_a_session_is_read_back_only_when_whole(value, expected):
    assert parse_aware(value) == expected
