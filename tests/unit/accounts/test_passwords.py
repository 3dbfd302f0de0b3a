"""The rules for a new staff password (NCSC / NIST SP 800-63B): 12 characters or more, not
a common or easily guessed one, nothing naming the person or the council."""

from __future__ import annotations

import pytest
from argon2 import Type

from portal.accounts import passwords
from portal.accounts.passwords import council_words, password_problem

PERSON = {"email": "anna.kowalska@wakefield.gov.uk", "name": "Anna Kowalska"}
COUNCIL = {"council_names": ("Wakefield Council", "Wakefield Council")}


def problem(password: str) -> str | None:
    return password_problem(password, **PERSON, **COUNCIL)


@pytest.mark.parametrize(
    "password",
    [
        "tangerine kettle velvet",
        "my dog ate the pears",
        "Orchard-Lantern-77-Quiet",
        "zółw jedzie tramwajem",  # any script counts
    ],
)
def test_good_passwords_pass(password):
    assert problem(password) is None


def test_too_short():
    assert problem("tangerine!1") == "Your password must be 12 characters or more"
    assert problem("") == "Enter a password"


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "PASSWORD1234",  # case does not help
        "P@ssw0rd2024!",  # nor l33t spelling and a year
        "!!Liverpool1892",
        "iloveyouforever",
        "qwertyuiop123",
        "1q2w3e4r5t6y",
        "abcdefghijklmnop",
        "123456789012",
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "Sunshine-Sunshine",
        "correct horse battery staple",
        "coffee train fish",  # the example on the page
    ],
)
def test_common_and_easily_guessed_passwords_are_refused(password):
    assert problem(password) is not None
    assert "too easy to guess" in (problem(password) or "")


def test_the_list_holds_a_few_thousand_passwords():
    common = passwords.common_passwords()
    assert len(common) > 3000
    assert {"123456", "password", "qwerty", "iloveyou", "passwordpassword"} <= common
    assert all(entry == entry.casefold() for entry in common)


@pytest.mark.parametrize(
    "password", ["Wakefield2024!!", "i love wakefield council", "WAKEFIELD rocks"]
)
def test_the_council_name_is_refused(password):
    assert problem(password) == (
        "Your password must not contain the council's name. Choose a different password"
    )


@pytest.mark.parametrize("password", ["anna.kowalska99", "kowalska tea time", "Anna's new phone"])
def test_the_persons_name_and_email_address_are_refused(password):
    assert problem(password) == "Your password must not contain your name or email address"


def test_council_words_skip_the_generic_ones():
    assert council_words(["City of Bradford Metropolitan District Council"]) == (
        "bradford",
        "cityofbradfordmetropolitandistrictcouncil",
    )
    assert "council" not in council_words(["Wakefield Council"])


def test_hashes_are_argon2id_and_verify():
    hashed = passwords.hash_password("tangerine kettle velvet")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "tangerine kettle velvet")
    assert not passwords.verify_password(hashed, "tangerine kettle velvet ")
    assert not passwords.verify_password("not a hash", "anything")
    assert not passwords.needs_rehash(hashed)


def test_production_hashes_use_rfc_9106_low_memory_argon2id(production_password_hasher):
    # The tests hash at the lowest cost (tests/conftest.py); the portal itself does not.
    hasher = production_password_hasher
    assert hasher.type is Type.ID
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 64 * 1024, 4)
    assert hasher.hash("tangerine kettle velvet").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.HASHER is not hasher  # the tests' own hasher is in place


def test_the_same_password_typed_two_ways_is_the_same():
    composed = "café au lait time"  # é as one character
    decomposed = "cafe\u0301 au lait time"  # e and a combining accent
    assert passwords.verify_password(passwords.hash_password(composed), decomposed)
