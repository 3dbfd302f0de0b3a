"""Pages every public sector site must have: accessibility statement and cookies."""

from __future__ import annotations

from flask import render_template

from portal.notices import current_release
from portal.public import bp


@bp.get("/accessibility")
def accessibility():
    return render_template("public/accessibility.html", release=current_release())


@bp.get("/cookies")
def cookies():
    return render_template("public/cookies.html")
