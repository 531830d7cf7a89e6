"""GS1's Barcode Syntax Dictionary: what every Application Identifier (AI) may hold.

The dictionary (``gs1-syntax-dictionary.txt`` beside this module, vendored whole from
gs1/gs1-syntax-dictionary; README.md names the commit) describes each AI by its components
(``N13,csum`` is 13 digits ending in a check digit; ``[X..17]`` up to 17 optional characters of
set 82), the AIs it needs or excludes (``req=``, ``ex=``), whether it may be a Digital Link
data attribute (flag ``?``) and, for a primary key, the key qualifiers the path may carry in
order (``dlpkey=22,10,21|235``). This module reads it once and checks values by it.

The dictionary's linters are written here in Python from their descriptions; the lists they
check against (ISO 3166 and ISO 4217 numeric codes, package types) are in ``code-lists.txt``.
Not checked: ``couponcode`` and ``couponposoffer`` (North American coupon AIs 8110/8112, whose
rules are a format of their own) and the GS1 company prefix lookup behind ``gcppos1``/``gcppos2``
(only its shape, at least four leading digits, is checked, as GS1's engine does offline).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from .charset import CSET82
from .errors import GS1Error, is_ascii_digits, quoted
from .identifiers import check_digit

_HERE = Path(__file__).parent

# A linter takes a component's text: None if it passes, else what it should be.
Linter = Callable[[str], str | None]

CSET39 = frozenset("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CSET64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_CSET82_ORDER = (
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_PRIMES = [p for p in range(2, 510) if all(p % d for d in range(2, int(p**0.5) + 1))]


@dataclass(frozen=True)
class Component:
    """One part of an AI's data field, e.g. ``N6,yymmd0`` or the optional ``[X..17]``."""

    charset: str  # N digits, X set 82, Y set 39, Z base64url
    least: int
    most: int
    optional: bool
    linters: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """What the dictionary says about one AI.

    Attributes:
        ai: The AI, e.g. ``"17"``.
        title: Its short title, e.g. ``"USE BY or EXPIRY"``.
        attribute: Whether a Digital Link may carry it in the query string (flag ``?``).
        fixed: Whether its length is predefined (flag ``*``: no FNC1 after it).
        components: Its data field, part by part.
        requires: Each ``req=`` attribute: alternatives, each a tuple of AI patterns
            (``n`` stands for any digit) that must all be present.
        excludes: AI patterns it may not appear with.
        qualifiers: For a Digital Link primary key, the alternative orders of its key
            qualifiers (``((22, 10, 21), (235,))`` for 01); None if it is no primary key.
    """

    ai: str
    title: str
    attribute: bool
    fixed: bool
    components: tuple[Component, ...]
    requires: tuple[tuple[tuple[str, ...], ...], ...]
    excludes: tuple[str, ...]
    qualifiers: tuple[tuple[str, ...], ...] | None


def _component(text: str) -> Component:
    kind, *linters = text.split(",")
    optional = kind.startswith("[")
    kind = kind.strip("[]")
    match = re.fullmatch(r"([NXYZ])(\.\.)?(\d+)", kind)
    if match is None:
        raise ValueError(f"syntax dictionary: component {text!r} not understood")
    most = int(match.group(3))
    return Component(match.group(1), 1 if match.group(2) else most, most, optional, tuple(linters))


def _entries(line: str) -> list[Entry]:
    body, _, title = line.partition("#")
    words = body.split()
    ais, words = words[0], words[1:]
    flags = ""
    if words and words[0][0] not in "NXYZ[":
        flags, words = words[0], words[1:]
    components, requires, excludes = [], [], []
    qualifiers: tuple[tuple[str, ...], ...] | None = None
    for word in words:
        if word[0] in "NXYZ[":
            components.append(_component(word))
        elif word.startswith("req="):
            requires.append(tuple(tuple(alt.split("+")) for alt in word[4:].split(",")))
        elif word.startswith("ex="):
            excludes.extend(word[3:].split(","))
        elif word == "dlpkey":
            qualifiers = ((),)
        elif word.startswith("dlpkey="):
            qualifiers = tuple(tuple(seq.split(",")) for seq in word[7:].split("|"))
    first, _, last = ais.partition("-")
    numbers = range(int(first), int(last or first) + 1)
    return [
        Entry(
            str(number).zfill(len(first)),
            title.strip(),
            "?" in flags,
            "*" in flags,
            tuple(components),
            tuple(requires),
            tuple(excludes),
            qualifiers,
        )
        for number in numbers
    ]


@cache
def dictionary() -> dict[str, Entry]:
    """Every AI of the vendored syntax dictionary, by AI."""
    found: dict[str, Entry] = {}
    text = (_HERE / "gs1-syntax-dictionary.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            for entry in _entries(line):
                found[entry.ai] = entry
    return found


@cache
def _code_lists() -> dict[str, frozenset[str]]:
    lists = {}
    for line in (_HERE / "code-lists.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, *codes = line.split()
            lists[name] = frozenset(codes)
    return lists


def entry(ai: str) -> Entry | None:
    """The dictionary's entry for ``ai``, or None if it is no GS1 AI."""
    return dictionary().get(ai)


@cache
def primary_keys() -> frozenset[str]:
    """The AIs a Digital Link path may start with (``dlpkey``)."""
    return frozenset(ai for ai, e in dictionary().items() if e.qualifiers is not None)


def fits(sequence: list[str], order: tuple[str, ...]) -> bool:
    """Is ``sequence`` a part of ``order``, in its order (``[10, 21]`` of ``(22, 10, 21)``)?"""
    positions = [order.index(ai) if ai in order else -1 for ai in sequence]
    return (
        -1 not in positions
        and positions == sorted(positions)
        and len(set(positions)) == len(positions)
    )


def valid_path_sequence(ais: list[str]) -> bool:
    """Is ``ais`` a primary key then key qualifiers in an order its ``dlpkey`` allows?

    References:
        GS1 Barcode Syntax Dictionary, attribute ``dlpkey``; GS1 Digital Link Standard: URI
        Syntax, section 4 (key qualifiers).
    """
    found = entry(ais[0]) if ais else None
    if found is None or found.qualifiers is None:
        return False
    return any(fits(ais[1:], order) for order in found.qualifiers)


# --- linters --------------------------------------------------------------------------------
# Each takes one component's text and returns None, or what is wrong (to follow "should").


def _date(text: str, zero_day: bool, century: bool = False) -> str | None:
    digits = 8 if century else 6
    if len(text) != digits or not is_ascii_digits(text):
        return f"be a date {'YYYYMMDD' if century else 'YYMMDD'}"
    year = int(text[:4]) if century else 2000 + int(text[:2])
    month, day = int(text[-4:-2]), int(text[-2:])
    if not 1 <= month <= 12:
        return f"be a date {'YYYYMMDD' if century else 'YYMMDD'}, month 01-12, found {month:02d}"
    if day == 0 and zero_day:
        return None
    try:
        date(year, month, day)
    except ValueError:
        return f"be a date {'YYYYMMDD' if century else 'YYMMDD'}, found day {day:02d}"
    return None


def _below(limit: int, what: str) -> Linter:
    return lambda t: None if len(t) == 2 and is_ascii_digits(t) and int(t) < limit else f"be {what}"


def _csum(text: str) -> str | None:
    expected = check_digit(text[:-1]) if len(text) > 1 else None
    return None if text[-1] == expected else f"end in the check digit {expected}"


def _csumalpha(text: str) -> str | None:
    if len(text) < 2 or len(text) > len(_PRIMES) + 2:
        return "end in a check character pair"
    body = text[:-2]
    total = sum(
        _CSET82_ORDER.index(char) * _PRIMES[len(body) - 1 - pos] for pos, char in enumerate(body)
    )
    pair = _CSET32[(total % 1021) >> 5] + _CSET32[(total % 1021) & 31]
    return None if text[-2:] == pair else f"end in the check character pair {pair}"


def _pieceoftotal(text: str) -> str | None:
    half = len(text) // 2
    piece, total = int(text[:half] or 0), int(text[half:] or 0)
    if len(text) % 2 or not piece or not total or piece > total:
        return "be a piece number then a total, neither zero, the piece not above the total"
    return None


def _posinseqslash(text: str) -> str | None:
    match = re.fullmatch(r"([1-9]\d*)/([1-9]\d*)", text)
    if match is None or not 0 < int(match.group(1)) <= int(match.group(2)):
        return "be a position, a slash and a total, e.g. 1/3"
    return None


def _pcenc(text: str) -> str | None:
    bad = re.search(r"%(?![0-9A-Fa-f]{2})", text)
    return None if bad is None else "have two hexadecimal digits after each %"


def _listed(name: str, what: str) -> Linter:
    return lambda t: None if t in _code_lists()[name] else f"be {what}"


def _iban(text: str) -> str | None:
    """ISO 13616: a country, two check digits, then letters and digits; mod 97 of it is 1."""
    ok = re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", text) is not None
    ok = ok and text[:2] in _code_lists()["iso3166alpha2"]
    if ok:
        digits = "".join(str(int(char, 36)) for char in text[4:] + text[:4])
        ok = int(digits) % 97 == 1
    return None if ok else "be an IBAN"


DATE_LINTERS = frozenset({"yymmd0", "yymmdd", "yyyymmd0", "yyyymmdd"})
_LINTERS: dict[str, Linter] = {
    "csum": _csum,
    "csumalpha": _csumalpha,
    "yymmd0": lambda t: _date(t, zero_day=True),
    "yymmdd": lambda t: _date(t, zero_day=False),
    "yyyymmd0": lambda t: _date(t, zero_day=True, century=True),
    "yyyymmdd": lambda t: _date(t, zero_day=False, century=True),
    "hhmi": lambda t: None
    if len(t) == 4 and int(t[:2]) < 24 and int(t[2:]) < 60
    else "be a time HHMM",
    "hh": _below(24, "an hour 00-23"),
    "mi": _below(60, "minutes 00-59"),
    "ss": _below(60, "seconds 00-59"),
    "yesno": lambda t: None if t in ("0", "1") else "be 0 (no) or 1 (yes)",
    "zero": lambda t: None if t and set(t) == {"0"} else "be 0",
    "nonzero": lambda t: None if is_ascii_digits(t) and t.strip("0") else "not be zero",
    "winding": lambda t: None if t in ("0", "1", "9") else "be 0, 1 or 9 (winding direction)",
    "hyphen": lambda t: None if t and set(t) <= {"-"} else "be a hyphen",
    "iso5218": lambda t: None if t in ("0", "1", "2", "9") else "be 0, 1, 2 or 9 (ISO 5218)",
    "mediatype": lambda t: None
    if is_ascii_digits(t) and (1 <= int(t) <= 10 or 80 <= int(t) <= 99)
    else "be a media type 01-10 or 80-99",
    "latitude": lambda t: None if len(t) == 10 and int(t) <= 1_800_000_000 else "be 10 digits, at most 1800000000",
    "longitude": lambda t: None if len(t) == 10 and int(t) <= 3_600_000_000 else "be 10 digits, at most 3600000000",
    "nozeroprefix": lambda t: None if is_ascii_digits(t) and not t.startswith("0") else "not start with 0",
    "hasnondigit": lambda t: None if not is_ascii_digits(t) else "have a character other than 0-9",
    "gcppos1": lambda t: None if is_ascii_digits(t[:4]) and len(t) >= 4 else "start with a GS1 company prefix",
    "gcppos2": lambda t: None if is_ascii_digits(t[1:5]) and len(t) >= 5 else "hold a GS1 company prefix after its first digit",
    "importeridx": lambda t: None
    if len(t) == 1 and ((t.isalnum() and t.isascii()) or t in "-_")
    else "be one of - _ 0-9 A-Z a-z",
    "pieceoftotal": _pieceoftotal,
    "posinseqslash": _posinseqslash,
    "pcenc": _pcenc,
    "iso3166": _listed("iso3166", "an ISO 3166 numeric country code"),
    "iso3166999": lambda t: None if t == "999" else _listed("iso3166", "an ISO 3166 numeric country code or 999")(t),
    "iso3166alpha2": _listed("iso3166alpha2", "an ISO 3166 two-letter country code"),
    "iso4217": _listed("iso4217", "an ISO 4217 numeric currency code"),
    "packagetype": _listed("packagetype", "a package type code (UN/ECE Recommendation 21)"),
    "iban": _iban,
    "couponcode": lambda t: None,  # not checked: see the module's docstring
    "couponposoffer": lambda t: None,
}  # fmt: skip


def _cset(allowed: frozenset[str], what: str) -> Linter:
    return lambda t: None if set(t) <= allowed else f"have only characters of {what}"


def _cset64(text: str) -> str | None:
    body = text.rstrip("=")
    padding = len(text) - len(body)
    if set(body) <= CSET64 and (not padding or (body and len(body) % 3 + padding == 3)):
        return None
    return "be base64url, with at most two = at the end"


_LINTERS |= {
    "csetnumeric": _cset(frozenset("0123456789"), "digits 0-9"),
    "cset82": _cset(CSET82, "GS1 character set 82"),
    "cset39": _cset(CSET39, "GS1 character set 39"),
    "cset64": _cset64,
}


def lint(name: str, text: str) -> str | None:
    """Apply one of the dictionary's linters: None if ``text`` passes, else what it should
    be (to follow "should"), e.g. ``lint("yesno", "2")`` is ``"be 0 (no) or 1 (yes)"``.

    References:
        GS1 Barcode Syntax Tests (the linters named in the dictionary's components).
    """
    try:
        return _LINTERS[name](text)
    except (ValueError, IndexError):
        return "be well formed"


_CHARSETS = {
    "N": (frozenset("0123456789"), "digits 0-9 only"),
    "X": (CSET82, "GS1 character set 82"),
    "Y": (CSET39, "GS1 character set 39"),
    "Z": (CSET64 | {"="}, "base64url"),
}


def check(ai: str, value: str) -> str:
    """Check an AI's value against its entry in the dictionary: components, characters,
    lengths and linters (check digits, dates, codes).

    Args:
        ai: The AI, e.g. ``"17"``.
        value: Its value, decoded, e.g. ``"260731"``.

    Returns:
        ``value`` unchanged.

    Raises:
        GS1Error: ``AI 17 "261340": should be a date YYMMDD, month 01-12, found 13``, or
            ``AI 89: is not a GS1 Application Identifier`` and the like.

    References:
        GS1 Barcode Syntax Dictionary (format of entries, components and linters).
    """
    found = entry(ai)
    if found is None:
        raise GS1Error(
            f"AI {ai}: is not a GS1 Application Identifier", kind="gs1.unknown_ai", found=ai
        )
    if not value:
        raise _refused(ai, value, "should have a value, found none")
    rest = value
    for component in found.components:
        if not rest and component.optional:
            break
        part = rest[: component.most]
        if len(part) < component.least:
            raise _refused(
                ai, value, f"should have at least {_least(found)} characters, found {len(value)}"
            )
        rest = rest[len(part) :]
        allowed, charset = _CHARSETS[component.charset]
        for char in part:
            if char not in allowed:
                raise _refused(ai, value, f"character {quoted(char)} is not allowed ({charset})")
        if component.charset == "Z" and lint("cset64", part):
            raise _refused(ai, value, f"should {lint('cset64', part)}")
        for linter in component.linters:
            problem = lint(linter, part)
            if problem is not None:
                raise _refused(ai, value, f"should {problem}", dated=linter in DATE_LINTERS)
    if rest:
        most = sum(component.most for component in found.components)
        raise _refused(ai, value, f"should have at most {most} characters, found {len(value)}")
    return value


def _refused(ai: str, value: str, reason: str, dated: bool = False) -> GS1Error:
    """An AI's value the dictionary refuses (`gs1.date` for a date that is none)."""
    return GS1Error(
        f"AI {ai} {quoted(value)}: {reason}",
        kind="gs1.date" if dated else "gs1.value",
        found=ai,
        value=value,
        reason=reason,
    )


def _least(found: Entry) -> int:
    return sum(component.least for component in found.components if not component.optional)


def _matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and all(p in ("n", a) for p, a in zip(pattern, ai, strict=True))


def check_associations(ais: list[str]) -> None:
    """Check that AIs given together need and exclude what the dictionary says (``req=``,
    ``ex=``).

    Raises:
        GS1Error: ``AI 10: needs 01, 02, 03, 8006 or 8026 with it`` or ``AI 21: may not be
            used with 235``.
    """
    for ai in ais:
        found = entry(ai)
        if found is None:
            continue
        for pattern in found.excludes:
            for other in ais:
                if other != ai and _matches(pattern, other):
                    raise GS1Error(
                        f"AI {ai}: may not be used with {other}",
                        kind="gs1.excludes",
                        found=ai,
                        other=other,
                    )
        for alternatives in found.requires:
            if not any(
                all(any(_matches(p, other) for other in ais) for p in alt) for alt in alternatives
            ):
                needed = " or ".join("+".join(alt) for alt in alternatives)
                raise GS1Error(
                    f"AI {ai}: needs {needed} with it", kind="gs1.needs", found=ai, expected=needed
                )
