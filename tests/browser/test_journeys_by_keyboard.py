"""Keyboard-only use of the forms, and the notice on paper."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("locale", ["en", "ur", "ckb"])
def test_eligibility_check_can_be_done_with_the_keyboard_alone(page, live_server, locale):
    page.goto(f"{live_server}/{locale}/early-help-check")
    first_box = page.locator('input[name="criteria"]').first
    # Tab from the top until the first checkbox has focus; never use the mouse.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "criteria":
            break
    assert page.evaluate("document.activeElement.name") == "criteria"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert first_box.is_checked()
    assert page.locator('input[name="criteria"]:checked').count() == 2
    # on to the area select: choose the second option with the arrow key
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "area":
            break
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url("**/early-help-check/result?**")
    assert "criteria=crime" in page.url and "area=" in page.url
    assert page.locator(".govuk-panel--confirmation").count() == 1
    # and nothing was stored: no cookie at all
    assert page.context.cookies() == []


def test_notice_prints_without_navigation_or_language_switcher(page, live_server):
    page.goto(f"{live_server}/pl/")
    page.emulate_media(media="print")
    selectors = [".portal-language-switcher", ".govuk-footer", ".portal-notice-actions"]
    hidden = page.evaluate(
        "(selectors) => selectors.map(s => getComputedStyle(document.querySelector(s)).display)",
        [*selectors, ".govuk-skip-link"],
    )
    assert hidden == ["none", "none", "none", "none"]
    assert page.locator("#national-impact-study").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
