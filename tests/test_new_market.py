"""A market trace has never heard of, added from its profile alone (and the product's name in
its language): master data, a packed lot, labels for it, a shipment to it. Nothing else in
trace is told about the market. SQLite only: the rules and labels are tested, not storage."""

from __future__ import annotations

import pytest

from tests.labels.decoding import decode, pages, pdf_text
from trace.domain import markets

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

GTIN = "08931234000424"
FREEDONIA = markets.Market(
    code="XF",  # ISO 3166 keeps X* for private use: no real country
    name="Freedonia",
    label_languages=("fr",),
    page_languages=("en", "vi"),
    codes=(
        markets.RequiredCode("orchard", "PUC", "Freedonia Plant Health", "Growing area"),
        markets.RequiredCode("packing_house", "PHC", "Freedonia Plant Health", "PHC"),
    ),
    treatments={"lychee": ("hot_water",)},
    consignee_countries=("XF",),
    conveyances=(markets.Conveyance("air"),),
    origin="Product of Vietnam for Freedonia",
    label_lines=("Packer: {packer}",),
    stamps=("Keep between 2 and 5 °C",),
)


@pytest.fixture
def freedonia():
    yield markets.register(FREEDONIA)
    markets.unregister("XF")


def _place(admin, kind, name, country, code=None):
    body = {"kind": kind, "name": name, "address": {"province": name, "country": country}}
    if code:
        body["codes"] = [{"scheme": code[0], "value": code[1], "market": "XF"}]
    response = admin.post("/locations", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def _packed_lot(worker, orchard, house, facility) -> str:
    harvest = worker.post(
        "/lots/harvest",
        json={"orchard_id": orchard, "commodity": "lychee", "quantity": 600, "unit": "kg"}
        | {"variety": "Thanh Hà", "harvested_on": "2026-06-10"},
    ).json["code"]
    receipt = {"location_id": house, "quantity": 600, "unit": "kg"}
    treatment = {"facility_id": facility, "method": "hot_water", "batch_no": "HW-07"}
    for path, body in [
        (f"/lots/{harvest}/receipts", receipt | {"received_at": "2026-06-10T14:00:00+07:00"}),
        (f"/lots/{harvest}/treatments", treatment | {"treated_at": "2026-06-11T08:00:00+07:00"}),
    ]:
        response = worker.post(path, json=body)
        assert response.status_code == 201, response.json
    response = worker.post(
        "/packings",
        json={"location_id": house, "product_gtin": GTIN, "cartons": 50, "packed_on": "2026-06-11"}
        | {"inputs": [{"lot": harvest, "quantity": 500, "unit": "kg"}]},
    )
    assert response.status_code == 201, response.json
    return response.json["lot"]


def test_a_market_added_from_its_profile_alone_gets_labels_and_a_shipment(api, freedonia):
    admin, worker = api.as_("admin"), api.as_("worker")
    orchard = _place(admin, "orchard", "Vườn Thanh Xá", "VN", ("PUC", "XF-PUC-0421"))
    house = _place(admin, "packing_house", "Cơ sở đóng gói Thanh Hà", "VN", ("PHC", "XF-PH-7"))
    facility = _place(admin, "treatment_facility", "Hot Water Hà Nội", "VN")  # XF asks no TFC
    exporter = _place(admin, "exporter", "Hải Dương Agri Export", "VN")
    importer = _place(admin, "importer", "Fredonia Fruit Co.", "XF")
    names = {"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee", "fr": "Litchi de Thanh Ha"}
    product = {"gtin": GTIN, "name": names, "commodity": "lychee", "unit": "kg"}
    assert admin.post("/products", json=product | {"net_weight_kg": 10}).status_code == 201
    lot = _packed_lot(worker, orchard, house, facility)

    # Labels: the lot's chain is open to Freedonia only, so the market need not be named.
    body = {"kind": "carton", "lot": lot, "count": 2, "size": "100x150mm", "format": "pdf"}
    response = worker.post("/labels", json=body)
    assert response.status_code == 200, response.json
    text = pdf_text(response.data)
    for line in (
        "Litchi de Thanh Ha",
        "Product of Vietnam for Freedonia",
        "Keep between 2 and 5 °C",
        "Packer: Cơ sở đóng gói Thanh Hà",
        "XF-PUC-0421",
        "XF-PH-7",
        "HW-07",
    ):
        assert line in text, line
    links = [r.text for image in pages(response.data, 203) for r in decode(image)]
    assert sum(f"/01/{GTIN}/10/{lot}/21/" in link for link in links) == 2  # one QR per carton

    pallet = worker.post(
        "/pallets",
        json={"location_id": house, "contents": [{"lot": lot, "cartons": 50}]}
        | {"palletised_at": "2026-06-11T16:00:00+07:00"},
    )
    assert pallet.status_code == 201, pallet.json
    shipment = {"exporter_id": exporter, "consignee_id": importer, "market": "XF"}
    shipment |= {"pallets": [pallet.json["sscc"]], "loaded_at": "2026-06-12T08:00:00+07:00"}
    response = worker.post("/shipments", json=shipment)
    assert response.status_code == 201, response.json
    assert response.json["market"] == "XF"
