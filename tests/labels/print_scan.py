"""A printed label as a phone or a port scanner sees it: the degradations of a print-and-scan.

Shared by tests/labels/test_labels_print_scan.py (a few trials per symbol) and
bench/print_scan.py (the full sweep, whose figures go to docs/labels.md). A label is
rendered at 203 dpi (a thermal printer's dots), each linear symbol is cut out with some
label around it (a scanner is aimed at one symbol), then degraded in one way and JPEG
compressed at quality 30, and read with zxing-cpp.

Figures used (measured on a phone preview: 1080 px across a 45° field): 6.5 px/mm at
20 cm, 4.3 at 30 cm, 3.3 at 40 cm, so about 3.8 px/mm at 35 cm.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import zxingcpp
from PIL import Image, ImageChops, ImageFilter

from tests.labels.decoding import pages
from trace.labels.layout import layout
from trace.labels.pdf import pdf_bytes

DPI = 203
PX_PER_MM_AT_35_CM = 3.8


def _distance(image: Image.Image, rng: random.Random) -> Image.Image:
    """35 cm away: the print's 8 dots/mm seen at ~3.8 px/mm, a little off-grid."""
    scale = PX_PER_MM_AT_35_CM * rng.uniform(0.95, 1.05) / (DPI / 25.4)
    size = (round(image.width * scale), round(image.height * scale))
    return image.resize(size, Image.Resampling.BILINEAR)


def _blur(image: Image.Image, rng: random.Random) -> Image.Image:
    """Out of focus: Gaussian blur of sigma 1.5 px (at print resolution)."""
    return image.filter(ImageFilter.GaussianBlur(1.5))


def _rotate(image: Image.Image, rng: random.Random) -> Image.Image:
    """Held at 15°, either way."""
    angle = rng.choice((-15.0, 15.0))
    return image.rotate(angle, Image.Resampling.BILINEAR, expand=True, fillcolor=255)


def _ink(image: Image.Image, rng: random.Random) -> Image.Image:
    """Ink spread: every bar one dot wider (a warm print head, soft stock)."""
    shifted = ImageChops.offset(image, 1, 0)
    return ImageChops.darker(image, shifted)


DEGRADATIONS: dict[str, Callable[[Image.Image, random.Random], Image.Image]] = {
    "35 cm": _distance,
    "blur σ1.5 px": _blur,
    "rotated 15°": _rotate,
    "+1 dot ink": _ink,
}


def _jpeg(image: Image.Image) -> Image.Image:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=30)
    return Image.open(io.BytesIO(out.getvalue())).convert("L")


def symbol_crops(label, size: str = "100x150mm") -> list[tuple[str, Image.Image]]:
    """Each linear symbol of ``label`` at 203 dpi: its expected text and the print around it."""
    drawing = layout(label, size, DPI)
    (page,) = pages(pdf_bytes([label], size, DPI), DPI)
    crops = []
    for op in drawing.shared + drawing.own:
        if op[0] != "bars":
            continue
        _, _x, y, _module, bar_height, data, _gs1 = op
        pad = round(3 * DPI / 25.4)  # the neighbouring symbols' bars stay out
        box = (0, max(0, y - pad), page.width, min(page.height, y + bar_height + pad))
        crops.append((data, page.crop(box)))
    return crops


def trial(expected: str, crop: Image.Image, degradation: str, seed: int) -> str:
    """One print-and-scan: ``"read"``, ``"missed"`` or ``"misread"`` (any other text)."""
    rng = random.Random(seed)
    # A little off the dot grid and off-centre, as a hand-held scan is.
    dx, dy = rng.randint(0, 3), rng.randint(0, 3)
    shifted = Image.new("L", (crop.width + 8, crop.height + 8), 255)
    shifted.paste(crop, (4 + dx - 2, 4 + dy - 2))
    seen = _jpeg(DEGRADATIONS[degradation](shifted, rng))
    reads = zxingcpp.read_barcodes(
        seen, formats=zxingcpp.BarcodeFormat.Code128, text_mode=zxingcpp.TextMode.Plain
    )
    texts = [read.text for read in reads]
    if any(text != expected for text in texts):
        return "misread"
    return "read" if texts else "missed"
