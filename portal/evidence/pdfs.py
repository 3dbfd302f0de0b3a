"""PDF evidence: cheap byte checks first, then pikepdf's structure check in a budgeted child.

PDFs are kept as received, so what is kept is exactly what was checked. The byte checks
refuse, before any parsing, a file that does not end as a PDF ends (cut short, or with
something after its end). The structure check (``pdf_structure``, whose docstring lists
the rules) runs in a child process with a memory, CPU and wall-clock budget, the PDF
counterpart of the pixel budget for images: qpdf decodes some streams with no size limit,
and a crash, an exhausted budget or a hung parse there costs one short-lived process and
refuses the file as CORRUPT, never an error page. The child gets no environment (no keys,
no database address) and writes no files.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
from pathlib import Path

from portal.evidence import pdf_structure
from portal.evidence.pdf_structure import MAX_PDF_DECODED_BYTES
from portal.evidence.rejections import EvidenceRejected, RejectionReason

__all__ = ["MAX_PDF_DECODED_BYTES", "inspect_pdf"]

# ISO 32000 ends a file with startxref, its offset and %%EOF; readers accept the marker
# within the last 1024 bytes (trailing junk after it is refused below).
PDF_EOF_WINDOW = 1024
# Wall-clock limit for the child, beyond its CPU budget (pdf_structure.CPU_LIMIT_SECONDS):
# a child that waits without spending CPU, or one starved on a busy host.
STRUCTURE_CHECK_SECONDS = 15

_WHITESPACE = b"\x00\t\n\x0c\r "
_EOL = re.compile(rb"\r\n?|\n")
_log = logging.getLogger(__name__)
_CHILD = [sys.executable, "-I", str(Path(pdf_structure.__file__).resolve())]


def inspect_pdf(data: bytes) -> None:
    """Raise ``EvidenceRejected`` unless the PDF may be kept as received (``data`` starts
    with a PDF header and is within the upload size limit: the caller checked both)."""
    _check_end(data)
    reason, detail = _structure_verdict(data)
    if reason is not None:
        raise EvidenceRejected(reason, detail)


def _check_end(data: bytes) -> None:
    """A cut-short file has no %%EOF, and no startxref to find its objects by."""
    end = data.rfind(b"%%EOF", max(0, len(data) - PDF_EOF_WINDOW))
    if end < 0:
        raise EvidenceRejected(RejectionReason.CORRUPT, "no %%EOF at the end: cut short?")
    # After the line of the last %%EOF, only blank lines and comments: anything else is read
    # by some readers and ignored by others (an update one of them applies, a polyglot).
    line_end = _EOL.search(data, end)
    after_end = data[line_end.end() :] if line_end else b""
    for line in _EOL.split(after_end):
        if not line.lstrip(_WHITESPACE).startswith(b"%") and line.strip(_WHITESPACE):
            raise EvidenceRejected(RejectionReason.CORRUPT, "data after %%EOF")
    if b"startxref" not in data:
        raise EvidenceRejected(RejectionReason.CORRUPT, "no startxref")


def _structure_verdict(data: bytes) -> tuple[RejectionReason | None, str]:
    try:
        finished = subprocess.run(  # noqa: S603  (a fixed command: this Python, our script)
            _CHILD,
            input=data,
            capture_output=True,
            timeout=STRUCTURE_CHECK_SECONDS,
            env={},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return _no_verdict("ran out of time")
    except OSError as exc:
        return _no_verdict(f"could not start: {exc}")
    if finished.returncode == -signal.SIGXCPU:
        return _no_verdict("ran out of CPU time")
    if finished.returncode < 0:
        return _no_verdict(f"was stopped by signal {-finished.returncode}")
    if finished.returncode > 0:
        last_line = finished.stderr.decode("utf-8", "replace").strip().rpartition("\n")[2]
        return _no_verdict(f"failed ({finished.returncode}): {last_line[:200]}")
    try:
        verdict = json.loads(finished.stdout)
        if verdict["reason"] is None:
            return None, ""
        return RejectionReason(verdict["reason"]), str(verdict["detail"])
    except (ValueError, KeyError, TypeError):  # a reason RejectionReason lacks included
        return _no_verdict(f"answered {finished.stdout[:200]!r}")


def _no_verdict(what: str) -> tuple[RejectionReason, str]:
    """The child gave no verdict: the file is refused as CORRUPT (a hostile file exhausts
    the budget on purpose), and a warning logged: should every PDF end so, the child
    cannot run on this host (``sys.executable`` is not Python, processes are capped)."""
    detail = f"the structure check {what}"
    _log.warning("PDF evidence refused: %s", detail)
    return RejectionReason.CORRUPT, detail
