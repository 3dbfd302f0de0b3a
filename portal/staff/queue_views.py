"""The case queue: every request and objection, soonest due first, filtered and searched
by a GET form that works without JavaScript. The queries live in portal.cases.queue.

The page is the one caseworkers reload all day (issue 17 point 2), so its display values are
worked out here, in Python, rather than by Jinja calls per row, and the filter panel, which
depends only on the filters chosen, the staff and the profile's hubs, is drawn once and kept.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlencode

from flask import current_app, render_template, request
from flask_login import current_user
from jinja2 import Environment
from markupsafe import Markup
from sqlalchemy import select

from portal.accounts.directory import actor_for_id
from portal.accounts.models import Role, StaffUser, Team
from portal.cases import clock, internal_reviews
from portal.cases import queue as case_queue
from portal.cases.models import CaseKind, CaseState
from portal.extensions import db
from portal.staff import bp
from portal.staff.labels import CHANNEL_LABELS
from portal.staff.permissions import Action, can, requires

KIND_LABELS: Mapping[str, str] = {
    CaseKind.ACCESS: "Access request",
    CaseKind.OBJECTION: "Objection",
    CaseKind.CORRECTION: "Correction request",
    CaseKind.RESTRICTION: "Restriction request",
    CaseKind.DELETION: "Deletion request",
}
STATE_LABELS: Mapping[str, str] = {
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
STATE_TAG_CLASSES: Mapping[str, str] = {
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
DUE_LABELS: Mapping[str, str] = {
    case_queue.DueWindow.OVERDUE: "Overdue",
    case_queue.DueWindow.SOON: "Due within 5 working days",
    case_queue.DueWindow.LATER: "Due later",
    case_queue.DueWindow.NONE: "No due date yet",
}


# Built once (its cache key is worked out once): staff who can hold cases, by name, with
# the team each is in.
_CASE_STAFF = (
    select(StaffUser.id, StaffUser.name, Team.id, Team.name)
    .outerjoin(Team, Team.id == StaffUser.team_id)
    .where(StaffUser.role.in_([str(Role.CASEWORKER), str(Role.REVIEWER)]))
    .order_by(StaffUser.name, StaffUser.id)
)


@dataclass(frozen=True)
class CaseStaff:
    """Staff who can hold cases, for the assignee filter and names in the table: their
    actor strings ("staff:12") and names, in order of name; and the teams they are in
    (by id, as text), with their names and members."""

    names: dict[str, str]
    team_names: dict[str, str]
    team_members: dict[str, tuple[str, ...]]


def case_staff() -> CaseStaff:
    rows = db.session.connection().execute(_CASE_STAFF).all()  # plain rows: no ORM step
    names: dict[str, str] = {}
    team_names: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for staff_id, name, team_id, team_name in rows:
        actor = actor_for_id(staff_id)
        names[actor] = name
        if team_id is not None:
            team_names[str(team_id)] = team_name
            members.setdefault(str(team_id), []).append(actor)
    ordered = dict(sorted(team_names.items(), key=lambda item: item[1]))
    return CaseStaff(names, ordered, {team: tuple(m) for team, m in members.items()})


def case_staff_names() -> dict[str, str]:
    """Staff who can hold cases, by actor string, in order of name."""
    return case_staff().names


@lru_cache(maxsize=4096)
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


@lru_cache(maxsize=4096)
def short_date(day: date) -> str:
    """ "3 Feb 2026": the same few hundred dates come back on every page."""
    return day.strftime("%-d %b %Y")


def table_rows(
    rows: Sequence[case_queue.QueueRow],
    *,
    today: date,
    names: Mapping[str, str],
    selectable: bool = False,
) -> Markup:
    """The table's body rows, each case as the caseworker reads it, as GOV.UK Frontend's
    table and tag draw them; with a small checkbox first if `selectable` (its label read by
    screen readers only, "Select TF-…"), to assign several cases at once. The checkboxes
    reveal nothing, so GOV.UK Frontend's CSS alone draws them: no data-module, and a
    browser does not start fifty copies of the checkboxes script.

    Written out here, not in the template: Jinja's look-up and escape per value, fifty rows
    a page, cost more than the rest of the page (issue 17 point 2). What anyone typed or
    the database holds is escaped (html.escape: the same text on screen as Jinja's escape,
    at half the cost); the labels and tags are the portal's own words, escaped once
    (_KIND_CELLS, _STATE_CELLS)."""
    holders = {actor: html.escape(name) for actor, name in names.items()}
    return Markup(  # noqa: S704  (each value escaped as the row is drawn)
        "".join([_row(row, today, holders, selectable) for row in rows])
    )


def _row(
    row: case_queue.QueueRow, today: date, holders: Mapping[str, str], selectable: bool
) -> str:
    reference = html.escape(row.reference)
    select = (
        '<td class="govuk-table__cell"><div class="govuk-checkboxes govuk-checkboxes--small">'
        '<div class="govuk-checkboxes__item">'
        f'<input class="govuk-checkboxes__input" id="select-{reference}" name="case" '
        f'type="checkbox" value="{reference}" form="assign-cases">'
        f'<label class="govuk-label govuk-checkboxes__label" for="select-{reference}">'
        f'<span class="govuk-visually-hidden">Select {reference}</span></label></div></div></td>\n'
        if selectable
        else ""
    )
    subject = html.escape(row.subject_name)
    asked_by = (
        f'<br><span class="govuk-body-s">Asked by {html.escape(row.requester_name)}</span>'
        if row.requester_name != row.subject_name
        else ""
    )
    due_on = row.due_on
    left = due_text(today, due_on)
    if due_on is None:
        due = f'<span class="govuk-body-s">{left}</span>'
    elif due_on < today and row.state not in CLOSED:
        due = f'{short_date(due_on)}<br><strong class="govuk-tag govuk-tag--red">{left}</strong>'
    else:
        due = f'{short_date(due_on)}<br><span class="govuk-body-s">{left}</span>'
    assignee = row.assignee
    holder = (holders.get(assignee) or html.escape(assignee)) if assignee else "Unassigned"
    kind = _KIND_CELLS.get(row.kind) or html.escape(row.kind)
    state = _STATE_CELLS.get(row.state) or _state_cell(row.state)
    return (
        f'<tr class="govuk-table__row">\n{select}'
        f'<td class="govuk-table__cell"><a class="govuk-link" href="/staff/cases/{reference}">'
        f'{reference}</a><br><span class="govuk-body-s">{kind}</span></td>\n'
        f'<td class="govuk-table__cell">{subject}{asked_by}</td>\n'
        f"{state}"
        f'<td class="govuk-table__cell">{short_date(row.received_on)}</td>\n'
        f'<td class="govuk-table__cell">{due}</td>\n'
        f'<td class="govuk-table__cell">{holder}</td>\n'
        "</tr>\n"
    )


def _state_cell(state: str) -> str:
    tag = STATE_TAG_CLASSES.get(state, "govuk-tag--grey")
    label = html.escape(STATE_LABELS.get(state, state))
    return f'<td class="govuk-table__cell"><strong class="govuk-tag {tag}">{label}</strong></td>\n'


_KIND_CELLS: Mapping[str, str] = {kind: html.escape(label) for kind, label in KIND_LABELS.items()}
_STATE_CELLS: Mapping[str, str] = {state: _state_cell(state) for state in STATE_LABELS}


CLOSED = frozenset(str(state) for state in case_queue.CLOSED_STATES)


class SelectedFilter(NamedTuple):
    category: str  # the filter's heading ("Status", "Team")
    text: str
    href: str  # the queue without this filter


FILTER_HEADINGS: Mapping[str, str] = {
    "q": "Search",
    "due": "Due",
    "state": "Status",
    "kind": "Type",
    "team": "Team",
    "assignee": "Assigned to",
    "channel": "Received by",
    "hub": "Early Help Hub",
}


@lru_cache(maxsize=256)
def _filter_panel(
    jinja_env: Environment,
    path: str,
    filters: case_queue.QueueFilters,
    selected: tuple[SelectedFilter, ...],
    assignee_names: tuple[tuple[str, str], ...],
    hub_names: tuple[tuple[str, str], ...],
    team_names: tuple[tuple[str, str], ...] = (),
) -> Markup:
    template = jinja_env.get_template("staff/_queue_filters.html")
    return Markup(  # noqa: S704  (a template's output, escaped as it was drawn)
        template.render(
            path=path,
            filters=filters,
            selected=selected,
            due_labels=DUE_LABELS,
            state_labels=STATE_LABELS,
            kind_labels=KIND_LABELS,
            assignee_names=dict(assignee_names),
            channel_labels=CHANNEL_LABELS,
            hub_names=dict(hub_names),
            team_names=dict(team_names),
            default_states=case_queue.OPEN_STATES,
        )
    )


def filter_panel(
    filters: case_queue.QueueFilters,
    selected: tuple[SelectedFilter, ...],
    assignee_names: Mapping[str, str],
    hub_names: Mapping[str, str],
    team_names: Mapping[str, str] | None = None,
) -> Markup:
    """The filter form. It depends on nothing else, so it is drawn once for each set of
    filters and kept (a new member of staff or a changed profile makes a new key); except
    with a search, so that nothing anyone typed stays in memory."""
    draw = _filter_panel if not filters.search else _filter_panel.__wrapped__
    return draw(
        current_app.jinja_env,
        request.path,
        filters,
        selected,
        tuple(assignee_names.items()),
        tuple(hub_names.items()),
        tuple((team_names or {}).items()),
    )


def _without(args: list[tuple[str, str]], name: str, value: str) -> str:
    remaining = [(k, v) for k, v in args if not (k == name and v == value) and k != "after"]
    return "?" + urlencode(remaining) if remaining else "?"


@bp.get("/queue")
@requires(Action.VIEW_CASES)
def queue() -> str:
    council = current_app.extensions["council"]
    staff = case_staff()
    names = staff.names
    # The hubs the council profile names: cases record only those (the signposting links
    # and staff intake check the slug), so no query over every case lists them. A hub
    # since taken out of the profile is no longer offered as a filter.
    hub_names = {hub.slug: hub.name.english for hub in council.hubs}
    team_names = staff.team_names
    filters = case_queue.parse_filters(
        request.args, hub_sources=hub_names, assignees=names, teams=staff.team_members
    )
    after = case_queue.Cursor.decode(request.args.get("after"))
    today = clock.london_today()
    page = case_queue.queue_page(db.session, filters, today=today, after=after)
    can_assign = can(current_user, Action.WORK_ON_CASE)

    # The filters as chosen, for "next page" and for the "remove this filter" tags.
    chosen: list[tuple[str, str]] = [
        *(("kind", str(v)) for v in filters.kinds),
        *(("state", str(v)) for v in filters.states if filters.states != case_queue.OPEN_STATES),
        *(("team", v) for v in filters.teams),
        *(("assignee", v) for v in filters.assignees),
        *(("channel", str(v)) for v in filters.channels),
        *(("hub", v) for v in filters.hub_sources),
        *([("due", str(filters.due))] if filters.due else []),
        *([("q", filters.search)] if filters.search else []),
        *(
            [("order", str(filters.order))]
            if filters.order is not case_queue.QueueOrder.DUE
            else []
        ),
    ]
    labels: dict[str, Mapping[str, str]] = {
        "kind": KIND_LABELS,
        "state": STATE_LABELS,
        "team": team_names,
        "assignee": {case_queue.UNASSIGNED: "Unassigned", **names},
        "channel": CHANNEL_LABELS,
        "hub": hub_names,
        "due": DUE_LABELS,
    }
    selected = tuple(
        SelectedFilter(
            FILTER_HEADINGS[name],
            labels[name].get(value, value) if name in labels else f"“{value}”",
            request.path + _without(chosen, name, value),
        )
        for name, value in chosen
        if name != "order"  # the sort is shown on the table's headings, not as a filter
    )
    unsorted = [(name, value) for name, value in chosen if name != "order"]

    def sorted_by(order: case_queue.QueueOrder) -> str:
        wanted = unsorted if order is case_queue.QueueOrder.DUE else [*unsorted, ("order", order)]
        return request.path + ("?" + urlencode(wanted) if wanted else "")

    next_url = None
    if page.next_cursor is not None:
        next_url = request.path + "?" + urlencode([*chosen, ("after", page.next_cursor.encode())])
    return render_template(
        "staff/queue.html",
        waiting_reviews=internal_reviews.waiting_reviews(db.session) if after is None else [],
        review_today=today,
        filters=filters,
        filter_panel=filter_panel(filters, selected, labels["assignee"], hub_names, team_names),
        rows=table_rows(page.rows, today=today, names=names, selectable=can_assign),
        can_assign=can_assign,
        assign_to=names,
        back=request.full_path.rstrip("?"),
        my_cases=f"{request.path}?assignee=staff:{current_user.id}",
        order=str(filters.order),
        by_due=sorted_by(case_queue.QueueOrder.DUE),
        by_received=sorted_by(
            case_queue.QueueOrder.OLDEST
            if filters.order is case_queue.QueueOrder.NEWEST
            else case_queue.QueueOrder.NEWEST
        ),
        selected=selected,
        next_url=next_url,
        first_url=request.path + ("?" + urlencode(chosen) if chosen else ""),
        is_later_page=after is not None,
        kind_labels=KIND_LABELS,
        default_states=case_queue.OPEN_STATES,
    )
