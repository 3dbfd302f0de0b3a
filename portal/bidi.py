"""Values kept in their own order inside right-to-left text (Unicode bidi isolates, UAX #9).

In Urdu a phone number printed bare reads backwards: "01924 306112" shows as "306112 01924",
because each run of digits is laid out left to right but the runs right to left; a full
stop after English words quoted in Urdu lands at the wrong end. An isolate lays a value
out on its own and then places it as one piece in the sentence.

One mechanism, applied where a value is printed:

* HTML (pages, and letters and packs through WeasyPrint): `ltr` for what always reads left
  to right (phone numbers, references, email and web addresses, postcodes, numbers typed
  by a resident), `isolate` for what takes its own direction from its first letter (dates,
  which Babel writes in Urdu word order in Urdu; free text a resident typed). Both are
  <bdi>, harmless in left-to-right languages, where nothing changes on screen.
* Plain text (emails and their subjects) and sentences built in Python that both emails
  and pages print (a message's summary with its dates): `ltr_text` and `isolate_text` add
  the invisible isolate characters LRI or FSI ... PDI, and only in a right-to-left
  language, so what other languages send is unchanged to the character.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask
from flask_babel import format_date, get_locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LRI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
FSI = "\u2068"  # FIRST STRONG ISOLATE: direction from the first strong letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE: ends either


def ltr(value: object) -> Markup:
    """HTML: the value reads left to right whatever the language around it."""
    if value is None or value == "":
        return Markup("")
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def isolate(value: object) -> Markup:
    """HTML: the value in its own direction (from its first strong letter; left to right
    when it has none, as for a number alone)."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>%s</bdi>") % value


def right_to_left() -> bool:
    """Whether the current language (the page's, or the one an email is written in) is
    written right to left."""
    locale = get_locale()
    return locale is not None and locale.text_direction == "rtl"


def ltr_text(value: object) -> str:
    """Plain text: the value between LRI and PDI in a right-to-left language."""
    return _wrapped(value, LRI)


def isolate_text(value: object) -> str:
    """Plain text: each line of the value between FSI and PDI in a right-to-left language
    (a line break ends every isolate, so each line gets its own)."""
    return _wrapped(value, FSI)


def long_date_text(day: date) -> str:
    """A date in the current language's long form, for a sentence built in Python that
    emails, letters and pages all print (isolated as isolate_text does)."""
    return isolate_text(format_date(day, "long"))


def _wrapped(value: object, opening: str) -> str:
    text = "" if value is None else str(value)
    if not text or not right_to_left():
        return text
    return "\n".join(f"{opening}{line}{PDI}" if line.strip() else line for line in text.split("\n"))


def register(app: Flask) -> None:
    """The filters `ltr`, `isolate`, `ltr_text` and `isolate_text`."""
    app.jinja_env.filters.update(
        ltr=ltr,
        isolate=isolate,
        ltr_text=_at_render_time(ltr_text),
        isolate_text=_at_render_time(isolate_text),
    )


def _at_render_time(function: Callable[[object], str]) -> Callable[..., str]:
    """A filter that depends on the language of the email being written. Jinja works out a
    filter on a constant (`"0303 123 1113"|ltr_text`) once, when it compiles the template,
    in no language at all; a filter that takes the context is left until rendering."""

    @pass_context
    def filter_(_context: Context, value: object) -> str:
        return function(value)

    return filter_
