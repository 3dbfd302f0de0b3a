"""Service functions: the only code that changes a case.

Each one checks the rules, changes the rows, appends the audit event and queues its jobs
in one transaction, so a case is never half-saved and never saved without its record.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import object_session

from portal.cases import audit, clock
from portal.cases.casework_models import (
    CaseMessage,
    DecisionOutcome,
    DecisionStatus,
    ObjectionDecision,
)
from portal.cases.models import (
    AuditEvent,
    Case,
    CaseFile,
    CaseState,
    EvidencePurpose,
    LookupAttempt,
    Person,
    TrackingCode,
)
from portal.cases.references import new_reference
from portal.cases.requests import Evidence, PersonDetails, Submission
from portal.cases.workflow import can_move, check_move, is_closed
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.outbox import enqueue

RESIDENT = "resident"


def _person(details: PersonDetails) -> Person:
    return Person(
        full_name=details.full_name,
        other_names=details.other_names,
        date_of_birth=details.date_of_birth,
        address=details.address,
        postcode=details.postcode,
        previous_addresses=details.previous_addresses,
        email=details.email,
        phone=details.phone,
        identifiers=dict(details.identifiers),
    )


def file_associated_data(reference: str, sha256: str) -> bytes:
    """Binds an encrypted file to its case, so a blob cannot be moved to another case."""
    return f"case-file:{reference}:{sha256}".encode()


def _case_file(case: Case, evidence: Evidence, cipher: EvidenceCipher, now: datetime) -> CaseFile:
    digest = hashlib.sha256(evidence.content).hexdigest()
    return CaseFile(
        purpose=evidence.purpose,
        original_name=evidence.original_name,
        media_type=evidence.media_type,
        size=len(evidence.content),
        sha256=digest,
        encrypted=cipher.encrypt(
            evidence.content, associated_data=file_associated_data(case.reference, digest)
        ),
        uploaded_at=now,
    )


def find_by_idempotency_key(session: DbSession, key: str) -> Case | None:
    return session.scalar(select(Case).where(Case.idempotency_key == key))


def submit_request(
    session: DbSession,
    submission: Submission,
    *,
    idempotency_key: str,
    cipher: EvidenceCipher,
    actor: str = RESIDENT,
    now: datetime | None = None,
) -> Case:
    """Save a new request with its people, evidence, audit event and confirmation email.

    C1-C2: received on the Europe/London date of submission; the due date shown is one
    month from then, on the footing that the identity evidence sent is accepted (staff
    confirm it, or ask for more, which restarts the clock from the day proof arrives).
    The same idempotency key always yields the same single case.
    """
    existing = find_by_idempotency_key(session, idempotency_key)
    if existing is not None:
        return existing
    moment = now or datetime.now(UTC)
    received = clock.received_on(moment)
    subject = _person(submission.subject)
    requester = _person(submission.requester) if submission.requester else subject
    case = Case(
        reference=_unused_reference(session),
        kind=submission.kind,
        state=CaseState.RECEIVED,
        channel=submission.channel,
        hub_source=submission.hub_source,
        notice_version=submission.notice_version,
        language=submission.language,
        received_at=moment,
        received_on=received,
        clock_started_on=None,
        extended=False,
        due_on=clock.due_date(received),
        idempotency_key=idempotency_key,
        requester=requester,
        subject=subject,
        acting_for=submission.acting_for,
        relationship_to_subject=submission.relationship_to_subject,
        identity_at_hub=submission.identity_at_hub,
        details=dict(submission.details),
    )
    session.add(case)
    for evidence in submission.evidence:
        case.files.append(_case_file(case, evidence, cipher, moment))
    try:
        session.flush()
    except IntegrityError:
        # Another request with the same key won the race: that case is the one.
        session.rollback()
        winner = find_by_idempotency_key(session, idempotency_key)
        if winner is None:
            raise
        return winner
    audit.record(
        session,
        action="request_submitted",
        actor=actor,
        case_id=case.id,
        details={
            "kind": str(submission.kind),
            "channel": str(submission.channel),
            "hub_source": submission.hub_source,
            "files": len(submission.evidence),
            "notice_version": submission.notice_version,
        },
        now=moment,
    )
    enqueue(session, "email.request_received", {"case_id": case.id}, now=moment)
    session.commit()
    return case


def _unused_reference(session: DbSession) -> str:
    for _ in range(10):
        reference = new_reference()
        if session.scalar(select(Case.id).where(Case.reference == reference)) is None:
            return reference
    raise RuntimeError("Could not find an unused reference")  # 32^7 space: never in practice


def add_evidence(
    session: DbSession,
    case: Case,
    evidence: tuple[Evidence, ...],
    *,
    cipher: EvidenceCipher,
    actor: str = RESIDENT,
    now: datetime | None = None,
) -> None:
    """More proof of identity or authority, sent while the case is open."""
    if is_closed(case.state):
        raise ValueError("This request is closed")
    moment = now or datetime.now(UTC)
    for item in evidence:
        case.files.append(_case_file(case, item, cipher, moment))
    session.flush()
    audit.record(
        session,
        action="evidence_added",
        actor=actor,
        case_id=case.id,
        details={"files": len(evidence), "purposes": sorted({str(e.purpose) for e in evidence})},
        now=moment,
    )
    enqueue(session, "email.evidence_received", {"case_id": case.id}, now=moment)
    session.commit()


def withdraw(
    session: DbSession,
    case: Case,
    *,
    actor: str = RESIDENT,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """The requester withdrew: the case closes and the clock stops for good."""
    check_move(case.state, CaseState.WITHDRAWN)
    moment = now or datetime.now(UTC)
    case.state = CaseState.WITHDRAWN
    case.closed_at = moment
    audit.record(
        session,
        action="request_withdrawn",
        actor=actor,
        case_id=case.id,
        details={"reason": reason[:500]},
        now=moment,
    )
    enqueue(session, "email.request_withdrawn", {"case_id": case.id}, now=moment)
    session.commit()


# Following a request: one-time codes, and attempts counted in the database.

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


def lookup_allowed(
    session: DbSession, *, reference: str, email: str, secret: str, now: datetime | None = None
) -> bool:
    """Whether another attempt may be made for this reference and this address."""
    moment = now or datetime.now(UTC)
    since = moment - LOOKUP_WINDOW
    checks = (
        ("reference", reference, LOOKUPS_PER_REFERENCE),
        ("email", _normalise_email(email), LOOKUPS_PER_EMAIL),
    )
    for scope, value, limit in checks:
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
    session: DbSession, *, reference: str, email: str, secret: str, now: datetime | None = None
) -> None:
    moment = now or datetime.now(UTC)
    for scope, value in (("reference", reference), ("email", _normalise_email(email))):
        key_hash = _keyed_hash(secret, scope, value)
        session.add(LookupAttempt(scope=scope, key_hash=key_hash, occurred_at=moment))


def start_tracking(
    session: DbSession, *, reference: str, email: str, secret: str, now: datetime | None = None
) -> Case | None:
    """Step 1 of following a request: if reference and address match an open or recent
    case, email a 6-digit code. Returns the case (for tests) but callers must answer the
    resident the same way whether or not it matched."""
    moment = now or datetime.now(UTC)
    record_lookup(session, reference=reference, email=email, secret=secret, now=moment)
    case = session.scalar(select(Case).where(Case.reference == reference))
    matches = case is not None and _normalise_email(case.requester.email) == _normalise_email(email)
    if case is None or not matches or not email:
        session.commit()
        return None
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        TrackingCode(
            case_id=case.id,
            code_hash=_keyed_hash(secret, "code", f"{case.id}:{code}"),
            created_at=moment,
            expires_at=moment + CODE_LIFETIME,
            wrong_attempts=0,
        )
    )
    enqueue(session, "email.tracking_code", {"case_id": case.id, "code": code}, now=moment)
    session.commit()
    return case


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_tracking_code(
    session: DbSession, *, reference: str, code: str, secret: str, now: datetime | None = None
) -> CodeCheck:
    """Step 2: the code from the email. Valid 10 minutes, once; 5 wrong tries burn it."""
    moment = now or datetime.now(UTC)
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        return CodeCheck(None, "wrong")
    latest = session.scalar(
        select(TrackingCode)
        .where(TrackingCode.case_id == case.id)
        .order_by(TrackingCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is None or latest.used_at is not None:
        return CodeCheck(None, "wrong")
    if latest.wrong_attempts >= CODE_WRONG_TRIES:
        return CodeCheck(None, "used_up")
    if _aware(latest.expires_at) <= moment:
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


def files_of(case: Case, purpose: EvidencePurpose | None = None) -> list[CaseFile]:
    return [f for f in case.files if purpose is None or f.purpose == purpose]


# Following a request: what the requester sees once signed in.

# Events that say nothing about the progress of the request: the requester's sign-ins, and
# staff looking at, printing or retrying things (casework.STAFF_ONLY_ACTIONS are the rest).
PRIVATE_ACTIONS = frozenset(
    {
        "tracking_signed_in",
        "evidence_viewed",
        "evidence_downloaded",
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
    from portal.cases import casework  # casework builds on this module

    hidden = PRIVATE_ACTIONS | casework.STAFF_ONLY_ACTIONS
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.not_in(hidden))
        .order_by(AuditEvent.id.desc())
    )
    return [
        TimelineEntry(
            action=event.action,
            occurred_at=_aware(event.occurred_at),
            day=clock.received_on(_aware(event.occurred_at)),
            by_requester=event.actor == RESIDENT,
            details=dict(event.details or {}),
        )
        for event in events
    ]


def messages_for(case: Case) -> list[CaseMessage]:
    """The council's messages the requester may see, newest first (casework.messages_for)."""
    from portal.cases import casework  # casework builds on this module

    session = object_session(case)
    return casework.messages_for(session, case) if session is not None else []


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
