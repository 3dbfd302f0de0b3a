"""Erasure: what deleting a part of a closed case, or all of it, removes (UK GDPR Art 5(1)(e)).

Each part of the retention schedule (portal.council_retention) names the rows it covers
(PART_ROWS). Erasing the case record removes every part and everything else that holds the
case's personal data: staff notes, searches, clarifications, reviews, objection decisions,
web sessions that mention the reference, the emails written to MAIL_FILE_DIR in the
embedded mode, and the people, unless another case still names them. The case row stays as
a tombstone (reference, kind, state, dates: the monthly figures and the audit trail point
at it), with its people and answers gone. Restriction entries outlive the case while the
restriction applies (C12): they are detached, keeping the minimum to identify the person.

The audit trail's personal details are erased by portal.cases.audit.erase_details (the
chain still verifies); the deletion is audited by the caller (portal.cases.retention).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from portal.cases.after_decision_models import IcoCase, InternalReview
from portal.cases.casework_models import (
    CaseAssignment,
    CaseMessage,
    CaseNote,
    Clarification,
    DepartmentSearch,
    DisclosureItem,
    ObjectionAssessment,
    ObjectionDecision,
    RestrictionEntry,
    Review,
)
from portal.cases.department_request_models import DepartmentRequest
from portal.cases.document_models import CaseDocument, LetterPosting
from portal.cases.entitlement import EntitlementJudgement
from portal.cases.link_models import CaseLink
from portal.cases.models import Case, CaseFile, ClockPause, Person, TrackingCode
from portal.cases.redaction_models import RecordReading, RecordRedaction
from portal.cases.rights_models import RightsDecision
from portal.extensions import Base, DbSession
from portal.outbox import Job, JobStatus
from portal.sessions import WebSession

CASE_RECORD = "case_record"


def _job_case_id() -> Any:
    """The case a job is for: its payload's case_id (JSON, read the same way on both
    databases)."""
    return Job.payload["case_id"].as_integer()


# The rows each part covers, as (model, its case id column, extra condition). Jobs still
# pending are kept until the case record goes (a closing email must still be sent); tracking
# codes still usable, likewise.
def _part_rows(now: datetime) -> dict[str, list[tuple[type[Base], Any, Any]]]:
    return {
        "identity_evidence": [(CaseFile, CaseFile.case_id, None)],
        "tracking_codes": [(TrackingCode, TrackingCode.case_id, TrackingCode.expires_at <= now)],
        "jobs_and_emails": [(Job, _job_case_id(), Job.status != JobStatus.PENDING)],
        "messages": [(CaseMessage, CaseMessage.case_id, None)],
        "response_packs": [
            (LetterPosting, LetterPosting.case_id, None),
            (CaseDocument, CaseDocument.case_id, None),
        ],
        # The redactions and the pages' readings first: they name the items (and the
        # third parties withheld).
        "disclosure": [
            (RecordRedaction, RecordRedaction.case_id, None),
            (RecordReading, RecordReading.case_id, None),
            (DisclosureItem, DisclosureItem.case_id, None),
        ],
    }


def _where(statement: Any, column: Any, case_ids: Any, condition: Any) -> Any:
    statement = statement.where(
        column.in_(case_ids) if isinstance(case_ids, list) else column == case_ids
    )
    return statement.where(condition) if condition is not None else statement


def counts_by_case(
    session: DbSession, part: str, case_ids: list[int], now: datetime
) -> dict[int, int]:
    """How many rows of `part` each of the cases still has (cases with none left out)."""
    found: dict[int, int] = {}
    for _model, column, condition in _part_rows(now)[part]:
        for start in range(0, len(case_ids), 500):  # within every database's limit
            chunk = case_ids[start : start + 500]
            query: Select[Any] = select(column, func.count()).group_by(column)
            for case_id, count in session.execute(_where(query, column, chunk, condition)):
                found[case_id] = found.get(case_id, 0) + count
    return found


def _mail_files(mail_dir: Path | None, job_ids: list[int]) -> list[Path]:
    """The emails the embedded mode wrote for these jobs (portal.jobs.mail names each file
    after its job)."""
    if mail_dir is None or not mail_dir.is_dir() or not job_ids:
        return []
    wanted = {f"job{job_id}" for job_id in job_ids}
    return [path for path in mail_dir.glob("*.eml") if path.stem.rpartition("-")[2] in wanted]


def _delete_jobs(session: DbSession, statement: Any, mail_dir: Path | None) -> int:
    job_ids = list(session.scalars(statement))
    if not job_ids:
        return 0
    for path in _mail_files(mail_dir, job_ids):
        path.unlink(missing_ok=True)
    session.execute(delete(Job).where(Job.id.in_(job_ids)))
    return len(job_ids)


def erase_part(
    session: DbSession, case: Case, part: str, *, now: datetime, mail_dir: Path | None = None
) -> int:
    """Delete one part of the case's records (a key of the schedule); returns the rows gone."""
    if part == "messages":
        # A posting's link to a message goes with the message; the posting is the pack's.
        session.execute(
            update(LetterPosting)
            .where(LetterPosting.case_id == case.id, LetterPosting.message_id.is_not(None))
            .values(message_id=None)
        )
    removed = 0
    for model, column, condition in _part_rows(now)[part]:
        if model is Job:
            removed += _delete_jobs(
                session, _where(select(Job.id), column, case.id, condition), mail_dir
            )
            continue
        result: Any = session.execute(_where(delete(model), column, case.id, condition))
        removed += result.rowcount or 0
    session.flush()
    session.expire(case)
    return removed


# Rows of the case record beyond the schedule's parts, in an order the foreign keys allow.
CASE_RECORD_ROWS: tuple[tuple[type[Base], InstrumentedAttribute[Any]], ...] = (
    (CaseNote, CaseNote.case_id),
    (CaseAssignment, CaseAssignment.case_id),
    (DepartmentSearch, DepartmentSearch.case_id),
    # What a department was asked to search for names the person.
    (DepartmentRequest, DepartmentRequest.case_id),
    (Review, Review.case_id),
    (EntitlementJudgement, EntitlementJudgement.case_id),
    (Clarification, Clarification.case_id),
    (ClockPause, ClockPause.case_id),
    (RightsDecision, RightsDecision.case_id),
    (InternalReview, InternalReview.case_id),
    (IcoCase, IcoCase.case_id),
)


def erase_case_record(
    session: DbSession,
    case: Case,
    *,
    now: datetime,
    restriction_applies: Callable[[RestrictionEntry], bool],
    mail_dir: Path | None = None,
) -> dict[str, int]:
    """Delete everything of the case that holds personal data; returns counts by table.
    The caller erases the audit details and records the deletion."""
    counts: dict[str, int] = {}
    # Every job of the case, pending or not, and its email.
    counts["jobs"] = _delete_jobs(
        session, select(Job.id).where(_job_case_id() == case.id), mail_dir
    )
    for part in ("messages", "response_packs", "disclosure", "identity_evidence"):
        counts[part] = erase_part(session, case, part, now=now)
    counts["tracking_codes"] = _count(
        session.execute(delete(TrackingCode).where(TrackingCode.case_id == case.id))
    )
    for model, column in CASE_RECORD_ROWS:
        counts[model.__tablename__] = _count(
            session.execute(delete(model).where(column == case.id))
        )
    # Links to other requests (their notes are staff's words about this family).
    counts["case_links"] = _count(
        session.execute(
            delete(CaseLink).where(
                or_(CaseLink.case_id == case.id, CaseLink.linked_case_id == case.id)
            )
        )
    )
    counts["restriction_entries_kept"] = _detach_restrictions(session, case, restriction_applies)
    decisions = delete(ObjectionDecision).where(ObjectionDecision.case_id == case.id)
    counts["objection_decisions"] = _count(session.execute(decisions))
    assessments = delete(ObjectionAssessment).where(ObjectionAssessment.case_id == case.id)
    counts["objection_assessments"] = _count(session.execute(assessments))
    counts["web_sessions"] = _delete_sessions_naming(session, case.reference)
    people = {case.requester_id, case.subject_id} - {None}
    case.requester_id = None
    case.subject_id = None
    case.details = {}
    case.relationship_to_subject = ""
    case.authority = None
    case.erased_at = now
    session.flush()
    counts["people"] = _delete_people_no_longer_named(session, people)
    session.expire(case)
    return counts


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


def _detach_restrictions(
    session: DbSession, case: Case, applies: Callable[[RestrictionEntry], bool]
) -> int:
    """C12: an entry whose restriction still applies stays on the register without its
    case, decision or person row; one that no longer applies goes with the case."""
    kept = 0
    entries = session.scalars(select(RestrictionEntry).where(RestrictionEntry.case_id == case.id))
    for entry in list(entries):
        if applies(entry):
            entry.case_id = None
            entry.decision_id = None
            entry.subject_person_id = None
            kept += 1
        else:
            session.delete(entry)
    session.flush()
    return kept


def _delete_sessions_naming(session: DbSession, reference: str) -> int:
    """Web sessions whose data names the case (a resident following it, a member of staff
    working on it), with the staff sign-ins linked to them (SQLite does not cascade)."""
    ids = list(session.scalars(select(WebSession.id).where(WebSession.data.contains(reference))))
    if not ids:
        return 0
    # By the table's name: staff accounts are a domain above this one (portal.accounts).
    staff_sessions = Base.metadata.tables.get("staff_sessions")
    if staff_sessions is not None:
        session.execute(delete(staff_sessions).where(staff_sessions.c.web_session_id.in_(ids)))
    session.execute(delete(WebSession).where(WebSession.id.in_(ids)))
    return len(ids)


def _delete_people_no_longer_named(session: DbSession, people: set[int | None]) -> int:
    """People no other case names (as requester or subject) and no register entry points at."""
    removed = 0
    for person_id in people:
        named = session.scalar(
            select(func.count())
            .select_from(Case)
            .where(or_(Case.requester_id == person_id, Case.subject_id == person_id))
        )
        on_register = session.scalar(
            select(func.count())
            .select_from(RestrictionEntry)
            .where(RestrictionEntry.subject_person_id == person_id)
        )
        if not named and not on_register:
            session.execute(delete(Person).where(Person.id == person_id))
            removed += 1
    return removed
