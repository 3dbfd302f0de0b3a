"""The baseline for bench/pages.py: the cheapest Flask page gunicorn can serve.

Served under exactly the same gunicorn settings as the portal, so the ratio of the
portal's throughput to this one's shows what the portal itself costs (templates,
translations, security headers), not what gunicorn or Flask cost.
"""

from __future__ import annotations

from flask import Flask

PAGE = (
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    '<head><meta charset="utf-8"><title>Bare page</title></head>\n'
    "<body><h1>Bare page</h1><p>A small static page for the benchmark baseline.</p></body>\n"
    "</html>\n"
)


def create_app() -> Flask:
    """One route returning a small constant HTML page: no templates, no extensions."""
    app = Flask(__name__)

    @app.get("/")
    def bare() -> str:
        return PAGE

    return app


app = create_app()
