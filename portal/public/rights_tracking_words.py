"""What "Follow your request" says about a request to restrict (UK GDPR Art 18, C14) or to
delete (Art 17, C15): its name, its status in each state, its timeline and its letters.
portal.public.tracking_words merges these into its tables.

Each opening is a sentence of its own, not shared with another kind, so that a status says
which request it is about (tests/functional/test_tracking_states.py).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.cases.models import CaseKind, CaseState

S = CaseState
RESTRICTION = CaseKind.RESTRICTION
DELETION = CaseKind.DELETION

KINDS: dict[CaseKind, Any] = {
    RESTRICTION: _l("Request to stop using information"),
    DELETION: _l("Request to delete information"),
}

NAMES: dict[tuple[CaseKind, CaseState], Any] = {
    **{(kind, S.IN_PROGRESS): _l("Being considered") for kind in KINDS},
    **{(kind, S.READY): _l("Decision being sent") for kind in KINDS},
    **{(kind, S.COMPLETED): _l("Decision made") for kind in KINDS},
}

OPENINGS: dict[tuple[CaseKind, CaseState], Any] = {
    (RESTRICTION, S.RECEIVED): _l("We have your request to stop using information we hold."),
    (RESTRICTION, S.AWAITING_IDENTITY): _l(
        "We cannot start considering your request to stop using information until we have more proof of who you are, or that you may act for the person it is about."  # noqa: E501
    ),
    (RESTRICTION, S.IN_PROGRESS): _l(
        "We are considering your request to stop using information: we are looking at your reasons, and at the uses you asked us to stop."  # noqa: E501
    ),
    # C4 never pauses these requests (Art 12A is for Art 15): words for one paused by
    # hand, so that no state of any kind is without a status.
    (RESTRICTION, S.AWAITING_CLARIFICATION): _l(
        "We have asked you a question about your request to stop using information. Our message below has the question."  # noqa: E501
    ),
    (RESTRICTION, S.IN_REVIEW): _l(
        "We have drafted our decision on your request to stop using information. A senior officer is checking it before we send it to you."  # noqa: E501
    ),
    (RESTRICTION, S.READY): _l(
        "A senior officer has approved our decision on your request to stop using information. We are sending it to you now, and you can read it in our message below."  # noqa: E501
    ),
    (RESTRICTION, S.COMPLETED): _l(
        "We have made our decision on your request to stop using information."
    ),
    (RESTRICTION, S.REFUSED): _l(
        "We have refused to deal with your request to stop using information. Our message below gives our reasons."  # noqa: E501
    ),
    (RESTRICTION, S.WITHDRAWN): _l(
        "You withdrew your request to stop using information, so we have stopped work on it. You can ask again at any time."  # noqa: E501
    ),
    (DELETION, S.RECEIVED): _l("We have your request to delete information we hold."),
    (DELETION, S.AWAITING_IDENTITY): _l(
        "We cannot start considering your request to delete information until we have more proof of who you are, or that you may act for the person it is about."  # noqa: E501
    ),
    (DELETION, S.IN_PROGRESS): _l(
        "We are considering your request to delete information: we are looking at your reasons, and at whether the programme still needs the information."  # noqa: E501
    ),
    (DELETION, S.AWAITING_CLARIFICATION): _l(
        "We have asked you a question about your request to delete information. Our message below has the question."  # noqa: E501
    ),
    (DELETION, S.IN_REVIEW): _l(
        "We have drafted our decision on your request to delete information. A senior officer is checking it before we send it to you."  # noqa: E501
    ),
    (DELETION, S.READY): _l(
        "A senior officer has approved our decision on your request to delete information. We are sending it to you now, and you can read it in our message below."  # noqa: E501
    ),
    (DELETION, S.COMPLETED): _l("We have made our decision on your request to delete information."),
    (DELETION, S.REFUSED): _l(
        "We have refused to deal with your request to delete information. Our message below gives our reasons."  # noqa: E501
    ),
    (DELETION, S.WITHDRAWN): _l(
        "You withdrew your request to delete information, so we have stopped work on it. You can ask again at any time."  # noqa: E501
    ),
}

# C10: how to complain once the decision is made (UK GDPR Art 12(4), 77, 79).
COMPLAIN: dict[tuple[CaseKind, CaseState], Any] = {
    (kind, S.COMPLETED): _l(
        "If you are unhappy with our decision, contact us first. You can also complain to the Information Commissioner's Office (ICO) at ico.org.uk/make-a-complaint, and you have the right to go to court."  # noqa: E501
    )
    for kind in KINDS
}

# The audit actions of these requests, as the timeline shows them.
TIMELINE_WORDS = {
    "restriction_approved": _l("We made our decision on your request to stop using information"),
    "deletion_approved": _l("We made our decision on your request to delete information"),
    # Art 18(3): the person is told before a restriction is lifted.
    "restriction_lift_notified": _l("We told you that we will start using some information again"),
}
POSTED_WORDS = {
    "restriction_decision": _l("We posted our decision to you"),
    "deletion_decision": _l("We posted our decision to you"),
    "restriction_lifting": _l("We posted you our letter about using information again"),
}
