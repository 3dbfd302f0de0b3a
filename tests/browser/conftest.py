"""Fixtures for the real-browser tests: a live server, Debian's Chromium, a page per test.

Chromium comes from Debian (/usr/bin/chromium); `playwright install` is never used. One
browser serves the whole session; every test gets its own browser context, which records
each request it makes so that a test can prove nothing was fetched from another origin.

Tests marked `sweep` check what Chromium shows of page after page (axe-core, reflow, focus,
direction). What they check does not depend on the database engine, so they run on the
embedded database only: CI's PostgreSQL pass skips them, which keeps CI inside its time
limit. The journeys that store a request through the browser run on both engines, and the
functional tests render every page on both (tests/functional/staff/test_permissions.py
requests every staff route as every role).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.conftest import IN_CI, ON_POSTGRESQL

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Schemes that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about"}


SWEEP_SKIPPED = "a sweep of what Chromium shows, the same on any engine: run on SQLite"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if ON_POSTGRESQL and item.get_closest_marker("sweep"):
                item.add_marker(pytest.mark.skip(reason=SWEEP_SKIPPED))


class _QuietHandler(WSGIRequestHandler):
    """Keeps the server's access log out of the test output."""

    def log_request(self, code="-", size="-"):
        pass


class LiveServer:
    """A WSGI app served by werkzeug on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app) -> None:
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name=f"live-server-{self._server.server_port}",
            daemon=True,
        )

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """Base URL (no trailing slash) of the session app, served for real."""
    with LiveServer(app) as server:
        yield server.url


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """Serve another app for the rest of the session: `serve(app)` returns its base URL."""
    servers: list[LiveServer] = []

    def start(app) -> str:
        server = LiveServer(app).__enter__()
        servers.append(server)
        return server.url

    yield start
    for server in reversed(servers):
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser(live_server, serve):
    """One headless Chromium for the session.

    It depends on the servers so that it is closed first: closing it drops the
    keep-alive connections that the servers' threads would otherwise wait on.
    """
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package"
        if IN_CI:
            pytest.fail(f"{reason} (a missing browser in CI is a failure)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci`")
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class RequestLog:
    """Every request a browser context made, and every script error its pages raised."""

    urls: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def foreign(self, base_url: str) -> list[str]:
        """Requests that went anywhere other than the origin of base_url."""
        origin = _origin(base_url)
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in LOCAL_SCHEMES and _origin(url) != origin
        ]

    def assert_same_origin(self, base_url: str) -> None:
        assert self.urls, "the browser made no requests at all"
        foreign = self.foreign(base_url)
        assert not foreign, f"requests left {_origin(base_url)}: {foreign}"

    def assert_no_script_problems(self) -> None:
        assert not self.page_errors, f"uncaught script errors: {self.page_errors}"
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations}"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@pytest.fixture()
def request_log() -> RequestLog:
    return RequestLog()


@pytest.fixture()
def new_page(browser, request_log) -> Iterator[Callable]:
    """Factory: `new_page(**context_options)` opens a page in a fresh browser context.

    Every context records its requests (and script errors) into `request_log`, and is
    closed at the end of the test.
    """
    contexts = []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        context.on("request", lambda request: request_log.urls.append(request.url))
        page = context.new_page()
        page.on("pageerror", lambda error: request_log.page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                request_log.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in reversed(contexts):
        context.close()


@pytest.fixture()
def page(new_page):
    """A page in a new browser context with the default 1280 x 720 viewport."""
    return new_page()


def run_axe(page, axe_source: str) -> list[dict]:
    """Run axe-core against WCAG 2.0 to 2.2, A and AA; return the violations."""
    # page.evaluate runs through the DevTools protocol, which the page's CSP does not
    # govern; a <script> tag added to the page would be blocked by the CSP.
    page.evaluate(axe_source)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],  // skips the details of passes: much faster
            });
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(" "), summary: n.failureSummary, html: n.html,
                })),
            }));
        }""",
        AXE_TAGS,
    )


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} axe violation(s)"]
    for violation in violations:
        rule, impact, help_text = violation["id"], violation["impact"], violation["help"]
        lines.append(f"- {rule} ({impact}): {help_text} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
            summary = " ".join((node["summary"] or "").split())
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)
