"""What a label says: the pure builders, checked as plain values (no drawing)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.labels.decoding import BASE, NAMES, lot_facts, pallet_facts
from trace.gs1 import GS1Error
from trace.labels import code128
from trace.labels.content import (
    MAX_DATA_CHARACTERS,
    Field,
    PalletLine,
    carton_label,
    carton_labels,
    market_language,
    pallet_label,
    split_symbols,
    sticker_label,
)

ROOT = Path(__file__).resolve().parents[2]
GS = code128.GS


@pytest.mark.parametrize(
    ("market", "names", "language"),
    [
        ("JP", NAMES, "ja"),
        ("US", NAMES, "en"),
        ("AU", NAMES, "en"),
        ("EU", NAMES, "en"),
        ("KR", NAMES, "ko"),
        ("KR", {"vi": "Vải", "en": "Lychee"}, "en"),  # no Korean name: English
        ("CN", NAMES, "en"),  # a market without its own rule: English
        ("jp", NAMES, "ja"),
    ],
)
def test_the_second_name_is_in_the_markets_language(market, names, language):
    assert market_language(market, names) == language
    label = carton_label(lot_facts(market=market, names=names), "00042")
    assert label.names == (names["vi"], names[language])


def test_carton_label_says_what_the_brief_lists():
    label = carton_label(lot_facts(), "00042")
    assert label.variety == "Thanh Hà"
    assert label.fields == (
        Field("Net weight", "10 kg"),
        Field("Lot", "LOT26A"),
        Field("Serial", "00042"),
        Field("Packed", "2026-06-15"),
        Field("Growing area", "VN-HD-TH-01-26"),
        Field("PHC", "PHC-HD-001"),
        Field("Treatment", "TFC-07 batch B123"),
    )
    assert label.origin == "Product of Vietnam"
    assert label.stamps == ()
    assert label.qr == f"{BASE}/01/08931234567897/10/LOT26A/21/00042"


def test_untreated_lot_without_phc_leaves_those_lines_out():
    label = carton_label(
        lot_facts(treatment=None, packing_house=None, growing_areas=("A-1", "B-2")), "1"
    )
    titles = [field.title for field in label.fields]
    assert "Treatment" not in titles and "PHC" not in titles
    assert Field("Growing areas", "A-1, B-2") in label.fields


def test_australia_gets_its_wording_and_the_us_its_florida_stamp():
    assert carton_label(lot_facts(market="AU"), "1").origin == "Product of Vietnam for Australia"
    us = carton_label(lot_facts(market="US", stamps=("Treated with irradiation",)), "1")
    assert us.stamps == (
        "Not for importation into or distribution in the State of Florida",
        "Treated with irradiation",
    )


def test_gs1_128_carries_gtin_pack_date_lot_and_serial_fixed_length_first():
    label = carton_label(lot_facts(), "00042")
    # Two symbols, as GS1 logistic-label practice splits them: fixed-length AIs, then the rest.
    assert [symbol.hri for symbol in label.barcodes] == [
        "(01)08931234567897(13)260615",
        "(10)LOT26A(21)00042",
    ]
    assert [symbol.data for symbol in label.barcodes] == [
        "010893123456789713260615",
        f"10LOT26A{GS}2100042",  # FNC1 after the variable-length lot, none at the end
    ]
    assert all(symbol.gs1 for symbol in label.barcodes)


def test_long_lot_and_serial_get_their_own_symbols():
    label = carton_label(lot_facts(lot="L" * 20), "S" * 20)
    assert [symbol.elements for symbol in label.barcodes] == [
        (("01", "08931234567897"), ("13", "260615")),
        (("10", "L" * 20),),
        (("21", "S" * 20),),
    ]


def test_no_gtin_falls_back_to_a_short_link_and_plain_code_128():
    label = carton_label(lot_facts(gtin=None, lot="LÔ/26".replace("Ô", "O")), "7")
    assert label.qr == f"{BASE}/t/LO%2F26"
    (symbol,) = label.barcodes
    assert (symbol.gs1, symbol.data, symbol.hri) == (False, "LO/26", "LO/26")


def test_pallet_with_one_lot_has_02_37_10_and_the_sscc_lowest():
    label = pallet_label(pallet_facts())
    elements = [element for symbol in label.barcodes for element in symbol.elements]
    assert elements == [
        ("02", "08931234567897"),
        ("37", "40"),
        ("10", "LOT26A"),
        ("00", "089312340000000424"),
    ]
    assert label.barcodes[-1].elements == (("00", "089312340000000424"),)
    assert label.barcodes[-1].hri == "(00)089312340000000424"
    assert label.fields[0] == Field("SSCC", "0 8931234 000000042 4")
    assert Field("Count", "40") in label.fields
    assert Field("Batch/Lot", "LOT26A") in label.fields
    assert (label.ship_to.name, label.ship_to.country, label.market) == (
        "Tokyo Fresh KK",
        "Japan",
        "JP",
    )


def test_pallet_with_two_lots_has_no_02_only_the_sscc():
    label = pallet_label(
        pallet_facts(
            PalletLine("8931234567897", "LOT26A", 30), PalletLine("8931234567897", "LOT26B", 10)
        )
    )
    assert [symbol.elements for symbol in label.barcodes] == [(("00", "089312340000000424"),)]
    assert Field("Count", "40 cartons, 2 lots") in label.fields
    assert Field("Lot", "LOT26B × 10 (8931234567897)") in label.fields


def test_sscc_without_a_known_prefix_sets_apart_only_extension_and_check_digits():
    label = pallet_label(pallet_facts(company_prefix=None))
    assert label.fields[0] == Field("SSCC", "0 8931234000000042 4")


def test_sticker_is_a_short_link_and_its_code():
    sticker = sticker_label(BASE + "/", "ABC-12")
    assert (sticker.code, sticker.qr) == ("ABC-12", f"{BASE}/t/ABC-12")


def test_carton_labels_is_lazy_and_in_order():
    labels = carton_labels(lot_facts(), iter(["1", "2", "3"]))
    assert next(labels).serial == "1"
    assert [label.serial for label in labels] == ["2", "3"]


@pytest.mark.parametrize(
    ("change", "serial", "message"),
    [
        ({"gtin": "8931234567890"}, "1", "check digit should be 7"),
        ({"lot": "LOT 26"}, "1", 'character " " is not allowed'),
        ({}, "", "should have 1 to 20 characters"),
        ({"market": "JPN"}, "1", "should be two letters"),
        ({"names": {"en": "Lychee"}}, "1", "a Vietnamese name is required"),
    ],
)
def test_bad_facts_are_refused_with_a_message_that_says_why(change, serial, message):
    with pytest.raises(ValueError, match=message):
        carton_label(lot_facts(**change), serial)


def test_bad_pallets_are_refused():
    with pytest.raises(GS1Error, match="check digit"):
        pallet_label(pallet_facts(sscc="089312340000000425"))
    with pytest.raises(ValueError, match="positive integer"):
        pallet_label(pallet_facts(PalletLine(None, "L1", 0)))
    with pytest.raises(ValueError, match="at least one lot"):
        pallet_label(replace(pallet_facts(), contents=()))


def test_no_symbol_holds_more_than_48_data_characters():
    # 16 + 8 + 22 + 1 + 22 = 69 data characters would not go in one symbol.
    symbols = split_symbols(
        [("01", "08931234567897"), ("13", "260615"), ("10", "9" * 20), ("21", "8" * 20)]
    )
    assert all(len(symbol.data) <= MAX_DATA_CHARACTERS for symbol in symbols)


def test_the_content_module_loads_no_renderer_or_framework():
    code = (
        "import sys, trace.labels.content; "
        "print(','.join(m for m in ('reportlab', 'zxingcpp', 'barcode', 'flask', 'sqlalchemy')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
