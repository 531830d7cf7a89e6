"""Lychee to China by road: a truck through a border gate, GACC registrations, a Chinese
consignee; the rules' answers and what the EPCIS export says. Plain API tests on SQLite (the
walkthrough, tests/test_walkthrough_china.py, runs the whole flow on both databases)."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.epcis.conftest import assert_valid
from tests.flows import GACC_HOUSE, GTIN, china_master_data, count_rows, shipment_body, truck_body


@pytest.fixture
def database_url(sqlite_template, tmp_path):
    path = tmp_path / "trace.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def cn(api, ids):
    return china_master_data(api, ids)


def _loaded(api, cn, season, **changes):
    response = api.as_("worker").post("/shipments", json=truck_body(cn, season["ssccs"], **changes))
    assert response.status_code == 201, response.json
    return response.json


def test_a_truck_loads_departs_crosses_at_its_gate_and_arrives(api, cn, season, engine):
    worker = api.as_("worker")
    shipment = _loaded(api, cn, season)
    assert shipment["conveyance"] == "road" and shipment["container_no"] is None
    assert (shipment["truck_plate"], shipment["trailer_plate"]) == ("34C-123.45", "34R-012.34")
    assert shipment["border_gate"] == "huu_nghi" and shipment["crossed_at"] is None
    path = f"/shipments/{shipment['id']}"

    # Arriving before crossing, or crossing before leaving, is refused and records nothing.
    before = count_rows(engine)
    early = worker.post(f"{path}/crossings", json={"crossed_at": "2026-06-12T10:00:00+07:00"})
    assert early.status_code == 409 and early.json["kind"] == "shipment.cross_order"
    response = worker.post(f"{path}/departures", json={"departed_at": "2026-06-12T06:00:00+07:00"})
    assert response.status_code == 201, response.json
    before = count_rows(engine)
    response = worker.post(f"{path}/arrivals", json={"arrived_at": "2026-06-12T16:00:00+08:00"})
    assert response.status_code == 409 and response.json["kind"] == "shipment.not_crossed"
    assert count_rows(engine) == before

    crossing = worker.post(f"{path}/crossings", json={"crossed_at": "2026-06-12T10:20:00+07:00"})
    assert crossing.status_code == 201, crossing.json
    assert crossing.json["type"] == "cross"
    again = worker.post(f"{path}/crossings", json={"crossed_at": "2026-06-12T10:30:00+07:00"})
    assert again.status_code == 409 and again.json["params"]["status"] == "crossed"
    response = worker.post(f"{path}/arrivals", json={"arrived_at": "2026-06-12T09:00:00+07:00"})
    assert response.status_code == 422  # before it crossed
    response = worker.post(f"{path}/arrivals", json={"arrived_at": "2026-06-12T16:00:00+08:00"})
    assert response.status_code == 201, response.json

    shown = api.as_("inspector").get(path).json
    assert shown["crossed_at"].startswith("2026-06-12T03:20") and shown["status"] == "arrived"

    document = json.loads(
        api.as_("inspector").get(f"/exports/epcis?shipment={shipment['id']}").data
    )
    assert_valid(document)
    events = document["epcisBody"]["eventList"]
    (cross,) = [e for e in events if e.get("bizStep") == "entering_exiting"]
    assert (
        cross["eventTime"] == "2026-06-12T10:20:00.000+07:00"
        and cross["disposition"] == "in_transit"
    )
    assert cross["trace:borderGate"] == "huu_nghi" and cross["trace:truckPlate"] == "34C-123.45"
    assert sorted(cross["epcList"]) == sorted(f"https://id.gs1.org/00/{s}" for s in season["ssccs"])
    (load,) = [e for e in events if e.get("bizStep") == "loading"]
    assert load["trace:conveyance"] == "road" and load["trace:trailerPlate"] == "34R-012.34"

    # The lot's public page: in Simplified Chinese for a phone set to zh, zh-CN or zh-Hans (not
    # to Traditional Chinese), with the gate and the crossing, never the truck's plates.
    lot_url = f"/01/{GTIN}/10/{season['packed']}"
    for sent in ("zh", "zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans-CN", "en;q=0.5,zh-Hans"):
        page = api.client.get(lot_url, headers={"Accept-Language": sent}).get_data(as_text=True)
        assert '<html lang="zh-Hans">' in page, sent
        assert "由货车经友谊关口岸运输" in page and "2026年6月12日 10:20 过境" in page
        assert "34C-123.45" not in page and "34R-012.34" not in page
    page = api.client.get(lot_url, headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "By truck through the Hữu Nghị border gate" in page


BAD_TRUCKS = [
    ({"truck_plate": None}, "truck_plate"),
    ({"border_gate": None}, "border_gate"),
    ({"truck_plate": "34C-12"}, "truck_plate"),
    ({"trailer_plate": "trailer"}, "trailer_plate"),
    ({"border_gate": "lang_son"}, "border_gate"),
    ({"conveyance": "rail"}, "conveyance"),
    ({"conveyance": "sea"}, "truck_plate"),  # a ship has no plate
]


def test_a_road_shipment_missing_or_misspelling_its_truck_is_a_422(api, cn, season, engine):
    before = count_rows(engine)
    for changes, field in BAD_TRUCKS:
        body = truck_body(cn, season["ssccs"], **changes)
        response = api.as_("worker").post(
            "/shipments", json={k: v for k, v in body.items() if v is not None}
        )
        assert response.status_code == 422, (changes, response.json)
        assert field in response.json["errors"]["json"], (changes, response.json)
    assert count_rows(engine) == before

    # A ship does not cross a border gate.
    shipment = api.as_("worker").post("/shipments", json=shipment_body(cn, season["ssccs"])).json
    assert shipment["conveyance"] == "sea"
    response = api.as_("worker").post(
        f"/shipments/{shipment['id']}/crossings", json={"crossed_at": "2026-06-13T10:00:00+07:00"}
    )
    assert response.status_code == 409 and response.json["kind"] == "shipment.not_by_road"


def test_china_takes_a_consignee_in_china_and_the_chain_s_gacc_registrations(
    api, cn, season, engine
):
    worker = api.as_("worker")
    before = count_rows(engine)
    response = worker.post(
        "/shipments", json=truck_body(cn, season["ssccs"], consignee_id=cn["importer"])
    )
    assert response.status_code == 409
    assert response.json["kind"] == "market.consignee_outside"
    assert response.json["params"] == {
        "consignee": "Tokyo Fresh Trading KK",
        "market": "CN",
        "country": "JP",
    }

    # A gate of China's border on a shipment to Japan names no gate of Japan's.
    body = truck_body(cn, season["ssccs"], market="JP", consignee_id=cn["importer"])
    response = worker.post("/shipments", json=body)
    assert response.status_code == 422 and response.json["kind"] == "market.unknown_gate"

    # The packing house's GACC registration suspended: the chain may not go to China.
    admin = api.as_("admin")
    house = admin.get(f"/locations/{cn['house']}").json
    (code,) = [c for c in house["codes"] if c["value"] == GACC_HOUSE]
    response = admin.patch(
        f"/locations/{cn['house']}",
        json={"code_status": [{"id": code["id"], "status": "suspended"}]},
    )
    assert response.status_code == 200, response.json
    response = worker.post("/shipments", json=truck_body(cn, season["ssccs"]))
    assert response.status_code == 409
    assert (
        "packing house 'Thanh Hà Fruit Packing' has no active GACC for CN"
        in response.json["message"]
    )
    assert count_rows(engine) == before

    # The registration's history: added, then suspended, each a version with who and when.
    history = admin.get(f"/locations/{cn['house']}/history").json
    assert [v["change"] for v in history[-2:]] == [
        f"code GACC {GACC_HOUSE} (CN) added (active)",
        f"code GACC {GACC_HOUSE} (CN) suspended",
    ]
