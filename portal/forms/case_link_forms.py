"""Forms for linking and merging requests on the staff case page (issue 19 point 1).
Staff pages are English only: plain strings."""

from __future__ import annotations

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.cases.case_links import LINK_KIND_TEXT, NOTE_LENGTH
from portal.forms.casework import CaseActionForm
from portal.forms.fields import Radios, choices, clean_text

REFERENCE_HINT = "For example TF-7K3Q-9PMH"


def _reference(label: str, message: str) -> StringField:
    return StringField(
        label,
        description=REFERENCE_HINT,
        filters=[clean_text],
        validators=[DataRequired(message), Length(max=40, message="Enter a reference")],
    )


class LinkForm(CaseActionForm):
    reference = _reference("Reference of the other request", "Enter the other request's reference")
    kind = Radios(
        "How the requests are linked",
        choices=choices([(str(kind), text) for kind, text in LINK_KIND_TEXT.items()]),
        validators=[DataRequired("Select how the requests are linked")],
    )
    note = TextAreaField(
        "Note (optional)",
        description="Staff only: never shown to the requester",
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=NOTE_LENGTH, message=f"Note must be {NOTE_LENGTH} characters or fewer"),
        ],
    )


class MergeForm(CaseActionForm):
    reference = _reference(
        "Reference of the original request", "Enter the reference of the original request"
    )
    confirm = BooleanField(
        "This request is a duplicate of that one: close it, and send its requester to the "
        "original when they follow this reference",
        validators=[DataRequired("Confirm that this request is a duplicate of the original")],
    )
