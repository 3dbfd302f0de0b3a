"""The case file: requests, the people in them, their evidence, pauses and the audit trail.

Statuses are StrEnums stored as strings. Instants are stored in UTC; legal dates
(received on, due on) are Europe/London calendar dates, stored as dates.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.cases import match_keys, person_search
from portal.extensions import Base


class CaseKind(StrEnum):
    ACCESS = "access"  # UK GDPR Art 15
    OBJECTION = "objection"  # UK GDPR Art 21
    COMPLAINT = "complaint"  # DPA 2018 s.164A (C13)
    CORRECTION = "correction"  # UK GDPR Art 16 (rectification)
    RESTRICTION = "restriction"  # UK GDPR Art 18 (restriction of processing)
    DELETION = "deletion"  # UK GDPR Art 17 (erasure)


class CaseState(StrEnum):
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    IN_PROGRESS = "in_progress"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    IN_REVIEW = "in_review"
    READY = "ready"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Channel(StrEnum):
    ONLINE = "online"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    IN_PERSON = "in_person"


class ActingFor(StrEnum):
    """C11: who the request is about, and on what authority the requester acts."""

    MYSELF = "myself"
    MY_CHILD = "my_child"
    SOMEONE_ELSE = "someone_else"  # with their authority (Authority says which)


class Authority(StrEnum):
    """C11: on what authority someone asks for another person, and so what proof they give.
    A parent asks with parental responsibility; anyone else with one of the other four."""

    PARENTAL_RESPONSIBILITY = "parental_responsibility"  # a birth certificate or court order
    WRITTEN_PERMISSION = "written_permission"  # a letter signed by the person
    LASTING_POWER_OF_ATTORNEY = "lasting_power_of_attorney"  # the registered LPA
    COURT_DEPUTY = "court_deputy"  # the Court of Protection order appointing them
    SOLICITOR_OR_ADVOCATE = "solicitor_or_advocate"  # the person's signed letter of authority


class EvidencePurpose(StrEnum):
    PHOTO_ID = "photo_id"
    PROOF_OF_ADDRESS = "proof_of_address"
    AUTHORITY = "authority"
    MORE_EVIDENCE = "more_evidence"


class ScanStatus(StrEnum):
    """What the council's malware scanner (clamd) said of a resident's file; no status
    (None) when the council has no scanner."""

    CLEAN = "clean"
    HELD = "held"
    """Not scanned (the scanner could not be reached): kept, but staff cannot open it
    until a reviewer releases it."""
    RELEASED = "released"
    """Held, then released by a reviewer."""


# The states of a case still being worked (the partial index below; the queue's
# OPEN_STATES, which a test keeps equal to these).
OPEN_STATE_VALUES = (
    "received",
    "awaiting_identity",
    "in_progress",
    "awaiting_clarification",
    "in_review",
    "ready",
)
OPEN_STATES_SQL = "state IN (" + ", ".join(f"'{state}'" for state in OPEN_STATE_VALUES) + ")"


class Person(Base):
    """A requester or a data subject, as they described themselves."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    other_names: Mapped[str] = mapped_column(Text, default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    previous_addresses: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Validated identifiers only (National Insurance number, NHS number, ...).
    identifiers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # What staff find the person by (portal.cases.person_search): names, email, postcode,
    # phone and date of birth, folded. Set from the fields above whenever the row is saved.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # What another request is matched by (portal.cases.match_keys; None when the detail is
    # missing): possible duplicates and related cases, each an indexed lookup.
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)
    name_key: Mapped[str | None] = mapped_column(String(320), index=True)
    household_key: Mapped[str | None] = mapped_column(String(320), index=True)

    __table_args__ = (
        # The queue's search (search_text LIKE '%part%'): a trigram index on PostgreSQL
        # (pg_trgm); SQLite, which reads the column through quicker, gets a plain one.
        Index(
            "ix_people_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    def refresh_search_text(self) -> None:
        self.search_text = person_search.search_text(
            full_name=self.full_name or "",
            other_names=self.other_names or "",
            email=self.email or "",
            postcode=self.postcode or "",
            phone=self.phone or "",
            date_of_birth=self.date_of_birth,
        )

    def refresh_match_keys(self) -> None:
        self.email_key = match_keys.email_key(self.email)
        self.name_key = match_keys.name_key(self.full_name, self.date_of_birth)
        self.household_key = match_keys.household_key(self.address, self.postcode)


# SQLite's trigram index of search_text, for schemas made straight from the models (the tests'
# and benchmarks'); migration 0029 makes it for the portal's own database.
for _statement in person_search.SQLITE_INDEX:
    event.listen(Person.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in person_search.SQLITE_INDEX_DROP:
    event.listen(Person.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _keep_search_text(mapper: Any, connection: Any, person: Person) -> None:
    """A person saved through the ORM is found, and matched, by what the row now says."""
    person.refresh_search_text()
    person.refresh_match_keys()


# The trigram operator class comes from the pg_trgm extension (migration 0008 creates it
# too; this is for schemas made straight from the models, as the benchmarks do).
event.listen(
    Person.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[CaseKind] = mapped_column(String(20))
    state: Mapped[CaseState] = mapped_column(String(30), index=True)
    channel: Mapped[Channel] = mapped_column(String(20))
    # The Early Help Hub whose link brought the resident, if any (its slug).
    hub_source: Mapped[str | None] = mapped_column(String(64), index=True)
    notice_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_on: Mapped[date] = mapped_column(Date)
    # C1: the relevant time; None while the council waits for proof of identity.
    clock_started_on: Mapped[date | None] = mapped_column(Date)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # C2: the Europe/London date of closed_at, set with it (portal.cases.closing): the
    # monthly report counts closures by it from an index, with no time zone sums per row.
    closed_on: Mapped[date | None] = mapped_column(Date)
    # One submission, one case: a double click or a resubmit finds the first.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)

    # None once the case record is erased (portal.cases.erasure): the people go with it.
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    acting_for: Mapped[ActingFor] = mapped_column(String(20))
    relationship_to_subject: Mapped[str] = mapped_column(Text, default="")
    # C11: the requester's authority when they are not the subject (None: for themselves).
    authority: Mapped[Authority | None] = mapped_column(String(30))
    identity_at_hub: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the resident asked for, as answered in the journey (scope, delivery, format,
    # processing objected to, reasons). Shape depends on kind; see portal.cases.requests.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # When the retention schedule erased the case record: what remains is the reference,
    # the kind, the state and the dates, for the monthly figures and the audit trail.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Legal hold (portal.cases.holds): while held_at is set the case is never deleted.
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    held_by: Mapped[str | None] = mapped_column(String(100))
    hold_reason: Mapped[str | None] = mapped_column(String(30))
    hold_note: Mapped[str | None] = mapped_column(Text)
    # A duplicate merged into its original (portal.cases.case_links): closed, and its
    # reference leads the resident to the original.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    requester: Mapped[Person] = relationship(foreign_keys=[requester_id])
    subject: Mapped[Person] = relationship(foreign_keys=[subject_id])
    files: Mapped[list[CaseFile]] = relationship(back_populates="case", order_by="CaseFile.id")
    pauses: Mapped[list[ClockPause]] = relationship(
        back_populates="case", order_by="ClockPause.asked_on"
    )

    __table_args__ = (
        # The queue (migration 0007): a state (and kind) filter reads its cases already in
        # due order; channel filters read only their rows; a name search goes from the
        # people who match to their cases.
        Index("ix_cases_subject_id", "subject_id"),
        Index("ix_cases_requester_id", "requester_id"),
        Index("ix_cases_state_due_on_id", "state", "due_on", "id"),
        Index("ix_cases_kind_state_due_on_id", "kind", "state", "due_on", "id"),
        Index("ix_cases_channel_due_on_id", "channel", "due_on", "id"),
        # Open cases in due order (migration 0008): a filter that narrows the queue to a
        # few hundred cases (one member of staff's) reads them here, never walking past
        # the closed cases, which are most of them.
        Index(
            "ix_cases_open_due_on_id",
            "due_on",
            "id",
            postgresql_where=text(OPEN_STATES_SQL),
            sqlite_where=text(OPEN_STATES_SQL),
        ),
        # The monthly report reads one month's arrivals and closures (migrations 0008,
        # 0021, 0023): everything it counts them by is in the index, so the count never
        # reads the cases' rows. Its trend reads CaseMonth instead.
        Index("ix_cases_received_on", "received_on", "kind", "channel", "hub_source"),
        Index(
            "ix_cases_closed_on",
            "closed_on",
            "state",
            "due_on",
            "kind",
            "channel",
            "hub_source",
            "received_on",
        ),
        # Retention reads closed cases oldest first (portal.cases.retention).
        Index("ix_cases_closed_at", "closed_at"),
    )


class CaseFile(Base):
    """Evidence a resident sent, encrypted at rest (AES-GCM, bound to this row's case)."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[EvidencePurpose] = mapped_column(String(30))
    original_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scan_status: Mapped[ScanStatus | None] = mapped_column(String(20))

    @property
    def held(self) -> bool:
        """Not scanned and not released: staff may not open it."""
        return self.scan_status == ScanStatus.HELD

    case: Mapped[Case] = relationship(back_populates="files")


class ClockPause(Base):
    """C4: the council asked what a request covers; the clock stops until the answer."""

    __tablename__ = "clock_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    asked_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="pauses")


class AuditEvent(Base):
    """Append-only; each row holds the hash of the one before, so edits are detectable."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    # The chain hashes details_digest, not the details, so the details can be erased
    # (set to a marker, the salt dropped) while the chain still verifies: portal.cases.audit.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    details_salt: Mapped[str | None] = mapped_column(String(32))
    details_digest: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    # The monthly report counts one month of an action (extensions) by this index.
    __table_args__ = (Index("ix_audit_events_action_occurred_at", "action", "occurred_at"),)


class AuditHead(Base):
    """One row: the latest hash. Locking it serialises appends to the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))


class TrackingCode(Base):
    """A one-time code emailed to a resident who wants to follow their request."""

    __tablename__ = "tracking_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    wrong_attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Keyed hash of a random token kept in the session that asked for the code: only that
    # session can use the code, or burn it with wrong tries (portal.cases.tracking).
    asker_hash: Mapped[str | None] = mapped_column(String(64))


class LookupAttempt(Base):
    """Attempts to follow a request, counted per reference and per address (keyed hashes)."""

    __tablename__ = "lookup_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))  # "reference" or "email"
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DraftUpload(Base):
    """A file sent during a journey, before the request is submitted (encrypted at rest).

    Moved into the case when the request is sent; unsent drafts are deleted when they
    expire.
    """

    __tablename__ = "draft_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_token: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[EvidencePurpose] = mapped_column(String(30))
    original_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    scan_status: Mapped[ScanStatus | None] = mapped_column(String(20))

    @property
    def held(self) -> bool:
        """The malware scanner could not check it: the case file will be held for staff."""
        return self.scan_status == ScanStatus.HELD
