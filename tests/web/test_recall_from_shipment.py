"""A recall asked for by a shipment (or one of its pallets): what it carried, and everything
else that shares those lots, in the API, the CSV and the inspector's page."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.flows import harvest_body, shipment_body


@pytest.fixture
def two_shipments(api, ids, season):
    """The season's packed lot on two pallets, each sent to Tokyo in its own shipment; the
    first has arrived."""
    worker = api.as_("worker")
    shipments = []
    for sscc in season["ssccs"]:
        response = worker.post("/shipments", json=shipment_body(ids, [sscc]))
        assert response.status_code == 201, response.json
        shipments.append(response.json["id"])
    first = shipments[0]
    response = worker.post(
        f"/shipments/{first}/departures", json={"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    assert response.status_code == 201, response.json
    response = worker.post(
        f"/shipments/{first}/arrivals", json={"arrived_at": "2026-06-15T09:00:00+09:00"}
    )
    assert response.status_code == 201, response.json
    return {**season, "shipments": shipments}


def test_a_shipment_recall_reaches_every_shipment_sharing_its_lots(api, two_shipments):
    first, second = two_shipments["shipments"]
    recall = api.as_("inspector").get(f"/recall/{first}")
    assert recall.status_code == 200, recall.json
    report = recall.json
    assert [s["id"] for s in report["shipments"]] == [first, second]
    assert [s["cartons"] for s in report["shipments"]] == [100, 100]
    assert report["totals"]["cartons_shipped"] == 200
    assert [lot["code"] for lot in report["lots"]] == [two_shipments["packed"]]
    assert report["markets"] == ["JP"]


def test_a_pallet_recall_reaches_its_lot_s_other_pallet(api, two_shipments):
    sscc = two_shipments["ssccs"][1]
    report = api.as_("inspector").get(f"/recall/{sscc}").json
    assert sorted(s["id"] for s in report["shipments"]) == sorted(two_shipments["shipments"])
    assert report["totals"]["cartons_shipped"] == 200


def test_a_shipment_recall_leaves_other_lots_out(api, ids, two_shipments):
    """A lot packed later and shipped elsewhere shares nothing with the recalled shipment."""
    worker = api.as_("worker")
    harvest = worker.post("/lots/harvest", json=harvest_body(ids, harvested_on="2026-06-12"))
    harvest = harvest.json["code"]
    receipt = worker.post(
        f"/lots/{harvest}/receipts",
        json={
            "location_id": ids["house"],
            "received_at": "2026-06-12T14:00:00+07:00",
            "quantity": 500,
            "unit": "kg",
        },
    )
    assert receipt.status_code == 201, receipt.json
    treated = worker.post(  # Japan takes lychee fumigated or vapour-heat treated
        f"/lots/{harvest}/treatments",
        json={
            "facility_id": ids["facility"],
            "method": "fumigation",
            "treated_at": "2026-06-12T18:00:00+07:00",
        },
    )
    assert treated.status_code == 201, treated.json
    packed = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": "08931234567897",
            "inputs": [{"lot": harvest, "quantity": 400, "unit": "kg"}],
            "cartons": 80,
            "packed_on": "2026-06-12",
        },
    )
    assert packed.status_code == 201, packed.json
    pallet = worker.post(
        "/pallets",
        json={
            "location_id": ids["house"],
            "contents": [{"lot": packed.json["lot"], "cartons": 80}],
            "palletised_at": "2026-06-12T16:00:00+07:00",
        },
    )
    assert pallet.status_code == 201, pallet.json
    body = shipment_body(ids, [pallet.json["sscc"]]) | {"loaded_at": "2026-06-13T08:00:00+07:00"}
    other = worker.post("/shipments", json=body)
    assert other.status_code == 201, other.json
    report = api.as_("inspector").get(f"/recall/{two_shipments['shipments'][0]}").json
    assert other.json["id"] not in [s["id"] for s in report["shipments"]]
    assert report["totals"]["cartons_shipped"] == 200


def test_the_staff_page_and_csv_of_a_shipment_recall(as_, two_shipments):
    first, second = two_shipments["shipments"]
    inspector = as_("inspector")
    inspector.open(f"/app/recall?code={first}")
    assert inspector.url == f"/app/recall/{first}"
    text = inspector.text()
    assert "Nothing shipped." not in text
    links = set(re.findall(r'href="/app/shipments/(\d+)"', inspector.html))
    assert {str(first), str(second)} <= links
    answer = inspector.client.get(f"/app/recall/{first}/report.csv")
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert {(row["Shipment"], row["Affected cartons on pallet"]) for row in rows} == {
        (str(first), "100"),
        (str(second), "100"),
    }
