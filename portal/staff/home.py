"""The staff home page: where signing in lands. Case staff see the workload at a glance."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user

from portal.cases import department_requests, workload
from portal.cases import queue as case_queue
from portal.cases.clock import london_today
from portal.extensions import db
from portal.staff import bp
from portal.staff.department_requests import redirect_department_contact
from portal.staff.permissions import Action, can, requires
from portal.staff.queue_views import STATE_LABELS, case_staff


@bp.get("/")
@requires(Action.USE_WORKSPACE)
def dashboard() -> Any:
    landing = redirect_department_contact()
    if landing is not None:
        return landing
    figures = None
    people: list[workload.PersonWorkload] = []
    names: dict[str, str] = {}
    team_of: dict[str, str] = {}
    searches: list = []
    if can(current_user, Action.VIEW_CASES):
        searches = list(department_requests.outstanding_requests(db.session))
        today = london_today()
        figures = case_queue.dashboard_figures(db.session, today=today)
        people = workload.workload(db.session, today=today)
        staff = case_staff()
        names = staff.names
        team_of = {
            member: staff.team_names[team]
            for team, members in staff.team_members.items()
            for member in members
        }
    return render_template(
        "staff/dashboard.html",
        figures=figures,
        people=people,
        names=names,
        team_of=team_of,
        state_labels=STATE_LABELS,
        due_soon_days=case_queue.DUE_SOON_WORKING_DAYS,
        searches=searches,
        today=london_today(),
    )
