"""A request is finished when its answer reaches the requester (C7, C9, C10).

An access request completes when its response pack is released for download
(portal.documents.production) or posted (portal.documents.postal). An objection is decided
when the reviewer approves the decision (objections.approve_decision): the decision is then
on the tracking page and its message is queued, and the case is ready. It completes when
that decision has been sent: emailed by the job worker, or, for a requester without an
email address, printed and posted by staff. Either way the move is closing.complete, the
one service function for it, audited as "response_completed" with how it was sent.
"""

from __future__ import annotations

from datetime import datetime

from portal.cases import closing
from portal.cases.models import Case, CaseKind, CaseState
from portal.extensions import DbSession

SENT_BY = frozenset({"email", "post"})
# The kinds whose answer is a decision (an objection's, a correction's) or a complaint's
# outcome (C13), told when the reviewer approves it.
DECIDED_KINDS = frozenset(
    {
        CaseKind.OBJECTION,
        CaseKind.COMPLAINT,
        CaseKind.CORRECTION,
        CaseKind.RESTRICTION,
        CaseKind.DELETION,
    }
)


def decision_sent(
    session: DbSession,
    case: Case,
    *,
    sent_by: str,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """The approved decision on this objection has been sent to the requester: the case
    completes (and the session is committed). Returns False, changing nothing and leaving
    the transaction to the caller, when no decision is waiting to be sent: an access
    request, or an objection already completed (its email sent again after a worker
    stopped mid-job, or its letter posted as well as emailed)."""
    if sent_by not in SENT_BY:
        raise ValueError(f"A decision is sent by email or by post, not {sent_by!r}")
    session.refresh(case, with_for_update=True)
    if case.kind not in DECIDED_KINDS or case.state != CaseState.READY:
        return False
    closing.complete(session, case, actor=actor, now=now, sent_by=sent_by)
    return True
