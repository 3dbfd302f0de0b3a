"""The words of the council's decisions on a request to restrict (UK GDPR Art 18, C14) or
to delete (Art 17, C15), and of its notice before lifting a restriction (Art 18(3)), as
the requester reads them in the email, the letter and the tracking page
(portal.cases.message_words merges these in).

Sources: legislation.gov.uk/eur/2016/679/article/17 (Art 17(3)(b): the right to erasure
does not apply where processing is necessary "for the performance of a task carried out in
the public interest or in the exercise of official authority vested in the controller");
/article/18 (Art 18(3): "shall be informed by the controller before the restriction of
processing is lifted"). Call these where a locale is set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _

from portal.bidi import long_date_text
from portal.cases.about_whom import AboutWhom
from portal.cases.models import ActingFor
from portal.cases.use_words import processing_words

MYSELF = AboutWhom(ActingFor.MYSELF, "")


def uses_text(processing: Sequence[str] | None, about: AboutWhom | None) -> str:
    """Restricted uses (register keys) in the requester's words, one after another."""
    return "; ".join(processing_words(str(p), about or MYSELF) for p in processing or [])


def restriction_summary(params: Mapping[str, Any], about: AboutWhom | None) -> str:
    """C14, Art 18: which uses stopped, and that we tell the person before any starts
    again (Art 18(3)); or not restricted, with reasons."""
    if params.get("outcome") == "restricted":
        return _(
            "We have agreed to stop using the information in these ways: %(uses)s. We keep the information, but do not use it in these ways. We will tell you before we start again.",  # noqa: E501
            uses=uses_text(params.get("processing"), about),
        )
    return _(
        "We have decided not to stop using the information in the ways you asked. Our reasons are below."  # noqa: E501
    )


# Art 17(3)(b) in plain words, and what the person can still ask for instead (C15).
def kept_for_public_task() -> str:
    return _(
        "The law lets us keep information that we still need for our public task of supporting families."  # noqa: E501
    )


def still_ask() -> str:
    return _(
        "You can still ask us to correct information that is wrong, to stop using it in some ways, or object to how we use it. We delete information at the end of the period in our retention schedule."  # noqa: E501
    )


def deletion_summary(params: Mapping[str, Any]) -> str:
    """C15, Art 17: deleted; partly deleted; or not deleted, where the programme still needs
    the information for its public task (Art 17(3)(b)), and what the person can still ask."""
    outcome = params.get("outcome")
    if outcome == "deleted":
        return _("We have deleted the information you asked us to delete.")
    if outcome == "partly_deleted":
        return " ".join(
            (
                _(
                    "We have deleted part of the information you asked us to delete. We must keep the rest, for the reasons below."  # noqa: E501
                ),
                kept_for_public_task(),
                still_ask(),
            )
        )
    return " ".join(
        (
            _("We have decided not to delete the information, for the reasons below."),
            kept_for_public_task(),
            still_ask(),
        )
    )


def lifting_summary(params: Mapping[str, Any], about: AboutWhom | None) -> str:
    """C14, Art 18(3): the uses that start again, and the day, told before that day. The
    reasons are the council's own words, shown as such (message_staff_text)."""
    return _(
        "You asked us to stop using information, and we did. We are writing before we start again: from %(date)s we will use the information in these ways again: %(uses)s. Our reasons are below.",  # noqa: E501
        date=_long_date(params.get("lift_on")),
        uses=uses_text(params.get("processing"), about),
    )


def _long_date(value: object) -> str:
    try:
        return long_date_text(date.fromisoformat(str(value)))
    except ValueError:
        return ""
