"""Who may capture what (docs/epcis.md): an importer's captured events may name our lots and
pallets only where they travelled on a shipment consigned to it, and none of our places but its
own (or a port); it declares erroneous only events it captured. Anything else: 403, nothing
stored."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.epcis.test_capture import capture
from tests.flows import GTIN, count_rows, shipment_body
from trace.services import users

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def document(*events: dict) -> dict:
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-06-20T10:00:00+09:00",
        "epcisBody": {"eventList": list(events)},
    }


def receipt(n: int, **fields) -> dict:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:5d3bd1b6-2d61-4a4e-9f57-6f5f2d1f{n:04d}",
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "eventTime": "2026-06-20T09:00:00+09:00",
        "eventTimeZoneOffset": "+09:00",
        **fields,
    }


@pytest.fixture
def half_shipped(api, engine, ids, season):
    """The first pallet shipped to Tokyo Fresh, the second still at the house; an importer user
    of Tokyo Fresh, and one of another importer."""
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"][:1]))
    assert response.status_code == 201, response.json
    other = api.as_("admin").post(
        "/locations",
        json={"kind": "importer", "name": "Osaka Produce KK", "address": {"country": "JP"}},
    )
    assert other.status_code == 201, other.json
    with Session(engine) as session:
        _, api.tokens["importer"] = users.create(session, "tokyo", "importer", ids["importer"])
        _, api.tokens["other"] = users.create(session, "osaka", "importer", other.json["id"])
    return season


ITS_OWN = ["https://id.gs1.org/01/04512345000019/21/77"]  # a product we do not hold


def sscc(n: str) -> str:
    return f"https://id.gs1.org/00/{n}"


def test_an_importer_captures_about_its_own_shipment(api, engine, half_shipped):
    shipped, kept = half_shipped["ssccs"]
    lot = f"https://id.gs1.org/01/{GTIN}/10/{half_shipped['packed']}"
    own = receipt(1, epcList=[sscc(shipped)], quantityList=[{"epcClass": lot, "quantity": 100}])
    # its own products and places, which we do not hold, are its business
    theirs = receipt(2, epcList=ITS_OWN)
    response = capture(api, document(own, theirs), role="importer")
    assert response.status_code == 202, response.json
    assert response.json["storedCount"] == 2

    before = count_rows(engine)
    for role, event, named in (
        ("importer", receipt(3, epcList=[sscc(kept)]), sscc(kept)),  # not shipped to it
        ("other", receipt(4, epcList=[sscc(shipped)]), sscc(shipped)),  # another's shipment
        ("other", receipt(5, quantityList=[{"epcClass": lot, "quantity": 1}]), lot),
    ):
        response = capture(api, document(theirs, event), role=role)
        assert response.status_code == 403, (role, event["eventID"])
        assert response.json["code"] == 403
        assert response.json["type"] == "epcisException:SecurityException"
        assert response.json["errors"] == [
            {
                "index": 1,
                "reason": f"names {named}, one of our "
                f"{'pallet' if '/00/' in named else 'lot'}s that is not on a shipment consigned "
                "to you: an importer captures events about its own shipments only",
            }
        ]
        assert response.json["message"].startswith("nothing was captured: event 1: names")
    assert count_rows(engine) == before
    # a worker of ours may record what it knows of the pallet still at the house
    response = capture(api, document(receipt(3, epcList=[sscc(kept)])), role="worker")
    assert response.status_code == 202, response.json


def test_an_importer_captures_at_its_own_place(api, engine, ids, half_shipped):
    house = "https://id.gs1.org/414/8931234000011"  # the packing house's GLN
    before = count_rows(engine)
    response = capture(
        api, document(receipt(6, epcList=ITS_OWN, bizLocation={"id": house})), role="importer"
    )
    assert response.status_code == 403, response.json
    assert response.json["errors"][0]["reason"] == (
        f"its bizLocation {house} is Thanh Hà Fruit Packing, not your place: an importer "
        "captures events at its own place (or a port)"
    )
    assert count_rows(engine) == before
    port = api.as_("admin").post(
        "/locations",
        json={"kind": "port", "name": "Port of Tokyo", "gln": "4512345000028",
              "address": {"country": "JP"}},
    )  # fmt: skip
    assert port.status_code == 201, port.json
    at_port = receipt(7, epcList=ITS_OWN, readPoint={"id": "urn:epc:id:sgln:4512345.00002.0"})
    response = capture(api, document(at_port), role="importer")
    assert response.status_code == 202, response.json


def test_an_importer_declares_only_its_own_events_erroneous(api, engine, half_shipped):
    shipped = sscc(half_shipped["ssccs"][0])
    ours, its = receipt(8, epcList=[shipped]), receipt(9, epcList=[shipped])
    assert capture(api, document(ours), role="worker").status_code == 202
    assert capture(api, document(its), role="importer").status_code == 202
    declaration = {"declarationTime": "2026-06-20T12:00:00+09:00", "reason": "incorrect_data"}
    before = count_rows(engine)
    response = capture(api, document({**ours, "errorDeclaration": declaration}), role="importer")
    assert response.status_code == 403, response.json
    assert response.json["errors"] == [
        {
            "index": 0,
            "reason": f"eventID {ours['eventID']} was captured by another party: only they may "
            "declare it erroneous",
        }
    ]
    assert count_rows(engine) == before
    response = capture(api, document({**its, "errorDeclaration": declaration}), role="importer")
    assert response.status_code == 202, response.json
    # the declaration joins the pallet's timeline as a correction of the importer's event
    trace = api.get(f"/trace/{half_shipped['ssccs'][0]}?direction=backward").json
    kinds = {e["event_id"]: e for e in trace["events"]}
    (correction,) = [e for e in trace["events"] if e["type"] == "correct"]
    assert correction["corrects_id"] == kinds[its["eventID"]]["id"]
    assert correction["data"]["errorDeclaration"] == declaration
