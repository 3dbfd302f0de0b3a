"""Codes from an authenticator app: accepted one step either side of now, and bound to a step
so that the caller can refuse a code already used."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from portal.accounts import totp
from portal.encryption import EvidenceCipher, EvidenceTampered

NOW = datetime(2026, 11, 24, 9, 30, 15, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def test_a_code_matches_its_own_step():
    assert totp.matching_step(SECRET, code_at(NOW), NOW) == totp.current_step(NOW)
    assert totp.current_step(NOW) == pyotp.TOTP(SECRET).timecode(NOW)


@pytest.mark.parametrize("seconds", [-30, 30])
def test_one_step_either_side_is_accepted(seconds):
    then = NOW + timedelta(seconds=seconds)
    assert totp.matching_step(SECRET, code_at(then), NOW) == totp.current_step(then)


@pytest.mark.parametrize("seconds", [-90, 90, 3600])
def test_codes_further_away_are_refused(seconds):
    assert totp.matching_step(SECRET, code_at(NOW + timedelta(seconds=seconds)), NOW) is None


def test_a_wrong_code_is_refused():
    wrong = "000000" if code_at(NOW) != "000000" else "111111"
    assert totp.matching_step(SECRET, wrong, NOW) is None


def test_the_secret_is_bound_to_its_account():
    cipher = EvidenceCipher(os.urandom(32))
    blob = totp.encrypt_secret(cipher, 7, SECRET)
    assert SECRET.encode() not in blob
    assert totp.decrypt_secret(cipher, 7, blob) == SECRET
    with pytest.raises(EvidenceTampered):
        totp.decrypt_secret(cipher, 8, blob)


def test_the_provisioning_link_and_the_key_to_type():
    uri = totp.provisioning_uri(SECRET, account="ada@example.gov.uk", issuer="Wakefield casework")
    assert uri.startswith("otpauth://totp/Wakefield%20casework:ada%40example.gov.uk?")
    assert f"secret={SECRET}" in uri
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"
