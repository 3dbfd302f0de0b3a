"""The queue's one search box (issue 19 point 3): what staff typed, as a condition on cases.

A reference, typed as a person would type it, finds its case through the unique index on
the reference; anything else is looked for in what each subject and requester is found by
(portal.cases.person_search: any part of a name without its accents, an email, a date of
birth, a postcode, a phone number), through a trigram index on either engine.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Text, column, false, func, or_, select, table

from portal.cases import person_search, references
from portal.cases.models import Case, Person
from portal.extensions import DbSession

__all__ = ["search_condition"]

_MAX_LISTED_PEOPLE = 2000


def search_condition(session: DbSession, text: str) -> Any:
    """What staff typed: a reference (as a person would type it) finds that case, through
    the unique index on the reference; and it is also looked for in what each subject and
    requester is found by (portal.cases.person_search: any part of a name, without
    accents, an email, a date of birth, a postcode or a phone number). The people who
    match are found first, through the trigram index of their search text, then their
    cases through the subject_id and requester_id indexes."""
    reference = references.normalise(text)
    by_reference = None
    if reference is not None:
        by_reference = Case.reference == reference
        if _only_a_reference(text, reference):
            return by_reference
    by_person = _person_condition(session, text)
    if by_person is None:
        return by_reference if by_reference is not None else false()
    return by_person if by_reference is None else or_(by_reference, by_person)


def _only_a_reference(text: str, reference: str) -> bool:
    """A valid reference (its check symbol right) with both a letter and a digit in it is
    read as nothing else: no name, email or postcode is shaped like one, and eight digits
    alone may be part of a phone number."""
    symbols = reference.removeprefix(references.PREFIX)
    return (
        references.is_valid(reference)
        and any(symbol.isdigit() for symbol in symbols)
        and any(symbol.isalpha() for symbol in symbols.replace("-", ""))
        and any(character.isdigit() for character in text)
    )


def _person_condition(session: DbSession, text: str) -> Any:
    wanted = person_search.needles(text)
    if not wanted:
        return None
    people: Any = select(Person.id)
    if session.get_bind().dialect.name == "sqlite":
        # Parts of a trigram or more through SQLite's FTS5 trigram index; shorter ones
        # by reading the column (its LIKE ignores ASCII case; the text is folded already).
        indexed = [part for part in wanted if len(part) >= person_search.TRIGRAM]
        short = [part for part in wanted if len(part) < person_search.TRIGRAM]
        if indexed:
            found_by_index = select(_SQLITE_INDEX.c.rowid).where(
                *(
                    _SQLITE_INDEX.c.search_text.op("GLOB")(person_search.glob_pattern(part))
                    for part in indexed
                )
            )
            people = people.where(Person.id.in_(found_by_index))
        people = people.where(*(_like(part) for part in short))
    else:
        # PostgreSQL answers LIKE '%part%' from the trigram index ix_people_search_text_trgm
        # (planned for the actual pattern: see portal.extensions.POSTGRESQL_CONNECT_ARGS),
        # for the longest part, the likeliest to be rare; the others are checked on the
        # rows it finds (strpos, which the index does not answer: "anna" in "anna wojcik"
        # would make it read a fourteenth of everyone).
        longest, *others = sorted(wanted, key=len, reverse=True)
        people = people.where(
            _like(longest), *(func.strpos(Person.search_text, part) > 0 for part in others)
        )
    found = list(session.scalars(people.limit(_MAX_LISTED_PEOPLE + 1)))
    if len(found) <= _MAX_LISTED_PEOPLE:
        people = found
    return or_(Case.subject_id.in_(people), Case.requester_id.in_(people))


# SQLite's FTS5 trigram table over people.search_text (portal.cases.person_search).
_SQLITE_INDEX = table(
    person_search.SQLITE_INDEX_TABLE, column("rowid", Integer), column("search_text", Text)
)


def _like(part: str) -> Any:
    return Person.search_text.like(f"%{_escaped(part)}%", escape="\\")


def _escaped(part: str) -> str:
    return part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
