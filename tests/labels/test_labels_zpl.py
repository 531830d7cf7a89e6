"""ZPL II: the commands and data a Zebra printer gets, and (when available) an offline render.

The ^BC field data is read back with the invocation-code table of Zebra's ZPL II
Programming Guide (^BC, "Code 128 Invocation Characters"), so the printer is shown to
draw exactly the symbol characters the PDF draws.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st

from tests.labels.decoding import BASE, NAMES, decode, gs1_reads, lot_facts, pages, pallet_facts
from trace.gs1.charset import CSET82
from trace.labels import code128
from trace.labels.content import carton_label, carton_labels, pallet_label, sticker_label
from trace.labels.layout import SIZES_MM, dots, layout
from trace.labels.pdf import pdf_bytes
from trace.labels.render import render
from trace.labels.zpl import bc_data, zpl_label

HERE = Path(__file__).parent
GS = code128.GS


def zebra_values(field: str) -> list[int]:
    """Symbol values a printer encodes for ^BC mode N field data (start, data; no check).

    Sets A and C take two digits a value, set B one character; ``>5`` (code C from
    A or B) is refused: offline renderers draw it wrong, so the writer must not need it.
    """
    starts = {">9": (103, "A"), ">:": (104, "B"), ">;": (105, "C")}
    start, code_set = starts[field[:2]]
    values, i = [start], 2
    while i < len(field):
        if field[i] == ">":
            code = field[i + 1]
            i += 2
            if code == "8":
                values.append(102)
            elif code == "6" and code_set != "B":  # Code B from A or C
                values.append(100)
                code_set = "B"
            elif code == "7" and code_set != "A":  # Code A from B or C
                values.append(101)
                code_set = "A"
            elif code == "0" and code_set == "B":
                values.append(ord(">") - 32)
            else:
                raise AssertionError(f"unexpected invocation >{code} in set {code_set}")
        elif code_set == "B":
            values.append(ord(field[i]) - 32)
            i += 1
        else:
            values.append(int(field[i : i + 2]))
            code_set = "C" if code_set == "A" and values[-1] == 99 else code_set
            i += 2
    return values


@pytest.mark.parametrize(
    ("data", "gs1"),
    [
        ("010893123456789713260615", True),
        (f"10LOT26A{GS}2100042", True),  # switches C -> B -> C
        ("00089312340000000424", True),
        ("LOT>26", False),  # a literal ">" is ">0"
        ("A1234567B", False),  # Start A, code C as the value 99, code B
        ("10AB1234", True),  # C, A, C
        ("10ab1234", True),
    ],
)
def test_bc_field_data_is_the_symbol_characters_we_draw(data, gs1):
    field = bc_data(data, gs1)
    assert zebra_values(field) == list(code128.encode(data, gs1=gs1)[:-2])
    assert (field[2:4] == ">8") == gs1


@given(st.text(alphabet=sorted(CSET82), min_size=1, max_size=30), st.booleans())
def test_any_set_82_text_is_written_without_code_c_from_b(text, gs1):
    assert zebra_values(bc_data(text, gs1)) == list(code128.encode(text, gs1=gs1)[:-2])


@pytest.mark.parametrize(("size", "dpi"), [("100x150mm", 203), ("4x6in", 300), ("50x30mm", 203)])
def test_one_block_per_label_sized_in_dots(size, dpi):
    labels = list(carton_labels(lot_facts(), ["1", "2", "3"]))
    zpl = b"".join(render(labels, size, "zpl", dpi)).decode()
    assert zpl.count("^XA") == zpl.count("^XZ") == 3
    width, height = SIZES_MM[size]
    assert zpl.count(f"^PW{dots(width, dpi)}\n^LL{dots(height, dpi)}") == 3
    assert zpl.count("^CI28") == 3
    ec = "M" if size == "50x30mm" else "Q"  # cartons' QR: Q on large labels (symbols.py)
    for serial in ("1", "2", "3"):
        assert f"^FD{ec}A,{BASE}/01/08931234567897/10/LOT26A/21/{serial}^FS" in zpl


def test_carton_zpl_has_gs1_128_at_gs1_sizes_and_text_as_graphics():
    zpl = zpl_label(carton_label(lot_facts(), "00042"), "100x150mm")
    # 5 dots (0.625 mm) a module, as wide as 100 mm allow; 32 mm bars, the height in ^BY.
    assert "^BY5,3,256^BCN,256,N,N,N,N^FD>;>80108931234567897^FS" in zpl
    assert "^BY5,3,256^BCN,256,N,N,N,N^FD>;>810>7444752182233^FS" in zpl  # LOT26A in set A
    # Every QR has its ^BY height set right before it: a stored height cannot move it.
    assert re.search(r"\^BY2,3,10\^FO\d+,\d+\^BQN,2,\d+\^FH\\\^FDQA,https://", zpl)
    assert "^A0" not in zpl  # no text in font 0, which prints Vietnamese as blanks
    assert zpl.count("^GFA,") >= 10 and ":Z64:" in zpl


def test_printer_font_sends_text_as_utf8():
    zpl = zpl_label(carton_label(lot_facts(), "00042"), "100x150mm", font="E:DEJAVU.TTF")
    assert "^FDVải thiều Thanh Hà^FS" in zpl and "^GFA" not in zpl


def test_pallet_zpl_has_the_sscc_symbol_last():
    zpl = zpl_label(pallet_label(pallet_facts()), "100x150mm")
    fields = re.findall(r"\^BC[^\^]*\^FD([^\^]*)\^FS", zpl)
    assert fields == [">;>802089312345678973740", ">;>800089312340000000424"]


def test_printer_font_is_bound_when_named():
    zpl = zpl_label(sticker_label(BASE, "A1"), "50x30mm", font="E:DEJAVU.TTF")
    assert "^CW1,E:DEJAVU.TTF" in zpl and "^A1N," in zpl


def test_zpl_refuses_a4_sheets_and_other_resolutions():
    with pytest.raises(ValueError, match="use PDF"):
        zpl_label(sticker_label(BASE, "A1"), "a4-24")
    with pytest.raises(ValueError, match="203 or 300"):
        zpl_label(sticker_label(BASE, "A1"), "50x30mm", dpi=600)


def _offline_renderer() -> Path | None:
    """zpl-renderer-js (zebrash in WebAssembly), installed by `npm ci --prefix tests/labels`."""
    if shutil.which("node") and (HERE / "node_modules" / "zpl-renderer-js").is_dir():
        return HERE / "render_zpl.cjs"
    return None


def _render(zpl: str, size: str, dpi: int, tmp_path: Path):
    from io import BytesIO

    from PIL import Image

    source = tmp_path / "label.zpl"
    source.write_text(zpl)
    width, height = SIZES_MM[size]
    dpmm = str(round(dpi / 25.4))  # Zebra heads: 8 dots/mm ("203 dpi"), 12 ("300 dpi")
    out = subprocess.run(
        ["node", str(HERE / "render_zpl.cjs"), str(source), str(width), str(height), dpmm],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return Image.open(BytesIO(base64.b64decode(out.stdout))).convert("L")


def _dark(image, box):
    crop = image.crop(box).point(lambda value: 255 if value < 128 else 0)
    return crop


needs_renderer = pytest.mark.skipif(
    _offline_renderer() is None,
    reason="offline ZPL renderer not installed: npm ci --prefix tests/labels",
)

NAMES_ZH = {**NAMES, "zh": "越南荔枝"}
SERIALS = ["00042", "123456789012", "7KQ2M9XD4TNRB"]


def _labels():
    yield from (
        carton_label(lot_facts(market=market, names=NAMES_ZH), serial)
        for market, serial in zip(("JP", "KR", "CN", "US"), [*SERIALS, "A042X"], strict=True)
    )
    yield pallet_label(pallet_facts())
    yield sticker_label(BASE, "TH-26A")


def _cases():
    for index, label in enumerate(_labels()):
        yield pytest.param(label, 203, id=f"{label.kind}{index}-203")
        if index in (0, 4):  # one carton and the pallet at 300 dpi too
            yield pytest.param(label, 300, id=f"{label.kind}{index}-300")


@needs_renderer
@pytest.mark.parametrize(("label", "dpi"), list(_cases()))
def test_zpl_rendered_offline_decodes_like_the_pdf(label, dpi, tmp_path):
    """Every kind, numeric and alphanumeric serials: the printer's symbols read exactly."""
    size = "50x30mm" if label.kind == "sticker" else "100x150mm"
    image = _render(zpl_label(label, size, dpi), size, dpi, tmp_path)
    (pdf_image,) = pages(pdf_bytes([label], size, dpi), dpi)
    reads = decode(image)
    assert sorted(read.text for read in reads) == sorted(read.text for read in decode(pdf_image))
    qr = getattr(label, "qr", None)
    assert [read.text for read in reads if read.format == "QRCode"] == ([qr] if qr else [])
    assert sorted(gs1_reads(reads)) == sorted(
        [list(symbol.elements) for symbol in _expected(label, size, dpi)]
    )


def _expected(label, size, dpi):
    from trace.labels.layout import label_symbols

    if label.kind == "sticker":
        return ()
    return label_symbols(label, dots(SIZES_MM[size][0], dpi), dpi)


@needs_renderer
@pytest.mark.parametrize(
    ("market", "language"), [("JP", "ja"), ("KR", "ko"), ("CN", "zh"), ("US", "vi")]
)
def test_zpl_text_shows_the_same_glyphs_as_the_pdf(market, language, tmp_path):
    """Vietnamese, Japanese, Korean and Chinese names print as glyphs, not blanks."""
    label = carton_label(lot_facts(market=market, names=NAMES_ZH), "00042")
    drawing = layout(label, "100x150mm", 203)
    (op,) = [op for op in drawing.shared if op[0] == "text" and op[5] == NAMES_ZH[language]]
    _, x, baseline, _font, size, _text = op
    box = (round(x), baseline - round(size * 203 / 72), 799 - 24, baseline + 8)
    zpl_ink = _dark(_render(zpl_label(label, "100x150mm"), "100x150mm", 203, tmp_path), box)
    (pdf_image,) = pages(pdf_bytes([label], "100x150mm", 203), 203)
    pdf_ink = _dark(pdf_image, box)
    # Glyphs in the same places, give or take a pixel of hinting: each image's ink lies
    # within one pixel of the other's. Blanks or empty boxes leave most of it uncovered.
    missing = _uncovered(pdf_ink, zpl_ink)
    extra = _uncovered(zpl_ink, pdf_ink)
    inked = sum(1 for value in pdf_ink.get_flattened_data() if value)
    assert inked > 200  # there is text to compare
    assert missing < 0.2 * inked and extra < 0.2 * inked, (missing, extra, inked)
    if language != "vi":  # the control: the same name in the printer's font 0 fails this
        font_0 = zpl_label(label, "100x150mm", font="E:NOSUCH.TTF")
        blank = _dark(_render(font_0, "100x150mm", 203, tmp_path), box)
        assert _uncovered(pdf_ink, blank) > 0.5 * inked


def _uncovered(ink, other):
    from PIL import ImageFilter

    near = other.filter(ImageFilter.MaxFilter(3))
    pairs = zip(ink.get_flattened_data(), near.get_flattened_data(), strict=True)
    return sum(1 for a, b in pairs if a and not b)


@needs_renderer
def test_zpl_qr_lands_where_the_pdf_puts_it(tmp_path):
    """An explicit ^BY height before ^BQ: the QR is exactly where the layout says."""
    label = carton_label(lot_facts(), "00042")
    image = _render(zpl_label(label, "100x150mm"), "100x150mm", 203, tmp_path)
    (pdf_image,) = pages(pdf_bytes([label], "100x150mm", 203), 203)
    zpl_qr = [read for read in zxingcpp.read_barcodes(image) if read.format.name == "QRCode"]
    pdf_qr = [read for read in zxingcpp.read_barcodes(pdf_image) if read.format.name == "QRCode"]
    corner = (zpl_qr[0].position.top_left.x, zpl_qr[0].position.top_left.y)
    assert corner == (pdf_qr[0].position.top_left.x, pdf_qr[0].position.top_left.y)


@needs_renderer
@pytest.mark.parametrize("data", ["10AB1234", f"10LOT26A{GS}2100042", "2112345"])
def test_zpl_code_c_after_letters_renders_and_decodes(data, tmp_path):
    """Digits after letters: code C entered from set A, never with >5."""
    field = bc_data(data, True)
    assert ">5" not in field
    zpl = f"^XA^PW799^LL400^FO40,40^BY2,3,200^BCN,200,N,N,N,N^FD{field}^FS^XZ"
    reads = zxingcpp.read_barcodes(
        _render(zpl, "100x150mm", 203, tmp_path), text_mode=zxingcpp.TextMode.Plain
    )
    assert [(read.symbology_identifier, read.text) for read in reads] == [("]C1", data)]
