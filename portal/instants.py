"""Instants: the current time, and instants read back from the database, always aware and in
UTC. Core, below the domain: sessions, staff accounts, the domain, documents and the worker
all store and compare instants this way.

Legal dates are not instants: the Europe/London calendar date of one is
portal.cases.clock.received_on (C1-C2).
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """An instant read back from a column, in UTC: SQLite gives it naive (it was stored in
    UTC), PostgreSQL aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_aware(value: object) -> datetime | None:
    """An instant kept as ISO text (in a session): None for anything else, a mangled value,
    or one without its time zone."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
