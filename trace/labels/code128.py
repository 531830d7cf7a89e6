"""Code 128 symbol characters: the shortest encoding of a GS1-128 or Code 128 message.

PURE (standard library only). `content` uses `symbol_width` to decide how element
strings are split across symbols; `symbols` turns the same values into bars and `zpl`
into ^BC field data, so the PDF, the PNG and the Zebra printer draw identical symbols.

The shortest encoding in code sets B (all of GS1 character set 82) and C (digit
pairs) is chosen, then every run of text that set A holds (space, digits, capitals,
punctuation up to ``_``: the same values as in B) is put in A, and code C is entered
from A, never straight from B. Zebra's ^BC writes sets A and C alike, as two-digit
symbol values, so "code C" in set A is the value ``99`` like any other; from B it
would need the ``>5`` invocation, the one that offline ZPL renderers draw wrong. So
the symbols are as long as before, but for a run with a lowercase letter followed by
code C, which reaches it through "code A": one character more.
"""

from __future__ import annotations

from functools import lru_cache

FNC1 = 102
CODE_A = 101  # in sets B and C: switch to A
CODE_B = 100  # in sets A and C: switch to B
CODE_C = 99  # in set A: switch to C
START_A = 103
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
    """Dynamic programme over (position, code set B or C): fewest characters wins."""
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
    return _through_a(min(candidates, key=len))  # the first of equals: set C


def _through_a(values: list[int]) -> list[int]:
    """Put each run of text in set A where it can be (same values), and enter C from A.

    A run with a character past ``_`` stays in B and reaches C through "code A".
    """
    out, in_text, run = [values[0]], values[0] == START_B, 0
    for value in values[1:]:
        if not in_text:
            out.append(value)
            in_text, run = value == CODE_B, len(out) - 1
        elif value == CODE_C:
            out += [CODE_C] if _to_a(out, run) else [CODE_A, CODE_C]
            in_text = False
        else:
            out.append(value)
    if in_text:
        _to_a(out, run)
    return out


def _to_a(out: list[int], run: int) -> bool:
    """Switch the text run that ``out[run]`` starts to set A if all of it is in A."""
    if any(63 < value != FNC1 for value in out[run + 1 :]):
        return False
    out[run] = START_A if out[run] == START_B else CODE_A
    return True


def _digit(token: str | None) -> bool:
    return token is not None and "0" <= token <= "9"


def symbol_width(values: tuple[int, ...]) -> int:
    """Width in modules of a symbol, quiet zones excluded."""
    return _CHAR_MODULES * (len(values) - 1) + _STOP_MODULES
