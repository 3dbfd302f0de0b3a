"""The staff forms of requests to correct, restrict and delete (C14, C15): the proposed
decision, its reasons, its facts (what the record says now or the statement added; the
uses restricted; what was deleted) and the partner agencies told (Art 19); and the notice
before a restriction is lifted (Art 18(3)). Input shape and messages only;
portal.cases.rights_decisions and portal.cases.lifting check the rules."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.cases.agencies import AGENCY_NAMES
from portal.cases.rights_models import CorrectionOutcome, DeletionOutcome, RestrictionOutcome
from portal.forms.casework import TEXT_LENGTH, CaseActionForm, _text
from portal.forms.fields import Checkboxes, DateParts, Radios, choices, clean_text

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


def _told() -> Checkboxes:
    return Checkboxes(
        "Partner agencies told of the decision (UK GDPR Art 19)",
        description="Only when the data changed: restricted or deleted.",
        choices=choices(sorted(AGENCY_NAMES.items())),
        validate_choice=True,
    )


class ProposeRestrictionForm(CaseActionForm):
    """Art 18(1): restrict the uses (those asked for are ticked), or not, with reasons."""

    outcome = Radios(
        "Decision",
        choices=choices(
            (
                (RestrictionOutcome.RESTRICTED.value, "Restrict the uses ticked below"),
                (
                    RestrictionOutcome.NOT_RESTRICTED.value,
                    "Do not restrict: none of the grounds of Art 18(1) applies (reasons below)",
                ),
            )
        ),
        validators=[InputRequired("Choose the decision")],
    )
    processing = Checkboxes(
        "Uses restricted",
        description="They go on the restriction register from the day the reviewer approves.",
        validators=[Optional()],
    )
    reasons = _text("Reasons", "Give the reasons for the decision")
    recipients_told = _told()

    def __init__(self, *args, uses: list[tuple[str, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.processing.choices = choices(uses)


class ProposeDeletionForm(CaseActionForm):
    """Art 17: delete what was asked, part of it, or none (Art 17(3)(b): the public task)."""

    outcome = Radios(
        "Decision",
        choices=choices(
            (
                (DeletionOutcome.DELETED.value, "Delete what they asked us to delete"),
                (DeletionOutcome.PARTLY_DELETED.value, "Delete part of it (reasons for the rest)"),
                (
                    DeletionOutcome.NOT_DELETED.value,
                    "Do not delete it (for example Art 17(3)(b): the programme still needs it)",
                ),
            )
        ),
        validators=[InputRequired("Choose the decision")],
    )
    deleted = _optional_text(
        "What was deleted", "Needed when anything is deleted: the requester reads these words."
    )
    reasons = _text("Reasons", "Give the reasons for the decision")
    recipients_told = _told()


class LiftRestrictionForm(CaseActionForm):
    """Art 18(3): which restricted uses start again, from when, and why; the person is told
    now, before that day."""

    processing = Checkboxes(
        "Restricted uses to lift", validators=[InputRequired("Choose the uses to lift")]
    )
    lift_on = DateParts(
        "Day the use starts again",
        description="After today: the person is told first. For example 27 3 2027",
        required_message="Enter the day the use starts again, for example 27 3 2027",
    )
    reasons = _text("Reasons for lifting", "Give the reasons for lifting the restriction")

    def __init__(self, *args, uses: list[tuple[str, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.processing.choices = choices(uses)
