"""The core walkthrough (tests/test_walkthrough.py) done entirely through the staff pages, in
Vietnamese and in English: an admin sets up the places, codes and product; a worker receives,
fumigates, packs, is refused what the rules refuse (beside the field, in the worker's language,
nothing written), prints carton labels, builds two pallets, loads and ships the container; an
inspector finds it, sees the orchard in its chain, reads the recall report and the integrity
check. Flask's test client plays the browser (tests/web/test_web_browser.py drives a real one).
"""

from __future__ import annotations

import re

import pytest

from tests.flows import GTIN, count_rows
from tests.labels.decoding import decode, pages

ORCHARD = "Vườn vải Thanh Quang 12"
WORDS = {
    "vi": {
        "received": "Đã tiếp nhận lô",
        "left": "Chỉ còn 180 kg.",
        "no_cartons": "còn 0 thùng",
        "us": "Không thể xuất sang US:",
        "puc": f"{ORCHARD} (vườn) không có mã số vùng trồng (PUC) còn hiệu lực cho US.",
        "once": "mỗi pallet chỉ xuất một lần",
        "holds": "Chuỗi băm nguyên vẹn",
        "thousand": "1.180",
    },
    "en": {
        "received": "Received lot",
        "left": "Only 180 kg left.",
        "no_cartons": "has 0 cartons left",
        "us": "Cannot ship to US:",
        "puc": f"Orchard {ORCHARD} has no active growing-area code (PUC) for US.",
        "once": "a pallet ships once",
        "holds": "The hash chain holds",
        "thousand": "1,180",
    },
}
PLACES = [
    (
        "orchard",
        ORCHARD,
        "",
        {"commune": "Thanh Quang", "district": "Thanh Hà"},
        "PUC",
        "VN-HDTH-0112",
    ),
    (
        "packing_house",
        "Thanh Hà Fruit Packing",
        "8931234000011",
        {"district": "Thanh Hà"},
        "PHC",
        "VN-PH-HD-007",
    ),
    (
        "treatment_facility",
        "Hà Nội Fumigation Centre",
        "",
        {"province": "Hà Nội"},
        "TFC",
        "VN-TF-HN-02",
    ),
    ("exporter", "Hải Dương Agri Export JSC", "", {}, None, None),
    ("importer", "Tokyo Fresh Trading KK", "", {"country": "JP"}, None, None),
]


def lot_code(html: str, prefix: str) -> str:
    return re.search(rf"\b({prefix}\d{{6}}-\d{{4}})\b", html).group(1)


def error(page, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page.html, re.S)
    if match:
        return match.group(1)
    scan = re.search(r'<p class="error" role="alert">(.*?)</p>', page.html, re.S)
    return scan.group(1) if scan else ""


def set_up(admin) -> dict:
    ids = {}
    for kind, name, gln, address, scheme, code in PLACES:
        admin.open("/app/admin/locations/new")
        admin.send({"kind": kind, "name": name, "gln": gln, **address}, form="place-form")
        ids[kind] = int(re.search(r"/app/admin/locations/(\d+)$", admin.url).group(1))
        if scheme:
            admin.send(
                {"code-scheme": scheme, "code-value": code, "code-market": "JP"}, form="code-form"
            )
            assert code in admin.text()
    admin.open("/app/admin/products/new")
    admin.send(
        {
            "gtin": GTIN,
            "name_vi": "Vải thiều Thanh Hà",
            "name_en": "Thanh Ha lychee",
            "name_ja": "タンハー・ライチ",
            "commodity": "lychee",
            "variety": "Thanh Hà",
            "net_weight_kg": "5",
        },
        form="product-form",
    )
    assert admin.url == "/app/admin/products"
    return ids


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_core_walkthrough_in_the_staff_pages(as_, app, engine, language):
    said = WORDS[language]
    ids = set_up(as_("admin"))
    worker = as_("worker")
    worker.client.set_cookie("lang", language)

    # receive at the dock: the orchard by its scanned growing-area code
    worker.open("/app/receive")
    worker.send({"scan": "VN-HDTH-0112"}, action="scan")
    assert f'<option selected value="{ids["orchard"]}">' in worker.html
    worker.send(
        {"harvested": "1200", "quantity": "1180", "commodity": "lychee", "variety": "Thanh Hà"}
    )
    harvest = lot_code(worker.html, "H")
    assert worker.url == f"/app/lots/{harvest}"
    assert said["received"] in worker.text() and said["thousand"] in worker.text()

    # fumigation
    worker.open(f"/app/treat?lot={harvest}")
    worker.send(
        {
            "facility_id": ids["treatment_facility"],
            "method": "fumigation",
            "batch_no": "MB-260611-03",
            "certificate_no": "FUM-2026-0611-03",
            "agent": "methyl bromide",
            "dose_g_m3": "32",
            "duration_h": "2",
        }
    )
    assert worker.url == f"/app/lots/{harvest}"

    # pack 1000 kg into 200 cartons of 5 kg; then 300 kg more is refused: 180 kg are left
    worker.open("/app/pack")
    worker.send({"scan": harvest}, action="scan")
    worker.send({"use_kg": "1000", "cartons": "200"})
    packed = lot_code(worker.html, "P")
    before = count_rows(engine)
    worker.open("/app/pack")
    worker.send({"use_kg": "300", "cartons": "60"})
    assert said["left"] in worker.text()
    assert count_rows(engine) == before

    # carton labels for Japan: the PDF's QR codes read back as the cartons' Digital Links
    worker.open(f"/app/labels?kind=carton&lot={packed}&count=200")
    worker.send({"market": "JP", "count": "2"})
    href = re.search(r'id="file" href="([^"]+)"', worker.html).group(1)
    texts = [r.text for image in pages(worker.client.get(href).data, 203) for r in decode(image)]
    cartons = [t for t in texts if t.startswith(f"{app.config['PUBLIC_BASE_URL']}/01/{GTIN}/10/")]
    assert len(cartons) == 2 and all(re.search(r"/21/[0-9A-Z]{13}$", t) for t in cartons)

    # two pallets of 100 cartons (the lot typed, its count entered); a third is refused
    ssccs = []
    for _ in range(2):
        worker.open("/app/pallet")
        worker.send({"scan": packed}, action="scan")
        worker.send({"line_cartons": "100"})
        ssccs.append(re.search(r"/app/pallets/(\d{18})$", worker.url).group(1))
    before = count_rows(engine)
    worker.open("/app/pallet")
    worker.send({"scan": packed}, action="scan")
    worker.send({"line_cartons": "100"})
    assert said["no_cartons"] in error(worker, "scan")
    assert count_rows(engine) == before

    # the shipment: refused for the US (every missing code named), loaded for Japan
    worker.open("/app/shipment")
    for sscc in ssccs:
        worker.send({"scan": sscc}, action="scan")
    shipment_fields = {
        "consignee_id": ids["importer"],
        "exporter_id": ids["exporter"],
        "container_no": "MSCU1234565",
        "seal_no": "SL778812",
        "bill_of_lading": "HPH-TYO-0611",
        "phyto_certificate_no": "VN-PC-2026-118822",
    }
    worker.send({**shipment_fields, "market": "US"})
    refusal = error(worker, "market")
    assert said["us"] in refusal and said["puc"] in refusal
    assert refusal.count("(PHC)") == 1 and refusal.count("(TFC)") == 1
    assert count_rows(engine) == before
    worker.send({**shipment_fields, "market": "JP"})
    shipment = int(re.search(r"/app/shipments/(\d+)$", worker.url).group(1))
    worker.send(form="depart")
    assert worker.url == f"/app/shipments/{shipment}"

    # the same pallets again: a pallet ships once
    before = count_rows(engine)
    worker.open("/app/shipment")
    for sscc in ssccs:
        worker.send({"scan": sscc}, action="scan")
    worker.send({**shipment_fields, "market": "JP"})
    assert said["once"] in error(worker, "scan")
    assert count_rows(engine) == before

    # the inspector: the container's chain has the orchard and its code; recall; integrity
    inspector = as_("inspector")
    inspector.client.set_cookie("lang", language)
    inspector.open("/search?q=MSCU1234565")
    assert inspector.url == f"/app/shipments/{shipment}"
    inspector.open(f"/search?q={ssccs[0]}")
    svg = re.search(r"<svg.*?</svg>", inspector.html, re.S).group(0)
    assert ORCHARD in svg and "VN-HDTH-0112" in svg
    timeline = re.findall(r'data-kind="(\w+)"', inspector.html)
    assert {"palletise", "load", "ship"} <= set(timeline)
    inspector.open(f"/app/recall/{harvest}")
    totals = re.search(r'id="totals".*?</dl>', inspector.html, re.S).group(0)
    assert "JP" in totals and "Tokyo Fresh Trading KK" in totals and ">200<" in totals
    inspector.open("/app/audit")
    assert said["holds"] in inspector.text()
    assert f"{count_rows(engine)['event']} " in inspector.text()
