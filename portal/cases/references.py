"""Case references: what a resident quotes on the phone, reads off a letter or types in a form.

A reference looks like ``TF-7K3Q-9PMH``: the ``TF`` prefix, then eight symbols from Crockford's
base32 alphabet (no I, L, O or U, so nothing can be read as 1, 0 or V), in two groups of four.
The first seven symbols are random; the eighth is a check symbol.

Random, not sequential: a resident who knows their own reference learns nothing about anyone
else's, and there is no next number to try. The symbols come from :mod:`secrets`.

The check symbol: the eight symbols, as values 0-31, are weighted 8, 7, 6, 5, 4, 3, 2, 1 from left
to right, and a reference is valid when the weighted sum is a multiple of 37. The check symbol
(weight 1) is the value that makes it so. 37 is prime and larger than both every weight and every
difference between two symbols, which is what makes the check catch the mistakes people make:

* **Any single wrong symbol**, including the check symbol itself. Changing the symbol at a
  position of weight ``w`` from value ``a`` to ``b`` changes the sum by ``w * (b - a)``. Both
  factors are non-zero and smaller than 37 in size (``1 <= w <= 8``, ``1 <= |b - a| <= 31``), and
  a product of two such numbers is never a multiple of the prime 37, so the sum stops being one.
* **Any two symbols swapped**, adjacent or not. Swapping different values ``a`` (weight ``w``)
  and ``b`` (weight ``v``) changes the sum by ``(w - v) * (b - a)``; the weights are all
  different, so ``1 <= |w - v| <= 7``, and the same argument applies.

Why not simpler schemes: a plain sum misses every swap, and any check modulo 32 misses some
single errors because 32 is not prime (with weight 2, symbols 16 apart give the same check).
Crockford's own mod-37 check needs five extra symbols (``* ~ $ = U``) that are awkward to read
out, easy to mishear and, for ``U``, a look-alike of ``V``. Instead, a new reference is drawn
again whenever the check value would be 32-36, so every check symbol is an ordinary one. This
rejects 5 draws in 37 and leaves 32**8 / 37, about 29 billion, possible references, each equally
likely (every valid reference comes from exactly one accepted draw).

The check does not stop anyone guessing: one made-up reference in 37 passes it. The size of
the space and the rate limits on lookups do that. What the check does is let the portal tell a
resident "check the reference, it has a typing mistake" without a database lookup, and never
show them someone else's case because of a slip of the finger.
"""

from __future__ import annotations

import secrets

PREFIX = "TF"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

_DATA_LENGTH = 7
_LENGTH = _DATA_LENGTH + 1
_GROUP = 4
_MODULUS = 37
_DATA_WEIGHTS = tuple(range(_LENGTH, 1, -1))  # 8, 7, ..., 2; the check symbol has weight 1
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}

# What a person may type for each symbol: either case, and Crockford's look-alikes, so that a
# reference read as "oh" or "ell" still works. Only these ASCII characters are looked up, never
# the result of upper-casing arbitrary text (a Turkish dotless i upper-cases to I, ß to SS).
_SYMBOL_TYPED_AS = (
    {symbol: symbol for symbol in ALPHABET}
    | {symbol.lower(): symbol for symbol in ALPHABET}
    | {"O": "0", "o": "0", "I": "1", "i": "1", "L": "1", "l": "1"}
)
# Spaces and dashes people put in, or that word processors and phones substitute: no-break
# and narrow no-break spaces, hyphen, non-breaking hyphen, figure dash, en and em dash, minus.
_SEPARATORS = frozenset(" \t\r\n\u00a0\u202f-\u2010\u2011\u2012\u2013\u2014\u2212")
# Far more than anyone types for a twelve-character reference, even with a space between every
# symbol; anything longer is a paste of something else, refused without reading it.
_MAX_TYPED_LENGTH = 64


def new_reference() -> str:
    """A fresh random reference in canonical form, such as ``TF-7K3Q-9PMH``.

    The caller must still make sure it is not already in use (the database column is unique);
    with about 29 billion possibilities a clash is rare but not impossible.
    """
    while True:
        data = "".join(secrets.choice(ALPHABET) for _ in range(_DATA_LENGTH))
        check = _check_value(data)
        if check < len(ALPHABET):  # otherwise it would need one of Crockford's extra symbols
            return _canonical(data + ALPHABET[check])


def normalise(text: str) -> str | None:
    """What a person typed, in canonical form (``TF-XXXX-XXXX``), or None if it cannot be one.

    Forgives what people do when copying a reference from a letter or hearing it on the phone:
    any case, spaces, missing or extra hyphens, en and em dashes, leaving out ``TF``, and typing
    the letters O, I or L for the digits 0 and 1. Anything else (U, punctuation, invisible or
    control characters, other scripts, the wrong number of symbols) gives None. Does not
    look at the check symbol: see :func:`parse_reference`. Never raises for any string.
    """
    if len(text) > _MAX_TYPED_LENGTH:
        return None
    symbols: list[str] = []
    for character in text:
        if character in _SEPARATORS:
            continue
        symbol = _SYMBOL_TYPED_AS.get(character)
        if symbol is None:
            return None
        symbols.append(symbol)
    typed = "".join(symbols)
    if len(typed) == len(PREFIX) + _LENGTH and typed.startswith(PREFIX):
        typed = typed[len(PREFIX) :]
    if len(typed) != _LENGTH:
        return None
    return _canonical(typed)


def is_valid(reference: str) -> bool:
    """Whether ``reference`` is a well-formed reference in canonical form with a correct check.

    False for anything not exactly ``TF-XXXX-XXXX`` in upper case (run :func:`normalise` first
    on what a person typed), and for any single wrong symbol or two swapped symbols.
    """
    if (
        len(reference) != len(PREFIX) + 2 + _LENGTH
        or not reference.startswith(PREFIX + "-")
        or reference[len(PREFIX) + 1 + _GROUP] != "-"
    ):
        return False
    symbols = reference[len(PREFIX) + 1 :].replace("-", "", 1)
    if len(symbols) != _LENGTH or any(symbol not in _VALUE for symbol in symbols):
        return False
    return _VALUE[symbols[-1]] == _check_value(symbols[:-1])


def parse_reference(text: str) -> str | None:
    """The canonical reference a person meant, or None if what they typed cannot be one.

    None covers both "not shaped like a reference" and "shaped like one but mistyped", so the
    form can ask the resident to check it before any case is looked up. Never raises.
    """
    reference = normalise(text)
    if reference is None or not is_valid(reference):
        return None
    return reference


def _check_value(data: str) -> int:
    """The check value (0-36) that makes the weighted sum of data and check a multiple of 37."""
    total = sum(weight * _VALUE[symbol] for weight, symbol in zip(_DATA_WEIGHTS, data, strict=True))
    return -total % _MODULUS


def _canonical(symbols: str) -> str:
    return f"{PREFIX}-{symbols[:_GROUP]}-{symbols[_GROUP:]}"
