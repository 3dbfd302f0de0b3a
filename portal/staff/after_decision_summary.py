"""The case page's short account of what followed a decision: an internal review and its
due date, ICO cases open or closed; the page that records them is
portal.staff.after_decision (kept apart so the case page does not import its views)."""

from __future__ import annotations

from typing import Any

from portal.cases import ico_cases, internal_reviews
from portal.cases.models import Case
from portal.extensions import db


def after_decision_summary(case: Case) -> dict[str, Any]:
    return {
        "internal_reviews": internal_reviews.reviews_of(db.session, case),
        "ico_cases": ico_cases.ico_cases_of(db.session, case),
    }
