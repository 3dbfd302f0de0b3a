"""The deletion ledger: which cases were deleted, when and under which rule, kept in a file
outside the database, so that a restore from an older backup can delete them again and
nobody deleted comes back (UK GDPR Art 5(1)(e), Art 17; DESIGN.md 8a).

One JSON line per deleted case: its reference, the instant (UTC, ISO 8601) and the rule.
No personal data: a reference names a case, not a person, and the rule is the schedule's
name for the period that ended. The file is DELETION_LEDGER (app config; default
instance/deletion-ledger.jsonl; production sets it to a file kept with the backups but
outside the database).

Each append is one write, flushed to disk (fsync) before the call returns: a deletion the
ledger lost would come back with the next restore. A crash mid-write leaves a cut-short
last line; reading reports it (ledger_lines' `damaged`) instead of failing, and the next
append starts on a new line so that the cut-short line cannot swallow it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class LedgerEntry:
    """One deleted case: its reference, when it was deleted (aware, UTC) and the rule."""

    reference: str
    deleted_at: datetime
    rule: str


@dataclass(frozen=True)
class DamagedLine:
    """A line that is not a whole entry: its number (from 1) and why."""

    number: int
    problem: str


@dataclass(frozen=True)
class LedgerReading:
    entries: list[LedgerEntry] = field(default_factory=list)
    damaged: list[DamagedLine] = field(default_factory=list)


def ledger_path() -> Path:
    """The ledger file the app is configured with (DELETION_LEDGER)."""
    return Path(current_app.config["DELETION_LEDGER"])


def record(
    case_reference: str, *, deleted_at: datetime, rule: str, path: Path | None = None
) -> None:
    """Append one deletion to the ledger and fsync it. `deleted_at` must be aware."""
    if deleted_at.tzinfo is None:
        raise ValueError("deleted_at must be an aware datetime")
    if not case_reference or not rule:
        raise ValueError("A ledger entry needs a case reference and a rule")
    target = path or ledger_path()
    line = json.dumps(
        {
            "reference": case_reference,
            "deleted_at": deleted_at.astimezone(UTC).isoformat(),
            "rule": rule,
        },
        ensure_ascii=True,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    created = not target.exists()
    with open(target, "a+b") as handle:
        # After a crash mid-write the file may end without a newline: start a fresh line.
        size = handle.seek(0, os.SEEK_END)
        prefix = b""
        if size:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                prefix = b"\n"
        handle.write(prefix + line.encode("ascii") + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """A new file's name is durable only once its folder is flushed too (POSIX)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_ledger(path: Path | None = None) -> LedgerReading:
    """Every whole entry in the ledger, in file order, and every line that is not one. A
    missing file is an empty ledger: nothing has been deleted yet."""
    target = path or ledger_path()
    reading = LedgerReading()
    if not target.exists():
        return reading
    for number, text in _lines(target):
        try:
            reading.entries.append(_entry(text))
        except (ValueError, KeyError, TypeError) as exc:
            reading.damaged.append(DamagedLine(number, str(exc) or type(exc).__name__))
    return reading


def entries_since(moment: datetime, path: Path | None = None) -> list[LedgerEntry]:
    """The deletions made at or after `moment` (aware), in the order they were made. A
    deletion at the very instant a backup was taken counts: deleting twice is harmless,
    bringing someone back is not."""
    if moment.tzinfo is None:
        raise ValueError("moment must be an aware datetime")
    entries = [e for e in read_ledger(path).entries if e.deleted_at >= moment]
    return sorted(entries, key=lambda entry: entry.deleted_at)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.decode("utf-8", errors="replace").strip()
            if text:
                yield number, text


def _entry(text: str) -> LedgerEntry:
    values = json.loads(text)
    if not isinstance(values, dict):
        raise ValueError("not a JSON object")
    reference, rule = values["reference"], values["rule"]
    if not isinstance(reference, str) or not isinstance(rule, str) or not reference:
        raise ValueError("reference and rule must be text")
    deleted_at = datetime.fromisoformat(values["deleted_at"])
    if deleted_at.tzinfo is None:
        raise ValueError("deleted_at has no time zone")
    return LedgerEntry(reference=reference, deleted_at=deleted_at.astimezone(UTC), rule=rule)
