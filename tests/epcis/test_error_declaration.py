"""EPCIS 2.0 §7.4.1.2: a sender declares one of its captured events erroneous by capturing it
again, same eventID, with an errorDeclaration. It is kept as a correction of the event (a new
record; the event's row never changes) and queries and exports show the declaration on it."""

from __future__ import annotations

import copy
import json

from sqlalchemy import text

from tests.epcis.conftest import EXAMPLES, assert_valid, events_of, load
from tests.epcis.test_capture import capture, query, without_record_time
from tests.flows import count_rows

OFFICIAL = EXAMPLES[0].with_name("ErrorDeclarationAndCorrectiveEvent.jsonld")
DECLARED_ID = "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"


def rows(engine, where: str, **params) -> list[dict]:
    with engine.connect() as conn:
        result = conn.execute(
            text(
                "SELECT id, event_id, type, corrects_id, event_time, data, prev_hash, hash "
                f"FROM event WHERE {where} ORDER BY id"
            ),
            params,
        )
        out = []
        for row in result.mappings():
            row = dict(row)
            if isinstance(row["data"], str):  # SQLite hands JSON back as text
                row["data"] = json.loads(row["data"])
            out.append(row)
        return out


def without_declaration(event: dict) -> dict:
    return {k: v for k, v in event.items() if k != "errorDeclaration"}


def only(document: dict, *events: dict) -> dict:
    document = copy.deepcopy(document)
    document["epcisBody"]["eventList"] = [copy.deepcopy(e) for e in events]
    return document


def test_the_official_declaration_declares_the_event_held(api, engine):
    """GS1's example, sent after the event it declares: the declaration becomes a correction
    of the event held, the corrective event a captured event of its own."""
    official = load(OFFICIAL)
    declared, corrective = events_of(official)
    original = without_declaration(declared)
    response = capture(api, only(official, original))
    assert response.status_code == 202, response.json
    (held,) = rows(engine, "event_id = :e", e=DECLARED_ID)
    first_record_time = query(api)[0]["recordTime"]

    response = capture(api, official)
    assert response.status_code == 202, response.json
    assert response.json["storedCount"] == 2 and response.json["duplicateCount"] == 0
    assert rows(engine, "event_id = :e", e=DECLARED_ID) == [held]  # never updated
    (correction,) = rows(engine, "corrects_id = :i", i=held["id"])
    assert correction["type"] == "correct"
    assert correction["data"]["errorDeclaration"] == declared["errorDeclaration"]
    assert correction["data"]["corrects"] == DECLARED_ID
    assert correction["data"]["reason"] == "declared erroneous by its sender (incorrect_data)"

    back = query(api)
    assert [e["eventID"] for e in back] == [DECLARED_ID, corrective["eventID"]]
    assert without_record_time(back[0]) == declared  # the declaration as sent, vendor key too
    assert back[0]["recordTime"] == first_record_time  # the event as it was recorded
    assert without_record_time(back[1]) == corrective
    exported = api.as_("inspector").get("/exports/epcis?from=2020-01-01&to=2020-12-31")
    assert exported.status_code == 200
    document = json.loads(exported.data)
    assert_valid(document)
    (event,) = events_of(document)
    assert event["errorDeclaration"] == declared["errorDeclaration"]
    verified = api.as_("inspector").get("/audit/verify").json
    assert verified["ok"] is True and verified["events_checked"] == 3

    # Re-sending the declaration, or the event as first sent, adds nothing.
    before = count_rows(engine)
    response = capture(api, official)
    assert response.status_code == 202
    assert response.json["storedCount"] == 0 and response.json["duplicateCount"] == 2
    response = capture(api, only(official, original))
    assert response.status_code == 202 and response.json["duplicateCount"] == 1
    assert count_rows(engine) == before
    assert query(api)[0]["errorDeclaration"] == declared["errorDeclaration"]


def test_an_event_and_its_declaration_in_one_document(api, engine):
    document = load(EXAMPLES[0].with_name("Example_9.6.2-ObjectEvent.jsonld"))
    (event,) = events_of(document)
    declaration = {"declarationTime": "2014-01-01T00:00:00Z", "reason": "did_not_occur"}
    response = capture(api, only(document, event, {**event, "errorDeclaration": declaration}))
    assert response.status_code == 202, response.json
    assert response.json["storedCount"] == 2
    (kept,) = rows(engine, "type = 'captured'")
    (correction,) = rows(engine, "type = 'correct'")
    assert correction["corrects_id"] == kept["id"] and correction["prev_hash"] == kept["hash"]
    (back,) = query(api)
    assert back["errorDeclaration"] == declaration
    assert without_declaration(without_record_time(back)) == event
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_a_declaration_rewrites_nothing(api, engine):
    document = load(EXAMPLES[0].with_name("Example_9.6.2-ObjectEvent.jsonld"))
    (event,) = events_of(document)
    assert capture(api, document).status_code == 202
    before = count_rows(engine)
    declaration = {"declarationTime": "2014-01-01T00:00:00+02:00", "reason": "incorrect_data"}

    # other content under the same eventID, with or without a declaration: refused
    changed = {**event, "bizStep": "shipping"}
    for sent in (changed, {**changed, "errorDeclaration": declaration}):
        response = capture(api, only(document, sent))
        assert response.status_code == 400
        reason = response.json["errors"][0]["reason"]
        assert "never rewritten" in reason and "errorDeclaration" in reason
    # a declaration of what has not been found yet
    future = {**declaration, "declarationTime": "2099-01-01T00:00:00Z"}
    response = capture(api, only(document, {**event, "errorDeclaration": future}))
    assert response.status_code == 400
    assert "declarationTime 2099-01-01T00:00:00Z is in the future" in response.json["message"]
    # one good declaration and one bad event: nothing
    bad = {**copy.deepcopy(event), "eventID": "urn:uuid:7b0b6d9e-0000-4000-8000-00000000000a"}
    del bad["eventTime"]
    response = capture(api, only(document, {**event, "errorDeclaration": declaration}, bad))
    assert response.status_code == 400 and [e["index"] for e in response.json["errors"]] == [1]
    assert count_rows(engine) == before

    response = capture(api, only(document, {**event, "errorDeclaration": declaration}))
    assert response.status_code == 202 and response.json["storedCount"] == 1
    other = {**declaration, "reason": "did_not_occur"}
    response = capture(api, only(document, {**event, "errorDeclaration": other}))
    assert response.status_code == 400
    assert "declared erroneous already" in response.json["errors"][0]["reason"]
    (back,) = query(api)
    assert back["errorDeclaration"] == declaration


def test_our_own_events_are_not_declared_through_capture(api, engine, shipped):
    exported = api.as_("inspector").get(f"/exports/epcis?shipment={shipped['shipment']}")
    document = json.loads(exported.data)
    ours = events_of(document)[0]
    sent = {k: v for k, v in ours.items() if k != "recordTime"}
    sent["errorDeclaration"] = {"declarationTime": "2026-06-13T00:00:00Z"}
    before = count_rows(engine)
    response = capture(api, only(document, sent))
    assert response.status_code == 400
    assert "one of our events" in response.json["errors"][0]["reason"]
    assert count_rows(engine) == before
