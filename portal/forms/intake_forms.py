"""The staff intake form: a request made by phone, letter, email or in person at a hub,
keyed in by staff, of any kind a resident can make online (C11, C13-C15). Input shape and
messages only; portal.staff.intake builds the submission and portal.cases.intake checks it.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.cases.models import ActingFor, Authority, Channel
from portal.forms.casework import TEXT_LENGTH, _name
from portal.forms.fields import Checkboxes, Choice, DateParts, Radios, choices, clean_text
from portal.i18n import LANGUAGES


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


def _words(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[clean_text],
        validators=[Length(max=TEXT_LENGTH, message="Write 5000 characters or fewer")],
    )


# What each kind needs beyond the person: field and the message when it is missing.
NEEDED = {
    "correction": (
        ("wrong", "Write what they say is wrong"),
        ("should_say", "Write what they say it should say"),
    ),
    "restriction": (
        ("restriction_ground", "Select their ground for restriction"),
        ("why", "Write why, in their words"),
    ),
    "deletion": (
        ("what_to_delete", "Write what they want deleted"),
        ("deletion_ground", "Select their ground for deletion"),
        ("why", "Write why, in their words"),
    ),
    "complaint": (("complaint", "Write what the complaint is about"),),
}
GROUNDS = {
    "restriction_ground": {"accuracy", "unlawful", "legal_claim", "objected"},
    "deletion_ground": {"not_needed", "objected", "unlawful", "other"},
}


class IntakeForm(FlaskForm):
    """A request made by phone, letter, email or in person at a hub, keyed in by staff."""

    idempotency_key = HiddenField(validators=[DataRequired("Reload the page and try again")])
    kind = Radios(
        "Type of request",
        choices=choices(
            [
                ("access", "Subject access request"),
                ("objection", "Objection"),
                ("correction", "Request to correct information (Art 16)"),
                ("restriction", "Request to stop using information: restriction (Art 18)"),
                ("deletion", "Request to delete information (Art 17)"),
                ("complaint", "Complaint about how we handled information (DPA 2018 s.164A)"),
            ]
        ),
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
        "What they object to, or the uses to stop (objections and restriction requests)",
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
    # C14, C15: requests to correct, restrict and delete, in the person's words.
    wrong = _words("What they say is wrong (corrections)")
    should_say = _words("What they say it should say (corrections)")
    what_to_delete = _words("What they want deleted (deletion requests)")
    restriction_ground = Radios(
        "Their ground (restriction requests, Art 18(1))",
        choices=choices(
            [
                ("accuracy", "They contest its accuracy, while we check it (a)"),
                ("unlawful", "Unlawful use: they want it restricted, not deleted (b)"),
                ("legal_claim", "We no longer need it; they need it for a legal claim (c)"),
                ("objected", "They objected, while we decide (d)"),
            ]
        ),
        validate_choice=False,
    )
    deletion_ground = Radios(
        "Their ground (deletion requests, Art 17(1))",
        choices=choices(
            [
                ("not_needed", "No longer needed (a)"),
                ("objected", "They objected to its use (c)"),
                ("unlawful", "Held unlawfully (d)"),
                ("other", "Another reason"),
            ]
        ),
        validate_choice=False,
    )
    why = _words("Why, in their words (restriction and deletion requests)")
    tell_me = BooleanField(
        "They asked to be told which organisations we tell (Art 19: corrections, "
        "restriction and deletion requests)"
    )
    # C13: a complaint (no proof of identity is needed).
    complaint = _words("What the complaint is about (complaints)")
    earlier_reference = StringField(
        "Reference of the earlier request it is about (complaints, optional)",
        description="For example TF-7K3M-9QXD",
        filters=[clean_text],
        validators=[Length(max=20, message="A reference is like TF-7K3M-9QXD")],
    )
    outcome_wanted = _words("What they would like us to do (complaints, optional)")
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
        if self.kind.data == "restriction" and not field.data:
            raise ValidationError("Select at least one use they want stopped")

    def validate(self, extra_validators=None) -> bool:
        """The fields the chosen kind needs (C13-C15), as a resident's journey asks them."""
        valid = super().validate(extra_validators)
        for name, message in NEEDED.get(self.kind.data or "", ()):
            field = getattr(self, name)
            if not field.data:
                field.errors = [*field.errors, message]
                valid = False
        for name, allowed in GROUNDS.items():
            field = getattr(self, name)
            if field.data and field.data not in allowed:
                field.errors = [*field.errors, "Select one of the grounds shown"]
                valid = False
        return valid
