"""The loading rules as pure functions (trace/domain/shipping.py): a pallet ships once, a lot
on hold stays, and what a market's profile refuses. Each refusal carries the kind and params
the API sends and the staff pages word; no database, no web server."""

from __future__ import annotations

import pytest

from trace.domain import markets, shipping
from trace.domain.errors import RuleViolation
from trace.domain.shipping import Consignee, Loading, LotFacts, Place

JP, US, CN, KR = (markets.require(code) for code in ("JP", "US", "CN", "KR"))
TOKYO = Consignee("Tokyo Fresh Trading KK", "JP")
ORCHARD = Place("orchard", "Vườn vải Thanh Quang 12", frozenset({("PUC", "JP"), ("PUC", "US")}))
HOUSE = Place("packing_house", "Nhà đóng gói Thanh Hà", frozenset({("PHC", "JP")}))
FACILITY = Place("treatment_facility", "Khử trùng Hải Phòng", frozenset({("TFC", "JP")}))
FUMIGATED = LotFacts("L-0611", "lychee", frozenset({"fumigation"}))


def loading(**changes) -> Loading:
    """Two pallets of a fumigated lychee lot for Tokyo, every place holding its JP code."""
    facts = {
        "pallets": (("389312345600000017", None), ("389312345600000024", None)),
        "lots": (FUMIGATED,),
        "held": (),
        "places": (ORCHARD, HOUSE, FACILITY),
        "consignee": TOKYO,
    }
    return Loading(**(facts | changes))


def test_a_loading_the_market_takes_is_refused_nothing():
    assert shipping.loading_refusals(loading(), JP) == []


def test_a_pallet_ships_once_except_into_the_shipment_it_is_in():
    pallets = (("389312345600000017", 4), ("389312345600000024", None))
    (refusal,) = shipping.loading_refusals(loading(pallets=pallets), JP)
    assert refusal.kind == "shipment.pallet_shipped"
    assert refusal.params == {"sscc": "389312345600000017", "shipment": 4}
    assert refusal.message == (
        "pallet 389312345600000017 is already in shipment 4 (a pallet ships once)"
    )
    # the staff page re-checking shipment 4's own pallets finds nothing to refuse
    assert shipping.loading_refusals(loading(pallets=pallets), JP, own=4) == []


def test_lots_on_hold_are_named_in_one_refusal_and_refuse_what_is_asked():
    refusal = shipping.on_hold(["L-0611", "H-0610"], "ship")
    assert refusal.kind == "hold.on_hold"
    assert refusal.params == {"lots": ["H-0610", "L-0611"], "doing": "ship"}
    assert refusal.message.startswith("cannot ship: lot H-0610, L-0611 is on hold")
    assert shipping.on_hold([], "ship") is None
    with pytest.raises(RuleViolation, match="cannot pack: lot H-0610"):
        shipping.refuse_held(["H-0610"], "pack")


def test_each_place_without_the_markets_active_code_is_listed_with_its_issuer():
    refusal = shipping.codes_missing((ORCHARD, HOUSE, FACILITY), US)
    assert refusal.kind == "market.codes_missing"
    assert [(gap["name"], gap["scheme"]) for gap in refusal.params["missing"]] == [
        ("Nhà đóng gói Thanh Hà", "PHC"),
        ("Khử trùng Hải Phòng", "TFC"),
    ]
    assert refusal.params["missing"][0]["issuer"] == markets.PPD
    assert "packing house 'Nhà đóng gói Thanh Hà' has no active PHC for US" in refusal.message
    # China asks GACC's numbers of orchards and packing houses, nothing of the facility
    gaps = shipping.missing_codes((ORCHARD, HOUSE, FACILITY), CN)
    assert [(g["kind"], g["scheme"], g["issuer"]) for g in gaps] == [
        ("orchard", "GACC", "GACC"),
        ("packing_house", "GACC", "GACC"),
    ]


def test_a_consignee_outside_the_market_is_refused_naming_both():
    sydney = Consignee("Harbourside Fresh Imports Pty Ltd", "AU")
    refusal = shipping.consignee_outside(JP, sydney)
    assert refusal.kind == "market.consignee_outside"
    assert refusal.params == {"market": "JP", "consignee": sydney.name, "country": "AU"}
    nowhere = shipping.consignee_outside(JP, Consignee("No Address Ltd", None))
    assert "no country (its address has none)" in nowhere.message


def test_treatments_and_commodities_follow_the_markets_profile():
    refusal = shipping.treatment_gap(FUMIGATED, US)
    assert refusal.kind == "market.treatment_missing"
    assert refusal.params["needs"] == ["irradiation"] and refusal.params["had"] == ["fumigation"]
    untreated = shipping.treatment_gap(LotFacts("L-1", "lychee", frozenset()), JP)
    assert "it had no treatment" in untreated.message
    carrots = LotFacts("C-0301", "carrot", frozenset())
    assert shipping.treatment_gap(carrots, KR) is None  # Korea takes carrots untreated
    refusal = shipping.treatment_gap(carrots, JP)
    assert refusal.kind == "market.commodity_not_taken"
    assert refusal.params == {"market": "JP", "lot": "C-0301", "commodity": "carrot"}


def test_every_refusal_is_listed_in_the_order_loading_raises_them():
    found = shipping.loading_refusals(
        loading(
            pallets=(("389312345600000017", 9),),
            held=("H-0610",),
            consignee=Consignee("Harbourside Fresh Imports Pty Ltd", "AU"),
        ),
        US,
    )
    assert [refusal.kind for refusal in found] == [
        "shipment.pallet_shipped",
        "hold.on_hold",
        "market.codes_missing",
        "market.consignee_outside",
        "market.treatment_missing",
    ]


def test_a_journey_goes_in_order_departed_crossed_by_truck_then_arrived():
    shipping.refuse_departure(3, "loaded")
    shipping.refuse_crossing(3, "departed", "road", crossed=False)
    shipping.refuse_arrival(3, "departed", "road", crossed=True)
    shipping.refuse_arrival(4, "departed", "sea", crossed=False)
    refused = [
        (shipping.refuse_departure, (3, "departed"), "shipment.departed"),
        (shipping.refuse_crossing, (4, "departed", "sea", False), "shipment.not_by_road"),
        (shipping.refuse_crossing, (3, "departed", "road", True), "shipment.cross_order"),
        (shipping.refuse_crossing, (3, "loaded", "road", False), "shipment.cross_order"),
        (shipping.refuse_arrival, (3, "arrived", "road", True), "shipment.arrived"),
        (shipping.refuse_arrival, (3, "loaded", "sea", False), "shipment.not_departed"),
        (shipping.refuse_arrival, (3, "departed", "road", False), "shipment.not_crossed"),
    ]
    for rule, facts, kind in refused:
        with pytest.raises(RuleViolation) as error:
            rule(*facts)
        assert error.value.kind == kind, (rule.__name__, facts)
    with pytest.raises(RuleViolation, match="shipment 3 has crossed: a truck crosses once"):
        shipping.refuse_crossing(3, "departed", "road", True)
