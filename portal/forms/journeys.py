"""One form per question page of the access request and objection journeys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from portal.forms.fields import (
    Checkboxes,
    Choice,
    DateParts,
    Radios,
    choices,
    clean_text,
    past_date,
    valid_nhs_number,
    valid_ni_number,
    valid_postcode,
)

TEXT = [clean_text]

AGENCIES = (
    ("police", _l("Police")),
    ("schools", _l("Schools and colleges")),
    ("health", _l("Health services, including the NHS")),
    ("dwp", _l("Department for Work and Pensions (DWP)")),
    ("housing", _l("Housing")),
    ("probation", _l("Probation services")),
    ("social_care", _l("Social care")),
    ("council", _l("Other council departments")),
)

PROCESSING = (
    (
        "programme",
        _l("Linking my information for the whole programme"),
        _l("Stop using my information to find families and plan support through Think Family."),
    ),
    (
        "sharing",
        _l("Sharing with particular organisations"),
        _l("Stop sharing my information with the organisations I choose below."),
    ),
    (
        "national_study",
        _l("The National Impact Study"),
        _l(
            "Stop sending my information to the national research run by the Office for National Statistics and NIESR."
        ),
    ),
    (
        "local_research",
        _l("Local research"),
        _l("Stop using my information to evaluate the programme in our area."),
    ),
)


class WhoForm(FlaskForm):
    acting_for = Radios(
        _l("Who is the request about?"),
        choices=choices(
            (
                ("myself", _l("Myself")),
                ("my_child", _l("My child")),
                (
                    "someone_else",
                    _l("Someone I act for, with their permission or a legal authority"),
                ),
            )
        ),
        validators=[InputRequired(_l("Select who the request is about"))],
    )


# C11: on what authority someone asks for another adult, and the proof each needs (the
# evidence step asks for it, in these words: portal.public.journey_whom).
AUTHORITIES = (
    ("written_permission", _l("They have given me written permission")),
    ("lasting_power_of_attorney", _l("I am their attorney under a lasting power of attorney")),
    ("court_deputy", _l("I am their deputy, appointed by the Court of Protection")),
    ("solicitor_or_advocate", _l("I am their solicitor or advocate")),
)
AUTHORITY_HINTS = {
    "written_permission": _l(
        "You will need a letter signed by them saying you may ask for their information."
    ),
    "lasting_power_of_attorney": _l(
        "You will need a copy of the registered lasting power of attorney."
    ),
    "court_deputy": _l("You will need a copy of the court order that appoints you."),
    "solicitor_or_advocate": _l("You will need their signed letter of authority."),
}


class AuthorityForm(FlaskForm):
    authority = Radios(
        _l("What gives you the right to act for them?"),
        choices=choices(AUTHORITIES),
        validators=[InputRequired(_l("Select what gives you the right to act for them"))],
    )


class RequesterForm(FlaskForm):
    requester_name = StringField(
        _l("Your full name"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter your full name")),
            Length(max=200, message=_l("Your name must be 200 characters or fewer")),
        ],
    )
    relationship = StringField(
        _l("Your relationship to them"),
        description=_l("For example, mother, father, guardian, solicitor, advocate"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter your relationship to the person")),
            Length(max=200, message=_l("Your relationship must be 200 characters or fewer")),
        ],
    )


class SubjectNameForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter the full name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    other_names = TextAreaField(
        _l("Other names used (optional)"),
        description=_l("For example, a previous surname or a name used at school"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(max=1000, message=_l("Other names must be 1000 characters or fewer")),
        ],
    )


class DateOfBirthForm(FlaskForm):
    date_of_birth = DateParts(
        _l("Date of birth"),
        example="27 3 2007",
        required_message=_l("Enter the date of birth"),
        validators=[past_date(_l("The date of birth must be in the past"))],
    )


class AddressForm(FlaskForm):
    address = TextAreaField(
        _l("Current address"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter the current address")),
            Length(max=1000, message=_l("The address must be 1000 characters or fewer")),
        ],
    )
    postcode = StringField(
        _l("Postcode"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter the postcode")),
            Length(max=10, message=_l("Enter a real postcode, like WF1 2EB")),
            valid_postcode,
        ],
    )
    previous_addresses = TextAreaField(
        _l("Previous addresses in the time you are asking about (optional)"),
        description=_l("This helps us find records kept under an old address"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(max=3000, message=_l("Previous addresses must be 3000 characters or fewer")),
        ],
    )


class ContactForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l("We will send your reference and updates here"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(
                max=320,
                message=_l("Enter an email address in the correct format, like name@example.com"),
            ),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ],
    )
    postal_address = TextAreaField(
        _l("Postal address for letters"),
        description=_l("Leave empty if you only want email"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(max=1000, message=_l("The address must be 1000 characters or fewer")),
        ],
    )
    phone = StringField(
        _l("Phone number (optional)"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(max=40, message=_l("Enter a phone number, like 01924 306112")),
        ],
    )
    letters_language = Choice(
        _l("Which language should we write to you in?"),
        validators=[InputRequired(_l("Select a language"))],
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.data and not self.postal_address.data and not self.email.errors:
            # Checked here: Optional() on each field stops its own validators when empty.
            self.postal_address.errors = [
                *self.postal_address.errors,
                _l("Enter an email address or a postal address, so we can reply"),
            ]
            return False
        return valid

    def validate_phone(self, field):
        if field.data and not any(ch.isdigit() for ch in field.data):
            raise ValidationError(_l("Enter a phone number, like 01924 306112"))


class IdentifiersForm(FlaskForm):
    ni_number = StringField(
        _l("National Insurance number (optional)"),
        description=_l(
            "It's on your National Insurance card, payslip or P60. For example, QQ 12 34 56 C"
        ),
        filters=TEXT,
        validators=[
            Optional(),
            Length(
                max=20,
                message=_l(
                    "Enter a National Insurance number in the right format, like QQ 12 34 56 C"
                ),
            ),
            valid_ni_number,
        ],
    )
    nhs_number = StringField(
        _l("NHS number (optional)"),
        description=_l("A 10-digit number, for example 943 476 5919"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(
                max=20,
                message=_l("Enter a 10-digit NHS number, like 943 476 5919. Check it for mistakes"),
            ),
            valid_nhs_number,
        ],
    )
    other_references = TextAreaField(
        _l("Any other reference numbers (optional)"),
        description=_l("For example, a school, police or housing reference"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(max=1000, message=_l("References must be 1000 characters or fewer")),
        ],
    )


class ScopeForm(FlaskForm):
    scope = Radios(
        _l("What information do you want?"),
        choices=choices(
            (
                ("everything", _l("Everything the council holds about me for the programme")),
                ("agencies", _l("Information from particular organisations")),
            )
        ),
        validators=[InputRequired(_l("Select what information you want"))],
    )
    agencies = Checkboxes(
        _l("Which organisations?"),
        choices=choices(AGENCIES),
        validate_choice=True,
    )
    date_from = DateParts(_l("From (optional)"), example="1 1 2020")
    date_to = DateParts(_l("To (optional)"), example="31 12 2024")

    def validate_agencies(self, field):
        if self.scope.data == "agencies" and not field.data:
            raise ValidationError(_l("Select at least one organisation"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be the same as or after the start date"))


class DeliveryForm(FlaskForm):
    delivery = Radios(
        _l("How would you like to receive your information?"),
        choices=choices(
            (
                ("download", _l("Secure download: we email you when it is ready")),
                ("post", _l("By post")),
                ("hub", _l("Collect it at an Early Help Hub")),
            )
        ),
        validators=[InputRequired(_l("Select how you would like to receive your information"))],
    )
    formats = Checkboxes(
        _l("Do you need it in a particular format? (optional)"),
        choices=choices(
            (
                ("large_print", _l("Large print")),
                ("easy_read", _l("Easy Read")),
                ("other", _l("Something else")),
            )
        ),
        validate_choice=True,
    )
    other_format = StringField(
        _l("What format do you need?"),
        filters=TEXT,
        # No Optional(): it would stop validate_other_format from asking for it when empty.
        validators=[Length(max=500, message=_l("The format must be 500 characters or fewer"))],
    )
    collect_hub = Choice(_l("Which hub?"), validate_choice=False)

    def validate_other_format(self, field):
        if "other" in (self.formats.data or []) and not field.data:
            raise ValidationError(_l("Tell us what format you need"))


class ProcessingForm(FlaskForm):
    processing = Checkboxes(
        _l("What do you object to?"),
        choices=choices((value, label) for value, label, _hint in PROCESSING),
        validate_choice=True,
        validators=[DataRequired(_l("Select at least one thing you object to"))],
    )
    agencies = Checkboxes(
        _l("Which organisations should we stop sharing with?"),
        choices=choices(AGENCIES),
        validate_choice=True,
    )

    def validate_agencies(self, field):
        if "sharing" in (self.processing.data or []) and not field.data:
            raise ValidationError(_l("Select at least one organisation"))


class ReasonsForm(FlaskForm):
    reasons = TextAreaField(
        _l("Why do you object?"),
        description=_l(
            "Tell us about your particular situation: why this use of your information affects you, your family or your safety. We will weigh your reasons against why we use the information."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us why you object")),
            Length(max=5000, message=_l("Your reasons must be 5000 characters or fewer")),
        ],
    )


class RestrictForm(FlaskForm):
    """C12: restriction while the objection is considered (UK GDPR Art 18(1)(d))."""

    restrict = Radios(
        _l("While we decide, should we stop the uses you object to?"),
        description=_l(
            "Deciding can take up to a month, or longer if your objection is complex. If you choose yes, we stop these uses from the day we receive your objection until we tell you our decision. If we then decide to carry on with any of them, we will tell you before we start again."
        ),
        choices=choices(
            (
                ("yes", _l("Yes, stop them until you decide")),
                ("no", _l("No, carry on until you decide")),
            )
        ),
        validators=[InputRequired(_l("Select yes if we should stop these uses while we decide"))],
    )


class IdentityForm(FlaskForm):
    how = Radios(
        _l("How will you prove who you are?"),
        choices=choices(
            (
                ("upload", _l("Upload photos or scans now")),
                ("hub", _l("Show my documents at an Early Help Hub")),
            )
        ),
        validators=[InputRequired(_l("Select how you will prove who you are"))],
    )
    photo_id = MultipleFileField(
        _l("Photo ID"),
        description=_l("For example, a passport, driving licence or biometric residence permit"),
    )
    proof_of_address = MultipleFileField(
        _l("Proof of address"),
        description=_l(
            "For example, a council tax bill, bank statement or benefit letter from the last 3 months"
        ),
    )
    authority = MultipleFileField(
        _l("Proof you may act for them"),
        description=_l(
            "For example, a signed letter of authority, a birth certificate or a court order"
        ),
    )


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "I confirm that the information I have given is true, and that I am the person named or have the right to act for them"
        ),
        validators=[DataRequired(_l("Confirm that the information is true to send your request"))],
    )
