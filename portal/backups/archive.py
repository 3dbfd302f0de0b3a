"""The backup file: a tar holding manifest.json and the database copy. Nothing in the archive
names a path on the restoring machine: members are read by their known names only."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupRefused(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    taken_at: datetime
    database: str  # "sqlite" or "postgresql"
    alembic_revision: str | None
    tables: dict[str, int]

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "taken_at": self.taken_at.isoformat(),
                "database": self.database,
                "alembic_revision": self.alembic_revision,
                "tables": self.tables,
                "evidence_key": "not included: keep EVIDENCE_KEY separately",
            },
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        values = json.loads(raw)
        if values.get("format") != FORMAT:
            raise BackupRefused(f"This backup's format ({values.get('format')}) is not {FORMAT}.")
        return cls(
            taken_at=datetime.fromisoformat(values["taken_at"]),
            database=values["database"],
            alembic_revision=values["alembic_revision"],
            tables={name: int(count) for name, count in values["tables"].items()},
        )


def write_archive(path: Path, manifest: Manifest, copy: Path) -> None:
    """Write the archive to `path` (a new file, readable by its owner only), flushed to disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        with tarfile.open(fileobj=handle, mode="w", format=tarfile.PAX_FORMAT) as archive:
            _add_bytes(archive, MANIFEST, manifest.as_json().encode())
            archive.add(copy, arcname=copy.name)
        handle.flush()
        os.fsync(handle.fileno())


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(content)
    member.mode = 0o600
    archive.addfile(member, io.BytesIO(content))


def unpack(path: Path, folder: Path) -> tuple[Manifest, Path]:
    try:
        with tarfile.open(path, mode="r:") as archive:
            names = archive.getnames()
            if MANIFEST not in names:
                raise BackupRefused(f"{path} is not a portal backup (no {MANIFEST}).")
            manifest = Manifest.from_json(_read_member(archive, MANIFEST).read())
            member = DATABASE_MEMBER.get(manifest.database)
            if member not in names:
                raise BackupRefused(f"{path} holds no database copy.")
            copy = folder / member  # our own name: nothing in the archive names a path
            with open(copy, "wb") as out:
                shutil.copyfileobj(_read_member(archive, member), out)
    except (tarfile.TarError, ValueError, KeyError) as exc:
        raise BackupRefused(f"{path} is not a readable portal backup ({exc}).") from exc
    return manifest, copy


def _read_member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    handle = archive.extractfile(name)
    if handle is None:
        raise BackupRefused(f"{name} in the backup is not a file.")
    return handle
