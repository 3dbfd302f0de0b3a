"""The legal facts of a council profile that the notice, the Easy Read and the access pack
quote: the Acts behind the public task, the Schedule 1 conditions relied on, who runs the
National Impact Study, and whether information leaves the UK.

They live in the profile, not in templates, because the council confirms them and they
change: Supporting Families moved from DLUHC to the Department for Education on 1 April
2024 (Hansard, HC written statement, 26 March 2024), and may move again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from portal.council_text import LocalText

Text = Callable[[dict, str, str], LocalText]

# Data Protection Act 2018, Schedule 1, Part 2 (substantial public interest conditions,
# UK GDPR Article 9(2)(g); also enough for crime data under Article 10 and DPA s.10(5)):
# paragraph 6 "Statutory etc and government purposes", paragraph 18 "Safeguarding of
# children and of individuals at risk" (legislation.gov.uk/ukpga/2018/12/schedule/1).
# The notice names each paragraph it knows; a profile may rely only on these.
SUBSTANTIAL_PUBLIC_INTEREST_PARAGRAPHS = frozenset({6, 18})


@dataclass(frozen=True)
class Statute:
    """An Act and section that gives the council a task in the public interest
    (UK GDPR Article 6(1)(e), 6(3)). The citation is the Act's English name."""

    citation: str
    purpose: LocalText


@dataclass(frozen=True)
class LawfulBasis:
    statutes: tuple[Statute, ...]
    schedule_1_paragraphs: tuple[int, ...]


@dataclass(frozen=True)
class StudyRole:
    """An organisation that works on the National Impact Study for the department."""

    name: LocalText
    role: LocalText


@dataclass(frozen=True)
class NationalStudy:
    """The department that runs the programme and controls the study's data, and the
    organisations that process it for the department (such as the ONS)."""

    department: LocalText
    processors: tuple[StudyRole, ...]


@dataclass(frozen=True)
class Transfers:
    """UK GDPR Articles 13(1)(f), 14(1)(f) and 15(2): whether information is sent outside
    the UK and, if so, where and with which safeguards."""

    outside_uk: bool
    details: LocalText | None = None


def lawful_basis(raw: dict, text: Text) -> LawfulBasis:
    with _section("lawful_basis"):
        return _lawful_basis(raw, text)


def national_study(raw: dict, text: Text) -> NationalStudy:
    with _section("national_study"):
        return _national_study(raw, text)


@contextmanager
def _section(name: str) -> Iterator[None]:
    try:
        yield
    except KeyError as missing:
        raise ValueError(f"The council profile's [{name}] lacks {missing}") from None


def _lawful_basis(raw: dict, text: Text) -> LawfulBasis:
    statutes = tuple(
        Statute(
            citation=_words(item, "citation", f"lawful_basis.statutes[{number}]"),
            purpose=text(item, "purpose", f"lawful_basis.statutes[{number}]"),
        )
        for number, item in enumerate(_list(raw, "statutes", "lawful_basis"), start=1)
    )
    if not statutes:
        raise ValueError("lawful_basis.statutes must name at least one Act and section")
    paragraphs = _list(raw, "schedule_1_paragraphs", "lawful_basis")
    known = sorted(SUBSTANTIAL_PUBLIC_INTEREST_PARAGRAPHS)
    if not paragraphs or any(
        type(number) is not int or number not in SUBSTANTIAL_PUBLIC_INTEREST_PARAGRAPHS
        for number in paragraphs
    ):
        raise ValueError(
            f"lawful_basis.schedule_1_paragraphs must list paragraph numbers of DPA 2018 "
            f"Schedule 1 Part 2 that the notice can name: some of {known}"
        )
    return LawfulBasis(statutes=statutes, schedule_1_paragraphs=tuple(paragraphs))


def _national_study(raw: dict, text: Text) -> NationalStudy:
    processors = tuple(
        StudyRole(
            name=text(item, "name", f"national_study.processors[{number}]"),
            role=text(item, "role", f"national_study.processors[{number}]"),
        )
        for number, item in enumerate(_list(raw, "processors", "national_study"), start=1)
    )
    return NationalStudy(
        department=text(raw, "department", "national_study"), processors=processors
    )


def transfers(raw: dict, text: Text) -> Transfers:
    outside_uk = raw.get("outside_uk", False)
    if not isinstance(outside_uk, bool):
        raise ValueError("transfers.outside_uk must be true or false")
    if not outside_uk:
        return Transfers(outside_uk=False)
    if "details" not in raw:
        raise ValueError(
            "transfers.details must say where information goes outside the UK and how it "
            "is protected, when transfers.outside_uk is true"
        )
    return Transfers(outside_uk=True, details=text(raw, "details", "transfers"))


def _list(raw: dict, name: str, where: str) -> list:
    value = raw[name]
    if not isinstance(value, list):
        raise ValueError(f"{where}.{name} must be a list")
    return value


def _words(raw: dict, name: str, where: str) -> str:
    value = raw[name]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}.{name} must be text")
    return value
