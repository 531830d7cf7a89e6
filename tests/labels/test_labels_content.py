"""What a label says: the pure builders, checked as plain values (no drawing)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.labels.decoding import BASE, NAMES, lot_facts, pallet_facts
from trace.gs1 import GS1Error
from trace.labels import code128
from trace.labels.content import (
    Field,
    carton_label,
    carton_labels,
    market_language,
    pallet_label,
    sticker_label,
    voice_pick_code,
)
from trace.labels.facts import PalletLine
from trace.labels.layout import label_symbols, layout
from trace.labels.linear import MAX_DATA_CHARACTERS, NARROWEST_MODULES, fit_symbols, linear_symbols

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
        ("CN", NAMES, "en"),  # no Chinese name: English
        ("CN", {**NAMES, "zh-Hans": "清河荔枝"}, "zh-Hans"),  # China's profile: zh-Hans
        ("CN", {**NAMES, "zh": "清河荔枝"}, "zh"),  # a name given as plain "zh" serves too
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


def test_eu_labels_add_the_consignees_language_class_and_packer():
    names = {**NAMES, "de": "Thanh-Ha-Litschi"}
    label = carton_label(
        lot_facts(market="EU", names=names, consignee_country="DE", packer="Nhà đóng gói A"), "1"
    )
    assert label.names == (NAMES["vi"], NAMES["en"], "Thanh-Ha-Litschi")
    assert label.origin == "Country of origin: Vietnam"
    assert label.stamps == ("Class I", "Packer: Nhà đóng gói A")
    unshipped = carton_label(lot_facts(market="EU", names=names), "1")
    assert unshipped.names == (NAMES["vi"], NAMES["en"])  # no consignee yet: English only


def test_australia_gets_its_wording_and_the_us_its_florida_stamp():
    assert carton_label(lot_facts(market="AU"), "1").origin == "Product of Vietnam for Australia"
    us = carton_label(lot_facts(market="US", stamps=("Treated with irradiation",)), "1")
    assert us.stamps == (
        "Not for importation into or distribution in the State of Florida",
        "Treated with irradiation",
    )


# Modules of 0.495 mm across 100 mm: 199 at 203 dpi (4 dots), 196 at 300 dpi (6 dots).
AT_203, AT_300 = 199, 196


def test_at_the_minimum_x_gtin_date_and_lot_fit_two_symbols_fixed_length_first():
    label = carton_label(lot_facts(), "00042")
    symbols = linear_symbols(label, AT_203, 2)
    # Two symbols at GS1's sizes: the serial does not fit (it stays in the QR and the text);
    # of the splits that fit, the one with the most room to spare for the quiet zones.
    assert [symbol.hri for symbol in symbols] == [
        "(01)08931234567897",
        "(13)260615(10)LOT26A",
    ]
    assert [symbol.data for symbol in symbols] == ["0108931234567897", "1326061510LOT26A"]
    assert all(symbol.gs1 for symbol in symbols)


def test_at_300_dpi_the_gtin_stands_alone_and_the_lot_comes_before_the_date():
    symbols = linear_symbols(carton_label(lot_facts(), "00042"), AT_300, 2)
    assert [symbol.hri for symbol in symbols] == ["(01)08931234567897", "(10)LOT26A"]


def _printed(label, dpi=203):
    """Each linear symbol the 100 mm label draws: its HRI and its module in dots."""
    drawing = layout(label, "100x150mm", dpi)
    bars = {op[5]: op[3] for op in drawing.shared + drawing.own if op[0] == "bars"}
    width = drawing.width
    return [(symbol.hri, bars[symbol.data]) for symbol in label_symbols(label, width, dpi)]


def test_a_carton_prints_gtin_and_lot_at_0_625_mm_rather_than_the_date_at_0_5_mm():
    # 0.5 mm modules are 1.9 camera pixels at 35 cm and miss 7 % of frames; 0.625 mm
    # ones under 1 % (bench/print_scan.py). The pack date stays in the text.
    assert _printed(carton_label(lot_facts(), "00042")) == [
        ("(01)08931234567897", 5),
        ("(10)LOT26A", 5),
    ]
    assert _printed(carton_label(lot_facts(), "00042"), 300) == [
        ("(01)08931234567897", 7),
        ("(10)LOT26A", 7),
    ]


def test_a_lot_that_fits_only_at_the_minimum_x_is_kept_there():
    label = carton_label(lot_facts(lot="TH26A0701"), "00042")
    assert _printed(label) == [("(01)08931234567897(13)260615", 4), ("(10)TH26A0701", 4)]
    # Each symbol gets the widest X its own width allows.
    assert _printed(label, 300) == [("(01)08931234567897", 7), ("(10)TH26A0701", 6)]


def test_a_pallets_20_digit_symbols_stay_at_the_minimum_x_100_mm_allow():
    # (20 digits: 156 modules and 10X quiet zones each side are 880 dots at 5 dots.)
    assert _printed(pallet_label(pallet_facts())) == [
        ("(02)08931234567897(37)40", 4),
        ("(00)089312340000000424", 4),
    ]


def test_fnc1_follows_a_variable_length_value_that_is_not_last():
    (symbol,) = fit_symbols((("10", "L1"), ("21", "7")), AT_203, 1)
    assert symbol.data == f"10L1{GS}217"


def test_a_20_character_lot_and_13_character_serial_are_left_to_the_qr_and_text():
    # At 0.495 mm neither fits 100 mm with its quiet zones: no narrower symbol is made.
    label = carton_label(lot_facts(lot="L" * 20), "7KQ2M9XD4TNRB")
    for modules in (AT_203, AT_300, 203):
        elements = {ai for symbol in linear_symbols(label, modules, 2) for ai, _ in symbol.elements}
        assert elements <= {"01", "13"} and "01" in elements
    assert "/10/" + "L" * 20 + "/21/7KQ2M9XD4TNRB" in label.qr
    assert Field("Serial", "7KQ2M9XD4TNRB") in label.fields


def test_a_numeric_20_digit_lot_still_fits_in_code_set_c():
    label = carton_label(lot_facts(lot="2" * 20), "7KQ2M9XD4TNRB")
    assert ("10", "2" * 20) in [
        pair for symbol in linear_symbols(label, AT_300, 2) for pair in symbol.elements
    ]


@pytest.mark.parametrize(
    ("gtin", "lot", "pack", "code"),
    [
        # Published examples of the PTI voice pick code; see tests/labels/README.md.
        ("61414100734933", "32abcd", date(2003, 1, 2), "8079"),
        ("61414100734933", "32ABCD", date(2001, 1, 1), "1085"),
        ("12345678901244", "LOT123", date(2003, 1, 2), "6991"),
    ],
)
def test_voice_pick_code_matches_the_published_examples(gtin, lot, pack, code):
    assert voice_pick_code(gtin, lot, pack) == code


def test_only_us_cartons_carry_the_voice_pick_code():
    us = carton_label(lot_facts(market="US"), "1")
    assert us.voice_pick == voice_pick_code("08931234567897", "LOT26A", date(2026, 6, 15))
    assert carton_label(lot_facts(market="JP"), "1").voice_pick is None
    assert carton_label(lot_facts(market="US", gtin=None), "1").voice_pick is None


def test_no_gtin_falls_back_to_a_short_link_and_plain_code_128():
    label = carton_label(lot_facts(gtin=None, lot="LÔ/26".replace("Ô", "O")), "7")
    assert label.qr == f"{BASE}/t/LO%2F26"
    (symbol,) = linear_symbols(label, AT_203, 2)
    assert (symbol.gs1, symbol.data, symbol.hri) == (False, "LO/26", "LO/26")


def test_pallet_with_one_lot_has_02_37_10_and_the_sscc_lowest():
    label = pallet_label(pallet_facts())
    assert label.elements == (("02", "08931234567897"), ("37", "40"), ("10", "LOT26A"))
    symbols = linear_symbols(label, NARROWEST_MODULES, 2)
    # Room for two symbols: (02) with its mandatory (37), then the SSCC, lowest.
    assert [symbol.elements for symbol in symbols] == [
        (("02", "08931234567897"), ("37", "40")),
        (("00", "089312340000000424"),),
    ]
    assert symbols[-1].hri == "(00)089312340000000424"
    three = linear_symbols(label, NARROWEST_MODULES, 3)
    assert [symbol.hri for symbol in three][1:] == ["(10)LOT26A", "(00)089312340000000424"]
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
    assert [symbol.elements for symbol in linear_symbols(label, NARROWEST_MODULES, 2)] == [
        (("00", "089312340000000424"),)
    ]
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
    elements = (("01", "08931234567897"), ("13", "260615"), ("10", "9" * 20), ("21", "8" * 20))
    symbols = fit_symbols(elements, 1000, 1)  # wide enough, but 69 characters
    assert symbols and all(len(symbol.data) <= MAX_DATA_CHARACTERS for symbol in symbols)


def test_ai_02_never_goes_without_ai_37():
    elements = (("02", "08931234567897"), ("37", "1" * 8), ("10", "L"))
    for modules in range(150, 260, 10):
        for symbol in fit_symbols(elements, modules, 1):
            ais = [ai for ai, _ in symbol.elements]
            assert ("02" in ais) == ("37" in ais)


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


def test_the_exporters_contact_gives_a_phone_or_email_and_the_web_site():
    def shown(contact):
        label = carton_label(lot_facts(contact=contact), "00042")
        return {f.title: f.value for f in label.fields if f.title in ("Contact", "Web")}

    assert shown(None) == {}
    assert shown({"phone": "+84 220 3850 123", "email": "a@b.example"}) == {
        "Contact": "+84 220 3850 123"
    }
    assert shown({"email": "a@b.example", "website": "https://b.example/"}) == {
        "Contact": "a@b.example",
        "Web": "b.example",
    }


CARROTS = {"vi": "Cà rốt Cẩm Giàng", "en": "Cam Giang carrots", "ko": "깜장 당근",
           "de": "Karotten aus Cẩm Giàng"}  # fmt: skip


def test_korean_cartons_name_the_carrots_in_korean():
    label = carton_label(lot_facts(names=CARROTS, market="KR", treatment=None), "7")
    assert label.names == ("Cà rốt Cẩm Giàng", "깜장 당근")
    assert label.origin == "Product of Vietnam"


def test_european_cartons_carry_origin_class_and_packer_in_english_and_the_consignees_language():
    facts = lot_facts(names=CARROTS, market="EU", treatment=None,
                      packer="HTX Cẩm Giàng, Cẩm Giàng, Hải Dương", consignee_country="DE")  # fmt: skip
    label = carton_label(facts, "7")
    assert label.names == ("Cà rốt Cẩm Giàng", "Cam Giang carrots", "Karotten aus Cẩm Giàng")
    assert label.origin == "Country of origin: Vietnam"
    assert label.stamps == ("Class I", "Packer: HTX Cẩm Giàng, Cẩm Giàng, Hải Dương")
    # A consignee in Ireland reads English: no second language; no name in Dutch: English.
    assert carton_label(replace(facts, consignee_country="IE"), "7").names[1:] == (
        "Cam Giang carrots",
    )
    assert carton_label(replace(facts, consignee_country="NL"), "7").names[1:] == (
        "Cam Giang carrots",
    )


@pytest.mark.parametrize("lot", ["LOT26A", "20260615HD01", "lot-26a"])
def test_a_lots_cartons_share_its_label_and_differ_by_serial_only(lot):
    facts = lot_facts(lot=lot, market="US")
    serials = ["00042", "7KQ2M9XD4TNRB", "7kq2m9xd4tnrb", "42", "A1"]
    labels = list(carton_labels(facts, serials))
    assert labels == [carton_label(facts, serial) for serial in serials]
    for label, serial in zip(labels, serials, strict=True):
        assert label.serial == serial and label.qr.endswith(f"/21/{serial}")
        assert ("21", serial) in label.elements and Field("Serial", serial) in label.fields
        # The split asked with values of the same Code 128 shape is the split itself.
        for modules in (150, 176, AT_300, AT_203, 260, 400):
            assert linear_symbols(label, modules, 2) == fit_symbols(label.elements, modules, 2)
