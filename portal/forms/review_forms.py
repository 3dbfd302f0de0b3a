"""Forms for asking for an internal review of a decision, from the tracking pages: what
the resident disagrees with, and why (one question per page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.cases.internal_reviews import TEXT_LIMIT
from portal.forms.fields import clean_text

TEXT = [clean_text]


class ReviewDisagreementForm(FlaskForm):
    disagreement = TextAreaField(
        _l("What do you disagree with?"),
        description=_l(
            "For example, information you think we should have sent you, or a use of your information you think we should have stopped"
        ),
        filters=TEXT,
        validators=[
            DataRequired(message=_l("Enter what you disagree with")),
            Length(
                max=TEXT_LIMIT,
                message=_l("What you disagree with must be 5000 characters or fewer"),
            ),
        ],
    )


class ReviewReasonsForm(FlaskForm):
    reasons = TextAreaField(
        _l("Why do you disagree?"),
        description=_l("Tell us anything you think we did not take into account"),
        filters=TEXT,
        validators=[
            DataRequired(message=_l("Enter why you disagree")),
            Length(max=TEXT_LIMIT, message=_l("Why you disagree must be 5000 characters or fewer")),
        ],
    )


class ReviewSendForm(FlaskForm):
    """The check-answers page's button: the CSRF token only."""
