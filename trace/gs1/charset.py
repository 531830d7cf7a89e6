"""Batch/lot (AI 10) and serial number (AI 21): 1-20 characters of GS1 character set 82."""

from __future__ import annotations

import string

from .errors import GS1Error, quoted, require_length, require_text

CSET82 = frozenset(string.digits + string.ascii_letters + "!\"%&'()*+,-./:;<=>?_")
"""GS1 AI encodable character set 82: digits, A-Z, a-z and 20 punctuation marks.

Space, ``#``, ``$``, ``@`` and anything outside ASCII are not in it.
"""

MAX_LENGTH = 20


def _validate_x20(name: str, value: object) -> str:
    """Check that ``value`` is 1-20 characters of set 82; return it unchanged."""
    value = require_text(name, value)
    if not value:
        raise GS1Error(
            f'{name} "": should have 1 to {MAX_LENGTH} characters, found 0',
            kind="gs1.empty",
            key=name,
        )
    said = f"{quoted(value)}: at most {MAX_LENGTH} characters"
    require_length(name, value, range(MAX_LENGTH + 1), MAX_LENGTH, said, most=True)
    for char in value:
        if char not in CSET82:
            raise GS1Error(
                f"{name} {quoted(value)}: character {quoted(char)} is not allowed"
                " (GS1 character set 82)",
                kind="gs1.character",
                key=name,
                value=value,
                char=char,
            )
    return value


def validate_lot(value: str) -> str:
    """Check a batch or lot number.

    Args:
        value: The lot as the packer typed it, e.g. ``"LOT26A"``; it is not
            stripped or upper-cased, because "lot26a" and "LOT26A" are different lots.

    Returns:
        ``value`` unchanged.

    Raises:
        GS1Error: If ``value`` is empty, longer than 20 characters, or has a
            character outside GS1 character set 82 (a space, say).

    References:
        GS1 General Specifications, section 3.4.1 (AI 10) and figure 7.11-1
        (GS1 AI encodable character set 82).
    """
    return _validate_x20("lot", value)


def validate_serial(value: str) -> str:
    """Check a serial number.

    Args:
        value: The serial number, e.g. ``"00042"``; leading zeros are significant.

    Returns:
        ``value`` unchanged.

    Raises:
        GS1Error: If ``value`` is empty, longer than 20 characters, or has a
            character outside GS1 character set 82.

    References:
        GS1 General Specifications, section 3.5.2 (AI 21) and figure 7.11-1
        (GS1 AI encodable character set 82).
    """
    return _validate_x20("serial", value)
