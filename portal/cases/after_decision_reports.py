"""What the monthly report counts of what follows a decision (issue 16 point 6), by the
case's kind, channel and hub like every other figure (portal.cases.reports):

* reviews_asked: internal reviews received in the month (their received_on);
* reviews_decided: internal review outcomes recorded in the month (Europe/London date);
* ico_recorded: ICO cases whose letter arrived in the month (received_on);
* ico_closed: ICO cases the ICO closed in the month (closed_on).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, literal, select, union_all

from portal.cases import clock
from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.models import Case
from portal.extensions import DbSession

FIGURES = ("reviews_asked", "reviews_decided", "ico_recorded", "ico_closed")


def after_decision_counts(
    session: DbSession, first: date, after: date
) -> list[tuple[str, str, str | None, str, int]]:
    """(kind, channel, hub source, figure, how many) for what was counted in [first, after),
    in one query (each part reads its month from its own date index)."""
    case = (Case.kind, Case.channel, Case.hub_source)
    since, until = clock.day_starts_at(first), clock.day_starts_at(after)
    parts = (
        ("reviews_asked", InternalReview, InternalReview.received_on, first, after),
        ("reviews_decided", InternalReview, InternalReview.decided_at, since, until),
        ("ico_recorded", IcoCase, IcoCase.received_on, first, after),
        ("ico_closed", IcoCase, IcoCase.closed_on, first, after),
    )
    counts = union_all(
        *(
            select(*case, literal(figure).label("figure"), func.count())
            .join(model, model.case_id == Case.id)
            .where(column >= start, column < end)
            .group_by(*case)
            for figure, model, column, start, end in parts
        )
    )
    return [
        (kind, channel, hub, figure, n) for kind, channel, hub, figure, n in session.execute(counts)
    ]
