"""Numbers and codes keep their order on screen in every language, measured in Chromium.

In right-to-left Urdu and Sorani a phone number printed bare reads backwards ("306112 01924" for
"01924 306112"): each run of digits stays left to right, but the runs are laid out right to
left. The same goes for NHS numbers, and a full stop after English words quoted in Urdu
jumps to the wrong end. For every phone number, reference, postcode, email address, web
address, street address and quoted staff text on a page, this measures where Chromium drew
each character (a DOM range per character) and checks that they read left to right in the
order they are written. In English and the other left-to-right languages that holds
trivially; in Urdu and Sorani only if the value is isolated (<bdi dir="ltr"> or dir="ltr").

The pages: every public page in every language (the privacy notice with its contact
section, the hubs, /LANG/track ...), and a real request made in the browser: each question
page, the check answers page, the sent page, the code page and the tracking status page
with the council's messages on it. What is measured does not depend on the database engine: a sweep.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import select

from portal.cases import case_links
from portal.cases.models import Case
from portal.cases.scenario_steps import CASEWORKER
from portal.extensions import db
from portal.i18n import LANGUAGES
from tests.browser.journey_steps import CONTINUE, REFERENCE, fill_step, steps_for
from tests.browser.pages import public_pages
from tests.conftest import building
from tests.functional.test_tracking import file_request, latest_code, unique_email

pytestmark = pytest.mark.sweep

# Every shipped language: a new one is covered the day it is added to portal/i18n.py.
LOCALES = tuple(LANGUAGES)

# What must read left to right wherever it appears (JavaScript regular expressions).
LEFT_TO_RIGHT = {
    "reference": r"TF-[0-9A-Z]{4}-[0-9A-Z]{4}",
    "email address": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    "web address": r"(?:https?://|(?<![@\w.-])(?=[a-z0-9-]+\.(?:[a-z0-9-]+\.)*(?:uk|com|org)\b))[^\s<>\"]+",
    "postcode": r"\b[A-Z]{1,2}[0-9][A-Z0-9]?[ \u00a0][0-9][A-Z]{2}\b",
    # Phone numbers, NHS numbers: digits in groups.
    "number in groups": r"\d+(?:[ \u00a0]\d+)+",
    # A house number and its street, as a resident types an address.
    "street address": r"\b\d+[A-Za-z]?[ \u00a0][A-Z][a-z]+",
}

# Staff write in English; what they write is quoted on the status page as written.
STAFF_WROTE = {
    "what_is_needed": "A council tax bill from this year, please.",
    "question": "Which years do you mean?",
    "reason": "Six departments hold records.",
}

MEASURE_JS = """([patterns, literals, root]) => {
    // The visible text of the page in document order; "\\n" between blocks, so that no
    // value is matched across two blocks.
    const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
    const pieces = [];
    let text = "", lastBlock = null;
    const blockOf = el => {
        for (; el && el !== document.body; el = el.parentElement) {
            if (!getComputedStyle(el).display.startsWith("inline")) return el;
        }
        return document.body;
    };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (el.closest("script, style, template, .govuk-visually-hidden")) continue;
        // A date example ("27 3 2007") follows its day, month and year boxes, which a
        // right-to-left page lays out right to left: it is not to read left to right.
        if (el.closest(".govuk-form-group:has(.govuk-date-input)")) continue;
        if (!el.getClientRects().length) continue;  // not displayed
        const block = blockOf(el);
        if (block !== lastBlock) { text += "\\n"; lastBlock = block; }
        pieces.push({node, start: text.length});
        text += node.data;
    }
    function box(index) {
        const piece = pieces.findLast(p => p.start <= index);
        const range = document.createRange();
        range.setStart(piece.node, index - piece.start);
        range.setEnd(piece.node, index - piece.start + 1);
        const r = range.getClientRects()[0];
        return r && r.width > 0 ? {x: (r.left + r.right) / 2, top: r.top, height: r.height} : null;
    }
    const escape = s => s.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&");
    const wanted = [
        ...Object.entries(patterns),
        ...literals.map(literal => ["staff text", escape(literal)]),
    ];
    const found = [];
    for (const [kind, source] of wanted) {
        for (const match of text.matchAll(new RegExp(source, "g"))) {
            const chars = [];
            for (let i = match.index; i < match.index + match[0].length; i++) {
                if (/\\s/.test(text[i])) continue;
                const b = box(i);
                if (b) chars.push({ch: text[i], ...b});
            }
            found.push({kind, value: match[0], chars});
        }
    }
    return found;
}"""


def out_of_order(chars: list[dict]) -> bool:
    """True when some character is drawn left of the one before it on the same line."""
    for before, after in pairwise(chars):
        same_line = abs(after["top"] - before["top"]) < min(before["height"], after["height"]) / 2
        if same_line and after["x"] <= before["x"]:
            return True
    return False


def as_seen(chars: list[dict]) -> str:
    """The characters as they appear on screen, left to right (line by line)."""
    ordered = sorted(chars, key=lambda c: (round(c["top"]), c["x"]))
    return "".join(c["ch"] for c in ordered)


def order_problems(page, *, literals: tuple[str, ...] = (), expect: tuple[str, ...] = ()):
    """Every value on the page that does not read left to right; and each kind of value in
    `expect` that the page does not show at all (so a page that lost them cannot pass)."""
    found = page.evaluate(MEASURE_JS, [LEFT_TO_RIGHT, list(literals), "body"])
    problems = [
        f"{page.url}: {item['kind']} {item['value']!r} reads {as_seen(item['chars'])!r}"
        for item in found
        if out_of_order(item["chars"])
    ]
    kinds = {item["kind"] for item in found if item["chars"]}
    problems += [f"{page.url}: no {kind} found on the page" for kind in expect if kind not in kinds]
    return problems


# "Call the team on {}." in each right-to-left language.
CALL_THE_TEAM = {
    "ur": ("ٹیم کو ", " پر فون کریں\u06d4"),
    "ckb": ("پەیوەندی بە تیمەکەوە بکە لە ژمارە ", " بۆ پرسیارەکانت."),
}


@pytest.mark.parametrize("locale", ["ur", "ckb"])
def test_a_phone_number_printed_bare_in_right_to_left_text_is_caught(page, live_server, locale):
    """The measurement itself: bare in an Urdu or Sorani sentence the number reads
    backwards, and isolated it reads as written."""
    page.goto(f"{live_server}/{locale}/track")
    before, after = CALL_THE_TEAM[locale]
    page.evaluate(
        """([before, after]) => {
            const main = document.getElementById("main-content");
            main.insertAdjacentHTML("beforeend",
                `<p class="govuk-body" id="bare">${before}01924 306112${after}</p>`
                + `<p class="govuk-body" id="isolated">${before}<bdi dir="ltr">01924 306112</bdi>`
                + `${after}</p>`);
        }""",
        [before, after],
    )
    bare, isolated = (
        page.evaluate(MEASURE_JS, [LEFT_TO_RIGHT, [], selector])
        for selector in ("#bare", "#isolated")
    )
    assert [item["value"] for item in bare + isolated] == ["01924 306112"] * 2
    assert out_of_order(bare[0]["chars"])
    assert as_seen(bare[0]["chars"]) == "30611201924"
    assert not out_of_order(isolated[0]["chars"])


@pytest.mark.parametrize("locale", LOCALES)
def test_values_read_left_to_right_on_every_public_page(page, live_server, locale):
    problems: list[str] = []
    # The pages that show the Information Governance or a hub's phone number.
    with_phone = {"public.track_start", "public.notice", "public.hub", "public.hubs"}
    assert locale in {public_page.locale for public_page in public_pages()}
    for public_page in (p for p in public_pages() if p.locale == locale):
        response = page.goto(f"{live_server}{public_page.path}")
        assert response is not None and response.status == public_page.status, public_page.path
        expect = ("number in groups",) if public_page.endpoint in with_phone else ()
        problems += order_problems(page, expect=expect)
    assert not problems, "\n".join(problems)


def add_messages(app, reference: str) -> None:
    """The council asks for more proof, then what the request covers, then more time: each
    message quotes what staff wrote, in English."""
    with building(app) as scenarios:
        case = scenarios.session.scalar(select(Case).where(Case.reference == reference))
        assert case is not None
        scenarios.request_identity(case, what=STAFF_WROTE["what_is_needed"])
        scenarios.start(case)
        scenarios.ask(case, question=STAFF_WROTE["question"])
        scenarios.answer(case, answer="2020 to 2024")
        scenarios.extend(case, reason=STAFF_WROTE["reason"])
        db.session.remove()


def case_id(app, reference: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Case.id).where(Case.reference == reference))
        db.session.remove()
    assert found is not None
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_values_read_left_to_right_from_request_to_tracking(page, live_server, app, locale):
    problems: list[str] = []
    email = unique_email()
    base = f"{live_server}/{locale}/get-a-copy"
    page.goto(f"{base}/begin")
    steps = steps_for("get-a-copy")
    for step, next_step in zip(steps, [*steps[1:], "check"], strict=True):
        page.wait_for_url(f"{base}/{step}")
        problems += order_problems(page)  # hints such as "for example 943 476 5919"
        fill_step(page, step)
        if step == "contact":
            page.fill("#email", email)
            page.fill("#phone", "07700 900123")
        elif step == "identifiers":
            page.fill("#nhs_number", "943 476 5919")
        page.click(CONTINUE)
        page.wait_for_url(f"{base}/{next_step}")
    # Check your answers: the street address, postcode, email, phone and NHS numbers.
    problems += order_problems(
        page, expect=("street address", "postcode", "email address", "number in groups")
    )
    page.click("#main-content form button.govuk-button")
    page.wait_for_url(f"{base}/sent")
    problems += order_problems(page, expect=("reference", "email address"))
    match = REFERENCE.search(page.inner_text(".govuk-panel--confirmation"))
    assert match, "no reference on the sent page"
    reference = match.group(0)

    add_messages(app, reference)
    page.goto(f"{live_server}/{locale}/track")
    page.fill("#reference", reference)
    page.fill("#email", email)
    page.click(CONTINUE)
    page.wait_for_url(f"{live_server}/{locale}/track/code")
    problems += order_problems(page, expect=("reference",))
    page.fill("#code", latest_code(app, case_id(app, reference)))
    page.click(CONTINUE)
    page.wait_for_url(f"{live_server}/{locale}/track/status")
    problems += order_problems(
        page,
        literals=tuple(STAFF_WROTE.values()),
        expect=("reference", "number in groups", "staff text"),
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", ["ur", "ckb"])
def test_a_merged_reference_and_its_original_read_left_to_right(page, live_server, app, locale):
    """Issue 19 point 1, walked in a right-to-left language: a resident follows the
    reference of a request the council joined to an earlier one. The banner names both
    references in a sentence of Urdu or Sorani, and each must read as it is written."""
    original = file_request(app, language=locale)
    duplicate = file_request(app, email=original.email, language=locale)
    with app.app_context():
        case_links.merge(
            db.session,
            db.session.get(Case, duplicate.id),
            original_reference=original.reference,
            actor=CASEWORKER,
        )
        db.session.remove()

    page.goto(f"{live_server}/{locale}/track")
    page.fill("#reference", duplicate.reference)  # the old reference, as the resident kept it
    page.fill("#email", duplicate.email)
    page.click(CONTINUE)
    page.wait_for_url(f"{live_server}/{locale}/track/code")
    page.fill("#code", latest_code(app, duplicate.id))
    page.click(CONTINUE)
    page.wait_for_url(f"{live_server}/{locale}/track/status")

    banner = page.locator("#merged-banner")
    assert banner.is_visible()
    shown = banner.inner_text()
    assert duplicate.reference in shown and original.reference in shown
    assert page.locator("html").get_attribute("dir") == "rtl"
    found = page.evaluate(MEASURE_JS, [LEFT_TO_RIGHT, [], "#merged-banner"])
    in_banner = [item["value"] for item in found if item["kind"] == "reference"]
    assert duplicate.reference in in_banner and original.reference in in_banner
    problems = [
        f"{item['value']!r} reads {as_seen(item['chars'])!r}"
        for item in found
        if out_of_order(item["chars"])
    ]
    assert not problems, "\n".join(problems)
