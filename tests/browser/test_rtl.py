"""Right-to-left Urdu and Sorani Kurdish, measured in a real browser: the direction of the
page, where the main heading starts, and which side of their labels the radios and checkboxes
sit on."""

from __future__ import annotations

import pytest
from flask import Blueprint, abort, render_template_string

from portal.i18n import LANGUAGES
from tests.browser.conftest import describe_violations, run_axe
from tests.browser.pages import PublicPage, open_public_page, public_pages
from tests.conftest import make_app

pytestmark = pytest.mark.sweep

RTL_LOCALES = tuple(code for code, language in LANGUAGES.items() if language.direction == "rtl")
# Every page in a right-to-left language, and the same pages in English to show the
# measurements tell the two directions apart.
RTL_PAGES = [page for page in public_pages() if page.locale in RTL_LOCALES]
RTL_ENDPOINTS = {page.endpoint for page in RTL_PAGES}
LTR_PAGES = [
    page for page in public_pages() if page.locale == "en" and page.endpoint in RTL_ENDPOINTS
]
TOLERANCE = 8  # CSS px

HEADING_JS = """() => {
    const main = document.getElementById("main-content");
    const h1 = main.querySelector("h1");
    const range = document.createRange();
    range.selectNodeContents(h1);
    // One rect per run of text in one direction: a line of Urdu with English words in it
    // has several. The first line is every rect level with the topmost one.
    const rects = [...range.getClientRects()].filter(r => r.width > 0);
    const top = Math.min(...rects.map(r => r.top));
    const onFirstLine = rects.filter(r => r.top < top + r.height / 2);
    const m = main.getBoundingClientRect();
    const style = getComputedStyle(main);
    const html = document.documentElement;
    return {
        html: {dir: html.getAttribute("dir"), lang: html.getAttribute("lang")},
        bodyDirection: getComputedStyle(document.body).direction,
        h1Direction: getComputedStyle(h1).direction,
        text: h1.textContent.trim(),
        firstLine: {
            left: Math.min(...onFirstLine.map(r => r.left)),
            right: Math.max(...onFirstLine.map(r => r.right)),
        },
        content: {
            left: m.left + parseFloat(style.paddingLeft),
            right: m.right - parseFloat(style.paddingRight),
        },
    };
}"""


@pytest.mark.parametrize("public_page", RTL_PAGES + LTR_PAGES, ids=lambda p: p.id)
def test_direction_and_where_the_main_heading_starts(page, live_server, public_page: PublicPage):
    open_public_page(page, live_server, public_page)
    found = page.evaluate(HEADING_JS)
    rtl = public_page.locale in RTL_LOCALES
    expected = "rtl" if rtl else "ltr"
    assert found["html"] == {"dir": expected, "lang": public_page.locale}
    assert found["bodyDirection"] == expected
    assert found["h1Direction"] == expected
    line, content = found["firstLine"], found["content"]
    if rtl:
        # Text starts on the right: the first line of the heading ends at the right edge.
        assert abs(content["right"] - line["right"]) <= TOLERANCE, (
            f"{public_page.path}: heading {found['text']!r} starts at x={line['right']:.0f}, "
            f"but the content area's right edge is at x={content['right']:.0f}"
        )
    else:
        assert abs(line["left"] - content["left"]) <= TOLERANCE, (
            f"{public_page.path}: heading {found['text']!r} starts at x={line['left']:.0f}, "
            f"but the content area's left edge is at x={content['left']:.0f}"
        )


# --- Radios and checkboxes, on a test-only form page -------------------------------

FORM_TEXT = {
    "en": {
        "title": "How should we contact you?",
        "radios": ("By email", "By phone"),
        "radio_hint": "We will not share your email address",
        "checkboxes_legend": "Which languages do you read?",
        "checkboxes": ("English", "Urdu"),
        "checkbox_hint": "Choose all that apply",
    },
    "ur": {
        "title": "ہم آپ سے کیسے رابطہ کریں؟",
        "radios": ("ای میل کے ذریعے", "فون کے ذریعے"),
        "radio_hint": "ہم آپ کا ای میل پتہ کسی کو نہیں دیں گے",
        "checkboxes_legend": "آپ کون سی زبانیں پڑھتے ہیں؟",
        "checkboxes": ("انگریزی", "اردو"),
        "checkbox_hint": "جتنے لاگو ہوں سب چنیں",
    },
    "ckb": {
        "title": "چۆن پەیوەندیت پێوە بکەین؟",
        "radios": ("بە ئیمەیڵ", "بە تەلەفۆن"),
        "radio_hint": "ناونیشانی ئیمەیڵەکەت بە کەس نادەین",
        "checkboxes_legend": "کام زمانان دەخوێنیتەوە؟",
        "checkboxes": ("ئینگلیزی", "کوردیی سۆرانی"),
        "checkbox_hint": "هەموو ئەوانەی گونجاون هەڵبژێرە",
    },
}

FORM_TEMPLATE = """{% extends "layouts/base.html" %}
{% from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios %}
{% from "govuk_frontend_jinja/components/checkboxes/macro.html" import govukCheckboxes %}
{% block title %}{{ text.title }}{% endblock %}
{% block content %}
<form method="post" novalidate>
  {{ govukRadios({
    "name": "contact",
    "fieldset": {"legend": {
      "text": text.title, "isPageHeading": true, "classes": "govuk-fieldset__legend--l",
    }},
    "items": [
      {"value": "email", "text": text.radios[0], "hint": {"text": text.radio_hint}},
      {"value": "phone", "text": text.radios[1]},
    ],
  }) }}
  {{ govukCheckboxes({
    "name": "languages",
    "fieldset": {"legend": {
      "text": text.checkboxes_legend, "classes": "govuk-fieldset__legend--m",
    }},
    "hint": {"text": text.checkbox_hint},
    "items": [
      {"value": "en", "text": text.checkboxes[0], "hint": {"text": text.checkbox_hint}},
      {"value": "ur", "text": text.checkboxes[1]},
    ],
  }) }}
</form>
{% endblock %}"""


@pytest.fixture(scope="module")
def form_server(app, database_url, tmp_path_factory, serve) -> str:
    """A separate app with a /<locale>/test-form page, served for real.

    The session app has handled requests already, so no route can be added to it.
    `app` is still requested so that the database is migrated.
    """
    form_app = make_app(database_url, tmp_path_factory.mktemp("form-app"))
    test_pages = Blueprint("test_form", __name__)

    @test_pages.get("/<locale>/test-form")
    def test_form(locale):
        if locale not in FORM_TEXT:
            abort(404)
        # The base layout takes the locale from the first segment of the path.
        return render_template_string(FORM_TEMPLATE, text=FORM_TEXT[locale])

    @test_pages.get("/<locale>/test-asides")
    def test_asides(locale):
        if locale not in FORM_TEXT:
            abort(404)
        return render_template_string(ASIDES_TEMPLATE, text=FORM_TEXT[locale])

    form_app.register_blueprint(test_pages)
    return serve(form_app)


CONTROLS_JS = """() => {
    const ITEMS = ".govuk-radios__item, .govuk-checkboxes__item";
    function box(r) { return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }
    function sum(s, ...properties) {
        return properties.reduce((total, p) => total + parseFloat(s[p]), 0);
    }
    function pseudo(label, which) {
        // ::before and ::after are positioned against the item (position: relative);
        // their computed left and top are the used values in px, even when set to auto.
        const item = label.closest(ITEMS).getBoundingClientRect();
        const s = getComputedStyle(label, which);
        const contentBox = s.boxSizing !== "border-box";
        const width = parseFloat(s.width) + (contentBox ?
            sum(s, "borderLeftWidth", "borderRightWidth", "paddingLeft", "paddingRight") : 0);
        const height = parseFloat(s.height) + (contentBox ?
            sum(s, "borderTopWidth", "borderBottomWidth", "paddingTop", "paddingBottom") : 0);
        const left = item.left + parseFloat(s.left);
        const top = item.top + parseFloat(s.top);
        return {left, right: left + width, top, bottom: top + height};
    }
    function textBox(el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        return box(range.getBoundingClientRect());
    }
    return [...document.querySelectorAll(ITEMS)].map(item => {
        const input = item.querySelector("input");
        const label = item.querySelector("label");
        const hint = item.querySelector(".govuk-hint");
        return {
            id: input.id,
            checked: input.checked,
            input: box(input.getBoundingClientRect()),
            labelText: textBox(label),
            hintText: hint ? textBox(hint) : null,
            ring: pseudo(label, "::before"),
            mark: pseudo(label, "::after"),
        };
    });
}"""


def centre(rect: dict) -> tuple[float, float]:
    return (rect["left"] + rect["right"]) / 2, (rect["top"] + rect["bottom"]) / 2


def near(a: tuple[float, float], b: tuple[float, float], within: float) -> bool:
    return abs(a[0] - b[0]) <= within and abs(a[1] - b[1]) <= within


@pytest.mark.parametrize("locale", [*RTL_LOCALES, "en"])
def test_radios_and_checkboxes_sit_at_the_start_of_the_line(
    page, form_server, axe_source, request_log, locale
):
    response = page.goto(f"{form_server}/{locale}/test-form")
    assert response is not None and response.status == 200
    rtl = locale in RTL_LOCALES
    assert page.evaluate("document.documentElement.dir") == ("rtl" if rtl else "ltr")

    # Tick everything by clicking the label text, as a resident would.
    for text in FORM_TEXT[locale]["radios"][:1] + FORM_TEXT[locale]["checkboxes"]:
        page.locator("#main-content label").get_by_text(text, exact=True).click()
    controls = page.evaluate(CONTROLS_JS)
    assert len(controls) == 4

    problems = []
    for control in controls:
        name, text, field = control["id"], control["labelText"], control["input"]
        if rtl:
            if field["left"] < text["right"] - 1:
                problems.append(
                    f"{name}: input {field} is not to the right of its label text {text}"
                )
        elif field["right"] > text["left"] + 1:
            problems.append(f"{name}: input {field} is not to the left of its label text {text}")
        # The drawn circle or box is where the (invisible) input is.
        if not near(centre(control["ring"]), centre(field), 2):
            problems.append(
                f"{name}: drawn control {control['ring']} is not over the input {field}"
            )
        if control["checked"] and not near(centre(control["mark"]), centre(control["ring"]), 4):
            problems.append(
                f"{name}: the tick or dot {control['mark']} is not inside {control['ring']}"
            )
        hint = control["hintText"]
        if hint:
            start = "right" if rtl else "left"
            if abs(hint[start] - text[start]) > 2:
                problems.append(
                    f"{name}: hint starts at {hint[start]:.0f}, label text at {text[start]:.0f}"
                )
    assert not problems, f"/{locale}/test-form:\n" + "\n".join(problems)
    assert sum(control["checked"] for control in controls) == 3

    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(f"/{locale}/test-form", violations)
    request_log.assert_same_origin(form_server)
    request_log.assert_no_script_problems()


# --- Inset text, details and warning text: their bar, arrow and sign start the line ---

ASIDES_TEMPLATE = """{% extends "layouts/base.html" %}
{% from "govuk_frontend_jinja/components/details/macro.html" import govukDetails %}
{% from "govuk_frontend_jinja/components/inset-text/macro.html" import govukInsetText %}
{% from "govuk_frontend_jinja/components/warning-text/macro.html" import govukWarningText %}
{% block title %}{{ text.title }}{% endblock %}
{% block content %}
<h1 class="govuk-heading-l">{{ text.title }}</h1>
{{ govukInsetText({"text": text.radio_hint, "attributes": {"id": "inset"}}) }}
{{ govukDetails({"summaryText": text.checkboxes_legend, "text": text.checkbox_hint,
                 "open": true, "id": "details"}) }}
{{ govukDetails({"summaryText": text.radios[0], "text": text.radios[1], "id": "closed"}) }}
{{ govukWarningText({"text": text.radio_hint, "iconFallbackText": "!",
                     "attributes": {"id": "warning"}}) }}
{% endblock %}"""

ASIDES_JS = """() => {
    function box(el, which) {
        if (!which) { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; }
        const s = getComputedStyle(el, which);
        const parent = el.getBoundingClientRect();
        const left = parent.left + parseFloat(s.left);
        const width = parseFloat(s.borderLeftWidth) + parseFloat(s.borderRightWidth);
        return {left, right: left + width};
    }
    function bar(el) {
        const s = getComputedStyle(el);
        return {left: parseFloat(s.borderLeftWidth), right: parseFloat(s.borderRightWidth)};
    }
    function text(el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const r = range.getBoundingClientRect();
        return {left: r.left, right: r.right};
    }
    const q = s => document.querySelector(s);
    return {
        inset: bar(q("#inset")),
        detailsText: bar(q("#details .govuk-details__text")),
        openArrow: box(q("#details .govuk-details__summary"), "::before"),
        openSummaryText: text(q("#details .govuk-details__summary-text")),
        closedArrow: box(q("#closed .govuk-details__summary"), "::before"),
        closedSummaryText: text(q("#closed .govuk-details__summary-text")),
        closedArrowWidths: (() => {
            const s = getComputedStyle(q("#closed .govuk-details__summary"), "::before");
            return {left: parseFloat(s.borderLeftWidth), right: parseFloat(s.borderRightWidth)};
        })(),
        warningIcon: box(q("#warning .govuk-warning-text__icon")),
        warningText: text(q("#warning .govuk-warning-text__text")),
    };
}"""


@pytest.mark.parametrize("locale", [*RTL_LOCALES, "en"])
def test_bars_arrows_and_warning_signs_start_the_line(page, form_server, axe_source, locale):
    """Urdu and Sorani read from the right, so the grey bar of inset text and of a details element's
    text, the details arrow and the warning sign sit on the right of their text (they sat on
    the left, where an Urdu line ends)."""
    response = page.goto(f"{form_server}/{locale}/test-asides")
    assert response is not None and response.status == 200
    found = page.evaluate(ASIDES_JS)
    rtl = locale in RTL_LOCALES
    start, end = ("right", "left") if rtl else ("left", "right")

    assert found["inset"][start] >= 5 and found["inset"][end] == 0, found["inset"]
    assert found["detailsText"][start] >= 5 and found["detailsText"][end] == 0
    for arrow, label in (("openArrow", "openSummaryText"), ("closedArrow", "closedSummaryText")):
        if rtl:
            assert found[arrow]["left"] >= found[label]["right"] - 1, (arrow, found)
        else:
            assert found[arrow]["right"] <= found[label]["left"] + 1, (arrow, found)
    # A closed details arrow points along the line: towards the text.
    widths = found["closedArrowWidths"]
    assert (widths["right"] > widths["left"]) if rtl else (widths["left"] > widths["right"])
    if rtl:
        assert found["warningIcon"]["left"] >= found["warningText"]["right"] - 1, found
    else:
        assert found["warningIcon"]["right"] <= found["warningText"]["left"] + 1, found

    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(f"/{locale}/test-asides", violations)
