"""The QR code on the page that adds an account to an authenticator app: labelled for a screen
reader, and nothing in it for the CSP to block."""

from __future__ import annotations

from portal.accounts import totp
from portal.staff.qr_code import qr_code_svg

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_the_qr_code():
    uri = totp.provisioning_uri(SECRET, account="ada@example.gov.uk", issuer="Wakefield casework")
    svg = str(qr_code_svg(uri))
    assert svg.startswith('<svg role="img" aria-label="QR code')
    assert "<script" not in svg and "style=" not in svg  # nothing for the CSP to block
