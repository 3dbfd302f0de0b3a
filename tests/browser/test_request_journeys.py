"""The access request, objection, complaint, correction, restriction and deletion journeys
in Chromium: each one completed with the keyboard alone, axe-core on every question page and
its error state in every language, and reflow at 320 CSS px."""

from __future__ import annotations

import re

import pytest
from babel.dates import format_date
from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db
from portal.i18n import LANGUAGES
from tests.browser.conftest import describe_violations, run_axe
from tests.browser.journey_steps import (
    ALL_OPTIONAL,
    CONTINUE,
    ERROR_SUMMARY,
    REFERENCE,
    START_NOW,
    assert_focus_visible,
    continue_to,
    error_summary_focus_problem,
    fill_invalid,
    fill_step,
    focused_value,
    horizontal_overflow,
    make_files,
    press_enter_on,
    steps_for,
    submit_for_errors,
    tab_to,
)
from tests.conftest import translated

# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)
JOURNEYS = ("get-a-copy", "object", "complain", "correct", "restrict", "delete")
# The sweep asks for a child in this language, so the "About you" page and the
# authority file field are checked too.
CHILD_LOCALE = "ro"
# The sweep asks for another adult in this language (C11: on what authority, with its proof).
ACTING_FOR_ANOTHER_LOCALE = "lt"
SEND = "#main-content form button.govuk-button"
# What run_axe evaluates before running axe when the init script has loaded it.
AXE_ALREADY_LOADED = "if (typeof axe === 'undefined') throw new Error('axe-core is not loaded')"


def page_language(page) -> dict:
    return page.evaluate(
        """() => ({lang: document.documentElement.getAttribute("lang"),
                   dir: document.documentElement.getAttribute("dir")})"""
    )


def assert_language(page, lang: str, direction: str) -> None:
    assert page_language(page) == {"lang": lang, "dir": direction}, page.url


ESCAPED_MARKUP = re.compile(r"</?[a-z]+[^>]*>|&(?:lt|gt|amp|quot|#\d+);", re.IGNORECASE)


def normalised(text: str) -> str:
    return " ".join(text.split())


def confirmation(page, app, locale: str) -> tuple[str, str, Case]:
    """The reference in the confirmation panel, the due date as the page should show it,
    and the case the reference names."""
    panel = page.locator(".govuk-panel--confirmation")
    assert panel.count() == 1, f"{page.url}: no confirmation panel"
    shown = panel.inner_text()
    # Issue 11 point 1: the panel once read "Twój numer referencyjny<br><strong dir="ltr">TF-…"
    # in every language. What Chromium draws holds no markup or escaped entity, and the
    # reference stands on a line of its own.
    assert not ESCAPED_MARKUP.search(shown), f"{page.url}: the panel shows markup: {shown!r}"
    match = REFERENCE.search(shown)
    assert match, f"no TF-XXXX-XXXX reference in the panel: {shown!r}"
    assert match.group(0) in [line.strip() for line in shown.splitlines()], shown
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == match.group(0)))
        assert case is not None, f"no case {match.group(0)}"
        db.session.expunge(case)
        db.session.remove()
    assert case.due_on is not None, f"{case.reference} has no due date"
    return match.group(0), format_date(case.due_on, "long", locale=locale), case


HUB_RULE = (
    "We will reply within one month of the day you show your proof of identity at an "
    "Early Help Hub."
)


# --- Keyboard only ------------------------------------------------------------------


def test_access_journey_in_polish_by_keyboard(page, live_server, app, request_log):
    base = f"{live_server}/pl/get-a-copy"
    page.goto(base)
    assert_language(page, "pl", "ltr")
    press_enter_on(page, START_NOW, f"{base}/who")

    # Tab into a radio group lands on its first radio; Space selects it.
    assert_language(page, "pl", "ltr")
    tab_to(page, 'input[name="acting_for"]')
    assert_focus_visible(page)
    assert focused_value(page) == "myself"
    page.keyboard.press("Space")
    assert page.is_checked('input[name="acting_for"][value="myself"]')
    press_enter_on(page, CONTINUE, f"{base}/name")

    tab_to(page, "#full_name")
    assert_focus_visible(page)
    page.keyboard.type("Agnieszka Wójcik")
    page.keyboard.press("Enter")  # Enter in a text field sends the form
    page.wait_for_url(f"{base}/date-of-birth")

    tab_to(page, "#date_of_birth-day")
    assert_focus_visible(page)
    page.keyboard.type("14")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    assert focused_value(page, "id") == "date_of_birth-year"
    page.keyboard.type("1988")
    # Back to the month with Shift+Tab: what was typed is still there.
    page.keyboard.press("Shift+Tab")
    assert focused_value(page) == "2"
    press_enter_on(page, CONTINUE, f"{base}/address")

    tab_to(page, "#address")
    assert_focus_visible(page)
    page.keyboard.type("12 Westgate\nWakefield")
    page.keyboard.press("Tab")
    assert focused_value(page, "id") == "postcode"
    assert_focus_visible(page)
    page.keyboard.type("WF1 2EB")
    press_enter_on(page, CONTINUE, f"{base}/contact")

    tab_to(page, "#email")
    page.keyboard.type("agnieszka@example.com")
    # The letters' language starts as the page's; the arrow keys change it and back.
    tab_to(page, "#letters_language")
    assert_focus_visible(page)
    assert focused_value(page) == "pl"
    page.keyboard.press("ArrowDown")
    assert focused_value(page) != "pl"
    page.keyboard.press("ArrowUp")
    assert focused_value(page) == "pl"
    press_enter_on(page, CONTINUE, f"{base}/identifiers")

    # Every reference number is optional: leave them all empty.
    press_enter_on(page, CONTINUE, f"{base}/what")

    tab_to(page, 'input[name="scope"]')
    assert focused_value(page) == "everything"
    page.keyboard.press("Space")
    press_enter_on(page, CONTINUE, f"{base}/delivery")

    tab_to(page, 'input[name="delivery"]')
    assert focused_value(page) == "download"
    page.keyboard.press("Space")
    assert_focus_visible(page)
    press_enter_on(page, CONTINUE, f"{base}/identity")

    # The arrow key moves to the next radio and selects it: no file dialog is needed.
    tab_to(page, 'input[name="how"]')
    assert focused_value(page) == "upload"
    page.keyboard.press("ArrowDown")
    assert focused_value(page) == "hub"
    assert page.is_checked('input[name="how"][value="hub"]')
    assert_focus_visible(page)
    press_enter_on(page, CONTINUE, f"{base}/declaration")

    tab_to(page, "#confirm")
    page.keyboard.press("Space")
    assert page.is_checked("#confirm")
    assert_focus_visible(page)
    press_enter_on(page, CONTINUE, f"{base}/check")

    summary = normalised(page.inner_text(".govuk-summary-list"))
    for answer in ("Agnieszka Wójcik", "12 Westgate", "WF1 2EB", "agnieszka@example.com"):
        assert answer in summary, f"{answer!r} is not on the check page: {summary}"
    press_enter_on(page, SEND, f"{base}/sent")

    assert_language(page, "pl", "ltr")
    reference, due, case = confirmation(page, app, "pl")
    assert (case.kind, case.language, case.identity_at_hub) == ("access", "pl", True)
    assert case.details["what"]["scope"] == "everything"
    assert case.details["delivery"]["delivery"] == "download"
    text = normalised(page.inner_text("#main-content"))
    assert reference in text
    # Proof to be shown at a hub: the month starts that day (C1), so no date is promised.
    assert normalised(translated("pl", HUB_RULE)) in text, text
    assert normalised(due) not in text, f"due date {due!r} shown before the clock started"
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()


def test_objection_journey_in_urdu_by_keyboard(page, live_server, app, request_log):
    base = f"{live_server}/ur/object"
    page.goto(base)
    assert_language(page, "ur", "rtl")
    press_enter_on(page, START_NOW, f"{base}/who")

    tab_to(page, 'input[name="acting_for"]')
    page.keyboard.press("Space")
    assert page.is_checked('input[name="acting_for"][value="myself"]')
    press_enter_on(page, CONTINUE, f"{base}/name")

    assert_language(page, "ur", "rtl")
    tab_to(page, "#full_name")
    page.keyboard.type("Ayesha Khan")
    press_enter_on(page, CONTINUE, f"{base}/date-of-birth")

    assert_language(page, "ur", "rtl")
    tab_to(page, "#date_of_birth-day")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("1979")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/address")

    assert_language(page, "ur", "rtl")
    tab_to(page, "#address")
    page.keyboard.type("4 Northgate\nWakefield")
    tab_to(page, "#postcode")
    page.keyboard.type("WF1 3BJ")
    press_enter_on(page, CONTINUE, f"{base}/contact")

    assert_language(page, "ur", "rtl")
    tab_to(page, "#email")
    assert_focus_visible(page)
    page.keyboard.type("ayesha@example.com")
    tab_to(page, "#letters_language")
    assert focused_value(page) == "ur"
    press_enter_on(page, CONTINUE, f"{base}/processing")

    # Every checkbox is its own tab stop; Space ticks it.
    assert_language(page, "ur", "rtl")
    tab_to(page, 'input[name="processing"][value="national_study"]')
    assert_focus_visible(page)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_value(page) == "local_research"
    page.keyboard.press("Space")
    assert_focus_visible(page)
    ticked = page.eval_on_selector_all(
        'input[name="processing"]:checked', "boxes => boxes.map(b => b.value)"
    )
    assert ticked == ["national_study", "local_research"]
    press_enter_on(page, CONTINUE, f"{base}/reasons")

    assert_language(page, "ur", "rtl")
    tab_to(page, "#reasons")
    assert_focus_visible(page)
    page.keyboard.type("Someone who harmed my family could find our address.")
    press_enter_on(page, CONTINUE, f"{base}/restrict")

    # C12: stop the uses objected to while we decide (Art 18(1)(d)); radios by keyboard.
    assert_language(page, "ur", "rtl")
    tab_to(page, 'input[name="restrict"]')
    assert_focus_visible(page)
    page.keyboard.press("Space")
    assert page.is_checked('input[name="restrict"][value="yes"]')
    press_enter_on(page, CONTINUE, f"{base}/identity")

    assert_language(page, "ur", "rtl")
    tab_to(page, 'input[name="how"]')
    page.keyboard.press("ArrowDown")
    assert page.is_checked('input[name="how"][value="hub"]')
    press_enter_on(page, CONTINUE, f"{base}/declaration")

    assert_language(page, "ur", "rtl")
    tab_to(page, "#confirm")
    page.keyboard.press("Space")
    assert page.is_checked("#confirm")
    press_enter_on(page, CONTINUE, f"{base}/check")

    assert_language(page, "ur", "rtl")
    summary = normalised(page.inner_text(".govuk-summary-list"))
    assert "Ayesha Khan" in summary and "WF1 3BJ" in summary, summary
    press_enter_on(page, SEND, f"{base}/sent")

    assert_language(page, "ur", "rtl")
    reference, due, case = confirmation(page, app, "ur")
    assert (case.kind, case.language, case.identity_at_hub) == ("objection", "ur", True)
    assert case.details["processing"]["processing"] == ["national_study", "local_research"]
    assert case.details["reasons"]["reasons"].startswith("Someone who harmed")
    assert case.details["restrict"] == {"restrict": "yes"}
    text = normalised(page.inner_text("#main-content"))
    assert reference in text
    # Proof to be shown at a hub: the month starts that day (C1), so no date is promised.
    assert normalised(translated("ur", HUB_RULE)) in text, text
    assert normalised(due) not in text, f"due date {due!r} shown before the clock started"
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()


# --- axe-core on every page, error states included ------------------------------------


@pytest.mark.sweep
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("journey", JOURNEYS)
def test_every_step_and_its_error_state_has_no_axe_violations(
    page, live_server, axe_source, request_log, tmp_path, journey, locale
):
    acting_for = {CHILD_LOCALE: "my_child", ACTING_FOR_ANOTHER_LOCALE: "someone_else"}.get(
        locale, "myself"
    )
    files = make_files(tmp_path)
    base = f"{live_server}/{locale}/{journey}"
    problems: list[str] = []
    # axe-core comes with every page the context opens (an init script, which like
    # page.evaluate is outside the page's CSP), so run_axe need not send it again.
    page.context.add_init_script(script=axe_source)

    def audit(what: str) -> None:
        violations = run_axe(page, AXE_ALREADY_LOADED)
        if violations:
            problems.append(describe_violations(f"{what} ({page.url})", violations))

    def error_state(what: str) -> bool:
        """Continue with what is on the page and audit the error state it should give;
        False if the page moved on instead (reported as a problem)."""
        url = page.url
        problem = submit_for_errors(page)
        if problem is None:
            problem = error_summary_focus_problem(page)
            audit(what)
        if problem:
            problems.append(f"{what}: {problem}")
        return page.url == url

    page.goto(base)
    audit("start page")
    page.click(START_NOW)
    steps = steps_for(journey, acting_for)
    following = [f"{base}/{step}" for step in steps[1:]] + [f"{base}/check"]
    page.wait_for_url(f"{base}/{steps[0]}")

    for step, next_url in zip(steps, following, strict=True):
        step_url = f"{base}/{step}"
        assert page.url == step_url
        audit(step)
        if step in ALL_OPTIONAL:
            fill_invalid(page, step)
            still_here = error_state(f"{step}, wrong answers")
        elif step == "evidence":  # optional: its error state is a refused file
            page.set_input_files("#more_evidence", files["not-really.pdf"])
            still_here = error_state(f"{step}, a file refused")
        else:
            still_here = error_state(f"{step}, sent empty")
        if not still_here:
            page.goto(step_url)  # a missing error state is reported; carry on
        if step == "identity":
            # One good file is kept while the other, a text file named .pdf, is refused.
            page.check('input[name="how"][value="upload"]')
            page.set_input_files("#photo_id", files["passport.png"])
            page.set_input_files("#proof_of_address", files["not-really.pdf"])
            assert error_state("identity, a file refused and one kept"), problems[-1:]
            summary = page.inner_text(ERROR_SUMMARY)
            assert "not-really.pdf" in summary, summary
            assert "passport.png" in page.inner_text(".portal-uploads")
            page.set_input_files("#proof_of_address", files["council-tax.png"])
            if acting_for != "myself":
                # Their own two documents are in; the proof of authority is missing.
                assert error_state("identity, proof of authority missing"), problems[-1:]
                assert page.locator(f'{ERROR_SUMMARY} a[href="#authority"]').count() == 1
                page.set_input_files("#authority", files["letter-of-authority.png"])
        else:
            fill_step(page, step, acting_for)  # identifiers: emptied, which moves on
        continue_to(page, next_url)

    audit("check your answers")
    # A request for someone else is checked in parts; the files are in the last. A
    # complaint sends none (C13: no proof of identity is needed).
    answers = " ".join(page.locator(".govuk-summary-list").all_inner_texts())
    assert ("council-tax.png" in answers) == (journey != "complain"), answers
    page.click(SEND)
    page.wait_for_url(f"{base}/sent")
    assert REFERENCE.search(page.inner_text(".govuk-panel--confirmation"))
    audit("confirmation")

    assert not problems, "\n\n".join(problems)
    request_log.assert_same_origin(live_server)
    request_log.assert_no_script_problems()


@pytest.mark.sweep
def test_axe_loaded_by_an_init_script_reports_a_planted_violation(page, live_server, axe_source):
    """The sweep loads axe-core with each page: prove it still runs, and finds problems."""
    page.context.add_init_script(script=axe_source)
    page.goto(f"{live_server}/en/get-a-copy")
    assert run_axe(page, AXE_ALREADY_LOADED) == []
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            document.getElementById("main-content").append(img);
        }"""
    )
    violations = run_axe(page, AXE_ALREADY_LOADED)
    assert [v["id"] for v in violations] == ["image-alt"], violations


# --- Reflow ---------------------------------------------------------------------------


@pytest.mark.sweep
@pytest.mark.parametrize("locale", ["en", "ur", "ckb"])
@pytest.mark.parametrize("journey", JOURNEYS)
def test_questions_and_check_answers_reflow_at_320_css_pixels(
    new_page, live_server, request_log, journey, locale
):
    """WCAG 1.4.10: every question page on the way, and the check-answers page."""
    page = new_page(viewport={"width": 320, "height": 640})
    base = f"{live_server}/{locale}/{journey}"
    page.goto(f"{base}/begin")
    steps = steps_for(journey)
    following = [f"{base}/{step}" for step in steps[1:]] + [f"{base}/check"]
    page.wait_for_url(f"{base}/{steps[0]}")
    assert page.evaluate("window.innerWidth") == 320
    problems = []
    for step, next_url in zip(steps, following, strict=True):
        problems.append(horizontal_overflow(page))
        fill_step(page, step)
        continue_to(page, next_url)
    problems.append(horizontal_overflow(page))
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)
    request_log.assert_same_origin(live_server)
