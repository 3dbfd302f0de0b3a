"""Resident pages: one blueprint, every URL under a shipped locale (/pl/...)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, request, url_for

from portal.i18n import LANGUAGES, best_locale_for, translation_review

bp = Blueprint("public", __name__, url_prefix="/<locale>")
root = Blueprint("root", __name__)


@bp.url_value_preprocessor
def pull_locale(endpoint, values):
    locale = (values or {}).pop("locale", None)
    if locale not in current_app.extensions["council"].languages:
        abort(404)
    g.locale = locale


@bp.url_defaults
def add_locale(endpoint, values):
    if "locale" not in values and "locale" in g:
        values["locale"] = g.locale


@root.get("/")
def choose_language():
    """Send the visitor to the notice in the best language their browser asks for."""
    locale = best_locale_for(request.accept_languages, current_app.extensions["council"].languages)
    response = redirect(url_for("public.notice", locale=locale), 302)
    response.vary.add("Accept-Language")
    return response


def page_context() -> dict:
    """What every page needs to draw its header, language switcher and footer."""
    from portal.i18n import select_locale

    council = current_app.extensions["council"]
    locale = select_locale()
    return {
        "council": council,
        "locale": locale,
        "language": LANGUAGES[locale],
        "offered_languages": [LANGUAGES[code] for code in council.languages],
        "review": translation_review(locale),
    }


from portal.public import (  # noqa: E402,F401  (routes register on import)
    eligibility,
    hubs,
    journeys,
    notice,
    pages,
    tracking,
    tracking_review,
)
from portal.public.signposting import remember_hub_from_query  # noqa: E402

bp.before_request(remember_hub_from_query)
