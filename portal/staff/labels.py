"""What staff read for a stored value: a channel, who is asking, a language, an evidence
file's purpose and type, a search outcome. Never the stored slug ("my_child", "in_person"):
a caseworker should not have to decode the database.

Unknown values (from an older version, say) fall back to the value made readable, never
to an error.
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.cases.casework_models import DecisionOutcome, ReviewDecision, SearchOutcome
from portal.cases.models import ActingFor, Authority, CaseKind, Channel, EvidencePurpose
from portal.cases.rights_models import CorrectionOutcome, DeletionOutcome, RestrictionOutcome
from portal.i18n import LANGUAGES

KIND_LABELS: Mapping[str, str] = {
    CaseKind.ACCESS: "Subject access request",
    CaseKind.OBJECTION: "Objection",
    CaseKind.COMPLAINT: "Complaint to the council",
    CaseKind.CORRECTION: "Correction request",
    CaseKind.RESTRICTION: "Restriction request",
    CaseKind.DELETION: "Deletion request",
}

CHANNEL_LABELS: Mapping[str, str] = {
    Channel.ONLINE: "Online",
    Channel.PHONE: "Phone",
    Channel.LETTER: "Letter",
    Channel.EMAIL: "Email",
    Channel.IN_PERSON: "In person at a hub",
}

# Who is asking, in the words of the staff intake form (C11).
ACTING_FOR_LABELS: Mapping[str, str] = {
    ActingFor.MYSELF: "The person the request is about, for themselves",
    ActingFor.MY_CHILD: "A parent or carer, for their child",
    ActingFor.SOMEONE_ELSE: "Someone else with the person's authority",
}

AUTHORITY_LABELS: Mapping[str, str] = {
    Authority.PARENTAL_RESPONSIBILITY: "Parental responsibility",
    Authority.WRITTEN_PERMISSION: "The person's written permission",
    Authority.LASTING_POWER_OF_ATTORNEY: "Attorney under a lasting power of attorney",
    Authority.COURT_DEPUTY: "Deputy appointed by the Court of Protection",
    Authority.SOLICITOR_OR_ADVOCATE: "Solicitor or advocate with the person's written authority",
}

EVIDENCE_PURPOSE_LABELS: Mapping[str, str] = {
    EvidencePurpose.PHOTO_ID: "Photo ID",
    EvidencePurpose.PROOF_OF_ADDRESS: "Proof of address",
    EvidencePurpose.AUTHORITY: "Proof they may act for the person",
    EvidencePurpose.MORE_EVIDENCE: "Further evidence",
}

FILE_TYPE_LABELS: Mapping[str, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG image",
    "image/png": "PNG image",
}

SEARCH_OUTCOME_LABELS: Mapping[str, str] = {
    SearchOutcome.RECORDS_FOUND: "records found",
    SearchOutcome.NONE_HELD: "no records held",
    SearchOutcome.NOT_SEARCHED: "not searched",
}

REVIEW_DECISION_LABELS: Mapping[str, str] = {
    ReviewDecision.APPROVED: "Approved",
    ReviewDecision.RETURNED: "Returned",
}

DECISION_OUTCOME_LABELS: Mapping[str, str] = {
    DecisionOutcome.UPHELD: "Upheld",
    DecisionOutcome.PARTLY_UPHELD: "Partly upheld",
    DecisionOutcome.NOT_UPHELD: "Not upheld",
}

# C14, C15: the outcomes of decisions on requests to correct, restrict and delete.
RIGHTS_OUTCOME_LABELS: Mapping[str, str] = {
    CorrectionOutcome.CORRECTED: "Corrected",
    CorrectionOutcome.STATEMENT_ADDED: "Not corrected; supplementary statement added",
    CorrectionOutcome.NOT_CORRECTED: "Not corrected",
    RestrictionOutcome.RESTRICTED: "Restricted",
    RestrictionOutcome.NOT_RESTRICTED: "Not restricted",
    DeletionOutcome.DELETED: "Deleted",
    DeletionOutcome.PARTLY_DELETED: "Partly deleted",
    DeletionOutcome.NOT_DELETED: "Not deleted",
}
RIGHTS_DECISION_NAMES: Mapping[str, str] = {
    CaseKind.CORRECTION: "Correction decision",
    CaseKind.RESTRICTION: "Restriction decision",
    CaseKind.DELETION: "Deletion decision",
}


def readable(value: str | None) -> str:
    """A stored value no table names, made readable ("not_known" -> "Not known")."""
    text = (value or "").replace("_", " ").replace(":", ": ").strip()
    return text[:1].upper() + text[1:]


def label(labels: Mapping[str, str], value: str | None) -> str:
    return labels.get(value or "") or readable(value)


def language_name(code: str | None) -> str:
    """ "pl" -> "Polish"; a code we do not ship stays as it is, upper-cased."""
    language = LANGUAGES.get(code or "")
    return language.english_name if language else (code or "").upper() or "Not recorded"
