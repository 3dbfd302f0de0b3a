"""What the resident asked for, as the caseworker reads it first on the case page.

Everything the journey stored (portal.cases.requests and Case.details) in plain English:
who is asking, what information or which uses, the reference numbers and old names and
addresses that help a search, how they want the answer and in which language. What the
resident typed is shown as written, escaped, marked with the language they wrote in (a
screen reader then reads "matka" as Polish); what staff keyed in for a phone or letter
request carries no such mark, as staff wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from portal.cases import corrections, objections, restrictions
from portal.cases.agencies import agency_name
from portal.cases.models import Case, CaseKind
from portal.council import Council
from portal.documents.letters import letter_language
from portal.i18n import LANGUAGES
from portal.staff.complaint_summary import complaint_rows
from portal.staff.labels import ACTING_FOR_LABELS, AUTHORITY_LABELS, label, language_name

NONE_GIVEN = "None given"

SCOPE_LABELS = {
    "everything": "Everything the council holds about them for the programme",
    "agencies": "Only information from these organisations",
}
DELIVERY_LABELS = {
    "download": "Secure download (they are emailed when it is ready)",
    "post": "By post",
    "hub": "Collect it at an Early Help Hub",
}
FORMAT_LABELS = {"large_print": "Large print", "easy_read": "Easy Read", "other": "Other"}


@dataclass(frozen=True)
class SummaryRow:
    key: str
    value: Markup  # escaped: staff wording, and the resident's words marked with `lang`


def what_they_asked_for(case: Case, council: Council) -> list[SummaryRow]:
    """The rows of the "What they asked for" summary, in the order a caseworker needs
    them: who asks, what for, what helps find it, how to answer."""
    words = _ResidentWords(case)
    details = case.details or {}
    rows = [SummaryRow("Who is asking", _who_is_asking(case, words))]
    if case.authority:
        authority = label(AUTHORITY_LABELS, case.authority)
        rows.append(SummaryRow("Their authority", escape(authority)))
    if case.kind == CaseKind.COMPLAINT:
        rows += [SummaryRow(key, value) for key, value in complaint_rows(case, words.block)]
    elif case.kind == CaseKind.OBJECTION:
        rows += [
            SummaryRow("What they object to", _objected_to(case)),
            SummaryRow("Their reasons", words.block(_answer(details, "reasons", "reasons"))),
            SummaryRow("Stop these uses while we decide", _restriction_asked(case)),
        ]
    elif case.kind == CaseKind.CORRECTION:
        asked = corrections.asked_for(case)
        rows += [
            SummaryRow("What they say is wrong", words.block(asked["wrong"])),
            SummaryRow("What they say it should say", words.block(asked["should_say"])),
            SummaryRow("Tell them who was told (Art 19)", _yes_no(asked["tell_me"] == "yes")),
        ]
    elif case.kind in (CaseKind.RESTRICTION, CaseKind.DELETION):
        rows += _rights_rows(case, words)
    else:
        subject = case.subject
        rows += [
            SummaryRow("Information wanted", _scope(details)),
            SummaryRow("Time period", _period(details)),
            SummaryRow("Reference numbers", _references(subject.identifiers or {}, words)),
            SummaryRow("Other names used", words.block(subject.other_names)),
            SummaryRow("Previous addresses", words.block(subject.previous_addresses)),
            SummaryRow("How they want it", _delivery(details, council, words)),
        ]
    rows.append(SummaryRow("Letters and emails in", _languages(case)))
    postal = details.get("postal_address")
    if isinstance(postal, str) and postal.strip():
        rows.append(SummaryRow("Postal address for letters", words.block(postal)))
    return rows


# C14, C15: the grounds the journeys offer, as staff read them (UK GDPR Arts 17(1), 18(1)).
GROUND_LABELS = {
    CaseKind.RESTRICTION: {
        "accuracy": "They contest its accuracy, while we check it (Art 18(1)(a))",
        "unlawful": "Unlawful use: they want it restricted, not deleted (Art 18(1)(b))",
        "legal_claim": "We no longer need it; they need it for a legal claim (Art 18(1)(c))",
        "objected": "They objected, while we decide (Art 18(1)(d))",
    },
    CaseKind.DELETION: {
        "not_needed": "No longer needed (Art 17(1)(a))",
        "objected": "They objected to its use (Art 17(1)(c))",
        "unlawful": "Held unlawfully (Art 17(1)(d))",
        "other": "Another reason (see their words)",
    },
}


def _rights_rows(case: Case, words: _ResidentWords) -> list[SummaryRow]:
    """C14, C15: what a request to restrict or delete asks, and on which ground."""
    details = case.details or {}
    ground = _answer(details, "grounds", "ground") or ""
    rows = []
    if case.kind == CaseKind.RESTRICTION:
        rows.append(SummaryRow("Uses to restrict", _objected_to(case)))
    else:
        rows.append(
            SummaryRow("What to delete", words.block(_answer(details, "delete-what", "what")))
        )
    rows += [
        SummaryRow("Their ground", escape(label(GROUND_LABELS[CaseKind(case.kind)], ground))),
        SummaryRow("In their words", words.block(_answer(details, "why", "why") or "")),
        SummaryRow(
            "Tell them who was told (Art 19)",
            _yes_no(_answer(details, "recipients", "tell_me") == "yes"),
        ),
    ]
    return rows


def _yes_no(value: bool) -> Markup:
    return escape("Yes" if value else "No")


def summary_list_rows(rows: Iterable[SummaryRow]) -> list[dict[str, Any]]:
    """The rows as the GOV.UK summary list macro takes them."""
    return [{"key": {"text": row.key}, "value": {"html": row.value}} for row in rows]


class _ResidentWords:
    """Marks text as the resident's own: in the language of their request when they
    typed it online; unmarked (English, the page's) when staff keyed it in."""

    def __init__(self, case: Case) -> None:
        keyed_in = "staff_intake" in (case.details or {})
        language = LANGUAGES.get(case.language)
        self.language = None if keyed_in or language is None else language

    def inline(self, text: str) -> Markup:
        lines = [escape(line.strip()) for line in text.strip().splitlines() if line.strip()]
        joined = Markup("<br>").join(lines)
        if self.language is None:
            return Markup('<span class="portal-own-words">%s</span>') % joined
        return Markup('<span class="portal-own-words" lang="%s" dir="%s">%s</span>') % (
            self.language.code,
            self.language.direction,
            joined,
        )

    def block(self, text: Any) -> Markup:
        if not isinstance(text, str) or not text.strip():
            return escape(NONE_GIVEN)
        return self.inline(text)


def _answer(details: dict[str, Any], step: str, name: str) -> Any:
    answers = details.get(step)
    return answers.get(name) if isinstance(answers, dict) else None


def _lines(lines: Iterable[Markup | str]) -> Markup:
    return Markup("<br>").join(escape(line) for line in lines)


def _who_is_asking(case: Case, words: _ResidentWords) -> Markup:
    who = escape(label(ACTING_FOR_LABELS, case.acting_for))
    relationship = (case.relationship_to_subject or "").strip()
    if not relationship:
        return who
    return Markup("%s (relationship they gave: %s)") % (who, words.inline(relationship))


def _objected_to(case: Case) -> Markup:
    keys = objections.processing_objected_to(case)
    if not keys:
        return escape(NONE_GIVEN)
    return _lines(objections.processing_description(key) for key in keys)


def _restriction_asked(case: Case) -> Markup:
    """C12: whether they asked for restriction while the objection is considered."""
    answer = _answer(case.details or {}, "restrict", "restrict")
    if answer is None:
        return escape("Not asked (objection made before this question)")
    if restrictions.wants_restriction(case):
        return escape(
            f"Yes: restricted pending decision from {case.received_on:%-d %B %Y} "
            "(see the restriction register)"
        )
    return escape("No: the uses carry on until we decide")


def _scope(details: dict[str, Any]) -> Markup:
    scope = _answer(details, "what", "scope") or "everything"
    agencies = _answer(details, "what", "agencies") or []
    wanted = escape(label(SCOPE_LABELS, str(scope)))
    if scope != "agencies" or not agencies:
        return wanted
    names = "; ".join(agency_name(str(agency)) for agency in agencies)
    return Markup("%s: %s") % (wanted, names)


def _long_date(value: Any) -> str | None:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return f"{day:%-d %B %Y}" if day else None


def _period(details: dict[str, Any]) -> Markup:
    start = _long_date(_answer(details, "what", "date_from"))
    end = _long_date(_answer(details, "what", "date_to"))
    if start and end:
        return escape(f"From {start} to {end}")
    if start:
        return escape(f"From {start} onwards")
    if end:
        return escape(f"Up to {end}")
    return Markup("Any time (no dates given)")


def _ni_number(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) != 9:
        return compact
    return f"{compact[:2]} {compact[2:4]} {compact[4:6]} {compact[6:8]} {compact[8]}"


def _nhs_number(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else value


def _references(identifiers: dict[str, str], words: _ResidentWords) -> Markup:
    lines: list[Markup] = []
    if identifiers.get("ni_number"):
        lines.append(escape(f"National Insurance number: {_ni_number(identifiers['ni_number'])}"))
    if identifiers.get("nhs_number"):
        lines.append(escape(f"NHS number: {_nhs_number(identifiers['nhs_number'])}"))
    if identifiers.get("other_references"):
        lines.append(Markup("Other: %s") % words.inline(identifiers["other_references"]))
    return Markup("<br>").join(lines) if lines else escape(NONE_GIVEN)


def _delivery(details: dict[str, Any], council: Council, words: _ResidentWords) -> Markup:
    how = _answer(details, "delivery", "delivery")
    lines: list[Markup] = [escape(label(DELIVERY_LABELS, how) if how else "Not given")]
    hub_slug = _answer(details, "delivery", "collect_hub")
    if how == "hub" and hub_slug:
        hub = council.hub(str(hub_slug))
        lines[0] = Markup("%s: %s") % (lines[0], hub.name if hub else hub_slug)
    for code in _answer(details, "delivery", "formats") or []:
        if code == "other":
            other = _answer(details, "delivery", "other_format") or ""
            lines.append(Markup("Format needed: %s") % words.block(other))
        else:
            lines.append(escape(f"Format needed: {label(FORMAT_LABELS, str(code))}"))
    return Markup("<br>").join(lines)


def _languages(case: Case) -> Markup:
    written = letter_language(case)  # what the letters will really be written in
    shown = escape(language_name(written))
    if written == case.language:
        return shown
    return Markup("%s (they made the request in %s)") % (shown, language_name(case.language))
