"""What a complaint to the council asks, and its two dates, as the caseworker reads them
on the case page (C13, DPA 2018 s.164A): what it is about, the outcome wanted, the earlier
request it concerns (linked when the reference is a case's), the acknowledgement's last
day and when it went, and the outcome target (a target, not a statutory deadline)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

from portal.cases import complaints
from portal.cases.models import Case
from portal.extensions import db


def _long(day: Any) -> str:
    return f"{day:%-d %B %Y}"


def complaint_rows(case: Case, block: Callable[[Any], Markup]) -> list[tuple[str, Markup]]:
    """(key, value) rows; `block` marks the complainant's own words with their language."""
    details = case.details or {}
    complaint = _answers(details, "complaint")
    outcome = _answers(details, "outcome")
    acknowledged = complaints.acknowledged_on(db.session, case)
    due = complaints.acknowledgement_due(case.received_on)
    return [
        ("What the complaint is about", block(complaint.get("complaint"))),
        ("What they would like us to do", block(outcome.get("outcome_wanted"))),
        ("Earlier request it is about", _earlier(case)),
        (
            "Acknowledgement (within 30 days, s.164A(3))",
            escape(
                f"Due by {_long(due)}; "
                + (f"sent {_long(acknowledged)}" if acknowledged else "not sent yet")
            ),
        ),
        (
            "Outcome target",
            escape(
                f"{_long(case.due_on)}: the council's target of one month (C2), "
                "not a statutory deadline (s.164A(4): without undue delay)"
            )
            if case.due_on
            else escape("None"),
        ),
    ]


def _answers(details: dict[str, Any], step: str) -> dict[str, Any]:
    answers = details.get(step)
    return answers if isinstance(answers, dict) else {}


def _earlier(case: Case) -> Markup:
    reference = complaints.earlier_reference(case)
    if not reference:
        return escape("None given")
    earlier = complaints.earlier_case(db.session, case)
    if earlier is None:
        return Markup('<span dir="ltr">%s</span> (no case has this reference)') % reference
    return Markup('<a class="govuk-link" href="%s">%s</a>') % (
        url_for("staff.case", reference=earlier.reference),
        earlier.reference,
    )
