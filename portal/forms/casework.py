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
    EmailField,
    Field,
    HiddenField,
    MultipleFileField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.cases.allocation import NOTE_LENGTH
from portal.cases.casework_models import DisclosureKind, SearchOutcome
from portal.cases.disclosure import EXEMPTIONS
from portal.cases.models import ActingFor, Authority, Channel
from portal.forms.departments import DepartmentChoice, department_field, other_department_field
from portal.forms.fields import Checkboxes, Choice, DateParts, Radios, choices, clean_text
from portal.i18n import LANGUAGES

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
    document = FileField("Document", description="For an uploaded document")
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


def _contact_fields(whose: str, address_description: str = "") -> tuple[Field, ...]:
    """Optional address, postcode, email and phone fields, labelled "Address{whose}" etc."""
    return (
        TextAreaField(
            f"Address{whose} (optional)",
            description=address_description,
            filters=[clean_text],
            validators=[Length(max=1000, message="The address must be 1000 characters or fewer")],
        ),
        StringField(
            f"Postcode{whose} (optional)",
            filters=[clean_text],
            validators=[Length(max=10, message="Enter a real postcode, like WF1 2EB")],
        ),
        EmailField(
            f"Email address{whose} (optional)",
            filters=[clean_text],
            validators=[
                Optional(),
                Email("Enter an email address like name@example.com", check_deliverability=False),
            ],
        ),
        StringField(
            f"Phone number{whose} (optional)",
            filters=[clean_text],
            validators=[Length(max=40, message="The phone number must be 40 characters or fewer")],
        ),
    )


class IntakeForm(FlaskForm):
    """A request made by phone, letter, email or in person at a hub, keyed in by staff."""

    idempotency_key = HiddenField(validators=[DataRequired("Reload the page and try again")])
    kind = Radios(
        "Type of request",
        choices=choices([("access", "Subject access request"), ("objection", "Objection")]),
        validators=[DataRequired("Select the type of request")],
    )
    channel = Radios(
        "How the request was made",
        choices=choices(
            [
                (Channel.PHONE.value, "Phone"),
                (Channel.LETTER.value, "Letter"),
                (Channel.EMAIL.value, "Email"),
                (Channel.IN_PERSON.value, "In person at a hub"),
            ]
        ),
        validators=[DataRequired("Select how the request was made")],
    )
    received_on = DateParts(
        "Date the council received it",
        description="The date the letter arrived or the call was taken, for example 27 3 2026",
        required_message="Enter the date the request was received, for example 27 3 2026",
    )
    received_time = StringField(
        "Time it was received (UK time)",
        description="24-hour clock, for example 14:30",
        filters=[clean_text],
        validators=[
            DataRequired("Enter the time the request was received, for example 14:30"),
            Regexp(
                r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
                message="Enter the time on the 24-hour clock, for example 14:30",
            ),
        ],
    )
    language = Radios(
        "Language for letters and emails",
        description="The language the person wrote or spoke in, if we offer it",
        choices=choices(
            [
                (
                    code,
                    lang.english_name
                    if lang.native_name == lang.english_name
                    else f"{lang.english_name} ({lang.native_name})",
                )
                for code, lang in LANGUAGES.items()
            ]
        ),
        default="en",
        validators=[DataRequired("Select the language for letters and emails")],
    )
    hub = Choice(
        "Early Help Hub",
        description="The hub where the request was made in person, or that sent the person to us "
        "(optional for phone, letter and email)",
        validate_choice=False,  # the council's hubs, set by the view
    )
    full_name = _name("Full name of the person the request is about", "Enter their full name")
    date_of_birth = DateParts("Date of birth (optional)", description="For example 27 3 1990")
    address, postcode, email, phone = _contact_fields("")
    acting_for = Radios(
        "Who is making the request",
        choices=choices(
            [
                (ActingFor.MYSELF.value, "The person the request is about"),
                (ActingFor.MY_CHILD.value, "A parent or carer, for their child"),
                (
                    ActingFor.SOMEONE_ELSE.value,
                    "Someone else with the person's authority, such as a solicitor or advocate",
                ),
            ]
        ),
        default=ActingFor.MYSELF.value,
        validators=[DataRequired("Select who is asking")],
    )
    authority = Radios(
        "Their authority to act for the person (if someone other than a parent is asking)",
        choices=choices(
            [
                (Authority.WRITTEN_PERMISSION.value, "The person's written permission"),
                (
                    Authority.LASTING_POWER_OF_ATTORNEY.value,
                    "Attorney under a lasting power of attorney (ask for the registered LPA)",
                ),
                (
                    Authority.COURT_DEPUTY.value,
                    "Deputy appointed by the Court of Protection (ask for the court order)",
                ),
                (
                    Authority.SOLICITOR_OR_ADVOCATE.value,
                    "Solicitor or advocate (ask for the person's signed letter of authority)",
                ),
            ]
        ),
        validate_choice=False,
    )
    requester_name = StringField(
        "Full name of the person asking (if someone else is asking)",
        filters=[clean_text],
        validators=[Length(max=200, message="Their name must be 200 characters or fewer")],
    )
    relationship = StringField(
        "Their relationship to the person the request is about",
        description="For example mother, foster carer or solicitor",
        filters=[clean_text],
        validators=[Length(max=200, message="The relationship must be 200 characters or fewer")],
    )
    requester_address, requester_postcode, requester_email, requester_phone = _contact_fields(
        " of the person asking", address_description="Letters go to the person asking"
    )
    delivery = Radios(
        "How they want their information (access requests)",
        choices=choices(
            [("post", "By post"), ("download", "Secure download"), ("hub", "Collect at a hub")]
        ),
        validate_choice=False,
    )
    processing = Checkboxes(
        "What they object to (objections)",
        choices=choices(
            [
                ("programme", "Linking their information for the programme"),
                ("national_study", "The National Impact Study"),
                ("local_research", "Local research"),
            ]
        ),
    )
    reasons = TextAreaField(
        "Why they object (objections)",
        filters=[clean_text],
        validators=[Length(max=TEXT_LENGTH, message="Write 5000 characters or fewer")],
    )
    restrict = BooleanField(
        "They asked us to stop the uses they object to while we decide (objections, C12)"
    )
    identity_at_hub = BooleanField("Their identity was checked in person at a hub")
    # Evidence that came with the request (a letter's enclosures, a scan made at a hub):
    # checked and scanned as residents' files are (portal.staff.intake).
    photo_id = MultipleFileField("Photo ID (optional)")
    proof_of_address = MultipleFileField("Proof of address (optional)")
    authority_proof = MultipleFileField(
        "Proof that the person asking may act (optional)",
        description="For example the birth certificate, the registered lasting power of "
        "attorney, the Court of Protection order or the signed letter of authority",
    )

    def validate_hub(self, field):
        hubs = {value for value, _label in field.choices or []} - {""}
        if field.data and field.data not in hubs:
            raise ValidationError("Select one of the hubs shown")
        if not field.data and self.channel.data == Channel.IN_PERSON.value:
            raise ValidationError("Select the hub where the request was made")

    def validate_requester_name(self, field):
        if self._someone_else_asks() and not field.data:
            raise ValidationError("Enter the full name of the person asking")

    def validate_relationship(self, field):
        if self._someone_else_asks() and not field.data:
            raise ValidationError("Enter their relationship to the person the request is about")

    def validate_authority(self, field):
        if self.acting_for.data == ActingFor.SOMEONE_ELSE.value and field.data not in {
            authority.value for authority in Authority if authority != "parental_responsibility"
        }:
            raise ValidationError("Select their authority to act for the person")

    def _someone_else_asks(self) -> bool:
        return self.acting_for.data in (ActingFor.MY_CHILD.value, ActingFor.SOMEONE_ELSE.value)

    def validate_delivery(self, field):
        if self.kind.data == "access" and field.data not in ("post", "download", "hub"):
            raise ValidationError("Select how they want their information")

    def validate_processing(self, field):
        if self.kind.data == "objection" and not field.data:
            raise ValidationError("Select at least one thing they object to")
