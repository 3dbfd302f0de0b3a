"""Test data: build domain objects with sensible defaults; override what a test cares about."""

from __future__ import annotations

from datetime import date

from portal.cases.models import ActingFor, CaseKind, Channel
from portal.cases.requests import PersonDetails, Submission


def person(**overrides) -> PersonDetails:
    values = {
        "full_name": "Anna Kowalska",
        "date_of_birth": date(1988, 2, 14),
        "address": "12 Westgate, Wakefield",
        "postcode": "WF1 2EB",
        "email": "anna@example.com",
    }
    values.update(overrides)
    return PersonDetails(**values)


def submission(**overrides) -> Submission:
    values = {
        "kind": CaseKind.ACCESS,
        "acting_for": ActingFor.MYSELF,
        "subject": person(),
        "requester": None,
        "relationship_to_subject": "",
        "details": {"what": {"scope": "everything"}, "delivery": {"delivery": "download"}},
        "identity_at_hub": True,
        "language": "en",
        "notice_version": "2.0",
        "channel": Channel.ONLINE,
    }
    values.update(overrides)
    return Submission(**values)
