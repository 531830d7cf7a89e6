"""No event is recorded before the things it uses existed: a shipment is not loaded before its
pallets were built, nor departs before it was loaded, and a lot is not packed before it arrived.
Each refusal is a 409 naming both times, and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.flows import GTIN, count_rows, harvest_body, shipment_body
from trace.domain.errors import RuleViolation
from trace.domain.timing import require_order

VIETNAM = timezone(timedelta(hours=7))


def refused(call, engine) -> str:
    before = count_rows(engine)
    response = call()
    assert response.status_code == 409, response.json
    assert response.json["code"] == 409 and response.json["status"] == "Conflict"
    assert count_rows(engine) == before, "a refused request wrote something"
    return response.json["message"]


def test_the_rule_names_both_times_and_can_compare_by_day():
    built = datetime(2026, 6, 11, 9, 0, tzinfo=UTC)  # 16:00 in Vietnam
    loaded = datetime(2026, 6, 11, 8, 0, tzinfo=VIETNAM)
    with pytest.raises(RuleViolation) as caught:
        require_order(loaded, "the loading", [("pallet X was built", built)])
    assert caught.value.message.startswith(
        "cannot record the loading at 2026-06-11T08:00:00+07:00: pallet X was built at "
        "2026-06-11T16:00:00+07:00, later"
    )
    require_order(built, "the loading", [("pallet X was built", built)])  # the same instant
    require_order(loaded, "the packing", [("lot L was received", built)], by_day=VIETNAM)
    with pytest.raises(RuleViolation):
        require_order(loaded - timedelta(days=1), "p", [("x", built)], by_day=VIETNAM)


def test_a_shipment_is_not_loaded_before_its_pallets_were_built(api, ids, season, engine):
    body = shipment_body(ids, season["ssccs"]) | {"loaded_at": "2026-06-11T15:00:00+07:00"}
    message = refused(lambda: api.as_("worker").post("/shipments", json=body), engine)
    assert "2026-06-11T15:00:00+07:00" in message  # when it says it was loaded
    assert f"pallet {season['ssccs'][0]} was built at 2026-06-11T16:00:00+07:00" in message
    body["loaded_at"] = "2026-06-11T16:00:00+07:00"
    assert api.as_("worker").post("/shipments", json=body).status_code == 201


def test_a_shipment_does_not_depart_before_it_was_loaded(api, ids, season, engine):
    worker = api.as_("worker")
    shipment = worker.post("/shipments", json=shipment_body(ids, season["ssccs"])).json["id"]
    early = {"departed_at": "2026-02-01T22:00:00+07:00"}  # months before
    message = refused(lambda: worker.post(f"/shipments/{shipment}/departures", json=early), engine)
    assert "2026-02-01T22:00:00+07:00" in message
    assert f"shipment {shipment} was loaded at 2026-06-12T08:00:00+07:00" in message
    assert api.get(f"/shipments/{shipment}").json["status"] == "loaded"
    late = {"departed_at": "2026-06-12T22:00:00+07:00"}
    assert worker.post(f"/shipments/{shipment}/departures", json=late).status_code == 201


def test_a_lot_is_not_packed_before_it_arrived(api, ids, engine):
    worker = api.as_("worker")
    code = worker.post("/lots/harvest", json=harvest_body(ids)).json["code"]
    receipt = {
        "location_id": ids["house"],
        "received_at": "2026-06-10T14:00:00+07:00",
        "quantity": 1000,
        "unit": "kg",
    }
    assert worker.post(f"/lots/{code}/receipts", json=receipt).status_code == 201
    packing = {
        "location_id": ids["house"],
        "product_gtin": GTIN,
        "inputs": [{"lot": code, "quantity": 100, "unit": "kg"}],
        "cartons": 20,
        "packed_on": "2026-06-10",
        "packed_at": "2026-06-10T13:00:00+07:00",
    }
    message = refused(lambda: worker.post("/packings", json=packing), engine)
    assert "cannot record the packing at 2026-06-10T13:00:00+07:00" in message
    assert f"lot {code} was received at Thanh Hà Fruit Packing at 2026-06-10T14:00" in message
    # a packing known only by its day counts from that day: the lot arrived on it
    day_only = {k: v for k, v in packing.items() if k != "packed_at"}
    assert worker.post("/packings", json=day_only).status_code == 201
