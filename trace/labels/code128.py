"""Code 128 symbol characters: the shortest encoding of a GS1-128 or Code 128 message.

PURE (standard library only). `content` uses `symbol_width` to decide how element
strings are split across symbols; `symbols` turns the same values into bars and `zpl`
into ^BC field data, so the PDF, the PNG and the Zebra printer draw identical symbols.

Code sets B (all of GS1 character set 82), C (digit pairs) and A (space, digits,
capitals and punctuation up to ``_``) are used, with one rule: code C is entered from
A, never straight from B. Zebra's ^BC writes sets A and C alike, as two-digit symbol
values, so "code C" in set A is the value ``99`` like any other; from B it would need
the ``>5`` invocation, the one that offline ZPL renderers draw wrong. Capitals and
digits cost the same in A as in B, so the symbols are as short as before (only a
lowercase letter followed by four or more digits costs one character more), and A
is preferred where they tie: two digits a value is the ^BC syntax renderers agree on.
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

_STARTS = {"A": START_A, "B": START_B, "C": START_C}
# Symbol characters that take the encoder from one code set to another; C from B
# goes through A (see above).
_ROUTES = {
    ("A", "B"): (CODE_B,),
    ("A", "C"): (CODE_C,),
    ("B", "A"): (CODE_A,),
    ("B", "C"): (CODE_A, CODE_C),
    ("C", "A"): (CODE_A,),
    ("C", "B"): (CODE_B,),
}

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
    # best[i][s]: the values that encode tokens[i:] when in set s at i.
    best: list[dict[str, list[int]]] = [{} for _ in range(n + 1)]
    best[n] = {"A": [], "B": [], "C": []}
    for i in range(n - 1, -1, -1):
        here = {s: _step(tokens, i, s, best) for s in "CAB"}
        for s in "CAB":
            options = [here[s]] if here[s] is not None else []
            for t in "CAB":  # the first of equals: stay, then C, then A
                if t != s and here[t] is not None:
                    options.append([*_ROUTES[s, t], *here[t]])
            best[i][s] = min(options, key=len)
    starts = [[_STARTS[s], *best[0][s]] for s in "CAB"]
    return min(starts, key=len)


def _step(tokens: list[str | None], i: int, code_set: str, best) -> list[int] | None:
    """The values for token ``i`` (and ``i + 1`` in set C) staying in ``code_set``."""
    token = tokens[i]
    if token is None:
        return [FNC1, *best[i + 1][code_set]]
    if code_set == "C":
        if i + 1 < len(tokens) and _digit(token) and _digit(tokens[i + 1]):
            return [int(token + tokens[i + 1]), *best[i + 2]["C"]]  # type: ignore[operator]
        return None
    if code_set == "A" and token > "_":
        return None
    return [ord(token) - 32, *best[i + 1][code_set]]


def _digit(token: str | None) -> bool:
    return token is not None and "0" <= token <= "9"


def symbol_width(values: tuple[int, ...]) -> int:
    """Width in modules of a symbol, quiet zones excluded."""
    return _CHAR_MODULES * (len(values) - 1) + _STOP_MODULES
