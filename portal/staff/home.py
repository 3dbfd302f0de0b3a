"""The staff home page: where signing in lands."""

from __future__ import annotations

from flask import render_template

from portal.staff import bp
from portal.staff.permissions import Action, requires


@bp.get("/")
@requires(Action.USE_WORKSPACE)
def dashboard():
    return render_template("staff/dashboard.html")
