"""The inspector's pages: search by any code, the chain drawn, a lot's story, recall, the
integrity of the record, exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import text

from tests.flows import GTIN, shipment_body

ORCHARD = "Vườn vải Thanh Quang 12"


@pytest.fixture
def shipped(api, ids, season):
    response = api.as_("worker").post("/shipments", json=shipment_body(ids, season["ssccs"]))
    assert response.status_code == 201, response.json
    return {**season, "shipment": response.json["id"]}


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("MSCU1234565", "shipment"),
        ("mscu1234565", "shipment"),  # as typed
        ("VN-PC-2026-118822", "shipment"),  # the phytosanitary certificate
        ("HPH-TYO-0611", "shipment"),  # the bill of lading
        ("{sscc}", "pallet"),
        ("(00){sscc}", "pallet"),
        ("{packed}", "lot"),
        ("http://127.0.0.1:5000/01/" + GTIN + "/10/{packed}/21/7", "lot"),
        ("VN-HDTH-0112", "chain"),  # the orchard's growing-area code
    ],
)
def test_search_finds_anything_by_its_code(as_, shipped, query, where):
    inspector = as_("inspector")
    q = query.format(sscc=shipped["ssccs"][0], packed=shipped["packed"])
    inspector.open("/search", query_string={"q": q})
    expected = {
        "shipment": f"/app/shipments/{shipped['shipment']}",
        "pallet": f"/app/pallets/{shipped['ssccs'][0]}",
        "lot": f"/app/lots/{shipped['packed']}",
        "chain": "/app/chain/location:",
    }[where]
    assert inspector.url.startswith(expected), inspector.url
    assert ORCHARD in inspector.html  # every one of these pages draws the chain to the orchard


def test_an_unknown_code_says_so(as_, shipped):
    inspector = as_("inspector")
    response = inspector.open("/search?q=NOPE-123")
    assert response.status_code == 404
    assert "Nothing is known by NOPE-123." in inspector.text()


def test_the_chain_picture_links_every_node(as_, shipped, ids):
    inspector = as_("inspector")
    inspector.open(f"/app/shipments/{shipped['shipment']}")
    svg = re.search(r"<svg.*?</svg>", inspector.html, re.S).group(0)
    nodes = re.findall(r'<a href="([^"]+)" class="node" data-node="([^"]+)"', svg)
    kinds = {name.partition(":")[0] for _href, name in nodes}
    assert kinds == {"location", "lot", "pallet", "shipment"}
    assert (f"/app/chain/location:{ids['orchard']}", f"location:{ids['orchard']}") in nodes
    assert (f"/app/lots/{shipped['harvest']}", "lot:1") in nodes
    for href, _name in nodes:
        assert inspector.client.get(href).status_code == 200, href
    assert "1000 kg" in svg  # the edge harvest lot → packed lot carries what was used


def test_a_lot_page_has_its_timeline_mass_balance_and_codes(as_, shipped):
    inspector = as_("inspector")
    inspector.open(f"/app/lots/{shipped['harvest']}")
    timeline = re.search(r'<ol class="timeline".*?</ol>', inspector.html, re.S).group(0)
    kinds = re.findall(r'data-kind="(\w+)"', timeline)
    assert kinds[:4] == ["harvest", "receive", "treat", "pack"]
    balance = re.search(r'id="balance".*?</table>', inspector.html, re.S).group(0)
    balance = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", balance))
    assert "Harvested 1,200 kg" in balance and "Left 180 kg" in balance
    assert "by worker-1" in timeline  # who recorded each step
    inspector.open(f"/app/lots/{shipped['packed']}")
    assert f"/01/{GTIN}/10/{shipped['packed']}" in inspector.html
    assert "Print carton labels" not in inspector.html  # workers print, inspectors read
    on_pallets = re.search(r"On pallets</h3>\s*<ul>(.*?)</ul>", inspector.html, re.S).group(1)
    found = re.findall(
        r'href="/app/pallets/(\d+)"><code>\d+</code></a> · (\d+) cartons', on_pallets
    )
    assert found == [(sscc, "100") for sscc in shipped["ssccs"]]


def test_a_lot_page_shows_who_lifted_a_hold_and_why(api, as_, season):
    code = season["harvest"]
    inspection = {"inspected_at": "2026-06-11T09:00:00+07:00", "result": "fail"}
    assert api.as_("worker").post(f"/lots/{code}/inspections", json=inspection).status_code == 201
    lifted = {**inspection, "result": "pass", "notes": "re-sampled, residue within limits"}
    response = api.as_("inspector").post(f"/lots/{code}/inspections", json=lifted)
    assert response.status_code == 201, response.json
    inspector = as_("inspector")
    inspector.open(f"/app/lots/{code}")
    timeline = re.search(r'<ol class="timeline".*?</ol>', inspector.html, re.S).group(0)
    assert "hold lifted by inspector-1 (inspector): re-sampled, residue within limits" in timeline


def test_recall_page_and_its_files(as_, shipped):
    inspector = as_("inspector")
    inspector.open(f"/app/recall?code={shipped['harvest']}")
    assert inspector.url == f"/app/recall/{shipped['harvest']}"
    assert "Tokyo Fresh Trading KK" in inspector.text() and "MSCU1234565" in inspector.text()
    csv_file = inspector.client.get(f"/app/recall/{shipped['harvest']}/report.csv")
    rows = list(csv.reader(io.StringIO(csv_file.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3  # a header and the two pallets
    pdf = inspector.client.get(f"/app/recall/{shipped['harvest']}/report.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_integrity_page_names_the_first_broken_event(as_, shipped, engine):
    inspector = as_("inspector")
    inspector.open("/app/audit")
    assert "The hash chain holds" in inspector.text()
    with engine.begin() as conn:
        target = conn.execute(text("SELECT id FROM event WHERE type = 'receive'")).scalar_one()
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER event_no_update"))
            conn.execute(
                text("UPDATE event SET tz_offset = '+00:00' WHERE id = :id"), {"id": target}
            )
        else:
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_no_update"))
            conn.execute(
                text("UPDATE event SET tz_offset = '+00:00' WHERE id = :id"), {"id": target}
            )
    response = inspector.open("/app/audit")
    assert response.status_code == 409
    assert "The hash chain is broken" in inspector.text()
    assert re.search(rf"Event {target}\b", inspector.text())


def test_exports_of_a_shipment(as_, shipped):
    inspector = as_("inspector")
    inspector.open(f"/app/exports?shipment={shipped['shipment']}")
    assert f"/api/v1/exports/epcis?shipment={shipped['shipment']}" in inspector.html
    document = inspector.client.get(f"/app/exports/epcis.jsonld?shipment={shipped['shipment']}")
    assert document.status_code == 200
    body = json.loads(document.data)
    assert body["type"] == "EPCISDocument" and body["epcisBody"]["eventList"]
    sheet = inspector.client.get(f"/app/exports/fsma204.csv?lot={shipped['packed']}")
    assert sheet.status_code == 200 and "Traceability Lot Code" in sheet.get_data(as_text=True)
    assert inspector.client.get("/app/exports/fsma204.csv").status_code == 404
    assert as_("worker").client.get("/app/exports").status_code == 403


def test_pallet_and_shipment_pages_name_places_as_they_were(api, as_, shipped, ids):
    """A place renamed after a pallet was built and shipped: its pages keep the names of
    that day (the master data's history keeps the new one for what comes next)."""
    admin = api.as_("admin")
    renames = {"house": "Nhà đóng gói số 2", "exporter": "Xuất khẩu Mới JSC"}
    renames["importer"] = "Tokyo Fresh Holdings"
    for key, name in renames.items():
        response = admin.patch(f"/locations/{ids[key]}", json={"name": name})
        assert response.status_code == 200, response.json
    inspector = as_("inspector")
    inspector.open(f"/app/pallets/{shipped['ssccs'][0]}")
    assert "Thanh Hà Fruit Packing" in inspector.html
    assert renames["house"] not in inspector.html
    inspector.open(f"/app/shipments/{shipped['shipment']}")
    assert "Hải Dương Agri Export JSC" in inspector.html
    assert "Tokyo Fresh Trading KK" in inspector.html
    assert renames["exporter"] not in inspector.html
    assert renames["importer"] not in inspector.html
