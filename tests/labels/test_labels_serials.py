"""A random carton serial (13 characters) still fits the 50x30 mm sticker's QR with modules of
at least 0.6 mm, and a scanner reads the whole Digital Link back: for lot codes as trace makes
them (`P260611-0002`) and any of up to 15 characters under a 24-character PUBLIC_BASE_URL (a
link of up to 78 characters at error correction M; docs/lookup.md)."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from tests.labels.decoding import decode, lot_facts
from trace.gs1 import parse_digital_link
from trace.gs1.serials import new_serial
from trace.labels.content import carton_label
from trace.labels.layout import layout
from trace.labels.render import render


@pytest.mark.parametrize("lot", ["LOT26A", "P260611-0002", "LOT-26A/ABCDE", "LOT26A-ABCDEFGH"])
def test_a_random_serial_fits_the_small_sticker_and_reads_back(lot):
    serial = new_serial()
    label = carton_label(lot_facts(lot=lot), serial)
    drawn = layout(label, "50x30mm", 203)
    (qr,) = [op for op in drawn.shared + drawn.own if op[0] == "qr"]
    assert qr[3] * 25.4 / 203 >= 0.6  # module size in mm
    png = b"".join(render([label], "50x30mm", "png"))
    reads = [read.text for read in decode(Image.open(BytesIO(png)))]
    assert label.qr in reads
    link = parse_digital_link(label.qr.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert (link.lot, link.serial) == (lot, serial)
