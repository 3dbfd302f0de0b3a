"""Linked and duplicate requests (issue 19 point 1).

* Possible duplicates and related requests: on every case, the other requests that share
  an email address, a name and date of birth, the data subject or a household address
  with this one (portal.cases.match_keys), each with why. Staff judge; nothing is linked
  or merged by itself.
* Links: staff link two requests (family members, a repeat request, related), with a note;
  a link shows on both requests' pages, and making or removing it is audited on both.
* Merge: an open duplicate is merged into its original. The duplicate closes (as withdrawn,
  so the monthly figures count it once, among requests closed without a response of their
  own; the timeline says it was merged), its evidence stays on its own page, which the
  original's page links to, and its reference still leads the resident to the original
  (portal.public.tracking).

A refusal of a repeat, manifestly unfounded or excessive request (UK GDPR Art 12(5)) is
portal.cases.closing.refuse, with its ground.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import or_, select

from portal.cases import clock
from portal.cases.closing import close_case
from portal.cases.errors import CaseClosed, CaseworkError
from portal.cases.link_models import CaseLink, LinkKind
from portal.cases.models import Case, CaseState, Person
from portal.cases.references import parse_reference
from portal.cases.restrictions import lift_pending
from portal.cases.steps import (
    acting_moment,
    audit_event,
    enum_value,
    lock_case,
)
from portal.cases.workflow import check_move, is_closed
from portal.extensions import DbSession

NOTE_LENGTH = 2_000
# At most this many people (the newest) sharing a detail, and this many requests: the
# panel is a prompt for staff, not a search (a hostel's address is shared by many).
PEOPLE_LIMIT = 200
CASES_LIMIT = 50


class MatchReason(StrEnum):
    SAME_SUBJECT = "same_subject"
    SAME_EMAIL = "same_email"
    SAME_NAME_AND_DATE_OF_BIRTH = "same_name_and_date_of_birth"
    SAME_ADDRESS = "same_address"


REASON_TEXT = {
    MatchReason.SAME_SUBJECT: "Same data subject",
    MatchReason.SAME_EMAIL: "Same email",
    MatchReason.SAME_NAME_AND_DATE_OF_BIRTH: "Same name and date of birth",
    MatchReason.SAME_ADDRESS: "Same address",
}

LINK_KIND_TEXT = {
    LinkKind.FAMILY_MEMBER: "Family member",
    LinkKind.REPEAT_REQUEST: "Repeat request",
    LinkKind.RELATED: "Related",
}


@dataclass(frozen=True)
class RelatedCase:
    """Another request that may be a duplicate of this one, or related to it."""

    case: Case
    reasons: tuple[MatchReason, ...]

    @property
    def reason_text(self) -> list[str]:
        return [REASON_TEXT[reason] for reason in self.reasons]


@dataclass(frozen=True)
class _Keys:
    id: int
    email_key: str | None
    name_key: str | None
    household_key: str | None


def _people_of(case: Case) -> list[Person]:
    people = {p.id: p for p in (case.requester, case.subject) if p is not None}
    return list(people.values())


def related_cases(session: DbSession, case: Case) -> list[RelatedCase]:
    """The other requests whose requester or subject shares an email address, a name and
    date of birth, or a household address with this one's, or whose subject is this one's
    (the same person on record, or the same name and date of birth); newest first. Each
    detail is an indexed lookup: the people who share it, then their requests."""
    mine = _people_of(case)
    emails = {p.email_key for p in mine} - {None}
    names = {p.name_key for p in mine} - {None}
    households = {p.household_key for p in mine} - {None}
    conditions = [Person.id.in_([p.id for p in mine])] if mine else []
    if emails:
        conditions.append(Person.email_key.in_(emails))
    if names:
        conditions.append(Person.name_key.in_(names))
    if households:
        conditions.append(Person.household_key.in_(households))
    if not conditions:
        return []
    found = {
        row.id: _Keys(row.id, row.email_key, row.name_key, row.household_key)
        for row in session.execute(
            select(Person.id, Person.email_key, Person.name_key, Person.household_key)
            .where(or_(*conditions))
            .order_by(Person.id.desc())
            .limit(PEOPLE_LIMIT)
        )
    }
    others = session.scalars(
        select(Case)
        .where(
            or_(Case.requester_id.in_(found), Case.subject_id.in_(found)),
            Case.id != case.id,
            Case.erased_at.is_(None),
        )
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(CASES_LIMIT)
    )
    mine_keys = [found[p.id] for p in mine if p.id in found]
    related = []
    for other in others:
        theirs = [found[i] for i in {other.requester_id, other.subject_id} if i in found]
        reasons = _reasons(case, other, mine_keys, theirs)
        if reasons:
            related.append(RelatedCase(other, reasons))
    return related


def _reasons(
    case: Case, other: Case, mine: Iterable[_Keys], theirs: Iterable[_Keys]
) -> tuple[MatchReason, ...]:
    reasons: set[MatchReason] = set()
    for a in mine:
        for b in theirs:
            subjects = a.id == case.subject_id and b.id == other.subject_id
            if subjects and (a.id == b.id or (a.name_key and a.name_key == b.name_key)):
                reasons.add(MatchReason.SAME_SUBJECT)
            elif a.name_key and a.name_key == b.name_key:
                reasons.add(MatchReason.SAME_NAME_AND_DATE_OF_BIRTH)
            if a.email_key and a.email_key == b.email_key:
                reasons.add(MatchReason.SAME_EMAIL)
            if a.household_key and a.household_key == b.household_key:
                reasons.add(MatchReason.SAME_ADDRESS)
    return tuple(reason for reason in MatchReason if reason in reasons)


# Links ------------------------------------------------------------------------------


def find_other(session: DbSession, case: Case, reference: str | None) -> Case:
    """The other request a member of staff named by its reference; a CaseworkError saying
    what to fix when it is no request, or this one."""
    canonical = parse_reference(reference or "")
    if canonical is None:
        raise CaseworkError("Enter the other request's reference, for example TF-7K3Q-9PMH")
    other = session.scalar(select(Case).where(Case.reference == canonical))
    if other is None or other.erased_at is not None:
        raise CaseworkError(f"There is no request with the reference {canonical}")
    if other.id == case.id:
        raise CaseworkError("Enter the reference of another request, not this one")
    return other


def links_of(session: DbSession, case: Case) -> list[tuple[CaseLink, Case]]:
    """This request's links, each with the request at the other end, oldest first."""
    rows = session.scalars(
        select(CaseLink)
        .where(or_(CaseLink.case_id == case.id, CaseLink.linked_case_id == case.id))
        .order_by(CaseLink.id)
    ).all()
    ids = {row.case_id if row.linked_case_id == case.id else row.linked_case_id for row in rows}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
    return [
        (row, cases[row.case_id if row.linked_case_id == case.id else row.linked_case_id])
        for row in rows
    ]


def _lock_both(session: DbSession, case: Case, other: Case) -> None:
    """Lock the two rows in id order, so two members of staff linking the same pair from
    either end wait for each other rather than deadlock."""
    for row in sorted((case, other), key=lambda c: c.id):
        lock_case(session, row)


def link(
    session: DbSession,
    case: Case,
    *,
    other_reference: str | None,
    kind: LinkKind | str,
    note: str = "",
    actor: str,
    now: datetime | None = None,
) -> CaseLink:
    """Link this request to another (open or closed), once; audited on both."""
    moment = acting_moment(now)
    link_kind = enum_value(LinkKind, kind, "kind of link")
    text = (note or "").strip()
    if len(text) > NOTE_LENGTH:
        raise CaseworkError(f"Write the note in {NOTE_LENGTH} characters or fewer")
    other = find_other(session, case, other_reference)
    _lock_both(session, case, other)
    low, high = sorted((case.id, other.id))
    if session.scalar(
        select(CaseLink.id).where(CaseLink.case_id == low, CaseLink.linked_case_id == high)
    ):
        raise CaseworkError(f"This request is already linked to {other.reference}")
    row = CaseLink(
        case_id=low,
        linked_case_id=high,
        kind=link_kind,
        note=text,
        created_by=actor,
        created_at=moment,
    )
    session.add(row)
    session.flush()
    for one, two in ((case, other), (other, case)):
        audit_event(
            session,
            one,
            "case_linked",
            actor,
            moment,
            link_id=row.id,
            other_case_id=two.id,
            kind=str(link_kind),
        )
    session.commit()
    return row


def unlink(
    session: DbSession,
    case: Case,
    *,
    link_id: int,
    actor: str,
    now: datetime | None = None,
) -> Case:
    """Remove one of this request's links; audited on both. Returns the other request."""
    moment = acting_moment(now)
    row = session.get(CaseLink, link_id)
    other = (
        session.get(Case, row.linked_case_id if row.case_id == case.id else row.case_id)
        if row is not None and case.id in (row.case_id, row.linked_case_id)
        else None
    )
    if row is None or other is None:
        raise CaseworkError("That link is not on this request: it may have been removed")
    _lock_both(session, case, other)
    for one, two in ((case, other), (other, case)):
        audit_event(
            session, one, "case_unlinked", actor, moment, link_id=row.id, other_case_id=two.id
        )
    session.delete(row)
    session.commit()
    return other


# Merging ----------------------------------------------------------------------------


def merged_into(session: DbSession, case: Case) -> Case | None:
    """The original this request was merged into, if it was."""
    return session.get(Case, case.merged_into_id) if case.merged_into_id else None


def merged_here(session: DbSession, case: Case) -> list[Case]:
    """The duplicates merged into this request, oldest first."""
    return list(
        session.scalars(select(Case).where(Case.merged_into_id == case.id).order_by(Case.id))
    )


def merge(
    session: DbSession,
    duplicate: Case,
    *,
    original_reference: str | None,
    actor: str,
    now: datetime | None = None,
) -> Case:
    """Merge an open duplicate into its original (open or closed, but not itself merged):
    the duplicate closes for good, pointing at the original, and what was restricted
    pending a decision on it alone is lifted (C12: the original's own entries stand).
    Audited on both. Returns the original."""
    moment = acting_moment(now)
    original = find_other(session, duplicate, original_reference)
    _lock_both(session, duplicate, original)
    if is_closed(duplicate.state):
        raise CaseClosed(
            f"{duplicate.reference} is closed: only an open request can be merged into another"
        )
    if original.merged_into_id is not None:
        target = session.get(Case, original.merged_into_id)
        where = f" into {target.reference}" if target else ""
        raise CaseworkError(
            f"{original.reference} was itself merged{where}: merge into the original instead"
        )
    check_move(duplicate.state, CaseState.WITHDRAWN)
    duplicate.merged_into_id = original.id
    close_case(session, duplicate, CaseState.WITHDRAWN, moment)
    lifted = lift_pending(session, duplicate, clock.received_on(moment))
    audit_event(
        session,
        duplicate,
        "case_merged",
        actor,
        moment,
        merged_into_id=original.id,
        **({"restriction_lifted": lifted} if lifted else {}),
    )
    audit_event(session, original, "duplicate_merged_in", actor, moment, duplicate_id=duplicate.id)
    session.commit()
    return original
