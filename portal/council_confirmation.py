"""Which values of the council profile the council has confirmed, and which are for demonstration.

Residents read the profile's values as facts: whom to write to, where a hub is, how long
records are kept. A value someone made up to demonstrate the portal must not reach them as
a fact. The profile's [confirmation] table marks values by their key path:

    [confirmation]
    "information_governance.phone" = "confirmed: printed in the council's notice"
    "hubs" = "demonstration: not in the council's notice; ask the Early Help service"
    "hubs.castleford-airedale.phone" = "confirmed: J. Smith, Early Help, 2026-12-01"

A path marks every value under it and the longest listed path wins, so one line can mark
all the hubs and another confirm one of their values. A hub is named by its slug and a
department by its key; a value given per language (a table by language code) is one value.
A value no listed path covers counts as demonstration: a value added to the profile later,
by a council officer or by a new version of the portal, is shown as a fact only once someone
has said where it came from.

In production the portal refuses to start while any value is not confirmed
(`portal.create_app`); the embedded mode and the tests start and list them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

CONFIRMED = "confirmed"
DEMONSTRATION = "demonstration"

# Tables that hold choices about the deployment, not facts the council tells residents.
NOT_FACTS = frozenset({"confirmation", "languages"})
# The field that names an entry in an array of tables; it is the entry's name, not a value.
ENTRY_NAMES = ("slug", "key")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class ProfileValue:
    """One value of the profile, with its mark."""

    path: str
    value: str
    mark: str  # "confirmed: ..." or "demonstration: ...", as the profile writes it

    @property
    def confirmed(self) -> bool:
        return _status(self.mark) == CONFIRMED

    def describe(self) -> str:
        return f"{self.path} = {self.value!r} ({self.mark})"


def _status(mark: str) -> str:
    return mark.split(":", 1)[0].strip().lower()


def _is_language_table(value: Mapping[str, Any]) -> bool:
    return "en" in value and all(
        LANGUAGE_CODE.match(key) and isinstance(text, str) for key, text in value.items()
    )


def _as_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return value["en"]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping) and not _is_language_table(value):
        for key, item in value.items():
            if key not in ENTRY_NAMES:
                yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for index, entry in enumerate(value):
            name = next((entry[field] for field in ENTRY_NAMES if field in entry), index)
            yield from _leaves(entry, f"{path}.{name}")
    else:
        yield path, value


def _covers(mark_path: str, path: str) -> bool:
    return path == mark_path or path.startswith(mark_path + ".")


def profile_values(
    raw: Mapping[str, Any], where: str = "the council profile"
) -> list[ProfileValue]:
    """Every value of a parsed profile that residents read as a fact, with its mark.

    Raises ValueError for a mark that is neither confirmed nor demonstration, or that
    names no value (a misspelt path would otherwise leave its value unmarked unnoticed).
    """
    marks: Mapping[str, Any] = raw.get("confirmation", {})
    for mark_path, mark in marks.items():
        if not isinstance(mark, str) or _status(mark) not in (CONFIRMED, DEMONSTRATION):
            raise ValueError(
                f"{where}: [confirmation] {mark_path!r} must start with "
                f'"{CONFIRMED}" or "{DEMONSTRATION}", not {mark!r}'
            )
    leaves = [
        (path, value)
        for table, content in raw.items()
        if table not in NOT_FACTS
        for path, value in _leaves(content, table)
    ]
    unused = [m for m in marks if not any(_covers(m, path) for path, _value in leaves)]
    if unused:
        raise ValueError(f"{where}: [confirmation] names values the profile lacks: {unused}")
    values = []
    for path, value in leaves:
        covering = [m for m in marks if _covers(m, path)]
        mark = marks[max(covering, key=len)] if covering else f"{DEMONSTRATION}: not marked"
        values.append(ProfileValue(path=path, value=_as_text(value), mark=mark))
    return values


def demonstration_values(raw: Mapping[str, Any], where: str) -> tuple[ProfileValue, ...]:
    return tuple(value for value in profile_values(raw, where) if not value.confirmed)


def refusal_message(where: str, unconfirmed: tuple[ProfileValue, ...]) -> str:
    """Why production does not start: each value still for demonstration, by path."""
    lines = "\n".join(f"  {value.describe()}" for value in unconfirmed)
    return (
        f"PORTAL_ENV=production, but {where} has {len(unconfirmed)} value(s) still marked for "
        "demonstration, which residents would read as facts. Check each with the council, "
        "correct it if needed, and mark it confirmed in the profile's [confirmation] table "
        f'("confirmed: who checked it, when, against what"):\n{lines}'
    )
