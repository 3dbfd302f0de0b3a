"""Forms for the staff case page: one per casework action.

Several forms share the case page, so each is made with a prefix (its field ids stay
unique), and the page carries one CSRF token that the app-wide CSRF check reads; the forms
themselves do not check it again. Staff pages are English only: plain strings.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.cases.allocation import NOTE_LENGTH
from portal.cases.casework_models import DisclosureKind, RefusalGround, SearchOutcome
from portal.cases.disclosure import EXEMPTIONS
from portal.cases.models import Channel
from portal.forms.departments import DepartmentChoice, department_field, other_department_field
from portal.forms.fields import Checkboxes, Choice, DateParts, Radios, choices, clean_text

TEXT_LENGTH = 5_000


class CaseActionForm(FlaskForm):
    class Meta:
        csrf = False  # the app-wide CSRFProtect checks the page's single token


def _text(label: str, message: str, *, hint: str = "", limit: int = TEXT_LENGTH) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        filters=[clean_text],
        validators=[
            DataRequired(message),
            Length(max=limit, message=f"{label} must be {limit} characters or fewer"),
        ],
    )


def _name(label: str, message: str) -> StringField:
    return StringField(
        label,
        filters=[clean_text],
        validators=[
            DataRequired(message),
            Length(max=200, message=f"{label} must be 200 characters or fewer"),
        ],
    )


class AcceptIdentityForm(CaseActionForm):
    evidence_arrived_on = DateParts(
        "Date the accepted evidence arrived",
        description="The clock starts on this date, or on the date the request was received if later. For example 27 3 2026",
        required_message="Enter the date the evidence arrived, for example 27 3 2026",
    )


class PostedForm(CaseActionForm):
    """A letter (or the response pack) was sent by post: which one, and when."""

    document_kind = HiddenField(validators=[DataRequired("Reload the page and try again")])
    message_id = HiddenField()
    sent_on = DateParts(
        "Date it was posted",
        description="For example 27 3 2026",
        required_message="Enter the date it was posted, for example 27 3 2026",
    )


class RequestIdentityForm(CaseActionForm):
    what_is_needed = _text(
        "What proof of identity or authority is needed",
        "Say what proof of identity or authority is needed",
        hint="The requester is sent this. The clock does not start until acceptable proof arrives.",
    )


class ClarificationForm(CaseActionForm):
    question = _text(
        "Question for the requester",
        "Write the question the requester needs to answer",
        hint="The requester is sent this. The clock stops from today until they answer (C4).",
    )


class ClarificationAnswerForm(CaseActionForm):
    answer = _text("The requester's answer", "Write down the requester's answer")
    answered_on = DateParts(
        "Date the answer arrived",
        description="For example 27 3 2026",
        required_message="Enter the date the answer arrived, for example 27 3 2026",
    )


class ExtendForm(CaseActionForm):
    reason = _text(
        "Why the request needs more time",
        "Give the reason the request needs more time",
        hint="For example, records are held by six departments. The requester is sent this reason.",
    )


class SearchForm(DepartmentChoice, CaseActionForm):
    department = department_field("Department", "Select the department searched")
    other_department = other_department_field()
    searched_on = DateParts(
        "Date searched",
        description="For example 27 3 2026",
        required_message="Enter the date of the search, for example 27 3 2026",
    )
    outcome = Radios(
        "Outcome",
        choices=choices(
            [
                (SearchOutcome.RECORDS_FOUND.value, "Records found"),
                (SearchOutcome.NONE_HELD.value, "No records held"),
                (SearchOutcome.NOT_SEARCHED.value, "Not searched"),
            ]
        ),
        validators=[DataRequired("Select the outcome of the search")],
    )
    reason_not_searched = TextAreaField(
        "Why this department was not searched",
        description="Only if it was not searched",
        filters=[clean_text],
        validators=[Length(max=TEXT_LENGTH, message="The reason must be 5000 characters or fewer")],
    )


def exemption_choices() -> list:
    return choices(
        (code.value, f"{exemption.source}: {exemption.staff_explanation}")
        for code, exemption in EXEMPTIONS.items()
    )


class DisclosureItemForm(DepartmentChoice, CaseActionForm):
    choice_field = "source_department"
    typed_field = "other_source_department"

    source_department = department_field(
        "Source department", "Select the department the item comes from"
    )
    other_source_department = other_department_field()
    title = StringField(
        "Title",
        filters=[clean_text],
        validators=[
            DataRequired("Give the item a title"),
            Length(max=300, message="The title must be 300 characters or fewer"),
        ],
    )
    kind = Radios(
        "Type of item",
        choices=choices(
            [
                (DisclosureKind.TYPED.value, "Typed record"),
                (DisclosureKind.UPLOADED.value, "Uploaded document"),
            ]
        ),
        validators=[DataRequired("Select whether the item is typed or uploaded")],
    )
    text = TextAreaField("Typed record", description="For a typed record", filters=[clean_text])
    document = FileField(
        "Document",
        description="For an uploaded document: a PDF, a JPEG or PNG picture, an email saved "
        "as a file (.eml), a text file or a Word document (.docx)",
    )
    item_date = DateParts("Date of the record (optional)", description="For example 27 3 2026")
    exemptions = Checkboxes(
        "Exemptions applied (C8)",
        description="Leave empty if nothing was withheld",
        choices=exemption_choices(),
        validators=[Optional()],
    )
    redaction_note = TextAreaField(
        "Staff note: never shown to the resident",
        description=(
            "What was withheld or redacted, and why. Required when an exemption is applied. "
            "The resident reads only the plain-words reason of each exemption chosen above"
        ),
        filters=[clean_text],
        validators=[Length(max=TEXT_LENGTH, message="The note must be 5000 characters or fewer")],
    )


class SubmitForReviewForm(CaseActionForm):
    summary = _text("Summary for the reviewer", "Summarise the draft for the reviewer")


class ConfirmActionForm(CaseActionForm):
    """A button only (approve, complete)."""


class ReturnForm(CaseActionForm):
    comments = _text("What needs to change", "Say what needs to change")


class RefuseForm(CaseActionForm):
    # C5: UK GDPR Art 12(5) (legislation.gov.uk/eur/2016/679/article/12); ICO guidance on
    # manifestly unfounded and excessive requests.
    ground = Radios(
        "Why the request can be refused (UK GDPR Art 12(5))",
        choices=choices(
            [
                (
                    RefusalGround.MANIFESTLY_UNFOUNDED.value,
                    "Manifestly unfounded: not really meant to exercise the right (for "
                    "example, offered to withdraw for a benefit), or made to cause disruption",
                ),
                (
                    RefusalGround.EXCESSIVE.value,
                    "Manifestly excessive: clearly or obviously unreasonable, weighed "
                    "against the burden or cost of dealing with it",
                ),
                (
                    RefusalGround.REPETITIVE.value,
                    "Repetitive: it repeats requests already dealt with, with no reasonable "
                    "interval, so it is manifestly excessive",
                ),
            ]
        ),
        validators=[DataRequired("Select why the request can be refused")],
    )
    reasons = _text(
        "Reasons the request is manifestly unfounded or excessive",
        "Give the reasons for refusing the request",
        hint="The requester is sent these reasons with their right to complain to the ICO and to go to court (C5).",
    )


class WithdrawalForm(CaseActionForm):
    how_received = Radios(
        "How the withdrawal was received",
        choices=choices(
            [
                (Channel.PHONE.value, "Phone"),
                (Channel.LETTER.value, "Letter"),
                (Channel.EMAIL.value, "Email"),
                (Channel.IN_PERSON.value, "In person"),
            ]
        ),
        validators=[DataRequired("Select how the withdrawal was received")],
    )


class AssignForm(CaseActionForm):
    assignee = Choice("Assign to", validators=[Optional()])

    def __init__(self, *args, staff: list[tuple[str, str]] = (), **kwargs):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.assignee.choices = choices([("", "Nobody"), *staff])


class JudgementForm(CaseActionForm):
    """C11: staff's judgement on a child's own request, or a parent's for their child
    (portal.cases.entitlement); the outcomes are set for the case's kind of judgement."""

    outcome = Radios(
        "Your judgement", validators=[DataRequired("Select your judgement")], validate_choice=False
    )
    reasons = _text(
        "Reasons",
        "Give the reasons for your judgement",
        hint="What you weighed: the child's maturity and understanding, the nature of the "
        "information, any court order about parental responsibility, any duty of confidence "
        "to the child, the consequences for the child, and the child's views",
    )
    child_consulted = BooleanField("We asked the child for their views")


class NoteForm(CaseActionForm):
    text = _text(
        "Note", "Write the note", hint="Staff only: never shown to the requester", limit=NOTE_LENGTH
    )
