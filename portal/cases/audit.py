"""The audit trail: append-only events, each holding the hash of the one before.

An edited, inserted or deleted row breaks the chain, and verify_chain() names the first
row where it breaks. Appends lock the single audit_head row, so two workers can never
both append after the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from portal.cases.models import AuditEvent, AuditHead
from portal.extensions import DbSession
from portal.instants import aware, utc_now

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    occurred = aware(event.occurred_at)
    body = {
        "id": event.id,
        "case_id": event.case_id,
        "actor": event.actor,
        "action": event.action,
        "details": event.details,
        "occurred_at": occurred.astimezone(UTC).isoformat(timespec="microseconds"),
        "previous_hash": event.previous_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def record(
    session: DbSession,
    *,
    action: str,
    actor: str,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction (it commits with the change it records)."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    event = AuditEvent(
        case_id=case_id,
        actor=actor,
        action=action,
        details=details or {},
        occurred_at=now or utc_now(),
        previous_hash=head.last_hash,
        hash="pending",
    )
    session.add(event)
    session.flush()  # assigns the id, which the hash covers
    event.hash = event_hash(event)
    head.last_hash = event.hash
    session.flush()
    return event


def verify_chain(events: Iterable[AuditEvent]) -> AuditEvent | None:
    """The first event whose hash or link is wrong, or None when the chain is whole."""
    previous = GENESIS_HASH
    for event in events:
        if event.previous_hash != previous or event_hash(event) != event.hash:
            return event
        previous = event.hash
    return None


class ChainBroken(Exception):
    def __init__(self, event_id: int | None, message: str) -> None:
        super().__init__(message)
        self.event_id = event_id


def verify(session: DbSession) -> int:
    """Check the whole trail; returns the number of events, or raises ChainBroken naming
    the first bad row (or the missing tail, when the newest rows were deleted)."""
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    broken = verify_chain(events)
    if broken is not None:
        raise ChainBroken(
            broken.id, f"Audit event {broken.id} has been altered, or one before it removed"
        )
    head = session.get(AuditHead, 1)
    last = events[-1].hash if events else GENESIS_HASH
    if head is None or head.last_hash != last:
        raise ChainBroken(None, "The newest audit events have been removed")
    return len(events)
