"""What residents are told about the files they send."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.cases.models import EvidencePurpose
from portal.evidence.inspection import RejectionReason


def purpose_names() -> dict[str, str]:
    return {
        EvidencePurpose.PHOTO_ID: _("photo ID"),
        EvidencePurpose.PROOF_OF_ADDRESS: _("proof of address"),
        EvidencePurpose.AUTHORITY: _("proof you may act for them"),
        EvidencePurpose.MORE_EVIDENCE: _("more evidence"),
    }


def rejection_message(reason: RejectionReason, name: str) -> str:
    messages = {
        RejectionReason.EMPTY: _("The file %(name)s is empty. Choose another file", name=name),
        RejectionReason.TOO_LARGE: _("The file %(name)s must be smaller than 10 MB", name=name),
        RejectionReason.WRONG_TYPE: _("The file %(name)s must be a PDF, JPG or PNG", name=name),
        RejectionReason.CORRUPT: _(
            "The file %(name)s could not be read. Try saving it again, or take a new photo",
            name=name,
        ),
        RejectionReason.ACTIVE_CONTENT: _(
            "The file %(name)s contains scripts or attached files, which we cannot accept. Send a photo or a scan instead",
            name=name,
        ),
        RejectionReason.TOO_MANY_PIXELS: _(
            "The picture %(name)s is too big. Take a photo with a lower resolution, or send a PDF",
            name=name,
        ),
        RejectionReason.ENCRYPTED: _(
            "The file %(name)s is protected by a password. Send it without the password, or send a photo of the document",
            name=name,
        ),
        RejectionReason.MALWARE: _(
            "The file %(name)s contains a virus or other harmful content, so we have not kept it. Send a new scan or photo of the document",
            name=name,
        ),
    }
    return messages[reason]
