"""Pages every public sector site must have: accessibility statement and cookies."""

from __future__ import annotations

from flask import render_template

from portal.notices import current_release
from portal.page_cache import cached_page
from portal.public import bp


@bp.get("/accessibility")
def accessibility():
    return cached_page(
        lambda: render_template("public/accessibility.html", release=current_release())
    )


@bp.get("/cookies")
def cookies():
    return cached_page(lambda: render_template("public/cookies.html"))
