"""Malware scanning of residents' uploads, for the journeys and the tracking page
(issue 15 point 9; the clamd client is portal.evidence.scanning)."""

from __future__ import annotations

from flask import current_app

from portal.cases.models import ScanStatus
from portal.evidence.scanning import ScanOutcome, scan_upload, scanner_from_settings


def scan_status_of(data: bytes) -> ScanStatus | None:
    """The council's malware scanner's word on an upload (None when it has none); raises
    EvidenceRejected on a detection. A file it could not scan is held for staff."""
    outcome = scan_upload(data, scanner_from_settings(current_app.config))
    if outcome is None:
        return None
    return ScanStatus.CLEAN if outcome == ScanOutcome.CLEAN else ScanStatus.HELD
