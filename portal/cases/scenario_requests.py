"""The requests scenarios file (portal.cases.scenarios): who asks, for whom, for what, and a
stand-in picture for their evidence. Plain data, as the public journey or a caseworker
keying in a request would hand it to intake; any field changed by keyword.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from portal.cases.models import ActingFor, CaseKind, Channel
from portal.cases.override_tests import OverrideTest, is_research
from portal.cases.requests import PersonDetails, Submission
from portal.cases.rights_models import CorrectionOutcome, DeletionOutcome, RestrictionOutcome


def tiny_png(shade: int) -> bytes:
    """An 8 by 8 grey PNG: stands in for a photo of identity evidence or a scanned record."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([shade % 256]) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def person(**overrides: Any) -> PersonDetails:
    """Anna Kowalska of Westgate, Wakefield, unless changed."""
    values: dict[str, Any] = {
        "full_name": "Anna Kowalska",
        "date_of_birth": date(1988, 2, 14),
        "address": "12 Westgate, Wakefield",
        "postcode": "WF1 2EB",
        "email": "anna@example.com",
    }
    values.update(overrides)
    return PersonDetails(**values)


def access_details(
    delivery: str = "download", agencies: Sequence[str] | None = None
) -> dict[str, Any]:
    """An access request's answers: everything held (or what the named agencies hold), by
    secure download, by post or collected at a hub."""
    what: dict[str, Any] = {"scope": "everything"}
    if agencies:
        what = {"scope": "agencies", "agencies": list(agencies)}
    return {"what": what, "delivery": {"delivery": delivery}}


def objection_details(
    processing: Sequence[str] = ("programme", "sharing"),
    agencies: Sequence[str] = ("police",),
    *,
    restrict: bool = False,
) -> dict[str, Any]:
    """An objection to the programme linking the family's data and to sharing it with the
    police, unless changed. `restrict`: the requester asked for the uses objected to to
    stop while the council decides (C12, Art 18(1)(d)), as the journey's last question
    records it."""
    details: dict[str, Any] = {
        "processing": {"processing": list(processing), "agencies": list(agencies)}
    }
    if restrict:
        details["restrict"] = {"restrict": "yes"}
    return details


def correction_details(*, tell_me: bool = True) -> dict[str, Any]:
    """C14: a request to correct a wrong date of birth, as the journey records it; `tell_me`:
    the requester asked to be told who else was told (Art 19)."""
    return {
        "wrong": {"wrong": "My son's date of birth is recorded as 3 May 2015."},
        "should-say": {"should_say": "He was born on 5 March 2015."},
        "evidence": {},
        "recipients": {"tell_me": "yes" if tell_me else "no"},
    }


def restriction_details(*, tell_me: bool = True) -> dict[str, Any]:
    """C14: a request to stop the local research use while the accuracy of the record is
    checked (UK GDPR Art 18(1)(a)), as the journey records it."""
    return {
        "processing": {"processing": ["local_research"], "agencies": []},
        "grounds": {"ground": "accuracy"},
        "why": {"why": "The record says my son was excluded from school. He never was."},
        "recipients": {"tell_me": "yes" if tell_me else "no"},
    }


def deletion_details(*, tell_me: bool = True) -> dict[str, Any]:
    """C15: a request to delete a record the requester says is no longer needed (UK GDPR
    Art 17(1)(a)), as the journey records it."""
    return {
        "delete-what": {"what": "The notes about the 2019 referral, which was closed."},
        "grounds": {"ground": "not_needed"},
        "why": {"why": "The referral was closed in 2019 and we have had no support since."},
        "recipients": {"tell_me": "yes" if tell_me else "no"},
    }


# C14, C15: what staff write on a decision on a request to correct, restrict or delete,
# for the tests and the demo: the reasons for each outcome, and the outcome's facts.
RIGHTS_REASONS = {
    "corrected": "The birth certificate sent with the request shows 5 March 2015.",
    "statement_added": "The meeting notes were made at the time and we believe them accurate.",
    "not_corrected": "The record is an accurate note of what the school reported to us.",
    "restricted": "We are checking the school's record; the research use stops meanwhile.",
    "not_restricted": "The school confirmed the record; none of the grounds of Art 18(1) applies.",
    "deleted": "The referral closed in 2019 and the programme no longer needs the notes.",
    "partly_deleted": "We deleted the notes; the referral's date is kept for the programme.",
    "not_deleted": "The family is still supported, so the programme needs the notes: "
    "UK GDPR Art 17(3)(b).",
}
RIGHTS_FACTS: dict[str, dict[str, Any]] = {
    "corrected": {"record_now_says": "Date of birth: 5 March 2015."},
    "statement_added": {
        "statement": "I was never told about the 2021 meeting that this record describes."
    },
    "restricted": {"processing": ["local_research"]},
    "deleted": {"deleted": "The notes of the 2019 referral."},
    "partly_deleted": {"deleted": "The notes of the 2019 referral, but not its date."},
}


# C14, C15: each right's usual outcome, and the outcomes that change the data.
DEFAULT_OUTCOMES = {
    CaseKind.CORRECTION: CorrectionOutcome.CORRECTED,
    CaseKind.RESTRICTION: RestrictionOutcome.RESTRICTED,
    CaseKind.DELETION: DeletionOutcome.DELETED,
}
CHANGED = frozenset({"corrected", "statement_added", "restricted", "deleted", "partly_deleted"})


# C9: why the council's grounds override the person's, and the legal claim, as a
# caseworker would write them for the tests' and the demo's assessments.
WHY_OVERRIDES = (
    "The children's safety depends on the link; the risk she describes is managed by "
    "keeping her address out of the shared records."
)
LEGAL_CLAIM = "The council is defending a claim about the family's support in the county court."


def override_test_for(
    processing: str,
    *,
    situation: str,
    compelling_grounds: str = "",
    public_interest_research: str = "",
    legal_claims: bool = False,
) -> OverrideTest:
    """C9: the whole test one kind of grounds makes for a use, or an empty one."""
    if is_research(processing):
        if not public_interest_research:
            return OverrideTest()
        return OverrideTest(situation=situation, public_interest_task=public_interest_research)
    if compelling_grounds:
        return OverrideTest(
            situation=situation,
            council_grounds=compelling_grounds,
            why_overrides=WHY_OVERRIDES,
            legal_claim=LEGAL_CLAIM if legal_claims else "",
        )
    if legal_claims:
        return OverrideTest(situation=situation, legal_claim=LEGAL_CLAIM)
    return OverrideTest()


def on_behalf_of(
    subject: PersonDetails,
    *,
    requester: PersonDetails | None = None,
    acting_for: ActingFor = ActingFor.MY_CHILD,
    relationship: str = "parent",
) -> dict[str, Any]:
    """C11: the submission's people when one person asks for another: by default a parent
    (Anna Kowalska) for their child."""
    return {
        "subject": subject,
        "requester": requester or person(),
        "acting_for": acting_for,
        "relationship_to_subject": relationship,
    }


def complaint_details(earlier: str = "") -> dict[str, Any]:
    """C13: a complaint as the journey saves it: what about, the earlier request's
    reference (canonical, or ''), and the outcome wanted."""
    return {
        "complaint": {"complaint": "A letter about my family was sent to my old address."},
        "earlier": {"reference": earlier},
        "outcome": {"outcome_wanted": "An apology, and my address corrected."},
    }


DETAILS: dict[CaseKind, Callable[[], dict[str, Any]]] = {
    CaseKind.OBJECTION: objection_details,
    CaseKind.COMPLAINT: complaint_details,
    CaseKind.CORRECTION: correction_details,
    CaseKind.RESTRICTION: restriction_details,
    CaseKind.DELETION: deletion_details,
}


def submission(**overrides: Any) -> Submission:
    """A request as the public journey saves it: Anna Kowalska asking, in English, for
    everything held about her by secure download (or objecting, for kind=objection), her
    identity checked at a hub; anything changed by keyword."""
    kind = overrides.get("kind", CaseKind.ACCESS)
    values: dict[str, Any] = {
        "kind": kind,
        "acting_for": ActingFor.MYSELF,
        "subject": person(),
        "requester": None,
        "relationship_to_subject": "",
        "details": DETAILS.get(kind, access_details)(),
        "identity_at_hub": True,
        "language": "en",
        "notice_version": "2.0",
        "channel": Channel.ONLINE,
    }
    values.update(overrides)
    return Submission(**values)
