"""The parts of the staff pages that need no page: the chain picture and reading a scan."""

from __future__ import annotations

import re

import pytest

from trace.web import chain, scan

NODES = [
    {"id": "location:1", "kind": "orchard", "label": "Vườn <b>&</b> 12", "codes": []},
    {"id": "lot:1", "kind": "harvest_lot", "label": "H1"},
    {"id": "lot:2", "kind": "packed_lot", "label": "P1"},
    {"id": "pallet:1", "kind": "pallet", "label": "089312340000000017"},
    {"id": "pallet:2", "kind": "pallet", "label": "089312340000000024"},
    {"id": "shipment:1", "kind": "shipment", "label": "Shipment 1"},
]
EDGES = [
    {"from": "location:1", "to": "lot:1", "quantity": 1200, "uom": "KGM"},
    {"from": "lot:1", "to": "lot:2", "quantity": 1000, "uom": "KGM"},
    {"from": "lot:2", "to": "pallet:1", "quantity": 100, "uom": "CT"},
    {"from": "lot:2", "to": "pallet:2", "quantity": 100, "uom": "CT"},
    {"from": "pallet:1", "to": "shipment:1", "quantity": 100, "uom": "CT"},
    {"from": "pallet:2", "to": "shipment:1", "quantity": 100, "uom": "CT"},
]


def picture(start="lot:2"):
    return str(
        chain.svg(
            NODES,
            EDGES,
            href=lambda n: f"/x/{n['id']}",
            detail=lambda n: n["kind"],
            titles={"place": "Orchards"},
            start=start,
            title="a <title>",
        )
    )


def test_the_picture_has_one_column_per_kind_and_a_link_per_node():
    svg = picture()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert re.findall(r'data-node="([^"]+)"', svg) == [n["id"] for n in NODES]
    xs = {
        m[0]: float(m[1])
        for m in re.findall(r'data-node="([^"]+)"><title>.*?</title><rect x="([\d.]+)"', svg)
    }
    assert (
        xs["location:1"]
        < xs["lot:1"]
        < xs["lot:2"]
        < xs["pallet:1"]
        == xs["pallet:2"]
        < xs["shipment:1"]
    )
    assert svg.count("<path") == len(EDGES)
    assert ">1200 kg<" in svg and ">100 ct<" in svg
    assert 'stroke="#0b6b3a" stroke-width="3"' in svg  # the lot the page is about


def test_the_picture_escapes_what_it_is_given():
    svg = picture()
    assert "<b>" not in svg and "Vườn &lt;b&gt;&amp;&lt;/b&gt; 12" in svg
    assert "a &lt;title&gt;" in svg


def test_an_empty_chain_draws_nothing():
    assert str(chain.svg([], [], href=lambda n: None, detail=lambda n: "", titles={})) == ""


@pytest.mark.parametrize(
    "text",
    ["{sscc}", "(00){sscc}", "00{sscc}", "]C100{sscc}", "https://id.gs1.org/00/{sscc}"],
)
def test_a_pallet_is_read_in_every_form_a_scanner_types(session, api, ids, season, text):
    sscc = season["ssccs"][0]
    found = scan.read(session, text.format(sscc=sscc))
    assert (found.kind, found.sscc) == ("pallet", sscc)


def test_reading_places_lots_and_nonsense(session, api, ids, season):
    assert scan.read(session, "VN-HDTH-0112").place.id == ids["orchard"]
    assert scan.read(session, "8931234000011").place.id == ids["house"]
    assert scan.read(session, f"  {season['packed']} ").lot.code == season["packed"]
    assert scan.read(session, "").problem.kind == "code.empty"
    assert str(scan.read(session, "(00)089312340000000012").problem).startswith("SSCC")
    assert scan.read(session, "hello").kind == "unknown"
