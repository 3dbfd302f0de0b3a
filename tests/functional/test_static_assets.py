"""What a browser downloads besides the page: versioned, cached for good, compressed by the
portal itself (WhiteNoise serving the .br and .gz that `make css` built), nothing missing,
and little enough for a phone.

Each test reads what the pages link and what those files name in turn (ES module imports,
CSS url()), as a browser would.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser

import brotli
import pytest

from tests.conftest import get_page
from tests.functional.staff.conftest import make_account, sign_in
from tests.journeys import start

VERSIONED = re.compile(r"^/static/dist/[a-z0-9/_-]+\.[0-9a-f]{12}(\.[a-z0-9]+)+$")
FOREVER = "max-age=315360000, public, immutable"
MODULE_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
PUBLIC_PAGES = ("/en/", "/ur/", "/en/easy-read", "/en/get-a-copy", "/en/track", "/en/hubs")
BUDGET = 30 * 1024


class _AssetLinks(HTMLParser):
    """Every file the page makes the browser fetch: stylesheets, icons, scripts, pictures."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.descriptions: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") in ("stylesheet", "icon", "modulepreload"):
            self.urls.append(attributes["href"] or "")
        elif tag in ("script", "img") and attributes.get("src"):
            self.urls.append(attributes["src"] or "")
        elif tag == "meta" and attributes.get("name") == "description":
            self.descriptions.append(attributes.get("content"))


def links_of(html: str) -> _AssetLinks:
    parser = _AssetLinks()
    parser.feed(html)
    return parser


def resolve(base: str, reference: str) -> str:
    """A reference in a file at `base` (a /static/... path), as the browser resolves it."""
    if reference.startswith("/"):
        return reference
    folder = base.rsplit("/", 1)[0].split("/")
    for part in reference.split("/"):
        if part == "..":
            folder.pop()
        elif part != ".":
            folder.append(part)
    return "/".join(folder)


def fetch(client, url: str, encoding: str | None = None):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    response = client.get(url, headers=headers)
    body = response.get_data()
    response.close()
    return response, body


def crawl(client, page_urls: list[str], encoding: str | None = None) -> dict[str, tuple]:
    """Each file the pages load, directly or through imports and url(): url -> (response, body)."""
    seen: dict[str, tuple] = {}
    queue = list(page_urls)
    while queue:
        url = queue.pop()
        if url in seen or url.startswith("data:"):
            continue
        response, body = seen[url] = fetch(client, url, encoding)
        plain = _decoded(response, body)
        if url.endswith((".mjs", ".js")):
            queue += [resolve(url, ref) for ref in MODULE_IMPORT.findall(plain.decode())]
        elif url.endswith(".css"):
            queue += [resolve(url, ref) for ref in CSS_URL.findall(plain.decode("utf-8-sig"))]
    return seen


def _decoded(response, body: bytes) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


@pytest.fixture()
def staff_pages(app, client) -> list[str]:
    """The staff sign-in page's links, then a signed-in reviewer's dashboard and queue."""
    pages = [get_page(client, "/staff/sign-in", lang="en").html]
    sign_in(client, make_account(app, "reviewer"))
    pages += [get_page(client, url, lang="en").html for url in ("/staff/", "/staff/queue")]
    return pages


def _public_pages(client) -> list[str]:
    pages = [get_page(client, url).html for url in PUBLIC_PAGES]
    first_question = start(client, "en", "get-a-copy").location
    pages.append(get_page(client, first_question, lang="en").html)
    return pages


def test_every_file_public_and_staff_pages_load_is_versioned_and_found(client, staff_pages):
    """Pages, the modules they import and the pictures their stylesheets name: each under a
    name that changes with its content, each answering 200 (the crest GOV.UK Frontend's
    footer CSS names, and MOJ's document icon, were 404s)."""
    page_links = [u for html in _public_pages(client) + staff_pages for u in links_of(html).urls]
    assert any("/build/staff." in url for url in page_links)
    assert any("/images/easy-read/" in url for url in page_links)
    files = crawl(client, page_links)
    assert any("govuk-crest." in url for url in files)
    assert any("icon-document." in url for url in files)
    for url, (response, _body) in files.items():
        assert VERSIONED.match(url), f"not versioned: {url}"
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == FOREVER, url


def test_es_module_imports_are_versioned(client):
    """portal.mjs imports GOV.UK Frontend and the timeout warning by their versioned names,
    so neither is asked for again on the next visit."""
    [module] = [u for u in links_of(get_page(client, "/en/").html).urls if u.endswith(".mjs")]
    _response, body = fetch(client, module)
    imports = MODULE_IMPORT.findall(body.decode())
    assert [ref.split("/")[-1].split(".")[0] for ref in imports] == [
        "govuk-frontend",
        "timeout-warning",
    ]
    for reference in imports:
        url = resolve(module, reference)
        assert VERSIONED.match(url), reference
        response, _body = fetch(client, url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == FOREVER
        assert response.mimetype == "text/javascript"


@pytest.mark.parametrize(
    ("accept_encoding", "content_encoding"),
    [("br", "br"), ("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), (None, None)],
)
def test_the_browser_gets_the_compression_it_accepts(client, accept_encoding, content_encoding):
    links = links_of(get_page(client, "/en/").html).urls
    stylesheet = next(u for u in links if "/build/portal." in u)
    script = next(u for u in links if u.endswith(".mjs"))
    for url in (stylesheet, script):
        plain_response, plain = fetch(client, url)
        response, body = fetch(client, url, accept_encoding)
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == content_encoding, url
        assert response.headers["Vary"] == "Accept-Encoding"
        assert int(response.headers["Content-Length"]) == len(body)
        assert _decoded(response, body) == plain
        if content_encoding:
            assert len(body) < len(plain), url
        assert plain_response.headers.get("Content-Encoding") is None


def test_unversioned_addresses_are_revalidated(client):
    """The same files by their plain names (as a module imported without a version once was)
    must not be cached: a new build would never reach the browser."""
    for url in ("/static/build/portal.css", "/static/js/portal.mjs", "/static/images/favicon.svg"):
        response, _body = fetch(client, url, "br")
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-cache", url


def test_static_files_carry_the_security_headers(client):
    [favicon] = [u for u in links_of(get_page(client, "/en/").html).urls if "favicon" in u]
    response, _body = fetch(client, favicon)
    assert response.mimetype == "image/svg+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe" not in csp
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_phone_gets_at_most_30_kb_of_css_and_js_for_the_notice(client):
    """Every stylesheet and script /en/ loads (the print sheet too: browsers fetch it), and
    every module those import, counted as the bytes that cross the network."""
    page_links = links_of(get_page(client, "/en/").html).urls
    code = [u for u in page_links if u.endswith((".css", ".js", ".mjs"))]
    for encoding in ("br", "gzip"):
        files = crawl(client, code, encoding)
        sent = {url: len(body) for url, (_r, body) in files.items() if url.endswith(("css", "js"))}
        assert len(sent) == 5, sent  # portal.css, print.css, portal.mjs and its two imports
        assert sum(sent.values()) <= BUDGET, f"{encoding}: {sum(sent.values())} bytes {sent}"


def test_only_the_components_pages_use_are_compiled(client):
    """The GOV.UK Frontend components no page draws are not in the residents' stylesheet."""
    stylesheet = next(u for u in links_of(get_page(client, "/en/").html).urls if "portal." in u)
    _response, css = fetch(client, stylesheet)
    for drawn in (".govuk-radios__input", ".govuk-error-summary", ".govuk-footer__link"):
        assert drawn.encode() in css, drawn
    for unused in (".govuk-accordion", ".govuk-tabs", ".govuk-cookie-banner", ".govuk-header"):
        assert unused.encode() not in css, unused


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/lv/cookies", "/en/no-such-page"])
def test_public_pages_have_a_description(client, url):
    status = 404 if "no-such" in url else 200
    page = get_page(client, url, status=status)
    [description] = links_of(page.html).descriptions
    assert description and "Wakefield Council" in description
    assert len(description) <= 200
