"""GET /exports/epcis: every document validates against GS1's schema (strictly) and says in
EPCIS what the walkthrough recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from tests.epcis.conftest import assert_valid, events_of
from tests.flows import GTIN

BASE = "http://127.0.0.1:5000"  # TRACE_PUBLIC_BASE_URL's default
HOUSE_GLN = "https://id.gs1.org/414/8931234000011"


def export(api, query, role="inspector"):
    response = api.as_(role).get(f"/exports/epcis?{query}")
    assert response.status_code == 200, response.data[:500]
    assert response.content_type == "application/ld+json"
    document = json.loads(response.data)
    assert_valid(document)
    return document


def by_step(document):
    out = {}
    for event in events_of(document):
        out.setdefault(event.get("bizStep"), []).append(event)
    return out


def test_a_lot_export_is_its_whole_chain_in_epcis(api, shipped):
    document = export(api, f"lot={shipped['packed']}")
    assert document["type"] == "EPCISDocument" and document["schemaVersion"] == "2.0"
    assert document["@context"][0].endswith("/epcis-context.jsonld")
    assert document["@context"][1] == {"trace": f"{BASE}/ns/epcis/"}
    steps = by_step(document)
    harvest_lot = f"{BASE}/id/lot/{shipped['harvest']}"  # no GTIN: our own URI
    packed_lot = f"https://id.gs1.org/01/{GTIN}/10/{shipped['packed']}"

    (harvest,) = [e for e in steps["creating_class_instance"] if e["type"] == "ObjectEvent"]
    assert harvest["action"] == "ADD" and harvest["disposition"] == "active"
    assert harvest["quantityList"] == [{"epcClass": harvest_lot, "quantity": 1200, "uom": "KGM"}]
    assert harvest["ilmd"]["trace:growingAreaCodes"] == [
        {"trace:scheme": "PUC", "trace:code": "VN-HDTH-0112", "trace:market": "JP"}
    ]
    assert harvest["eventTime"].endswith("+07:00") and harvest["eventTimeZoneOffset"] == "+07:00"

    (receipt,) = steps["receiving"]
    assert receipt["quantityList"] == [{"epcClass": harvest_lot, "quantity": 1180, "uom": "KGM"}]
    assert receipt["bizLocation"] == {"id": HOUSE_GLN}
    assert receipt["destinationList"] == [{"type": "location", "destination": HOUSE_GLN}]
    assert receipt["sourceList"][0]["source"].startswith(f"{BASE}/id/location/")

    (treatment,) = steps["inspecting"]
    assert treatment["trace:treatment"]["trace:method"] == "fumigation"
    assert treatment["trace:treatment"]["trace:batchNumber"] == "MB-260611-03"
    assert {"trace:name": "dose_g_m3", "trace:value": 32} in treatment["trace:treatment"][
        "trace:parameters"
    ]
    assert treatment["bizTransactionList"] == [
        {"type": "cert", "bizTransaction": f"{BASE}/id/doc/cert/FUM-2026-0611-03"}
    ]

    (pack,) = [e for e in events_of(document) if e["type"] == "TransformationEvent"]
    assert pack["inputQuantityList"] == [{"epcClass": harvest_lot, "quantity": 1000, "uom": "KGM"}]
    assert pack["outputQuantityList"] == [{"epcClass": packed_lot, "quantity": 200, "uom": "CT"}]

    pallets = steps["packing"]
    assert sorted(p["parentID"] for p in pallets) == sorted(
        f"https://id.gs1.org/00/{sscc}" for sscc in shipped["ssccs"]
    )
    assert all(
        p["childQuantityList"] == [{"epcClass": packed_lot, "quantity": 100, "uom": "CT"}]
        for p in pallets
    )

    (ship,) = steps["shipping"]
    assert ship["disposition"] == "in_transit"
    assert sorted(ship["epcList"]) == sorted(
        f"https://id.gs1.org/00/{sscc}" for sscc in shipped["ssccs"]
    )
    assert ship["bizTransactionList"] == [
        {"type": "bol", "bizTransaction": f"{BASE}/id/doc/bol/HPH-TYO-0611"},
        {"type": "cert", "bizTransaction": f"{BASE}/id/doc/cert/VN-PC-2026-118822"},
    ]
    assert ship["sourceList"][0]["type"] == "owning_party"
    assert ship["destinationList"][0]["type"] == "owning_party"
    assert ship["trace:market"] == "JP" and ship["trace:containerNumber"] == "MSCU1234565"
    assert steps["loading"][0]["trace:market"] == "JP"
    ids = [e["eventID"] for e in events_of(document)]
    assert len(ids) == len(set(ids)) == 8


def test_a_shipment_export_and_a_time_range(api, shipped):
    document = export(api, f"shipment={shipped['shipment']}")
    assert len(events_of(document)) == 8  # everything upstream of the shipment
    document = export(api, "from=2026-06-11&to=2026-06-11")
    assert {e.get("bizStep") for e in events_of(document)} == {
        "inspecting",
        "creating_class_instance",
        "packing",
    }  # the treatment, the packing and the pallets, on 11 June in Vietnam
    document = export(
        api, f"lot={shipped['harvest']}&from=2026-06-12T00:00:00%2B07:00&to=2026-06-12"
    )
    assert [e["bizStep"] for e in events_of(document)] == ["loading", "shipping"]


def test_importers_export_only_their_own_shipments(api, ids, shipped, engine):
    from sqlmodel import Session

    from trace.services import users

    osaka = api.as_("admin").post("/locations", json={"kind": "importer", "name": "Osaka"}).json
    with Session(engine) as session:
        _, api.tokens["importer"] = users.create(session, "tokyo", "importer", ids["importer"])
        _, api.tokens["osaka"] = users.create(session, "osaka", "importer", osaka["id"])
    document = export(api, f"shipment={shipped['shipment']}", role="importer")
    assert len(events_of(document)) == 8
    response = api.as_("osaka").get(f"/exports/epcis?shipment={shipped['shipment']}")
    assert response.status_code == 403 and "not consigned to you" in response.json["message"]
    response = api.as_("importer").get(f"/exports/epcis?lot={shipped['packed']}")
    assert response.status_code == 403
    assert "its own shipments" in response.json["message"]
    response = api.as_("worker").get(f"/exports/epcis?lot={shipped['packed']}")
    assert response.status_code == 403


def test_a_correction_is_an_error_declaration_and_a_corrective_event(api, shipped):
    events = api.get(f"/lots/{shipped['harvest']}/events").json
    receipt = events[1]
    fix = api.as_("worker").post(
        f"/events/{receipt['id']}/corrections",
        json={"reason": "scale read 20 kg high", "changes": {"quantity": 1160}},
    )
    assert fix.status_code == 201, fix.json
    document = export(api, f"lot={shipped['harvest']}")
    listed = events_of(document)
    original = next(e for e in listed if e["eventID"] == receipt["event_id"])
    corrective = next(e for e in listed if e["eventID"] == fix.json["event_id"])
    assert original["quantityList"][0]["quantity"] == 1180  # as recorded, never rewritten
    assert original["errorDeclaration"]["reason"] == "incorrect_data"
    assert original["errorDeclaration"]["correctiveEventIDs"] == [fix.json["event_id"]]
    assert original["errorDeclaration"]["trace:reason"] == "scale read 20 kg high"
    assert corrective["quantityList"][0]["quantity"] == 1160
    assert corrective["eventTime"] == original["eventTime"]
    assert (
        corrective["bizStep"] == "receiving" and corrective["trace:corrects"] == receipt["event_id"]
    )
    assert listed.index(corrective) == listed.index(original) + 1


def test_inspections_and_coolings_use_standard_fields(api, ids, season):
    worker = api.as_("worker")
    response = worker.post(
        f"/lots/{season['harvest']}/coolings",
        json={"location_id": ids["house"], "cooled_at": "2026-06-10T16:00:00+07:00",
              "temperature_c": 4.5, "duration_h": 6},
    )  # fmt: skip
    assert response.status_code == 201, response.json
    response = worker.post(
        f"/lots/{season['packed']}/inspections",
        json={"inspected_at": "2026-06-11T15:00:00+07:00", "result": "pass",
              "kind": "phytosanitary", "notes": "internal note"},
    )  # fmt: skip
    assert response.status_code == 201, response.json
    document = export(api, f"lot={season['packed']}")
    cooling = next(e for e in events_of(document) if e.get("bizStep") == "storing")
    assert cooling["sensorElementList"] == [
        {"sensorReport": [{"type": "Temperature", "value": 4.5, "uom": "CEL"}]}
    ]
    assert cooling["trace:durationHours"] == 6
    inspection = next(e for e in events_of(document) if e.get("trace:result"))
    assert inspection["disposition"] == "conformant"
    assert "internal note" not in json.dumps(document)  # notes stay internal


def test_export_needs_a_scope(api, shipped):
    response = api.as_("inspector").get("/exports/epcis")
    assert response.status_code == 422
    response = api.as_("inspector").get("/exports/epcis?lot=NOPE")
    assert response.status_code == 404
