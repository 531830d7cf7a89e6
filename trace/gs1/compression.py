"""Compressed GS1 Digital Link URIs: read one back into its element strings.

GS1's compression packs a link's AIs into bits and writes them in base64url as one path
segment (``https://example.org/CxFRJydaKI1XgkY`` is ``/01/09520123456788/10/ABC123``). Each
AI is four bits per digit (or one hex code standing for a common sequence of AIs, such as
``0B`` for 01 then 10), then its value: numeric parts as binary numbers, alphanumeric ones
with a 3-bit encoding (digits, hex, base64url or 7-bit ASCII), a length where it varies.
Non-GS1 ``key=value`` pairs may follow, each behind the hex digit ``F``.

The tables (AI lengths by first two digits, each AI's value format, the optimisation codes) are
those of GS1's compression prototype, vendored as ``compression-tables.json`` (README.md).

References:
    GS1 Digital Link Standard: URI Syntax, section 8 (compression); gs1/
    GS1DigitalLinkCompressionPrototype (reference implementation).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import syntax
from .errors import GS1Error, quoted

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_HEX = "0123456789ABCDEF"
_COMPRESSED = re.compile(r"[A-Za-z0-9_-]+")


@cache
def _tables() -> dict[str, Any]:
    text = (Path(__file__).parent / "compression-tables.json").read_text()
    tables: dict[str, Any] = json.loads(text)
    return tables


def looks_compressed(segment: str) -> bool:
    """Could ``segment`` (one path segment) be a compressed link: base64url only?"""
    return _COMPRESSED.fullmatch(segment) is not None


def _length_bits(most: int) -> int:
    return math.ceil(math.log2(most) + 0.01)


def _value_bits(digits: int) -> int:
    return math.ceil(digits * math.log2(10) + 0.01)


class _Bits:
    def __init__(self, text: str) -> None:
        self.bits = "".join(format(BASE64URL.index(char), "06b") for char in text)
        self.at = 0

    def left(self) -> int:
        return len(self.bits) - self.at

    def take(self, count: int) -> int:
        if count > self.left():
            raise GS1Error(
                "compressed Digital Link: ends in the middle of a value", kind="gs1.compressed"
            )
        piece = self.bits[self.at : self.at + count]
        self.at += count
        return int(piece, 2) if piece else 0


def _characters(bits: _Bits, encoding: int, count: int) -> str:
    if encoding == 0:  # digits, as one binary number
        return str(bits.take(_value_bits(count))).zfill(count) if count else ""
    if encoding in (1, 2):  # hexadecimal, 4 bits each, lower or upper case
        text = "".join(_HEX[bits.take(4)] for _ in range(count))
        return text.lower() if encoding == 1 else text
    if encoding == 3:  # base64url, 6 bits each
        return "".join(BASE64URL[bits.take(6)] for _ in range(count))
    if encoding == 4:  # 7-bit ASCII
        return "".join(chr(bits.take(7)) for _ in range(count))
    raise GS1Error(
        f"compressed Digital Link: unknown character encoding {encoding}", kind="gs1.compressed"
    )


def _value(bits: _Bits, ai: str) -> str:
    value = ""
    for part in _tables()["tableF"].get(ai, []):
        fixed = int(part.get("L") or part.get("N") or 0)
        most = int(part.get("M") or 0)
        if part["E"] == "N" and fixed:
            value += str(bits.take(_value_bits(fixed))).zfill(fixed)
        elif part["E"] == "N":
            digits = bits.take(_length_bits(most))
            number = bits.take(_value_bits(digits))
            value += str(number).zfill(digits) if digits else ""
        else:
            encoding = bits.take(3)
            count = fixed or bits.take(_length_bits(most))
            value += _characters(bits, encoding, count)
    return value


def decompress(segment: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Read a compressed Digital Link's path segment.

    Args:
        segment: The base64url text after the resolver's root, e.g. ``"CxFRJydaKI1XgkY"``.

    Returns:
        The AIs and values in the order they were packed, and the non-GS1 ``key=value``
        pairs, e.g. ``([("01", "09520123456788"), ("10", "ABC123")], [])``.

    Raises:
        GS1Error: If the text is not base64url or does not decode to AIs.
    """
    if not looks_compressed(segment):
        raise GS1Error(
            f"compressed Digital Link {quoted(segment)}: should be base64url", kind="gs1.compressed"
        )
    tables = _tables()
    bits = _Bits(segment)
    elements: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    while bits.left() > 8:
        high, low = bits.take(4), bits.take(4)
        code = _HEX[high] + _HEX[low]
        if high <= 9 and low <= 9:
            size = tables["tableP"].get(code)
            if size is None:
                raise GS1Error(
                    f"compressed Digital Link: no AI starts with {code}", kind="gs1.compressed"
                )
            ai = code
            for _ in range(size - 2):
                digit = bits.take(4)
                if digit > 9:
                    raise GS1Error(
                        f"compressed Digital Link: AI {ai}… is not all digits",
                        kind="gs1.compressed",
                    )
                ai += str(digit)
            elements.append((ai, _value(bits, ai)))
        elif code in tables["tableOpt"]:
            for ai in tables["tableOpt"][code]:
                elements.append((ai, _value(bits, ai)))
        elif high == 15:  # a non-GS1 key=value pair: 7 bits of key length from here
            bits.at -= 4
            length = bits.take(7)
            key = "".join(BASE64URL[bits.take(6)] for _ in range(length))
            encoding = bits.take(3)
            others.append((key, _characters(bits, encoding, bits.take(7))))
        else:
            raise GS1Error(f"compressed Digital Link: unknown code {code}", kind="gs1.compressed")
    if not elements:
        raise GS1Error(
            f"compressed Digital Link {quoted(segment)}: holds no AI", kind="gs1.compressed"
        )
    return elements, others


def uncompressed_path(elements: list[tuple[str, str]], others: list[tuple[str, str]]) -> str:
    """The uncompressed Digital Link (path and query) of decompressed element strings: the
    primary key, its qualifiers in the dictionary's order, the rest as data attributes.

    Example: ``[("01", "09520123456788"), ("10", "ABC1"), ("17", "180426")]`` is
    ``"/01/09520123456788/10/ABC1?17=180426"``.

    Raises:
        GS1Error: If no element is a Digital Link primary key.
    """
    values = dict(elements)
    for ai, value in elements:
        found = syntax.entry(ai)
        if found is None or found.qualifiers is None:
            continue
        orders = [order for order in found.qualifiers if any(q in values for q in order)]
        order = orders[0] if orders else found.qualifiers[0]
        path_ais = [q for q in order if q in values]
        path = f"/{ai}/{quote(value, safe='')}" + "".join(
            f"/{q}/{quote(values[q], safe='')}" for q in path_ais
        )
        rest = [(k, v) for k, v in elements if k != ai and k not in path_ais] + others
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in rest)
        return path + (f"?{query}" if query else "")
    raise GS1Error("compressed Digital Link: holds no primary key", kind="gs1.compressed")
