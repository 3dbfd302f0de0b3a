"""The requests to restrict (C14, UK GDPR Art 18) and to delete (C15, Art 17) with the
keyboard alone, right to left: in Sorani and in Urdu, from the start page to the
confirmation. Every control is reached with Tab, shows GOV.UK's focus indicator, and is
worked with Space, the arrow keys and Enter (WCAG 2.1.1, 2.4.7)."""

from __future__ import annotations

from tests.browser.journey_steps import (
    CONTINUE,
    REFERENCE,
    START_NOW,
    assert_focus_visible,
    press_enter_on,
    tab_to,
)
from tests.browser.test_request_journeys import SEND, assert_language, normalised


def person_by_keyboard(page, base: str, locale: str, first_step: str) -> None:
    """Who, name, date of birth, address and contact, typed; on to `first_step`."""
    press_enter_on(page, START_NOW, f"{base}/who")
    tab_to(page, 'input[name="acting_for"]')
    page.keyboard.press("Space")
    assert page.is_checked('input[name="acting_for"][value="myself"]')
    press_enter_on(page, CONTINUE, f"{base}/name")
    tab_to(page, "#full_name")
    page.keyboard.type("Ayesha Khan")
    press_enter_on(page, CONTINUE, f"{base}/date-of-birth")
    tab_to(page, "#date_of_birth-day")
    for part in ("3", "11", "1979"):
        page.keyboard.type(part)
        page.keyboard.press("Tab")
    press_enter_on(page, CONTINUE, f"{base}/address")
    tab_to(page, "#address")
    page.keyboard.type("4 Northgate\nWakefield")
    tab_to(page, "#postcode")
    page.keyboard.type("WF1 3BJ")
    press_enter_on(page, CONTINUE, f"{base}/contact")
    assert_language(page, locale, "rtl")
    tab_to(page, "#email")
    page.keyboard.type("ayesha@example.com")
    press_enter_on(page, CONTINUE, f"{base}/{first_step}")


def radio_by_keyboard(page, name: str, value: str, presses: int) -> None:
    """Tab to the radios, Space on the first, ArrowDown `presses` times to `value`."""
    tab_to(page, f'input[name="{name}"]')
    assert_focus_visible(page)
    page.keyboard.press("Space")
    for _ in range(presses):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f'input[name="{name}"][value="{value}"]')


def text_by_keyboard(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    assert_focus_visible(page)
    page.keyboard.type(text)


def identity_and_send(page, base: str, locale: str) -> str:
    """Proof at a hub, the declaration, check your answers, send: the reference."""
    tab_to(page, 'input[name="how"]')
    page.keyboard.press("ArrowDown")
    assert page.is_checked('input[name="how"][value="hub"]')
    press_enter_on(page, CONTINUE, f"{base}/declaration")
    tab_to(page, "#confirm")
    page.keyboard.press("Space")
    press_enter_on(page, CONTINUE, f"{base}/check")
    assert_language(page, locale, "rtl")
    summary = normalised(page.inner_text(".govuk-summary-list"))
    assert "Ayesha Khan" in summary and "WF1 3BJ" in summary, summary
    press_enter_on(page, SEND, f"{base}/sent")
    assert_language(page, locale, "rtl")
    return REFERENCE.search(page.inner_text(".govuk-panel--confirmation")).group(0)


def test_a_request_to_restrict_in_sorani_by_keyboard(page, live_server, request_log):
    locale = "ckb"
    base = f"{live_server}/{locale}/restrict"
    page.goto(base)
    assert_language(page, locale, "rtl")
    person_by_keyboard(page, base, locale, "processing")
    tab_to(page, 'input[name="processing"][value="local_research"]')
    assert_focus_visible(page)
    page.keyboard.press("Space")
    press_enter_on(page, CONTINUE, f"{base}/grounds")
    assert_language(page, locale, "rtl")
    radio_by_keyboard(page, "ground", "accuracy", 0)
    press_enter_on(page, CONTINUE, f"{base}/why")
    text_by_keyboard(page, "#why", "The record says my son was excluded. He never was.")
    press_enter_on(page, CONTINUE, f"{base}/recipients")
    radio_by_keyboard(page, "tell_me", "yes", 0)
    press_enter_on(page, CONTINUE, f"{base}/identity")
    assert identity_and_send(page, base, locale)
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()


def test_a_request_to_delete_in_urdu_by_keyboard(page, live_server, request_log):
    locale = "ur"
    base = f"{live_server}/{locale}/delete"
    page.goto(base)
    assert_language(page, locale, "rtl")
    person_by_keyboard(page, base, locale, "delete-what")
    text_by_keyboard(page, "#what", "The notes of the 2019 referral.")
    press_enter_on(page, CONTINUE, f"{base}/grounds")
    assert_language(page, locale, "rtl")
    radio_by_keyboard(page, "ground", "unlawful", 2)
    press_enter_on(page, CONTINUE, f"{base}/why")
    text_by_keyboard(page, "#why", "The referral was closed in 2019.")
    press_enter_on(page, CONTINUE, f"{base}/recipients")
    radio_by_keyboard(page, "tell_me", "no", 1)
    press_enter_on(page, CONTINUE, f"{base}/identity")
    assert identity_and_send(page, base, locale)
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()
