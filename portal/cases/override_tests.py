"""C9: the test a use objected to must pass to carry on, recorded per use.

UK GDPR Art 21(1) (legislation.gov.uk): after an objection to public-task processing the
council "shall no longer process the personal data unless [it] demonstrates compelling
legitimate grounds for the processing which override the interests, rights and freedoms
of the data subject or for the establishment, exercise or defence of legal claims". So the
assessment records, for the programme and each sharing: the person's particular situation,
the council's grounds, and why they override the person's interests, rights and freedoms;
or the legal claim instead of the last two.

Art 21(6): for research, the objection succeeds "unless the processing is necessary for
the performance of a task carried out for reasons of public interest". So the assessment
records the person's situation and why the research is necessary for such a task.

A test with any part written down is a case for carrying on, so every part must be there;
an empty test means the use stops.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from portal.cases.errors import OverrideTestIncomplete

RESEARCH_PROCESSING = frozenset({"national_study", "local_research"})

# The parts of a test, in the order staff write them (and letters quote them).
PUBLIC_TASK_PARTS = ("situation", "council_grounds", "why_overrides", "legal_claim")
RESEARCH_PARTS = ("situation", "public_interest_task")
PARTS = ("situation", "council_grounds", "why_overrides", "legal_claim", "public_interest_task")


def is_research(processing: str) -> bool:
    """C9: research processing (Art 21(6)), weighed against the public interest."""
    return processing in RESEARCH_PROCESSING


@dataclass(frozen=True)
class OverrideTest:
    """Why one use objected to may carry on, in the council's words (English, as staff
    wrote them; letters quote them as written)."""

    situation: str = ""  # the person's particular situation, as the council understood it
    council_grounds: str = ""  # public task: the council's compelling legitimate grounds
    why_overrides: str = ""  # public task: why those grounds override the person's
    legal_claim: str = ""  # public task, instead: the legal claim the data is needed for
    public_interest_task: str = ""  # research: the public-interest task it is necessary for

    @classmethod
    def of(cls, value: Mapping[str, Any] | None) -> OverrideTest:
        value = value or {}
        return cls(**{part: str(value.get(part) or "").strip() for part in PARTS})

    def as_dict(self) -> dict[str, str]:
        return {part: text for part, text in asdict(self).items() if text}

    @property
    def empty(self) -> bool:
        return not self.as_dict()

    @property
    def by_legal_claim(self) -> bool:
        return bool(self.legal_claim) and not (self.council_grounds or self.why_overrides)


def missing_parts(processing: str, test: OverrideTest) -> dict[str, str]:
    """C9: the parts a test to carry on `processing` lacks, each with what to write."""
    missing: dict[str, str] = {}
    if not test.situation:
        missing["situation"] = "Describe the person's particular situation"
    if is_research(processing):
        if not test.public_interest_task:
            missing["public_interest_task"] = (
                "Explain why the research is necessary for a task carried out in the "
                "public interest (Art 21(6))"
            )
        return missing
    if test.by_legal_claim:
        return missing
    if not test.council_grounds:
        missing["council_grounds"] = (
            "Give the council's compelling legitimate grounds, or the legal claim the "
            "information is needed for"
        )
    if not test.why_overrides:
        missing["why_overrides"] = (
            "Explain why the council's grounds override the person's interests, rights and "
            "freedoms (Art 21(1))"
        )
    return missing


def passes(processing: str, test: OverrideTest) -> bool:
    """C9: the test is complete, so the use may carry on."""
    return not test.empty and not missing_parts(processing, test)


def checked_tests(
    tests: Mapping[str, OverrideTest], affected: list[str], describe: Any
) -> dict[str, dict[str, str]]:
    """The tests to store for the uses affected, each complete or empty (the use then
    stops). OverrideTestIncomplete, with one message per missing part, for any other."""
    errors: dict[tuple[str, str], str] = {}
    stored: dict[str, dict[str, str]] = {}
    for processing, test in tests.items():
        if test.empty:
            continue
        if processing not in affected:
            errors[processing, "situation"] = (
                f"{describe(processing)}: not one of the uses this objection affects"
            )
            continue
        for part, message in missing_parts(processing, test).items():
            errors[processing, part] = f"{describe(processing)}: {message}"
        stored[processing] = test.as_dict()
    if errors:
        raise OverrideTestIncomplete(errors)
    return stored


def check_continuing(
    stored: Mapping[str, Mapping[str, str]], continuing: list[str], describe: Any
) -> None:
    """C9: every use a decision lets carry on passed its test; OverrideTestIncomplete
    names each missing part of each use otherwise."""
    errors: dict[tuple[str, str], str] = {}
    for processing in continuing:
        test = OverrideTest.of(stored.get(processing))
        for part, message in missing_parts(processing, test).items():
            errors[processing, part] = f"{describe(processing)}: {message}"
    if errors:
        raise OverrideTestIncomplete(errors, continuing=True)
