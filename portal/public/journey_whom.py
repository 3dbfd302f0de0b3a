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
from portal.forms.journeys import AUTHORITY_HINTS, PROCESSING

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


# The proof each authority gives, as the evidence step asks for it (C11).
PROOF_OF_AUTHORITY = {
    "written_permission": _l("The letter signed by them saying you may ask for their information"),
    "lasting_power_of_attorney": _l("A copy of the registered lasting power of attorney"),
    "court_deputy": _l("A copy of the Court of Protection order that appoints you"),
    "solicitor_or_advocate": _l("Their signed letter of authority"),
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
    elif step == "identity" and about.acting_for == "my_child":
        form.authority.description = _l(
            "For example, your child's birth certificate showing you as a parent, or a court order"
        )
    elif step == "identity" and about.authority in PROOF_OF_AUTHORITY:
        form.authority.description = PROOF_OF_AUTHORITY[about.authority]
    elif step == "reasons":
        form.reasons.description = _l(
            "Tell us about their particular situation: why this use of their information affects them, their family or their safety. We will weigh the reasons against why we use the information."  # noqa: E501
        )


def _pairs(given: Sequence[Any]) -> list[tuple[str, Any]]:
    return [(choice.value, choice.label) for choice in given]


def choice_hints(about: AboutWhom) -> dict[str, Any]:
    """The hint under each option: what each thing a resident may object to means, and the
    proof each kind of authority needs (C11)."""
    if about.myself:
        processing = {value: hint for value, _label, hint in PROCESSING}
    else:
        processing = dict(THEIR_PROCESSING_HINTS)
    return {**processing, **AUTHORITY_HINTS}


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
