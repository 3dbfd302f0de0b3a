"""The staff form of a correction request (C14): the proposed decision, its reasons, what
the record says now or the statement added, and the partner agencies told (Art 19).
Input shape and messages only; portal.cases.corrections checks the rules."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.cases.agencies import AGENCY_NAMES
from portal.cases.rights_models import CorrectionOutcome
from portal.forms.casework import TEXT_LENGTH, CaseActionForm, _text
from portal.forms.fields import Checkboxes, Radios, choices, clean_text

OUTCOME_LABELS = (
    (CorrectionOutcome.CORRECTED.value, "Correct the record"),
    (
        CorrectionOutcome.STATEMENT_ADDED.value,
        "Do not correct it: add the person's supplementary statement to the record",
    ),
    (CorrectionOutcome.NOT_CORRECTED.value, "Do not correct it (reasons below)"),
)


def _optional_text(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=TEXT_LENGTH, message=f"{label} must be {TEXT_LENGTH} characters or fewer"),
        ],
    )


class ProposeCorrectionForm(CaseActionForm):
    outcome = Radios(
        "Decision",
        choices=choices(OUTCOME_LABELS),
        validators=[InputRequired("Choose the decision")],
    )
    reasons = _text("Reasons", "Give the reasons for the decision")
    record_now_says = _optional_text(
        "What the record says now", "Needed when the record is corrected."
    )
    statement = _optional_text(
        "Supplementary statement added to the record",
        "The person's own words, needed when their statement is added (UK GDPR Art 16).",
    )
    recipients_told = Checkboxes(
        "Partner agencies told of the correction (UK GDPR Art 19)",
        choices=choices(sorted(AGENCY_NAMES.items())),
        validate_choice=True,
    )
