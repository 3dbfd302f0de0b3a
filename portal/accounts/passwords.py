"""Staff passwords: argon2id hashes, and the rules a new password must meet.

The rules follow NCSC and NIST SP 800-63B: a minimum length, a block list of common and
easily guessed passwords, and nothing that names the council or the person. No rules about
mixing character types, and no forced expiry.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 200  # a limit on the work one request can ask for, not a rule for people
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory parameters. When they
# change, hashes made with the old ones are replaced at the next sign-in.
HASHER = PasswordHasher()

# Words in councils' names that say nothing about which council it is.
_GENERIC_NAME_WORDS = frozenset(
    {"borough", "city", "council", "county", "district", "metropolitan", "royal", "the", "and"}
)
# Keyboard rows and counting: a password inside one of these is a sequence, not a secret.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "01234567890123456789012345678901234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertyuiop[]asdfghjkl;'#zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "!@#$%^&*()_+!@#$%^&*()_+",
    "qazwsxedcrfvtgbyhnujmikolp",
)


def normalise(password: str) -> str:
    """NFC, so the same password typed on another keyboard or system hashes the same."""
    return unicodedata.normalize("NFC", password)


class HashingBusy(Exception):
    """Every hashing slot of this worker process is taken: answer quickly, do not queue."""


# At most this many argon2 hashes run at once in one worker process (issue 15 point 4):
# a flood of sign-ins then costs its own requests a quick refusal, not everyone's CPU.
# create_app sets it from PASSWORD_HASH_CONCURRENCY.
_slots = threading.BoundedSemaphore(1)


def limit_concurrent_hashes(count: int) -> None:
    global _slots
    _slots = threading.BoundedSemaphore(max(1, count))


@contextmanager
def _hashing_slot(wait: float | None) -> Iterator[None]:
    slots = _slots
    acquired = slots.acquire(timeout=wait) if wait else slots.acquire(blocking=False)
    if not acquired:
        raise HashingBusy
    try:
        yield
    finally:
        slots.release()


def hash_password(password: str) -> str:
    with _hashing_slot(30.0):
        return HASHER.hash(normalise(password))


def verify_password(password_hash: str, password: str, *, wait: float | None = 30.0) -> bool:
    """Whether the password matches. `wait` is how long to wait for a hashing slot (None or
    0: not at all); HashingBusy when none came free."""
    try:
        with _hashing_slot(wait):
            return HASHER.verify(password_hash, normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    # Made once, outside the hashing slots.
    return HASHER.hash("not a password anyone has: only here to take the same time")


def verify_nothing(password: str, *, wait: float | None = 30.0) -> None:
    """Spend the time a real check takes, so that an unknown email address answers as
    slowly as a known one."""
    verify_password(_dummy_hash(), password, wait=wait)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def council_words(names: Iterable[str]) -> tuple[str, ...]:
    """What a password must not contain for a council: its names run together ("wakefield
    council") and each distinctive word in them ("wakefield")."""
    words: set[str] = set()
    for name in names:
        whole = _letters_and_digits(name)
        if len(whole) >= 4:
            words.add(whole)
        for word in re.split(r"\W+", name.casefold()):
            if len(word) >= 4 and word not in _GENERIC_NAME_WORDS:
                words.add(word)
    return tuple(sorted(words))


def _personal_words(email: str, name: str) -> set[str]:
    local_part = email.rpartition("@")[0] if "@" in email else email
    whole = _letters_and_digits(local_part)
    words = {whole} if len(whole) >= 3 else set()
    for part in re.split(r"[\W_]+", f"{local_part} {name}".casefold()):
        if len(part) >= 4:
            words.add(part)
    return words


def _is_sequence_or_repeat(text: str) -> bool:
    folded = text.casefold()
    for sequence in _SEQUENCES:
        if folded in sequence or folded in sequence[::-1]:
            return True
    # The same short chunk over and over: "aaaaaaaaaaaa", "abcabcabcabc", "passpasspass".
    for size in range(1, 5):
        chunk = folded[:size]
        if len(folded) % size == 0 and chunk * (len(folded) // size) == folded:
            return True
    return len(set(folded)) < 4


_LEET_COMMON = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET = (
    str.maketrans({**_LEET_COMMON, "1": "i", "!": "i"}),
    str.maketrans({**_LEET_COMMON, "1": "l", "!": "l"}),
)
_PADDING = "0123456789!@#$%^&*()-_=+.,?;:'\"~` "


def _is_common(text: str) -> bool:
    folded = text.casefold()
    # The password as typed, run together ("coffee train fish"), with digits or symbols
    # put round it stripped ("!!password2024"), and with l33t spelling read back.
    core = folded.strip(_PADDING)
    candidates = {folded, _letters_and_digits(folded), core}
    candidates |= {core.translate(table) for table in _LEET}
    candidates |= {folded.translate(table).strip(_PADDING) for table in _LEET}
    common = common_passwords()
    if any(candidate in common for candidate in candidates):
        return True
    return len(core) >= 4 and _is_sequence_or_repeat(core)


def password_problem(
    password: str, *, email: str = "", name: str = "", council_names: Iterable[str] = ()
) -> str | None:
    """What is wrong with a new password, as a message saying what to do; None if nothing."""
    password = normalise(password)
    if not password:
        return "Enter a password"
    if len(password) < MIN_LENGTH:
        return f"Your password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    squeezed = _letters_and_digits(password)
    if any(word in squeezed for word in council_words(council_names)):
        return "Your password must not contain the council's name. Choose a different password"
    if any(word in squeezed for word in _personal_words(email.casefold(), name)):
        return "Your password must not contain your name or email address"
    if _is_common(password) or _is_sequence_or_repeat(password):
        return (
            "Your password is too easy to guess. Try 3 random words, like "
            '"coffee train fish", with some extra characters if you like'
        )
    return None
