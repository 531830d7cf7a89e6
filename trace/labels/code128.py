"""Code 128 symbol characters: the shortest encoding of a GS1-128 or Code 128 message.

PURE (standard library only). `content` uses `symbol_width` to decide how element
strings are split across symbols; `symbols` turns the same values into bars and `zpl`
into ^BC field data, so the PDF, the PNG and the Zebra printer draw identical symbols.

Only code sets B and C are used: every character of GS1 character set 82 is in set B,
and set A adds nothing but control characters.
"""

from __future__ import annotations

from functools import lru_cache

FNC1 = 102
CODE_B = 100  # in set C: switch to B
CODE_C = 99  # in set B: switch to C
START_B = 104
START_C = 105
STOP = 106

GS = "\x1d"
"""Separator after a variable-length element string; encoded as FNC1 (GS1 §7.8.5.1)."""

# 11 modules per symbol character; the stop pattern has 13 (its final 2-module bar).
_CHAR_MODULES = 11
_STOP_MODULES = 13


@lru_cache(maxsize=1024)  # a lot's (01)(13) symbol is the same on every carton
def encode(data: str, *, gs1: bool) -> tuple[int, ...]:
    """Choose the shortest sequence of Code 128 symbol values for ``data``.

    Args:
        data: Printable ASCII; in a GS1 message ``GS`` (``"\\x1d"``) marks an FNC1
            separator after a variable-length field.
        gs1: Put FNC1 right after the start character (GS1-128).

    Returns:
        The symbol values: start character, data, then the mod-103 check character
        and the stop character.

    Raises:
        ValueError: If a character is outside ASCII 32-126 (other than ``GS``).

    References:
        ISO/IEC 15417 (Code 128); GS1 General Specifications, section 5.4.7.7
        (use of start, code set and shift characters to minimise symbol length).
    """
    tokens: list[str | None] = [None] if gs1 else []  # None stands for FNC1
    for char in data:
        if char == GS:
            tokens.append(None)
        elif " " <= char <= "~":
            tokens.append(char)
        else:
            raise ValueError(f"Code 128 data {data!r}: character {char!r} is not printable ASCII")
    values = _shortest(tokens)
    check = (values[0] + sum(index * value for index, value in enumerate(values))) % 103
    return (*values, check, STOP)


def _shortest(tokens: list[str | None]) -> list[int]:
    """Dynamic programme over (position, code set): fewest symbol characters wins."""
    n = len(tokens)
    # best[i][s]: the values that encode tokens[i:] when in set s ("B" or "C") at i.
    best: list[dict[str, list[int]]] = [{} for _ in range(n + 1)]
    best[n] = {"B": [], "C": []}
    for i in range(n - 1, -1, -1):
        token = tokens[i]
        in_b = [FNC1 if token is None else ord(token) - 32, *best[i + 1]["B"]]
        in_c: list[int] | None = None
        if token is None:
            in_c = [FNC1, *best[i + 1]["C"]]
        elif i + 1 < n and _digit(token) and _digit(tokens[i + 1]):
            in_c = [int(token + tokens[i + 1]), *best[i + 2]["C"]]  # type: ignore[operator]
        via_c = None if in_c is None else [CODE_C, *in_c]
        best[i]["B"] = in_b if via_c is None or len(in_b) <= len(via_c) else via_c
        if in_c is not None and len(in_c) <= len(in_b) + 1:
            best[i]["C"] = in_c
        else:
            best[i]["C"] = [CODE_B, *in_b]
    # A start character selects the first set: Start C then "code B" is Start B, etc.
    candidates = [[START_C, *best[0]["C"]], [START_B, *best[0]["B"]]]
    for values in candidates[:]:
        if values[1:2] == [CODE_B]:
            candidates.append([START_B, *values[2:]])
        elif values[1:2] == [CODE_C]:
            candidates.append([START_C, *values[2:]])
    return min(candidates, key=len)  # the first of equals: set C, fewer switches later


def _digit(token: str | None) -> bool:
    return token is not None and "0" <= token <= "9"


def symbol_width(values: tuple[int, ...]) -> int:
    """Width in modules of a symbol, quiet zones excluded."""
    return _CHAR_MODULES * (len(values) - 1) + _STOP_MODULES
