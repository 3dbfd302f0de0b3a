"""What staff can find a person by, and what they typed, in one folded form (issue 19
point 3: one box finds a case by reference, any person's name, email, date of birth,
postcode or phone).

Each person row keeps `search_text`: their names, email, postcode, phone and date of birth,
lower-cased and with accents taken off ("Żółć" is kept as "zolc"), the postcode without its
space and the phone as its digits in national form. What staff type is folded the same way
and looked for inside it: a name by any part of any word ("Zolc", "kowal"), an email by any
part, a date of birth as typed on a form ("3/2/1990", "03-02-1990", "1990-02-03" or "3 Feb
1990"), a postcode with or without its space, a phone number however it is spaced or
whether it starts 0 or +44. PostgreSQL finds it through a trigram index on the column; SQLite
reads the column through (a short row a person: at 100,000 cases, within the queue's 50 ms,
bench/case_queue.py).

Pure functions of text: the model sets the column from them (portal.cases.models), the
queue's search asks `needles` what to look for (portal.cases.queue).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

__all__ = [
    "SQLITE_INDEX",
    "SQLITE_INDEX_DROP",
    "fold",
    "glob_pattern",
    "is_sqlite_index_table",
    "needles",
    "search_text",
]

# Letters that Unicode does not split into a base letter and an accent, written as the
# letter a person without the keyboard would type (Polish ł, Danish ø, Croatian đ, ...).
_PLAIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "ħ": "h",
        "\u0131": "i",  # dotless i (Turkish)
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
    }
)
FIELD_BREAK = "|"  # between one detail and the next, so no match runs across two
_SPACES = re.compile(r"\s+")
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
_POSTCODE = re.compile(r"^[a-z]{1,2}\d[a-z\d]?\s*(\d[a-z]{0,2})?$")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y")
MIN_PHONE_DIGITS = 6
# SQLite's trigram index over people.search_text: an FTS5 table that reads the column from
# people (content=), kept by these triggers as rows come, change and go (erasure deletes
# them). A part shorter than a trigram cannot use it: the column is read through instead.
# A migration that rebuilds people with batch_alter_table drops the triggers: it must make
# them again (tests/functional/test_database.py checks they are there at the head).
SQLITE_INDEX_TABLE = "people_search"
TRIGRAM = 3
SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE people_search USING fts5("
    "search_text, content='people', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN "
    "INSERT INTO people_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN "
    "INSERT INTO people_search(people_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER people_search_update AFTER UPDATE OF search_text ON people BEGIN "
    "INSERT INTO people_search(people_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO people_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_INDEX_FILL = "INSERT INTO people_search(people_search) VALUES ('rebuild')"
SQLITE_INDEX_DROP = (
    "DROP TRIGGER IF EXISTS people_search_update",
    "DROP TRIGGER IF EXISTS people_search_delete",
    "DROP TRIGGER IF EXISTS people_search_insert",
    "DROP TABLE IF EXISTS people_search",
)


def is_sqlite_index_table(name: str) -> bool:
    """Whether a table is the FTS5 index or one of the tables FTS5 keeps it in (which no
    model describes, so a comparison of models and schema leaves them out)."""
    return name == SQLITE_INDEX_TABLE or name.startswith(SQLITE_INDEX_TABLE + "_")


def glob_pattern(part: str) -> str:
    """GLOB's pattern for text holding `part` anywhere (search_text is folded to lower
    case already, and GLOB, unlike LIKE, lets FTS5's trigram index answer any character)."""
    return "*" + "".join(f"[{c}]" if c in "*?[" else c for c in part) + "*"


def fold(text: str) -> str:
    """`text` lower-cased, without accents, its spaces as one: what is kept and looked for."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.casefold().replace(FIELD_BREAK, " ")).strip()


def phone_digits(text: str) -> str:
    """A phone number's digits in national form: "+44 (0)7700 900461" is "07700900461"."""
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+44") or (digits.startswith("44") and len(digits) > 11):
        digits = "0" + digits[2:].removeprefix("0")
    return digits


def search_text(
    *,
    full_name: str,
    other_names: str = "",
    email: str = "",
    postcode: str = "",
    phone: str = "",
    date_of_birth: date | None = None,
) -> str:
    """The one line a person is found by: each detail folded, between field breaks."""
    parts = [
        fold(full_name),
        fold(other_names),
        fold(email),
        fold(postcode).replace(" ", ""),
        phone_digits(phone),
        date_of_birth.isoformat() if date_of_birth else "",
    ]
    return FIELD_BREAK.join(parts)


def needles(typed: str) -> list[str]:
    """What to look for inside search_text, every one of which must be there: the date of
    birth, the phone digits or the postcode when the text is one of those, else each word."""
    text = fold(typed)
    if not text:
        return []
    day = _as_date(text)
    if day is not None:
        return [day.isoformat()]
    if _PHONE.match(text) and len(re.sub(r"\D", "", text)) >= MIN_PHONE_DIGITS:
        return [phone_digits(text)]
    if _POSTCODE.match(text):
        return [text.replace(" ", "")]
    return text.split(" ")


def _as_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None
