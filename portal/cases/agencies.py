"""The organisations a resident may name: those the council shares programme data with
(an objection to "sharing:<agency>"), or those they want information from (an access
request's scope). Keys are the journeys' choices (portal.forms.journeys.AGENCIES, whose
labels residents read in their language); these are the words staff read, in English.
"""

from __future__ import annotations

AGENCY_NAMES = {
    "police": "the police",
    "schools": "schools and colleges",
    "health": "health services, including the NHS",
    "dwp": "the Department for Work and Pensions (DWP)",
    "housing": "housing services",
    "probation": "probation services",
    "social_care": "social care",
    "council": "other council departments",
}


def agency_name(agency: str) -> str:
    """An organisation a resident named, in plain English for staff ("the police"); one
    this list does not know, from an older version say, made readable."""
    return AGENCY_NAMES.get(agency, agency.replace("_", " "))
