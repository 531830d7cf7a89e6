"""Where things go on a label, in printer dots: one layout for PDF and PNG.

Every coordinate is a whole number of dots at the target resolution, measured from
the label's top-left corner, so symbols land on the printer's dot grid. A layout is
a list of drawing operations split in two: `Layout.shared` (the same on every carton
of a lot: names, fields, frame, the (01)(13) symbol) and `Layout.own` (what changes
per carton: QR, serial, the (21) symbol). The PDF renderer draws the shared part
once per lot as a form XObject and reuses it, which keeps PDFs small and fast.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from . import symbols
from .content import CartonLabel, Field, Label, PalletLabel, StickerLabel, market_script
from .fonts import font_for, font_runs
from .linear import QUIET_ZONE_MODULES, X_MAX_MM, X_MIN_MM, Barcode, widest_symbols
from .sizes import LARGE_WIDTH_MM, SIZES_MM, large, require_fit

BAR_HEIGHT_MM = 32.0  # above GS1's 31.75 mm minimum, rounded up to whole dots
MAX_SYMBOLS = {"carton": 2, "pallet": 2}  # what 150 mm hold at 32 mm bars beside the text
DATA_TITLE_MM = 3.0  # GS1 Logistic Label Guideline: data titles at least 3 mm
DATA_CONTENT_MM = 7.0  # ... and data content at least 7 mm where it says SHOULD

# Drawing operations, in dots from the label's top-left corner:
#   ("text", x, baseline_y, font, size_pt, text)
#   ("rect", x, y, width, height)                       a rule
#   ("qr", x, y, module, data, ec)                      x, y: the symbol, quiet zone excluded
#   ("bars", x, y, module, bar_height, data, gs1)       Code 128 / GS1-128, quiet zones excluded
Op = tuple[Any, ...]


@dataclass
class Layout:
    """A label's drawing operations, in dots from its top-left corner."""

    width: int
    height: int
    dpi: int
    shared: list[Op] = field(default_factory=list)
    own: list[Op] = field(default_factory=list)


def dots(mm: float, dpi: int) -> int:
    """Millimetres to whole printer dots (rounded)."""
    return round(mm * dpi / 25.4)


def dots_at_least(mm: float, dpi: int) -> int:
    """The fewest whole printer dots that measure at least ``mm``."""
    return math.ceil(mm * dpi / 25.4 - 1e-9)


def x_dimension(dpi: int) -> int:
    """GS1-128 module width in dots: GS1's 0.495 mm minimum rounded up (4 at 203 dpi)."""
    return dots_at_least(X_MIN_MM, dpi)


def widest_x(symbol_modules: int, width: int, dpi: int) -> int:
    """The widest whole-dot X-dimension at which a symbol fits ``width`` dots.

    Args:
        symbol_modules: The symbol's width in modules, quiet zones excluded.
        width: The label's width in dots.
        dpi: The printer's resolution.

    Returns:
        At least `x_dimension` (GS1's minimum), at most GS1's 1.016 mm maximum, and
        no wider than leaves 10X quiet zones inside the label. A camera 35 cm away
        sees a 0.5 mm module as 1.9 pixels and misses 5-9 % of single frames; at
        0.625 mm (2.4 pixels) under 1 % (docs/labels.md, "Print and scan").
    """
    fits = width // (symbol_modules + 2 * QUIET_ZONE_MODULES)
    return max(x_dimension(dpi), min(fits, _x_max(dpi)))


def label_symbols(label: Label, width: int, dpi: int) -> tuple[Barcode, ...]:
    """The linear symbols a carton or pallet label ``width`` dots wide prints at ``dpi``."""
    kind = "pallet" if isinstance(label, PalletLabel) else "carton"
    x_range = (x_dimension(dpi), _x_max(dpi))
    return widest_symbols(label, width, x_range, MAX_SYMBOLS[kind])


def _x_max(dpi: int) -> int:
    return int(X_MAX_MM * dpi / 25.4)


def layout(label: Label, size: str, dpi: int) -> Layout:
    """Place ``label`` on a label of ``size`` at ``dpi``.

    Raises:
        ValueError: If the size is unknown or too small for the kind (a pallet's
            GS1 logistic label needs 100x150mm or 4x6in).
    """
    require_fit(getattr(label, "kind", ""), size)
    width_mm, height_mm = SIZES_MM[size]
    box = _Box(
        Layout(dots(width_mm, dpi), dots(height_mm, dpi), dpi),
        market_script(getattr(label, "market", "")),
    )
    if isinstance(label, StickerLabel):
        _sticker(box, label)
    elif isinstance(label, CartonLabel):
        (_carton if large(size) else _carton_compact)(box, label)
    elif isinstance(label, PalletLabel):
        _pallet(box, label)
    else:
        raise TypeError(f"not a label: {type(label).__name__}")
    return box.out


class _Box:
    """A cursor over a `Layout`: text lines and symbols in dots."""

    def __init__(self, out: Layout, prefer: str | None = None) -> None:
        self.out = out
        self.prefer = prefer  # the CJK font tried first: the market's language
        self.dpi = out.dpi
        self.pt = out.dpi / 72  # dots per point

    def mm(self, value: float) -> int:
        return dots(value, self.dpi)

    def text(
        self,
        x: int,
        top: int,
        text: str,
        size: float,
        width: int,
        *,
        bold: bool = False,
        own: bool = False,
        center: bool = False,
    ) -> int:
        """Draw one line of ``text`` whose top is at ``top``; shrink it to ``width``.

        Returns the y just below the line.
        """
        placed, above, below = _set_line(text, size, width, bold, self.prefer, self.pt, center)
        baseline = top + above
        for offset, name, fitted, part in placed:
            (self.out.own if own else self.out.shared).append(
                ("text", x + offset, baseline, name, fitted, part)
            )
        return baseline + below

    def wrapped(self, x: int, top: int, text: str, size: float, width: int) -> int:
        """Draw ``text`` over as many lines as it needs at ``size``."""
        name = font_for(text)
        line = ""
        for word in text.split():
            attempt = f"{line} {word}".strip()
            if line and stringWidth(attempt, name, size) * self.pt > width:
                top = self.text(x, top, line, size, width)
                line = word
            else:
                line = attempt
        return self.text(x, top, line, size, width) if line else top

    def rule(self, top: int, thickness: int = 2) -> None:
        margin = self.mm(2)
        self.out.shared.append(("rect", margin, top, self.out.width - 2 * margin, thickness))

    def qr(
        self,
        x: int,
        top: int,
        data: str,
        side: int,
        *,
        own: bool = True,
        ec: str = symbols.QR_ERROR_CORRECTION,
    ) -> int:
        """Draw a QR code with its quiet zone inside a ``side`` x ``side`` square.

        Modules are whole dots (at least 2). Returns the square's actual side.
        """
        modules = symbols.qr_room(data, ec) + 2 * symbols.QR_QUIET_ZONE
        module = max(2, side // modules)
        offset = symbols.QR_QUIET_ZONE * module
        (self.out.own if own else self.out.shared).append(
            ("qr", x + offset, top + offset, module, data, ec)
        )
        return modules * module

    def line_height(self, size: float, bold: bool = False, text: str = "") -> int:
        """Dots one line of ``box.text`` takes at ``size``."""
        ascent, descent = getAscentDescent(font_for(text, bold), size)
        return math.ceil(ascent * self.pt) + math.ceil(-descent * self.pt) + 1

    def barcode(self, top: int, symbol: Barcode, *, own: bool) -> int:
        """Draw a GS1-128 / Code 128 symbol centred at GS1's sizes, its HRI under it.

        The X-dimension is the widest whole number of dots the label's width allows
        with 10X quiet zones (`widest_x`), at least GS1's 0.495 mm; the bars 32 mm;
        `linear.linear_symbols` chose symbols that fit at the minimum X.
        Returns the y below the HRI.
        """
        width, _ = symbols.bars(symbol.data, symbol.gs1)
        x_dim = widest_x(width, self.out.width, self.dpi)
        if (width + 2 * QUIET_ZONE_MODULES) * x_dim > self.out.width:
            raise ValueError(f"symbol {symbol.hri}: too wide for the label at X >= {X_MIN_MM} mm")
        bar_height = dots_at_least(BAR_HEIGHT_MM, self.dpi)
        left = (self.out.width - width * x_dim) // 2
        (self.out.own if own else self.out.shared).append(
            ("bars", left, top, x_dim, bar_height, symbol.data, symbol.gs1)
        )
        return self.text(
            left,
            top + bar_height + self.mm(0.5),
            symbol.hri,
            8,
            width * x_dim,
            own=own,
            center=True,
        )

    def symbol_band(self, label: Label, serial: str | None) -> int:
        """Draw the label's linear symbols at the bottom; return the band's top."""
        if self.out.width < dots(LARGE_WIDTH_MM, self.dpi):
            return self.out.height
        chosen = label_symbols(label, self.out.width, self.dpi)
        gap = self.mm(1.5)
        each = dots_at_least(BAR_HEIGHT_MM, self.dpi) + self.mm(0.5) + self.line_height(8) + gap
        top = self.out.height - self.mm(2) - len(chosen) * each
        y = top
        for symbol in chosen:
            own = serial is not None and any(ai == "21" for ai, _ in symbol.elements)
            self.barcode(y + gap, symbol, own=own)
            y += each
        return top


@lru_cache(maxsize=4096)  # names, fields and HRI repeat on every carton of a lot
def _set_line(
    text: str, size: float, width: int, bold: bool, prefer: str | None, pt: float, center: bool
) -> tuple[tuple[tuple[float, str, float, str], ...], int, int]:
    """``text`` set on one line at most ``width`` dots wide (shrunk to fit): each font run's
    ``(offset from the left, font, size, text)``, and the dots above and below the baseline."""
    runs = font_runs(text, bold, prefer)
    measured = sum(stringWidth(part, name, size) for name, part in runs) * pt
    if measured > width:
        size = size * width / measured
        measured = width
    ascent = max(getAscentDescent(name, size)[0] for name, _ in runs)
    descent = min(getAscentDescent(name, size)[1] for name, _ in runs)
    left = (width - measured) / 2 if center else 0
    placed = []
    for name, part in runs:
        placed.append((left, name, size, part))
        left += stringWidth(part, name, size) * pt
    return tuple(placed), math.ceil(ascent * pt), math.ceil(-descent * pt) + 1


def _carton(box: _Box, label: CartonLabel) -> None:
    """100x150 mm / 4x6 in: names; QR beside the fields; origin; GS1-128 at the bottom."""
    out, margin = box.out, box.mm(3)
    inner = out.width - 2 * margin
    band = box.symbol_band(label, label.serial)
    y = box.text(margin, margin, label.names[0], 15, inner, bold=True)
    for name in label.names[1:]:
        y = box.text(margin, y + box.mm(0.3), name, 13, inner)
    y = box.text(margin, y + box.mm(0.3), f"Variety: {label.variety}", 9, inner)
    box.rule(y + box.mm(1))
    top = y + box.mm(2)
    # What goes under the QR, measured first: the origin, the market's stamps.
    below = _measure(box, lambda b, at: _origin(b, label, at, inner))
    side = min(box.mm(38), band - top - below - box.mm(2))
    side = box.qr(margin - box.mm(1), top, label.qr, side, ec=symbols.QR_CARTON_ERROR_CORRECTION)
    x = margin - box.mm(1) + side + box.mm(1)
    y_fields = top + box.mm(1)
    for item in label.fields:
        own = item.title == "Serial"
        y_fields = box.text(
            x,
            y_fields + box.mm(0.5),
            f"{item.title}: {item.value}",
            9.5,
            out.width - x - margin,
            own=own,
            bold=own,
        )
    y = max(top + side, y_fields) + box.mm(0.5)
    y = _origin(box, label, y, inner)
    if band < out.height - box.mm(2):
        box.rule(band)


def _origin(box: _Box, label: CartonLabel, y: int, inner: int) -> int:
    """The origin line (with the PTI voice pick code on the right) and the stamps."""
    margin, right, bottom = box.mm(3), inner, y
    if label.voice_pick:
        width, height = _voice_pick(box, label.voice_pick, y)
        right, bottom = inner - width, y + height
    y = box.text(margin, y, label.origin, 11, right, bold=True)
    for stamp in label.stamps:
        y = box.wrapped(margin, y + box.mm(0.3), stamp, 8.5, right)
    return max(y, bottom)


def _voice_pick(box: _Box, code: str, top: int) -> tuple[int, int]:
    """PTI's voice pick code, right-aligned: two small digits, two large, in a box.

    Returns ``(width, height)`` it takes at the right margin.
    """
    small, large = 12, 24
    small_w = stringWidth(code[:2], font_for(code, True), small) * box.pt
    large_w = stringWidth(code[2:], font_for(code, True), large) * box.pt
    pad = box.mm(1)
    width = math.ceil(small_w + large_w) + 3 * pad
    height = box.line_height(large, True) + pad
    right = box.out.width - box.mm(3)
    left = right - width
    line = box.mm(0.3) or 1
    for rect in (
        ("rect", left, top, width, line),
        ("rect", left, top + height - line, width, line),
        ("rect", left, top, line, height),
        ("rect", right - line, top, line, height),
    ):
        box.out.shared.append(rect)
    _, descent = getAscentDescent(font_for(code, True), large)
    baseline = top + height - pad // 2 - math.ceil(-descent * box.pt)
    name = font_for(code, True)
    box.out.shared.append(("text", left + pad, baseline, name, small, code[:2]))
    box.out.shared.append(("text", left + 2 * pad + small_w, baseline, name, large, code[2:]))
    return width + box.mm(1), height


def _measure(box: _Box, draw: Callable[[_Box, int], int]) -> int:
    """How many dots ``draw(box, top)`` takes, without keeping what it drew."""
    scratch = _Box(Layout(box.out.width, box.out.height, box.dpi))
    return draw(scratch, 0)


def _carton_compact(box: _Box, label: CartonLabel) -> None:
    """50x30 mm and A4 sheet cells: QR on the left, the essentials on the right.

    No GS1-128 here: at 37 mm high there is no room for a readable one; the QR
    carries GTIN, lot and serial in its Digital Link.
    """
    out, margin = box.out, box.mm(2)
    # The QR's square, quiet zone included, takes the label's whole height (its 4-module quiet
    # zone is the label's own margin): modules stay at 0.6 mm or more for a trace lot code.
    side = box.qr(0, 0, label.qr, out.height)
    x = side
    width = out.width - x - margin
    lines = [(label.names[0], 7.5, True, False)]
    lines += [(name, 6.5, False, False) for name in label.names[1:]]
    lines += [
        (f"Lot {label.lot}", 6.5, False, False),
        (f"Serial {label.serial}", 6.5, True, True),
    ]
    lines += [
        (f"{item.title} {item.value}", 6, False, False)
        for item in label.fields
        if item.title == "Packed"
    ]
    lines.append((label.origin, 5.5, False, False))
    y = margin
    for text, size, bold, own in lines:
        if y >= out.height - margin:
            break
        y = box.text(x, y, text, size, width, bold=bold, own=own)


def _pallet(box: _Box, label: PalletLabel) -> None:
    """GS1 logistic label: FROM/TO on top, data titles and values, symbols, SSCC lowest.

    Data content is set at 7 mm (20 pt) and data titles at 3 mm where they fit, as
    the GS1 Logistic Label Guideline asks; a long value is narrowed to the width.
    """
    out, margin = box.out, box.mm(3)
    half = (out.width - 2 * margin) // 2
    inner = out.width - 2 * margin
    band = box.symbol_band(label, None)
    bottoms = []
    for column, (title, party) in enumerate((("FROM", label.ship_from), ("TO", label.ship_to))):
        x = margin + column * half
        y = box.text(x, margin, title, 8.5, half - box.mm(2), own=True)
        y = box.text(x, y, party.name, 11, half - box.mm(2), bold=True, own=True)
        bottoms.append(box.text(x, y, party.country, 10, half - box.mm(2), own=True))
    y = box.text(margin, max(bottoms) + box.mm(0.5), f"Market: {label.market}", 10, inner, own=True)
    box.rule(y + box.mm(1))
    y += box.mm(2.5)
    title_pt = DATA_TITLE_MM / 25.4 * 72 / 0.73  # capitals of DejaVu Sans: 0.73 em
    content_pt = DATA_CONTENT_MM / 25.4 * 72
    rows = _pallet_rows(label.fields)
    room = band - box.mm(1) - y
    need = sum(box.line_height(title_pt) + box.line_height(content_pt) for _ in rows)
    if need > room:  # a mixed pallet with many lots: smaller, still readable
        content_pt *= max(
            0.4,
            (room - len(rows) * box.line_height(title_pt))
            / (need - len(rows) * box.line_height(title_pt)),
        )
    for row in rows:
        width = inner // len(row)
        bottom = y
        for column, item in enumerate(row):
            x = margin + column * width
            below = box.text(x, y, item.title.upper(), title_pt, width - box.mm(2), own=True)
            bottom = max(
                bottom, box.text(x, below, item.value, content_pt, width - box.mm(2), own=True)
            )
        y = bottom
    box.rule(band)


def _pallet_rows(fields: Iterable[Field]) -> list[tuple[Field, ...]]:
    """SSCC alone; content and count side by side; each lot on its own row."""
    rows: list[tuple[Field, ...]] = []
    pending = None
    for item in fields:
        if item.title == "Content":
            pending = item
        elif item.title == "Count" and pending is not None:
            rows.append((pending, item))
            pending = None
        else:
            rows.append((item,))
    if pending is not None:
        rows.append((pending,))
    return rows


def _sticker(box: _Box, label: StickerLabel) -> None:
    """A QR code as large as fits, the short code centred under it."""
    out, margin = box.out, box.mm(1.5)
    text_height = max(box.mm(3.5), out.height // 10)
    side = min(out.width, out.height - text_height) - 2 * margin + box.mm(2)
    modules = symbols.qr_room(label.qr) + 2 * symbols.QR_QUIET_ZONE
    actual = max(2, side // modules) * modules
    x = (out.width - actual) // 2
    drawn = box.qr(x, margin - box.mm(1), label.qr, side)
    points = text_height * 0.8 / box.pt
    box.text(
        margin,
        margin - box.mm(1) + drawn,
        label.code,
        points,
        out.width - 2 * margin,
        bold=True,
        own=True,
        center=True,
    )
