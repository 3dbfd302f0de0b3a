"""Redacting an uploaded record (issue 18, C8): staff search it for terms and judge each
place found, or draw areas and pick lines; the released record withholds every accepted
redaction (documents.released_records burns them in when the pack is made).

Finding is the documents layer's (documents.term_search reads the record); this module
keeps what staff decided, with who and when, and an audit event for each decision. The
audit events carry ids, pages and codes only, never the term or the words found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal.cases.casework_models import DisclosureItem, DisclosureKind, ExemptionCode
from portal.cases.errors import CaseworkError, MissingText
from portal.cases.models import Case, CaseKind
from portal.cases.redaction_models import (
    CONTEXT_LENGTH,
    TERM_LENGTH,
    Box,
    RecordRedaction,
    RedactionSource,
    RedactionStatus,
)
from portal.cases.steps import (
    acting_moment,
    audit_event,
    check_kind,
    check_working,
    enum_value,
    lock_case,
)
from portal.extensions import DbSession

# Terms searched at once, at most: more is a list to split, not a search.
MAX_TERMS = 20
MIN_TERM_LENGTH = 2
# A box smaller than this (points, either side) is a slip of the pointer, not an area.
MIN_BOX_POINTS = 2.0


@dataclass(frozen=True)
class PlaceFound:
    """One place a term search found, as the documents layer reports it."""

    page: int
    boxes: tuple[Box, ...]
    found: str
    context: str


@dataclass(frozen=True)
class AcceptedRedaction:
    """What the released record withholds: boxes on a page, and the exemption why."""

    page: int
    boxes: tuple[Box, ...]
    code: ExemptionCode


def clean_terms(text: str) -> list[str]:
    """The terms of a search, one a line, in order, without repeats or blanks; MissingText
    when there are none, CaseworkError when one is too short or long or there are too many."""
    terms = list(dict.fromkeys(" ".join(line.split()) for line in text.splitlines()))
    terms = [term for term in terms if term]
    if not terms:
        raise MissingText("Enter at least one name, address, phone number or reference")
    if len(terms) > MAX_TERMS:
        raise CaseworkError(f"Search for {MAX_TERMS} terms or fewer at once")
    for term in terms:
        if len(term) < MIN_TERM_LENGTH:
            raise CaseworkError(f"“{term}” is too short to search for")
        if len(term) > TERM_LENGTH:
            raise CaseworkError(f"Search terms must be {TERM_LENGTH} characters or fewer")
    return terms


def redactions_of(session: DbSession, item: DisclosureItem) -> list[RecordRedaction]:
    """Every redaction of the item, in page order, then as found."""
    return list(
        session.scalars(
            select(RecordRedaction)
            .where(RecordRedaction.item_id == item.id)
            .order_by(RecordRedaction.page, RecordRedaction.id)
        )
    )


def accepted_redactions(session: DbSession, item: DisclosureItem) -> list[AcceptedRedaction]:
    """What the released record must withhold."""
    return [
        AcceptedRedaction(row.page, tuple(row.box_tuples()), ExemptionCode(row.code))
        for row in redactions_of(session, item)
        if row.status == RedactionStatus.ACCEPTED
    ]


def propose_places(
    session: DbSession,
    case: Case,
    item: DisclosureItem,
    *,
    term: str,
    places: Sequence[PlaceFound],
    actor: str,
    now: datetime | None = None,
) -> list[RecordRedaction]:
    """Keep the places a search for `term` found as proposals to judge. A place already
    proposed, accepted or rejected (the same page and boxes) is not proposed again."""
    moment = acting_moment(now)
    _check_item(session, case, item)
    known = {(row.page, _key(row.box_tuples())) for row in redactions_of(session, item)}
    added: list[RecordRedaction] = []
    for place in places:
        if (place.page, _key(place.boxes)) in known:
            continue
        known.add((place.page, _key(place.boxes)))
        row = RecordRedaction(
            case_id=case.id,
            item_id=item.id,
            page=place.page,
            boxes=[list(box) for box in place.boxes],
            source=RedactionSource.TERM,
            status=RedactionStatus.PROPOSED,
            code="",
            term=term[:TERM_LENGTH],
            found=place.found[:TERM_LENGTH],
            context=place.context[:CONTEXT_LENGTH],
            proposed_by=actor,
            proposed_at=moment,
        )
        session.add(row)
        added.append(row)
    session.flush()
    audit_event(
        session,
        case,
        "redactions_proposed",
        actor,
        moment,
        item_id=item.id,
        places=len(places),
        new=len(added),
    )
    session.commit()
    return added


def decide(
    session: DbSession,
    case: Case,
    redaction_id: int,
    *,
    accept: bool,
    code: ExemptionCode | str | None,
    actor: str,
    now: datetime | None = None,
) -> RecordRedaction:
    """Accept a proposed place with its exemption (C8), reject it, or take back an accepted
    one (rejecting it)."""
    moment = acting_moment(now)
    row = session.get(RecordRedaction, redaction_id)
    if row is None or row.case_id != case.id:
        raise CaseworkError("That redaction is not on this case")
    item = session.get(DisclosureItem, row.item_id)
    if item is None:  # the foreign key forbids it; never act on a half-deleted case
        raise CaseworkError("That redaction's record is gone")
    _check_item(session, case, item)
    if accept:
        if not code:
            raise MissingText("Choose the exemption that applies to this redaction")
        row.code = str(enum_value(ExemptionCode, code, "exemption"))
        row.status = RedactionStatus.ACCEPTED
    else:
        row.status = RedactionStatus.REJECTED
    row.decided_by = actor
    row.decided_at = moment
    audit_event(
        session,
        case,
        "redaction_accepted" if accept else "redaction_rejected",
        actor,
        moment,
        item_id=item.id,
        redaction_id=row.id,
        page=row.page,
        code=row.code or None,
    )
    session.commit()
    return row


def add_area(
    session: DbSession,
    case: Case,
    item: DisclosureItem,
    *,
    page: int,
    boxes: Sequence[Box],
    code: ExemptionCode | str | None,
    source: RedactionSource,
    pages: int,
    actor: str,
    now: datetime | None = None,
) -> RecordRedaction:
    """A redaction staff made by hand (a drawn area, or lines picked), accepted as made.
    `pages` is how many pages the record has (the caller has read it)."""
    moment = acting_moment(now)
    if not code:
        raise MissingText("Choose the exemption that applies to this redaction")
    exemption = enum_value(ExemptionCode, code, "exemption")
    if not 0 <= page < pages:
        raise CaseworkError("That page is not in the record")
    kept = [box for box in boxes if _sensible(box)]
    if not kept:
        raise MissingText("Mark the area to redact: draw a box, or choose at least one line")
    _check_item(session, case, item)
    row = RecordRedaction(
        case_id=case.id,
        item_id=item.id,
        page=page,
        boxes=[list(box) for box in kept],
        source=source,
        status=RedactionStatus.ACCEPTED,
        code=str(exemption),
        proposed_by=actor,
        proposed_at=moment,
        decided_by=actor,
        decided_at=moment,
    )
    session.add(row)
    session.flush()
    audit_event(
        session,
        case,
        "redaction_added",
        actor,
        moment,
        item_id=item.id,
        redaction_id=row.id,
        page=page,
        source=str(source),
        code=str(exemption),
    )
    session.commit()
    return row


def _check_item(session: DbSession, case: Case, item: DisclosureItem) -> None:
    if item.case_id != case.id:
        raise CaseworkError("That item is not on this case")
    if item.kind != DisclosureKind.UPLOADED:
        raise CaseworkError("Only an uploaded record can be redacted here")
    lock_case(session, case)
    check_kind(case, CaseKind.ACCESS)
    check_working(case)


def _key(boxes: Sequence[Box]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(round(value, 1) for value in box) for box in boxes)


def _sensible(box: Box) -> bool:
    left, bottom, right, top = box
    return right - left >= MIN_BOX_POINTS and top - bottom >= MIN_BOX_POINTS
