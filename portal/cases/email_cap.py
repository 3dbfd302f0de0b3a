"""At most a few emails a day to one address (issue 15 point 6: no email bombing).

Anyone can type any address into a request or a tracking lookup, so without a cap the
portal could be made to send hundreds of emails to someone who never asked. Confirmation
and tracking-code emails to one address are counted per Europe/London calendar day; past
the cap the request is still saved (a submission is never lost) and no email goes. The
count holds a keyed hash of the case-folded, trimmed address, never the address, in the
lookup_attempts table, which portal.maintenance empties of rows over a day old.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select

from portal.cases import clock
from portal.cases.models import LookupAttempt
from portal.extensions import DbSession

SCOPE = "email_sent"


@dataclass(frozen=True)
class EmailCap:
    """The key that hashes addresses (the app's secret key) and the emails allowed a day."""

    secret: str
    per_day: int

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> EmailCap:
        """From the app's settings: SECRET_KEY and EMAILS_PER_ADDRESS_PER_DAY."""
        return cls(secret=settings["SECRET_KEY"], per_day=settings["EMAILS_PER_ADDRESS_PER_DAY"])


def normalised_address(address: str) -> str:
    return address.strip().casefold()


def take_one(session: DbSession, cap: EmailCap, address: str, now: datetime) -> bool:
    """Whether one more email may go to `address` today; if so it is counted (in the
    caller's transaction, with the job that sends it)."""
    key_hash = hmac.new(
        cap.secret.encode(), f"{SCOPE}:{normalised_address(address)}".encode(), hashlib.sha256
    ).hexdigest()
    sent = session.scalar(
        select(func.count(LookupAttempt.id)).where(
            LookupAttempt.scope == SCOPE,
            LookupAttempt.key_hash == key_hash,
            LookupAttempt.occurred_at >= _start_of_day(now),
        )
    )
    if (sent or 0) >= cap.per_day:
        return False
    session.add(LookupAttempt(scope=SCOPE, key_hash=key_hash, occurred_at=now))
    return True


def _start_of_day(now: datetime) -> datetime:
    """The instant the Europe/London day of `now` began, in UTC."""
    return datetime.combine(clock.received_on(now), time(0), tzinfo=clock.LONDON).astimezone(UTC)
