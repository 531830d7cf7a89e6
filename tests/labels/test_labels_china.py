"""A carton label for China: Vietnamese and Simplified Chinese, the GACC registrations, the
Chinese destination stamp; scanned with zxing-cpp, and its Chinese glyphs drawn, not boxes."""

from __future__ import annotations

import os

import pypdfium2
import pytest

from tests.labels.decoding import BASE, decode, gs1_reads, lot_facts, pages, pdf_text
from trace.labels import fonts
from trace.labels.content import carton_label
from trace.labels.render import render

CHINA = {
    "names": {"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee", "zh": "青河荔枝"},
    "market": "CN",
    "growing_areas": ("VNHD-GACC-0112",),
    "packing_house": "VNHD-GACC-PH007",
    "packer": "Cơ sở đóng gói vải Thanh Hà",
    "treatment": None,
}
STAMP = "输往中华人民共和国"


def _label():
    return carton_label(lot_facts(**CHINA), "00042")


def test_a_carton_for_china_says_it_in_vietnamese_and_chinese():
    label = _label()
    assert label.names == ("Vải thiều Thanh Hà", "青河荔枝")
    fields = {field.title: field.value for field in label.fields}
    assert fields["Mã vùng trồng · 果园注册号"] == "VNHD-GACC-0112"
    assert fields["Mã cơ sở đóng gói · 包装厂注册号"] == "VNHD-GACC-PH007"
    assert label.stamps == (STAMP, "Cơ sở đóng gói · 包装厂: Cơ sở đóng gói vải Thanh Hà")
    assert "原产国：越南" in label.origin


def _char_boxes(pdf: bytes, text: str, dpi: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of each character of `text` on the first page rendered at `dpi`."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        textpage = page.get_textpage()
        start = textpage.get_text_range().index(text)
        scale = dpi / 72
        boxes = []
        for index in range(start, start + len(text)):
            left, bottom, right, top = textpage.get_charbox(index)
            boxes.append(
                (
                    int(left * scale),
                    int((height - top) * scale),
                    int(right * scale) + 1,
                    int((height - bottom) * scale) + 1,
                )
            )
        return boxes
    finally:
        document.close()


def test_the_label_scans_and_draws_its_chinese_glyphs():
    if fonts.font("zh") == fonts.font("regular") and os.environ.get("CI", "") != "true":
        pytest.skip("Chinese font missing: apt-get install fonts-wqy-zenhei")
    label = _label()
    pdf = b"".join(render([label], "100x150mm", "pdf", 203))
    (image,) = pages(pdf, 203)
    reads = decode(image)
    assert [r.text for r in reads if r.format == "QRCode"] == [
        f"{BASE}/01/08931234567897/10/LOT26A/21/00042"
    ]
    assert {("01", "08931234567897"), ("10", "LOT26A")} <= {p for s in gs1_reads(reads) for p in s}

    text = pdf_text(pdf)
    for line in ("青河荔枝", STAMP, "包装厂注册号", "Cơ sở đóng gói vải Thanh Hà"):
        assert line in text
    # Each Chinese character is drawn in the Chinese font as its own shape: ink in its box,
    # and no two different characters alike (a missing glyph draws the same empty box).
    assert b"WenQuanYiZenHei" in pdf
    shapes = []
    for box in _char_boxes(pdf, STAMP, 203):
        crop = image.crop(box).point(lambda v: 255 if v < 128 else 0)
        assert crop.getbbox() is not None, box
        shapes.append(crop.resize((24, 24)).tobytes())
    assert len(set(shapes)) == len(set(STAMP))
