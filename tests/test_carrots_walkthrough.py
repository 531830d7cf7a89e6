"""Cẩm Giàng carrots to Korea, end to end on SQLite and PostgreSQL: harvested, washed, graded by
size, kept cold, packed, shipped to Busan; carton labels decoded as a scanner reads them
(zxing-cpp); the EPCIS document valid; the carton's public page in Korean, and once (on SQLite)
on a phone in Chromium (390×844). `make screenshots` keeps the page as docs/lookup-ko.png for the README."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser import PHONE, chromium, require_browser, served, shots
from tests.epcis.conftest import assert_valid
from tests.labels.decoding import decode, gs1_reads, pages, pdf_text

GTIN = "08931234567903"
KOREAN = "베트남 깜장 당근 10kg 상자"
KR = {"market": "KR", "status": "active"}


def _master_data(admin) -> dict:
    bodies = {
        "field": {"kind": "orchard", "name": "Ruộng cà rốt Cẩm Văn 04",
                  "address": {"commune": "Cẩm Văn", "district": "Cẩm Giàng",
                              "province": "Hải Dương", "country": "VN"},
                  "codes": [{"scheme": "PUC", "value": "VN-HDCG-0104", **KR}]},
        "house": {"kind": "packing_house", "name": "HTX cà rốt Cẩm Giàng",
                  "address": {"district": "Cẩm Giàng", "province": "Hải Dương", "country": "VN"},
                  "codes": [{"scheme": "PHC", "value": "VN-PH-HD-021", **KR}]},
        "exporter": {"kind": "exporter", "name": "Hải Dương Agri Export JSC",
                     "address": {"country": "VN"}},
        "busan": {"kind": "importer", "name": "Busan Fresh Vegetables Co., Ltd.",
                  "address": {"province": "Busan", "country": "KR"}},
    }  # fmt: skip
    ids = {key: admin.post("/locations", json=body).json["id"] for key, body in bodies.items()}
    product = admin.post(
        "/products",
        json={"gtin": GTIN, "commodity": "carrot", "variety": "Kuroda", "net_weight_kg": 10,
              "name": {"vi": "Cà rốt Cẩm Giàng, thùng 10 kg", "en": "Cam Giang carrots",
                       "ko": KOREAN}},
    )  # fmt: skip
    assert product.status_code == 201, product.json
    return ids


def _record(worker, ids) -> tuple[str, str]:
    """The season's carrots from the field to a shipment for Busan; (harvest, packed) codes."""
    body = {"orchard_id": ids["field"], "commodity": "carrot", "variety": "Kuroda",
            "quantity": 3000, "unit": "kg", "harvested_on": "2026-06-08",
            "harvested_at": "2026-06-08T06:00:00+07:00"}  # fmt: skip
    harvest = worker.post("/lots/harvest", json=body).json["code"]
    house = {"location_id": ids["house"]}
    steps = [
        ("receipts", {"received_at": "2026-06-08T10:00:00+07:00", "quantity": 2950}),
        ("washings", {"washed_at": "2026-06-08T11:00:00+07:00", "method": "brush"}),
        ("gradings", {"graded_at": "2026-06-08T13:00:00+07:00", "culls": 250,
                      "grades": [{"size_class": "L", "quantity": 1500},
                                 {"size_class": "M", "quantity": 1200}]}),
        ("storage", {"stored_at": "2026-06-08T15:00:00+07:00", "temperature_c": 0.5,
                     "humidity_pct": 95, "days": 2}),
    ]  # fmt: skip
    for path, data in steps:
        response = worker.post(f"/lots/{harvest}/{path}", json=house | data)
        assert response.status_code == 201, (path, response.json)
    packed = worker.post(
        "/packings",
        json=house | {"product_gtin": GTIN, "cartons": 200, "packed_on": "2026-06-10",
                      "inputs": [{"lot": harvest, "quantity": 2100, "unit": "kg"}]},
    )  # fmt: skip
    assert packed.status_code == 201, packed.json
    pallet = worker.post(
        "/pallets",
        json=house | {"contents": [{"lot": packed.json["lot"], "cartons": 200}],
                      "palletised_at": "2026-06-10T12:00:00+07:00"},
    )  # fmt: skip
    assert pallet.status_code == 201, pallet.json
    shipment = worker.post(
        "/shipments",
        json={"exporter_id": ids["exporter"], "consignee_id": ids["busan"], "market": "KR",
              "container_no": "HDMU1234560", "pallets": [pallet.json["sscc"]],
              "loaded_at": "2026-06-10T15:00:00+07:00"},
    )  # fmt: skip
    assert shipment.status_code == 201, shipment.json
    return harvest, packed.json["lot"]


def test_carrots_from_cam_giang_to_korea(app, api, tmp_path):
    require_browser()
    harvest, packed = _record(api.as_("worker"), _master_data(api.as_("admin")))

    labels = api.as_("worker").post(
        "/labels",
        json={"kind": "carton", "lot": packed, "count": 1, "size": "100x150mm", "format": "pdf"},
    )
    assert labels.status_code == 200, labels.json
    reads = [read for image in pages(labels.data, 203) for read in decode(image)]
    link = next(read.text for read in reads if read.format == "QRCode")
    assert f"/01/{GTIN}/10/{packed}/21/" in link
    elements = dict(e for symbol in gs1_reads(reads) for e in symbol)
    assert elements["01"] == GTIN and elements["10"] == packed
    text = pdf_text(labels.data)
    assert link.rsplit("/21/", 1)[1] in text  # the serial, printed under the QR's link
    assert KOREAN in text and b"NanumGothic" in labels.data  # a font with Hangul glyphs

    epcis = api.as_("inspector").get(f"/exports/epcis?lot={harvest}").json
    assert_valid(epcis)
    steps = {e.get("trace:step") for e in epcis["epcisBody"]["eventList"]}
    assert {"washing", "grading", "cold_storage"} <= steps

    path = urlsplit(link).path
    html = api.client.get(path, headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(True)
    assert '<html lang="ko">' in html and "크기별 선별" in html
    assert "<dt>밭</dt>" in html  # carrots grow in a field, not an orchard
    if app.extensions["trace.engine"].dialect.name != "sqlite":
        return  # one browser check: the page reads the same on both databases (just above)
    with served(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="ko-KR")
        page = context.new_page()
        assert page.goto(base + path).status == 200
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator("h1").inner_text() == KOREAN
        timeline = page.locator("#timeline").inner_text()
        for step in ("수확", "세척", "크기별 선별: 크기 L, M", "저온 저장", "0.5 °C"):
            assert step in timeline, step
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(shots(tmp_path) / "lookup-ko.png"), full_page=True)
        context.close()
