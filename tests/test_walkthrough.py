"""The core service issue's acceptance walkthrough, exactly as written, on SQLite and PostgreSQL.

A packing house in Thanh Hà receives lychee, fumigates, packs 5 kg cartons, palletises and ships
to Tokyo; then an inspector traces the container and recalls the harvest lot.

The issue's GTIN 08931234567896 and GLN 8931234000018 fail the GS1 check digit (they should end
in 7 and 1): labels printed from them would be refused at the port, so the service rejects them
with a message that says the right digit (test_issue_numbers_are_refused_with_the_fix), and the
walkthrough uses the corrected numbers 08931234567897 and 8931234000011.
"""

from __future__ import annotations

from sqlalchemy import text

from tests.flows import count_rows, master_data, packed_season, shipment_body


def test_walkthrough(api, engine):
    ids = master_data(api)
    codes = packed_season(api, ids)
    worker = api.as_("worker")

    # Rejections before the shipment, each 409 with nothing written.
    before = count_rows(engine)
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": "08931234567897",
            "inputs": [{"lot": codes["harvest"], "quantity": 300, "unit": "kg"}],
            "cartons": 60,
            "packed_on": "2026-06-11",
        },
    )
    assert response.status_code == 409
    assert "180 kg left" in response.json["message"]
    response = worker.post(
        "/pallets",
        json={
            "location_id": ids["house"],
            "contents": [{"lot": codes["packed"], "cartons": 100}],
        },
    )
    assert response.status_code == 409
    assert "0 cartons left" in response.json["message"]
    response = worker.post("/shipments", json=shipment_body(ids, codes["ssccs"], "US"))
    assert response.status_code == 409
    message = response.json["message"]
    assert "no active PUC for US" in message and "no active PHC for US" in message
    assert "no active TFC for US" in message
    assert count_rows(engine) == before

    response = worker.post("/shipments", json=shipment_body(ids, codes["ssccs"]))
    assert response.status_code == 201, response.json
    shipment = response.json["id"]
    response = worker.post(
        f"/shipments/{shipment}/departures", json={"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    assert response.status_code == 201, response.json

    before = count_rows(engine)
    response = worker.post("/shipments", json=shipment_body(ids, codes["ssccs"]))
    assert response.status_code == 409
    assert "a pallet ships once" in response.json["message"]
    assert count_rows(engine) == before

    # The inspector's questions: which orchards are in this container, where did it all go?
    inspector = api.as_("inspector")
    response = inspector.get(f"/trace/{codes['ssccs'][0]}?direction=backward")
    assert response.status_code == 200, response.json
    orchards = [n for n in response.json["nodes"] if n["kind"] == "orchard"]
    assert [o["label"] for o in orchards] == ["Vườn vải Thanh Quang 12"]
    assert {"scheme": "PUC", "value": "VN-HDTH-0112", "market": "JP", "status": "active"} in (
        orchards[0]["codes"]
    )
    assert {e["type"] for e in response.json["events"]} >= {"harvest", "receive", "treat", "pack"}

    response = inspector.get(f"/recall/{codes['harvest']}")
    assert response.status_code == 200, response.json
    recall = response.json
    assert [s["id"] for s in recall["shipments"]] == [shipment]
    assert recall["markets"] == ["JP"]
    assert recall["consignees"] == ["Tokyo Fresh Trading KK"]
    assert recall["shipments"][0]["cartons"] == 200
    assert sorted(recall["shipments"][0]["pallets"]) == sorted(codes["ssccs"])

    response = inspector.get("/audit/verify")
    assert response.status_code == 200
    assert response.json["ok"] is True
    assert response.json["events_checked"] == count_rows(engine)["event"]


def test_editing_an_event_row_is_named_by_verify(api, engine):
    ids = master_data(api)
    packed_season(api, ids)
    with engine.begin() as conn:
        target = conn.execute(text("SELECT id FROM event WHERE type = 'receive'")).scalar_one()
        # Someone with database access rewrites history (dropping the append-only guard first).
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER event_no_update"))
            conn.execute(
                text("UPDATE event SET data = json_set(data, '$.quantity', 1200) WHERE id = :id"),
                {"id": target},
            )
        else:
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_update"))
            conn.execute(
                text(
                    "UPDATE event SET data = jsonb_set(data::jsonb, '{quantity}', "
                    "'1200')::json WHERE id = :id"
                ),
                {"id": target},
            )
    response = api.as_("inspector").get("/audit/verify")
    assert response.status_code == 200
    assert response.json["ok"] is False
    assert response.json["first_broken"]["id"] == target
    assert "edited" in response.json["first_broken"]["reason"]


def test_issue_numbers_are_refused_with_the_fix(api, engine):
    admin = api.as_("admin")
    response = admin.post(
        "/products",
        json={
            "gtin": "08931234567896",
            "name": {"en": "Thanh Ha lychee"},
            "commodity": "lychee",
        },
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["gtin"] == [
        "GTIN 08931234567896: check digit should be 7"
    ]
    response = admin.post(
        "/locations",
        json={
            "kind": "packing_house",
            "name": "Thanh Hà Fruit Packing",
            "gln": "8931234000018",
        },
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["gln"] == ["GLN 8931234000018: check digit should be 1"]
    assert count_rows(engine)["event"] == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM location")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM product")).scalar_one() == 0
