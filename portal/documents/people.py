"""Whom a letter or a pack is about, in the requester's words (C11; DESIGN.md section 3:
every letter addresses the requester and names the subject).

A parent asking for their child's information reads "a copy of the information we hold
about your child, Zofia Kowalska", and someone acting for another person "about Zofia
Kowalska", where a person asking for themselves reads "about you". Sentences that differ
are whole messages, one per case (portal.cases.about_whom); after the subject is named,
later ones say "them" and "their".

The words for what a resident asked for or objected to are the journey's own labels
(portal.forms.journeys, portal.public.journey_whom): the same messages, translated once.
All of this is in the current language: call it inside letters.in_language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.bidi import isolate_text, long_date_text
from portal.cases import corrections, disclosure, objections, rights_decisions
from portal.cases.about_whom import AboutWhom
from portal.cases.casework_models import ExemptionCode, SearchOutcome
from portal.cases.models import Case, CaseKind
from portal.cases.override_tests import OverrideTest
from portal.cases.use_words import agency_name, processing_words

OBJECTED_WORDS: Mapping[str, Any] = MappingProxyType(
    {
        "programme": _l("Linking my information for the whole programme"),
        "sharing": _l("Sharing with particular organisations"),
        "national_study": _l("The National Impact Study"),
        "local_research": _l("Local research"),
    }
)
THEIR_PROGRAMME = _l("Linking their information for the whole programme")
SCOPE_WORDS: Mapping[str, Any] = MappingProxyType(
    {
        "everything": _l("Everything the council holds about me for the programme"),
        "agencies": _l("Information from particular organisations"),
    }
)
EVERYTHING_FOR_A_CHILD = _l(
    "Everything the council holds about your child, %(name)s, for the programme"
)
EVERYTHING_FOR_SOMEONE = _l("Everything the council holds about %(name)s for the programme")


def what_was_asked(case: Case, about: AboutWhom) -> list[str]:
    """What the request asked for (or the objection objected to), as the journey put it."""
    details = case.details or {}
    lines: list[str] = []
    if case.kind == CaseKind.CORRECTION:
        asked = corrections.asked_for(case)
        return [
            _("What you told us is wrong: %(text)s", text=isolate_text(asked["wrong"])),
            _("What you told us it should say: %(text)s", text=isolate_text(asked["should_say"])),
        ]
    if case.kind in (CaseKind.RESTRICTION, CaseKind.DELETION):
        return _rights_asked(case, about)
    if case.kind == CaseKind.OBJECTION:
        answers = details.get("processing")
        if isinstance(answers, dict):
            for key in answers.get("processing") or []:
                words = OBJECTED_WORDS.get(str(key))
                if words is None:
                    continue
                if key == "programme":
                    words = about.words(words, THEIR_PROGRAMME)
                if key == "sharing" and answers.get("agencies"):
                    names = ", ".join(agency_name(str(a)) for a in answers["agencies"])
                    lines.append(f"{words}: {names}")
                else:
                    lines.append(str(words))
        return lines
    what = details.get("what")
    if isinstance(what, dict):
        words = SCOPE_WORDS.get(str(what.get("scope")))
        if words is not None:
            if what.get("scope") == "everything":
                words = about.words(
                    words,
                    EVERYTHING_FOR_A_CHILD,
                    EVERYTHING_FOR_SOMEONE,
                    name=isolate_text(about.name),
                )
            if what.get("scope") == "agencies" and what.get("agencies"):
                names = ", ".join(agency_name(str(a)) for a in what["agencies"])
                lines.append(f"{words}: {names}")
            else:
                lines.append(str(words))
        start, end = _iso_date(what.get("date_from")), _iso_date(what.get("date_to"))
        if start or end:
            lines.append(
                _(
                    "Dates: %(start)s to %(end)s",
                    start=long_date_text(start) if start else "…",
                    end=long_date_text(end) if end else "…",
                )
            )
    return lines


def _rights_asked(case: Case, about: AboutWhom) -> list[str]:
    """C14, C15: the uses a request to restrict named, or what a request to delete named,
    and the requester's reasons, as the journey recorded them."""
    details = case.details or {}
    lines: list[str] = []
    if case.kind == CaseKind.RESTRICTION:
        uses = [processing_words(p, about) for p in rights_decisions.uses_asked(case)]
        if uses:
            lines.append(_("What you asked us to stop: %(uses)s", uses="; ".join(uses)))
    else:
        what = details.get("delete-what") or {}
        text = str(what.get("what") or "") if isinstance(what, dict) else ""
        if text:
            lines.append(_("What you asked us to delete: %(text)s", text=isolate_text(text)))
    why = details.get("why") or {}
    reasons = str(why.get("why") or "") if isinstance(why, dict) else ""
    if reasons:
        lines.append(_("Your reasons: %(text)s", text=isolate_text(reasons)))
    return lines


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class DecisionFacts:
    """C9: what an objection decision stopped (and from when) and what continues, with
    the grounds the assessment recorded for carrying on. Processing keys, not words."""

    outcome: str
    stopped: list[str]
    stopped_on: date
    continuing: list[str]
    compelling_grounds: bool  # an assessment made before per-use tests
    legal_claims: bool  # likewise
    # C9: the test recorded for each use that carries on (portal.cases.override_tests).
    tests: Mapping[str, OverrideTest] = field(default_factory=dict)
    # C12: uses restricted while the decision was made, kept stopped or started again.
    restriction_confirmed: list[str] = field(default_factory=list)
    restriction_lifted: list[str] = field(default_factory=list)


def continuing_because(facts: DecisionFacts, about: AboutWhom) -> list[str]:
    """C9: why processing the requester objected to carries on, in their words, for an
    assessment made before per-use tests (decision_words.continuing_use since): compelling
    legitimate grounds or legal claims (public task), public-interest research. The
    interests weighed are the data subject's (Art 21(1))."""
    because: list[str] = []
    public_task = any(not objections.is_research(p) for p in facts.continuing)
    if public_task and facts.compelling_grounds:
        because.append(
            about.words(
                _l(
                    "We have strong and legitimate reasons to carry on that outweigh your interests, rights and freedoms."  # noqa: E501
                ),
                _l(
                    "We have strong and legitimate reasons to carry on that outweigh their interests, rights and freedoms."  # noqa: E501
                ),
            )
        )
    if public_task and facts.legal_claims:
        because.append(_("We need the information to make, use or defend legal claims."))
    if any(objections.is_research(p) for p in facts.continuing):
        because.append(_("The research is needed for a task we carry out in the public interest."))
    return because


# The response pack ------------------------------------------------------------------------


def pack_title(reference: str, about: AboutWhom) -> str:
    """The pack's title, in its metadata (a reader shows it in the window's title bar)."""
    return about.words(
        _l("Your information: reference %(reference)s"),
        _l("Your child's information: reference %(reference)s"),
        _l("Information about %(name)s: reference %(reference)s"),
        name=isolate_text(about.name),
        reference=reference,
    )


def pack_footer(requester: str, about: AboutWhom) -> str:
    """Who the pack was disclosed to, on every page; and whom it is about, when that is
    someone else."""
    if about.myself:
        return _("Disclosed to %(name)s", name=isolate_text(requester))
    return _(
        "Disclosed to %(requester)s, about %(subject)s",
        requester=isolate_text(requester),
        subject=isolate_text(about.name),
    )


def no_information(about: AboutWhom) -> str:
    return about.words(
        _l("We found no information about you in these records."),
        _l("We found no information about them in these records."),
    )


def search_outcomes(about: AboutWhom) -> dict[str, str]:
    """C6: what each department's search found, after its name ("Housing: ...")."""
    return {
        SearchOutcome.RECORDS_FOUND: about.words(
            _l("we found information about you."), _l("we found information about them.")
        ),
        SearchOutcome.NONE_HELD: about.words(
            _l("we hold no information about you."), _l("we hold no information about them.")
        ),
    }


# C8: the exemptions whose plain words say "you", for a pack about someone else.
THEIR_EXEMPTIONS: Mapping[str, Any] = MappingProxyType(
    {
        ExemptionCode.SOCIAL_WORK_SERIOUS_HARM: _l(
            "Some social care information was removed because sharing it could cause serious harm to them or to someone else."  # noqa: E501
        ),
        ExemptionCode.HEALTH_SERIOUS_HARM: _l(
            "Some health information was removed because a health professional told us sharing it could cause serious harm to them or to someone else."  # noqa: E501
        ),
        ExemptionCode.EDUCATION_SERIOUS_HARM: _l(
            "Some school information was removed because sharing it could cause serious harm to them or to someone else."  # noqa: E501
        ),
        ExemptionCode.RESEARCH_STATISTICS: _l(
            "Some information is used only for research and statistics, not to make decisions about them."  # noqa: E501
        ),
    }
)


def exemption_explanation(code: str) -> str:
    """C8 in plain words for the resident, in the current language: the only words a
    response gives about what was withheld (an item's staff note is never shown). The
    English is disclosure.EXEMPTIONS' resident_explanation, word for word (a test keeps
    them equal)."""
    explanations = {
        ExemptionCode.THIRD_PARTY: _(
            "Some information is about other people. We removed it to protect their privacy."
        ),
        ExemptionCode.CRIME_PREVENTION: _(
            "Some information was removed because sharing it could get in the way of preventing or solving crime."  # noqa: E501
        ),
        ExemptionCode.SOCIAL_WORK_SERIOUS_HARM: _(
            "Some social care information was removed because sharing it could cause serious harm to you or to someone else."  # noqa: E501
        ),
        ExemptionCode.HEALTH_SERIOUS_HARM: _(
            "Some health information was removed because a health professional told us sharing it could cause serious harm to you or to someone else."  # noqa: E501
        ),
        ExemptionCode.EDUCATION_SERIOUS_HARM: _(
            "Some school information was removed because sharing it could cause serious harm to you or to someone else."  # noqa: E501
        ),
        ExemptionCode.CHILD_ABUSE_DATA: _(
            "Some information was removed because sharing it would not be in the child's best interests."  # noqa: E501
        ),
        ExemptionCode.RESEARCH_STATISTICS: _(
            "Some information is used only for research and statistics, not to make decisions about you."  # noqa: E501
        ),
        ExemptionCode.LEGAL_PROFESSIONAL_PRIVILEGE: _(
            "Some information is confidential legal advice, which the law lets us keep back."
        ),
        ExemptionCode.MANAGEMENT_FORECASTING: _(
            "Some information is about the council's plans, which the law lets us keep back while sharing it could harm them."  # noqa: E501
        ),
        ExemptionCode.ADOPTION_RECORDS: _(
            "Some information comes from adoption records or reports. The law on adoption controls who may see these records, so we removed it."  # noqa: E501
        ),
        ExemptionCode.SPECIAL_EDUCATIONAL_NEEDS: _(
            "Some information comes from a plan for a child's special educational needs (an education, health and care plan). The law limits who these plans may be shared with, so we removed it."  # noqa: E501
        ),
        ExemptionCode.PARENTAL_ORDER_RECORDS: _(
            "Some information comes from records or reports about a parental order (a court order that makes the intended parents a child's legal parents after a surrogacy arrangement). The law controls who may see them, so we removed it."  # noqa: E501
        ),
    }
    return explanations.get(
        ExemptionCode(code), disclosure.EXEMPTIONS[ExemptionCode(code)].resident_explanation
    )


def exemption_words(code: str, about: AboutWhom) -> str:
    """C8 in plain words, about the requester's own information or someone else's."""
    words = None if about.myself else THEIR_EXEMPTIONS.get(code)
    return str(words) if words is not None else exemption_explanation(code)
