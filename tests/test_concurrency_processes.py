"""Eight processes at once, a hundred requests each, on SQLite and PostgreSQL (issue: hardening,
item 3): pallets and carton label jobs racing for one lot of 300 cartons. No SSCC or serial
twice, the lot's cartons never overdrawn (by pallets or by labels), the hash chain whole."""

from __future__ import annotations

import multiprocessing
from collections import Counter

from sqlalchemy import text

from tests.flows import GTIN, harvest_body

PROCESSES, REQUESTS = 8, 100
CARTONS = 300  # 400 pallet tries of one carton: exactly 300 win


def _work(args) -> list[tuple[str, int, object]]:
    url, folder, token, lot, house, index = args
    from trace.app import create_app  # a process of its own: its own app, engine and pool

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder, "TESTING": True})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    for n in range(REQUESTS):
        if (n + index) % 2:
            body = {"location_id": house, "contents": [{"lot": lot, "cartons": 1}]}
            response = client.post("/api/v1/pallets", json=body, headers=headers)
            answer = response.get_json() or {}
            out.append(("pallet", response.status_code, answer.get("sscc")))
        else:
            body = {"kind": "carton", "lot": lot, "count": 2, "size": "100x150mm", "format": "zpl"}
            response = client.post("/api/v1/labels", json=body, headers=headers)
            out.append(("labels", response.status_code, response.headers.get("X-Serials")))
    app.extensions["trace.engine"].dispose()
    return out


def test_eight_processes_race_for_one_lot(api, ids, database_url, tmp_path, engine):
    worker = api.as_("worker")
    harvest = worker.post(
        "/lots/harvest",
        json=harvest_body(ids, quantity=1500),
    ).json["code"]
    response = worker.post(
        f"/lots/{harvest}/receipts",
        json={"location_id": ids["house"], "received_at": "2026-06-10T14:00:00+07:00",
              "quantity": 1500, "unit": "kg"},
    )  # fmt: skip
    assert response.status_code == 201, response.json
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": harvest, "quantity": 1500, "unit": "kg"}],
            "cartons": CARTONS,
            "packed_on": "2026-06-11",
        },
    )
    assert response.status_code == 201, response.json
    lot = response.json["lot"]
    jobs = [(database_url, str(tmp_path), api.tokens["worker"], lot, ids["house"], i)
            for i in range(PROCESSES)]  # fmt: skip
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        answers = [a for batch in pool.map(_work, jobs) for a in batch]

    statuses = Counter((kind, status) for kind, status, _ in answers)
    assert statuses[("pallet", 201)] == CARTONS, statuses
    assert statuses[("pallet", 409)] == PROCESSES * REQUESTS // 2 - CARTONS, statuses
    # a lot's carton labels are as many as its cartons: 150 jobs of two, the rest refused
    assert statuses[("labels", 200)] == CARTONS // 2, statuses
    assert statuses[("labels", 409)] == PROCESSES * REQUESTS // 2 - CARTONS // 2, statuses
    ssccs = [value for kind, status, value in answers if kind == "pallet" and status == 201]
    assert len(set(ssccs)) == len(ssccs) == CARTONS
    assert api.get(f"/lots/{lot}").json["cartons"]["left"] == 0
    with engine.connect() as conn:
        ranges = conn.execute(
            text("SELECT serial_first, serial_last FROM label_job WHERE lot_id = "
                 "(SELECT id FROM lot WHERE code = :lot) ORDER BY serial_first"), {"lot": lot}
        ).all()  # fmt: skip
    serials = [s for first, last in ranges for s in range(first, last + 1)]
    assert len(serials) == len(set(serials)) == CARTONS
    assert serials == list(range(serials[0], serials[0] + len(serials)))  # no gap, no repeat
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True
