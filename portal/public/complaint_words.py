"""What "Follow your request" says about a complaint to the council (C13, DPA 2018 s.164A):
its name, its status in each state, and the route to the ICO once it is answered.
portal.public.tracking_words merges these into its tables."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.cases.models import CaseKind, CaseState

S = CaseState
COMPLAINT = CaseKind.COMPLAINT

KIND = _l("Complaint about how we handled your information")

NAMES: dict[tuple[CaseKind, CaseState], Any] = {
    (COMPLAINT, S.IN_PROGRESS): _l("Being looked into"),
    (COMPLAINT, S.READY): _l("Outcome being sent"),
    (COMPLAINT, S.COMPLETED): _l("Answered"),
}

OPENINGS: dict[tuple[CaseKind, CaseState], Any] = {
    (COMPLAINT, S.RECEIVED): _l("We have your complaint."),
    (COMPLAINT, S.AWAITING_IDENTITY): _l(
        "We need to know more about who you are before we can look into your complaint."
    ),
    (COMPLAINT, S.IN_PROGRESS): _l(
        "We are looking into your complaint. Our messages below tell you how it is going."
    ),
    (COMPLAINT, S.AWAITING_CLARIFICATION): _l(
        "We have asked you a question about your complaint. Our message below has the question."
    ),
    (COMPLAINT, S.IN_REVIEW): _l(
        "We have written our answer to your complaint. A senior officer is checking it before we send it to you."  # noqa: E501
    ),
    (COMPLAINT, S.READY): _l(
        "A senior officer has approved our answer to your complaint. You can read the outcome in our message below."  # noqa: E501
    ),
    (COMPLAINT, S.COMPLETED): _l(
        "We have told you the outcome of your complaint. You can read it in our message below."
    ),
    (COMPLAINT, S.REFUSED): _l(
        "We have decided not to look into your complaint. Our message below gives our reasons."
    ),
    (COMPLAINT, S.WITHDRAWN): _l(
        "You withdrew your complaint, so we have stopped looking into it. You can complain again at any time."  # noqa: E501
    ),
}

# C13: s.164A(4) asks for the outcome "without undue delay" and sets no date.
TARGET = _l(
    "This is our target for telling you the outcome: one month from the day we received your complaint. It is not a legal deadline: the law says we must answer without undue delay."  # noqa: E501
)

# C10, C13: once the council has answered, the ICO, which expects people to give the
# organisation the chance to consider a concern first (ico.org.uk/about-the-ico/our-
# information/service-standards: "Before reporting a concern to us, we expect you to give
# the organisation the opportunity to consider it first").
ICO_ROUTE = _l(
    "If you are still unhappy, you can complain to the Information Commissioner's Office (ICO) at ico.org.uk/make-a-complaint or on 0303 123 1113. The ICO usually expects us to have had the chance to answer your complaint first, as we now have."  # noqa: E501
)
COMPLAIN: dict[tuple[CaseKind, CaseState], Any] = {
    (COMPLAINT, S.READY): ICO_ROUTE,
    (COMPLAINT, S.COMPLETED): ICO_ROUTE,
}
