"""`identify`: any code a scanner types or a person keys in names one lot, carton, pallet,
place, shipment or product, or says why it names none (trace/services/identify.py)."""

from __future__ import annotations

import pytest

from tests.flows import GTIN, statements
from trace.domain.errors import Invalid, NotFound
from trace.services import tracing
from trace.services.identify import identify

GS = "\x1d"
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _named(session, text):
    found = identify(session, text)
    return found.kind, found.key, found.serial


@sqlite_only
def test_a_carton_is_named_by_every_form_its_codes_are_read_in(session, season):
    lot = season["packed"]
    carton = ("carton", lot, "7")
    for text in [
        f"https://trace.example/01/{GTIN}/10/{lot}/21/7",  # the QR's Digital Link
        f"]C101{GTIN}10{lot}{GS}217",  # a GS1-128 scanner: symbology identifier, FNC1 as GS
        f"]C101{GTIN}10{lot}\\x1d217",  # a wedge that types GS as the four characters \x1d
        f"  (01){GTIN}(10){lot}(21)7 ",  # the human readable line, keyed in
    ]:
        assert _named(session, text) == carton, text
    assert _named(session, f"01{GTIN}10{lot}") == ("lot", lot, None)  # without ]C1
    found = identify(session, f"(01){GTIN}(10){lot}(21)7")
    assert found.parts == {"01": GTIN, "10": lot, "21": "7"}
    assert found.node.startswith("lot:")
    assert _named(session, f"https://trace.example/t/{lot}") == ("lot", lot, None)  # short form
    assert _named(session, "https://trace.example/ARA-7iCtsg") == ("product", GTIN, None)
    with pytest.raises(NotFound):  # not a link: a plain code, and no lot has it
        identify(session, "ARA-7iCtsg")
    assert _named(session, GTIN[1:]) == ("product", GTIN, None)  # a GTIN-13 alone


@sqlite_only
def test_a_pallet_is_named_by_its_sscc_in_every_form(session, season):
    sscc = season["ssccs"][1]
    for text in [sscc, f"(00){sscc}", f"00{sscc}", f"]C100{sscc}", f"https://id.gs1.org/00/{sscc}"]:
        assert _named(session, text) == ("pallet", sscc, None), text


def test_plain_codes_name_places_and_shipments_in_one_statement(session, engine, shipped, ids):
    shipment = shipped["shipment"]
    expected = {
        shipped["harvest"]: ("lot", shipped["harvest"]),
        "8931234000011": ("place", ids["house"]),  # the packing house's GLN
        "VN-HDTH-0112": ("place", ids["orchard"]),  # the orchard's growing-area code (PUC)
        "VN-PH-HD-007": ("place", ids["house"]),  # the packing house's code (PHC)
        "mscu1234565": ("shipment", shipment),  # the container number, as typed
        "VN-PC-2026-118822": ("shipment", shipment),  # the phytosanitary certificate
        "HPH-TYO-0611": ("shipment", shipment),  # the bill of lading
        str(shipment): ("shipment", shipment),  # the shipment's number
    }
    for code, (kind, ident) in expected.items():
        with statements(engine) as seen:
            found = identify(session, code)
        assert (found.kind, found.id if kind != "lot" else found.key) == (kind, ident), code
        assert len(seen) == 1, (code, seen)
    # trace and recall start from any of them: here a container number
    assert tracing.resolve(session, "MSCU1234565") == f"shipment:{shipment}"


@sqlite_only
def test_a_code_that_names_nothing_says_why(session, season):
    def refused(text):
        with pytest.raises((NotFound, Invalid)) as caught:
            identify(session, text)
        return caught.value.kind, caught.value.params

    assert refused("  ") == ("code.empty", {})
    assert refused("NOPE-123") == ("code.unknown", {"code": "NOPE-123"})
    sscc = season["ssccs"][0]
    wrong = sscc[:-1] + str((int(sscc[-1]) + 1) % 10)
    assert refused(wrong)[0] == "gs1.check_digit"  # 18 digits, no lot's code, no SSCC
    assert refused(f"(00){wrong}")[0] == "gs1.check_digit"
    other = "089312340000000011"
    assert refused(f"(00){other}") == ("pallet.unknown", {"sscc": other})
    assert refused(other) == ("pallet.unknown", {"sscc": other})
    assert refused(f"https://x.example/01/{GTIN}/10/NO-SUCH") == (
        "code.lot_of_gtin",
        {"lot": "NO-SUCH", "gtin": GTIN},
    )
    assert refused("https://x.example/01/09520123456788") == (
        "product.unknown_gtin",
        {"gtin": "09520123456788"},
    )
    assert refused(f"https://x.example/01/{GTIN}/21/7/10/LOT")[0] == "gs1.order"
    with pytest.raises(NotFound) as caught:
        tracing.resolve(session, f"(01){GTIN}")
    assert caught.value.kind == "code.product_only"
    with pytest.raises(NotFound) as caught:  # trace and recall answer 404, saying why
        tracing.resolve(session, wrong)
    assert caught.value.kind == "gs1.check_digit"
