"""Genuineness: each scan of a carton is counted (none lost when many come at once), and the page
warns about serials never printed, printed for another lot, or scanned too often."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from tests.flows import GTIN
from tests.lookup.conftest import LOT, LOT_URL, print_labels
from tests.lookup.test_lookup_pages import text_of
from trace.services import lookup


def scans(engine, serial: str) -> int:
    with Session(engine) as session:
        return lookup.scans_of(session, GTIN, LOT, serial)[0]


def test_each_scan_is_counted_and_shown_with_the_first_one(client, engine, story):
    first = client.get(f"{LOT_URL}/21/7", headers={"Accept-Language": "en"})
    assert first.status_code == 200
    assert "This is the first time this code has been scanned." in text_of(first)
    assert "Genuine label" in text_of(first)
    client.get(f"{LOT_URL}/21/7")
    third = client.get(f"{LOT_URL}/21/7", headers={"Accept-Language": "ja"})
    assert "このコードは 3 回読み取られています" in text_of(third)
    assert scans(engine, "7") == 3
    assert scans(engine, "8") == 0  # counted per carton


def test_head_prefetch_and_machines_do_not_count(client, engine, story):
    client.head(f"{LOT_URL}/21/9")
    client.get(f"{LOT_URL}/21/9", headers={"Sec-Purpose": "prefetch"})
    client.get(f"{LOT_URL}/21/9", headers={"Accept": "application/linkset+json"})
    client.get(f"{LOT_URL}/21/9?linkType=gs1:epcis")
    assert scans(engine, "9") == 0
    client.get(f"{LOT_URL}/21/9")
    assert scans(engine, "9") == 1


def test_a_serial_never_printed_is_flagged(client, story):
    response = client.get(f"{LOT_URL}/21/999", headers={"Accept-Language": "vi"})
    assert response.status_code == 200  # the lot is real; the label is doubtful
    page = text_of(response)
    assert "Nhãn này có thể là nhãn giả" in page
    assert "Chưa từng có nhãn nào mang số sê-ri 999" in page


def test_a_serial_of_another_lot_is_flagged(client, engine, api, story):
    other = api.as_("worker").post(
        "/packings",
        json={
            "location_id": story["ids"]["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": story["harvest"], "quantity": 100, "unit": "kg"}],
            "cartons": 20,
            "packed_on": "2026-06-11",
            "lot_code": "LOT26B",
        },
    )
    assert other.status_code == 201, other.json
    serials = print_labels(engine, "LOT26B", 5)  # 51-55: serials run on per GTIN
    response = client.get(f"{LOT_URL}/21/{serials[0]}", headers={"Accept-Language": "en"})
    page = text_of(response)
    assert "This label may not be genuine" in page
    assert f"Serial number {serials[0]} was printed for another lot (LOT26B)" in page


def test_a_code_scanned_too_often_is_flagged(app, client, story):
    app.config["LOOKUP_SCAN_ALERT"] = 3
    for _ in range(3):
        page = text_of(client.get(f"{LOT_URL}/21/11", headers={"Accept-Language": "ja"}))
        assert "正規のラベル" in page
    page = text_of(client.get(f"{LOT_URL}/21/11", headers={"Accept-Language": "ja"}))
    assert "このコードは異常に多く読み取られています" in page


def test_scans_at_the_same_moment_are_all_counted(app, engine, story):
    """32 phones, 8 at a time, through the whole app: not one count lost (SQLite and
    PostgreSQL; 32 stays under the default 60/minute limit)."""
    start = threading.Barrier(8)

    def scan(_):
        client = app.test_client()
        start.wait() if _ < 8 else None
        return client.get(f"{LOT_URL}/21/12").status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(scan, range(32)))
    assert codes == [200] * 32
    assert scans(engine, "12") == 32


def test_count_scan_is_one_atomic_upsert(engine):
    """The service alone, 4 threads × 25 sessions: the count is exact and first_at stays put."""

    def bump(_):
        for _ in range(25):
            with Session(engine) as session:
                lookup.count_scan(session, GTIN, "L1", "1")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(bump, range(4)))
    with Session(engine) as session:
        count, first = lookup.scans_of(session, GTIN, "L1", "1")
    assert count == 100 and first is not None
