"""The season's steps as API calls, shared by the tests (the walkthrough's own bodies)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text

GTIN = "08931234567897"


def count_rows(engine) -> dict[str, int]:
    tables = ["event", "lot", "pallet", "shipment", "edge", "event_ref", "pallet_content"]
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


@contextmanager
def statements(engine):
    """The SQL statements run inside the block (to count queries per page or call)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def master_data(api, china: bool = False) -> dict:
    """The admin part of the walkthrough; returns the ids it created. `china`: the places hold
    their GACC registrations from the start, the product has its Chinese name, and an importer
    in China is added (`cn_importer`)."""
    admin = api.as_("admin")
    ids = {}
    bodies = {
        "orchard": {
            "kind": "orchard",
            "name": "Vườn vải Thanh Quang 12",
            "address": {
                "commune": "Thanh Quang",
                "district": "Thanh Hà",
                "province": "Hải Dương",
                "country": "VN",
            },
            "codes": [
                {"scheme": "PUC", "value": "VN-HDTH-0112", "market": "JP", "status": "active"}
            ],
        },
        "house": {
            "kind": "packing_house",
            "name": "Thanh Hà Fruit Packing",
            "gln": "8931234000011",
            "address": {"district": "Thanh Hà", "province": "Hải Dương", "country": "VN"},
            "codes": [
                {"scheme": "PHC", "value": "VN-PH-HD-007", "market": "JP", "status": "active"}
            ],
        },
        "facility": {
            "kind": "treatment_facility",
            "name": "Hà Nội Fumigation Centre",
            "address": {"province": "Hà Nội", "country": "VN"},
            "codes": [
                {"scheme": "TFC", "value": "VN-TF-HN-02", "market": "JP", "status": "active"}
            ],
        },
        "exporter": {
            "kind": "exporter",
            "name": "Hải Dương Agri Export JSC",
            "address": {"country": "VN"},
        },
        "importer": {
            "kind": "importer",
            "name": "Tokyo Fresh Trading KK",
            "address": {"country": "JP"},
        },
    }
    if china:
        for key, code in CHINA_CODES.items():
            bodies[key]["codes"].append(code)
        bodies["cn_importer"] = CN_IMPORTER
    for key, body in bodies.items():
        response = admin.post("/locations", json=body)
        assert response.status_code == 201, response.json
        ids[key] = response.json["id"]
    response = admin.post(
        "/products",
        json={
            "gtin": "08931234567897",
            "name": {"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee", "ja": "タンハー・ライチ"}
            | ({"zh": "青河荔枝"} if china else {}),
            "commodity": "lychee",
            "variety": "Thanh Hà",
            "unit": "kg",
            "net_weight_kg": 5,
        },
    )
    assert response.status_code == 201, response.json
    return ids


def harvest_body(ids, **changes) -> dict:
    """The walkthrough's harvest (1,200 kg of Thanh Hà lychee on 10 June), with `changes`."""
    return {
        "orchard_id": ids["orchard"],
        "commodity": "lychee",
        "variety": "Thanh Hà",
        "quantity": 1200,
        "unit": "kg",
        "harvested_on": "2026-06-10",
    } | changes


def packed_season(api, ids) -> dict:
    """The worker part up to two pallets; returns codes."""
    harvest, packed = packed_lot(api, ids)
    worker = api.as_("worker")
    ssccs = []
    for _ in range(2):
        response = worker.post(
            "/pallets",
            json={
                "location_id": ids["house"],
                "contents": [{"lot": packed, "cartons": 100}],
                "palletised_at": "2026-06-11T16:00:00+07:00",
            },
        )
        assert response.status_code == 201, response.json
        assert len(response.json["sscc"]) == 18 and response.json["sscc"].isdigit()
        ssccs.append(response.json["sscc"])
    return {"harvest": harvest, "packed": packed, "ssccs": ssccs}


def packed_lot(api, ids) -> tuple[str, str]:
    """A harvest received, fumigated and packed into 200 cartons; (harvest, packed) codes."""
    worker = api.as_("worker")
    response = worker.post("/lots/harvest", json=harvest_body(ids))
    assert response.status_code == 201, response.json
    harvest = response.json["code"]
    response = worker.post(
        f"/lots/{harvest}/receipts",
        json={
            "location_id": ids["house"],
            "received_at": "2026-06-10T14:00:00+07:00",
            "quantity": 1180,
            "unit": "kg",
        },
    )
    assert response.status_code == 201, response.json
    response = worker.post(
        f"/lots/{harvest}/treatments",
        json={
            "facility_id": ids["facility"],
            "method": "fumigation",
            "batch_no": "MB-260611-03",
            "certificate_no": "FUM-2026-0611-03",
            "treated_at": "2026-06-11T08:00:00+07:00",
            "parameters": {"agent": "methyl bromide", "dose_g_m3": 32, "duration_h": 2},
        },
    )
    assert response.status_code == 201, response.json
    response = worker.post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": "08931234567897",
            "inputs": [{"lot": harvest, "quantity": 1000, "unit": "kg"}],
            "cartons": 200,
            "packed_on": "2026-06-11",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["cartons"] == 200
    return harvest, response.json["lot"]


def shipped_and_departed(api, ids, ssccs) -> int:
    """The walkthrough's shipment of `ssccs` to Tokyo, loaded and departed; its id."""
    worker = api.as_("worker")
    response = worker.post("/shipments", json=shipment_body(ids, ssccs))
    assert response.status_code == 201, response.json
    shipment = response.json["id"]
    response = worker.post(
        f"/shipments/{shipment}/departures", json={"departed_at": "2026-06-12T22:00:00+07:00"}
    )
    assert response.status_code == 201, response.json
    return shipment


def shipment_body(ids, ssccs, market="JP") -> dict:
    return {
        "exporter_id": ids["exporter"],
        "consignee_id": ids["importer"],
        "market": market,
        "container_no": "MSCU1234565",
        "seal_no": "SL778812",
        "bill_of_lading": "HPH-TYO-0611",
        "phyto_certificate_no": "VN-PC-2026-118822",
        "pallets": ssccs,
        "loaded_at": "2026-06-12T08:00:00+07:00",
    }


# What a phone's browser sends when a person opens a scanned code: only such a request is a
# counted scan of a carton's page (docs/lookup.md, "Scan counting").
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "none",
    "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36",
}


def printed_serials(zpl: bytes | str) -> list[str]:
    """The random carton serials in printed labels (their QR's Digital Link), in order."""
    text = zpl.decode() if isinstance(zpl, bytes) else zpl
    return list(dict.fromkeys(re.findall(r"/21/([0-9A-Z]{13})\b", text)))


def worker_pids(master: int) -> set[int]:
    """The processes whose parent is `master` (a gunicorn master's workers), from /proc."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.add(int(entry.name))
    return pids


# Lychee to China by road: GACC registrations, a Chinese importer, the product's Chinese name.
GACC_ORCHARD = "VNHD-GACC-0112"
GACC_HOUSE = "VNHD-GACC-PH007"


CHINA_CODES = {
    key: {"scheme": "GACC", "value": value, "market": "CN", "issuer": "GACC"}
    for key, value in (("orchard", GACC_ORCHARD), ("house", GACC_HOUSE))
}
CN_IMPORTER = {
    "kind": "importer",
    "name": "Pingxiang Hongda Fruit Trading Co.",
    "address": {"city": "Pingxiang", "region": "Guangxi", "country": "CN"},
}


def china_master_data(api, ids) -> dict:
    """Registers `ids`' orchard and house with GACC later (changes of master data); returns
    `ids` with the importer in China as `cn_importer`."""
    admin = api.as_("admin")
    for key, code in CHINA_CODES.items():
        response = admin.patch(f"/locations/{ids[key]}", json={"codes": [code]})
        assert response.status_code == 200, response.json
    response = admin.post("/locations", json=CN_IMPORTER)
    assert response.status_code == 201, response.json
    importer = response.json["id"]
    product = next(p for p in admin.get("/products").json if p["gtin"] == GTIN)
    names = product["name"] | {"zh": "青河荔枝"}
    response = admin.patch(f"/products/{product['id']}", json={"name": names})
    assert response.status_code == 200, response.json
    return ids | {"cn_importer": importer}


def truck_body(ids, ssccs, **changes) -> dict:
    """Two pallets of Thanh Hà lychee to Pingxiang by truck through Hữu Nghị."""
    return {
        "exporter_id": ids["exporter"],
        "consignee_id": ids["cn_importer"],
        "market": "CN",
        "conveyance": "road",
        "truck_plate": "34C-123.45",
        "trailer_plate": "34R-012.34",
        "border_gate": "huu_nghi",
        "phyto_certificate_no": "VN-PC-2026-CN0612",
        "pallets": ssccs,
        "loaded_at": "2026-06-12T05:00:00+07:00",
    } | changes
