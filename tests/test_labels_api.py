"""A worker prints the walkthrough's labels through the API; every one is decoded as printed."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import text

from tests.flows import GTIN, count_rows, shipment_body
from tests.labels.decoding import decode, gs1_reads, pages, pdf_text

BASE = "http://127.0.0.1:5000"  # TRACE_PUBLIC_BASE_URL's default


def printed(engine, lot: str) -> list[str]:
    """The random serials printed for a lot's cartons, by carton number."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT serial FROM carton_serial JOIN lot ON lot.id = carton_serial.lot_id "
                    "WHERE lot.code = :lot ORDER BY number"
                ),
                {"lot": lot},
            ).scalars()
        )


def images(response, fmt):
    if fmt == "png":
        return [Image.open(io.BytesIO(response.data))]
    return pages(response.data, 300)


@pytest.mark.parametrize("size", ["100x150mm", "4x6in", "50x30mm", "a4-24"])
@pytest.mark.parametrize("fmt", ["pdf", "png"])
def test_carton_labels_decode_to_the_cartons_digital_links(api, engine, season, size, fmt):
    count = 24 if size == "a4-24" else 2
    response = api.as_("worker").post(
        "/labels",
        json={
            "kind": "carton",
            "lot": season["packed"],
            "count": count,
            "size": size,
            "format": fmt,
            "market": "JP",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.content_type == {"pdf": "application/pdf", "png": "image/png"}[fmt]
    assert (
        f'filename="cartons-{season["packed"]}-1-{count}.{fmt}"'
        in (response.headers["Content-Disposition"])
    )
    reads = [r for image in images(response, fmt) for r in decode(image)]
    links = sorted(r.text for r in reads if r.format == "QRCode")
    shown = count if fmt == "pdf" else (24 if size == "a4-24" else 1)
    serials = printed(engine, season["packed"])
    assert len(serials) == count
    assert links == sorted(
        f"{BASE}/01/{GTIN}/10/{season['packed']}/21/{serial}" for serial in serials[:shown]
    )
    if size in ("100x150mm", "4x6in"):
        elements = dict(e for symbol in gs1_reads(reads) for e in symbol)
        assert elements["01"] == GTIN and elements["10"] == season["packed"]
        # The serial is in the QR (checked above); the linear symbols carry what fits at
        # GS1's sizes: a 13-character random serial does not, so it is never in them.
        assert elements["13"] == "260611" and "21" not in elements


def test_zpl_carton_labels_carry_the_data(api, engine, season):
    response = api.as_("worker").post(
        "/labels",
        json={
            "kind": "carton",
            "lot": season["packed"],
            "count": 3,
            "size": "100x150mm",
            "format": "zpl",
            "market": "JP",
        },
    )
    assert response.status_code == 200
    zpl = response.get_data(as_text=True)
    assert zpl.count("^XA") == 3 and zpl.count("^XZ") == 3
    for serial in printed(engine, season["packed"]):
        assert f"^FDQA,{BASE}/01/{GTIN}/10/{season['packed']}/21/{serial}^FS" in zpl


def test_pallet_label_carries_the_sscc_and_its_one_lot(api, ids, season):
    worker = api.as_("worker")
    worker.post("/shipments", json=shipment_body(ids, season["ssccs"]))
    sscc = season["ssccs"][0]
    response = worker.post(
        "/labels",
        json={
            "kind": "pallet",
            "sscc": sscc,
            "size": "100x150mm",
            "format": "pdf",
        },
    )
    assert response.status_code == 200
    symbols = gs1_reads([r for image in pages(response.data, 203) for r in decode(image)])
    found = dict(e for symbol in symbols for e in symbol)
    assert found["00"] == sscc
    # (02) with its count in one symbol; the lot is in the text (no room for a third symbol).
    assert found["02"] == GTIN and found["37"] == "100"
    assert season["packed"] in pdf_text(response.data)


def test_reprints_give_the_same_serials_and_new_labels_never_exceed_the_cartons(
    api, season, engine
):
    worker = api.as_("worker")
    body = {
        "kind": "carton",
        "lot": season["packed"],
        "size": "100x150mm",
        "format": "zpl",
        "market": "JP",
    }
    assert worker.post("/labels", json={**body, "count": 200}).status_code == 200
    before = count_rows(engine)
    response = worker.post("/labels", json={**body, "count": 1})
    assert response.status_code == 409
    assert "0 more can be printed" in response.json["message"]
    serials = printed(engine, season["packed"])
    reprint = worker.post("/labels", json={**body, "serials": [42, serials[99]]})
    assert reprint.status_code == 200
    zpl = reprint.get_data(as_text=True)  # by carton number or by printed serial
    assert f"/21/{serials[41]}^FS" in zpl and f"/21/{serials[99]}^FS" in zpl
    assert zpl.count("^XA") == 2
    for wrong in ([201], [serials[0].lower()], ["07"], [True]):
        refused = worker.post("/labels", json={**body, "serials": wrong})
        assert refused.status_code in (409, 422), (wrong, refused.json)
    assert count_rows(engine) == before  # labels are no tracking event
    assert printed(engine, season["packed"]) == serials


def test_preview_shows_the_next_serial_and_records_nothing(api, season, engine):
    worker = api.as_("worker")
    body = {
        "kind": "carton",
        "lot": season["packed"],
        "size": "100x150mm",
        "format": "pdf",
        "count": 5,
        "market": "JP",
    }
    first = worker.post("/labels/preview", json=body)
    second = worker.post("/labels/preview", json=body)
    assert first.content_type == "image/png" and first.data == second.data
    [link] = [r.text for r in decode(Image.open(io.BytesIO(first.data))) if r.format == "QRCode"]
    assert link.endswith("/21/0000000000000")  # a sample as long as a serial, never printed
    assert printed(engine, season["packed"]) == []
    made = worker.post("/labels", json=body)
    assert made.status_code == 200
    assert made.headers["Content-Disposition"].count("-1-5.pdf") == 2  # filename and filename*


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "carton", "size": "100x150mm", "format": "pdf", "count": 1}, "lot"),
        ({"kind": "pallet", "size": "100x150mm", "format": "pdf"}, "sscc"),
        ({"kind": "carton", "lot": "X", "size": "100x150mm", "format": "pdf"}, "count"),
        (
            {"kind": "pallet", "sscc": "089312340000000011", "size": "50x30mm", "format": "pdf"},
            "size",
        ),
        ({"kind": "sticker", "lot": "X", "size": "a4-24", "format": "zpl"}, "format"),
        ({"kind": "sticker", "lot": "X", "size": "50x30mm", "format": "zpl", "dpi": 600}, "dpi"),
        ({"kind": "carton", "lot": "X", "size": "A5", "format": "pdf", "count": 1}, "size"),
    ],
)
def test_impossible_label_requests_are_422(api, body, field):
    response = api.as_("worker").post("/labels", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_the_market_comes_from_the_shipment_or_the_only_market_the_chain_is_open_to(
    api, ids, season
):
    worker = api.as_("worker")
    body = {
        "kind": "carton",
        "lot": season["packed"],
        "count": 1,
        "size": "50x30mm",
        "format": "pdf",
    }
    # The walkthrough's orchard, packing house and facility hold codes for Japan only.
    response = worker.post("/labels", json=body)
    assert response.status_code == 200
    assert "タンハー・ライチ" in pdf_text(response.data)
    for place, scheme in [("orchard", "PUC"), ("house", "PHC"), ("facility", "TFC")]:
        api.patch(
            f"/locations/{ids[place]}",
            json={"codes": [{"scheme": scheme, "value": f"US-{scheme}-1", "market": "US"}]},
        )
    response = worker.post("/labels", json=body)
    assert response.status_code == 422
    assert "say which market" in response.json["errors"]["json"]["market"][0]
    worker.post("/shipments", json=shipment_body(ids, season["ssccs"]))
    response = worker.post("/labels", json=body)
    assert response.status_code == 200 and "タンハー・ライチ" in pdf_text(response.data)


def test_inspectors_do_not_print(api, season):
    response = api.as_("inspector").post(
        "/labels",
        json={
            "kind": "sticker",
            "lot": season["packed"],
            "size": "50x30mm",
            "format": "pdf",
        },
    )
    assert response.status_code == 403


def test_a_japan_carton_label_names_its_chain_in_vietnamese_and_japanese(api, season):
    from tests.labels.decoding import pdf_text

    response = api.as_("worker").post(
        "/labels",
        json={
            "kind": "carton",
            "lot": season["packed"],
            "count": 1,
            "size": "100x150mm",
            "format": "pdf",
            "market": "JP",
        },
    )
    text = pdf_text(response.data)
    for expected in [
        "Vải thiều Thanh Hà",
        "タンハー・ライチ",
        "VN-HDTH-0112",
        "VN-PH-HD-007",
        "VN-TF-HN-02",
        "MB-260611-03",
        season["packed"],
        "Product of Vietnam",
    ]:
        assert expected in text, expected


def test_label_counts_are_bounded_by_reality(api, season, engine):
    """One request once printed 20,000 labels of one pallet (16 s of CPU): a pallet's labels
    are bounded by LABEL_PALLET_MAX, a lot's stickers by its cartons; a 422 names the limit and
    records nothing."""
    worker = api.as_("worker")
    pallet = {"kind": "pallet", "sscc": season["ssccs"][0], "size": "100x150mm", "format": "zpl",
              "market": "JP"}  # fmt: skip
    sticker = {"kind": "sticker", "lot": season["packed"], "size": "50x30mm", "format": "zpl"}
    jobs = "SELECT count(*) FROM label_job"
    with engine.connect() as conn:
        before = conn.execute(text(jobs)).scalar_one()
    for body, limit in (
        (pallet, "at most 4 labels of one pallet"),
        (sticker, "at most 200 stickers"),
    ):
        for count in (20_000, {"pallet": 5, "sticker": 201}[body["kind"]]):
            response = worker.post("/labels", json=body | {"count": count})
            assert response.status_code == 422, (body, count)
            assert limit in response.json["message"]
    with engine.connect() as conn:
        assert conn.execute(text(jobs)).scalar_one() == before
    assert worker.post("/labels", json=pallet | {"count": 4}).status_code == 200
    assert worker.post("/labels", json=sticker | {"count": 200}).status_code == 200
