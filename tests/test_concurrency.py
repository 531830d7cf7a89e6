"""Concurrent requests: SSCCs never collide and mass balance holds, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.flows import GTIN


def test_concurrent_pallets_get_distinct_ssccs_and_never_overdraw(app, api, ids, season):
    # Take the 200 cartons back into play: a fresh packed lot of 30 cartons.
    worker = api.as_("worker")
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": season["harvest"], "quantity": 150, "unit": "kg"}],
            "cartons": 30,
            "packed_on": "2026-06-11",
        },
    )
    lot = response.json["lot"]
    headers = {"Authorization": f"Bearer {api.tokens['worker']}"}
    body = {"location_id": ids["house"], "contents": [{"lot": lot, "cartons": 1}]}

    def build(_):
        client = app.test_client()
        return [client.post("/api/v1/pallets", json=body, headers=headers) for _ in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [r for batch in pool.map(build, range(8)) for r in batch]
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] * 30 + [409] * 10, codes
    ssccs = [r.json["sscc"] for r in answers if r.status_code == 201]
    assert len(set(ssccs)) == 30
    assert api.get(f"/lots/{lot}").json["cartons"] == {"packed": 30, "palletised": 30, "left": 0}
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_two_packers_racing_for_the_last_180_kg_one_wins(app, api, ids, season):
    headers = {"Authorization": f"Bearer {api.tokens['worker']}"}
    body = {
        "location_id": ids["house"],
        "product_gtin": GTIN,
        "inputs": [{"lot": season["harvest"], "quantity": 180, "unit": "kg"}],
        "cartons": 36,
        "packed_on": "2026-06-11",
    }

    def pack(_):
        return app.test_client().post("/api/v1/packings", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(pack, range(2)))
    assert sorted(r.status_code for r in answers) == [201, 409]
    assert api.get(f"/lots/{season['harvest']}").json["quantities"]["left"] == 0
