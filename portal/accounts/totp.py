"""The second factor: time-based one-time codes (RFC 6238) from an authenticator app.

A code is accepted in the 30-second step it was made for and one step either side (clocks
drift), and never twice: the step of the last accepted code is stored, and a code from that
step or an earlier one is refused, so a code read over someone's shoulder is useless.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

from portal.encryption import EvidenceCipher

STEP_SECONDS = 30  # RFC 6238's default, which every authenticator app uses
VALID_WINDOW = 1  # steps either side of now


def new_secret() -> str:
    return pyotp.random_base32()


def associated_data(user_id: int) -> bytes:
    """Binds an encrypted secret to its account: copied onto another row, it fails."""
    return f"totp:{user_id}".encode()


def encrypt_secret(cipher: EvidenceCipher, user_id: int, secret: str) -> bytes:
    return cipher.encrypt(secret.encode("ascii"), associated_data=associated_data(user_id))


def decrypt_secret(cipher: EvidenceCipher, user_id: int, blob: bytes) -> str:
    return cipher.decrypt(blob, associated_data=associated_data(user_id)).decode("ascii")


def current_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step a code belongs to (now or one step either side), or None. Every
    candidate is compared in constant time, so timing says nothing about which matched."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now_step = current_step(now)
    matched = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            matched = step
    return matched


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type from the screen."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
