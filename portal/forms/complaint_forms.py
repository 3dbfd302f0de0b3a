"""The question pages of a complaint to the council (C13, DPA 2018 s.164A): what it is
about, the earlier request it concerns (optional), and the outcome the complainant wants."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.cases.complaints import TEXT_LIMIT
from portal.forms.fields import clean_text
from portal.forms.tracking import valid_reference

TEXT = [clean_text]


class ComplaintForm(FlaskForm):
    complaint = TextAreaField(
        _l("What is your complaint about?"),
        description=_l(
            "Tell us what happened and when, and how we handled your information or your family's information."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us what your complaint is about")),
            Length(max=TEXT_LIMIT, message=_l("Your complaint must be 5000 characters or fewer")),
        ],
    )


class EarlierRequestForm(FlaskForm):
    reference = StringField(
        _l("Reference number of an earlier request (optional)"),
        description=_l(
            "If your complaint is about a request you made to us, such as a request for a copy of your information, give its reference number, for example TF-7K3Q-9PMH. Leave this empty if there is none."
        ),
        filters=TEXT,
        validators=[
            Optional(),
            Length(
                max=40,
                message=_l(
                    "Check your reference number. Enter it as it appears on your confirmation, like TF-7K3Q-9PMH"
                ),
            ),
            valid_reference,
        ],
    )


class OutcomeWantedForm(FlaskForm):
    outcome_wanted = TextAreaField(
        _l("What would you like us to do?"),
        description=_l(
            "For example, an apology, an explanation, or a change to how we handle information."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us what you would like us to do")),
            Length(
                max=TEXT_LIMIT, message=_l("What you would like must be 5000 characters or fewer")
            ),
        ],
    )
