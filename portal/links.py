"""Absolute links for print and for copying: built from the configured public base URL."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_link(endpoint: str, **values: Any) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


def signposting_link(slug: str, locale: str) -> str:
    """The link a hub hands out: opens its page in a language and remembers the hub."""
    return absolute_link("public.hub_start", slug=slug, locale=locale)
