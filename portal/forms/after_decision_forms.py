"""Staff forms for what follows a decision: an internal review's outcome and a complaint
to the ICO (portal.cases.internal_reviews, portal.cases.ico_cases). English only."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from portal.cases.after_decision_models import IcoOutcome, ReviewOutcome
from portal.forms.casework import CaseActionForm, _text
from portal.forms.fields import DateParts, Radios, choices, clean_text

REVIEW_OUTCOME_LABELS = {
    ReviewOutcome.UPHELD: "Upheld: the decision was wrong and will be put right",
    ReviewOutcome.PARTLY_UPHELD: "Partly upheld: part of the decision changes",
    ReviewOutcome.NOT_UPHELD: "Not upheld: the decision stands",
}
ICO_OUTCOME_LABELS = {
    IcoOutcome.NO_FURTHER_ACTION: "No further action",
    IcoOutcome.ADVICE_GIVEN: "The ICO gave the council advice or recommendations",
    IcoOutcome.ACTION_REQUIRED: "The ICO required the council to act",
    IcoOutcome.WITHDRAWN: "The complaint was withdrawn",
}


class ReviewOutcomeForm(CaseActionForm):
    outcome = Radios(
        "Outcome of the review",
        choices=choices([(key.value, text) for key, text in REVIEW_OUTCOME_LABELS.items()]),
        validators=[DataRequired("Select the outcome of the review")],
    )
    reasons = _text(
        "Reasons",
        "Give the reasons for the outcome",
        hint="The requester is sent these, as written, with the route to the ICO.",
    )
    no_one_else_could = BooleanField(
        "I made the decision under review, and no one else can review it"
    )


class IcoCaseForm(CaseActionForm):
    ico_reference = StringField(
        "ICO reference",
        description="As the ICO writes it, for example IC-123456-A1B2",
        filters=[clean_text],
        validators=[
            DataRequired("Enter the ICO's reference"),
            Length(max=40, message="The ICO reference must be 40 characters or fewer"),
        ],
    )
    received_on = DateParts(
        "Date the ICO's letter arrived",
        description="For example 27 3 2026",
        required_message="Enter the date the ICO's letter arrived, for example 27 3 2026",
    )
    what_ico_asked = _text("What the ICO asked", "Write what the ICO asked")


class IcoResponseForm(CaseActionForm):
    responded_on = DateParts(
        "Date the council answered the ICO",
        description="For example 27 3 2026",
        required_message="Enter the date the council answered the ICO, for example 27 3 2026",
    )


class IcoCloseForm(CaseActionForm):
    outcome = Radios(
        "How the ICO closed its case",
        choices=choices([(key.value, text) for key, text in ICO_OUTCOME_LABELS.items()]),
        validators=[DataRequired("Select how the ICO closed its case")],
    )
    note = _text("What the ICO decided", "Write what the ICO decided")
    closed_on = DateParts(
        "Date the ICO closed its case",
        description="For example 27 3 2026",
        required_message="Enter the date the ICO closed its case, for example 27 3 2026",
    )
