"""Symbols as module geometry: QR codes and Code 128 bars as merged dark rectangles.

Renderers multiply these module coordinates by a whole number of printer dots, so
every edge falls on the printer's dot grid (measured: that is what decodes at
203 dpi). Adjacent dark modules are merged into one rectangle: fewer PDF operators,
and one filled path per symbol has no hairline seams between modules.
"""

from __future__ import annotations

import re
from functools import lru_cache

import zxingcpp
from barcode.charsets import code128 as _patterns

from . import code128

QR_QUIET_ZONE = 4  # modules, each side (ISO/IEC 18004 §9.1)
QR_ERROR_CORRECTION = "M"  # 15 % of codewords recoverable: stickers, small labels
# Cartons get Q (25 %): measured on a 100x150 mm carton at 203 dpi (bench/print_scan.py),
# a 10 mm scuff leaves M readable in 21 % of 1,000 trials and Q in 66 %; a scratch about
# half of either; Q costs no module size there (the room kept for a Zebra's byte-mode QR).
QR_CARTON_ERROR_CORRECTION = "Q"

Rect = tuple[int, int, int, int]
"""``(x, y, width, height)`` in modules, y growing downwards from the symbol's top."""


@lru_cache(maxsize=64)  # each carton's QR is new: kept only while its label is drawn
def qr(data: str, ec: str = QR_ERROR_CORRECTION) -> tuple[int, tuple[Rect, ...]]:
    """Encode a QR code (model 2, error correction ``ec``: "M" or "Q") with zxing-cpp.

    zxing-cpp's C++ encoder takes ~0.2 ms where qrcode's pure Python takes ~11 ms
    (measured for bench/labels.py); its mask choice follows ISO/IEC 18004.

    Args:
        data: The text, e.g. a Digital Link; encoded in byte mode as UTF-8.

    Returns:
        ``(size, rects)``: the symbol's width in modules (quiet zone excluded) and
        its dark modules merged into rectangles.
    """
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=ec)
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    height, size = image.shape
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # zxingcpp's stubs omit Image's buffer protocol
    return size, merge([pixels[row * size : (row + 1) * size] for row in range(height)])


# Byte-mode capacity of QR versions 1-10 at error correction M and Q (ISO/IEC 18004 table 7).
_BYTES = {
    "M": (14, 26, 42, 62, 84, 106, 122, 152, 180, 213),
    "Q": (11, 20, 32, 46, 60, 74, 86, 108, 130, 151),
}


def qr_room(data: str, ec: str = QR_ERROR_CORRECTION) -> int:
    """Modules to reserve for ``data``'s QR code, quiet zone excluded.

    zxing-cpp mixes encoding modes and may need a smaller version than a Zebra
    printer's ``^BQ``, which encodes a URL in byte mode: the room is the larger of
    the two, so a ZPL label's QR never runs into its neighbours' quiet zone.
    """
    size, _ = qr(data, ec)
    length = len(data.encode())
    version = next((v for v, cap in enumerate(_BYTES[ec], 1) if length <= cap), 0)
    return max(size, 17 + 4 * version) if version else size


_DARK_RUN = re.compile(rb"[\x00-\x7f]+")  # zxing-cpp draws dark modules as 0, light as 255


def merge(rows: list[bytes]) -> tuple[Rect, ...]:
    """Merge dark modules: runs along each row, then identical runs in following rows.

    One regular-expression pass over the rows joined by a light module (so no run spans
    two rows): each run extends the rectangle the same run ended on the row above, or
    starts one. Rectangles come out by their top row, then left to right.

    Args:
        rows: One byte per module, dark below 128, all of one length.
    """
    stride = len(rows[0]) + 1 if rows else 1
    done: list[Rect] = []
    last: dict[tuple[int, int], int] = {}  # (x, width) -> its latest rectangle in done
    for found in _DARK_RUN.finditer(b"\xff".join(rows)):
        start, end = found.span()
        y, x = divmod(start, stride)
        index = last.get((x, end - start))
        if index is not None and done[index][1] + done[index][3] == y:
            rx, top, width, height = done[index]
            done[index] = (rx, top, width, height + 1)
        else:
            last[(x, end - start)] = len(done)
            done.append((x, y, end - start, 1))
    return tuple(done)


@lru_cache(maxsize=256)
def bars(data: str, gs1: bool) -> tuple[int, tuple[tuple[int, int], ...]]:
    """Encode Code 128 or GS1-128 as bars.

    The symbol characters come from `code128.encode` (shortest encoding; the ZPL
    renderer sends the same characters); the bar/space patterns are python-barcode's
    ISO/IEC 15417 table.

    Args:
        data: The message; ``GS`` marks an FNC1 separator.
        gs1: GS1-128 (FNC1 after the start character) or plain Code 128.

    Returns:
        ``(width, bars)``: the symbol's width in modules (quiet zones excluded) and
        each bar as ``(x, width)`` in modules.
    """
    modules = "".join(_patterns.CODES[value] for value in code128.encode(data, gs1=gs1)[:-1])
    modules += _patterns.STOP + "11"  # python-barcode's STOP lacks the final 2-module bar
    found: list[tuple[int, int]] = []
    x = 0
    while x < len(modules):
        if modules[x] == "1":
            start = x
            while x < len(modules) and modules[x] == "1":
                x += 1
            found.append((start, x - start))
        else:
            x += 1
    return len(modules), tuple(found)
