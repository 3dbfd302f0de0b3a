"""The uses of a person's information and the organisations it is shared with, as the
requester reads them in their language: a processing key ("sharing:police") in words.

Letters (portal.documents), emails and the tracking page (portal.cases.message_words) all
print these, so a use reads the same everywhere. The English words staff read are
portal.cases.objections.processing_description. Call these where a locale is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.cases.about_whom import AboutWhom

AGENCY_WORDS: Mapping[str, Any] = MappingProxyType(
    {
        "police": _l("Police"),
        "schools": _l("Schools and colleges"),
        "health": _l("Health services, including the NHS"),
        "dwp": _l("Department for Work and Pensions (DWP)"),
        "housing": _l("Housing"),
        "probation": _l("Probation services"),
        "social_care": _l("Social care"),
        "council": _l("Other council departments"),
    }
)


def agency_name(slug: str) -> str:
    words = AGENCY_WORDS.get(slug)
    return str(words) if words is not None else slug.replace("_", " ")


def processing_words(processing: str, about: AboutWhom) -> str:
    """C9: a processing key ("sharing:police") as the requester reads it, in the current
    language (objections.processing_description is the staff wording)."""
    organisation = agency_name(processing.partition(":")[2])
    if processing.startswith("sharing:"):
        return about.words(
            _l("Sharing your information with: %(organisation)s"),
            _l("Sharing their information with: %(organisation)s"),
            organisation=organisation,
        )
    if processing == "programme":
        return about.words(
            _l("Linking your information for the Think Family programme"),
            _l("Linking their information for the Think Family programme"),
        )
    if processing == "national_study":
        return about.words(
            _l("Sending your information to the National Impact Study (ONS and NIESR)"),
            _l("Sending their information to the National Impact Study (ONS and NIESR)"),
        )
    if processing == "local_research":
        return about.words(
            _l("Using your information for local research on the programme"),
            _l("Using their information for local research on the programme"),
        )
    return processing


__all__ = ["AGENCY_WORDS", "agency_name", "processing_words"]
