"""Signposting: remembering which Early Help Hub sent a resident, and nothing else.

A hub hands out a link (/pl/hubs/<slug>/start, or any page with ?from=<slug>). The hub's
slug is kept in the server-side session for the rest of the visit, so that a request
submitted later can record its source. No cookie is set for anyone who did not arrive
through such a link, nothing about the person is kept, and an unknown or malformed value
is ignored.
"""

from __future__ import annotations

from flask import current_app, request, session

from portal.council import SLUG_PATTERN

SESSION_KEY = "hub_source"


def known_hub_slug(value: object) -> str | None:
    """The value if it names a hub in the council profile; None for anything else."""
    if not isinstance(value, str) or not SLUG_PATTERN.match(value):
        return None
    return value if current_app.extensions["council"].hub(value) else None


def remember_hub(value: object) -> bool:
    """Keep a hub as the source of this visit. Returns whether it was a known hub."""
    slug = known_hub_slug(value)
    if slug is None:
        return False
    if session.get(SESSION_KEY) != slug:
        session[SESSION_KEY] = slug
    return True


def remember_hub_from_query() -> None:
    """Before each public page: honour ?from=<slug> when it names a known hub."""
    if "from" in request.args:
        remember_hub(request.args.get("from"))


def hub_source() -> str | None:
    """The slug of the hub that brought this resident here, if any (for request journeys)."""
    return known_hub_slug(session.get(SESSION_KEY))
