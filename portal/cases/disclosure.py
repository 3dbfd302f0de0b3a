"""Disclosure, for an access request: the searches made department by department (C6), the
items of the response, typed or uploaded and encrypted at rest (C7), and the exemptions
applied to them item by item, each recorded and explained (C8).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from sqlalchemy import select

from portal.cases import clock, record_readings
from portal.cases.casework_models import (
    DEPARTMENT_KEY_LENGTH,
    DepartmentSearch,
    DisclosureItem,
    DisclosureKind,
    ExemptionCode,
    SearchOutcome,
)
from portal.cases.errors import CaseworkError, InvalidDate, MissingText, SearchAlreadyRecorded
from portal.cases.models import Case, CaseKind
from portal.cases.steps import (
    acting_moment,
    audit_event,
    check_kind,
    check_working,
    enum_value,
    lock_case,
    required_text,
)
from portal.encryption import EvidenceCipher
from portal.extensions import DbSession

NAME_LENGTH = 200

TITLE_LENGTH = 300


@dataclass(frozen=True)
class Exemption:
    """C8: an exemption as staff pick it, and its reason as the resident reads it. The
    resident's reason is the only thing a response says about what was withheld: the
    item's staff note never leaves the case file."""

    staff_explanation: str  # for the reviewer and the case file
    resident_explanation: str  # plain English for the response; translate at the edge
    source: str


EXEMPTIONS: Mapping[ExemptionCode, Exemption] = MappingProxyType(
    {
        ExemptionCode.THIRD_PARTY: Exemption(
            "Information about another person, withheld: they have not consented and "
            "disclosing it without consent would not be reasonable.",
            "Some information is about other people. We removed it to protect their privacy.",
            "DPA 2018 Sch 2 para 16",
        ),
        ExemptionCode.CRIME_PREVENTION: Exemption(
            "Disclosure would be likely to prejudice the prevention or detection of crime "
            "or the catching or prosecution of offenders.",
            "Some information was removed because sharing it could get in the way of "
            "preventing or solving crime.",
            "DPA 2018 Sch 2 para 2",
        ),
        ExemptionCode.SOCIAL_WORK_SERIOUS_HARM: Exemption(
            "Social work data: disclosure would be likely to prejudice social work by "
            "causing serious harm to the physical or mental health of anyone.",
            "Some social care information was removed because sharing it could cause "
            "serious harm to you or to someone else.",
            "DPA 2018 Sch 3 Part 3",
        ),
        ExemptionCode.HEALTH_SERIOUS_HARM: Exemption(
            "Health data: the appropriate health professional advises that disclosure "
            "would be likely to cause serious harm to the physical or mental health of anyone.",
            "Some health information was removed because a health professional told us "
            "sharing it could cause serious harm to you or to someone else.",
            "DPA 2018 Sch 3 Part 2",
        ),
        ExemptionCode.EDUCATION_SERIOUS_HARM: Exemption(
            "Education data: disclosure would be likely to cause serious harm to the "
            "physical or mental health of anyone.",
            "Some school information was removed because sharing it could cause serious "
            "harm to you or to someone else.",
            "DPA 2018 Sch 3 Part 4",
        ),
        ExemptionCode.CHILD_ABUSE_DATA: Exemption(
            "Child abuse data requested for a child by someone with parental "
            "responsibility: disclosure would not be in the child's best interests.",
            "Some information was removed because sharing it would not be in the "
            "child's best interests.",
            "DPA 2018 Sch 3 Part 5",
        ),
        ExemptionCode.RESEARCH_STATISTICS: Exemption(
            "Held only for research or statistics, with safeguards, results not "
            "identifying anyone; access would prevent or seriously impair that purpose.",
            "Some information is used only for research and statistics, not to make "
            "decisions about you.",
            "DPA 2018 Sch 2 para 27",
        ),
        ExemptionCode.LEGAL_PROFESSIONAL_PRIVILEGE: Exemption(
            "Covered by legal professional privilege (legal advice or litigation).",
            "Some information is confidential legal advice, which the law lets us keep back.",
            "DPA 2018 Sch 2 para 19",
        ),
        ExemptionCode.MANAGEMENT_FORECASTING: Exemption(
            "Management forecasting or planning: disclosure would be likely to prejudice "
            "the council's conduct of its business.",
            "Some information is about the council's plans, which the law lets us keep "
            "back while sharing it could harm them.",
            "DPA 2018 Sch 2 para 22",
        ),
        # DPA 2018 Sch 4 (disclosure prohibited or restricted by an enactment): the
        # England instruments that a children's services record may fall under. Checked at
        # legislation.gov.uk: uksi/2005/389 reg 41 (confidentiality of adoption case
        # records); uksi/2014/1530 reg 17 (restriction on disclosure of EHC plans).
        ExemptionCode.ADOPTION_RECORDS: Exemption(
            "Adoption records and reports: disclosure is prohibited or restricted by "
            "adoption law (in England, the Adoption and Children Act 2002 and regulations "
            "under it, such as the Adoption Agencies Regulations 2005 on the confidentiality "
            "of case records).",
            "Some information comes from adoption records or reports. The law on adoption "
            "controls who may see these records, so we removed it.",
            "DPA 2018 Sch 4 para 3",
        ),
        ExemptionCode.SPECIAL_EDUCATIONAL_NEEDS: Exemption(
            "Statements and records of special educational needs: in England, an education, "
            "health and care (EHC) plan under Part 3 of the Children and Families Act 2014 "
            "may be disclosed only as regulation 17 of the Special Educational Needs and "
            "Disability Regulations 2014 allows (restriction on disclosure of EHC plans).",
            "Some information comes from a plan for a child's special educational needs "
            "(an education, health and care plan). The law limits who these plans may be "
            "shared with, so we removed it.",
            "DPA 2018 Sch 4 para 4",
        ),
        ExemptionCode.PARENTAL_ORDER_RECORDS: Exemption(
            "Parental order records and reports: disclosure is restricted as for adoption "
            "records (a parental order under section 54 or 54A of the Human Fertilisation "
            "and Embryology Act 2008, after a surrogacy arrangement).",
            "Some information comes from records or reports about a parental order (a court "
            "order that makes the intended parents a child's legal parents after a "
            "surrogacy arrangement). The law controls who may see them, so we removed it.",
            "DPA 2018 Sch 4 para 5",
        ),
    }
)


def record_search(
    session: DbSession,
    case: Case,
    *,
    department: str,
    department_key: str | None = None,
    searched_on: date,
    outcome: SearchOutcome,
    reason_not_searched: str = "",
    actor: str,
    now: datetime | None = None,
) -> DepartmentSearch:
    """C6: a reasonable and proportionate search, department by department. A department
    not searched needs a reason, which is kept only for that outcome. Each department is
    recorded once per case (the response lists it once): the same name again, in any
    case or spacing, is refused. `department_key` is the department's key in the council
    profile (None for one it does not list), by which letters name it in the requester's
    language; `department` is its English name (the profile's, so one key is one name)."""
    moment = acting_moment(now)
    name = required_text(department, "Name the department searched", limit=NAME_LENGTH)
    key = profile_department_key(department_key)
    outcome = enum_value(SearchOutcome, outcome, "search outcome")
    reason = reason_not_searched.strip() if outcome == SearchOutcome.NOT_SEARCHED else ""
    if outcome == SearchOutcome.NOT_SEARCHED and not reason:
        raise MissingText("Say why this department was not searched")
    lock_case(session, case)
    check_working(case)
    earlier = _search_of(session, case, name, key)
    if earlier is not None:
        raise SearchAlreadyRecorded(
            f"A search of {earlier.department} is already recorded for this case "
            f"(searched on {earlier.searched_on:%-d %B %Y}): each department is recorded once"
        )
    if searched_on > clock.received_on(moment):
        raise InvalidDate("A search cannot be dated after today")
    if searched_on < case.received_on:
        raise InvalidDate("A search cannot be dated before the request was received")
    search = DepartmentSearch(
        case_id=case.id,
        department=name,
        department_key=key,
        searched_on=searched_on,
        outcome=outcome,
        reason_not_searched=reason,
        recorded_by=actor,
        recorded_at=moment,
    )
    session.add(search)
    session.flush()
    audit_event(
        session,
        case,
        "search_recorded",
        actor,
        moment,
        search_id=search.id,
        outcome=str(outcome),
    )
    session.commit()
    return search


def _department_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _search_of(
    session: DbSession, case: Case, department: str, profile_key: str | None
) -> DepartmentSearch | None:
    """The search already recorded for this department: the same profile key (an older row
    typed as "Housing Services" and one picked as "Housing" are one department), or the
    same name whatever its case or spacing."""
    name = _department_key(department)
    searches = session.scalars(select(DepartmentSearch).where(DepartmentSearch.case_id == case.id))
    return next(
        (
            s
            for s in searches
            if _department_key(s.department) == name
            or (profile_key is not None and s.department_key == profile_key)
        ),
        None,
    )


def profile_department_key(key: str | None) -> str | None:
    """A department's key in the council profile, as the profile writes keys."""
    if not key:
        return None
    if not re.fullmatch(r"[a-z][a-z0-9_]*", key) or len(key) > DEPARTMENT_KEY_LENGTH:
        raise CaseworkError(f"{key!r} is not a department key of the council profile")
    return key


def disclosure_associated_data(reference: str, sha256: str) -> bytes:
    """Binds an uploaded disclosure file to its case, so a blob cannot be moved."""
    return f"disclosure-item:{reference}:{sha256}".encode()


def add_disclosure_item(
    session: DbSession,
    case: Case,
    *,
    source_department: str,
    source_department_key: str | None = None,
    title: str,
    kind: DisclosureKind,
    content: str | bytes,
    item_date: date | None,
    exemptions: Sequence[ExemptionCode] = (),
    redaction_note: str = "",
    actor: str,
    cipher: EvidenceCipher | None = None,
    original_name: str = "",
    media_type: str = "application/octet-stream",
    now: datetime | None = None,
) -> DisclosureItem:
    """C7-C8: one item of the access response: typed text, or a file encrypted at rest.

    Exemptions are applied item by item and recorded (C8); when any is applied, the
    redaction note must say what was withheld. The note is for staff only: the response
    gives the resident each exemption's plain words, never the note. The source department
    is named as in record_search: its English name, and its key in the council profile if
    it has one. An uploaded file is queued to have its pictured pages read by OCR
    (record_readings), in the same transaction.
    """
    moment = acting_moment(now)
    department = required_text(source_department, "Name the department", limit=NAME_LENGTH)
    department_key = profile_department_key(source_department_key)
    heading = required_text(title, "Give the item a title", limit=TITLE_LENGTH)
    kind = enum_value(DisclosureKind, kind, "item kind")
    codes = _exemption_codes(exemptions)
    note = redaction_note.strip()
    if codes and not note:
        raise MissingText("Say what was withheld from this item and why (C8)")
    lock_case(session, case)
    check_kind(case, CaseKind.ACCESS)
    check_working(case)
    if item_date is not None and item_date > clock.received_on(moment):
        raise InvalidDate("An item cannot be dated after today")
    item = DisclosureItem(
        case_id=case.id,
        source_department=department,
        source_department_key=department_key,
        title=heading,
        kind=kind,
        item_date=item_date,
        exemptions=[str(code) for code in codes],
        redaction_note=note,
        added_by=actor,
        added_at=moment,
    )
    if kind == DisclosureKind.TYPED:
        if not isinstance(content, str) or not content.strip():
            raise MissingText("Type the information for this item")
        item.text = content
    else:
        if not isinstance(content, bytes) or not content:
            raise MissingText("Choose the file for this item")
        if cipher is None:
            raise CaseworkError("An uploaded item needs the evidence cipher to encrypt it")
        digest = hashlib.sha256(content).hexdigest()
        item.original_name = original_name.strip()[:NAME_LENGTH]
        item.media_type = media_type[:100]
        item.size = len(content)
        item.sha256 = digest
        item.encrypted = cipher.encrypt(
            content, associated_data=disclosure_associated_data(case.reference, digest)
        )
    session.add(item)
    session.flush()
    if kind == DisclosureKind.UPLOADED:
        # Its pictured pages (scans, photographs) are read now, not when staff search it.
        record_readings.queue_reading(session, case, item, now=moment)
    audit_event(
        session,
        case,
        "disclosure_item_added",
        actor,
        moment,
        item_id=item.id,
        kind=str(kind),
        exemptions=item.exemptions,
    )
    session.commit()
    return item


def decrypt_disclosure_item(case: Case, item: DisclosureItem, *, cipher: EvidenceCipher) -> bytes:
    """The file of an uploaded item. Callers that show it to someone record a download
    event (DESIGN.md section 3: every file download is audited)."""
    if item.kind != DisclosureKind.UPLOADED or item.encrypted is None:
        raise CaseworkError("This item has no file")
    return cipher.decrypt(
        item.encrypted, associated_data=disclosure_associated_data(case.reference, item.sha256)
    )


def exemption_reference(code: str) -> str:
    """The short reference a redaction box carries on a released page ("Sch 2 para 16"):
    the exemption's source without the Act's name, which the pack's list gives once."""
    try:
        exemption = EXEMPTIONS[ExemptionCode(code)]
    except (ValueError, KeyError):
        return code
    return exemption.source.removeprefix("DPA 2018 ")


def _exemption_codes(codes: Sequence[ExemptionCode | str]) -> list[ExemptionCode]:
    return list(dict.fromkeys(enum_value(ExemptionCode, code, "exemption") for code in codes))
