"""Forms for following a request: sign in with reference, email address and a code; send
more evidence; withdraw."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.cases.references import parse_reference
from portal.forms.fields import choices, clean_text

TEXT = [clean_text]

CODE_LENGTH = 6


def valid_reference(form, field):
    """The check character catches a mistyped reference here, before any lookup."""
    if field.data and parse_reference(field.data) is None:
        raise ValidationError(
            _l(
                "Check your reference number. Enter it as it appears on your confirmation, like TF-7K3Q-9PMH"
            )
        )


def normalise_code(value: object) -> object:
    """Digits only: spaces and dashes dropped, and digits from any script (such as ۴۸۲ on an
    Urdu keyboard) read as the digits they are."""
    if not isinstance(value, str):
        return value
    kept = []
    for character in value:
        if character in " -\u00a0\u2010\u2011\u2012\u2013\u2014\u2212":
            continue
        digit = unicodedata.decimal(character, None)
        kept.append(str(digit) if digit is not None else character)
    return "".join(kept)


def six_digits(form, field):
    if field.data and not (
        len(field.data) == CODE_LENGTH and field.data.isascii() and field.data.isdigit()
    ):
        raise ValidationError(_l("Enter the code as 6 digits, like 482913"))


class TrackStartForm(FlaskForm):
    reference = StringField(
        _l("Reference number"),
        description=_l("It is in the confirmation we sent you, for example TF-7K3Q-9PMH"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter your reference number, like TF-7K3Q-9PMH")),
            valid_reference,
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("The email address you gave us with your request"),
        filters=TEXT,
        validators=[
            DataRequired(_l("Enter your email address")),
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


class TrackCodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code in the email we sent you"),
        filters=[clean_text, normalise_code],
        validators=[DataRequired(_l("Enter the 6-digit code from the email")), six_digits],
    )


class MoreEvidenceForm(FlaskForm):
    files = MultipleFileField(
        _l("Your files"),
        description=_l(
            "PDF, JPG or PNG, smaller than 10 MB each. You can send up to 5 files at a time"
        ),
    )


class WithdrawForm(FlaskForm):
    confirm = RadioField(
        _l("Are you sure you want to withdraw your request?"),
        choices=choices(
            (("yes", _l("Yes, withdraw my request")), ("no", _l("No, keep my request")))
        ),
        validate_choice=False,  # an unexpected value gets the message below, not WTForms' own
    )
    reason = TextAreaField(
        _l("Why are you withdrawing it? (optional)"),
        description=_l("This helps us improve. You do not have to tell us"),
        filters=TEXT,
        validators=[
            Optional(),
            Length(max=500, message=_l("Your reason must be 500 characters or fewer")),
        ],
    )

    def validate_confirm(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Select yes if you want to withdraw your request"))
