"""'Could Early Help support your family?': a check that stores nothing and sets no cookie."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _

from portal.forms.public import CRITERIA, EligibilityAnswers
from portal.page_cache import cached_page
from portal.public import bp

# The programme supports families facing two or more of the six difficulties.
CRITERIA_NEEDED = 2


def criteria_items(criteria, chosen):
    return [
        {"value": value, "text": label, "hint": {"text": hint}, "checked": value in chosen}
        for value, label, hint in criteria
    ]


def area_items(hubs, selected):
    first = {"value": "", "text": _("I'm not sure"), "selected": not selected}
    return [first] + [
        {"value": hub.slug, "text": hub.area, "selected": hub.slug == selected} for hub in hubs
    ]


def _answers(council) -> EligibilityAnswers:
    return EligibilityAnswers.from_query(request.args, hub_slugs=[hub.slug for hub in council.hubs])


def _page_key(answers: EligibilityAnswers) -> str:
    """The page depends on the URL's path and the answers read from its query, nothing
    else: one cached copy per (locale, page, answers); a bounded set, whatever the query."""
    return f"{request.path}?{','.join(sorted(answers.criteria))}&{answers.area or ''}"


@bp.get("/early-help-check")
def eligibility_check():
    council = current_app.extensions["council"]
    answers = _answers(council)
    return cached_page(
        lambda: render_template(
            "public/eligibility/check.html",
            answers=answers,
            hubs=council.hubs,
            criteria=CRITERIA,
            criteria_items=criteria_items,
            area_items=area_items,
        ),
        key=_page_key(answers),
    )


@bp.get("/early-help-check/result")
def eligibility_result():
    council = current_app.extensions["council"]
    answers = _answers(council)
    chosen, area = answers.criteria, answers.area
    return cached_page(
        lambda: render_template(
            "public/eligibility/result.html",
            chosen=[(value, label) for value, label, _hint in CRITERIA if value in chosen],
            may_get_support=len(chosen) >= CRITERIA_NEEDED,
            nearest_hub=council.hub(area) if area else None,
            hubs=council.hubs,
        ),
        key=_page_key(answers),
    )
