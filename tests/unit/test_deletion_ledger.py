"""The deletion ledger (portal/deletion_ledger.py): what a restore needs to delete again, in a
file outside the database, that survives a crash mid-write."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask

from portal import deletion_ledger
from portal.config import settings_from_environment
from portal.deletion_ledger import LedgerEntry, entries_since, read_ledger, record

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture()
def ledger(tmp_path):
    """An app whose DELETION_LEDGER is a file in tmp_path; yields that file's path."""
    app = Flask(__name__)
    app.config["DELETION_LEDGER"] = str(tmp_path / "ledger" / "deletion-ledger.jsonl")
    with app.app_context():
        yield tmp_path / "ledger" / "deletion-ledger.jsonl"


def test_each_deletion_is_one_line_of_reference_instant_and_rule_only(ledger):
    record("TF-7K3Q-9PMH", deleted_at=NOON, rule="request_records")
    record("TF-AB12-CD3E", deleted_at=NOON + timedelta(hours=1), rule="identity_evidence")

    lines = ledger.read_text(encoding="ascii").splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "reference": "TF-7K3Q-9PMH",
            "deleted_at": "2026-03-02T12:00:00+00:00",
            "rule": "request_records",
        },
        {
            "reference": "TF-AB12-CD3E",
            "deleted_at": "2026-03-02T13:00:00+00:00",
            "rule": "identity_evidence",
        },
    ]


def test_an_instant_in_another_zone_is_written_in_utc(ledger):
    british_summer_time = timezone(timedelta(hours=1))
    record(
        "TF-7K3Q-9PMH", deleted_at=datetime(2026, 6, 1, 1, 30, tzinfo=british_summer_time), rule="r"
    )

    (entry,) = read_ledger().entries
    assert entry.deleted_at == datetime(2026, 6, 1, 0, 30, tzinfo=UTC)
    assert '"2026-06-01T00:30:00+00:00"' in ledger.read_text()


def test_a_naive_instant_is_refused(ledger):
    with pytest.raises(ValueError, match="aware"):
        record("TF-7K3Q-9PMH", deleted_at=datetime(2026, 3, 2, 12), rule="r")  # noqa: DTZ001
    with pytest.raises(ValueError, match="aware"):
        entries_since(datetime(2026, 3, 2, 12))  # noqa: DTZ001
    assert not ledger.exists()


def test_every_append_is_flushed_to_disk(ledger, monkeypatch):
    synced: list[int] = []
    real_fsync = deletion_ledger.os.fsync
    monkeypatch.setattr(deletion_ledger.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))

    record("TF-7K3Q-9PMH", deleted_at=NOON, rule="r")  # the file and its new folder entry
    record("TF-AB12-CD3E", deleted_at=NOON, rule="r")

    assert len(synced) == 3


def test_entries_since_a_backup_are_those_at_or_after_it_in_order(ledger):
    record("TF-LATE-0000", deleted_at=NOON + timedelta(days=2), rule="r")
    record("TF-OLD0-0000", deleted_at=NOON - timedelta(seconds=1), rule="r")
    record("TF-SAME-0000", deleted_at=NOON, rule="r")

    assert [e.reference for e in entries_since(NOON)] == ["TF-SAME-0000", "TF-LATE-0000"]


def test_no_ledger_file_means_nothing_was_deleted(ledger):
    assert entries_since(NOON) == []
    assert read_ledger().damaged == []


def test_a_line_cut_short_by_a_crash_is_reported_not_fatal_and_the_next_entry_is_whole(ledger):
    record("TF-7K3Q-9PMH", deleted_at=NOON, rule="request_records")
    with open(ledger, "ab") as handle:  # a crash in the middle of writing the next line
        handle.write(b'{"reference": "TF-AB12-CD3E", "deleted_at": "2026-03-0')

    reading = read_ledger()
    assert [e.reference for e in reading.entries] == ["TF-7K3Q-9PMH"]
    assert [line.number for line in reading.damaged] == [2]

    record("TF-ZZ99-XY7W", deleted_at=NOON + timedelta(hours=2), rule="request_records")
    reading = read_ledger()
    assert [e.reference for e in reading.entries] == ["TF-7K3Q-9PMH", "TF-ZZ99-XY7W"]
    assert [line.number for line in reading.damaged] == [2]
    assert [e.reference for e in entries_since(NOON)] == ["TF-7K3Q-9PMH", "TF-ZZ99-XY7W"]


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[1, 2]",
        '{"reference": "TF-7K3Q-9PMH", "rule": "r"}',
        '{"reference": "TF-7K3Q-9PMH", "deleted_at": "2026-03-02T12:00:00", "rule": "r"}',
        '{"reference": 7, "deleted_at": "2026-03-02T12:00:00+00:00", "rule": "r"}',
    ],
)
def test_a_line_that_is_not_an_entry_is_reported_with_its_number(ledger, line):
    ledger.parent.mkdir(parents=True)
    ledger.write_text(line + "\n", encoding="utf-8")
    record("TF-7K3Q-9PMH", deleted_at=NOON, rule="r")

    reading = read_ledger()
    assert reading.entries == [LedgerEntry("TF-7K3Q-9PMH", NOON, "r")]
    assert [line.number for line in reading.damaged] == [1]
    assert reading.damaged[0].problem


def test_the_ledger_is_in_the_instance_folder_unless_set(tmp_path, monkeypatch):
    monkeypatch.delenv("DELETION_LEDGER", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    settings = settings_from_environment(tmp_path)
    assert settings["DELETION_LEDGER"] == str(tmp_path / "deletion-ledger.jsonl")
    monkeypatch.setenv("DELETION_LEDGER", "/srv/ledger/deletions.jsonl")
    assert settings_from_environment(tmp_path)["DELETION_LEDGER"] == "/srv/ledger/deletions.jsonl"


def test_production_refuses_to_start_without_a_ledger_of_its_own(tmp_path, monkeypatch):
    """On a server the instance folder is one host's disk: a ledger there is not shared by
    every worker and not kept with the backups, so a restore would bring people back."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://families.example.gov.uk")
    monkeypatch.delenv("DELETION_LEDGER", raising=False)
    with pytest.raises(RuntimeError, match="DELETION_LEDGER"):
        settings_from_environment(tmp_path)
