"""Drawing labels so scanners read them: render, rasterise at printer resolution, decode.

Every kind x size x format is decoded with zxing-cpp as a scanner would, and the GS1
element strings are parsed with biip: the test is what the port's scanner sees.
"""

from __future__ import annotations

import logging
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.labels.decoding import (
    BASE,
    decode,
    gs1_reads,
    lot_facts,
    pages,
    pallet_facts,
    pdf_text,
)
from trace.gs1 import parse_digital_link
from trace.gs1.charset import CSET82
from trace.labels import fonts
from trace.labels import layout as layout_module
from trace.labels.content import carton_label, carton_labels, pallet_label, sticker_label
from trace.labels.facts import PalletLine
from trace.labels.layout import SIZES_MM, dots, label_symbols
from trace.labels.pdf import pdf_bytes
from trace.labels.render import content_type, render, suffix

LARGE = ("100x150mm", "4x6in")
SMALL = ("50x30mm", "a4-24")
CARTON = {("01", "08931234567897"), ("13", "260615"), ("10", "LOT26A"), ("21", "00042")}


def _carton(**changes):
    return carton_label(lot_facts(**changes), "00042")


def _rendered(labels, size, fmt, dpi=None):
    return b"".join(render(labels, size, fmt, dpi))


def _symbols(label, size, dpi):
    """The element strings of each symbol the label should carry at this size and dpi."""
    chosen = label_symbols(label, dots(SIZES_MM[size][0], dpi), dpi)
    return [list(symbol.elements) for symbol in chosen]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", LARGE)
def test_large_carton_decodes_qr_and_every_gs1_element(size, dpi):
    label = _carton()
    (image,) = pages(_rendered([label], size, "pdf", dpi), dpi)
    reads = decode(image)
    assert [read.text for read in reads if read.format == "QRCode"] == [label.qr]
    elements = gs1_reads(reads)
    assert sorted(elements) == sorted(_symbols(label, size, dpi))
    assert len(elements) == 2
    # GTIN and lot always; the pack date where the width allows; the serial in the QR.
    assert {("01", "08931234567897"), ("10", "LOT26A")} <= {p for s in elements for p in s}
    assert {p for s in elements for p in s} <= CARTON


@pytest.mark.parametrize("size", [*LARGE, *SMALL])
def test_png_is_the_first_label_at_printer_resolution(size):
    png = _rendered([_carton(), carton_label(lot_facts(), "99999")], size, "png")
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png))
    width_mm = 210 if size == "a4-24" else SIZES_MM[size][0]
    dpi = 300 if size == "a4-24" else 203
    assert abs(image.size[0] - width_mm * dpi / 25.4) <= 1
    reads = decode(image)
    assert _carton().qr in [read.text for read in reads]
    assert not any(read.text.endswith("/21/99999") for read in reads) or size == "a4-24"


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", SMALL)
def test_small_carton_decodes_its_digital_link(size, dpi):
    label = _carton()
    image = pages(_rendered([label], size, "pdf", dpi), dpi)[0]
    assert [read.text for read in decode(image)] == [label.qr]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", LARGE)
def test_pallet_decodes_sscc_and_content(size, dpi):
    (image,) = pages(_rendered([pallet_label(pallet_facts())], size, "pdf", dpi), dpi)
    elements = gs1_reads(decode(image))
    assert sorted(elements) == [
        [("00", "089312340000000424")],
        [("02", "08931234567897"), ("37", "40")],
    ]


@pytest.mark.parametrize("size", SMALL)
def test_pallet_needs_a_logistic_label_size(size):
    with pytest.raises(ValueError, match="needs 100x150mm or 4x6in"):
        _rendered([pallet_label(pallet_facts())], size, "pdf")


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", [*LARGE, *SMALL])
def test_sticker_decodes_its_short_link(size, dpi):
    sticker = sticker_label(BASE, "TH-26A")
    image = pages(_rendered([sticker], size, "pdf", dpi), dpi)[0]
    assert [read.text for read in decode(image)] == [f"{BASE}/t/TH-26A"]
    assert "TH-26A" in pdf_text(_rendered([sticker], size, "pdf", dpi))


@pytest.mark.parametrize("size", LARGE)
def test_carton_without_gtin_has_short_link_and_code_128_of_the_lot(size):
    label = _carton(gtin=None, lot="TH26-07")
    (image,) = pages(_rendered([label], size, "pdf"), 203)
    reads = {(read.format, read.symbology, read.text) for read in decode(image)}
    assert reads == {("QRCode", "]Q1", f"{BASE}/t/TH26-07"), ("Code128", "]C0", "TH26-07")}


def test_a4_sheet_holds_24_labels_with_24_distinct_serials():
    facts = lot_facts()
    pdf = _rendered(carton_labels(facts, (f"S{n:04d}" for n in range(30))), "a4-24", "pdf")
    sheets = pages(pdf, 300)
    assert len(sheets) == 2
    first = {parse_digital_link(read.text).serial for read in decode(sheets[0])}
    second = {parse_digital_link(read.text).serial for read in decode(sheets[1])}
    assert first == {f"S{n:04d}" for n in range(24)}
    assert second == {f"S{n:04d}" for n in range(24, 30)}


def test_text_layer_has_vietnamese_japanese_and_korean_and_fonts_are_embedded():
    missing = [role for role in ("ja", "ko") if fonts.font(role) == fonts.font("regular")]
    if missing and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("CJK fonts missing: apt-get install fonts-ipafont-gothic fonts-nanum")
    labels = [_carton(), _carton(market="KR"), pallet_label(pallet_facts())]
    pdf = _rendered(labels, "100x150mm", "pdf")
    text = pdf_text(pdf)
    for expected in (
        "Vải thiều Thanh Hà",
        "タンハー・ライチ",
        "탄하 리치",
        "HTX Nông nghiệp Thanh Hà",
        "(01)08931234567897",
        "(10)LOT26A",
        "(00)089312340000000424",
        "0 8931234 000000042 4",
        "Product of Vietnam",
    ):
        assert expected in text
    # Embedded TrueType subsets (FontFile2), one font family per script.
    assert pdf.count(b"/FontFile2") >= 3
    for family in (b"DejaVuSans", b"IPAGothic", b"NanumGothic"):
        assert re.search(rb"/BaseFont /[A-Z]{6}\+" + family, pdf), family


def test_us_carton_prints_the_florida_stamp():
    text = " ".join(pdf_text(_rendered([_carton(market="US")], "100x150mm", "pdf")).split())
    assert "Not for importation into or distribution in the State of Florida" in text
    assert "Thanh Ha lychee" in text


def test_missing_cjk_font_falls_back_to_dejavu_with_a_warning(monkeypatch, caplog):
    monkeypatch.setitem(fonts._CANDIDATES, "ja", ("IPAGothic", ("missing.ttf",), ("/nonexistent",)))
    fonts.font.cache_clear()
    layout_module._set_line.cache_clear()  # lines already set keep the fonts they were set in
    try:
        with caplog.at_level(logging.WARNING, logger="trace.labels.fonts"):
            pdf = _rendered([_carton()], "100x150mm", "pdf")
        assert "fonts-ipafont-gothic" in caplog.text
        (image,) = pages(pdf, 203)
        assert len(gs1_reads(decode(image))) == 2  # the symbols do not care
    finally:
        fonts.font.cache_clear()
        layout_module._set_line.cache_clear()


def test_pdf_streams_in_chunks_and_memory_stays_flat():
    import tracemalloc

    facts = lot_facts()

    def peak(count: int) -> int:
        tracemalloc.start()
        for _chunk in render(carton_labels(facts, map(str, range(count))), "100x150mm", "pdf"):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    peak(20)  # warm the caches (fonts, symbols)
    small, large = peak(60), peak(600)
    assert large < small * 1.5 + 256 * 1024, (small, large)


def test_formats_have_content_types_and_suffixes():
    assert [content_type(fmt) for fmt in ("pdf", "png", "zpl")] == [
        "application/pdf",
        "image/png",
        "application/zpl",
    ]
    assert suffix("zpl") == ".zpl"
    with pytest.raises(ValueError, match="label format 'svg'"):
        render([], "100x150mm", "svg")
    with pytest.raises(ValueError, match="label size '4x4in'"):
        render([], "4x4in", "pdf")


def test_empty_input_still_makes_a_valid_pdf():
    assert len(pages(pdf_bytes([], "100x150mm"), 72)) == 1


_CSET82 = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(lot=_CSET82, serial=_CSET82, dpi=st.sampled_from([203, 300]))
def test_any_lot_and_serial_survive_label_to_scanner(lot, serial, dpi):
    label = carton_label(lot_facts(lot=lot, market="US"), serial)
    (image,) = pages(pdf_bytes([label], "100x150mm", dpi), dpi)
    reads = decode(image)
    (qr,) = [read.text for read in reads if read.format == "QRCode"]
    link = parse_digital_link(qr)
    assert (qr, link.lot, link.serial) == (label.qr, lot, serial)
    assert sorted(gs1_reads(reads)) == sorted(_symbols(label, "100x150mm", dpi))
    assert ("01", "08931234567897") in {pair for symbol in gs1_reads(reads) for pair in symbol}


@pytest.mark.parametrize("lines", [(PalletLine(None, "L1", 3),)])
def test_pallet_of_a_product_without_gtin_has_only_the_sscc_symbol(lines):
    label = pallet_label(pallet_facts(*lines))
    (image,) = pages(_rendered([label], "100x150mm", "pdf"), 203)
    assert gs1_reads(decode(image)) == [[("00", "089312340000000424")]]


CONTACT = {"phone": "+84 220 3850 123", "website": "https://haiduong-agri.example/lychee"}


@pytest.mark.parametrize("market", ["JP", "US"])  # the US label also carries the voice pick code
def test_a_carton_with_the_exporters_contact_still_scans_and_says_it(market):
    label = _carton(contact=CONTACT, market=market)
    pdf = _rendered([label], "100x150mm", "pdf", 203)
    reads = decode(pages(pdf, 203)[0])
    assert [read.text for read in reads if read.format == "QRCode"] == [label.qr]
    assert sorted(gs1_reads(reads)) == sorted(_symbols(label, "100x150mm", 203))
    text = pdf_text(pdf)
    assert "Contact: +84 220 3850 123" in text and "Web: haiduong-agri.example/lychee" in text
