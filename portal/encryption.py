"""Secrets at rest, encrypted with AES-256-GCM: residents' evidence files and the staff's
authenticator secrets (portal/accounts/totp.py), under one key.

A stored blob is one version byte, a 12-byte random nonce, then the ciphertext with its
16-byte tag. The associated data names the row the blob belongs to (for example the case
reference and file id, or the staff account's id), so a blob copied onto another row fails
to decrypt instead of showing one family's passport in another family's case.

Random 96-bit nonces are safe for up to 2**32 encryptions under one key (NIST SP 800-38D);
a council receives a few thousand files a year. The version byte leaves room for a future
key-rotation scheme; today there is one key and one version.

The key comes from EVIDENCE_KEY in production; the embedded mode generates one into the
instance folder. Losing the key loses every stored file: back it up with the database.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = b"\x01"
KEY_FILE_NAME = "evidence.key"
KEY_VARIABLE = "EVIDENCE_KEY"


class EvidenceTampered(ValueError):
    """A blob could not be decrypted: altered, cut short, moved to another row, or
    encrypted under another key. Deliberately no more precise than that."""


class EvidenceCipher:
    """Encrypts and decrypts evidence files with one AES-256-GCM key."""

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            raise ValueError(f"The evidence key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "EvidenceCipher(key=<hidden>)"

    @classmethod
    def from_setting(cls, value: str) -> EvidenceCipher:
        """A cipher from EVIDENCE_KEY: base64 (standard or URL-safe) of 32 random bytes."""
        return cls(decode_key(value))

    def encrypt(self, plaintext: bytes, *, associated_data: bytes) -> bytes:
        _require_associated_data(associated_data)
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def decrypt(self, blob: bytes, *, associated_data: bytes) -> bytes:
        _require_associated_data(associated_data)
        if len(blob) < len(VERSION) + NONCE_BYTES + TAG_BYTES or blob[:1] != VERSION:
            raise EvidenceTampered("Evidence file cannot be decrypted")
        nonce = blob[1 : 1 + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[1 + NONCE_BYTES :], associated_data)
        except InvalidTag as exc:
            raise EvidenceTampered("Evidence file cannot be decrypted") from exc


def _require_associated_data(associated_data: bytes) -> None:
    # Without it a blob could be moved between rows unnoticed.
    if not associated_data:
        raise ValueError("associated_data must name the row the file belongs to")


def decode_key(value: str) -> bytes:
    """32 key bytes from base64, standard or URL-safe, padded or not. The error never
    repeats the value: it is a secret and error messages end up in logs."""
    text = "".join(value.split()).replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{KEY_VARIABLE} is not base64; {_HOW_TO_MAKE_ONE}") from exc
    if len(key) != KEY_BYTES:
        raise ValueError(
            f"{KEY_VARIABLE} decodes to {len(key)} bytes, not {KEY_BYTES}; {_HOW_TO_MAKE_ONE}"
        )
    return key


_HOW_TO_MAKE_ONE = (
    'make one with: python -c "import base64, secrets; '
    'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
)


def load_or_create_key(instance_path: Path, environ: Mapping[str, str]) -> tuple[bytes, str]:
    """The evidence key and where it came from: "environment" (EVIDENCE_KEY), "instance"
    (the key file in the instance folder) or "generated" (that file, written just now).

    Production (PORTAL_ENV=production) must set EVIDENCE_KEY: a key generated on one host
    would not open files stored by another.
    """
    if environ.get(KEY_VARIABLE, "").strip():
        return decode_key(environ[KEY_VARIABLE]), "environment"
    if environ.get("PORTAL_ENV") == "production":
        raise RuntimeError(f"{KEY_VARIABLE} must be set when PORTAL_ENV=production")
    path = instance_path / KEY_FILE_NAME
    if path.exists():
        return _read_key_file(path), "instance"
    key = secrets.token_bytes(KEY_BYTES)
    if _create_key_file(path, key):
        return key, "generated"
    return _read_key_file(path), "instance"  # another process wrote it first


def _read_key_file(path: Path) -> bytes:
    try:
        return decode_key(path.read_text(encoding="ascii"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} does not hold a valid evidence key: {exc}") from exc


def _create_key_file(path: Path, key: bytes) -> bool:
    """Write the key readable by its owner only, atomically: a temporary file, then a hard
    link, which fails if the name exists. False if another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(base64.urlsafe_b64encode(key).decode("ascii") + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    return True
