"""The privacy notice: layered page, Easy Read version and PDF download."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, url_for

from portal.documents.pdf import pdf_response, render_pdf
from portal.notices import current_release
from portal.page_cache import cached_page
from portal.public import bp


@bp.get("/")
def notice():
    return cached_page(lambda: render_template("public/notice.html", release=current_release()))


@bp.get("/easy-read")
def easy_read():
    """Easy Read is written in English only; other locales are sent to it in English."""
    if g.locale != "en":
        return redirect(url_for("public.easy_read", locale="en"), 302)
    return cached_page(
        lambda: render_template(
            "public/easy_read.html", release=current_release(), switcher_endpoint="public.notice"
        )
    )


@bp.get("/privacy-notice.pdf")
def notice_pdf():
    release = current_release()
    html = render_template("documents/notice.html", release=release)
    council = current_app.extensions["council"]
    filename = f"{council.short_name} privacy notice {release.version} {g.locale}.pdf"
    return pdf_response(render_pdf(html), filename, inline=False)
