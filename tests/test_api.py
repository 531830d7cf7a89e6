"""The API's edges: validation (422 field by field), tokens and roles (401/403), lists, OpenAPI."""

from __future__ import annotations

import pytest

from tests.flows import GTIN, count_rows, shipment_body


def harvest_body(ids, **change):
    body = {
        "orchard_id": ids["orchard"],
        "commodity": "lychee",
        "quantity": 100,
        "unit": "kg",
        "harvested_on": "2026-06-10",
    }
    body.update(change)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"quantity": -5},
            "quantity",
            "Must be greater than 0 and less than or equal to 1000000000.0.",
        ),
        ({"quantity": None}, "quantity", "Missing data for required field."),
        ({"quantity": "lots"}, "quantity", "Not a valid number."),
        ({"unit": "bag"}, "unit", "Must be one of: kg."),
        ({"harvested_on": "10/06/2026"}, "harvested_on", "Not a valid date."),
        (
            {"harvested_on": "1900-01-01"},
            "harvested_on",
            "a date between 2000-01-01 and 2100-01-01",
        ),
        ({"harvested_on": "2099-06-10"}, "harvested_on", "2099-06-10 is in the future"),
        ({"harvested_at": "2026-06-10T08:00:00"}, "harvested_at", "Not a valid aware datetime."),
        ({"colour": "red"}, "colour", "Unknown field."),
    ],
)
def test_a_bad_harvest_is_422_on_the_field_and_writes_nothing(
    api, ids, engine, change, field, message
):
    before = count_rows(engine)
    response = api.as_("worker").post("/lots/harvest", json=harvest_body(ids, **change))
    assert response.status_code == 422, response.json
    assert response.json["status"] == "Unprocessable Entity"
    assert message in response.json["errors"]["json"][field][0]
    assert count_rows(engine) == before


def test_nan_is_not_a_quantity(api, ids, engine):
    before = count_rows(engine)
    response = api.as_("worker").post(
        "/lots/harvest",
        data=b'{"orchard_id": %d, "commodity": "lychee", "quantity": NaN, '
        b'"harvested_on": "2026-06-10"}' % ids["orchard"],
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "quantity" in response.json["errors"]["json"]
    assert count_rows(engine) == before


def test_a_reference_to_the_wrong_kind_of_place_is_422(api, ids):
    response = api.as_("worker").post(
        "/lots/harvest", json=harvest_body(ids, orchard_id=ids["house"])
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["orchard_id"] == [
        f"location {ids['house']} (Thanh Hà Fruit Packing) is a packing house, not an orchard"
    ]
    # Beside the English, what a client words in its own language: the kind and its params.
    assert response.json["kind"] == "location.wrong_kind"
    assert response.json["params"] == {
        "id": ids["house"],
        "name": "Thanh Hà Fruit Packing",
        "is_kind": "packing_house",
        "wanted": ["orchard"],
    }
    response = api.as_("worker").post("/lots/harvest", json=harvest_body(ids, orchard_id=999))
    assert response.json["errors"]["json"]["orchard_id"] == ["no location with id 999"]


def test_lot_codes_and_ssccs_are_checked_in_bodies(api, ids, season):
    response = api.as_("worker").post(
        "/pallets",
        json={
            "location_id": ids["house"],
            "contents": [{"lot": "LOT WITH SPACE", "cartons": 1}],
        },
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["contents"]["0"]["lot"] == [
        'lot "LOT WITH SPACE": character " " is not allowed (GS1 character set 82)'
    ]
    bad = season["ssccs"][0][:-1] + str((int(season["ssccs"][0][-1]) + 1) % 10)
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, [bad]))
    assert response.status_code == 422
    assert "check digit should be" in response.json["errors"]["json"]["pallets"]["0"][0]


def test_gtins_are_normalised_to_14_digits(api):
    response = api.post(
        "/products",
        json={
            "gtin": "8931234567897",
            "name": {"vi": "Cà rốt Cẩm Giàng"},
            "commodity": "carrot",
        },
    )
    assert response.status_code == 201
    assert response.json["gtin"] == GTIN
    again = api.post("/products", json={"gtin": GTIN, "name": {"en": "x"}, "commodity": "lychee"})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        (None, "GET", "/lots", 401),
        ("bogus", "GET", "/lots", 401),
        ("worker", "POST", "/locations", 403),
        ("worker", "PATCH", "/products/1", 403),
        ("inspector", "POST", "/lots/harvest", 403),
        ("inspector", "POST", "/packings", 403),
        ("inspector", "POST", "/shipments", 403),
        ("worker", "GET", "/audit/verify", 403),
        ("inspector", "GET", "/audit/verify", 200),
        ("worker", "GET", "/trace/nothing", 404),
    ],
)
def test_tokens_and_roles(client, tokens, role, method, path, status):
    headers = {}
    if role:
        headers["Authorization"] = f"Bearer {tokens.get(role, 'not-a-token')}"
    response = client.open(f"/api/v1{path}", method=method, headers=headers, json={})
    assert response.status_code == status, response.json
    if status >= 400:
        assert response.json["code"] == status and response.json["message"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(api, engine, client):
    from sqlmodel import Session

    from trace.services import users

    with Session(engine) as session:
        _, token = users.create(session, "temp", "inspector")
        assert (
            client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
        assert users.revoke(session, token)
    response = client.get("/api/v1/lots", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_an_importer_records_arrivals_of_its_own_shipments_only(api, ids, season, engine):
    from sqlmodel import Session

    from trace.services import users

    worker = api.as_("worker")
    shipment = worker.post("/shipments", json=shipment_body(ids, season["ssccs"])).json["id"]
    worker.post(
        f"/shipments/{shipment}/departures", json={"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    other = api.post("/locations", json={"kind": "importer", "name": "Osaka Fruit KK"}).json["id"]
    with Session(engine) as session:
        _, tokyo = users.create(session, "tokyo", "importer", ids["importer"])
        _, osaka = users.create(session, "osaka", "importer", other)
    api.tokens.update({"tokyo": tokyo, "osaka": osaka})
    arrival = {"arrived_at": "2026-06-20T09:00:00+09:00"}
    assert api.as_("osaka").get(f"/shipments/{shipment}").status_code == 403
    assert api.as_("osaka").get("/shipments").json == []
    assert api.as_("osaka").post(f"/shipments/{shipment}/arrivals", json=arrival).status_code == 403
    assert api.as_("tokyo").get("/lots").status_code == 403
    assert [s["id"] for s in api.as_("tokyo").get("/shipments").json] == [shipment]
    assert api.as_("tokyo").post(f"/shipments/{shipment}/arrivals", json=arrival).status_code == 201


def test_lists_are_paginated_and_filtered(api, ids):
    worker = api.as_("worker")
    for day in range(1, 8):
        worker.post("/lots/harvest", json=harvest_body(ids, harvested_on=f"2026-06-{day:02d}"))
    response = api.get("/lots?page_size=3&page=2&kind=harvest")
    assert response.status_code == 200
    assert len(response.json) == 3
    assert '"total": 7' in response.headers["X-Pagination"]
    response = api.get("/lots?from=2026-06-03&to=2026-06-04")
    assert [lot["produced_on"] for lot in response.json] == ["2026-06-03", "2026-06-04"]
    assert api.get("/locations?kind=importer").json[0]["name"] == "Tokyo Fresh Trading KK"
    assert api.get("/locations?q=fumigation").json[0]["kind"] == "treatment_facility"


def test_a_lot_timeline_lists_its_events_in_order_with_their_hashes(api, season):
    events = api.get(f"/lots/{season['harvest']}/events").json
    assert [e["type"] for e in events] == ["harvest", "receive", "treat", "pack"]
    receive = events[1]
    assert receive["event_time"] == "2026-06-10T14:00:00+07:00"
    assert receive["biz_step"] == "receiving" and receive["epcis_type"] == "ObjectEvent"
    assert receive["data"]["quantities"] == [
        {"lot": season["harvest"], "quantity": 1180, "uom": "KGM"}
    ]
    assert len(receive["hash"]) == 64 and receive["prev_hash"] == events[0]["hash"]


def test_trace_accepts_every_kind_of_code(api, ids, season):
    worker = api.as_("worker")
    shipment = worker.post("/shipments", json=shipment_body(ids, season["ssccs"])).json["id"]
    link = f"https://trace.example/01/{GTIN}/10/{season['packed']}/21/17"
    for code, start in [
        (season["packed"], "lot:"),
        (link, "lot:"),
        (str(shipment), "shipment:"),
        ("VN-HDTH-0112", "location:"),
        ("8931234000011", None),  # the packing house's GLN: a place no lot comes from
    ]:
        response = api.get(f"/trace/{code}?direction=forward")
        if start is None:
            assert response.status_code == 200
            continue
        assert response.status_code == 200, (code, response.json)
        assert response.json["start"].startswith(start)
        kinds = {n["kind"] for n in response.json["nodes"]}
        assert "shipment" in kinds, code
    recall = api.get("/recall/VN-HDTH-0112").json
    assert recall["markets"] == ["JP"] and recall["totals"]["cartons_shipped"] == 200


def test_openapi_documents_the_resources_and_the_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.0.3"
    for path in [
        "/api/v1/locations",
        "/api/v1/lots/harvest",
        "/api/v1/lots/{code}/receipts",
        "/api/v1/packings",
        "/api/v1/pallets",
        "/api/v1/shipments/{ident}/departures",
        "/api/v1/events/{ident}/corrections",
        "/api/v1/trace/{code}",
        "/api/v1/recall/{code}",
        "/api/v1/audit/verify",
    ]:
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    harvest = spec["paths"]["/api/v1/lots/harvest"]["post"]
    assert {"201", "401", "403", "422"} <= set(harvest["responses"])
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.data
    assert b"cdn" not in docs.data.lower()


def test_a_packing_house_may_give_its_own_lot_code_even_with_a_slash(api, ids, season):
    worker = api.as_("worker")
    body = {
        "location_id": ids["house"],
        "product_gtin": GTIN,
        "packed_on": "2026-06-11",
        "inputs": [{"lot": season["harvest"], "quantity": 50, "unit": "kg"}],
        "cartons": 10,
        "lot_code": "TH/26/A",
    }
    assert worker.post("/packings", json=body).json["lot"] == "TH/26/A"
    assert api.get("/lots/TH/26/A").json["cartons"]["packed"] == 10
    assert [e["type"] for e in api.get("/lots/TH/26/A/events").json] == ["pack"]
    again = worker.post(
        "/packings",
        json={**body, "inputs": [{"lot": season["harvest"], "quantity": 50, "unit": "kg"}]},
    )
    assert again.status_code == 409 and "lot code TH/26/A is taken" in again.json["message"]


def test_generated_lot_codes_skip_a_code_someone_took(api, ids, season):
    worker = api.as_("worker")
    # The walkthrough made lots 1 (harvest) and 2 (packed); take the next generated number.
    taken = "P260611-0003"
    body = {
        "location_id": ids["house"],
        "product_gtin": GTIN,
        "packed_on": "2026-06-11",
        "inputs": [{"lot": season["harvest"], "quantity": 50, "unit": "kg"}],
        "cartons": 10,
    }
    assert worker.post("/packings", json={**body, "lot_code": taken}).status_code == 201
    response = worker.post("/packings", json=body)
    assert response.status_code == 201
    assert response.json["lot"] == "P260611-0004"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/locations", {"data": "{bad json", "content_type": "application/json"}, 400),
        ("POST", "/locations", {"json": [1, 2]}, 422),
        (
            "POST",
            "/lots/harvest",
            {
                "json": {
                    "orchard_id": 10**30,
                    "commodity": "lychee",
                    "quantity": 1,
                    "harvested_on": "2026-01-01",
                }
            },
            422,
        ),
        (
            "POST",
            "/lots/harvest",
            {
                "json": {
                    "orchard_id": "1",
                    "commodity": "lychee",
                    "quantity": 1,
                    "harvested_on": "2026-01-01",
                }
            },
            422,
        ),
        ("GET", "/shipments/99999999999999999999", {}, 404),
        ("GET", "/trace/99999999999", {}, 404),
        ("GET", "/lots?page=0", {}, 422),
        ("GET", "/nothing-here", {}, 404),
    ],
)
def test_broken_requests_get_a_json_answer_not_a_crash(api, engine, method, path, kwargs, status):
    before = count_rows(engine)
    response = api._call(method, path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["code"] == status
    assert response.json.get("message") or response.json.get("errors")
    assert count_rows(engine) == before


def test_a_wrong_method_is_405_with_allow(api):
    response = api._call("DELETE", "/locations/1")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PATCH"}
