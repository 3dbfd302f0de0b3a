"""Why an upload was refused: the reasons the web layer turns into words, and the exception.

Shared by the image and PDF checks and re-exported by ``inspection``, the package's front door.
"""

from __future__ import annotations

from enum import StrEnum


class RejectionReason(StrEnum):
    """Why an upload was refused. The web layer owns the words a resident reads."""

    EMPTY = "empty"
    """The file has no content (often a failed phone upload): choose it again."""
    TOO_LARGE = "too_large"
    """More than MAX_BYTES: send a smaller scan or photo."""
    WRONG_TYPE = "wrong_type"
    """The content is not a PDF, JPEG or PNG, whatever the name says."""
    CORRUPT = "corrupt"
    """Claims to be a PDF, JPEG or PNG but cannot be read: damaged, cut short, built in a
    way this check cannot follow, or decompresses to an unreasonable size."""
    ACTIVE_CONTENT = "active_content"
    """A PDF with scripts, attached files, form submission or other actions that run on
    their own: print it to a new PDF, or send a photo."""
    TOO_MANY_PIXELS = "too_many_pixels"
    """An image larger than MAX_PIXELS, or a PNG larger than MAX_DECODED_PIXELS (which cannot
    be decoded at a smaller size): send a smaller photo, or a PDF."""
    ENCRYPTED = "encrypted"
    """A password-protected PDF: it cannot be checked, nor opened by staff without the
    password. Send a copy without the password, or a photo."""
    MALWARE = "malware"
    """The council's malware scanner (clamd) found a virus or other malware in it."""


class EvidenceRejected(Exception):
    """An upload was refused. ``detail`` is English for logs, never shown to residents."""

    def __init__(self, reason: RejectionReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail
