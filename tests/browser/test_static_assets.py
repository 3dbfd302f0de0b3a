"""What Chromium does with the portal's static files: it gets them compressed, the modules
that portal.mjs imports load and run, and the next page asks the server for none of them.

Counted at the server: a wrapper in front of the app records each path it is asked for.
"""

from __future__ import annotations

import re

VERSIONED = re.compile(r"^/static/dist/[a-z0-9/_-]+\.[0-9a-f]{12}(\.[a-z0-9]+)+$")


def test_files_come_compressed_once_and_the_next_page_asks_for_none(app, serve, new_page):
    asked: list[str] = []

    def counting(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return app(environ, start_response)

    base = serve(counting)
    page = new_page(viewport={"width": 360, "height": 740})
    received: dict[str, dict[str, str]] = {}
    page.on(
        "response",
        lambda response: received.__setitem__(
            response.url.removeprefix(base), {"status": str(response.status), **response.headers}
        ),
    )
    page.goto(f"{base}/en/")
    page.wait_for_load_state("networkidle")

    static = {path: headers for path, headers in received.items() if path.startswith("/static/")}
    scripts = [path for path in static if path.endswith((".js", ".mjs"))]
    assert len(scripts) == 3, scripts  # portal.mjs, GOV.UK Frontend, the timeout warning
    for path, headers in static.items():
        assert VERSIONED.match(path), path
        assert headers["status"] == "200", path
        assert "immutable" in headers["cache-control"], path
        # Chromium asks for brotli from 127.0.0.1 (a secure context), as from any HTTPS site.
        assert headers.get("content-encoding") == "br", path
    # GOV.UK Frontend's initAll ran: the skip link is set up by its module.
    assert page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1

    asked.clear()
    page.goto(f"{base}/en/hubs")
    page.wait_for_load_state("networkidle")
    assert page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1
    assert asked == ["/en/hubs"], asked
