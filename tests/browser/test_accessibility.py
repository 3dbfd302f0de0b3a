"""WCAG 2.2 AA in a real browser: axe-core on every public page in every language,
reflow at 320 CSS px, and keyboard use (skip link, visible focus)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import RequestLog, describe_violations, run_axe
from tests.browser.pages import offered_locales, open_public_page, public_pages

pytestmark = pytest.mark.sweep

PAGES = public_pages()
NOTICE_PAGES = [page for page in PAGES if page.endpoint == "public.notice"]
FOCUS_YELLOW = "rgb(255, 221, 0)"  # GOV.UK $govuk-focus-colour, #ffdd00


def test_the_sweep_covers_every_shipped_page():
    """Guards the URL-map reading: at least the pages the portal ships today are swept."""
    paths = {page.path for page in PAGES}
    for locale in ("en", "pl", "ro", "ur", "lt", "lv", "ckb"):
        assert locale in offered_locales()
        for path in ("/", "/accessibility", "/cookies", "/no-such-page"):
            assert f"/{locale}{path}" in paths
    assert "/en/easy-read" in paths
    assert not any(path.endswith(".pdf") for path in paths)


@pytest.mark.parametrize("public_page", PAGES, ids=lambda p: p.id)
def test_page_has_no_axe_violations(page, live_server, axe_source, request_log, public_page):
    open_public_page(page, live_server, public_page)
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(public_page.path, violations)
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()


def test_axe_reports_a_planted_violation(page, live_server, axe_source):
    """Proves axe really runs under the page's CSP: an image without alt text is caught."""
    page.goto(live_server + "/en/cookies")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            document.getElementById("main-content").append(img);
        }"""
    )
    violations = run_axe(page, axe_source)
    assert [v["id"] for v in violations] == ["image-alt"], violations
    assert "image-alt" in describe_violations("/en/cookies", violations)


@pytest.fixture(scope="module")
def narrow_page(browser):
    """One 320 x 640 page for the whole reflow sweep: a fresh context per page costs
    more than the check itself, and layout does not depend on what was loaded before."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))
    try:
        yield context.new_page(), log
    finally:
        context.close()


@pytest.mark.parametrize("public_page", PAGES, ids=lambda p: p.id)
def test_page_reflows_at_320_css_pixels(narrow_page, live_server, public_page):
    """WCAG 1.4.10: no horizontal scrolling at 320 CSS px wide."""
    page, request_log = narrow_page
    request_log.urls.clear()
    open_public_page(page, live_server, public_page)
    sizes = page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            // The deepest elements that stick out, to say what to fix.
            overflowing: [...document.querySelectorAll("body *")]
                .filter(el => {
                    const r = el.getBoundingClientRect();
                    return r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5)
                        && ![...el.children].some(c => {
                            const cr = c.getBoundingClientRect();
                            return cr.right > window.innerWidth + 0.5 || cr.left < -0.5;
                        });
                })
                .slice(0, 10)
                .map(el => {
                    const r = el.getBoundingClientRect();
                    const where = `[${Math.round(r.left)}..${Math.round(r.right)}]`;
                    return `${el.outerHTML.slice(0, 120)} ${where}`;
                }),
        })"""
    )
    assert sizes["innerWidth"] == 320
    assert sizes["scrollWidth"] <= sizes["innerWidth"], (
        f"{public_page.path} scrolls sideways at 320px: scrollWidth={sizes['scrollWidth']}; "
        f"sticking out: {sizes['overflowing']}"
    )
    request_log.assert_same_origin(live_server)


FOCUS_STYLE_JS = """el => {
    const s = getComputedStyle(el);
    return {
        outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
        outlineStyle: s.outlineStyle,
        outlineWidth: parseFloat(s.outlineWidth) || 0,
        outlineColor: s.outlineColor,
        boxShadow: s.boxShadow,
        background: s.backgroundColor,
    };
}"""


def _transparent(colour: str) -> bool:
    """True for "transparent" and for rgba() colours with zero alpha."""
    if colour == "transparent":
        return True
    parts = colour.replace(" ", "").removeprefix("rgba(").removesuffix(")").split(",")
    return colour.startswith("rgba(") and len(parts) == 4 and float(parts[3]) == 0


def shows_focus(unfocused: dict, focused: dict) -> bool:
    """A focus indicator someone can see: a new box-shadow, background or solid outline.

    GOV.UK's 3px transparent outline is for forced-colours mode only, so it does not count.
    """
    if focused["boxShadow"] != "none" and focused["boxShadow"] != unfocused["boxShadow"]:
        return True
    if focused["background"] != unfocused["background"] and not _transparent(focused["background"]):
        return True
    return (
        focused["outlineStyle"] != "none"
        and focused["outlineWidth"] >= 2
        and not _transparent(focused["outlineColor"])
        and focused["outline"] != unfocused["outline"]
    )


ACTIVE_ELEMENT_JS = """() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(), id: el.id, className: String(el.className || ""),
        html: el.outerHTML.slice(0, 150), index: el.dataset.focusIndex ?? null,
        inMain: !!document.getElementById("main-content")?.contains(el) && el.id !== "main-content",
        box: {x: r.x, y: r.y, width: r.width, height: r.height},
        viewport: {width: window.innerWidth, height: window.innerHeight},
        style: (FOCUS_STYLE)(el),
    };
}""".replace("FOCUS_STYLE", FOCUS_STYLE_JS)


def active_element(page) -> dict:
    """What has focus, where it is, and how it looks."""
    return page.evaluate(ACTIVE_ELEMENT_JS)


@pytest.mark.parametrize("public_page", NOTICE_PAGES, ids=lambda p: p.id)
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    page, live_server, request_log, public_page
):
    open_public_page(page, live_server, public_page)

    page.keyboard.press("Tab")
    focused = active_element(page)
    assert "govuk-skip-link" in focused["className"], f"first Tab focused {focused['html']}"
    box, viewport = focused["box"], focused["viewport"]
    assert box["width"] > 0 and box["height"] > 0, f"focused skip link is invisible: {box}"
    assert box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"
    assert box["x"] + box["width"] <= viewport["width"], f"focused skip link is off screen: {box}"
    assert box["y"] + box["height"] <= viewport["height"], f"focused skip link is off screen: {box}"

    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'main-content'", timeout=3000
    )
    assert page.evaluate("document.activeElement.tagName") == "MAIN"

    # The next Tab continues from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    after = active_element(page)
    assert after["inMain"], f"Tab after the skip link went to {after['html']}"
    request_log.assert_same_origin(live_server)


@pytest.mark.parametrize("public_page", NOTICE_PAGES, ids=lambda p: p.id)
def test_every_tab_stop_shows_a_visible_focus_indicator(page, live_server, public_page):
    """WCAG 2.4.7: tab through the whole page; each stop must look different when focused."""
    open_public_page(page, live_server, public_page)
    unfocused = page.evaluate(
        """() => {
            const style = FOCUS_STYLE;
            const focusable = document.querySelectorAll(
                "a[href], button, input, select, textarea, summary, "
                + "[tabindex]:not([tabindex='-1'])");
            return [...focusable].map((el, i) => {
                el.dataset.focusIndex = String(i);
                return style(el);
            });
        }""".replace("FOCUS_STYLE", FOCUS_STYLE_JS)
    )
    assert unfocused, "nothing on the page can take focus"

    stops, problems, seen = [], [], set()
    for _ in range(len(unfocused) + 5):
        page.keyboard.press("Tab")
        focused = active_element(page)
        if focused["tag"] == "body" or focused["index"] in seen:
            break  # focus left the page, or came round again
        assert focused["index"] is not None, (
            f"focus went to an element not in the focus order: {focused['html']}"
        )
        seen.add(focused["index"])
        style = focused["style"]
        stops.append((focused, style))
        if not shows_focus(unfocused[int(focused["index"])], style):
            problems.append(
                f"{focused['html']}: unfocused {unfocused[int(focused['index'])]}, focused {style}"
            )

    assert len(stops) >= 5, f"only {len(stops)} tab stops on {public_page.path}"
    assert not problems, "no visible focus indicator on:\n" + "\n".join(problems)

    # GOV.UK links: yellow background and a box-shadow underline when focused.
    link_styles = [
        style for focused, style in stops if "govuk-link" in focused["className"].split()
    ]
    assert link_styles, "no .govuk-link in the tab order"
    for style in link_styles:
        assert style["background"] == FOCUS_YELLOW, style
        assert style["boxShadow"] != "none", style
    link_indexes = [int(f["index"]) for f, _ in stops if "govuk-link" in f["className"].split()]
    assert all(unfocused[i]["background"] != FOCUS_YELLOW for i in link_indexes)
