"""The question pages of the journeys to restrict (UK GDPR Art 18) and to delete (Art 17),
with the question both ask under Art 19 (C14, C15).

The answers are stored as the decision engine reads them (portal.cases.scenario_requests:
restriction_details, deletion_details): the keys of each choice must not change.
Source: legislation.gov.uk/eur/2016/679/article/17, /article/18, /article/19.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms.fields import Checkboxes, Radios, choices, clean_text
from portal.forms.journeys import AGENCIES, PROCESSING

TEXT = [clean_text]


class RestrictProcessingForm(FlaskForm):
    """The uses to stop, as the objection's processing step records them."""

    processing = Checkboxes(
        _l("Which uses of the information should we stop?"),
        choices=choices((value, label) for value, label, _hint in PROCESSING),
        validate_choice=True,
        validators=[DataRequired(_l("Select at least one use we should stop"))],
    )
    agencies = Checkboxes(
        _l("Which organisations should we stop sharing with?"),
        choices=choices(AGENCIES),
        validate_choice=True,
    )

    def validate_agencies(self, field):
        if "sharing" in (self.processing.data or []) and not field.data:
            raise ValidationError(_l("Select at least one organisation"))


class RestrictGroundsForm(FlaskForm):
    """Art 18(1)(a)-(d): the four cases in which a person may have use restricted."""

    ground = Radios(
        _l("Why should we stop using the information?"),
        choices=choices(
            (
                # Art 18(1)(a): accuracy contested, for the time needed to check it.
                (
                    "accuracy",
                    _l("The information is wrong, and you should not use it while you check it"),
                ),
                # Art 18(1)(b): unlawful processing, restriction asked instead of erasure.
                (
                    "unlawful",
                    _l(
                        "You should not be using it at all, but I want you to keep it rather than delete it"
                    ),
                ),
                # Art 18(1)(c): no longer needed, but needed by the person for legal claims.
                ("legal_claim", _l("You no longer need it, but it is needed for a legal claim")),
                # Art 18(1)(d): objected under Art 21(1), pending the decision.
                ("objected", _l("I have objected to how you use it, and you have not yet decided")),
            )
        ),
        validators=[InputRequired(_l("Select why we should stop using the information"))],
    )


class RestrictWhyForm(FlaskForm):
    why = TextAreaField(
        _l("Tell us more about why"),
        description=_l(
            "For example, what is wrong with the information, or which legal claim it is needed for. We use this to decide."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us why we should stop using the information")),
            Length(max=5000, message=_l("Your reasons must be 5000 characters or fewer")),
        ],
    )


class DeleteWhatForm(FlaskForm):
    what = TextAreaField(
        _l("What information do you want us to delete?"),
        description=_l(
            "Tell us which records, notes or letters, and the dates if you know them. If you want everything deleted, say so."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us what information you want us to delete")),
            Length(max=5000, message=_l("What you want deleted must be 5000 characters or fewer")),
        ],
    )


class DeleteGroundsForm(FlaskForm):
    """Art 17(1)(a), (c) and (d); "other" lets staff weigh what the person says."""

    ground = Radios(
        _l("Why should we delete it?"),
        choices=choices(
            (
                # Art 17(1)(a): no longer necessary for the purposes collected.
                ("not_needed", _l("You no longer need it for the reason you collected it")),
                # Art 17(1)(c): objected under Art 21(1), no overriding legitimate grounds.
                ("objected", _l("I objected to how you use it, and you agreed to stop")),
                # Art 17(1)(d): processed unlawfully.
                ("unlawful", _l("You should never have had it or used it")),
                ("other", _l("Another reason")),
            )
        ),
        validators=[InputRequired(_l("Select why we should delete the information"))],
    )


class DeleteWhyForm(FlaskForm):
    why = TextAreaField(
        _l("Tell us more about why"),
        description=_l(
            "For example, when the support you had from the programme ended, or why you think we should not have the information."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us why we should delete the information")),
            Length(max=5000, message=_l("Your reasons must be 5000 characters or fewer")),
        ],
    )


class TellMeForm(FlaskForm):
    """Art 19: the council tells the organisations it shared the information with of a
    restriction or a deletion; the person is told who they were if they ask."""

    tell_me = Radios(
        _l("Do you want us to tell you which organisations we tell?"),
        description=_l(
            "If we stop using or delete the information, we also tell the organisations we shared it with, such as schools or health services, unless that is impossible or would take disproportionate effort."
        ),
        choices=choices(
            (
                ("yes", _l("Yes, tell me who you told")),
                ("no", _l("No, I do not need to know")),
            )
        ),
        validators=[InputRequired(_l("Select yes if you want us to tell you who we told"))],
    )
