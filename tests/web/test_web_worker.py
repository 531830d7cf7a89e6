"""The worker's forms, one by one: what they record, what they refuse (beside the field, in
the worker's language), and that a second tap records nothing more."""

from __future__ import annotations

import re
import threading

import pytest

from tests.flows import GTIN, count_rows, printed_serials
from tests.web.page import form_fields

HARVEST = {"orchard_id": None, "commodity": "lychee", "variety": "Thanh Hà", "harvested": "1200"}


def harvest_lot(api, ids, kg=1200, receive=1180) -> str:
    worker = api.as_("worker")
    response = worker.post(
        "/lots/harvest",
        json={
            "orchard_id": ids["orchard"],
            "commodity": "lychee",
            "quantity": kg,
            "unit": "kg",
            "harvested_on": "2026-06-10",
        },
    )
    code = response.json["code"]
    if receive:
        worker.post(
            f"/lots/{code}/receipts",
            json={
                "location_id": ids["house"],
                "received_at": "2026-06-10T14:00:00+07:00",
                "quantity": receive,
                "unit": "kg",
            },
        )
    return code


def packed_lot(api, ids, cartons=200) -> str:
    harvest = harvest_lot(api, ids)
    response = api.as_("worker").post(
        "/packings",
        json={
            "location_id": ids["house"],
            "product_gtin": GTIN,
            "cartons": cartons,
            "inputs": [{"lot": harvest, "quantity": cartons * 5, "unit": "kg"}],
            "packed_on": "2026-06-11",
        },
    )
    return response.json["lot"]


def errors_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def test_a_double_tap_records_one_harvest(as_, ids, engine):
    worker = as_("worker")
    worker.open("/app/receive")
    form = worker.html
    before = count_rows(engine)["event"]
    worker.send({**HARVEST, "orchard_id": ids["orchard"], "quantity": ""})
    first = worker.url
    assert first.startswith("/app/lots/H")
    worker.html, worker.url = form, "/app/receive"  # the same form, tapped again
    worker.send({**HARVEST, "orchard_id": ids["orchard"], "quantity": ""})
    assert worker.url == first
    assert "That form was sent already" in worker.text()
    assert count_rows(engine)["event"] == before + 2  # one harvest, one receipt


def test_receiving_more_than_was_harvested_is_refused_beside_the_quantity(as_, ids, engine):
    worker = as_("worker")
    worker.client.set_cookie("lang", "vi")
    worker.open("/app/receive")
    before = count_rows(engine)
    worker.send({**HARVEST, "orchard_id": ids["orchard"], "quantity": "1300"})
    assert worker.response.status_code == 200 and worker.url == "/app/receive"
    assert errors_of(worker.html, "quantity")
    assert count_rows(engine) == before


def test_a_scanned_harvest_lot_is_received_and_the_rule_speaks_the_workers_language(
    as_, api, ids, engine
):
    code = harvest_lot(api, ids, kg=500, receive=0)
    worker = as_("worker")
    worker.client.set_cookie("lang", "vi")
    worker.open("/app/receive")
    worker.send({"scan": code}, action="scan")
    assert f'name="lot" type="hidden" value="{code}"' in worker.html
    before = count_rows(engine)
    worker.send({"quantity": "600"})
    message = errors_of(worker.html, "quantity")
    assert f"Lô {code}" in message and "500" in message, message
    assert count_rows(engine) == before
    worker.send({"quantity": "500"})
    assert worker.url == f"/app/lots/{code}"


def test_an_unknown_scan_is_explained_beside_the_scan_field(as_, ids):
    worker = as_("worker")
    worker.open("/app/receive")
    worker.send({"scan": "VN-NOPE-0000"}, action="scan")
    assert "Nothing is known by VN-NOPE-0000." in worker.text()


def test_treatment(as_, api, ids):
    code = harvest_lot(api, ids)
    worker = as_("worker")
    worker.open(f"/app/treat?lot={code}")
    worker.send(
        {
            "facility_id": ids["facility"],
            "method": "fumigation",
            "batch_no": "MB-1",
            "agent": "methyl bromide",
            "dose_g_m3": "32",
        }
    )
    assert worker.url == f"/app/lots/{code}"
    assert "MB-1" in worker.text()


def test_packing_shows_the_mass_balance_and_refuses_too_many_cartons(as_, api, ids, engine):
    code = harvest_lot(api, ids)
    worker = as_("worker")
    worker.open(f"/app/pack?lot={code}")
    assert 'value="1180" data-kg' in worker.html  # all that is left, ready to use
    worker.send({"use_kg": "2000", "cartons": "10"}, action="check")
    assert "Only 1180 kg left." in worker.text()
    before = count_rows(engine)
    worker.send({"use_kg": "900", "cartons": "200"})
    assert "200 cartons of 5 kg hold 1,000 kg, but the lots used give only 900 kg." in errors_of(
        worker.html, "cartons"
    )
    assert count_rows(engine) == before
    worker.send({"use_kg": "1000", "cartons": "200", "lot_code": "LOT/26A"})
    assert worker.url == "/app/lots/LOT/26A"


def test_labels_zpl_download_and_the_serials_are_not_printed_twice(as_, api, ids):
    code = packed_lot(api, ids, cartons=4)
    worker = as_("worker")
    worker.open(f"/app/labels?kind=carton&lot={code}&count=5")
    worker.send({"market": "JP"})
    assert "4 more can be printed, not 5" in errors_of(worker.html, "count")
    # With codes for two markets in the chain, the market cannot be guessed: it is asked for.
    for place, scheme in [("orchard", "PUC"), ("house", "PHC"), ("facility", "TFC")]:
        api.patch(
            f"/locations/{ids[place]}",
            json={"codes": [{"scheme": scheme, "value": f"US-{scheme}", "market": "US"}]},
        )
    worker.send({"market": "", "count": "4"})
    assert "on no shipment yet" in errors_of(worker.html, "market")
    worker.send({"market": "JP", "count": "3", "format": "zpl", "size": "a4-24"})
    assert "ZPL is for thermal printers" in errors_of(worker.html, "format")  # sizes.misfits
    worker.send({"market": "JP", "count": "3", "format": "zpl", "size": "100x150mm"})
    href = re.search(r'id="file" href="([^"]+)"', worker.html).group(1)
    file = worker.client.get(href)
    assert file.headers["Content-Disposition"].startswith("attachment")
    body = file.get_data(as_text=True)
    serials = printed_serials(body)  # random, one per carton
    assert body.count("^XA") == 3 and len(serials) == 3
    again = worker.client.get(href)  # the same labels again: cartons 1–3, nothing recorded
    assert again.get_data(as_text=True) == body
    worker.open(f"/app/lots/{code}")
    assert "1–3" in worker.text()
    # A damaged label is reprinted by the serial read on it, or by the carton's number.
    worker.open(f"/app/labels?kind=carton&lot={code}")
    worker.send({"market": "JP", "serials": f"{serials[1]}, 3", "format": "zpl"})
    href = re.search(r'id="file" href="([^"]+)"', worker.html).group(1)
    reprint = worker.client.get(href).get_data(as_text=True)
    assert printed_serials(reprint) == serials[1:]
    forged = href[:-3] + "abc"
    assert worker.client.get(forged).status_code == 404


def test_a_pallet_counts_each_scanned_carton_once(as_, api, ids, app):
    code = packed_lot(api, ids, cartons=10)
    worker = as_("worker")
    worker.open("/app/pallet")
    base = app.config["PUBLIC_BASE_URL"]
    scans = [
        f"{base}/01/{GTIN}/10/{code}/21/1",  # the QR
        f"(01){GTIN}(10){code}(21)2",  # human-readable text
        f"10{code}\x1d213",  # the GS1-128 barcode, FNC1 as GS
        f"]C110{code}\x1d214",  # with the symbology identifier
        f"{base}/01/{GTIN}/10/{code}/21/1",  # the first carton again
    ]
    for text in scans:
        worker.send({"scan": text}, action="scan")
    assert "Carton 1 of lot" in worker.text() and "is counted already" in worker.text()
    assert re.search(r'name="line_cartons"[^>]*value="4"', worker.html)
    worker.send({"scan": code}, action="scan")  # a lot code: its line stays
    worker.send({"scan": "08931234567897"}, action="scan")  # a GTIN alone names no lot
    assert "This barcode holds the product only" in worker.text()
    worker.send()
    assert re.match(r"/app/pallets/\d{18}$", worker.url)
    assert "4" in worker.text()


def test_a_shipment_shows_market_gaps_before_it_is_refused(as_, season, ids, engine):
    worker = as_("worker")
    worker.open("/app/shipment")
    for sscc in season["ssccs"]:
        worker.send({"scan": sscc}, action="scan")
    worker.send({"scan": season["ssccs"][0]}, action="scan")
    assert "is on the list already" in worker.text()
    worker.send({"market": "US", "container_no": "MSCU1234565"}, action="check")
    check = re.search(r'<div id="market-check".*?</div>', worker.html, re.S).group(0)
    assert 'class="balance bad"' in check
    assert "Orchard Vườn vải Thanh Quang 12 has no active growing-area code (PUC) for US." in check
    # what the service would refuse beyond codes, asked of the same function before recording
    assert (
        "A shipment to US cannot be consigned to Tokyo Fresh Trading KK, which is in JP." in check
    )
    assert f"Lot {season['packed']} (lychee) needs irradiation for US; it had fumigation." in check
    before = count_rows(engine)
    worker.send()
    assert "Cannot ship to US:" in errors_of(worker.html, "market")
    assert count_rows(engine) == before
    worker.send({"market": "JP", "container_no": "mscu1"})
    assert "ISO 6346" in errors_of(worker.html, "container_no")
    worker.send({"market": "JP", "container_no": "MSCU1234565", "loaded_at": "2026-06-12T08:00"})
    shipment = re.search(r"/app/shipments/(\d+)$", worker.url).group(1)
    # depart, then arrive (arrival before departure is refused beside its field)
    worker.send({"departed_at": "2026-06-12T22:00"}, form="depart")
    assert "departed" in worker.text()
    worker.send({"arrived_at": "2026-06-12T10:00"}, form="arrive")
    assert "cannot arrive before it departed" in errors_of(worker.html, "arrived_at")
    worker.send({"arrived_at": "2026-06-19T09:00"}, form="arrive")
    assert worker.url == f"/app/shipments/{shipment}"
    assert "Record the arrival" not in worker.text()


def test_the_home_page_lists_the_lots_here(as_, api, ids):
    code = harvest_lot(api, ids)
    worker = as_("worker")
    worker.open("/app/")
    assert code in worker.text() and "Thanh Hà Fruit Packing" in worker.text()


def test_two_taps_at_the_same_moment_record_once(as_, ids, engine):
    worker = as_("worker")
    worker.open("/app/receive")
    fields = form_fields(worker.html)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data.update(
        orchard_id=[str(ids["orchard"])], harvested=["700"], commodity=["lychee"], action=["submit"]
    )
    cookie = worker.client.get_cookie("session").value
    before = count_rows(engine)["event"]
    answers = []

    def tap():
        client = worker.client.application.test_client()
        client.set_cookie("session", cookie)
        answers.append(client.post("/app/receive", data=data))

    taps = [threading.Thread(target=tap) for _ in range(2)]
    for t in taps:
        t.start()
    for t in taps:
        t.join(30)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].location == answers[1].location  # both land on the one lot
    assert count_rows(engine)["event"] == before + 2  # one harvest and its receipt


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the forms, not storage
def test_a_carrot_lot_is_washed_graded_and_stored_from_its_page(as_, api, ids, engine):
    worker_api = api.as_("worker")
    body = {"orchard_id": ids["orchard"], "commodity": "carrot", "quantity": 2000,
            "unit": "kg", "harvested_on": "2026-06-10"}  # fmt: skip
    code = worker_api.post("/lots/harvest", json=body).json["code"]
    worker_api.post(
        f"/lots/{code}/receipts",
        json={"location_id": ids["house"], "received_at": "2026-06-10T14:00:00+07:00",
              "quantity": 1900, "unit": "kg"},
    )  # fmt: skip
    worker = as_("worker")
    worker.open(f"/app/lots/{code}")
    page = worker.text()
    assert "Commodity carrot" in page
    assert "Record a washing" in page and "Record a treatment" not in page
    worker.open(f"/app/step/wash?lot={code}")
    worker.send({"method": "brush"})
    assert worker.url == f"/app/lots/{code}" and "Washing of lot" in worker.text()
    worker.open(f"/app/step/grade?lot={code}")
    before = count_rows(engine)
    worker.send({"size_L": "1500", "size_M": "500"})  # 2000 kg: only 1900 were received
    assert "1,900 kg received and not packed: 2,000 kg cannot be graded." in worker.text()
    assert count_rows(engine) == before
    worker.send({"size_L": "1000", "size_M": "700", "culls": "150"})
    assert worker.url == f"/app/lots/{code}"
    worker.open(f"/app/step/store?lot={code}")
    worker.send({"temperature_c": "0.5", "humidity_pct": "95"})
    assert worker.url == f"/app/lots/{code}"
    kinds = [e["type"] for e in worker_api.get(f"/lots/{code}/events").json]
    assert kinds == ["harvest", "receive", "wash", "grade", "store"]
