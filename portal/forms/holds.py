"""The legal hold form (portal.cases.holds): why the request is held, and what the hold is
for. Staff pages are English only: plain strings."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.cases.holds import HOLD_REASON_LABELS, NOTE_LIMIT, HoldReason
from portal.forms.casework import CaseActionForm
from portal.forms.fields import Radios, choices, clean_text


class HoldForm(CaseActionForm):
    reason = Radios(
        "Why is the request being held?",
        choices=choices([(reason.value, HOLD_REASON_LABELS[reason]) for reason in HoldReason]),
        validators=[DataRequired("Select why the request is being held")],
    )
    note = TextAreaField(
        "What the hold is for",
        description="For example the ICO's case reference, or who is dealing with the claim",
        filters=[clean_text],
        validators=[
            DataRequired("Write what the hold is for, such as the ICO's case reference"),
            Length(
                max=NOTE_LIMIT,
                message=f"What the hold is for must be {NOTE_LIMIT} characters or fewer",
            ),
        ],
    )
