"""Helpers for driving the request journeys in Chromium: keyboard moves, the focus
indicator, and valid answers for every question page filled in as a mouse user would."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

# The journeys' question pages, in order, for someone asking about themselves. The
# "you" page (about the requester) comes after "who" for anyone else.
PERSON_STEPS = ("who", "name", "date-of-birth", "address", "contact")
STEPS = {
    "get-a-copy": (*PERSON_STEPS, "identifiers", "what", "delivery", "identity", "declaration"),
    "object": (*PERSON_STEPS, "processing", "reasons", "restrict", "identity", "declaration"),
    # C13: a complaint asks who is complaining and how to reply, never for proof of identity.
    "complain": ("who", "name", "contact", "complaint", "earlier", "outcome"),
    "correct": (
        *PERSON_STEPS,
        "wrong",
        "should-say",
        "evidence",
        "recipients",
        "identity",
        "declaration",
    ),
    # C14, C15: requests to restrict (Art 18) and to delete (Art 17).
    "restrict": (
        *PERSON_STEPS,
        "processing",
        "grounds",
        "why",
        "recipients",
        "identity",
        "declaration",
    ),
    "delete": (
        *PERSON_STEPS,
        "delete-what",
        "grounds",
        "why",
        "recipients",
        "identity",
        "declaration",
    ),
}
# Pages whose fields are all optional: submitting them empty moves on.
ALL_OPTIONAL = {"identifiers", "earlier"}

# The journey form's own submit button (the identity page also has "Remove" buttons).
CONTINUE = "#main-content form button.govuk-button:not(.govuk-button--secondary)"
START_NOW = "#main-content a.govuk-button--start"
ERROR_SUMMARY = ".govuk-error-summary"
REFERENCE = re.compile(r"\bTF-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
FOCUS_YELLOW = "rgb(255, 221, 0)"  # GOV.UK $govuk-focus-colour


def steps_for(journey: str, acting_for: str = "myself") -> tuple[str, ...]:
    steps = STEPS[journey]
    if acting_for == "myself":
        return steps
    # Someone acting for another adult says on what authority, where proof of it is asked
    # for (a complaint asks for no proof, so not there).
    if acting_for == "someone_else" and "identity" in steps:
        return (steps[0], "you", "authority", *steps[1:])
    return (steps[0], "you", *steps[1:])


# --- Keyboard --------------------------------------------------------------------

DESCRIBE_ACTIVE_JS = """() => {
    const el = document.activeElement;
    return el ? el.outerHTML.slice(0, 160) : "(nothing)";
}"""


def tab_to(page, selector: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches selector."""
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        visited.append(page.evaluate(DESCRIBE_ACTIVE_JS))
    raise AssertionError(
        f"{key} x{limit} never reached {selector!r} on {page.url}; the last stops were:\n"
        + "\n".join(visited[-8:])
    )


def focused_value(page, prop: str = "value"):
    return page.evaluate("p => document.activeElement[p]", prop)


FOCUS_INDICATOR_JS = """(yellow) => {
    const el = document.activeElement;
    // GOV.UK radios and checkboxes hide the native control: the focus ring is drawn
    // around the label's ::before box.
    const custom = el.matches(".govuk-radios__input, .govuk-checkboxes__input");
    const shown = custom ? el.labels[0] : el;
    const s = getComputedStyle(shown, custom ? "::before" : null);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
        && s.outlineColor === yellow;
    const shadow = s.boxShadow !== "none" && s.boxShadow.includes(yellow);
    const background = s.backgroundColor === yellow;
    return {
        html: el.outerHTML.slice(0, 160),
        style: `outline: ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; `
            + `box-shadow: ${s.boxShadow}; background: ${s.backgroundColor}`,
        visible: outline || shadow || background,
    };
}"""


def assert_focus_visible(page) -> None:
    """WCAG 2.4.7: the focused element shows GOV.UK's yellow focus indicator."""
    found = page.evaluate(FOCUS_INDICATOR_JS, FOCUS_YELLOW)
    assert found["visible"], f"no visible focus on {page.url}: {found['html']} ({found['style']})"


def press_enter_on(page, selector: str, next_url: str) -> None:
    """Tab to a button or link, check it shows focus, press Enter, wait for the next page."""
    tab_to(page, selector)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(next_url)


# --- Answers filled in with the mouse (for the markup sweep) -------------------------


def make_files(folder: Path) -> dict[str, Path]:
    """Two small PNGs, a third for the authority, and a text file named .pdf."""
    files = {}
    for name, colour in (
        ("passport.png", (200, 30, 30)),
        ("council-tax.png", (20, 90, 200)),
        ("letter-of-authority.png", (30, 150, 60)),
    ):
        path = folder / name
        Image.new("RGB", (60, 40), colour).save(path, "PNG")
        files[name] = path
    fake = folder / "not-really.pdf"
    fake.write_text("This is a text file, not a PDF.\n", encoding="utf-8")
    files[fake.name] = fake
    return files


def fill_step(page, step: str, acting_for: str = "myself") -> None:
    """Valid answers for one question page (identity: at a hub; see the sweep for files)."""
    if step == "who":
        page.check(f'input[name="acting_for"][value="{acting_for}"]')
    elif step == "you":
        page.fill("#requester_name", "Maria Popescu")
        page.fill("#relationship", "Mother")
    elif step == "authority":
        page.check('input[name="authority"][value="written_permission"]')
    elif step == "name":
        page.fill("#full_name", "Anna Kowalska")
    elif step == "date-of-birth":
        page.fill("#date_of_birth-day", "14")
        page.fill("#date_of_birth-month", "2")
        page.fill("#date_of_birth-year", "1988" if acting_for == "myself" else "2012")
    elif step == "address":
        page.fill("#address", "12 Westgate\nWakefield")
        page.fill("#postcode", "WF1 2EB")
    elif step == "contact":
        page.fill("#email", "anna@example.com")
    elif step == "identifiers":
        page.fill("#ni_number", "")
        page.fill("#nhs_number", "")
    elif step == "what":
        page.check('input[name="scope"][value="everything"]')
    elif step == "delivery":
        page.check('input[name="delivery"][value="download"]')
    elif step == "processing":
        page.check('input[name="processing"][value="national_study"]')
        page.check('input[name="processing"][value="local_research"]')
    elif step == "reasons":
        page.fill("#reasons", "My former partner works for one of the services.")
    elif step == "restrict":
        page.check('input[name="restrict"][value="yes"]')
    elif step == "wrong":
        page.fill("#wrong", "My son's date of birth is recorded as 3 May 2015.")
    elif step == "should-say":
        page.fill("#should_say", "He was born on 5 March 2015.")
    elif step == "evidence":
        pass  # optional: the sweep sends a refused file first
    elif step == "recipients":
        page.check('input[name="tell_me"][value="yes"]')
    elif step == "grounds":
        page.locator('input[name="ground"]').first.check()  # Art 18(1)(a) or 17(1)(a)
    elif step == "why":
        page.fill("#why", "The record is wrong, and the referral closed in 2019.")
    elif step == "delete-what":
        page.fill("#what", "The notes about the 2019 referral.")
    elif step == "identity":
        page.check('input[name="how"][value="hub"]')
    elif step == "declaration":
        page.check("#confirm")
    elif step == "complaint":
        page.fill("#complaint", "A letter about my family went to my old address.")
    elif step == "earlier":
        page.fill("#reference", "")
    elif step == "outcome":
        page.fill("#outcome_wanted", "An apology, and my address corrected.")
    else:
        raise AssertionError(f"no answers for step {step!r}")


def fill_invalid(page, step: str) -> None:
    """Wrong answers for a page whose fields are all optional, to reach its error state."""
    if step == "earlier":
        page.fill("#reference", "TF-7K3Q-9PHM")  # a mistyped check character
        return
    assert step == "identifiers", step
    page.fill("#ni_number", "12345")
    page.fill("#nhs_number", "123")


def continue_to(page, next_url: str) -> None:
    page.click(CONTINUE)
    page.wait_for_url(next_url)


def submit_for_errors(page) -> str | None:
    """Click Continue, expecting the same page back (HTTP 400) with its error summary.

    Returns None if so, else what happened instead.
    """
    url = page.url
    with page.expect_navigation() as navigation:
        page.click(CONTINUE)
    response = navigation.value
    if response is not None and response.status == 400 and page.url == url:
        if page.locator(ERROR_SUMMARY).count() == 1:
            return None
        return f"{url} answered HTTP 400 without an error summary"
    status = response.status if response is not None else "no response"
    return f"{url} accepted the answers (HTTP {status} from {page.url}) instead of showing errors"


def error_summary_focus_problem(page) -> str | None:
    """GOV.UK Frontend's ErrorSummary moves focus to the summary when the page loads."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(
            "s => !!document.activeElement?.closest(s)", arg=ERROR_SUMMARY, timeout=5000
        )
    except PlaywrightTimeoutError:
        focused = page.evaluate(DESCRIBE_ACTIVE_JS)
        return f"{page.url}: the error summary did not receive focus; focus is on {focused}"
    return None


# --- Reflow ------------------------------------------------------------------------

OVERFLOW_JS = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // The deepest elements that stick out, to say what to fix.
    overflowing: [...document.querySelectorAll("body *")]
        .filter(el => {
            const r = el.getBoundingClientRect();
            const out = rect => rect.right > window.innerWidth + 0.5 || rect.left < -0.5;
            return r.width > 0 && out(r)
                && ![...el.children].some(c => out(c.getBoundingClientRect()));
        })
        .slice(0, 10)
        .map(el => {
            const r = el.getBoundingClientRect();
            return `${el.outerHTML.slice(0, 120)} [${Math.round(r.left)}..${Math.round(r.right)}]`;
        }),
})"""


def horizontal_overflow(page) -> str | None:
    """None if the page fits the viewport's width, else what sticks out (WCAG 1.4.10)."""
    sizes = page.evaluate(OVERFLOW_JS)
    if sizes["scrollWidth"] <= sizes["innerWidth"]:
        return None
    return (
        f"{page.url} scrolls sideways at {sizes['innerWidth']}px: "
        f"scrollWidth={sizes['scrollWidth']}; sticking out: {sizes['overflowing']}"
    )
