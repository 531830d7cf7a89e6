"""Carton serial numbers (AI 21) nobody can guess, and the one spelling each serial has.

A new serial is 65 bits from the operating system's CSPRNG (`secrets`), written as 13
characters of Crockford's base32 alphabet (digits and upper-case letters without I, L, O, U,
which are read as 1, 1, 0 and V): all of GS1 character set 82. Holding one carton tells
nothing about its neighbours: guessing another printed serial of a lot of 10,000 cartons takes
about 3.7 × 10^15 tries on average.

Serials printed before these were the carton's number, 1, 2, 3 … per product; they keep working
in their one spelling, the decimal number without leading zeros (`"7"`, not `"07"`).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
LENGTH = 13  # 13 × 5 = 65 bits
BITS = 5 * LENGTH
_SET = frozenset(ALPHABET)
SAMPLE = "0" * LENGTH  # what a preview prints: as long as a real serial, never a printed one


def new_serial() -> str:
    """A fresh random serial: 13 characters of Crockford base32, 65 random bits."""
    number = secrets.randbits(BITS)
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def is_random_serial(value: str) -> bool:
    """Is `value` written as a random serial is printed (13 characters, upper case, Crockford)?"""
    return len(value) == LENGTH and all(char in _SET for char in value)


def numbered_serial(value: str) -> int | None:
    """The carton number of an old numbered serial in its printed spelling, else None
    (``"7"`` → 7; ``"07"``, ``"0"``, ``"+7"``, ``"٧"`` or more than nine digits → None)."""
    if not (0 < len(value) <= 9) or not value.isascii() or not value.isdigit():
        return None
    if value[0] == "0":
        return None
    return int(value)
