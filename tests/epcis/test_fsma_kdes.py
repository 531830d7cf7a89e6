"""Each FSMA 204 row holds every key data element the rule asks of its critical tracking event
(21 CFR 1.1325–1.1345, for produce that is not sprouts nor aquaculture), with places described
as §1.1310 defines a location description: business name, phone number, address, country."""

from __future__ import annotations

import csv
import io

from tests.flows import GTIN, packed_season, shipment_body

# The rule's KDEs per CTE, as the spreadsheet's columns ("Date of the Event" is the date of
# harvesting, cooling, packing, shipping or receiving; "Location Description for Where the Event
# Took Place" the farm, where cooled, the packing house, where shipped from or received).
EVERY = ["Date of the Event", "Reference Document Type", "Reference Document Number"]
KDES = {
    "Harvesting": [  # 1.1325(a)(1)(i)-(v),(vii),(viii); (a)(2)
        "Location Description for the Immediate Subsequent Recipient",
        "Commodity",
        "Variety",
        "Quantity",
        "Unit of Measure",
        "Location Description for Where the Event Took Place",
        "Name of the Field or Other Growing Area",
        "Business Name of the Harvester",
        "Phone Number of the Harvester",
    ],
    "Cooling": [  # 1.1325(b)(1)(i)-(vii)
        "Location Description for the Immediate Subsequent Recipient",
        "Commodity",
        "Variety",
        "Quantity",
        "Unit of Measure",
        "Location Description for Where the Event Took Place",
        "Location Description for the Farm Where the Food Was Harvested",
    ],
    "Receiving (before initial packing)": [  # 1.1330(a)(1)-(3), kept by the packer
        "Commodity",
        "Variety",
        "Quantity",
        "Unit of Measure",
        "Location Description for the Immediate Previous Source",
        "Location Description for the Farm Where the Food Was Harvested",
    ],
    "Initial Packing": [  # 1.1330(a)(1)-(16)
        "Commodity",
        "Variety",
        "Date Received",
        "Quantity Received",
        "Location Description for the Farm Where the Food Was Harvested",
        "Name of the Field or Other Growing Area",
        "Business Name of the Harvester",
        "Phone Number of the Harvester",
        "Date of Harvesting",
        "Location Description for Where the Food Was Cooled",
        "Date of Cooling",
        "Traceability Lot Code",
        "Product Description",
        "Quantity",
        "Unit of Measure",
        "Location Description for the Traceability Lot Code Source",
        "Traceability Lot Code Source Reference",
    ],
    "Shipping": [  # 1.1340(a)(1)-(8)
        "Traceability Lot Code",
        "Quantity",
        "Unit of Measure",
        "Product Description",
        "Location Description for the Immediate Subsequent Recipient",
        "Location Description for Where the Event Took Place",
        "Location Description for the Traceability Lot Code Source",
    ],
    "Receiving": [  # 1.1345(a)(1)-(8)
        "Traceability Lot Code",
        "Quantity",
        "Unit of Measure",
        "Product Description",
        "Location Description for the Immediate Previous Source",
        "Location Description for Where the Event Took Place",
        "Location Description for the Traceability Lot Code Source",
    ],
}
PLACES = {
    "orchard": ("orchard", "Vườn vải Thanh Quang 12", None, "+84 220 3850 112"),
    "house": ("packing_house", "Thanh Hà Fruit Packing", "8931234000011", "+84 220 3850 007"),
    "facility": ("treatment_facility", "Hà Nội Fumigation Centre", None, "+84 24 3850 002"),
    "exporter": ("exporter", "Hải Dương Agri Export JSC", None, "+84 220 3850 200"),
    "importer": ("importer", "Tokyo Fresh Trading KK", None, "+81 3 5555 0123"),
}
CODES = {"orchard": "PUC", "house": "PHC", "facility": "TFC"}


def master_data(api) -> dict:
    """The walkthrough's places, each with a phone number and a full address."""
    ids = {}
    for key, (kind, name, gln, phone) in PLACES.items():
        body = {
            "kind": kind,
            "name": name,
            "phone": phone,
            "address": {
                "street": f"{len(key)} Đường Trần Hưng Đạo",
                "district": "Thanh Hà",
                "province": "Hải Dương",
                "postal_code": "03000",
                "country": "VN" if key != "importer" else "JP",
            },
        }
        if gln:
            body["gln"] = gln
        if key in CODES:
            body["codes"] = [{"scheme": CODES[key], "value": f"VN-{key}-1", "market": "JP"}]
        response = api.as_("admin").post("/locations", json=body)
        assert response.status_code == 201, response.json
        ids[key] = response.json["id"]
    product = {
        "gtin": GTIN,
        "name": {"en": "Thanh Ha lychee"},
        "commodity": "lychee",
        "variety": "Thanh Hà",
        "net_weight_kg": 5,
    }
    assert api.as_("admin").post("/products", json=product).status_code == 201
    return ids


def test_every_row_holds_the_kdes_of_its_event(api):
    ids = master_data(api)
    season = packed_season(api, ids)
    worker = api.as_("worker")
    cooled = worker.post(
        f"/lots/{season['harvest']}/coolings",
        json={
            "location_id": ids["house"],
            "cooled_at": "2026-06-10T16:00:00+07:00",
            "temperature_c": 4,
            "duration_h": 6,
        },
    )
    assert cooled.status_code == 201, cooled.json
    shipment = worker.post("/shipments", json=shipment_body(ids, season["ssccs"])).json["id"]
    for step, at in (("departures", "2026-06-12T22:00:00+07:00"), ("arrivals", None)):
        body = {"departed_at": at} if at else {"arrived_at": "2026-06-19T08:00:00+09:00"}
        assert worker.post(f"/shipments/{shipment}/{step}", json=body).status_code == 201
    response = api.as_("inspector").get(f"/exports/fsma204.csv?lot={season['packed']}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert sorted({r["Critical Tracking Event"] for r in rows}) == sorted(KDES)
    for row in rows:
        event = row["Critical Tracking Event"]
        missing = [c for c in KDES[event] + EVERY if not row[c].strip()]
        assert missing == [], (event, missing)
        for column, value in row.items():
            if column.startswith("Location Description") and value:
                # §1.1310: business name, phone number, address with postal code, country
                assert "phone +" in value and "03000" in value, (event, column, value)
    cooling = next(r for r in rows if r["Critical Tracking Event"] == "Cooling")
    assert cooling["Reference Document Type"] == "Cooling record"
    assert cooling["Reference Document Number"] == season["harvest"]
    assert cooling["Date of the Event"] == "2026-06-10"
    packing = next(r for r in rows if r["Critical Tracking Event"] == "Initial Packing")
    assert packing["Phone Number of the Harvester"] == "'+84 220 3850 112"
    assert packing["Date of Cooling"] == "2026-06-10"
