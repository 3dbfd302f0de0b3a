"""The QR code on the page where a member of staff adds their account to an authenticator app
(the secret and its provisioning URI come from portal/accounts/totp.py)."""

from __future__ import annotations

import qrcode
from markupsafe import Markup
from qrcode.image.svg import SvgPathFillImage


def qr_code_svg(uri: str) -> Markup:
    """The provisioning URI as an inline SVG QR code (no image request, nothing for the CSP
    to allow), on a white background so phones read it in dark mode too."""
    image = qrcode.make(uri, image_factory=SvgPathFillImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    labelled = svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code to add this account to an authenticator app" '
        'class="staff-qr-code" ',
        1,
    )
    return Markup(labelled)  # noqa: S704  (made here from a URI, no user markup)
