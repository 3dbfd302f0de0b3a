"""What the monthly report counts of what happens to cases after they arrive, counted in
the month it happens (case_months.EVENT_COUNTS, in the case's group), so the report reads
a row a group however many events a month holds (issue 17 point 2):

* extended: the deadline extended (portal.cases.deadlines.extend), in the month of the
  day it was extended;
* acknowledged_in_time: a complaint acknowledged within 30 days counting the day received
  as the first (C13, s.164A(3); portal.cases.intake), in the month the complaint was
  received;
* reviews_asked, reviews_decided: an internal review asked for, its outcome recorded
  (portal.cases.internal_reviews), in the month of each;
* ico_recorded, ico_closed: an ICO case recorded, closed (portal.cases.ico_cases), in the
  month of the day the ICO's letter arrived and of the day the ICO closed it.

Each is counted once, in the transaction that records it, and none is undone: a deadline
is extended once, a complaint acknowledged once (on receipt), a review asked for and
decided once, an ICO case recorded and closed once (ico_cases refuses to change a closed
one), and the dates counted by are those recorded, which nothing changes afterwards.

`event_counts` counts the same from what is recorded, for case_months.recount (and
migration 0027). Extensions and acknowledgements are read from their audit events, which
are kept as long as the audit trail (the acknowledgement message is deleted sooner, on
its own retention period); reviews and ICO cases from their rows, which go when the
case's data is deleted at the end of its retention period: a recount after that no longer
counts them, while the counts kept do (a month's figures are not changed by a later
deletion).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select

from portal.cases import clock
from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.complaints import acknowledgement_due
from portal.cases.models import AuditEvent, Case, CaseKind
from portal.extensions import DbSession
from portal.instants import aware

EXTENDED = "deadline_extended"  # the audit actions counted
ACKNOWLEDGED = "complaint_acknowledged"


def acknowledged_in_time(received_on: date, acknowledged_on: date) -> bool:
    """C13: acknowledged by the 30th day, counting the day received as the first."""
    return acknowledged_on <= acknowledgement_due(received_on)


Row = tuple[str, str, str | None, date, str, int]


def event_counts(session: DbSession) -> Iterator[Row]:
    """(kind, channel, hub source, day, figure, how many) of every event counted."""
    group = (Case.kind, Case.channel, Case.hub_source)
    counted: Counter[tuple[str, str, str | None, date, str]] = Counter()
    for kind, channel, hub, action, received_on, at in session.execute(
        select(*group, AuditEvent.action, Case.received_on, AuditEvent.occurred_at)
        .join(AuditEvent, AuditEvent.case_id == Case.id)
        .where(AuditEvent.action.in_((EXTENDED, ACKNOWLEDGED)))
    ):
        day = clock.received_on(aware(at))
        if action == EXTENDED:
            counted[(kind, channel, hub, day, "extended")] += 1
        elif kind == CaseKind.COMPLAINT and acknowledged_in_time(received_on, day):
            counted[(kind, channel, hub, received_on, "acknowledged_in_time")] += 1
    for kind, channel, hub, at in session.execute(
        select(*group, InternalReview.decided_at)
        .join(InternalReview, InternalReview.case_id == Case.id)
        .where(InternalReview.decided_at.is_not(None))
    ):
        counted[(kind, channel, hub, clock.received_on(aware(at)), "reviews_decided")] += 1
    yield from ((*key, n) for key, n in counted.items())
    by_day = (
        ("reviews_asked", InternalReview, InternalReview.received_on),
        ("ico_recorded", IcoCase, IcoCase.received_on),
        ("ico_closed", IcoCase, IcoCase.closed_on),
    )
    for figure, model, column in by_day:
        for kind, channel, hub, day, n in session.execute(
            select(*group, column, func.count())
            .join(model, model.case_id == Case.id)
            .where(column.is_not(None))
            .group_by(*group, column)
        ):
            yield kind, channel, hub, day, figure, n
