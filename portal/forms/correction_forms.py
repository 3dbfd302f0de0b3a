"""The question pages of the correction journey (C14, UK GDPR Art 16, 19)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms.fields import Radios, choices, clean_text

TEXT = [clean_text]


class WrongForm(FlaskForm):
    wrong = TextAreaField(
        _l("What information is wrong?"),
        description=_l(
            "Tell us what the record says, and where you saw it if you know: a letter, a plan or a copy of your information, for example."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us what information is wrong")),
            Length(max=5000, message=_l("What is wrong must be 5000 characters or fewer")),
        ],
    )


class ShouldSayForm(FlaskForm):
    should_say = TextAreaField(
        _l("What should it say?"),
        description=_l(
            "Tell us what is correct, or what is missing. If you do not know exactly, tell us what you know."
        ),
        filters=TEXT,
        validators=[
            DataRequired(_l("Tell us what the information should say")),
            Length(max=5000, message=_l("What it should say must be 5000 characters or fewer")),
        ],
    )


class EvidenceForm(FlaskForm):
    """Optional: files that show what is correct (checked as identity files are)."""

    more_evidence = MultipleFileField(
        _l("Evidence (optional)"),
        description=_l(
            "For example, a letter, a certificate or a report that shows what is correct. PDF, JPG or PNG, smaller than 10 MB each."
        ),
    )


class RecipientsForm(FlaskForm):
    """UK GDPR Art 19: the council tells the organisations it shared the information with;
    the person is told who they were if they ask."""

    tell_me = Radios(
        _l("Do you want us to tell you which organisations we tell about the correction?"),
        description=_l(
            "If we correct your information, we also tell the organisations we shared it with, such as schools or health services, unless that is impossible or would take disproportionate effort."
        ),
        choices=choices(
            (
                ("yes", _l("Yes, tell me who you told")),
                ("no", _l("No, I do not need to know")),
            )
        ),
        validators=[InputRequired(_l("Select yes if you want us to tell you who we told"))],
    )
