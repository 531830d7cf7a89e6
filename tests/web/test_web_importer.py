"""An importer's staff pages: its own shipments only, the arrival and its condition recorded
(refusals in the reader's words, nothing written), its EPCIS and FSMA 204 files."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlmodel import Session

from tests.flows import count_rows
from tests.web.page import Page
from trace.services import users

PASSWORD = "importer-pass-1"


def _importer(client, engine, location_id: int, name: str = "tokyo") -> Page:
    with Session(engine, expire_on_commit=False) as session:
        users.create(session, name, "importer", location_id, password=PASSWORD)
    page = Page(client.application.test_client())
    page.open("/login")
    page.send({"username": name, "password": PASSWORD})
    assert page.url == "/app/", page.text()
    return page


def test_an_importer_records_the_arrival_of_its_shipment(client, engine, ids, shipped, staff):
    shipped = shipped["shipment"]
    page = _importer(client, engine, ids["importer"])
    assert "MSCU1234565" in page.text()  # its shipment, on its home page
    page.open(f"/app/imports/{shipped}")
    assert "Record the arrival" in page.text()
    before = count_rows(engine)
    page.send({"arrived_at": "2026-06-12T10:00", "condition": "ok"}, form="arrive")
    assert page.response.status_code == 422
    assert 'id="arrived_at-error">A shipment cannot arrive before it departed.' in page.html
    assert count_rows(engine) == before  # nothing written
    page.send(
        {"arrived_at": "2026-06-19T09:00", "condition": "2 cartons crushed at one corner"},
        form="arrive",
    )
    assert page.response.status_code == 200 and page.url == f"/app/imports/{shipped}"
    assert f"Shipment {shipped} arrived." in page.text()
    assert "condition: 2 cartons crushed at one corner" in page.text()
    assert 'id="arrive"' not in page.html  # arrived: no second arrival


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # reads only
def test_an_importer_sees_and_downloads_only_its_own_shipments(
    client, engine, api, ids, shipped, staff
):
    shipped = shipped["shipment"]
    other = api.post(
        "/locations",
        json={"kind": "importer", "name": "Pacific Rim Produce LLC", "address": {"country": "US"}},
    )
    assert other.status_code == 201, other.json
    stranger = _importer(client, engine, other.json["id"], name="la")
    assert "MSCU1234565" not in stranger.text()
    assert "No shipment is consigned to you yet." in stranger.text()
    for path in ("", "/epcis.jsonld", "/fsma204.csv"):
        assert stranger.client.get(f"/app/imports/{shipped}{path}").status_code == 404, path
    before = count_rows(engine)
    stranger.open("/app/")
    token = stranger.html.split('name="csrf_token" value="')[1].split('"')[0]
    response = stranger.client.post(
        f"/app/imports/{shipped}/arrival",
        data={"csrf_token": token, "once": "x" * 24, "arrived_at": "2026-06-19T09:00"},
    )
    assert response.status_code == 404 and count_rows(engine) == before
    for path in (f"/app/shipments/{shipped}", "/search?q=MSCU1234565", "/app/receive"):
        assert stranger.client.get(path).status_code == 403, path

    own = _importer(client, engine, ids["importer"])
    document = own.client.get(f"/app/imports/{shipped}/epcis.jsonld")
    assert document.status_code == 200 and document.mimetype == "application/ld+json"
    steps = [e.get("bizStep") for e in json.loads(document.data)["epcisBody"]["eventList"]]
    assert "loading" in steps and "shipping" in steps
    sheet = own.client.get(f"/app/imports/{shipped}/fsma204.csv")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True))))
    assert any(row["Traceability Lot Code"] for row in rows)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_staff_do_not_open_an_importers_pages(as_, shipped):
    shipped = shipped["shipment"]
    for role in ("worker", "inspector"):
        assert as_(role).client.get(f"/app/imports/{shipped}").status_code == 403, role
