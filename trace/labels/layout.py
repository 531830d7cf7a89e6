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
from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from . import symbols
from .content import (
    QUIET_ZONE_MODULES,
    X_MIN_MM,
    Barcode,
    CartonLabel,
    Label,
    PalletLabel,
    StickerLabel,
)
from .fonts import font_for

SIZES_MM: dict[str, tuple[float, float]] = {
    "100x150mm": (100.0, 150.0),
    "4x6in": (101.6, 152.4),
    "50x30mm": (50.0, 30.0),
    "a4-24": (70.0, 297.0 / 8),  # one cell of an A4 sheet of 3 x 8
}
SHEETS = {"a4-24": ((210.0, 297.0), 3, 8)}  # size -> (sheet mm, columns, rows)
DEFAULT_DPI = {"100x150mm": 203, "4x6in": 203, "50x30mm": 203, "a4-24": 300}
LARGE_WIDTH_MM = 90.0  # labels at least this wide carry GS1-128 symbols

# Drawing operations, in dots from the label's top-left corner:
#   ("text", x, baseline_y, font, size_pt, text)
#   ("rect", x, y, width, height)                       a rule
#   ("qr", x, y, module, data)                          x, y: the symbol, quiet zone excluded
#   ("bars", x, y, module, bar_height, data, gs1)       Code 128 / GS1-128, quiet zones excluded
Op = tuple


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


def layout(label: Label, size: str, dpi: int) -> Layout:
    """Place ``label`` on a label of ``size`` at ``dpi``.

    Raises:
        ValueError: If the size is unknown or too small for the kind (a pallet's
            GS1 logistic label needs 100x150mm or 4x6in).
    """
    if size not in SIZES_MM:
        raise ValueError(f"label size {size!r}: should be one of {', '.join(SIZES_MM)}")
    width_mm, height_mm = SIZES_MM[size]
    box = _Box(Layout(dots(width_mm, dpi), dots(height_mm, dpi), dpi))
    large = width_mm >= LARGE_WIDTH_MM
    if isinstance(label, StickerLabel):
        _sticker(box, label)
    elif isinstance(label, CartonLabel):
        (_carton if large else _carton_compact)(box, label)
    elif isinstance(label, PalletLabel):
        if not large:
            raise ValueError(
                f"label size {size!r}: a pallet's GS1 logistic label needs 100x150mm or 4x6in"
            )
        _pallet(box, label)
    else:
        raise TypeError(f"not a label: {type(label).__name__}")
    return box.out


class _Box:
    """A cursor over a `Layout`: text lines and symbols in dots."""

    def __init__(self, out: Layout) -> None:
        self.out = out
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
        name = font_for(text, bold)
        measured = stringWidth(text, name, size) * self.pt
        if measured > width:
            size = size * width / measured
            measured = width
        ascent, descent = getAscentDescent(name, size)
        baseline = top + math.ceil(ascent * self.pt)
        left = x + (width - measured) / 2 if center else x
        (self.out.own if own else self.out.shared).append(
            ("text", left, baseline, name, size, text)
        )
        return baseline + math.ceil(-descent * self.pt) + 1

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

    def qr(self, x: int, top: int, data: str, side: int, *, own: bool = True) -> int:
        """Draw a QR code with its quiet zone inside a ``side`` x ``side`` square.

        Modules are whole dots (at least 2). Returns the square's actual side.
        """
        size, _ = symbols.qr(data)
        modules = size + 2 * symbols.QR_QUIET_ZONE
        module = max(2, side // modules)
        offset = symbols.QR_QUIET_ZONE * module
        (self.out.own if own else self.out.shared).append(
            ("qr", x + offset, top + offset, module, data)
        )
        return modules * module

    def barcode(self, top: int, symbol: Barcode, bar_height: int, *, own: bool) -> int:
        """Draw a Code 128 / GS1-128 symbol centred, its HRI under it; return the y below."""
        width, _ = symbols.bars(symbol.data, symbol.gs1)
        space = self.out.width - 2 * self.mm(2)
        x_dim = min(
            math.ceil(symbol.x_target_mm * self.dpi / 25.4 - 0.05),
            space // (width + 2 * QUIET_ZONE_MODULES),
        )
        if x_dim < math.ceil(X_MIN_MM * self.dpi / 25.4 - 0.05):
            raise ValueError(
                f"symbol {symbol.hri}: {width} modules do not fit {space} dots at"
                f" {self.dpi} dpi with X >= {X_MIN_MM} mm"
            )
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


def _carton(box: _Box, label: CartonLabel) -> None:
    """100x150 mm / 4x6 in: names, QR beside the fields, origin, then GS1-128 symbols."""
    out, margin = box.out, box.mm(3)
    inner = out.width - 2 * margin
    y = box.text(margin, margin, label.names[0], 16, inner, bold=True)
    for name in label.names[1:]:
        y = box.text(margin, y + box.mm(0.5), name, 14, inner)
    y = box.text(margin, y + box.mm(0.5), f"Variety: {label.variety}", 10, inner)
    box.rule(y + box.mm(1))
    top = y + box.mm(2.5)
    side = box.qr(margin - box.mm(1), top, label.qr, box.mm(38))
    x = margin - box.mm(1) + side + box.mm(1)
    y_fields = top + box.mm(1)
    for item in label.fields:
        own = item.title == "Serial"
        y_fields = box.text(
            x,
            y_fields + box.mm(0.6),
            f"{item.title}: {item.value}",
            10,
            out.width - x - margin,
            own=own,
            bold=own,
        )
    y = max(top + side, y_fields) + box.mm(1)
    y = box.text(margin, y, label.origin, 12, inner, bold=True)
    for stamp in label.stamps:
        y = box.wrapped(margin, y + box.mm(0.5), stamp, 9, inner)
    box.rule(y + box.mm(1))
    _stack(box, label.barcodes, y + box.mm(3), out.height - margin, label.serial, max_bar=20)


def _stack(
    box: _Box,
    barcodes: tuple[Barcode, ...],
    top: int,
    bottom: int,
    serial: str | None,
    *,
    max_bar: float,
    last_bar: float | None = None,
) -> None:
    """Stack symbols between ``top`` and ``bottom``; the last one is the lowest."""
    hri = box.mm(4.2)
    gap = box.mm(2)
    room = bottom - top - len(barcodes) * (hri + gap)
    heights = [box.mm(max_bar)] * len(barcodes)
    if last_bar is not None:
        heights[-1] = min(box.mm(last_bar), room - (len(barcodes) - 1) * box.mm(10))
    rest = room - (heights[-1] if last_bar is not None else 0)
    count = len(barcodes) - (1 if last_bar is not None else 0)
    for index in range(count):
        heights[index] = max(box.mm(6), min(box.mm(max_bar), rest // max(count, 1)))
    used = sum(heights) + len(barcodes) * (hri + gap)
    y = bottom - used + gap
    for symbol, height in zip(barcodes, heights, strict=True):
        own = serial is not None and any(ai == "21" for ai, _ in symbol.elements)
        y = box.barcode(y, symbol, height, own=own) + gap


def _carton_compact(box: _Box, label: CartonLabel) -> None:
    """50x30 mm and A4 sheet cells: QR on the left, the essentials on the right.

    No GS1-128 here: at 37 mm high there is no room for a readable one; the QR
    carries GTIN, lot and serial in its Digital Link.
    """
    out, margin = box.out, box.mm(2)
    side = box.qr(
        margin - box.mm(1), margin - box.mm(1), label.qr, out.height - 2 * margin + box.mm(2)
    )
    x = margin - box.mm(1) + side
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
    """GS1 logistic label: FROM/TO on top, data titles and values, symbols, SSCC lowest."""
    out, margin = box.out, box.mm(3)
    half = (out.width - 2 * margin) // 2
    inner = out.width - 2 * margin
    bottoms = []
    for column, (title, party) in enumerate((("FROM", label.ship_from), ("TO", label.ship_to))):
        x = margin + column * half
        y = box.text(x, margin, title, 8, half - box.mm(2), own=True)
        y = box.text(x, y, party.name, 11, half - box.mm(2), bold=True, own=True)
        bottoms.append(box.text(x, y, party.country, 10, half - box.mm(2), own=True))
    y = box.text(margin, max(bottoms) + box.mm(0.5), f"Market: {label.market}", 10, inner, own=True)
    box.rule(y + box.mm(1))
    y += box.mm(2.5)
    for item in label.fields:
        y = box.text(margin, y, item.title.upper(), 7, inner, own=True)
        y = box.text(margin, y, item.value, 13, inner, bold=True, own=True) + box.mm(0.5)
    box.rule(y + box.mm(0.5))
    _stack(box, label.barcodes, y + box.mm(2), out.height - margin, None, max_bar=22, last_bar=32)


def _sticker(box: _Box, label: StickerLabel) -> None:
    """A QR code as large as fits, the short code centred under it."""
    out, margin = box.out, box.mm(1.5)
    text_height = max(box.mm(3.5), out.height // 10)
    side = min(out.width, out.height - text_height) - 2 * margin + box.mm(2)
    size, _ = symbols.qr(label.qr)
    modules = size + 2 * symbols.QR_QUIET_ZONE
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
