"""Intake: a request arriving, with its people and its evidence, online or keyed in by
staff (C1-C2: received on the Europe/London date it reached the council), and more
evidence sent while it is open. The same idempotency key always yields the same single
case. Evidence is encrypted at rest, bound to its case.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.cases import audit, case_months, clock, complaints, email_cap
from portal.cases.case_month_events import acknowledged_in_time
from portal.cases.errors import CaseworkError, InvalidDate
from portal.cases.models import (
    ActingFor,
    AuditEvent,
    Authority,
    Case,
    CaseFile,
    CaseKind,
    CaseState,
    Channel,
    EvidencePurpose,
    Person,
    ScanStatus,
)
from portal.cases.objections import processing_objected_to
from portal.cases.references import new_reference
from portal.cases.requests import Evidence, PersonDetails, Submission
from portal.cases.restrictions import restrict_pending, wants_restriction
from portal.cases.steps import acting_moment, enum_value
from portal.cases.workflow import is_closed
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession
from portal.instants import utc_now
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
        scan_status=evidence.scan_status,
    )


def find_by_idempotency_key(session: DbSession, key: str) -> Case | None:
    """The case a submission with this key already made, if any."""
    return session.scalar(select(Case).where(Case.idempotency_key == key))


def submit_request(
    session: DbSession,
    submission: Submission,
    *,
    idempotency_key: str,
    cipher: EvidenceCipher,
    actor: str = RESIDENT,
    now: datetime | None = None,
    cap: email_cap.EmailCap | None = None,
) -> Case:
    """Save a new request with its people, evidence, audit event and confirmation email.

    With a `cap`, no confirmation email goes to an address that has had its emails for the
    day (issue 15: no email bombing); the request is saved all the same, and its audit
    event says the email was withheld (``confirmation_withheld``).

    C1-C2: received on the Europe/London date of submission; the due date shown is one
    month from then, on the footing that the identity evidence sent is accepted (staff
    confirm it, or ask for more, which restarts the clock from the day proof arrives).
    The same idempotency key always yields the same single case. C13: a complaint needs no
    proof of identity: it is in progress from receipt, its due date is the outcome target
    (complaints.outcome_target), and it is acknowledged at once (tracking page and email,
    DPA 2018 s.164A(3)). C12: an objection whose
    requester asked for it restricts the uses objected to, pending the decision, from the
    day it is received (UK GDPR Art 18(1)(d)).
    """
    existing = find_by_idempotency_key(session, idempotency_key)
    if existing is not None:
        return existing
    moment = now or utc_now()
    received = clock.received_on(moment)
    subject = _person(submission.subject)
    requester = _person(submission.requester) if submission.requester else subject
    complaint = submission.kind == CaseKind.COMPLAINT
    case = Case(
        reference=_unused_reference(session),
        kind=submission.kind,
        state=CaseState.IN_PROGRESS if complaint else CaseState.RECEIVED,
        channel=submission.channel,
        hub_source=submission.hub_source,
        notice_version=submission.notice_version,
        language=submission.language,
        received_at=moment,
        received_on=received,
        clock_started_on=received if complaint else None,
        extended=False,
        due_on=complaints.outcome_target(received) if complaint else clock.due_date(received),
        idempotency_key=idempotency_key,
        requester=requester,
        subject=subject,
        acting_for=submission.acting_for,
        relationship_to_subject=submission.relationship_to_subject,
        authority=authority_of(submission),
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
    case_months.count_received(session, case)
    address = requester.email
    emailed = not address or cap is None or email_cap.take_one(session, cap, address, moment)
    restricted: list[str] = []
    if wants_restriction(case):
        restricted = [
            e.processing
            for e in restrict_pending(session, case, processing_objected_to(case), moment)
        ]
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
            **({"restricted_pending_decision": restricted} if restricted else {}),
            **({} if emailed else {"confirmation_email": WITHHELD}),
        },
        now=moment,
    )
    if complaint:
        complaints.acknowledge_on_receipt(session, case, moment, email=emailed)
        if acknowledged_in_time(case.received_on, clock.received_on(moment)):
            case_months.count_event(session, case, "acknowledged_in_time", case.received_on)
    elif emailed:
        enqueue(session, "email.request_received", {"case_id": case.id}, now=moment)
    session.commit()
    return case


WITHHELD = "withheld: daily limit for the address"


def confirmation_withheld(session: DbSession, case: Case) -> bool:
    """Whether the confirmation email was not sent because the address had had its
    emails for the day (submit_request's `cap`)."""
    details = session.scalar(
        select(AuditEvent.details).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "request_submitted"
        )
    )
    return details is not None and details.get("confirmation_email") == WITHHELD


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
    moment = now or utc_now()
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


def release_held_file(
    session: DbSession, case: Case, case_file: CaseFile, *, actor: str, now: datetime | None = None
) -> None:
    """A reviewer lets staff open a file the malware scanner could not check (held)."""
    if case_file.scan_status != ScanStatus.HELD:
        raise CaseworkError("This file is not held")
    moment = now or utc_now()
    case_file.scan_status = ScanStatus.RELEASED
    audit.record(
        session,
        action="evidence_released",
        actor=actor,
        case_id=case.id,
        details={"file_id": case_file.id},
        now=moment,
    )
    session.commit()


def files_of(case: Case, purpose: EvidencePurpose | None = None) -> list[CaseFile]:
    """The case's evidence files, of one purpose or all."""
    return [f for f in case.files if purpose is None or f.purpose == purpose]


def authority_of(submission: Submission) -> Authority | None:
    """C11: a parent acts with parental responsibility; someone else with the authority they
    gave (written permission when they gave none); a person asking for themselves, none."""
    if submission.acting_for == ActingFor.MY_CHILD:
        return Authority.PARENTAL_RESPONSIBILITY
    if submission.acting_for == ActingFor.SOMEONE_ELSE:
        chosen = submission.authority
        if chosen is None or chosen == Authority.PARENTAL_RESPONSIBILITY:
            return Authority.WRITTEN_PERMISSION
        return chosen
    return None


def log_staff_intake(
    session: DbSession,
    submission: Submission,
    *,
    channel: Channel,
    received_at: datetime,
    actor: str,
    idempotency_key: str,
    cipher: EvidenceCipher,
    now: datetime | None = None,
) -> Case:
    """C1-C2: a request made by phone, letter, email or in person at a hub, keyed in by staff.

    It is received when the council actually received it (a letter may arrive days before
    it is keyed in), so the clock counts from that Europe/London date; the request's
    audit event carries that time too, and the details record who keyed it in and when.
    The same idempotency key always yields the same single case.
    """
    moment = acting_moment(now)
    channel = enum_value(Channel, channel, "channel")
    if channel == Channel.ONLINE:
        raise CaseworkError("Requests made online are not keyed in by staff")
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise InvalidDate("Give the time the request was received with its time zone")
    if received_at > moment:
        raise InvalidDate("A request cannot have been received after now")
    details = {
        **submission.details,
        "staff_intake": {"keyed_in_by": actor, "keyed_in_at": moment.isoformat()},
    }
    return submit_request(
        session,
        dataclasses.replace(submission, channel=channel, details=details),
        idempotency_key=idempotency_key,
        cipher=cipher,
        actor=actor,
        now=received_at.astimezone(UTC),
    )
