"""Evidence at rest: AES-256-GCM blobs bound to their row, and where the key comes from."""

from __future__ import annotations

import base64
import secrets
import stat

import pytest

from portal.encryption import (
    KEY_FILE_NAME,
    EvidenceCipher,
    EvidenceTampered,
    load_or_create_key,
)

PASSPORT = b"%PDF-1.7 pretend this is a passport scan"
ROW = b"TF-7K3Q-9PXM/file/1"


@pytest.fixture()
def cipher() -> EvidenceCipher:
    return EvidenceCipher(secrets.token_bytes(32))


def test_round_trip(cipher):
    blob = cipher.encrypt(PASSPORT, associated_data=ROW)
    assert PASSPORT not in blob
    assert cipher.decrypt(blob, associated_data=ROW) == PASSPORT


def test_blob_is_version_nonce_then_ciphertext_and_tag(cipher):
    blob = cipher.encrypt(PASSPORT, associated_data=ROW)
    assert blob[0] == 1
    assert len(blob) == 1 + 12 + len(PASSPORT) + 16


def test_two_encryptions_of_the_same_file_use_different_nonces(cipher):
    first = cipher.encrypt(PASSPORT, associated_data=ROW)
    second = cipher.encrypt(PASSPORT, associated_data=ROW)
    assert first[1:13] != second[1:13]
    assert first != second


@pytest.mark.parametrize("position", [0, 1, 12, 13, 20, -1], ids=lambda p: f"byte {p}")
def test_any_changed_byte_is_detected(cipher, position):
    blob = bytearray(cipher.encrypt(PASSPORT, associated_data=ROW))
    blob[position] ^= 0x01
    with pytest.raises(EvidenceTampered):
        cipher.decrypt(bytes(blob), associated_data=ROW)


@pytest.mark.parametrize("keep", [0, 1, 13, 28])
def test_blob_cut_short_is_detected(cipher, keep):
    blob = cipher.encrypt(PASSPORT, associated_data=ROW)
    with pytest.raises(EvidenceTampered):
        cipher.decrypt(blob[:keep], associated_data=ROW)


def test_blob_moved_to_another_row_does_not_decrypt(cipher):
    blob = cipher.encrypt(PASSPORT, associated_data=ROW)
    with pytest.raises(EvidenceTampered):
        cipher.decrypt(blob, associated_data=b"TF-AAAA-BBBB/file/1")


def test_blob_does_not_decrypt_under_another_key(cipher):
    blob = cipher.encrypt(PASSPORT, associated_data=ROW)
    with pytest.raises(EvidenceTampered):
        EvidenceCipher(secrets.token_bytes(32)).decrypt(blob, associated_data=ROW)


def test_tampering_is_a_value_error():
    assert issubclass(EvidenceTampered, ValueError)


def test_associated_data_is_required(cipher):
    with pytest.raises(ValueError, match="associated_data"):
        cipher.encrypt(PASSPORT, associated_data=b"")


@pytest.mark.parametrize("key", [b"", b"\0" * 16, b"\0" * 31, b"\0" * 33, "\0" * 32])
def test_key_must_be_32_bytes(key):
    with pytest.raises(ValueError, match="32 bytes"):
        EvidenceCipher(key)


def test_cipher_does_not_show_its_key():
    key = secrets.token_bytes(32)
    assert key.hex() not in repr(EvidenceCipher(key))


@pytest.mark.parametrize(
    "encode",
    [
        base64.urlsafe_b64encode,
        base64.b64encode,
        lambda key: base64.urlsafe_b64encode(key).rstrip(b"="),
        lambda key: b"  " + base64.b64encode(key) + b"\n",
    ],
    ids=["urlsafe", "standard", "unpadded", "surrounding-space"],
)
def test_key_setting_accepts_base64_of_32_bytes(encode):
    key = bytes(range(250, 256)) + secrets.token_bytes(26)  # bytes that differ between alphabets
    setting = encode(key).decode()
    from_setting = EvidenceCipher.from_setting(setting)
    blob = from_setting.encrypt(PASSPORT, associated_data=ROW)
    assert EvidenceCipher(key).decrypt(blob, associated_data=ROW) == PASSPORT


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("", "decodes to 0 bytes"),
        ("not base64 at all!", "is not base64"),
        (base64.b64encode(b"\0" * 16).decode(), "decodes to 16 bytes, not 32"),
        ("correct horse battery staple", "EVIDENCE_KEY"),
    ],
)
def test_key_setting_error_says_what_to_fix_without_echoing_it(setting, message):
    with pytest.raises(ValueError, match=message) as caught:
        EvidenceCipher.from_setting(setting)
    assert "secrets.token_bytes(32)" in str(caught.value)
    if setting:
        assert setting not in str(caught.value)


def test_embedded_mode_generates_a_private_key_file_once(tmp_path):
    instance = tmp_path / "instance"
    key, source = load_or_create_key(instance, {})
    assert source == "generated"
    assert len(key) == 32
    path = instance / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in instance.iterdir()] == [KEY_FILE_NAME]  # no temporary left

    again, source = load_or_create_key(instance, {"PORTAL_ENV": "development"})
    assert (again, source) == (key, "instance")


def test_generated_key_file_is_private_whatever_the_umask(tmp_path):
    import os

    previous = os.umask(0)
    try:
        load_or_create_key(tmp_path, {})
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode) == 0o600


def test_environment_key_wins_over_the_key_file(tmp_path):
    load_or_create_key(tmp_path, {})
    key = secrets.token_bytes(32)
    setting = base64.urlsafe_b64encode(key).decode()
    assert load_or_create_key(tmp_path, {"EVIDENCE_KEY": setting}) == (key, "environment")


def test_environment_key_means_no_key_file_is_written(tmp_path):
    setting = base64.b64encode(secrets.token_bytes(32)).decode()
    load_or_create_key(tmp_path, {"EVIDENCE_KEY": setting, "PORTAL_ENV": "production"})
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_production_without_a_key_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="EVIDENCE_KEY must be set"):
        load_or_create_key(tmp_path, {"PORTAL_ENV": "production", "EVIDENCE_KEY": " "})
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_damaged_key_file_is_reported_with_its_path(tmp_path):
    (tmp_path / KEY_FILE_NAME).write_text("too short")
    with pytest.raises(ValueError, match=KEY_FILE_NAME):
        load_or_create_key(tmp_path, {})


def test_files_encrypted_with_a_generated_key_open_after_a_restart(tmp_path):
    key, _ = load_or_create_key(tmp_path, {})
    blob = EvidenceCipher(key).encrypt(PASSPORT, associated_data=ROW)
    reloaded, _ = load_or_create_key(tmp_path, {})
    assert EvidenceCipher(reloaded).decrypt(blob, associated_data=ROW) == PASSPORT
