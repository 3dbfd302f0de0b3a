"""What the tracking page shows of an internal review (portal.cases.internal_reviews):
the review asked for and its due date, or the way to ask for one once there is a decision.
Kept apart from portal.public.tracking_review (the pages that ask) so the status page can
use it without importing those pages."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.cases import internal_reviews
from portal.cases.models import Case
from portal.extensions import db


def review_section(case: Case) -> dict[str, Any]:
    """The status page's review section: the latest review (or None), whether the resident
    may ask for one, and the council's review period in working days."""
    reviews = internal_reviews.reviews_of(db.session, case)
    return {
        "review": reviews[0] if reviews else None,
        "can_ask_review": not reviews and internal_reviews.can_ask_for_review(db.session, case),
        "review_days": current_app.extensions["council"].review_period_working_days,
    }
