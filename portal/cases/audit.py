"""The audit trail: append-only events, each holding the hash of the one before.

An edited, inserted or deleted row breaks the chain, and verify_chain() names the first
row where it breaks. Appends lock the single audit_head row, so two workers can never
both append after the same hash.

Erasable details (issue 14 point 3; DESIGN 8a). When a case's retention period ends its
personal data goes, including what its audit events' details say, yet the trail must
still prove that nothing else was changed. So the chain does not hash an event's details
themselves but their digest:

    details_digest = sha256(details_salt + canonical JSON of details)
    hash           = sha256(canonical JSON of id, case_id, actor, action, details_digest,
                            occurred_at, previous_hash)

The salt is 16 random bytes per event, kept in the row. Erasing (erase_details) replaces
the details with the marker {"erased": true, "erased_on": "YYYY-MM-DD"} and drops the
salt; the digest and the hash stay, so the chain still verifies. Without the salt the
digest reveals nothing: short details such as {"decision": "upheld"} cannot be recovered
by hashing guesses.

verify checks, for each event in id order: the link to the one before, the hash over the
digest and, while the details are not erased, the details against the digest. So an
edited details column, salt or digest is found and named, erased or not; an event
without a salt must carry exactly the erased marker. What erasing cannot prove is what
the erased details said: that is the point of erasing. Erasing is recorded by whoever
erases (the retention run audits each deletion, without personal data).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from portal.cases.models import AuditEvent, AuditHead
from portal.extensions import DbSession
from portal.instants import aware, utc_now

GENESIS_HASH = "0" * 64
SALT_BYTES = 16


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def details_digest(salt: str, details: dict[str, Any]) -> str:
    """The digest the chain covers instead of the details: sha256 of the salt (hex) and the
    canonical JSON of the details."""
    return hashlib.sha256(bytes.fromhex(salt) + _json(details)).hexdigest()


def erased_marker(on: date) -> dict[str, Any]:
    """What an event's details become when erased."""
    return {"erased": True, "erased_on": on.isoformat()}


def is_erased(event: AuditEvent) -> bool:
    return event.details_salt is None


def _canonical(event: AuditEvent) -> bytes:
    occurred = aware(event.occurred_at)
    body = {
        "id": event.id,
        "case_id": event.case_id,
        "actor": event.actor,
        "action": event.action,
        "details_digest": event.details_digest,
        "occurred_at": occurred.astimezone(UTC).isoformat(timespec="microseconds"),
        "previous_hash": event.previous_hash,
    }
    return _json(body)


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
    # Digest what a reader will get back from the JSON column, not the Python objects.
    stored = json.loads(_json(details or {}))
    salt = secrets.token_hex(SALT_BYTES)
    event = AuditEvent(
        case_id=case_id,
        actor=actor,
        action=action,
        details=stored,
        details_salt=salt,
        details_digest=details_digest(salt, stored),
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


def erase_details(session: DbSession, *, case_id: int, now: datetime | None = None) -> int:
    """Erase the personal details of every audit event of the case, in the caller's
    transaction; returns how many were erased (already erased ones are left alone).

    Who acted, what and when stay, and so does each event's digest: the chain still
    verifies (see the module docstring)."""
    erased_on = (now or utc_now()).astimezone(UTC).date()
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.details_salt.is_not(None)
        )
    ).all()
    for event in events:
        event.details = erased_marker(erased_on)
        event.details_salt = None
    session.flush()
    return len(events)


def _details_hold(event: AuditEvent) -> bool:
    """The details match the digest, or are exactly the erased marker of an erased event."""
    if event.details_salt is None:
        details = event.details or {}
        return set(details) == {"erased", "erased_on"} and details["erased"] is True
    try:
        return details_digest(event.details_salt, event.details) == event.details_digest
    except ValueError:  # a salt that is not hex
        return False


def verify_chain(events: Iterable[AuditEvent]) -> AuditEvent | None:
    """The first event whose hash, link or details are wrong, or None when the chain is
    whole."""
    previous = GENESIS_HASH
    for event in events:
        if (
            event.previous_hash != previous
            or event_hash(event) != event.hash
            or not _details_hold(event)
        ):
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
