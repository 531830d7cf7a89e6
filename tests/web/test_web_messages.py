"""Every rule message a worker can meet is shown in Vietnamese: the messages are made by the
real use cases (through the API), then read by trace/web/messages.py. A reworded message in a
service fails here, not silently on the packing line."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.flows import GTIN, shipment_body
from trace.db.models import User
from trace.domain.errors import DomainError
from trace.services import labels, second_factor, users
from trace.web import base, messages


def _messages(api, ids, season) -> list[str]:
    worker = api.as_("worker")
    out = []

    def refused(method, path, body):
        response = getattr(worker, method)(path, json=body)
        assert response.status_code in (404, 409, 422), (path, response.json)
        out.append(response.json["message"])

    house, harvest, packed = ids["house"], season["harvest"], season["packed"]
    fresh = worker.post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 500,
            "harvested_on": "2026-06-10",
        },
    ).json["code"]
    receipt = {"location_id": house, "received_at": "2026-06-10T14:00:00+07:00", "quantity": 1}
    refused("post", f"/lots/{fresh}/receipts", {**receipt, "quantity": 600})
    refused(
        "post",
        f"/lots/{fresh}/washings",
        {"location_id": house, "washed_at": "2026-06-10T15:00:00+07:00"},
    )
    carrots = worker.post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "carrot",
            "quantity": 50,
            "harvested_on": "2026-06-10",
        },
    ).json["code"]
    refused(
        "post",
        f"/lots/{carrots}/gradings",
        {
            "location_id": house,
            "graded_at": "2026-06-10T15:00:00+07:00",
            "grades": [{"size_class": "L", "quantity": 10}],
        },
    )  # nothing received yet
    refused(
        "post", f"/lots/{fresh}/receipts", {**receipt, "received_at": "2099-01-01T00:00:00+07:00"}
    )
    refused(
        "post", f"/lots/{fresh}/receipts", {**receipt, "received_at": "2026-06-09T10:00:00+07:00"}
    )
    refused("post", f"/lots/{packed}/receipts", receipt)
    packing = {"location_id": house, "product_gtin": GTIN, "cartons": 10, "packed_on": "2026-06-11"}
    refused("post", "/packings", {**packing, "inputs": [{"lot": harvest, "quantity": 300}]})
    refused(
        "post",
        "/packings",
        {**packing, "cartons": 100, "inputs": [{"lot": harvest, "quantity": 100}]},
    )
    refused("post", "/packings", {**packing, "inputs": [{"lot": fresh, "quantity": 50}]})
    refused("post", "/packings", {**packing, "inputs": [{"lot": "NOPE-1", "quantity": 50}]})
    refused("post", "/packings", {**packing, "inputs": [{"lot": harvest, "quantity": 5}] * 2})
    refused(
        "post",
        "/packings",
        {**packing, "lot_code": packed, "inputs": [{"lot": harvest, "quantity": 50}]},
    )
    refused("post", "/pallets", {"location_id": house, "contents": [{"lot": packed, "cartons": 1}]})
    refused(
        "post", "/pallets", {"location_id": house, "contents": [{"lot": harvest, "cartons": 1}]}
    )
    refused("post", "/shipments", shipment_body(ids, season["ssccs"], "US"))
    label = {"kind": "carton", "lot": packed, "size": "100x150mm", "format": "pdf", "market": "JP"}
    refused("post", "/labels", {**label, "count": 201})
    refused("post", "/labels", {**label, "lot": harvest, "count": 1})
    for place, scheme in [("orchard", "PUC"), ("house", "PHC"), ("facility", "TFC")]:
        api.patch(
            f"/locations/{ids[place]}",
            json={"codes": [{"scheme": scheme, "value": f"US-{scheme}", "market": "US"}]},
        )
    # Now open to JP and US: the market must be named.
    refused("post", "/labels", {**{k: v for k, v in label.items() if k != "market"}, "count": 1})
    refused(
        "post",
        "/labels",
        {"kind": "pallet", "sscc": season["ssccs"][0], "size": "100x150mm", "format": "pdf"},
    )
    refused(
        "post",
        "/lots/harvest",
        {
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 5,
            "harvested_on": "2026-06-10",
            "harvested_at": "2026-06-11T08:00:00+07:00",
        },
    )
    shipment = worker.post("/shipments", json=shipment_body(ids, season["ssccs"])).json["id"]
    refused("post", f"/shipments/{shipment}/arrivals", {"arrived_at": "2026-06-19T09:00:00+09:00"})
    refused("post", "/shipments", shipment_body(ids, season["ssccs"]))
    worker.post(
        f"/shipments/{shipment}/departures", json={"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    refused(
        "post", f"/shipments/{shipment}/departures", {"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    refused("post", f"/shipments/{shipment}/arrivals", {"arrived_at": "2026-06-12T10:00:00+07:00"})
    worker.post(f"/shipments/{shipment}/arrivals", json={"arrived_at": "2026-06-19T09:00:00+09:00"})
    refused("post", f"/shipments/{shipment}/arrivals", {"arrived_at": "2026-06-19T09:00:00+09:00"})
    worker.post(
        f"/lots/{harvest}/inspections",
        json={"inspected_at": "2026-06-11T09:00:00+07:00", "result": "fail"},
    )
    refused("post", "/packings", {**packing, "inputs": [{"lot": harvest, "quantity": 5}]})
    facility = (
        api.as_("admin")
        .post(
            "/locations",
            json={
                "kind": "treatment_facility",
                "name": "VHT Bình Dương",
                "methods": ["vapour_heat"],
            },
        )
        .json["id"]
    )
    refused(
        "post",
        f"/lots/{fresh}/treatments",
        {
            "facility_id": facility,
            "method": "fumigation",
            "treated_at": "2026-06-11T08:00:00+07:00",
        },
    )
    return out


def _service_messages(session, lot: str) -> list[str]:
    out = []
    worker = session.exec(select(User).where(User.name == "worker-1")).one()
    worker.password_hash = "pbkdf2:sha256:1000$x$y"  # a password that is not "not-the-password"
    second_factor.start(session, worker)
    for call in (
        lambda: users.create(session, "worker-1", "worker"),
        lambda: users.create(session, "someone", "worker", password="short"),
        lambda: users.create(session, "someone", "worker", password="qwerty123456"),
        lambda: users.change_password(session, worker, "not-the-password", "a-long-new-one"),
        lambda: second_factor.confirm(session, worker, "000000"),
        lambda: labels.check_count(session, {"kind": "pallet", "count": 5}, 4, 10),
        lambda: labels.check_count(session, {"kind": "sticker", "lot": lot, "count": 9**9}, 4, 10),
    ):
        with pytest.raises(DomainError) as caught:
            call()
        out.append(caught.value.message)
    return out


def test_every_rule_message_is_translated(app, api, ids, season, engine):
    found = _messages(api, ids, season)
    with Session(engine) as session:
        found += _service_messages(session, season["packed"])
    assert len(found) == 34
    with app.test_request_context("/app/", headers={"Accept-Language": "vi"}):
        base.DOMAIN.as_default()
        for message in found:
            text, hint = messages.translate(message)
            assert hint is not None, f"no pattern for: {message}"
            assert text != message, f"not translated: {message}"
    with app.test_request_context("/app/", headers={"Accept-Language": "en"}):
        base.DOMAIN.as_default()
        for message in found:
            text, _hint = messages.translate(message)
            assert not text[:1].islower() and text.endswith("."), text


def test_an_unknown_message_is_shown_as_it_is(app):
    with app.test_request_context("/app/", headers={"Accept-Language": "vi"}):
        base.DOMAIN.as_default()
        assert messages.translate("something new") == ("something new", None)
