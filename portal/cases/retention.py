"""The retention schedule applied: what the next run deletes and why (plan), and deleting it
(run), once a day by the worker and by `flask --app portal retention run` (DESIGN.md 8a;
UK GDPR Art 5(1)(e), storage limitation).

A closed case's parts go when their periods after closure end (the schedule:
portal.council_retention; the rows each part covers: portal.cases.erasure); when the case
record's period ends, everything of the case goes. A case on legal hold is never deleted
(portal.cases.holds): the plan lists it, held, with the reason. Each deletion is audited
with no personal data (reference, kind, rule, dates, counts) and written to the deletion
ledger (portal.deletion_ledger), so a restore from an older backup deletes it again; the
ledger's rule is the schedule's part, which erase_case applies.

Dates: a case closed on its Europe/London date (C1-C2); a period ends on the same day of
the month, so a case closed on 3 March 2024 with a two-year record is erased from 3 March
2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select

from portal import deletion_ledger
from portal.cases import audit, clock, erasure, holds
from portal.cases.casework_models import RestrictionEntry, RestrictionStatus
from portal.cases.erasure import CASE_RECORD
from portal.cases.models import Case, CaseFile
from portal.council_retention import PARTS_AFTER_CLOSURE, RetentionSchedule
from portal.extensions import DbSession
from portal.instants import aware

RETENTION_ACTOR = "retention"
DELETED = "retention_deleted"  # the audit action of each deletion
RUN = "retention_run"  # one per run, with its counts


@dataclass(frozen=True)
class PlannedDeletion:
    """One deletion a run makes: the case's reference (None: a staff account), what goes
    (a part of the schedule), the rule that says so, the day it became due, and whether a
    legal hold stops it."""

    reference: str | None
    what: str
    rule: str
    due_on: date
    held: bool
    hold_reason: str | None


def closed_on(case: Case) -> date:
    """The Europe/London date the case closed (C1-C2)."""
    if case.closed_at is None:
        raise ValueError(f"Case {case.reference} is not closed")
    return clock.received_on(aware(case.closed_at))


def rule_text(schedule: RetentionSchedule, part: str, closed: date) -> str:
    """The rule as a data-protection officer reads it in the plan, with the README's words."""
    period = schedule.period(part)
    when = "at closure" if period.at_closure else f"{period.describe()} after closure"
    return f"{part}: {when} (closed {closed.isoformat()})"


def _hold(case: Case) -> tuple[bool, str | None]:
    """Whether a legal hold stops deleting the case, and its reason (portal.cases.holds)."""
    held = holds.is_held(case)
    return held, (case.hold_reason if held else None)


def _due_parts(schedule: RetentionSchedule, closed: date, today: date) -> list[tuple[str, date]]:
    """The parts whose periods after `closed` have ended by `today`: the case record alone
    once its own has (it covers every part)."""
    record_due = schedule.case_record.after(closed)
    if today >= record_due:
        return [(CASE_RECORD, record_due)]
    dues = [(part, schedule.period(part).after(closed)) for part in PARTS_AFTER_CLOSURE]
    return [(part, due) for part, due in dues if today >= due]


def end_of(today: date) -> datetime:
    return datetime.combine(today, time(23, 59, 59), UTC)


def plan(session: DbSession, schedule: RetentionSchedule, today: date) -> list[PlannedDeletion]:
    """What a run on `today` deletes, and why; changes nothing. Held cases are listed, held."""
    closed_cases = session.scalars(
        select(Case)
        .where(Case.closed_at.is_not(None), Case.erased_at.is_(None))
        .order_by(Case.closed_at, Case.id)
    )
    due = [(case, _due_parts(schedule, closed_on(case), today)) for case in closed_cases]
    due = [(case, parts) for case, parts in due if parts]
    # Parts already deleted are not planned again: what each case still has of each part.
    ids = [case.id for case, _parts in due]
    remaining = {
        part: erasure.counts_by_case(session, part, ids, end_of(today))
        for part in PARTS_AFTER_CLOSURE
    }
    planned: list[PlannedDeletion] = []
    for case, dues in due:
        closed = closed_on(case)
        held, reason = _hold(case)
        parts = [(p, d) for p, d in dues if p == CASE_RECORD or remaining[p].get(case.id)]
        planned.extend(
            PlannedDeletion(
                reference=case.reference,
                what=part,
                rule=rule_text(schedule, part, closed),
                due_on=due,
                held=held,
                hold_reason=reason,
            )
            for part, due in parts
        )
    return planned


def restriction_applies(entry: RestrictionEntry) -> bool:
    """C12: whether the register must keep the entry after its case goes: while the use
    stays stopped (in force; pending decision cannot outlast a closed case, but if it
    did the data teams must still stop). A lifted entry goes with its case."""
    return RestrictionStatus(entry.status) != RestrictionStatus.LIFTED


def erase_case(
    session: DbSession,
    case: Case,
    *,
    rule: str,
    now: datetime,
    actor: str = RETENTION_ACTOR,
    mail_dir: Path | None = None,
    in_ledger: bool = True,
) -> dict[str, int]:
    """Delete the case's records that `rule` (a part of the schedule, or "case_record": all
    of it) covers, audit the deletion without personal data and write it to the deletion
    ledger. Does not commit. A restore calls this for each ledger entry after its backup
    (the entry's rule is the part; `in_ledger=False`, as the entry is there already); a
    case already erased is left alone."""
    what = rule.partition(":")[0]
    if case.erased_at is not None:
        return {}  # already gone (a restore applying the ledger again finds it so)
    kept: dict[str, list[str]] = {}
    if what == CASE_RECORD:
        counts = erasure.erase_case_record(
            session, case, now=now, restriction_applies=restriction_applies, mail_dir=mail_dir
        )
        audit.erase_details(session, case_id=case.id, now=now)
    elif what in PARTS_AFTER_CLOSURE:
        if what == "identity_evidence":
            kept = _identity_fact(session, case)
        counts = {what: erasure.erase_part(session, case, what, now=now, mail_dir=mail_dir)}
    else:
        raise ValueError(f"No part of the retention schedule is called {what!r}")
    audit.record(
        session,
        action=DELETED,
        actor=actor,
        case_id=case.id,
        details={
            "reference": case.reference,
            "kind": str(case.kind),
            "what": what,
            "rule": rule,
            "closed_on": closed_on(case).isoformat() if case.closed_at else None,
            "counts": {name: count for name, count in counts.items() if count},
            **kept,
        },
        now=now,
    )
    if in_ledger:
        deletion_ledger.record(case.reference, deleted_at=now, rule=what)
    return counts


def _identity_fact(session: DbSession, case: Case) -> dict[str, list[str]]:
    """What stays of the identity evidence once its copies go: which types of document
    they were (who accepted them, and when, is the identity_accepted event)."""
    purposes = session.scalars(
        select(CaseFile.purpose).where(CaseFile.case_id == case.id).distinct()
    )
    return {"document_types": sorted(str(purpose) for purpose in purposes)}


@dataclass(frozen=True)
class EvidenceDeleted:
    """The fact kept once the copies of identity evidence go: when, and which types."""

    deleted_at: datetime
    document_types: list[str]


def evidence_deleted(session: DbSession, case: Case) -> EvidenceDeleted | None:
    """When the schedule deleted the case's identity evidence, and what it was, if it has."""
    event = session.scalars(
        select(audit.AuditEvent)
        .where(audit.AuditEvent.case_id == case.id, audit.AuditEvent.action == DELETED)
        .order_by(audit.AuditEvent.id)
    )
    for found in event:
        details = found.details or {}
        if details.get("what") == "identity_evidence":
            types = details.get("document_types") or []
            return EvidenceDeleted(aware(found.occurred_at), [str(t) for t in types])
    return None


def run(
    session: DbSession,
    schedule: RetentionSchedule,
    today: date,
    *,
    now: datetime,
    actor: str = RETENTION_ACTOR,
    mail_dir: Path | None = None,
) -> dict[str, int]:
    """Apply the plan for `today`: each deletion in its own transaction, held cases skipped.
    Returns the counts by part (and "held"), which the run's own audit event records."""
    counts: dict[str, int] = {}
    for planned in plan(session, schedule, today):
        if planned.held:
            counts["held"] = counts.get("held", 0) + 1
            continue
        case = session.scalar(select(Case).where(Case.reference == planned.reference))
        if case is None or _hold(case)[0]:
            continue
        erase_case(session, case, rule=planned.what, now=now, actor=actor, mail_dir=mail_dir)
        session.commit()
        counts[planned.what] = counts.get(planned.what, 0) + 1
    audit.record(
        session,
        action=RUN,
        actor=actor,
        details={"today": today.isoformat(), "counts": counts},
        now=now,
    )
    session.commit()
    return counts


def last_run_on(session: DbSession) -> date | None:
    """The Europe/London date of the latest run, from its audit event (the worker runs
    once a day, whichever worker or host)."""
    latest = session.scalar(
        select(audit.AuditEvent.occurred_at)
        .where(audit.AuditEvent.action == RUN)
        .order_by(audit.AuditEvent.id.desc())
        .limit(1)
    )
    return clock.received_on(aware(latest)) if latest is not None else None
