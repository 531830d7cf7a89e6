"""Symbol sizes measured on the printed raster, against GS1's figures in docs/labels.md.

Every kind x size x dpi is rendered, rasterised at the printer's resolution and each
linear symbol zxing-cpp finds is measured from the pixels alone: X-dimension (the
narrowest bar or space), bar height and both quiet zones. The minima come from the
table in docs/labels.md, so the document and the labels cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import zxingcpp

from tests.labels.decoding import BASE, lot_facts, pages, pallet_facts
from trace.labels.content import carton_label, pallet_label, sticker_label
from trace.labels.layout import SIZES_MM
from trace.labels.pdf import pdf_bytes

DOC = Path(__file__).resolve().parents[2] / "docs" / "labels.md"
LARGE = ("100x150mm", "4x6in")


def _minimum(row: str) -> float:
    """The GS1 minimum in the docs table row that starts with ``row``."""
    for line in DOC.read_text().splitlines():
        if line.startswith(f"| {row} |"):
            return float(re.search(r"([\d.]+)", line.split("|")[2]).group(1))
    raise AssertionError(f"docs/labels.md has no table row {row!r}")


def _labels():
    return {
        "carton": carton_label(lot_facts(market="US"), "7KQ2M9XD4TNRB"),
        "carton-no-gtin": carton_label(lot_facts(gtin=None, lot="TH26-07"), "1"),
        "pallet": pallet_label(pallet_facts()),
        "sticker": sticker_label(BASE, "TH-26A"),
    }


def measure(image, read) -> dict[str, float]:
    """X, bar height and quiet zones (pixels) of one horizontal linear symbol."""
    points = [read.position.top_left, read.position.top_right]
    points += [read.position.bottom_left, read.position.bottom_right]
    y = round(sum(p.y for p in points) / 4)
    pixels = image.load()
    width = image.width

    def dark(x: int, y: int) -> bool:
        return pixels[x, y] < 128

    x0, x1 = min(p.x for p in points), max(p.x for p in points)
    left = next(x for x in range(max(0, x0 - 3), width) if dark(x, y))
    right = next(x for x in range(min(width - 1, x1 + 3), 0, -1) if dark(x, y))
    runs, x = [], left
    while x <= right:
        start, shade = x, dark(x, y)
        while x <= right and dark(x, y) == shade:
            x += 1
        runs.append(x - start)
    middle = left + runs[0] // 2  # the first bar's middle
    top = y
    while top > 0 and dark(middle, top - 1):
        top -= 1
    bottom = y
    while bottom < image.height - 1 and dark(middle, bottom + 1):
        bottom += 1

    def quiet(start: int, step: int) -> int:
        widest = []
        for row in range(top, bottom + 1):
            x, count = start, 0
            while 0 <= x < width and not dark(x, row):
                x, count = x + step, count + 1
            widest.append(count)
        return min(widest)

    return {
        "x": min(runs),
        "height": bottom - top + 1,
        "quiet_left": quiet(left - 1, -1),
        "quiet_right": quiet(right + 1, 1),
    }


# Every kind on every size it prints on (a pallet label needs 100x150mm or 4x6in: the API
# refuses it on the others), at both printer resolutions.
PRINTED = [
    (kind, size, dpi)
    for kind in _labels()
    for size in SIZES_MM
    for dpi in (203, 300)
    if kind != "pallet" or size in LARGE
]


@pytest.mark.parametrize(("kind", "size", "dpi"), PRINTED)
def test_every_linear_symbol_meets_gs1s_sizes_on_the_raster(kind, size, dpi):
    label = _labels()[kind]
    page = pages(pdf_bytes([label], size, dpi), dpi)[0]
    reads = [
        read
        for read in zxingcpp.read_barcodes(page, text_mode=zxingcpp.TextMode.Plain)
        if read.format != zxingcpp.BarcodeFormat.QRCode
    ]
    if size not in LARGE or kind == "sticker":
        # Too small for a compliant linear symbol: QR and text only (docs/labels.md).
        assert reads == []
        return
    assert len(reads) == (1 if kind == "carton-no-gtin" else 2)
    mm = 25.4 / dpi
    for read in reads:
        found = measure(page, read)
        x = found["x"] * mm
        assert x >= _minimum("X-dimension"), (read.text, found)
        if kind == "carton":  # GTIN and lot get wider modules, as the label allows
            assert x >= 0.59, (read.text, found)
        assert found["height"] * mm >= _minimum("Bar height"), (read.text, found)
        quiet = _minimum("Quiet zones")
        assert min(found["quiet_left"], found["quiet_right"]) >= quiet * found["x"], found
