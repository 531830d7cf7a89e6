"""Caching: repeat scans and a CDN are cheap (ETag, Cache-Control), yet a page changes as soon as
something new is recorded; a carton's page, which counts scans, is never cached."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import text

from tests.flows import BROWSER, GTIN, harvest_body, shipment_body, statements
from tests.lookup.conftest import LOT, LOT_URL, print_labels
from trace.db.models import CartonSerial, LabelJob
from trace.lookup.cache import PageCache
from trace.services import label_serials


def test_a_repeat_visit_with_the_etag_costs_no_body(client, story):
    first = client.get(LOT_URL, headers={"Accept-Language": "ja"})
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert first.headers["Vary"] == "Accept, Accept-Language, Cookie"
    etag = first.headers["ETag"]
    again = client.get(LOT_URL, headers={"Accept-Language": "ja", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert "Link" in again.headers
    english = client.get(LOT_URL, headers={"Accept-Language": "en", "If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag  # per language


def test_a_new_event_changes_the_page_and_its_etag(client, api, story):
    etag = client.get(LOT_URL).headers["ETag"]
    response = api.as_("worker").post(
        "/lots/LOT%2F26A/inspections",
        json={"inspected_at": "2026-06-19T10:00:00+09:00", "result": "pass", "kind": "import"},
    )
    assert response.status_code == 201, response.json
    after = client.get(LOT_URL, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert "Inspected" in after.get_data(as_text=True)


def test_linksets_are_cacheable_and_conditional(client, story):
    first = client.get(LOT_URL, headers={"Accept": "application/linkset+json"})
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(
        LOT_URL,
        headers={"Accept": "application/linkset+json", "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304


def test_a_cartons_page_is_never_stored_so_every_scan_reaches_the_counter(client, story):
    response = client.get(f"{LOT_URL}/21/3")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers


def test_the_cache_lifetime_is_configurable(app, client, story):
    app.config["LOOKUP_MAX_AGE"] = 300
    assert client.get(LOT_URL).headers["Cache-Control"] == "public, max-age=300"


# --- pages kept in the worker's memory (trace/lookup/cache.py) ---------------------------------


def test_a_kept_page_costs_no_query_until_something_is_recorded(app, client, api, engine, story):
    # Another worker's writes are looked for every LOOKUP_CACHE_RECHECK seconds; a minute here,
    # so that a slow machine between two requests does not make that look.
    app.extensions["trace.lookup"]["cache"].recheck = 60
    first = client.get(LOT_URL, headers={"Accept-Language": "ja"})
    with statements(engine) as seen:
        again = client.get(LOT_URL, headers={"Accept-Language": "ja"})
    assert again.get_data() == first.get_data()
    assert seen == []  # the worker looked a moment ago and wrote nothing since
    linkset = {"Accept": "application/linkset+json"}
    client.get(LOT_URL, headers=linkset)
    with statements(engine) as seen:
        assert client.get(LOT_URL, headers=linkset).status_code == 200
    assert seen == []
    # something recorded elsewhere in the season (another lot): one look, the page still kept
    response = api.as_("worker").post(
        "/lots/harvest",
        json=harvest_body(story["ids"], quantity=10, harvested_on="2026-06-12"),
    )
    assert response.status_code == 201
    with statements(engine) as seen:
        assert client.get(LOT_URL, headers={"Accept-Language": "ja"}).get_data() == first.get_data()
    assert len(seen) == 2, seen  # what changed, and does it name this lot's story? (no)


def test_another_workers_write_shows_within_the_recheck_time(app, client, engine, story):
    """A write this worker did not make (here: straight through the database, as another
    process would) shows once the worker's last look is LOOKUP_CACHE_RECHECK seconds old."""
    recheck = app.config["LOOKUP_CACHE_RECHECK"]
    assert 0 < recheck <= 1
    on_hold = "This lot is on hold"
    assert on_hold not in client.get(LOT_URL).get_data(as_text=True)
    # (a past lot's page keeps the product and places of its day: a change another worker
    # makes that shows on it is one of the lot itself, here a hold and a bumped revision)
    with engine.begin() as conn:  # a Core connection: not a commit this worker's sessions saw
        conn.execute(
            text("UPDATE lot SET on_hold = :yes WHERE code = :lot"), {"yes": True, "lot": LOT}
        )
        conn.execute(text("UPDATE counter SET value = value + 1 WHERE name = 'master_data'"))
    time.sleep(recheck + 0.05)
    page = client.get(LOT_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert on_hold in page


def test_a_new_pallet_of_the_lot_shows_on_its_kept_page(client, api, story):
    before = client.get(LOT_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Jun 17, 2026" not in before
    response = api.as_("worker").post(
        "/pallets",
        json={
            "location_id": story["ids"]["house"],
            "contents": [{"lot": LOT, "cartons": 50}],
            "palletised_at": "2026-06-17T16:00:00+07:00",
        },
    )
    assert response.status_code == 201, response.json
    after = client.get(LOT_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Jun 17, 2026" in after  # the new pallet's step in the timeline


def test_a_correction_upstream_shows_on_the_packed_lots_kept_page(client, api, story):
    assert "(corrected)" not in client.get(LOT_URL).get_data(as_text=True)
    receipt = api.get(f"/lots/{story['harvest']}/events").json[1]
    assert receipt["type"] == "receive"
    response = api.as_("worker").post(
        f"/events/{receipt['id']}/corrections",
        json={"reason": "scale read 10 kg high", "changes": {"quantity": 1170}},
    )
    assert response.status_code == 201, response.json
    assert "(corrected)" in client.get(LOT_URL).get_data(as_text=True)


def test_every_persons_scan_of_a_carton_is_counted_though_its_lots_story_is_kept(
    client, engine, story
):
    carton = f"{LOT_URL}/21/{story['serials'][6]}"
    opened = {**BROWSER, "Accept-Language": "en"}
    client.get(f"{LOT_URL}/21/{story['serials'][5]}", headers=opened)  # the lot's story kept
    pages = []
    for n in range(3):  # three people, each with a phone of their own
        with statements(engine) as seen:
            pages.append(client.get(carton, headers={**opened, "User-Agent": f"phone {n}"}))
    texts = [page.get_data(as_text=True) for page in pages]
    assert "Only one person has scanned this code so far" in texts[0]
    assert "scanned 2 times" in texts[1] and "scanned 3 times" in texts[2]
    # the freshness check, the label checked, the scan added, the count bumped and read: not
    # the story again
    assert len(seen) <= 6, seen
    assert 'id="timeline"' in texts[2] and "Thanh Quang" in texts[2]


def test_a_kept_label_check_costs_no_query_and_a_new_label_job_shows_on_the_next_scan(
    app, client, engine, story, monkeypatch
):
    """A carton's label check is kept with its lot's story; a label job printed since (here one
    that prints the very serial a phone scanned before it was printed) shows on the next scan,
    at once through this worker, within LOOKUP_CACHE_RECHECK seconds through another."""
    app.extensions["trace.lookup"]["cache"].recheck = 60
    opened = {**BROWSER, "Accept-Language": "en"}
    carton = f"{LOT_URL}/21/{story['serials'][9]}"
    client.get(carton, headers={**opened, "User-Agent": "phone 1"})
    with statements(engine) as seen:
        page = client.get(carton, headers={**opened, "User-Agent": "phone 2"})
    assert "Genuine label" in page.get_data(as_text=True)
    assert "scanned 2 times" in page.get_data(as_text=True)
    assert not [s for s in seen if "carton_serial" in s], seen  # the label check: kept
    early = "7ZZZZZZZZZZZZ"  # a serial no label carries yet
    doubtful = client.get(f"{LOT_URL}/21/{early}", headers=opened).get_data(as_text=True)
    assert "This label may not be genuine" in doubtful
    monkeypatch.setattr(label_serials, "new_serial", lambda: early)
    assert print_labels(engine, LOT, 1) == [early]
    genuine = client.get(f"{LOT_URL}/21/{early}", headers=opened).get_data(as_text=True)
    assert "Genuine label" in genuine and "This label may not be genuine" not in genuine
    # Printed by another worker (straight through the database: no commit this worker saw):
    # shown once this worker's last look is LOOKUP_CACHE_RECHECK seconds old.
    app.extensions["trace.lookup"]["cache"].recheck = app.config["LOOKUP_CACHE_RECHECK"]
    early = "7YYYYYYYYYYYY"
    assert "may not be genuine" in client.get(f"{LOT_URL}/21/{early}", headers=opened).text
    with engine.begin() as conn:  # a Core connection: not a commit this worker's sessions saw
        lot = conn.execute(text("SELECT id, product_id FROM lot WHERE code = :c"), {"c": LOT}).one()
        job = conn.execute(
            LabelJob.__table__.insert().values(
                kind="carton", product_id=lot.product_id, lot_id=lot.id, size="100x150",
                format="pdf", count=1, serial_first=900, serial_last=900, reprint=False,
                random_serials=True, created_at=datetime.now(UTC),
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(
            CartonSerial.__table__.insert().values(
                product_id=lot.product_id, serial=early, number=900, lot_id=lot.id,
                label_job_id=job,
            )
        )  # fmt: skip
    time.sleep(app.config["LOOKUP_CACHE_RECHECK"] + 0.05)
    assert "Genuine label" in client.get(f"{LOT_URL}/21/{early}", headers=opened).text


def test_any_carton_of_a_kept_lot_is_checked_without_a_query(app, client, engine, story):
    """The first carton scanned reads the lot's printed cartons; a scan of any other of them is
    checked from memory, a serial printed for no carton of the lot is read."""
    app.extensions["trace.lookup"]["cache"].recheck = 60
    opened = {**BROWSER, "Accept-Language": "en"}
    client.get(f"{LOT_URL}/21/{story['serials'][0]}", headers={**opened, "User-Agent": "a"})
    for n, serial in enumerate(story["serials"][1:6]):
        with statements(engine) as seen:
            page = client.get(f"{LOT_URL}/21/{serial}", headers={**opened, "User-Agent": f"{n}"})
        assert "Genuine label" in page.text
        assert not [s for s in seen if "carton_serial" in s], seen  # (the revision aside)
    with statements(engine) as seen:
        forged = client.get(f"{LOT_URL}/21/7QQQQQQQQQQQQ", headers=opened)
    assert "This label may not be genuine" in forged.text
    assert [s for s in seen if "carton_serial" in s], seen


def test_a_renamed_place_or_product_keeps_its_past_and_names_new_events_anew(client, api, story):
    carton = f"{LOT_URL}/21/8"
    assert "Thanh Quang" in client.get(LOT_URL).get_data(as_text=True)
    client.get(carton)
    admin = api.as_("admin")
    response = admin.patch(f"/locations/{story['ids']['house']}", json={"name": "Nhà đóng gói Mới"})
    assert response.status_code == 200, response.json
    # The packing happened before the rename: the page keeps the house's name of that day
    # (the master data as it was), read anew all the same.
    for path in (LOT_URL, carton):
        page = client.get(path).get_data(as_text=True)
        assert "Nhà đóng gói Mới" not in page and "Thanh Hà Fruit Packing" in page
    ident = next(p["id"] for p in api.get("/products").json if p["gtin"] == GTIN)
    response = admin.patch(f"/products/{ident}", json={"name": {"en": "Lychee, extra class"}})
    assert response.status_code == 200, response.json
    response = admin.patch(
        f"/locations/{story['ids']['exporter']}", json={"name": "Xuất khẩu Mới JSC"}
    )
    assert response.status_code == 200, response.json
    page = client.get(LOT_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Lychee, extra class" not in page and "Thanh Ha lychee" in page  # packed before
    assert "Xuất khẩu Mới JSC" not in page and "Hải Dương Agri Export JSC" in page
    # A shipment loaded after the rename names the exporter as it is, on the next scan.
    now = datetime.now(UTC).isoformat()
    worker = api.as_("worker")
    response = worker.post(
        "/pallets",
        json={
            "location_id": story["ids"]["house"],
            "contents": [{"lot": LOT, "cartons": 10}],
            "palletised_at": now,
        },
    )
    assert response.status_code == 201, response.json
    body = shipment_body(story["ids"], [response.json["sscc"]]) | {"loaded_at": now}
    assert worker.post("/shipments", json=body).status_code == 201
    page = client.get(LOT_URL, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Xuất khẩu Mới JSC" in page and "Hải Dương Agri Export JSC" in page
    assert "Lychee, extra class" not in page


def test_kept_copies_expire(app, client, engine, story):
    app.extensions["trace.lookup"]["cache"] = PageCache(app.extensions["trace.engine"], 100, 1)
    client.get(LOT_URL)
    time.sleep(1.1)
    with statements(engine) as seen:
        client.get(LOT_URL)
    assert len(seen) > 3  # read anew


def test_nothing_is_kept_when_the_cache_is_off(app, client, engine, story):
    app.extensions["trace.lookup"]["cache"] = PageCache(
        app.extensions["trace.engine"], size=0, seconds=60
    )
    first = client.get(LOT_URL)
    with statements(engine) as seen:
        again = client.get(LOT_URL)
    assert again.get_data() == first.get_data()
    assert len(seen) > 3


def test_reading_a_lots_story_costs_a_fixed_number_of_queries(app, client, api, engine, story):
    """Nothing kept: the story is read in a handful of queries however many events, places and
    pallets the lot has (no query per row)."""
    app.extensions["trace.lookup"]["cache"] = PageCache(app.extensions["trace.engine"], 0, 60)
    with statements(engine) as seen:
        assert client.get(LOT_URL).status_code == 200
    first = len(seen)
    for day in range(12, 16):  # four more pallets, each with its own event
        response = api.as_("worker").post(
            "/pallets",
            json={"location_id": story["ids"]["house"], "contents": [{"lot": LOT, "cartons": 5}],
                  "palletised_at": f"2026-06-{day}T16:00:00+07:00"},
        )  # fmt: skip
        assert response.status_code == 201, response.json
    with statements(engine) as seen:
        assert client.get(LOT_URL).status_code == 200
    assert len(seen) == first <= 12, seen
