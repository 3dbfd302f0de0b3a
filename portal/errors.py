"""Council-branded error pages in the visitor's language."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404:
            return render_template("errors/404.html"), 404
        if error.code == 405:
            return render_template("errors/404.html"), 405
        if error.code is not None and error.code >= 500:
            return render_template("errors/500.html"), error.code
        return render_template("errors/generic.html", error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        return render_template("errors/500.html"), InternalServerError.code
