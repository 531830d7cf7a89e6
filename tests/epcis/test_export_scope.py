"""An importer's export holds its own shipment and what that came from, nothing of a sibling lot
packed from the same harvest and shipped to another consignee."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import Session

from tests.epcis.conftest import events_of
from tests.flows import GTIN, shipment_body
from trace.services import users


def test_an_importers_export_leaves_out_a_sibling_lot_shipped_elsewhere(api, ids, shipped, engine):
    worker = api.as_("worker")
    osaka = (
        api.as_("admin")
        .post(
            "/locations",
            json={"kind": "importer", "name": "Osaka Produce KK", "address": {"country": "JP"}},
        )
        .json["id"]
    )
    # The rest of the same harvest: packed into a sibling lot, palletised, shipped to Osaka.
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": shipped["harvest"], "quantity": 180, "unit": "kg"}],
            "cartons": 36,
            "packed_on": "2026-06-11",
        },
    )
    assert response.status_code == 201, response.json
    sibling = response.json["lot"]
    response = worker.post(
        "/pallets",
        json={
            "location_id": ids["house"],
            "contents": [{"lot": sibling, "cartons": 36}],
            "palletised_at": "2026-06-11T17:00:00+07:00",
        },
    )
    assert response.status_code == 201, response.json
    sibling_pallet = response.json["sscc"]
    body = shipment_body(ids, [sibling_pallet]) | {
        "consignee_id": osaka,
        "container_no": "TGHU8830016",
        "bill_of_lading": "HPH-OSA-0611",
    }
    response = worker.post("/shipments", json=body)
    assert response.status_code == 201, response.json
    with Session(engine) as session:
        _, api.tokens["tokyo"] = users.create(session, "tokyo", "importer", ids["importer"])
        _, api.tokens["osaka"] = users.create(session, "osaka", "importer", osaka)

    for importer, shipment, own, other in (
        ("tokyo", shipped["shipment"], shipped["packed"], sibling),
        ("osaka", response.json["id"], sibling, shipped["packed"]),
    ):
        answer = api.as_(importer).get(f"/exports/epcis?shipment={shipment}")
        assert answer.status_code == 200, answer.data[:300]
        text = answer.get_data(as_text=True)
        assert other not in text, f"{importer}'s export names the other consignee's lot"
        steps = [e["bizStep"] for e in events_of(json.loads(text))]
        assert steps.count("creating_class_instance") == 2  # its harvest and its own packing
        assert own in text and shipped["harvest"] in text
        answer = api.as_(importer).get(f"/exports/fsma204.csv?shipment={shipment}")
        assert answer.status_code == 200
        rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows and other not in json.dumps(rows)
    assert "OSA" not in api.as_("tokyo").get(
        f"/exports/epcis?shipment={shipped['shipment']}"
    ).get_data(as_text=True)
