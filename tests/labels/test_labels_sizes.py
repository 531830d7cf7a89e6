"""Which kind and format fit which size: one rule (trace/labels/sizes.py) for the API, the
staff pages, the layout and the ZPL writer."""

from __future__ import annotations

import pytest

from trace.labels.sizes import SIZES_MM, misfits, require_fit


def _kinds(kind, size, fmt=None, dpi=None):
    return [(m.field, m.kind) for m in misfits(kind, size, fmt, dpi)]


@pytest.mark.parametrize("kind", ["carton", "pallet", "sticker"])
@pytest.mark.parametrize("fmt", ["pdf", "png", "zpl"])
def test_what_fits_each_size(kind, fmt):
    fits = {size for size in SIZES_MM if not misfits(kind, size, fmt)}
    thermal = {"100x150mm", "4x6in", "50x30mm"}
    expected = {"100x150mm", "4x6in"} if kind == "pallet" else set(SIZES_MM)
    assert fits == (expected & thermal if fmt == "zpl" else expected)


def test_every_reason_is_given_with_the_field_to_change():
    assert _kinds("pallet", "a4-24", "zpl", 600) == [
        ("size", "label.pallet_size"),
        ("format", "label.zpl_sheet"),
        ("dpi", "label.dpi"),
    ]
    assert _kinds("carton", "100x150mm", "pdf", 600) == []
    assert _kinds("carton", "100x150mm", "zpl", 300) == []
    assert _kinds("carton", "A5") == [("size", "label.size_unknown")]


def test_require_fit_names_what_is_wrong():
    with pytest.raises(ValueError, match="label size '50x30mm': a pallet label needs 100x150mm"):
        require_fit("pallet", "50x30mm")
    with pytest.raises(ValueError, match="label dpi 600: Zebra printers print at 203 or 300 dpi"):
        require_fit("sticker", "50x30mm", "zpl", 600)
    require_fit("sticker", "50x30mm", "zpl")
