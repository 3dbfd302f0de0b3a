"""Backups of the database that restore, and never bring a deleted person back (DESIGN.md 8a).

`flask --app portal backup create PATH` writes one file: a tar holding the database (SQLite:
a copy made with SQLite's online backup API; PostgreSQL: `pg_dump --format=custom`) and
manifest.json (when it was taken, which database, the Alembic revision, the rows in each
table). `flask --app portal backup restore PATH` restores it into an EMPTY database, checks
the rows against the manifest, brings the schema up to this code's revision, then deletes
again every case the deletion ledger (portal/deletion_ledger.py) records as deleted since the
backup was taken.

The evidence key (EVIDENCE_KEY) is never in a backup: it is a setting, not a row. Whoever
holds a backup and not the key holds no one's passport; whoever restores a backup without the
key has every uploaded file and response pack unreadable (README, "Backups and restore").
"""
