"""portal.bidi: values isolated in HTML always, in plain text only in a right-to-left
language, and the plain-text filters decided when a template is rendered."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string
from flask_babel import force_locale

from portal.bidi import FSI, LRI, PDI, isolate, isolate_text, long_date_text, ltr, ltr_text


def test_html_isolates_escape_what_they_wrap(app):
    assert ltr("01924 306112") == '<bdi dir="ltr">01924 306112</bdi>'
    assert ltr("<b>x</b>") == '<bdi dir="ltr">&lt;b&gt;x&lt;/b&gt;</bdi>'
    assert isolate("12 Westgate") == "<bdi>12 Westgate</bdi>"
    assert ltr("") == isolate(None) == ""


@pytest.mark.parametrize("locale", ["en_GB", "pl", "ro", "lt", "lv"])
def test_plain_text_is_unchanged_in_left_to_right_languages(app, locale):
    with app.test_request_context(), force_locale(locale):
        assert ltr_text("TF-7K3Q-9PMH") == "TF-7K3Q-9PMH"
        assert isolate_text("Which years?\nAll of them.") == "Which years?\nAll of them."


def test_plain_text_is_isolated_line_by_line_in_urdu(app):
    with app.test_request_context(), force_locale("ur"):
        assert ltr_text("01924 306112") == f"{LRI}01924 306112{PDI}"
        # A line break ends every isolate: each line gets its own; empty lines stay empty.
        assert isolate_text("Which years?\n\nAll of them.") == (
            f"{FSI}Which years?{PDI}\n\n{FSI}All of them.{PDI}"
        )
        assert ltr_text("") == ""
        assert long_date_text(date(2026, 3, 15)) == f"{FSI}15 مارچ، 2026{PDI}"


def test_plain_text_is_isolated_in_sorani_and_dates_keep_western_digits(app):
    """Sorani is the second right-to-left language: the same isolates, and a long date
    in Sorani words with the day and year in Western digits (CLDR's ckb long form)."""
    with app.test_request_context(), force_locale("ckb"):
        assert ltr_text("01924 306112") == f"{LRI}01924 306112{PDI}"
        assert ltr_text("TF-7K3Q-9PMH") == f"{LRI}TF-7K3Q-9PMH{PDI}"
        assert isolate_text("Which years?\nAll of them.") == (
            f"{FSI}Which years?{PDI}\n{FSI}All of them.{PDI}"
        )
        assert long_date_text(date(2026, 3, 15)) == f"{FSI}15ی ئازاری 2026{PDI}"


def test_a_plain_text_filter_on_a_constant_waits_for_the_emails_language(app):
    """Jinja would work out `"..."|filter` once, at compile time, in no language."""
    template = '{{ "0303 123 1113"|ltr_text }}'
    with app.test_request_context():
        with force_locale("en_GB"):
            assert render_template_string(template) == "0303 123 1113"
        for right_to_left in ("ur", "ckb"):
            with force_locale(right_to_left):
                assert render_template_string(template) == f"{LRI}0303 123 1113{PDI}"
