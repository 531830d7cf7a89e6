"""GET /exports/fsma204.csv and .xlsx: the walkthrough as the FDA's sortable spreadsheet, one
row per critical tracking event and lot, checked row by row (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import openpyxl

from tests.flows import GTIN
from trace.services.fsma import COLUMNS

HOUSE = "Thanh Hà Fruit Packing, Thanh Hà, Hải Dương, VN, GLN 8931234000011"
ORCHARD = "Vườn vải Thanh Quang 12, Thanh Quang, Thanh Hà, Hải Dương, VN"
PRODUCT = f"Thanh Ha lychee; Vải thiều Thanh Hà, lychee, Thanh Hà, 5 kg carton, GTIN {GTIN}"


def read_csv(api, query, role="inspector"):
    response = api.as_(role).get(f"/exports/fsma204.csv?{query}")
    assert response.status_code == 200, response.data[:300]
    assert response.content_type == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def expected(shipped):
    """The walkthrough's critical tracking events, as the rule names their KDEs."""
    tlc, harvest = shipped["packed"], shipped["harvest"]
    return [
        {"Critical Tracking Event": "Harvesting", "21 CFR Section": "1.1325(a)",
         "Date of the Event": "2026-06-10", "Traceability Lot Code": "", "Quantity": "1200",
         "Unit of Measure": "kg", "Commodity": "lychee", "Variety": "Thanh Hà",
         "Location Description for Where the Event Took Place": ORCHARD,
         "Location Description for the Immediate Subsequent Recipient": HOUSE,
         "Name of the Field or Other Growing Area": "Vườn vải Thanh Quang 12 — PUC VN-HDTH-0112 (JP)",
         "Reference Document Type": "Harvest record", "Reference Document Number": harvest},
        {"Critical Tracking Event": "Receiving (before initial packing)",
         "Date of the Event": "2026-06-10", "Quantity": "1180", "Unit of Measure": "kg",
         "Location Description for Where the Event Took Place": HOUSE,
         "Location Description for the Immediate Previous Source": ORCHARD},
        {"Critical Tracking Event": "Initial Packing", "21 CFR Section": "1.1330(a)",
         "Date of the Event": "2026-06-11", "Traceability Lot Code": tlc,
         "Location Description for the Traceability Lot Code Source": HOUSE,
         "Traceability Lot Code Source Reference": "https://id.gs1.org/414/8931234000011",
         "Product Description": PRODUCT, "Quantity": "200", "Unit of Measure": "carton (5 kg)",
         "Location Description for the Farm Where the Food Was Harvested": ORCHARD,
         "Date of Harvesting": "2026-06-10", "Date Received": "2026-06-10",
         "Quantity Received": f"{harvest}: 1180 kg", "Input Lots": f"{harvest}: 1000 kg"},
        {"Critical Tracking Event": "Shipping", "21 CFR Section": "1.1340(a)",
         "Date of the Event": "2026-06-12", "Traceability Lot Code": tlc,
         "Location Description for the Traceability Lot Code Source": HOUSE,
         "Product Description": PRODUCT, "Quantity": "200", "Unit of Measure": "carton (5 kg)",
         "Location Description for Where the Event Took Place": HOUSE,
         "Location Description for the Immediate Subsequent Recipient": "Tokyo Fresh Trading KK, JP",
         "Reference Document Type": "Bill of lading; Phytosanitary certificate; Shipment",
         "Reference Document Number": f"HPH-TYO-0611; VN-PC-2026-118822; {shipped['shipment']}"},
        {"Critical Tracking Event": "Receiving", "21 CFR Section": "1.1345(a)",
         "Date of the Event": "2026-06-19", "Traceability Lot Code": tlc, "Quantity": "200",
         "Location Description for Where the Event Took Place": "Tokyo Fresh Trading KK, JP",
         "Location Description for the Immediate Previous Source": "Hải Dương Agri Export JSC, VN"},
    ]  # fmt: skip


def arrive(api, shipped):
    response = api.as_("worker").post(
        f"/shipments/{shipped['shipment']}/arrivals",
        json={"arrived_at": "2026-06-19T08:00:00+09:00"},
    )
    assert response.status_code == 201, response.json


def check(rows, shipped):
    want = expected(shipped)
    assert [r["Critical Tracking Event"] for r in rows] == [
        w["Critical Tracking Event"] for w in want
    ]
    for row, wanted in zip(rows, want, strict=True):
        for column, value in wanted.items():
            assert row[column] == value, (wanted["Critical Tracking Event"], column)
        assert row["Record Source"] == "trace" and row["EPCIS Event ID"].startswith("urn:uuid:")
    dates = [r["Date of the Event"] for r in rows]
    assert dates == sorted(dates)


def test_csv_row_by_row(api, shipped):
    arrive(api, shipped)
    check(read_csv(api, f"lot={shipped['packed']}"), shipped)
    # the same records by shipment, and by date range (with every other lot of those days)
    check(read_csv(api, f"shipment={shipped['shipment']}"), shipped)
    rows = read_csv(api, "from=2026-06-11&to=2026-06-12")
    assert [r["Critical Tracking Event"] for r in rows] == ["Initial Packing", "Shipping"]


def test_xlsx_with_its_glossary(api, shipped):
    arrive(api, shipped)
    response = api.as_("inspector").get(f"/exports/fsma204.xlsx?lot={shipped['harvest']}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["FSMA 204 KDEs", "Glossary"]
    sheet = book["FSMA 204 KDEs"]
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    rows = [
        {h: ("" if v is None else str(v)) for h, v in zip(header, values, strict=True)}
        for values in sheet.iter_rows(min_row=2, values_only=True)
    ]
    check(rows, shipped)
    assert isinstance(sheet.cell(row=2, column=COLUMNS.index("Quantity") + 1).value, int)
    glossary = {row[0]: row for row in book["Glossary"].iter_rows(min_row=2, values_only=True)}
    assert set(glossary) == set(COLUMNS)
    assert "1.1340(a)(1)" in glossary["Traceability Lot Code"][1]
    response = api.as_("inspector").get("/exports/fsma204-glossary.csv")
    assert response.status_code == 200 and "Traceability Lot Code" in response.data.decode()


def test_an_importers_captured_receipt_is_a_receiving_row(api, engine, ids, shipped):
    from sqlmodel import Session

    from trace.services import users

    with Session(engine) as session:
        _, api.tokens["importer"] = users.create(session, "tokyo", "importer", ids["importer"])
    event = {
        "type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving",
        "eventTime": "2026-06-20T09:00:00+09:00", "eventTimeZoneOffset": "+09:00",
        "quantityList": [{"epcClass": f"https://id.gs1.org/01/{GTIN}/10/{shipped['packed']}",
                          "quantity": 199, "uom": "CT"}],
        "sourceList": [{"type": "owning_party", "source": "https://id.gs1.org/417/8931234000028"}],
        "bizTransactionList": [{"type": "recadv", "bizTransaction": "urn:epcglobal:cbv:bt:4512345000016:R-77"}],
    }  # fmt: skip
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-06-20T10:00:00Z",
        "epcisBody": {"eventList": [event]},
    }  # fmt: skip
    assert api.as_("importer").post("/epcis/capture", json=document).status_code == 202
    rows = read_csv(api, f"lot={shipped['packed']}")
    row = rows[-1]
    assert row["Record Source"] == "EPCIS capture"
    assert (row["Critical Tracking Event"], row["Traceability Lot Code"], row["Quantity"]) == (
        "Receiving",
        shipped["packed"],
        "199",
    )
    assert row["Product Description"] == PRODUCT
    assert row["Reference Document Number"] == "urn:epcglobal:cbv:bt:4512345000016:R-77"
    # the importer may ask for its own shipment's spreadsheet, not for everything
    assert len(read_csv(api, f"shipment={shipped['shipment']}", role="importer")) >= 4
    response = api.as_("importer").get(f"/exports/fsma204.csv?lot={shipped['packed']}")
    assert response.status_code == 403
