"""The case queue: every request and objection, soonest due first, filtered and searched
by a GET form that works without JavaScript. The queries live in portal.cases.queue."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import urlencode

from flask import current_app, render_template, request
from sqlalchemy import select

from portal.accounts.directory import actor_of
from portal.accounts.models import Role, StaffUser
from portal.cases import clock, internal_reviews
from portal.cases import queue as case_queue
from portal.cases.models import CaseKind, CaseState
from portal.extensions import db
from portal.staff import bp
from portal.staff.labels import CHANNEL_LABELS
from portal.staff.permissions import Action, requires

KIND_LABELS = {
    CaseKind.ACCESS: "Access request",
    CaseKind.OBJECTION: "Objection",
    CaseKind.CORRECTION: "Correction request",
    CaseKind.RESTRICTION: "Restriction request",
    CaseKind.DELETION: "Deletion request",
}
STATE_LABELS = {
    CaseState.RECEIVED: "Received",
    CaseState.AWAITING_IDENTITY: "Awaiting identity",
    CaseState.IN_PROGRESS: "In progress",
    CaseState.AWAITING_CLARIFICATION: "Awaiting clarification",
    CaseState.IN_REVIEW: "In review",
    CaseState.READY: "Ready",
    CaseState.COMPLETED: "Completed",
    CaseState.REFUSED: "Refused",
    CaseState.WITHDRAWN: "Withdrawn",
}
STATE_TAG_CLASSES = {
    CaseState.RECEIVED: "govuk-tag--blue",
    CaseState.AWAITING_IDENTITY: "govuk-tag--yellow",
    CaseState.IN_PROGRESS: "govuk-tag--light-blue",
    CaseState.AWAITING_CLARIFICATION: "govuk-tag--yellow",
    CaseState.IN_REVIEW: "govuk-tag--purple",
    CaseState.READY: "govuk-tag--turquoise",
    CaseState.COMPLETED: "govuk-tag--green",
    CaseState.REFUSED: "govuk-tag--red",
    CaseState.WITHDRAWN: "govuk-tag--grey",
}
DUE_LABELS = {
    case_queue.DueWindow.OVERDUE: "Overdue",
    case_queue.DueWindow.SOON: "Due within 5 working days",
    case_queue.DueWindow.LATER: "Due later",
    case_queue.DueWindow.NONE: "No due date yet",
}


def case_staff() -> list[StaffUser]:
    """Staff who can hold cases, for the assignee filter and names in the table."""
    query = (
        select(StaffUser)
        .where(StaffUser.role.in_([str(Role.CASEWORKER), str(Role.REVIEWER)]))
        .order_by(StaffUser.name, StaffUser.id)
    )
    return list(db.session.scalars(query))


def due_text(today: date, due_on: date | None) -> str:
    """ "3 working days left", "Due today", "2 working days overdue"."""
    days = case_queue.working_days_left(today, due_on)
    if days is None:
        return "Clock not started"
    if days == 0:
        return "Due today"
    plural = "" if abs(days) == 1 else "s"
    if days > 0:
        return f"{days} working day{plural} left"
    return f"{-days} working day{plural} overdue"


def _without(args: list[tuple[str, str]], name: str, value: str) -> str:
    remaining = [(k, v) for k, v in args if not (k == name and v == value) and k != "after"]
    return "?" + urlencode(remaining) if remaining else "?"


@bp.get("/queue")
@requires(Action.VIEW_CASES)
def queue():
    council = current_app.extensions["council"]
    staff = case_staff()
    names = {actor_of(member): member.name for member in staff}
    # The hubs the council profile names: cases record only those (the signposting links
    # and staff intake check the slug), so no query over every case lists them. A hub
    # since taken out of the profile is no longer offered as a filter.
    hub_names = {hub.slug: hub.name.english for hub in council.hubs}
    filters = case_queue.parse_filters(request.args, hub_sources=hub_names, assignees=names)
    after = case_queue.Cursor.decode(request.args.get("after"))
    today = clock.london_today()
    page = case_queue.queue_page(db.session, filters, today=today, after=after)

    # The filters as chosen, for "next page" and for the "remove this filter" tags.
    chosen: list[tuple[str, str]] = [
        *(("kind", str(v)) for v in filters.kinds),
        *(("state", str(v)) for v in filters.states if filters.states != case_queue.OPEN_STATES),
        *(("assignee", v) for v in filters.assignees),
        *(("channel", str(v)) for v in filters.channels),
        *(("hub", v) for v in filters.hub_sources),
        *([("due", str(filters.due))] if filters.due else []),
        *([("q", filters.search)] if filters.search else []),
    ]
    labels: dict[str, Mapping[str, str]] = {
        "kind": KIND_LABELS,
        "state": STATE_LABELS,
        "assignee": {case_queue.UNASSIGNED: "Unassigned", **names},
        "channel": CHANNEL_LABELS,
        "hub": hub_names,
        "due": DUE_LABELS,
    }
    selected = [
        {
            "text": labels[name].get(value, value) if name in labels else f"“{value}”",
            "href": request.path + _without(chosen, name, value),
        }
        for name, value in chosen
    ]
    next_url = None
    if page.next_cursor is not None:
        next_url = request.path + "?" + urlencode([*chosen, ("after", page.next_cursor.encode())])
    rows = [
        {
            "row": row,
            "due_text": due_text(today, row.due_on),
            "overdue": row.due_on is not None
            and row.due_on < today
            and row.state not in case_queue.CLOSED_STATES,
            "assignee_name": names.get(row.assignee or "", row.assignee) or "Unassigned",
        }
        for row in page.rows
    ]
    return render_template(
        "staff/queue.html",
        waiting_reviews=internal_reviews.waiting_reviews(db.session) if after is None else [],
        review_today=today,
        filters=filters,
        rows=rows,
        selected=selected,
        next_url=next_url,
        first_url=request.path + ("?" + urlencode(chosen) if chosen else ""),
        is_later_page=after is not None,
        kind_labels=KIND_LABELS,
        state_labels=STATE_LABELS,
        state_tags=STATE_TAG_CLASSES,
        channel_labels=CHANNEL_LABELS,
        due_labels=DUE_LABELS,
        hub_names=hub_names,
        assignee_names=labels["assignee"],
        default_states=case_queue.OPEN_STATES,
    )
