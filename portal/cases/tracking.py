"""Following a request without an account: the reference and email address, a one-time
code (attempts counted in the database), then what the requester may read: the timeline
of what happened, the council's messages, the decision on an objection, and what they
may still do (send more evidence, withdraw). C1-C4 dates as the requester gives them
(Europe/London); staff working steps are left out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import object_session

from portal.cases import audit, clock, email_cap, messages
from portal.cases.casework_models import (
    CaseMessage,
    DecisionOutcome,
    DecisionStatus,
    ObjectionDecision,
)
from portal.cases.intake import RESIDENT
from portal.cases.models import AuditEvent, Case, CaseState, LookupAttempt, TrackingCode
from portal.cases.workflow import can_move
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.instants import aware, utc_now
from portal.outbox import enqueue

CODE_LIFETIME = timedelta(minutes=10)

CODE_WRONG_TRIES = 5

LOOKUP_WINDOW = timedelta(hours=1)

LOOKUPS_PER_REFERENCE = 5

LOOKUPS_PER_EMAIL = 10


@dataclass(frozen=True)
class CodeCheck:
    case: Case | None
    reason: str  # "ok", "wrong", "expired", "used_up"


def _keyed_hash(secret: str, scope: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _lookup_keys(reference: str, email: str, client: str) -> tuple[tuple[str, str, int], ...]:
    """What an attempt counts against: this client with this reference, and this client with
    this address. Never the reference or the address alone, or a stranger who knew them
    could lock the real requester out (issue 15 point 3); the per-client limits
    (portal/rate_limits.py) bound how many references one client may try."""
    return (
        ("client_reference", f"{client}:{reference}", LOOKUPS_PER_REFERENCE),
        ("client_email", f"{client}:{_normalise_email(email)}", LOOKUPS_PER_EMAIL),
    )


def lookup_allowed(
    session: DbSession,
    *,
    reference: str,
    email: str,
    secret: str,
    client: str = "",
    now: datetime | None = None,
) -> bool:
    """Whether this client may make another attempt for this reference and this address."""
    moment = now or utc_now()
    since = moment - LOOKUP_WINDOW
    for scope, value, limit in _lookup_keys(reference, email, client):
        count = session.scalar(
            select(func.count(LookupAttempt.id)).where(
                LookupAttempt.scope == scope,
                LookupAttempt.key_hash == _keyed_hash(secret, scope, value),
                LookupAttempt.occurred_at > since,
            )
        )
        if (count or 0) >= limit:
            return False
    return True


def record_lookup(
    session: DbSession,
    *,
    reference: str,
    email: str,
    secret: str,
    client: str = "",
    now: datetime | None = None,
) -> None:
    """Count an attempt by this client against this reference and this address (keyed
    hashes only)."""
    moment = now or utc_now()
    for scope, value, _limit in _lookup_keys(reference, email, client):
        key_hash = _keyed_hash(secret, scope, value)
        session.add(LookupAttempt(scope=scope, key_hash=key_hash, occurred_at=moment))


def _code_cipher(secret: str) -> EvidenceCipher:
    return EvidenceCipher(hashlib.sha256(f"tracking-code-seal:{secret}".encode()).digest())


def seal_code(secret: str, case_id: int, code: str) -> str:
    """A one-time code as the outbox keeps it until the email is sent: encrypted
    (AES-256-GCM, a key derived from the secret, bound to the case), never in clear text
    (issue 15 point 7). URL-safe base64, so no run of the code's digits shows in the row."""
    blob = _code_cipher(secret).encrypt(code.encode(), associated_data=_code_aad(case_id))
    return base64.urlsafe_b64encode(blob).decode()


def open_sealed_code(secret: str, case_id: int, sealed: str) -> str:
    """The code `seal_code` sealed (the email worker); EvidenceTampered if it was altered."""
    blob = base64.urlsafe_b64decode(sealed.encode())
    return _code_cipher(secret).decrypt(blob, associated_data=_code_aad(case_id)).decode()


def _code_aad(case_id: int) -> bytes:
    return f"tracking-code:{case_id}".encode()


def start_tracking(
    session: DbSession,
    *,
    reference: str,
    email: str,
    secret: str,
    client: str = "",
    asker: str = "",
    now: datetime | None = None,
    cap: email_cap.EmailCap | None = None,
) -> Case | None:
    """Step 1 of following a request: if reference and address match an open or recent
    case, email a 6-digit code, unless the address has had its emails for the day (`cap`).
    Returns the case (for tests) but callers must answer the resident the same way whether
    or not it matched or was capped.

    `asker` is a random token the caller keeps for whoever asked (the web layer: in their
    session). The code is bound to it: someone else who knows the reference, or the
    reference and the address, cannot use the code, nor burn it with wrong tries, nor
    replace it by asking again: their codes are theirs."""
    moment = now or utc_now()
    record_lookup(
        session, reference=reference, email=email, secret=secret, client=client, now=moment
    )
    case = session.scalar(select(Case).where(Case.reference == reference, Case.erased_at.is_(None)))
    matches = case is not None and _normalise_email(case.requester.email) == _normalise_email(email)
    if case is None or not matches or not email:
        session.commit()
        return None
    if cap is not None and not email_cap.take_one(session, cap, email, moment):
        session.commit()
        return case
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        TrackingCode(
            case_id=case.id,
            code_hash=_keyed_hash(secret, "code", f"{case.id}:{code}"),
            created_at=moment,
            expires_at=moment + CODE_LIFETIME,
            wrong_attempts=0,
            asker_hash=_asker_hash(secret, asker),
        )
    )
    sealed = seal_code(secret, case.id, code)
    enqueue(session, "email.tracking_code", {"case_id": case.id, "code": sealed}, now=moment)
    session.commit()
    return case


def followed_case(session: DbSession, case: Case) -> Case:
    """The request a resident follows when they sign in with this one's reference: the
    original it was merged into (issue 19 point 1), when that was made by the same email
    address, so their old reference still works; otherwise this one, whose page says it was
    joined to another request (portal.public.tracking_words)."""
    if case.merged_into_id is None:
        return case
    original = session.get(Case, case.merged_into_id)
    if original is None or original.erased_at is not None:
        return case
    same_address = _normalise_email(original.requester.email) == _normalise_email(
        case.requester.email
    )
    return original if same_address else case


def _asker_hash(secret: str, asker: str) -> str | None:
    return _keyed_hash(secret, "asker", asker) if asker else None


def check_tracking_code(
    session: DbSession,
    *,
    reference: str,
    code: str,
    secret: str,
    asker: str = "",
    now: datetime | None = None,
) -> CodeCheck:
    """Step 2: the code from the email, checked against the latest code this `asker` was
    sent (start_tracking). Valid 10 minutes, once; 5 wrong tries burn it."""
    moment = now or utc_now()
    case = session.scalar(select(Case).where(Case.reference == reference, Case.erased_at.is_(None)))
    if case is None:
        return CodeCheck(None, "wrong")
    latest = session.scalar(
        select(TrackingCode)
        .where(
            TrackingCode.case_id == case.id,
            TrackingCode.asker_hash == _asker_hash(secret, asker)
            if asker
            else TrackingCode.asker_hash.is_(None),
        )
        .order_by(TrackingCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is None or latest.used_at is not None:
        return CodeCheck(None, "wrong")
    if latest.wrong_attempts >= CODE_WRONG_TRIES:
        return CodeCheck(None, "used_up")
    if aware(latest.expires_at) <= moment:
        return CodeCheck(None, "expired")
    expected = _keyed_hash(secret, "code", f"{case.id}:{code.strip()}")
    if not hmac.compare_digest(expected, latest.code_hash):
        latest.wrong_attempts += 1
        session.commit()
        return CodeCheck(None, "used_up" if latest.wrong_attempts >= CODE_WRONG_TRIES else "wrong")
    latest.used_at = moment
    audit.record(session, action="tracking_signed_in", actor=RESIDENT, case_id=case.id, now=moment)
    session.commit()
    return CodeCheck(case, "ok")


# Audit actions that record staff working steps, not progress the requester would follow.
# The tracking timeline (timeline, below) leaves these out.
STAFF_ONLY_ACTIONS = frozenset(
    {
        "note_added",
        "case_assigned",
        "search_recorded",
        "disclosure_item_added",
        "submitted_for_review",
        "draft_returned",
        "draft_approved",
        "objection_assessed",
        "decision_proposed",
        "complaint_outcome_proposed",  # C13: the draft outcome, for the reviewer
        "complaint_progress_reported",  # shown as its message instead
        "correction_proposed",
        "restriction_proposed",  # C14, C15: the draft decisions, for the reviewer
        "deletion_proposed",
        "case_held",  # legal hold: portal.cases.holds
        "hold_released",
        "retention_deleted",  # part of a closed request deleted: portal.cases.retention
    }
)

# Events that say nothing about the progress of the request: the requester's sign-ins, and
# staff looking at, printing or retrying things (STAFF_ONLY_ACTIONS are the rest).
PRIVATE_ACTIONS = frozenset(
    {
        "tracking_signed_in",
        "evidence_viewed",
        "evidence_downloaded",
        "evidence_released",  # a file held unscanned, released: portal.cases.intake
        "letter_printed",
        "response_pack_downloaded",
        "response_pack_failed",
        "response_pack_retried",
        "permission_denied",
    }
)

# More proof of identity or authority is useful until the council has accepted it.
EVIDENCE_WANTED = frozenset({CaseState.RECEIVED, CaseState.AWAITING_IDENTITY})


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a request, as its requester may read it."""

    action: str
    occurred_at: datetime  # UTC
    day: date  # Europe/London, the date the requester would give
    by_requester: bool
    details: dict[str, Any]


def timeline(session: DbSession, case: Case) -> list[TimelineEntry]:
    """What has happened to a request, newest first, from its audit events.

    The requester's own sign-ins and the staff's working steps are left out. Events the
    page has no words for still appear, so nothing that happened is hidden.
    """
    hidden = PRIVATE_ACTIONS | STAFF_ONLY_ACTIONS
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.not_in(hidden))
        .order_by(AuditEvent.id.desc())
    )
    return [
        TimelineEntry(
            action=event.action,
            occurred_at=aware(event.occurred_at),
            day=clock.received_on(aware(event.occurred_at)),
            by_requester=event.actor == RESIDENT,
            details=dict(event.details or {}),
        )
        for event in events
    ]


def messages_for(case: Case) -> list[CaseMessage]:
    """The council's messages the requester may see, newest first (messages.messages_for)."""
    session = object_session(case)
    return messages.messages_for(session, case) if session is not None else []


def decision_outcome(session: DbSession, case: Case) -> DecisionOutcome | None:
    """The outcome of the approved decision on an objection, once there is one (C9)."""
    outcome = session.scalar(
        select(ObjectionDecision.outcome)
        .where(
            ObjectionDecision.case_id == case.id,
            ObjectionDecision.status == DecisionStatus.APPROVED,
        )
        .order_by(ObjectionDecision.id.desc())
        .limit(1)
    )
    return DecisionOutcome(outcome) if outcome else None


def can_add_evidence(case: Case) -> bool:
    """Whether the requester may send more proof of identity or authority now."""
    return CaseState(case.state) in EVIDENCE_WANTED


def can_withdraw(case: Case) -> bool:
    """Whether the requester may still withdraw: any open request (the workflow table)."""
    return can_move(case.state, CaseState.WITHDRAWN)
