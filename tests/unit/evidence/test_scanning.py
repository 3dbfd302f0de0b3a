"""The clamd client against a server speaking clamd's INSTREAM protocol (tests/clamd_server.py),
over a Unix socket and over TCP on loopback."""

from __future__ import annotations

import os
import socket

import pytest

from portal.evidence.rejections import EvidenceRejected, RejectionReason
from portal.evidence.scanning import (
    Scanner,
    ScanOutcome,
    scan_upload,
    scanner_from_settings,
    verdict_from_reply,
)
from tests.clamd_server import EICAR, EICAR_SIGNATURE, FakeClamd


@pytest.fixture()
def clamd():
    server = FakeClamd()
    yield server
    server.close()


@pytest.fixture(params=["unix", "tcp"])
def scanner(request, clamd) -> Scanner:
    if request.param == "unix":
        return Scanner(socket_path=clamd.socket_path, timeout=2)
    return Scanner(host=clamd.host, port=clamd.port, timeout=2)


def test_a_clean_file_is_clean(scanner, clamd):
    verdict = scanner.scan(b"%PDF-1.7 a council tax bill")
    assert verdict.outcome == ScanOutcome.CLEAN
    assert clamd.state.streams == [b"%PDF-1.7 a council tax bill"]


def test_the_eicar_test_file_is_found_by_name(scanner):
    verdict = scanner.scan(b"photo bytes " + EICAR + b" more bytes")
    assert verdict.outcome == ScanOutcome.FOUND
    assert verdict.signature == EICAR_SIGNATURE


def test_a_file_larger_than_a_chunk_is_sent_in_chunks_and_reassembled(clamd):
    data = os.urandom(3 * 64 * 1024 + 123)
    for scanner in (
        Scanner(socket_path=clamd.socket_path, timeout=2),
        Scanner(host=clamd.host, port=clamd.port, timeout=2),
    ):
        assert scanner.scan(data).outcome == ScanOutcome.CLEAN
    assert clamd.state.streams == [data, data]
    assert clamd.state.chunk_sizes == [[65536, 65536, 65536, 123]] * 2


def test_eicar_split_across_two_chunks_is_still_found(clamd):
    data = os.urandom(100) + EICAR + os.urandom(100)
    scanner = Scanner(socket_path=clamd.socket_path, timeout=2, chunk_bytes=120)
    assert scanner.scan(data).outcome == ScanOutcome.FOUND
    assert clamd.state.streams == [data]
    assert clamd.state.chunk_sizes == [[120, 120, 28]]  # EICAR (bytes 100-167) straddles two


def test_an_empty_file_is_a_stream_of_no_chunks(scanner, clamd):
    assert scanner.scan(b"").outcome == ScanOutcome.CLEAN
    assert clamd.state.chunk_sizes == [[]]


def test_the_size_limit_answer_means_not_scanned(clamd):
    clamd.state.max_stream_bytes = 1000
    verdict = Scanner(socket_path=clamd.socket_path, timeout=2).scan(os.urandom(5000))
    assert verdict.outcome == ScanOutcome.UNSCANNED
    assert "size limit exceeded" in verdict.detail


@pytest.mark.parametrize("mode", ["close", "stall", "garbled"])
def test_a_scanner_that_hangs_up_stalls_or_mumbles_has_not_scanned(clamd, mode):
    clamd.state.mode = mode
    for scanner in (
        Scanner(socket_path=clamd.socket_path, timeout=0.5),
        Scanner(host=clamd.host, port=clamd.port, timeout=0.5),
    ):
        assert scanner.scan(b"x" + EICAR).outcome == ScanOutcome.UNSCANNED


def test_nothing_listening_means_not_scanned(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert Scanner(host="127.0.0.1", port=port, timeout=0.5).scan(b"x").outcome == (
        ScanOutcome.UNSCANNED
    )
    missing = Scanner(socket_path=str(tmp_path / "no.sock"), timeout=0.5)
    assert missing.scan(b"x").outcome == ScanOutcome.UNSCANNED


@pytest.mark.parametrize(
    ("reply", "outcome", "signature"),
    [
        (b"stream: OK\0", ScanOutcome.CLEAN, ""),
        (b"stream: Eicar-Signature FOUND\0", ScanOutcome.FOUND, "Eicar-Signature"),
        (b"stream: FOUND\0", ScanOutcome.UNSCANNED, ""),
        (b"INSTREAM size limit exceeded. ERROR\0", ScanOutcome.UNSCANNED, ""),
        (b"stream: lstat() failed: No such file. ERROR\0", ScanOutcome.UNSCANNED, ""),
        (b"", ScanOutcome.UNSCANNED, ""),
    ],
)
def test_replies_are_read_strictly(reply, outcome, signature):
    verdict = verdict_from_reply(reply)
    assert (verdict.outcome, verdict.signature) == (outcome, signature)


def test_settings_name_the_scanner_or_none():
    assert scanner_from_settings({}) is None
    assert scanner_from_settings({"CLAMD_SOCKET": "", "CLAMD_HOST": "", "CLAMD_PORT": 0}) is None
    assert scanner_from_settings({"CLAMD_SOCKET": "/run/clamd.sock"}) == Scanner(
        socket_path="/run/clamd.sock"
    )
    assert scanner_from_settings(
        {"CLAMD_HOST": "av.internal", "CLAMD_PORT": 3310, "CLAMD_TIMEOUT_SECONDS": 4}
    ) == Scanner(host="av.internal", port=3310, timeout=4)


def test_scan_upload_refuses_a_detection_and_passes_without_a_scanner(clamd):
    scanner = Scanner(socket_path=clamd.socket_path, timeout=2)
    with pytest.raises(EvidenceRejected) as refused:
        scan_upload(EICAR, scanner)
    assert refused.value.reason == RejectionReason.MALWARE
    assert scan_upload(b"fine", scanner) == ScanOutcome.CLEAN
    assert scan_upload(EICAR, None) is None
    assert clamd.state.streams == [EICAR, b"fine"]  # nothing sent without a scanner
