"""Teams of staff, for administrators (issue 19 point 2): make a team, then tick who is in
it. The queue then filters by team and the dashboard shows who is in which team.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts import teams
from portal.accounts.models import StaffUser, Team
from portal.extensions import db
from portal.staff import bp
from portal.staff.permissions import Action, requires


def _team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    return team


@bp.route("/admin/teams", methods=["GET", "POST"])
@requires(Action.MANAGE_STAFF)
def admin_teams() -> Any:
    error = ""
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            team = teams.create_team(db.session, name, actor=current_user._get_current_object())
        except teams.TeamError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash(f"Team {team.name} made: now choose who is in it")
            return redirect(url_for("staff.admin_team", team_id=team.id), code=303)
    counts = teams.member_counts(db.session)
    page = render_template(
        "staff/admin/teams.html",
        teams=[(team, counts.get(team.id, 0)) for team in teams.teams(db.session)],
        error=error,
        name=name,
    )
    return page, 400 if error else 200


@bp.route("/admin/teams/<int:team_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_STAFF)
def admin_team(team_id: int) -> Any:
    team = _team(team_id)
    if request.method == "POST":
        chosen = [int(v) for v in request.form.getlist("member") if v.isascii() and v.isdigit()]
        try:
            joined, left = teams.set_members(
                db.session, team, chosen, actor=current_user._get_current_object()
            )
        except teams.TeamError as refused:
            db.session.rollback()
            flash(str(refused))
        else:
            flash(f"{team.name}: {len(joined)} joined, {len(left)} left")
        return redirect(url_for("staff.admin_team", team_id=team.id), code=303)
    staff = db.session.scalars(
        select(StaffUser).where(StaffUser.disabled_at.is_(None)).order_by(StaffUser.name)
    ).all()
    names = {t.id: t.name for t in teams.teams(db.session)}
    return render_template("staff/admin/team.html", team=team, staff=staff, team_names=names)
