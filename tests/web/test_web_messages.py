"""Every rule error a worker can meet names its kind and params, and is shown in Vietnamese from
them: the errors are raised by the real use cases (through the API, whose answers carry kind and
params beside the English message), then worded by trace/web/messages.py."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.flows import GTIN, shipment_body
from trace.api import errors as api_errors
from trace.db.models import User
from trace.domain.errors import DomainError
from trace.domain.kinds import KINDS
from trace.services import labels, masterdata, second_factor, users
from trace.web import language, messages


def _errors(api, ids, season, monkeypatch) -> list[DomainError]:
    worker = api.as_("worker")
    out = []
    answered = api_errors._kind
    monkeypatch.setattr(api_errors, "_kind", lambda error: out.append(error) or answered(error))

    def refused(method, path, body):
        response = getattr(worker, method)(path, json=body)
        assert response.status_code in (404, 409, 422), (path, response.json)
        error = out[-1]
        assert response.json["message"] == error.message
        assert response.json["kind"] == error.kind, response.json
        assert response.json["params"].keys() == error.params.keys()

    house, harvest, packed = ids["house"], season["harvest"], season["packed"]
    fresh = worker.post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": 1250.5,
            "harvested_on": "2026-06-10",
        },
    ).json["code"]
    receipt = {"location_id": house, "received_at": "2026-06-10T14:00:00+07:00", "quantity": 1}
    refused("post", f"/lots/{fresh}/receipts", {**receipt, "quantity": 1300})
    assert out[-1].params == {
        "lot": fresh,
        "harvested": 1250.5,
        "received": 0,
        "left": 1250.5,
        "asked": 1300,
        "unit": "kg",
    }
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
    lift = worker.post(
        f"/lots/{harvest}/inspections",
        json={"inspected_at": "2026-06-11T10:00:00+07:00", "result": "pass"},
    )
    assert lift.status_code == 403, lift.json  # a worker does not lift a hold
    assert lift.json["kind"] == out[-1].kind == "hold.lift_forbidden"
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


def _service_errors(session, lot: str) -> list[DomainError]:
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
        lambda: masterdata.create_location(
            session, {"kind": "orchard", "name": "X", "contact": {"phone": "+84 1234"}}
        ),
        lambda: labels.check_count(session, {"kind": "pallet", "count": 5}, 4, 10),
        lambda: labels.check_count(session, {"kind": "sticker", "lot": lot, "count": 9**9}, 4, 10),
    ):
        with pytest.raises(DomainError) as caught:
            call()
        out.append(caught.value)
    return out


def test_every_rule_error_names_its_kind_and_is_translated(
    app, api, ids, season, engine, monkeypatch
):
    found = _errors(api, ids, season, monkeypatch)
    with Session(engine) as session:
        found += _service_errors(session, season["packed"])
    assert len(found) == 36
    for error in found:
        assert error.kind in KINDS, error.message
        assert set(error.params) == set(KINDS[error.kind].params), error.kind
    with app.test_request_context("/app/", headers={"Accept-Language": "vi"}):
        language.DOMAIN.as_default()
        vietnamese = [messages.translate(error) for error in found]
    with app.test_request_context("/app/", headers={"Accept-Language": "en"}):
        language.DOMAIN.as_default()
        english = [messages.translate(error)[0] for error in found]
    # The numbers as a Vietnamese reader writes them: 1.250,5 (not 1250.5).
    assert "1.250,5 kg" in vietnamese[0][0] and "1.300" in vietnamese[0][0], vietnamese[0]
    assert vietnamese[0][1] == "quantity"
    for error, (text, hint), words in zip(found, vietnamese, english, strict=True):
        assert hint is not None, f"no hint for {error.kind}"
        assert text != words, f"not translated: {error.kind}"
        assert not words[:1].islower() and words.endswith("."), words
