"""What the monthly report counts of what follows a decision (issue 16 point 6), by the
case's kind, channel and hub like every other figure (portal.cases.reports):

* reviews_asked: internal reviews received in the month (their received_on);
* reviews_decided: internal review outcomes recorded in the month (Europe/London date);
* ico_recorded: ICO cases whose letter arrived in the month (received_on);
* ico_closed: ICO cases the ICO closed in the month (closed_on).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select

from portal.cases import clock
from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.models import Case
from portal.extensions import DbSession

FIGURES = ("reviews_asked", "reviews_decided", "ico_recorded", "ico_closed")


def after_decision_counts(
    session: DbSession, first: date, after: date
) -> Iterator[tuple[str, str, str | None, str]]:
    """(kind, channel, hub source, figure) once for each thing counted in [first, after)."""
    case = (Case.kind, Case.channel, Case.hub_source)
    asked = session.execute(
        select(*case)
        .join(InternalReview, InternalReview.case_id == Case.id)
        .where(InternalReview.received_on >= first, InternalReview.received_on < after)
    )
    for kind, channel, hub in asked:
        yield kind, channel, hub, "reviews_asked"
    decided = session.execute(
        select(*case)
        .join(InternalReview, InternalReview.case_id == Case.id)
        .where(
            InternalReview.decided_at >= clock.day_starts_at(first),
            InternalReview.decided_at < clock.day_starts_at(after),
        )
    )
    for kind, channel, hub in decided:
        yield kind, channel, hub, "reviews_decided"
    recorded = session.execute(
        select(*case)
        .join(IcoCase, IcoCase.case_id == Case.id)
        .where(IcoCase.received_on >= first, IcoCase.received_on < after)
    )
    for kind, channel, hub in recorded:
        yield kind, channel, hub, "ico_recorded"
    closed = session.execute(
        select(*case)
        .join(IcoCase, IcoCase.case_id == Case.id)
        .where(IcoCase.closed_on >= first, IcoCase.closed_on < after)
    )
    for kind, channel, hub in closed:
        yield kind, channel, hub, "ico_closed"
