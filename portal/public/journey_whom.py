"""The journeys' words for who the request is about (C11).

After "My child" or "Someone who has given me written permission", the questions, their
options and the check-your-answers page talk about "your child" or "them" rather than
"me", and name the person where it reads naturally ("Everything the council holds about
your child, Zofia Kowalska, for the programme"). The labels a resident answering for
themselves reads are the forms' own (portal.forms.journeys).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.bidi import isolate_text
from portal.cases.about_whom import AboutWhom
from portal.forms.fields import choices
from portal.forms.journeys import PROCESSING

EVERYTHING = {
    "my_child": _l("Everything the council holds about your child, %(name)s, for the programme"),
    "someone_else": _l("Everything the council holds about %(name)s for the programme"),
}
# What an objection for someone else stops: "their" information (the person named).
THEIR_PROCESSING = {
    "programme": _l("Linking their information for the whole programme"),
}
THEIR_PROCESSING_HINTS = {
    "programme": _l(
        "Stop using their information to find families and plan support through Think Family."
    ),
    "sharing": _l("Stop sharing their information with the organisations I choose below."),
    "national_study": _l(
        "Stop sending their information to the national research run by the Office for National Statistics and NIESR."  # noqa: E501
    ),
    "local_research": _l("Stop using their information to evaluate the programme in our area."),
}


def adapt_form(form: Any, step: str, about: AboutWhom) -> None:
    """Put a question's labels in the words for who the request is about."""
    if about.myself:
        return
    if step == "what":
        form.scope.choices = choices(
            (value, about.words(label, *EVERYTHING.values(), name=isolate_text(about.name)))
            if value == "everything"
            else (value, label)
            for value, label in _pairs(form.scope.choices)
        )
    elif step == "processing":
        form.processing.choices = choices(
            (value, THEIR_PROCESSING.get(value, label))
            for value, label in _pairs(form.processing.choices)
        )
    elif step == "identifiers":
        form.ni_number.description = _l(
            "It's on their National Insurance card, payslip or P60. For example, QQ 12 34 56 C"
        )
    elif step == "delivery":
        form.delivery.label.text = _("How would you like to receive the information?")
    elif step == "reasons":
        form.reasons.description = _l(
            "Tell us about their particular situation: why this use of their information affects them, their family or their safety. We will weigh the reasons against why we use the information."  # noqa: E501
        )


def _pairs(given: Sequence[Any]) -> list[tuple[str, Any]]:
    return [(choice.value, choice.label) for choice in given]


def processing_hints(about: AboutWhom) -> dict[str, Any]:
    """What each thing a resident may object to means, under its checkbox."""
    if about.myself:
        return {value: hint for value, _label, hint in PROCESSING}
    return dict(THEIR_PROCESSING_HINTS)


def asking_for(about: AboutWhom) -> str:
    """A reminder, on the pages that ask what the request covers, of whom it is about."""
    if about.myself or not about.name:
        return ""
    return about.words(
        "",
        _l("You are asking for your child, %(name)s."),
        _l("You are asking for %(name)s."),
        name=isolate_text(about.name),
    )
