"""The demonstration residents' names: given names and surnames that agree in gender.

Residents and staff judge the portal by its demo, and "Michał Zielińska" reads as careless:
in Polish a surname in -ski is a man's and -ska a woman's; in Lithuanian -as, -is, -us
are men's surnames, -ienė a married woman's and -aitė, -ytė, -ūtė an unmarried woman's or
a girl's; in Latvian -s and -š are men's, -a and -e women's (Bērziņš, Bērziņa; Jansons,
Jansone). A child takes their parent's family name in the child's own form.
"""

from __future__ import annotations

from dataclasses import dataclass

FEMALE, MALE = "female", "male"


@dataclass(frozen=True)
class Surname:
    """A family name in each form its language gives it: a man's, a married woman's, and an
    unmarried woman's or a girl's (Polish Kowalski, Kowalska, Kowalska; Lithuanian
    Kazlauskas, Kazlauskienė, Kazlauskaitė). A name that never changes has one form."""

    male: str
    married: str = ""
    unmarried: str = ""

    def for_person(self, gender: str, *, adult: bool) -> str:
        if gender == MALE:
            return self.male
        if adult:
            return self.married or self.male
        return self.unmarried or self.married or self.male


@dataclass(frozen=True)
class NameGroup:
    """Given names (with their gender) and surnames that belong together, and the language
    such a resident might choose besides English."""

    given: tuple[tuple[str, str], ...]
    surnames: tuple[Surname, ...]
    language: str


def _unchanging(*names: str) -> tuple[Surname, ...]:
    return tuple(Surname(name) for name in names)


NAMES: tuple[NameGroup, ...] = (
    NameGroup(
        given=(
            ("Katarzyna", FEMALE),
            ("Piotr", MALE),
            ("Agnieszka", FEMALE),
            ("Michał", MALE),
            ("Magdalena", FEMALE),
            ("Krzysztof", MALE),
        ),
        surnames=(
            Surname("Kowalski", "Kowalska", "Kowalska"),
            Surname("Wiśniewski", "Wiśniewska", "Wiśniewska"),
            Surname("Zieliński", "Zielińska", "Zielińska"),
            Surname("Lewandowski", "Lewandowska", "Lewandowska"),
            Surname("Wójcik"),
            Surname("Kamiński", "Kamińska", "Kamińska"),
        ),
        language="pl",
    ),
    NameGroup(
        given=(
            ("Andreea", FEMALE),
            ("Ionuț", MALE),
            ("Elena", FEMALE),
            ("Mihai", MALE),
            ("Ioana", FEMALE),
            ("Florin", MALE),
        ),
        surnames=_unchanging("Popescu", "Ionescu", "Dumitru", "Stan", "Constantin", "Marin"),
        language="ro",
    ),
    NameGroup(
        given=(
            ("Imran", MALE),
            ("Sadia", FEMALE),
            ("Bilal", MALE),
            ("Nazia", FEMALE),
            ("Usman", MALE),
            ("Farah", FEMALE),
        ),
        # Not "Begum": it is a woman's title, never a man's surname.
        surnames=_unchanging("Hussain", "Khan", "Akhtar", "Mahmood", "Iqbal", "Ahmed"),
        language="ur",
    ),
    NameGroup(
        given=(
            ("Rūta", FEMALE),
            ("Tomas", MALE),
            ("Ieva", FEMALE),
            ("Mindaugas", MALE),
            ("Aistė", FEMALE),
            ("Darius", MALE),
        ),
        surnames=(
            Surname("Kazlauskas", "Kazlauskienė", "Kazlauskaitė"),
            Surname("Petrauskas", "Petrauskienė", "Petrauskaitė"),
            Surname("Jankauskas", "Jankauskienė", "Jankauskaitė"),
            Surname("Stankevičius", "Stankevičienė", "Stankevičiūtė"),
            Surname("Vasiliauskas", "Vasiliauskienė", "Vasiliauskaitė"),
            Surname("Žukauskas", "Žukauskienė", "Žukauskaitė"),
        ),
        language="lt",
    ),
    NameGroup(
        given=(
            ("Ilze", FEMALE),
            ("Jānis", MALE),
            ("Līga", FEMALE),
            ("Andris", MALE),
            ("Inese", FEMALE),
            ("Mārtiņš", MALE),
        ),
        surnames=(
            Surname("Bērziņš", "Bērziņa"),
            Surname("Kalniņš", "Kalniņa"),
            Surname("Ozols", "Ozola"),
            Surname("Jansons", "Jansone"),
            Surname("Krūmiņš", "Krūmiņa"),
            Surname("Vītols", "Vītola"),
        ),
        language="lv",
    ),
    NameGroup(
        given=(
            ("Shilan", FEMALE),
            ("Karwan", MALE),
            ("Avin", FEMALE),
            ("Rebwar", MALE),
            ("Bahar", FEMALE),
            ("Sirwan", MALE),
        ),
        # Sorani Kurdish family names, as residents write them in English: a father's or
        # grandfather's given name, the same for women and men.
        surnames=_unchanging("Karim", "Rashid", "Aziz", "Salih", "Qadir", "Mustafa"),
        language="ckb",
    ),
    NameGroup(
        given=(
            ("Sarah", FEMALE),
            ("Gary", MALE),
            ("Leanne", FEMALE),
            ("Craig", MALE),
            ("Joanne", FEMALE),
            ("Darren", MALE),
            ("Emma", FEMALE),
            ("Stephen", MALE),
        ),
        surnames=_unchanging(
            "Smith", "Walker", "Holroyd", "Firth", "Sykes", "Hepworth", "Jackson", "Priestley"
        ),
        language="en",
    ),
)
