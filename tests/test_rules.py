"""The rules that protect the truth: each rejection is a 409 with a message, and writes nothing."""

from __future__ import annotations

import pytest

from tests.flows import GTIN, count_rows, shipment_body


def harvest(api, ids, quantity=500, day="2026-06-15"):
    response = api.as_("worker").post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "variety": "Thanh Hà",
            "quantity": quantity,
            "unit": "kg",
            "harvested_on": day,
        },
    )
    assert response.status_code == 201, response.json
    return response.json["code"]


def receive(api, ids, code, quantity):
    return api.as_("worker").post(
        f"/lots/{code}/receipts",
        json={
            "location_id": ids["house"],
            "received_at": "2026-06-15T15:00:00+07:00",
            "quantity": quantity,
            "unit": "kg",
        },
    )


def pack(api, ids, inputs, cartons):
    return api.as_("worker").post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": code, "quantity": q, "unit": "kg"} for code, q in inputs],
            "cartons": cartons,
            "packed_on": "2026-06-16",
        },
    )


def rejected(api_call, engine, status=409):
    before = count_rows(engine)
    response = api_call()
    assert response.status_code == status, response.json
    assert count_rows(engine) == before, "a rejected request wrote something"
    return response.json["message"]


def test_receipts_never_exceed_the_harvest(api, ids, engine):
    code = harvest(api, ids, 500)
    assert receive(api, ids, code, 300).status_code == 201
    message = rejected(lambda: receive(api, ids, code, 250), engine)
    assert message == (
        f"lot {code}: 500 kg harvested, 300 received already; only 200 kg can still be "
        "received, not 250"
    )
    assert receive(api, ids, code, 200).status_code == 201
    state = api.get(f"/lots/{code}").json
    assert state["quantities"] == {
        "harvested": 500,
        "received": 500,
        "used": 0,
        "left": 500,
        "not_received": 0,
    }


def test_a_lot_is_packed_only_where_it_was_received(api, ids, engine):
    code = harvest(api, ids, 500)
    message = rejected(lambda: pack(api, ids, [(code, 100)], 20), engine)
    assert "record its receipt there first" in message


def test_cartons_cannot_hold_more_than_the_inputs_give(api, ids, engine):
    code = harvest(api, ids, 500)
    receive(api, ids, code, 500)
    message = rejected(lambda: pack(api, ids, [(code, 100)], 21), engine)
    assert message == "21 cartons of 5 kg hold 105 kg but the inputs give only 100 kg"
    response = pack(api, ids, [(code, 100)], 20)
    assert response.status_code == 201
    assert response.json["net_weight_kg"] == 100


def test_several_inputs_make_one_packed_lot(api, ids):
    first, second = harvest(api, ids, 300), harvest(api, ids, 400)
    receive(api, ids, first, 300)
    receive(api, ids, second, 400)
    response = pack(api, ids, [(first, 300), (second, 200)], 100)
    assert response.status_code == 201
    packed = response.json["lot"]
    assert api.get(f"/lots/{second}").json["quantities"]["left"] == 200
    graph = api.get(f"/trace/{packed}?direction=backward").json
    assert {e["from"] for e in graph["edges"] if e["to"] == graph["start"]} == {
        n["id"] for n in graph["nodes"] if n["kind"] == "harvest_lot"
    }
    assert len([n for n in graph["nodes"] if n["kind"] == "harvest_lot"]) == 2


def test_a_failed_inspection_holds_the_lot_until_one_passes(api, ids, engine):
    code = harvest(api, ids, 500)
    receive(api, ids, code, 500)
    worker = api.as_("worker")
    response = worker.post(
        f"/lots/{code}/inspections",
        json={
            "inspected_at": "2026-06-15T16:00:00+07:00",
            "result": "fail",
            "kind": "residue",
            "notes": "chlorpyrifos above JP MRL",
        },
    )
    assert response.status_code == 201
    assert response.json["disposition"] == "non_conformant"
    assert api.get(f"/lots/{code}").json["on_hold"] is True
    message = rejected(lambda: pack(api, ids, [(code, 100)], 20), engine)
    assert message.startswith(f"cannot pack: lot {code} is on hold")
    reinspection = {
        "inspected_at": "2026-06-16T09:00:00+07:00",
        "result": "pass",
        "kind": "residue",
        "notes": "re-sampled: chlorpyrifos below JP MRL",
    }
    # the worker whose lot is held cannot lift the hold; an inspector can
    before = count_rows(engine)
    response = worker.post(f"/lots/{code}/inspections", json=reinspection)
    assert response.status_code == 403
    assert "only an inspector or an admin can lift the hold" in response.json["message"]
    assert count_rows(engine) == before
    assert api.get(f"/lots/{code}").json["on_hold"] is True
    response = api.as_("inspector").post(f"/lots/{code}/inspections", json=reinspection)
    assert response.status_code == 201, response.json
    assert response.json["data"]["hold_lifted"] == {
        "by": "inspector-1",
        "role": "inspector",
        "why": "re-sampled: chlorpyrifos below JP MRL",
    }
    assert api.get(f"/lots/{code}/events").json[-1]["id"] == response.json["id"]
    assert pack(api, ids, [(code, 100)], 20).status_code == 201


def test_a_hold_upstream_stops_the_shipment(api, ids, season, engine):
    api.as_("worker").post(
        f"/lots/{season['harvest']}/inspections",
        json={
            "inspected_at": "2026-06-12T08:00:00+07:00",
            "result": "fail",
        },
    )
    message = rejected(
        lambda: api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"])),
        engine,
    )
    assert message.startswith(f"cannot ship: lot {season['harvest']} is on hold")


def test_a_suspended_code_stops_the_market_until_it_is_active_again(api, ids, season, engine):
    orchard = api.get(f"/locations/{ids['orchard']}").json
    code_id = orchard["codes"][0]["id"]
    response = api.patch(
        f"/locations/{ids['orchard']}",
        json={"code_status": [{"id": code_id, "status": "suspended"}]},
    )
    assert response.status_code == 200
    assert response.json["codes"][0]["status"] == "suspended"
    message = rejected(
        lambda: api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"])),
        engine,
    )
    assert message == (
        "cannot ship to JP: orchard 'Vườn vải Thanh Quang 12' has no active PUC for JP"
    )
    api.patch(
        f"/locations/{ids['orchard']}", json={"code_status": [{"id": code_id, "status": "active"}]}
    )
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201


def test_a_shipment_departs_once_and_arrives_after_departing(api, ids, season, engine):
    worker = api.as_("worker")
    shipment = worker.post("/shipments", json=shipment_body(ids, season["ssccs"])).json["id"]
    message = rejected(
        lambda: worker.post(
            f"/shipments/{shipment}/arrivals", json={"arrived_at": "2026-06-20T09:00:00+09:00"}
        ),
        engine,
    )
    assert "has not departed yet" in message
    departure = {"departed_at": "2026-06-12T22:00:00+07:00"}
    assert worker.post(f"/shipments/{shipment}/departures", json=departure).status_code == 201
    message = rejected(
        lambda: worker.post(f"/shipments/{shipment}/departures", json=departure), engine
    )
    assert message == f"shipment {shipment} has departed already"
    rejected(
        lambda: worker.post(
            f"/shipments/{shipment}/arrivals", json={"arrived_at": "2026-06-12T20:00:00+07:00"}
        ),
        engine,
        status=422,
    )
    response = worker.post(
        f"/shipments/{shipment}/arrivals", json={"arrived_at": "2026-06-20T09:00:00+09:00"}
    )
    assert response.status_code == 201
    assert response.json["event_time"] == "2026-06-20T09:00:00+09:00"
    assert api.get(f"/shipments/{shipment}").json["status"] == "arrived"


def test_shipment_reports_a_container_number_with_a_wrong_check_digit(api, ids, season):
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201
    assert response.json["warnings"] == [
        "container number MSCU1234565: ISO 6346 check digit should be 6; "
        "check it against the container"
    ]


@pytest.mark.parametrize("what", ["lot", "pallet", "shipment"])
def test_unknown_codes_are_404(api, what):
    path = {
        "lot": "/lots/NOPE-1",
        "pallet": "/pallets/089312340000000011",
        "shipment": "/shipments/999",
    }[what]
    response = api.get(path)
    assert response.status_code == 404
    assert response.json["message"]


def test_events_cannot_be_updated_or_deleted_in_the_database(api, ids, season, engine):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    for statement in ("UPDATE event SET type = 'x'", "DELETE FROM event"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_nothing_happens_to_a_lot_before_it_was_harvested(api, ids, engine):
    code = harvest(api, ids, 500, day="2026-06-15")
    response = api.as_("worker").post(
        f"/lots/{code}/receipts",
        json={
            "location_id": ids["house"],
            "received_at": "2026-06-14T18:00:00+07:00",
            "quantity": 10,
            "unit": "kg",
        },
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["received_at"] == [
        f"2026-06-14T18:00:00+07:00 is before lot {code} was harvested (2026-06-15)"
    ]
    # The same evening in Vietnam is the next morning nowhere else: the local day counts.
    early = receive(api, ids, code, 10)
    assert early.status_code == 201


def test_a_harvest_time_must_fall_on_its_harvest_day(api, ids):
    response = api.as_("worker").post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 100,
            "harvested_on": "2026-06-15",
            "harvested_at": "2026-06-16T05:00:00+07:00",
        },
    )
    assert response.status_code == 422
    assert "is not on 2026-06-15" in response.json["errors"]["json"]["harvested_at"][0]


def test_a_facility_treats_only_by_its_own_methods(api, ids, engine):
    api.patch(f"/locations/{ids['facility']}", json={"methods": ["fumigation"]})
    code = harvest(api, ids, 500)
    message = rejected(
        lambda: api.as_("worker").post(
            f"/lots/{code}/treatments",
            json={
                "facility_id": ids["facility"],
                "method": "irradiation",
                "treated_at": "2026-06-16T08:00:00+07:00",
            },
        ),
        engine,
    )
    assert message == (
        "Hà Nội Fumigation Centre does not treat by irradiation (it does: fumigation)"
    )


def test_pallets_are_built_at_a_packing_house_or_cold_store(api, ids, season):
    response = api.as_("worker").post(
        "/pallets",
        json={
            "location_id": ids["orchard"],
            "contents": [{"lot": season["packed"], "cartons": 1}],
        },
    )
    assert response.status_code == 422
    assert (
        "not a packing house or a cold store" in (response.json["errors"]["json"]["location_id"][0])
    )
