"""Thanh Hà lychee to China by truck, on SQLite and PostgreSQL: GACC registrations, a Pingxiang
importer, a truck through Hữu Nghị, carton labels for China scanned back, and (once, on SQLite)
the consumer page in Simplified Chinese in Chromium at a phone's size (390×844).

`TRACE_SCREENSHOTS=docs` (`make screenshots`) writes docs/lookup-zh-Hans.png and
docs/label-carton-cn.png for the README.
"""

from __future__ import annotations

from tests.browser import PHONE, chromium, require_browser, served, shots
from tests.flows import GTIN, master_data, packed_season, truck_body
from tests.labels.decoding import decode, gs1_reads, pages, pdf_text
from trace.gs1 import parse_digital_link


def test_lychee_to_china_by_truck(app, api, database_url, tmp_path):
    ids = master_data(api, china=True)
    codes = packed_season(api, ids)
    worker = api.as_("worker")
    response = worker.post("/shipments", json=truck_body(ids, codes["ssccs"]))
    assert response.status_code == 201, response.json
    path = f"/shipments/{response.json['id']}"
    for step, body in (
        ("departures", {"departed_at": "2026-06-12T06:00:00+07:00"}),
        ("crossings", {"crossed_at": "2026-06-12T10:20:00+07:00"}),
        ("arrivals", {"arrived_at": "2026-06-12T16:00:00+08:00", "condition": "Pulp 4 °C"}),
    ):
        response = worker.post(f"{path}/{step}", json=body)
        assert response.status_code == 201, (step, response.json)
    shipment = api.as_("inspector").get(path).json
    assert (shipment["status"], shipment["border_gate"]) == ("arrived", "huu_nghi")

    # Carton labels for China (the lot's shipment's market), scanned as the border post would.
    response = worker.post(
        "/labels",
        json={
            "kind": "carton",
            "lot": codes["packed"],
            "count": 2,
            "size": "100x150mm",
            "format": "pdf",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    images = pages(response.data, 203)
    links = []
    for image in images:
        reads = decode(image)
        links += [parse_digital_link(r.text) for r in reads if r.format == "QRCode"]
        elements = {e for symbol in gs1_reads(reads) for e in symbol}
        assert {("01", GTIN), ("10", codes["packed"])} <= elements
    assert [(link.gtin.value, link.lot) for link in links] == [(GTIN, codes["packed"])] * 2
    text = pdf_text(response.data)
    for line in (
        "青河荔枝",
        "输往中华人民共和国",
        "果园注册号",
        "VNHD-GACC-0112",
        "VNHD-GACC-PH007",
    ):
        assert line in text, line
    folder = shots(tmp_path)
    images[0].save(folder / "label-carton-cn.png")

    if not database_url.startswith("sqlite"):
        return  # one browser check: the page is the same on either database
    require_browser()
    carton = f"/01/{GTIN}/10/{codes['packed']}/21/{links[0].serial}"
    with served(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        assert page.goto(f"{base}{carton}").status == 200
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert page.locator("h1").inner_text() == "青河荔枝"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        body = page.locator("main").inner_text()
        for shown in ("正品标签", "由货车经友谊关口岸运输", "过境", "中国"):
            assert shown in body, shown
        assert "34C-123.45" not in body
        page.screenshot(path=str(folder / "lookup-zh-Hans.png"), full_page=True)
        context.close()
