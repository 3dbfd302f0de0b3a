"""Early Help Hubs: directory, a page per hub, signposting links, posters, links for hub workers."""

from __future__ import annotations

from urllib.parse import quote_plus

from flask import abort, current_app, g, redirect, render_template, url_for

from portal.documents.pdf import pdf_response
from portal.documents.posters import poster_pdf
from portal.i18n import LANGUAGES
from portal.links import signposting_link
from portal.page_cache import cached_page
from portal.public import bp
from portal.public.signposting import remember_hub


def _council():
    return current_app.extensions["council"]


def _hub_or_404(slug: str):
    hub = _council().hub(slug)
    if hub is None:
        abort(404)
    return hub


def map_link(hub) -> str:
    """A plain link to a map search for the hub's address (nothing embedded on our pages)."""
    return "https://www.openstreetmap.org/search?query=" + quote_plus(
        ", ".join(hub.contact.address)
    )


@bp.get("/hubs")
def hubs():
    return cached_page(lambda: render_template("public/hubs/index.html", hubs=_council().hubs))


@bp.get("/hubs/<slug>")
def hub(slug: str):
    hub = _hub_or_404(slug)
    return cached_page(
        lambda: render_template("public/hubs/hub.html", hub=hub, map_link=map_link(hub))
    )


@bp.get("/hubs/<slug>/start")
def hub_start(slug: str):
    """The link a hub hands out: remember the hub for this visit, then show its page."""
    hub = _hub_or_404(slug)
    remember_hub(hub.slug)
    return redirect(url_for("public.hub", slug=hub.slug), 303)


@bp.get("/hubs/<slug>/poster.pdf")
def hub_poster(slug: str):
    hub = _hub_or_404(slug)
    pdf = poster_pdf(hub, link=signposting_link(hub.slug, g.locale), locale=g.locale)
    return pdf_response(pdf, f"{hub.slug}-poster-{g.locale}.pdf")


@bp.get("/hubs/links")
def hub_links():
    """For hub workers: every hub's links and posters, in every language."""
    council = _council()

    def render() -> str:
        languages = [LANGUAGES[code] for code in council.languages]
        rows = [
            (
                hub,
                [(language, signposting_link(hub.slug, language.code)) for language in languages],
            )
            for hub in council.hubs
        ]
        return render_template("public/hubs/links.html", rows=rows)

    return cached_page(render)
