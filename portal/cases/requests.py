"""What a resident (or a member of staff taking a request by phone) submits.

Plain data, built by the web layer from the journey's answers and handed to
intake.submit_request(); nothing here knows about Flask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.cases.models import (
    ActingFor,
    Authority,
    CaseKind,
    Channel,
    EvidencePurpose,
    ScanStatus,
)


@dataclass(frozen=True)
class PersonDetails:
    full_name: str
    other_names: str = ""
    date_of_birth: date | None = None
    address: str = ""
    postcode: str = ""
    previous_addresses: str = ""
    email: str = ""
    phone: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    purpose: EvidencePurpose
    original_name: str
    media_type: str
    content: bytes
    scan_status: ScanStatus | None = None  # None: the council has no malware scanner


@dataclass(frozen=True)
class Submission:
    kind: CaseKind
    acting_for: ActingFor
    subject: PersonDetails
    # The person asking, when they are not the subject (a parent, someone with authority).
    requester: PersonDetails | None
    relationship_to_subject: str
    # kind-specific answers: what is asked for, delivery and format; or what is objected to
    details: dict[str, Any]
    identity_at_hub: bool
    language: str
    notice_version: str
    channel: Channel = Channel.ONLINE
    hub_source: str | None = None
    evidence: tuple[Evidence, ...] = ()
    # C11: on what authority the requester acts for the subject (None: for themselves; a
    # parent's request for their child is parental responsibility whatever is given here).
    authority: Authority | None = None

    @property
    def contact(self) -> PersonDetails:
        """Who we write to: the requester when there is one, else the subject."""
        return self.requester or self.subject
