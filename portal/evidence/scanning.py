"""Malware scanning of uploads by the council's ClamAV daemon (clamd), when it has one.

Each upload is streamed with clamd's INSTREAM command before it is accepted: the command
``zINSTREAM\\0``, then the file in chunks, each prefixed by its length as a 4-byte
big-endian number, then a zero-length chunk; clamd answers ``stream: OK\\0`` or
``stream: <signature> FOUND\\0`` (clamd(8), "INSTREAM"). Anything else (connection refused,
a timeout, ``INSTREAM size limit exceeded``, an ``ERROR`` or a garbled reply) means the
file was not scanned: the caller holds it for staff rather than accepting or losing it.

No Flask: ``scanner_from_settings`` reads the app's settings mapping, and ``Scanner.scan``
returns a ``ScanVerdict``.
"""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from portal.evidence.rejections import EvidenceRejected, RejectionReason

__all__ = [
    "ScanOutcome",
    "ScanVerdict",
    "Scanner",
    "scan_for_staff",
    "scan_upload",
    "scanner_from_settings",
]

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
DEFAULT_TIMEOUT_SECONDS = 10.0
# The longest reply we read: a signature name is short; anything longer is garbled.
MAX_REPLY_BYTES = 4096


class ScanOutcome(StrEnum):
    CLEAN = "clean"
    FOUND = "found"
    """clamd named a signature: refuse the file and keep nothing."""
    UNSCANNED = "unscanned"
    """clamd could not be reached or did not answer clearly: hold the file for staff."""


@dataclass(frozen=True)
class ScanVerdict:
    outcome: ScanOutcome
    signature: str = ""
    detail: str = ""  # English for logs, never shown to residents


@dataclass(frozen=True)
class Scanner:
    """Where clamd listens: a Unix socket path, or a host and port."""

    socket_path: str = ""
    host: str = ""
    port: int = 0
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    chunk_bytes: int = CHUNK_BYTES

    def scan(self, data: bytes) -> ScanVerdict:
        """Stream ``data`` to clamd with INSTREAM and read its verdict."""
        try:
            with self._connect() as connection:
                connection.settimeout(self.timeout)
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.chunk_bytes):
                    chunk = data[start : start + self.chunk_bytes]
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
                connection.sendall(struct.pack(">I", 0))
                reply = _read_reply(connection)
        except (OSError, ValueError) as error:  # refused, reset, timeout, bad address
            return ScanVerdict(ScanOutcome.UNSCANNED, detail=f"clamd unreachable: {error!r}")
        return verdict_from_reply(reply)

    def _connect(self) -> socket.socket:
        if self.socket_path:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(self.timeout)
            try:
                connection.connect(self.socket_path)
            except BaseException:
                connection.close()
                raise
            return connection
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


def _read_reply(connection: socket.socket) -> bytes:
    """Bytes up to clamd's NUL terminator (the ``z`` prefix asked for one)."""
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
        part = connection.recv(1024)
        if not part:
            break  # closed: whatever arrived is judged as it is
        reply += part
    return reply


def verdict_from_reply(reply: bytes) -> ScanVerdict:
    """clamd's answer to INSTREAM: ``stream: OK``, ``stream: <name> FOUND``, or anything
    else (``INSTREAM size limit exceeded. ERROR``, an empty or garbled reply): unscanned."""
    text = reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if text == "stream: OK":
        return ScanVerdict(ScanOutcome.CLEAN)
    if text.startswith("stream: ") and text.endswith(" FOUND"):
        signature = text[len("stream: ") : -len(" FOUND")].strip()
        if signature:
            return ScanVerdict(ScanOutcome.FOUND, signature=signature)
    return ScanVerdict(ScanOutcome.UNSCANNED, detail=f"clamd replied {text[:200]!r}")


def scanner_from_settings(settings: Mapping[str, Any]) -> Scanner | None:
    """The scanner the settings name (CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT), or None:
    without them uploads are not scanned, as before."""
    timeout = float(settings.get("CLAMD_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)
    if settings.get("CLAMD_SOCKET"):
        return Scanner(socket_path=str(settings["CLAMD_SOCKET"]), timeout=timeout)
    if settings.get("CLAMD_HOST") and settings.get("CLAMD_PORT"):
        return Scanner(
            host=str(settings["CLAMD_HOST"]), port=int(settings["CLAMD_PORT"]), timeout=timeout
        )
    return None


def scan_upload(data: bytes, scanner: Scanner | None) -> ScanOutcome | None:
    """Scan one upload as received, before any other check: None without a scanner,
    CLEAN, or UNSCANNED (hold it for staff); raises ``EvidenceRejected(MALWARE)`` on a
    detection, so the caller keeps nothing."""
    if scanner is None:
        return None
    verdict = scanner.scan(data)
    if verdict.outcome == ScanOutcome.FOUND:
        log.warning("Upload refused: clamd found %s", verdict.signature)
        raise EvidenceRejected(RejectionReason.MALWARE, verdict.signature)
    if verdict.outcome == ScanOutcome.UNSCANNED:
        log.warning("Upload held, not scanned: %s", verdict.detail)
    return verdict.outcome


def scan_for_staff(data: bytes, scanner: Scanner | None) -> str | None:
    """Why a staff upload cannot be kept (English, staff only), or None to keep it."""
    if scanner is None:
        return None
    verdict = scanner.scan(data)
    if verdict.outcome == ScanOutcome.FOUND:
        log.warning("Staff upload refused: clamd found %s", verdict.signature)
        return (
            f"The malware scanner found {verdict.signature} in this file, so it was not kept. "
            "Do not open the original; ask IT security what to do with it."
        )
    if verdict.outcome == ScanOutcome.UNSCANNED:
        log.warning("Staff upload refused, not scanned: %s", verdict.detail)
        return (
            "The malware scanner could not be reached, so the file was not kept. "
            "Try again in a few minutes; if it keeps happening, tell IT."
        )
    return None
