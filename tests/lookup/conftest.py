"""A lot's whole story for the public pages, with data the public must never see.

`story` records, through the API, a harvest (with its crew), a receipt, an inspection (with
notes), a fumigation (whose parameters carry a price), a packing into lot `LOT/26A` (a slash,
so its Digital Link holds %2F), a pallet, a shipment (container, seal, bill of lading,
consignee), its departure and arrival, and carton labels 1-50.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from tests.flows import GTIN, harvest_body, shipment_body
from trace.db.models import User
from trace.services import label_serials

STANDARDS = Path(__file__).resolve().parents[1] / "standards" / "digital-link"

LOT = "LOT/26A"
LOT_PATH = "LOT%2F26A"
LOT_URL = f"/01/{GTIN}/10/{LOT_PATH}"

# What the records hold and the public page must not show.
SECRETS = {
    "crew (people's names)": "Tổ hái Nguyễn Văn Bảy",
    "inspection notes": "kiểm dịch viên Trần Thị Hoa",
    "price": "1250000 VND",
    "consignee": "Tokyo Fresh Trading KK",
    "container number": "MSCU1234565",
    "seal number": "SL778812",
    "bill of lading": "HPH-TYO-0611",
    "user name": "worker-1",
    "street address": "Ngõ 7 đường Vải",
}


def standard(*parts: str) -> Path:
    """A GS1 file vendored in tests/standards/digital-link (sources in its SOURCES.md)."""
    path = STANDARDS.joinpath(*parts)
    assert path.exists(), f"{path} is missing from the repository's vendored standards"
    return path


def record_story(api, ids) -> dict:
    admin, worker = api.as_("admin"), api.as_("worker")
    response = admin.patch(
        f"/locations/{ids['orchard']}",
        json={
            "address": {
                "street": SECRETS["street address"],
                "commune": "Thanh Quang",
                "district": "Thanh Hà",
                "province": "Hải Dương",
                "country": "VN",
            }
        },
    )
    assert response.status_code == 200, response.json
    response = worker.post(
        "/lots/harvest",
        json=harvest_body(
            ids,
            harvested_at="2026-06-10T06:30:00+07:00",
            crew=SECRETS["crew (people's names)"],
        ),
    )
    assert response.status_code == 201, response.json
    harvest = response.json["code"]
    steps = [
        (
            f"/lots/{harvest}/receipts",
            {
                "location_id": ids["house"],
                "received_at": "2026-06-10T09:00:00+07:00",
                "quantity": 1180,
                "unit": "kg",
            },
        ),
        (
            f"/lots/{harvest}/inspections",
            {
                "location_id": ids["house"],
                "inspected_at": "2026-06-10T11:00:00+07:00",
                "result": "pass",
                "kind": "phytosanitary",
                "notes": f"Mẫu 200 quả đạt; {SECRETS['inspection notes']}",
            },
        ),
        (
            f"/lots/{harvest}/treatments",
            {
                "facility_id": ids["facility"],
                "method": "fumigation",
                "batch_no": "MB-260611-03",
                "certificate_no": "FUM-2026-0611-03",
                "treated_at": "2026-06-11T08:00:00+07:00",
                "parameters": {"agent": "methyl bromide", "price": SECRETS["price"]},
            },
        ),
        (
            "/packings",
            {
                "location_id": ids["house"],
                "product_gtin": GTIN,
                "inputs": [{"lot": harvest, "quantity": 1000, "unit": "kg"}],
                "cartons": 200,
                "packed_on": "2026-06-11",
                "packed_at": "2026-06-11T14:00:00+07:00",
                "lot_code": LOT,
            },
        ),
    ]
    for path, body in steps:
        response = worker.post(path, json=body)
        assert response.status_code == 201, (path, response.json)
    response = worker.post(
        "/pallets",
        json={
            "location_id": ids["house"],
            "contents": [{"lot": LOT, "cartons": 100}],
            "palletised_at": "2026-06-11T16:00:00+07:00",
        },
    )
    assert response.status_code == 201, response.json
    sscc = response.json["sscc"]
    body = shipment_body(ids, [sscc]) | {"loaded_at": "2026-06-12T08:00:00+07:00"}
    response = worker.post("/shipments", json=body)
    assert response.status_code == 201, response.json
    shipment = response.json["id"]
    response = worker.post(
        f"/shipments/{shipment}/departures", json={"departed_at": "2026-06-12T18:00:00+07:00"}
    )
    assert response.status_code == 201, response.json
    response = worker.post(
        f"/shipments/{shipment}/arrivals", json={"arrived_at": "2026-06-19T09:00:00+09:00"}
    )
    assert response.status_code == 201, response.json
    return {"harvest": harvest, "packed": LOT, "sscc": sscc, "shipment": shipment}


def print_labels(engine, code: str, count: int) -> list[int]:
    """Carton labels for lot `code` through the labels use case; returns their serials."""
    with Session(engine, expire_on_commit=False) as session:
        worker = session.exec(select(User).where(User.name == "worker-1")).one()
        _, _, _, serials = label_serials.carton_job(
            session, worker, code, count=count, serials=None, size="100x150", fmt="pdf"
        )
    return serials


@pytest.fixture
def story(api, ids, engine) -> dict:
    """The lot's story up to its arrival in Japan, and 50 carton labels printed."""
    out = record_story(api, ids)
    out["serials"] = print_labels(engine, LOT, 50)
    out["ids"] = ids
    return out
