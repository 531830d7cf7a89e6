"""Which GS1-128 (or Code 128) symbols a label prints: element strings split into symbols.

PURE (the standard library, `trace.labels.code128` and the label content only). Why the
split lives here and not in a renderer: PDF and ZPL must carry the same symbols, and which
element strings share a symbol is a fact about the label (what a scanner reads), not about
one renderer. `linear_symbols` takes the label's width in modules of the X-dimension to be
printed (the layout knows it: size and dpi) and never makes a symbol narrower than GS1's
minimum.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from functools import lru_cache

from . import code128
from .content import CartonLabel, Label, PalletLabel

QUIET_ZONE_MODULES = 10  # each side; GS1 General Specifications §5.4.4.2
MAX_DATA_CHARACTERS = 48  # per symbol, AIs and FNC1 separators included; §5.4.4.3

# GS1-128 on cartons and logistic units scanned in general distribution: X-dimension at
# least 0.495 mm and bars at least 31.75 mm high (GS1 General Specifications §5.12.3,
# symbol specification tables for trade items in general distribution and for logistic
# units). Renderers round both UP to whole printer dots: 4 dots at 203 dpi, 6 at 300.
X_MIN_MM = 0.495
X_MAX_MM = 1.016  # the same tables' maximum; the bar height stays 31.75 mm at any X
BAR_HEIGHT_MIN_MM = 31.75

# The narrowest label that carries linear symbols is 100 mm; at 300 dpi (and 600) its
# 0.495 mm modules are 6 (12) dots, so 196 modules wide, quiet zones included.
NARROWEST_MODULES = 196

# Which element strings a label keeps in its linear symbols when not all of them fit
# (the QR's Digital Link and the text always carry all of them): the item first, then
# its traceability lot, then the pack date, then the serial.
_PRIORITY = {"": 8, "00": 16, "01": 8, "02": 8, "37": 4, "10": 4, "13": 2, "21": 1}
_NEEDS = {"02": "37", "37": "02"}  # AI 02 goes with AI 37 (GS1 mandatory AI associations)

# AIs whose value has a fixed length: no FNC1 after them (§7.8.5.1, figure 7.8.5-2).
_FIXED_LENGTH_AIS = frozenset({"00", "01", "02", "13"})


@dataclass(frozen=True)
class Barcode:
    """One linear symbol: GS1-128 or, for products without a GTIN, plain Code 128.

    Attributes:
        gs1: True for GS1-128 (FNC1 after the start character).
        elements: ``(ai, value)`` pairs in symbol order; for plain Code 128 a single
            pair with an empty AI.
        data: The encoded message: AIs and values, ``GS`` (``"\\x1d"``) after a
            variable-length value that is not last. A scanner transmits it after
            the symbology identifier ``]C1`` (GS1-128) or ``]C0``.
        hri: The human readable interpretation printed under the bars, e.g.
            ``"(01)08931234567897(13)260615"``.

    References:
        GS1 General Specifications, sections 5.4 (GS1-128), 4.15 (HRI) and 7.8.5
        (concatenation, FNC1 separators).
    """

    gs1: bool
    elements: tuple[tuple[str, str], ...]
    data: str
    hri: str

    @property
    def values(self) -> tuple[int, ...]:
        """The Code 128 symbol values (start, data, check, stop)."""
        return code128.encode(self.data, gs1=self.gs1)


def linear_symbols(label: Label, modules: int, max_symbols: int) -> tuple[Barcode, ...]:
    """The GS1-128 (or Code 128) symbols a label prints, in order, top to bottom.

    Args:
        label: A carton or pallet label (a sticker has none).
        modules: How many modules of the X-dimension to be printed the label is
            wide, quiet zones included (e.g. 199 for 100 mm at 203 dpi, 4 dots a
            module; `widest_symbols` tries wider modules first).
        max_symbols: How many symbols of GS1's minimum bar height the label has
            room for (a pallet's SSCC symbol included).

    Returns:
        A carton's symbols; a pallet's content symbol(s), then its SSCC symbol,
        which is printed lowest.
    """
    if isinstance(label, PalletLabel):
        sscc = _barcode([("00", label.sscc)])
        content = _fit(label.elements, modules, max_symbols - 1) if label.elements else ()
        return (*content, sscc)
    if isinstance(label, CartonLabel):
        return _fit(label.elements, modules, max_symbols)
    return ()


def _fit(
    elements: tuple[tuple[str, str], ...], modules: int, max_symbols: int
) -> tuple[Barcode, ...]:
    """`fit_symbols`, asked about values of the same Code 128 shape (`_shape`): every carton
    of a lot then shares one answer (its serial differs, not the serial's shape)."""
    shaped = tuple((ai, _shape(value)) for ai, value in elements)
    real = dict(elements)
    return tuple(
        _barcode([(ai, real[ai]) for ai, _ in symbol.elements])
        for symbol in fit_symbols(shaped, modules, max_symbols)
    )


def _shape(value: str) -> str:
    """A value whose shortest Code 128 encoding is as long as ``value``'s: digits pair up in
    code set C, characters up to ``_`` go in set A or B, those past it only in B."""
    return "".join("0" if "0" <= c <= "9" else "A" if c <= "_" else "a" for c in value)


def widest_symbols(
    label: Label, width: int, x_range: tuple[int, int], max_symbols: int
) -> tuple[Barcode, ...]:
    """The symbols a label prints: at the widest X-dimension that keeps the item and lot.

    What fits at GS1's minimum X decides which of the item (GTIN, SSCC), its lot and
    its count are printed; the widest X in ``x_range`` that still carries all of them
    is used, and the pack date and serial only where they fit at that X. A camera
    35 cm away reads 0.5 mm modules in 93-95 % of single frames and 0.625 mm ones in
    over 99 % (docs/labels.md, "Print and scan").

    Args:
        label: A carton or pallet label.
        width: The label's width in printer dots.
        x_range: ``(smallest, widest)`` X-dimension in dots (GS1's 0.495 mm and
            1.016 mm, rounded inwards to whole dots).
        max_symbols: As for `linear_symbols`.
    """
    smallest, widest = x_range
    least = linear_symbols(label, width // smallest, max_symbols)
    printed = _ais(least)
    keep = printed & {ai for ai, weight in _PRIORITY.items() if weight >= _PRIORITY["10"]}
    if not isinstance(label, (CartonLabel, PalletLabel)):
        return least
    # What does not fit at the smallest X fits at no wider one: leave it out of the search
    # (a lot's cartons then share it: fit_symbols is cached), and skip any X at which a
    # kept element string alone does not fit.
    fewer = replace(label, elements=tuple(e for e in label.elements if e[0] in printed))
    need = max((_fewest_modules([e]) for e in fewer.elements if e[0] in keep), default=1)
    for x in range(min(widest, width // need), smallest, -1):
        chosen = linear_symbols(fewer, width // x, max_symbols)
        if keep <= _ais(chosen):
            return chosen
    return least


def _ais(chosen: tuple[Barcode, ...]) -> set[str]:
    return {ai for symbol in chosen for ai, _ in symbol.elements}


@lru_cache(maxsize=64)  # a lot's labels differ by serial only: keep memory flat
def fit_symbols(
    elements: tuple[tuple[str, str], ...], modules: int, max_symbols: int
) -> tuple[Barcode, ...]:
    """Put element strings into at most ``max_symbols`` symbols ``modules`` wide.

    Every subset of the elements (in their order) and every way of cutting it into
    consecutive symbols is tried; a symbol must fit ``modules`` with its quiet zones
    and hold at most 48 data characters. The choice keeps the most important
    elements (GTIN or SSCC, then lot and count, then pack date, then serial), then
    the fewest symbols, then the most room to spare. What is left out stays in the
    QR code's Digital Link and in the text: an element string never goes into a
    symbol narrower than GS1 allows.

    Args:
        elements: ``(ai, value)`` pairs, values already validated; an empty AI
            means plain Code 128 (a product without a GTIN).
        modules: The label's width in modules, quiet zones included.
        max_symbols: At most this many symbols.

    Returns:
        The symbols, in order; empty when nothing fits.

    References:
        GS1 General Specifications, sections 5.4.4.2 (quiet zones of 10X),
        5.4.4.3 (at most 48 data characters), 7.8.5 (concatenation); GS1 Logistic
        Label Guideline (several GS1-128 symbols on one label).
    """
    best: tuple[tuple[int, int, int], tuple[Barcode, ...]] | None = None
    subsets = []
    for mask in range(1, 1 << len(elements)):
        chosen = [element for index, element in enumerate(elements) if mask >> index & 1]
        ais = {ai for ai, _ in chosen}
        if all(_NEEDS.get(ai, ai) in ais for ai in ais):
            subsets.append((sum(_PRIORITY.get(ai, 0) for ai in ais), chosen))
    subsets.sort(key=lambda subset: -subset[0])  # most important first: stop at the first fit
    for weight, chosen in subsets:
        if best is not None and weight < best[0][0]:
            break
        for parts in range(1, min(max_symbols, len(chosen)) + 1):
            for cuts in itertools.combinations(range(1, len(chosen)), parts - 1):
                bounds = (0, *cuts, len(chosen))
                groups = [chosen[a:b] for a, b in itertools.pairwise(bounds)]
                if any(_fewest_modules(group) > modules for group in groups):
                    continue  # cannot fit however it is encoded: skip the encoding
                group = tuple(_barcode(part) for part in groups)
                widest = max(_modules(symbol) for symbol in group)
                if widest > modules or any(
                    len(symbol.data) > MAX_DATA_CHARACTERS for symbol in group
                ):
                    continue
                score = (weight, -parts, modules - widest)
                if best is None or score > best[0]:
                    best = (score, group)
    return () if best is None else best[1]


def _barcode(elements: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Barcode:
    """One GS1-128 symbol: FNC1 (``GS``) after each variable-length value but the last.

    A single element with an empty AI is a plain Code 128 of its value.
    """
    if len(elements) == 1 and elements[0][0] == "":
        value = elements[0][1]
        return Barcode(False, tuple(elements), value, value)
    data = ""
    for index, (ai, value) in enumerate(elements):
        data += ai + value
        if ai not in _FIXED_LENGTH_AIS and index < len(elements) - 1:
            data += code128.GS
    hri = "".join(f"({ai}){value}" for ai, value in elements)
    return Barcode(True, tuple(elements), data, hri)


def _fewest_modules(elements: list[tuple[str, str]]) -> int:
    """A lower bound of a symbol's width with quiet zones: two characters a symbol
    character at best (code set C), plus start, FNC1, check and stop characters."""
    length = sum(len(ai) + len(value) for ai, value in elements)
    return 11 * (3 + (length + 1) // 2) + 13 + 2 * QUIET_ZONE_MODULES


def _modules(symbol: Barcode) -> int:
    """The symbol's width in modules with its two quiet zones."""
    return code128.symbol_width(symbol.values) + 2 * QUIET_ZONE_MODULES
