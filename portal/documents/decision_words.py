"""C9, C12: the words of an objection decision letter for each use that carries on, and
for the restriction applied while the decision was made.

Each use that carries on is explained in plain, translated words: what the law lets the
council weigh (UK GDPR Art 21(1): compelling legitimate grounds that override the person's
interests, rights and freedoms, or legal claims; Art 21(6): research necessary for a task
in the public interest), then the test the assessment recorded, quoted in the council's
own words as staff wrote them (English, marked as such).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.cases.about_whom import AboutWhom
from portal.cases.override_tests import OverrideTest, is_research


@dataclass(frozen=True)
class CouncilWords:
    """A part of the test as staff wrote it, after a translated introduction."""

    intro: str
    text: str


@dataclass(frozen=True)
class ContinuingUse:
    words: str  # the use, translated
    because: list[str] = field(default_factory=list)  # the law's test, in plain words
    quotes: list[CouncilWords] = field(default_factory=list)  # the council's words


def continuing_use(words: str, processing: str, test: OverrideTest, about: AboutWhom):
    """C9: why one use carries on: the test's meaning, translated, and its parts quoted."""
    because: list[str] = []
    quotes: list[CouncilWords] = []
    if test.situation:
        quotes.append(
            CouncilWords(
                about.words(
                    _l("Your situation, as we understood it:"),
                    _l("Their situation, as we understood it:"),
                ),
                test.situation,
            )
        )
    if is_research(processing):
        because.append(_("The research is needed for a task we carry out in the public interest."))
        quotes.append(CouncilWords(_("Why the research is needed:"), test.public_interest_task))
        return ContinuingUse(words, because, quotes)
    if test.council_grounds:
        because.append(
            about.words(
                _l(
                    "We weighed our reasons against your particular situation. Our reasons are compelling and outweigh your interests, rights and freedoms."  # noqa: E501
                ),
                _l(
                    "We weighed our reasons against their particular situation. Our reasons are compelling and outweigh their interests, rights and freedoms."  # noqa: E501
                ),
            )
        )
        quotes.append(CouncilWords(_("Our reasons:"), test.council_grounds))
        quotes.append(
            CouncilWords(_("Why our reasons outweigh the situation above:"), test.why_overrides)
        )
    if test.legal_claim:
        because.append(_("We need the information to make, use or defend legal claims."))
        quotes.append(CouncilWords(_("The legal claim:"), test.legal_claim))
    return ContinuingUse(words, because, quotes)
