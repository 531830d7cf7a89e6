"""POST /epcis/capture: GS1's 12 official examples and the 7 FSMA 204 examples are accepted,
come back from a query as they were sent, and are evidence like every event; a document with
one bad event stores nothing; a re-send stores nothing new."""

from __future__ import annotations

import copy
import json

import pytest

from tests.epcis.conftest import EXAMPLES, assert_valid, events_of, load
from tests.flows import GTIN, count_rows


def capture(api, document, role="worker", **kwargs):
    return api.as_(role).post("/epcis/capture", json=document, **kwargs)


def query(api, params=""):
    response = api.as_("inspector").get(f"/epcis/events?perPage=1000{params}")
    assert response.status_code == 200, response.json
    assert_valid(response.json)
    return events_of(response.json)


def without_record_time(event):
    return {k: v for k, v in event.items() if k != "recordTime"}


def test_there_are_19_examples():
    assert len(EXAMPLES) == 19, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_each_official_example_is_captured_and_comes_back_as_sent(api, engine, path):
    document = load(path)
    response = capture(api, document)
    assert response.status_code == 202, response.json
    job = response.json
    sent = events_of(document)
    assert job["success"] is True and job["running"] is False
    assert job["eventCount"] == job["storedCount"] == len(sent)
    assert response.headers["Location"] == f"/api/v1/epcis/capture/{job['captureID']}"
    assert response.headers["GS1-EPCIS-Version"] == "2.0.0"
    status = api.as_("worker").get(f"/epcis/capture/{job['captureID']}")
    assert status.status_code == 200 and status.json["storedCount"] == len(sent)

    back = query(api)
    assert len(back) == len(sent)
    for original, returned in zip(sent, back, strict=True):
        if "eventID" not in original:  # the repository gave it one (EPCIS 2.0 §7.4.1)
            assert returned["eventID"].startswith("urn:uuid:")
            returned = {k: v for k, v in returned.items() if k != "eventID"}
        assert without_record_time(returned) == without_record_time(original)
        assert returned["recordTime"].endswith("Z")
    verified = api.as_("inspector").get("/audit/verify").json
    assert verified["ok"] is True and verified["events_checked"] == len(sent)
    assert count_rows(engine)["event"] == len(sent)


def test_all_examples_in_one_repository(api, engine):
    """They share eventIDs: Example 9.6.1's two events are re-sent inside
    EPCISQueryDocument.jsonld (identical: ignored), while the FSMA receiving and shipping
    examples reuse urn:uuid:4898a223-… with different quantities (refused: never rewritten)."""
    stored = 0
    for path in EXAMPLES:
        response = capture(api, load(path))
        if path.name == "shipping-cte.jsonld":
            assert response.status_code == 400
            assert response.json["errors"][0]["index"] == 0
            assert "held already" in response.json["errors"][0]["reason"]
            continue
        assert response.status_code == 202, (path.name, response.json)
        stored += response.json["storedCount"]
    # 34 events in the 19 files, less 2 re-sent and the 3 of the refused shipping example
    assert count_rows(engine)["event"] == stored == 29
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_one_bad_event_and_nothing_is_stored(api, engine, season):
    document = load(EXAMPLES[0].with_name("Example_9.6.1-ObjectEventWithDigitalLink.jsonld"))
    extra = copy.deepcopy(events_of(document)[1])
    extra["eventID"] = "urn:uuid:7b0b6d9e-0000-4000-8000-000000000001"
    del extra["eventTime"]
    events_of(document).append(extra)
    before = count_rows(engine)
    response = capture(api, document)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["type"] == "epcisException:ValidationException"
    assert [e["index"] for e in response.json["errors"]] == [2]
    assert "eventTime" in response.json["errors"][0]["reason"]
    assert response.json["message"].startswith("nothing was captured: event 2:")
    assert count_rows(engine) == before


def test_what_the_schema_leaves_open_is_checked_too(api, engine):
    document = load(EXAMPLES[0].with_name("Example_9.6.2-ObjectEvent.jsonld"))
    events_of(document)[0]["eventTime"] = "2099-01-01T00:00:00Z"
    response = capture(api, document)
    assert response.status_code == 400
    assert response.json["errors"] == [
        {
            "index": 0,
            "reason": "eventTime 2099-01-01T00:00:00Z is in the future; capture what happened",
        }
    ]
    document = load(EXAMPLES[0].with_name("Example_9.6.2-ObjectEvent.jsonld"))
    twin = copy.deepcopy(events_of(document)[0])
    twin["bizStep"] = "shipping"
    events_of(document).append(twin)  # same eventID, different content, in one document
    response = capture(api, document)
    assert response.status_code == 400
    assert response.json["errors"][0]["index"] == 1
    assert "also event 0" in response.json["errors"][0]["reason"]
    assert count_rows(engine)["event"] == 0


def test_a_resend_stores_nothing_new(api, engine):
    document = load(
        EXAMPLES[0].with_name("Example_9.6.4-TransformationEventWithDigitalLink.jsonld")
    )
    assert capture(api, document).status_code == 202
    before = count_rows(engine)
    response = capture(api, document)
    assert response.status_code == 202
    assert response.json["storedCount"] == 0 and response.json["duplicateCount"] == 1
    assert count_rows(engine) == before
    changed = copy.deepcopy(document)
    events_of(changed)[0]["bizStep"] = "shipping"
    response = capture(api, changed)
    assert response.status_code == 400
    assert "never rewritten" in response.json["errors"][0]["reason"]
    assert count_rows(engine) == before


def test_an_importers_receipt_joins_our_lots_timeline(api, engine, ids, shipped):
    """An importer in Tokyo captures its receiving event for our lot's Digital Link and one
    pallet's SSCC, both on the shipment consigned to it: it shows up in the lot's timeline, its
    trace, and our EPCIS export."""
    from sqlmodel import Session

    from trace.services import users

    season = shipped

    with Session(engine) as session:
        _, api.tokens["importer"] = users.create(session, "tokyo", "importer", ids["importer"])
    received = {
        "type": "ObjectEvent",
        "eventID": "urn:uuid:5d3bd1b6-2d61-4a4e-9f57-6f5f2d1f0001",
        "action": "OBSERVE",
        "bizStep": "receiving",
        "disposition": "in_progress",
        "eventTime": "2026-06-20T09:00:00+09:00",
        "eventTimeZoneOffset": "+09:00",
        "epcList": ["urn:epc:id:sscc:8931234.0000000001"],  # the first pallet, as an EPC URN
        "quantityList": [
            {"epcClass": f"https://id.gs1.org/01/{GTIN}/10/{season['packed']}", "quantity": 100,
             "uom": "CT"}
        ],
        "bizLocation": {"id": "https://id.gs1.org/414/4512345000016"},
        "tokyo:inspection": "ok",
    }  # fmt: skip
    document = {
        "@context": [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"tokyo": "https://tokyo-fresh.example/epcis/"},
        ],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-06-20T10:00:00+09:00",
        "epcisBody": {"eventList": [received]},
    }
    response = capture(api, document, role="importer")
    assert response.status_code == 202, response.json
    timeline = api.get(f"/lots/{season['packed']}/events").json
    (kept,) = [e for e in timeline if e["type"] == "captured"]
    assert kept["event_id"] == received["eventID"] and kept["epcis_type"] == "ObjectEvent"
    assert kept["data"]["epcis"]["tokyo:inspection"] == "ok"
    pallet = api.get(f"/trace/{season['ssccs'][0]}?direction=backward").json
    assert received["eventID"] in [e["event_id"] for e in pallet["events"]]
    exported = api.as_("inspector").get(f"/exports/epcis?lot={season['harvest']}")
    document = json.loads(exported.data)
    assert_valid(document)
    (back,) = [e for e in events_of(document) if e["eventID"] == received["eventID"]]
    assert without_record_time(back) == received
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_capture_refuses_what_it_cannot_take(api, app, engine):
    document = load(EXAMPLES[0].with_name("Example_9.6.1-ObjectEvent.jsonld"))
    response = api.as_("inspector").post("/epcis/capture", json=document)
    assert response.status_code == 403
    response = api.as_("worker").post(
        "/epcis/capture", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "not JSON" in response.json["message"]
    response = api.as_("worker").post(
        "/epcis/capture",
        data='{"type": "EPCISDocument", "x": NaN}',
        content_type="application/json",
    )
    assert response.status_code == 400
    response = capture(api, document, headers={"GS1-Capture-Error-Behaviour": "proceed"})
    assert response.status_code == 400 and "all or nothing" in response.json["message"]
    response = capture(api, {"type": "ObjectEvent"})
    assert response.status_code == 400
    app.config["EPCIS_CAPTURE_LIMIT"] = 1
    response = capture(api, document)
    assert response.status_code == 413
    assert response.json["type"] == "epcisException:CaptureLimitExceededException"
    assert count_rows(engine)["event"] == 0
    response = api.client.options("/api/v1/epcis/capture")
    assert response.headers["GS1-EPCIS-Capture-Limit"] == "1"
    response = api.as_("worker").get("/epcis/capture/cnope")
    assert response.status_code == 404


def test_partners_list_their_own_capture_jobs_and_inspectors_list_all(api):
    document = load(EXAMPLES[0])
    mine = capture(api, document).json["captureID"]
    theirs = capture(api, document, role="admin").json["captureID"]

    listed = api.as_("worker").get("/epcis/capture")
    assert listed.status_code == 200
    assert [job["captureID"] for job in listed.json] == [mine]
    everyone = api.as_("inspector").get("/epcis/capture").json
    assert [job["captureID"] for job in everyone] == [theirs, mine]  # newest first
