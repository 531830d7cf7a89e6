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

from tests.labels.decoding import BASE, decode, gs1_reads, lot_facts, pallet_facts
from trace.labels import code128
from trace.labels.content import carton_label, carton_labels, pallet_label, sticker_label
from trace.labels.layout import SIZES_MM, dots
from trace.labels.render import render
from trace.labels.zpl import bc_data, zpl_label

HERE = Path(__file__).parent
GS = code128.GS


def zebra_values(field: str) -> list[int]:
    """Symbol values a printer encodes for ^BC mode N field data (start, data; no check)."""
    starts = {">9": 103, ">:": 104, ">;": 105}
    values, code_set, i = [starts[field[:2]]], {">:": "B", ">;": "C"}[field[:2]], 2
    while i < len(field):
        if field[i] == ">":
            code = field[i + 1]
            i += 2
            if code == "8":
                values.append(102)
            elif code == "5":  # Code C from A or B
                values.append(99)
                code_set = "C"
            elif code == "6":  # Code B from A or C
                values.append(100)
                code_set = "B"
            elif code == "0":
                values.append(ord(">") - 32)
            else:
                raise AssertionError(f"unexpected invocation >{code}")
        elif code_set == "C":
            values.append(int(field[i : i + 2]))
            i += 2
        else:
            values.append(ord(field[i]) - 32)
            i += 1
    return values


@pytest.mark.parametrize(
    ("data", "gs1"),
    [
        ("010893123456789713260615", True),
        (f"10LOT26A{GS}2100042", True),  # switches C -> B -> C
        ("00089312340000000424", True),
        ("LOT>26", False),  # a literal ">" is ">0"
        ("A1234567B", False),
    ],
)
def test_bc_field_data_is_the_symbol_characters_we_draw(data, gs1):
    field = bc_data(data, gs1)
    assert zebra_values(field) == list(code128.encode(data, gs1=gs1)[:-2])
    assert field[:2] in (">;", ">:")
    assert (field[2:4] == ">8") == gs1


@pytest.mark.parametrize(("size", "dpi"), [("100x150mm", 203), ("4x6in", 300), ("50x30mm", 203)])
def test_one_block_per_label_sized_in_dots(size, dpi):
    labels = list(carton_labels(lot_facts(), ["1", "2", "3"]))
    zpl = b"".join(render(labels, size, "zpl", dpi)).decode()
    assert zpl.count("^XA") == zpl.count("^XZ") == 3
    width, height = SIZES_MM[size]
    assert zpl.count(f"^PW{dots(width, dpi)}\n^LL{dots(height, dpi)}") == 3
    assert zpl.count("^CI28") == 3
    for serial in ("1", "2", "3"):
        assert f"^FDMA,{BASE}/01/08931234567897/10/LOT26A/21/{serial}^FS" in zpl


def test_carton_zpl_has_gs1_128_with_fnc1_and_the_hri():
    zpl = zpl_label(carton_label(lot_facts(), "00042"), "100x150mm")
    assert re.search(r"\^BY3\^BCN,\d+,N,N,N,N\^FD>;>8010893123456789713260615\^FS", zpl)
    assert "^FD>;>810>6LOT26A>82>5100042^FS" in zpl
    assert "^FD(10)LOT26A(21)00042^FS" in zpl
    assert re.search(r"\^BQN,2,\d+\^FH\\\^FDMA,https://", zpl)
    assert "^FDVải thiều Thanh Hà^FS" in zpl  # UTF-8 (^CI28); see the font caveat in zpl.py


def test_pallet_zpl_has_the_sscc_symbol_last():
    zpl = zpl_label(pallet_label(pallet_facts()), "100x150mm")
    fields = re.findall(r"\^BC[^\^]*\^FD([^\^]*)\^FS", zpl)
    assert fields[-1] == ">;>800089312340000000424"
    assert ">;>802089312345678973740" in fields


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


@pytest.mark.skipif(
    _offline_renderer() is None,
    reason="offline ZPL renderer not installed: npm ci --prefix tests/labels",
)
def test_zpl_rendered_offline_decodes(tmp_path):
    from io import BytesIO

    from PIL import Image

    # Serial A042X keeps the symbol in code set B after the lot: zebrash (the renderer)
    # mishandles ">5" (code C from B), which Zebra printers implement; see bc_data's test.
    carton = carton_label(lot_facts(), "A042X")
    cases = [
        (zpl_label(carton, "100x150mm"), (100, 150)),
        (zpl_label(pallet_label(pallet_facts()), "100x150mm"), (100, 150)),
        (zpl_label(sticker_label(BASE, "TH-26A"), "50x30mm"), (50, 30)),
    ]
    reads = []
    for zpl, (width, height) in cases:
        source = tmp_path / "label.zpl"
        source.write_text(zpl)
        out = subprocess.run(
            ["node", str(HERE / "render_zpl.cjs"), str(source), str(width), str(height), "8"],
            capture_output=True,
            check=True,
            timeout=60,
        )
        reads.append(decode(Image.open(BytesIO(base64.b64decode(out.stdout)))))
    assert {read.text for read in reads[0] if read.format == "QRCode"} == {carton.qr}
    assert {pair for symbol in gs1_reads(reads[0]) for pair in symbol} == {
        ("01", "08931234567897"),
        ("13", "260615"),
        ("10", "LOT26A"),
        ("21", "A042X"),
    }
    assert [("00", "089312340000000424")] in gs1_reads(reads[1])
    assert [read.text for read in reads[2]] == [f"{BASE}/t/TH-26A"]
