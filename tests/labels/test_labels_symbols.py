"""Symbol encoding: shortest Code 128, merged QR modules, both decodable."""

from __future__ import annotations

import pytest
import zxingcpp
from barcode.codex import Code128, Gs1_128
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from trace.gs1.charset import CSET82
from trace.labels import code128, symbols

GS = code128.GS


def _draw_bars(data: str, gs1: bool, x: int = 2) -> Image.Image:
    width, bars = symbols.bars(data, gs1)
    image = Image.new("L", ((width + 20) * x, 80), 255)
    for left, bar in bars:
        image.paste(0, ((left + 10) * x, 5, (left + 10 + bar) * x, 75))
    return image


@pytest.mark.parametrize(
    ("data", "gs1", "symbol_characters"),
    [
        # Start C, FNC1, 12 digit pairs, check, stop (GS1 General Specifications figure 5.4.8.2-2 style)
        ("010893123456789713260615", True, 16),
        (f"10LOT26A{GS}2100042", True, 18),
        ("00089312340000000424", True, 14),
        ("LOT26A", False, 9),
    ],
)
def test_encoding_is_no_longer_than_python_barcodes_and_decodes(data, gs1, symbol_characters):
    values = code128.encode(data, gs1=gs1)
    assert len(values) == symbol_characters
    theirs = (Gs1_128 if gs1 else Code128)(data.replace(GS, "\xf1")).build()[0]
    assert code128.symbol_width(values) <= len(theirs)
    (read,) = zxingcpp.read_barcodes(_draw_bars(data, gs1), text_mode=zxingcpp.TextMode.Plain)
    assert (read.symbology_identifier, read.text) == ("]C1" if gs1 else "]C0", data)


@given(st.text(alphabet=sorted(CSET82), min_size=1, max_size=20), st.booleans())
def test_any_set_82_text_round_trips_through_bars(text, gs1):
    (read,) = zxingcpp.read_barcodes(_draw_bars(text, gs1), text_mode=zxingcpp.TextMode.Plain)
    assert read.text == text


def test_non_ascii_is_refused():
    with pytest.raises(ValueError, match="not printable ASCII"):
        code128.encode("LÔ", gs1=False)


def test_merged_qr_rectangles_cover_exactly_the_dark_modules():
    data = "https://trace.example.vn/01/08931234567897/10/LOT26A/21/00042"
    size, rects = symbols.qr(data)
    image = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = bytes(memoryview(image.to_image(scale=1, add_quiet_zones=False)))
    dark = {(i % size, i // size) for i, value in enumerate(pixels) if value < 128}
    covered = [(x + dx, y + dy) for x, y, w, h in rects for dx in range(w) for dy in range(h)]
    assert len(covered) == len(set(covered))  # no overlaps
    assert set(covered) == dark
    assert len(rects) < len(dark) / 2  # merging pays
