"""Council-branded error pages in the visitor's language."""

from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_babel import format_time
from werkzeug.exceptions import HTTPException, InternalServerError


def too_many(error: HTTPException):
    """429 with Retry-After, and a page saying when (UK time) to try again.

    A flood of refused requests is answered from the page cache: the page depends only on
    the URL (language, switcher links) and the minute it names, so it is rendered once per
    minute rather than for every refusal (bench/abuse.py)."""
    from datetime import timedelta

    from portal.instants import utc_now
    from portal.page_cache import cached_page

    seconds = int(getattr(error, "retry_after_seconds", 60))
    when = format_time(utc_now() + timedelta(seconds=seconds + 59), "HH:mm")
    page = cached_page(
        lambda: render_template("errors/429.html", try_again_at=when),
        key=f"429 {request.path} {when}",
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404:
            return render_template("errors/404.html"), 404
        if error.code == 429:
            return too_many(error)
        if error.code == 405:
            return render_template("errors/404.html"), 405
        if error.code is not None and error.code >= 500:
            return render_template("errors/500.html"), error.code
        return render_template("errors/generic.html", error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        return render_template("errors/500.html"), InternalServerError.code
