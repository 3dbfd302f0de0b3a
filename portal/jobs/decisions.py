"""The email that tells a requester the decision on their objection: once it has been sent,
the decision has reached them, and the case completes (portal.cases.delivery)."""

from __future__ import annotations

from portal.cases import delivery
from portal.cases.casework_models import CaseMessage, MessageKind
from portal.cases.models import Case
from portal.extensions import db
from portal.jobs import emails
from portal.outbox import Job

MAIL_WORKER = "system:mail"
# The messages that tell a decision: on an objection, on a request to correct, restrict or
# delete, a complaint's outcome. (The notice before a restriction is lifted is not one.)
DECISION_MESSAGES = frozenset(
    {
        MessageKind.DECISION_READY,
        MessageKind.CORRECTION_DECISION,
        MessageKind.RESTRICTION_DECISION,
        MessageKind.DELETION_DECISION,
        MessageKind.COMPLAINT_OUTCOME,
    }
)


def send_case_message(job: Job) -> str | None:
    """The worker's handler for "email.case_message": the email (emails.send_case_email),
    then, when it told an objection's decision, the case's completion, committed before
    the job is marked done. A job repeated after a worker stopped mid-job sends the email
    again, with the same Message-ID, and completes nothing twice."""
    note = emails.send_case_email(job)
    if note is not None:
        return note  # nothing was sent (no email address): staff post the letter instead
    message_id = job.payload.get("message_id")
    message = db.session.get(CaseMessage, message_id) if isinstance(message_id, int) else None
    if message is None or message.kind not in DECISION_MESSAGES:
        return None
    case = db.session.get(Case, message.case_id)
    if case is not None and delivery.decision_sent(
        db.session, case, sent_by="email", actor=MAIL_WORKER
    ):
        return f"decision sent: the {case.kind} is completed"
    return None
