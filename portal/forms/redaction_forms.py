"""Forms for redacting an uploaded record (staff, English): a term search, a decision on
each place found, and an area drawn or lines picked on a page."""

from __future__ import annotations

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from portal.forms.casework import CaseActionForm, exemption_choices
from portal.forms.fields import Checkboxes, Choice, Radios, choices, clean_text


def exemption_options() -> list:
    """Every exemption, after an empty first option (no exemption is ever preselected)."""
    return [*choices([("", "Choose an exemption")]), *exemption_choices()]


def _exemption(message: str = "Choose the exemption that applies") -> Choice:
    return Choice("Exemption (C8)", choices=exemption_options(), validators=[DataRequired(message)])


class TermSearchForm(CaseActionForm):
    terms = TextAreaField(
        "Names, addresses, phone numbers or references to find",
        description="One a line. Every place each is found is listed for you to accept or reject",
        filters=[clean_text],
        validators=[Optional()],
    )
    offered = Checkboxes(
        "Other people named in the request",
        description="Find these too",
        choices=[],
        validators=[Optional()],
    )


class DecisionForm(CaseActionForm):
    decision = Radios(
        "Redact this place?",
        choices=choices([("accept", "Yes, redact it"), ("reject", "No, leave it")]),
        validators=[DataRequired("Choose whether to redact this place")],
    )
    exemption = Choice("Exemption (C8)", choices=exemption_options(), validators=[Optional()])


class TakeBackForm(CaseActionForm):
    """A button: an accepted redaction is taken back (the place is released)."""


# left,top,right,bottom as fractions of the page picture, from its top left.
AREA_PATTERN = r"^\s*(0(\.\d+)?|1(\.0+)?)(\s*,\s*(0(\.\d+)?|1(\.0+)?)){3}\s*$"


class AreaForm(CaseActionForm):
    area = HiddenField(
        validators=[
            DataRequired("Draw a box on the page"),
            Regexp(AREA_PATTERN, message="Draw a box on the page"),
        ]
    )
    exemption = _exemption()


class LinesForm(CaseActionForm):
    lines = Checkboxes(
        "Lines to redact",
        choices=[],
        validators=[DataRequired("Choose at least one line to redact")],
    )
    exemption = _exemption()
