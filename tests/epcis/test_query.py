"""GET /epcis/events: SimpleEventQuery parameters over our events and captured ones, paging
with nextPageToken, answers that validate against GS1's schema."""

from __future__ import annotations

import json
from urllib.parse import quote

from tests.epcis.conftest import EXAMPLES, assert_valid, events_of, load
from tests.flows import GTIN


def ask(api, params: str, role="inspector"):
    response = api.as_(role).get(f"/epcis/events?{params}")
    assert response.status_code == 200, response.json
    assert response.json["type"] == "EPCISQueryDocument"
    assert_valid(response.json)
    return response, events_of(response.json)


def steps(events):
    return [e.get("bizStep") for e in events]


def test_filters_over_our_events(api, shipped):
    lot = f"https://id.gs1.org/01/{GTIN}/10/{shipped['packed']}"
    sscc = f"https://id.gs1.org/00/{shipped['ssccs'][0]}"
    _, events = ask(api, "eventType=TransformationEvent")
    assert steps(events) == ["creating_class_instance"]
    _, events = ask(api, "eventType=ObjectEvent|AggregationEvent&EQ_bizStep=receiving|packing")
    assert steps(events) == ["receiving", "packing", "packing"]
    _, events = ask(api, "EQ_bizStep=" + quote("urn:epcglobal:cbv:bizstep:shipping"))
    assert steps(events) == ["shipping"]
    _, events = ask(api, f"MATCH_epcClass={quote(lot)}")
    assert steps(events) == ["packing", "packing"]  # childQuantityList; not the pack's output
    _, events = ask(api, f"MATCH_anyEPCClass={quote(lot)}")
    assert steps(events) == ["creating_class_instance", "packing", "packing"]
    _, events = ask(api, f"MATCH_epc={quote(sscc)}")
    assert steps(events) == ["loading", "shipping"]
    _, events = ask(api, f"MATCH_anyEPC={quote(sscc)}")
    assert steps(events) == ["packing", "loading", "shipping"]
    # the same pallet as an EPC URN (EPC Tag Data Standard): the same events
    first = shipped["ssccs"][0]  # extension digit, company prefix, serial reference, check
    urn = f"urn:epc:id:sscc:{first[1:8]}.{first[0]}{first[8:17]}"
    _, events = ask(api, f"MATCH_anyEPC={urn}")
    assert steps(events) == ["packing", "loading", "shipping"]
    _, events = ask(api, "EQ_bizLocation=" + quote("https://id.gs1.org/414/8931234000011"))
    assert set(steps(events)) == {"receiving", "creating_class_instance", "packing", "loading"}
    _, events = ask(
        api,
        "GE_eventTime=" + quote("2026-06-11T00:00:00+07:00")
        + "&LT_eventTime=" + quote("2026-06-12T00:00:00+07:00"),
    )  # fmt: skip
    assert steps(events) == ["inspecting", "creating_class_instance", "packing", "packing"]
    _, events = ask(api, "GE_eventTime=2026-06-12T00:00:00 07:00&LT_eventTime=2026-06-13T00:00Z")
    assert steps(events) == ["loading", "shipping"]  # a + sent unencoded arrives as a space


def test_queries_find_captured_events_by_any_spelling(api):
    for name in (
        "Example_9.6.1-ObjectEvent.jsonld",
        "Example_9.6.3-AggregationEventWithDigitalLink.jsonld",
    ):
        assert (
            api.as_("worker")
            .post("/epcis/capture", json=load(EXAMPLES[0].with_name(name)))
            .status_code
            == 202
        )
    # Example 9.6.1 names urn:epc:id:sgtin:0614141.107346.2018, i.e. GTIN 10614141073464 serial 2018
    _, events = ask(api, "MATCH_epc=" + quote("https://id.gs1.org/01/10614141073464/21/2018"))
    assert [e["bizStep"] for e in events] == ["shipping", "receiving"]
    _, events = ask(api, "MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*")
    assert len(events) == 2
    _, events = ask(api, "MATCH_epc=urn:epc:id:sgtin:0614141.107346.2017")
    assert [e["bizStep"] for e in events] == ["shipping"]
    _, events = ask(api, "eventType=AggregationEvent")
    (aggregation,) = events
    parent = aggregation["parentID"]
    _, events = ask(api, f"MATCH_anyEPC={quote(parent)}")
    assert [e["eventID"] for e in events] == [aggregation["eventID"]]
    _, events = ask(api, f"MATCH_epc={quote(parent)}")  # parentID is not an epcList/childEPCs EPC
    assert events == []


def test_paging_with_next_page_token_and_a_count_limit(api, shipped):
    everything = ask(api, "perPage=1000")[1]
    assert len(everything) == 8
    seen, params, pages = [], "perPage=3", 0
    while True:
        response, events = ask(api, params)
        seen += events
        pages += 1
        link = response.headers.get("Link")
        if not link:
            break
        url = link.split(">")[0].lstrip("<")
        assert url.startswith("/api/v1/epcis/events?") and 'rel="next"' in link
        params = url.split("?", 1)[1]
    assert pages == 3 and [e["eventID"] for e in seen] == [e["eventID"] for e in everything]
    response, events = ask(api, "eventCountLimit=5&perPage=2")
    token_pages = [events]
    while response.headers.get("Link"):
        response, events = ask(api, response.headers["Link"].split(">")[0].split("?", 1)[1])
        token_pages.append(events)
    assert [len(p) for p in token_pages] == [2, 2, 1]
    first, _ = ask(api, "perPage=2")
    token = first.headers["Link"].split("nextPageToken=")[1].split(">")[0]
    response = api.as_("inspector").get(
        f"/epcis/events?perPage=2&eventType=ObjectEvent&nextPageToken={token}"
    )
    assert response.status_code == 422
    assert "does not belong to this query" in response.json["message"]


def test_query_is_for_inspectors_and_admins(api, shipped):
    assert api.as_("worker").get("/epcis/events").status_code == 403
    assert api.as_(None).get("/epcis/events").status_code == 401
    assert api.as_("inspector").get("/epcis/events?EQ_nothing=1").status_code == 422


def test_action_and_disposition_over_our_events(api, shipped):
    _, events = ask(api, "EQ_action=ADD")
    assert steps(events) == ["creating_class_instance", "packing", "packing"]
    _, events = ask(api, "EQ_action=OBSERVE&EQ_disposition=in_transit")
    assert steps(events) == ["shipping"]
    for spelling in (
        "urn:epcglobal:cbv:disp:in_transit",
        "https://ref.gs1.org/cbv/Disp-in_transit",
    ):
        _, events = ask(api, f"EQ_disposition={quote(spelling)}")
        assert steps(events) == ["shipping"]
    _, events = ask(api, "EQ_disposition=in_progress&EQ_action=ADD|DELETE")
    assert steps(events) == ["packing", "packing"]
    _, events = ask(api, "EQ_action=DELETE")
    assert events == []


def test_a_corrected_disposition_is_found_where_the_correction_put_it(api, season):
    worker = api.as_("worker")
    failed = worker.post(
        f"/lots/{season['harvest']}/inspections",
        json={"inspected_at": "2026-06-11T09:00:00+07:00", "result": "pass"},
    ).json
    fix = (
        api.as_("inspector")
        .post(
            f"/events/{failed['id']}/corrections",
            json={"reason": "the sample was mouldy", "changes": {"result": "fail"}},
        )
        .json
    )
    _, events = ask(api, "EQ_disposition=non_conformant")
    assert [e["eventID"] for e in events] == [fix["event_id"]]
    assert events[0]["trace:corrects"] == failed["event_id"]
    _, events = ask(api, "EQ_disposition=conformant")
    assert [e["eventID"] for e in events] == [failed["event_id"]]
    assert events[0]["errorDeclaration"]["correctiveEventIDs"] == [fix["event_id"]]


def test_event_times_with_an_offset_bound_the_instant(api, shipped):
    """The receipt happened at 14:00 in Vietnam (07:00 UTC); a bound written at +07:00 is the
    same instant on both databases."""
    _, events = ask(
        api,
        "GE_eventTime=" + quote("2026-06-10T13:30:00+07:00")
        + "&LT_eventTime=" + quote("2026-06-10T14:30:00+07:00"),
    )  # fmt: skip
    assert steps(events) == ["receiving"]


def _official(names):
    out = []
    for name in names:
        for event in events_of(load(EXAMPLES[0].with_name(name))):
            if event not in out:
                out.append(event)
    return out


def test_action_disposition_and_record_time_over_captured_examples(api):
    from datetime import UTC, datetime, timedelta, timezone

    first = ["Example_9.6.1-ObjectEvent.jsonld", "Example_9.6.3-AggregationEvent.jsonld"]
    second = [
        "Example-TransactionEvents-2020_07_03y.jsonld",
        "AssociationEvent-a.jsonld",
        "Example_9.6.4-TransformationEvent.jsonld",
    ]
    worker = api.as_("worker")
    for name in first:
        assert (
            worker.post("/epcis/capture", json=load(EXAMPLES[0].with_name(name))).status_code == 202
        )
    between = datetime.now(UTC)
    for name in second:
        assert (
            worker.post("/epcis/capture", json=load(EXAMPLES[0].with_name(name))).status_code == 202
        )
    sent = _official(first + second)

    def expected(test):
        return [(e["type"], e["eventTime"]) for e in sent if test(e)]

    def got(events):
        return [(e["type"], e["eventTime"]) for e in events]

    _, events = ask(api, "EQ_action=ADD")
    assert got(events) == expected(lambda e: e.get("action") == "ADD") and len(events) == 3
    _, events = ask(api, "EQ_action=OBSERVE|DELETE")
    assert got(events) == expected(lambda e: e.get("action") in ("OBSERVE", "DELETE"))
    _, events = ask(api, "EQ_disposition=in_transit")
    assert got(events) == expected(lambda e: e.get("disposition") == "in_transit")
    assert len(events) == 2  # Example 9.6.1's shipping, the transaction event's
    _, events = ask(api, "EQ_disposition=in_progress&eventType=AggregationEvent")
    assert got(events) == expected(
        lambda e: e.get("disposition") == "in_progress" and e["type"] == "AggregationEvent"
    )
    in_first = expected(lambda e: e in _official(first))
    for bound in (between, between.astimezone(timezone(timedelta(hours=7)))):
        _, events = ask(api, f"LT_recordTime={quote(bound.isoformat())}")
        assert got(events) == in_first
        _, events = ask(api, f"GE_recordTime={quote(bound.isoformat())}")
        assert got(events) == expected(lambda e: e not in _official(first))
    for event in ask(api, "perPage=1000")[1]:
        recorded = datetime.fromisoformat(event["recordTime"])
        assert (recorded < between) == ((event["type"], event["eventTime"]) in in_first)


def test_a_declaration_is_news_for_a_record_time_query(api):
    """An event declared erroneous after GE_recordTime comes back, with its declaration."""
    import time
    from datetime import UTC, datetime

    document = load(EXAMPLES[0].with_name("Example_9.6.2-ObjectEvent.jsonld"))
    worker = api.as_("worker")
    assert worker.post("/epcis/capture", json=document).status_code == 202
    time.sleep(0.01)
    between = quote(datetime.now(UTC).isoformat())
    _, events = ask(api, f"GE_recordTime={between}")
    assert events == []
    (event,) = events_of(document)
    declaration = {"declarationTime": "2014-01-01T00:00:00Z", "reason": "incorrect_data"}
    document["epcisBody"]["eventList"] = [{**event, "errorDeclaration": declaration}]
    assert worker.post("/epcis/capture", json=document).status_code == 202
    _, events = ask(api, f"GE_recordTime={between}")
    assert [e["eventID"] for e in events] == [event["eventID"]]
    assert events[0]["errorDeclaration"] == declaration
    _, events = ask(api, f"LT_recordTime={between}")
    assert [e["eventID"] for e in events] == [event["eventID"]]


def test_bad_parameter_values_are_refused(api):
    inspector = api.as_("inspector")
    for params, field, words in (
        ("EQ_action=MOVE", "EQ_action", "Must be one of"),
        ("EQ_disposition=fresh", "EQ_disposition", "'fresh' is not a CBV 2.0 disposition"),
        ("EQ_disposition=urn:epcglobal:cbv:disp:fresh", "EQ_disposition", "not a CBV 2.0"),
        ("GE_recordTime=yesterday", "GE_recordTime", "Not a valid datetime"),
        ("LT_recordTime=2026-06-10T00:00:00", "LT_recordTime", "Not a valid aware datetime"),
    ):
        response = inspector.get(f"/epcis/events?{params}")
        assert response.status_code == 422, params
        assert response.json["code"] == 422
        assert words in json.dumps(response.json["errors"]["query"][field]), response.json
    # a disposition of one's own vocabulary is a URI, and simply matches nothing here
    _, events = ask(api, "EQ_disposition=" + quote("https://ns.example.com/disp/fresh"))
    assert events == []


def test_the_new_parameters_are_in_the_openapi_document(api):
    spec = api.client.get("/api/v1/openapi.json").json
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/epcis/events"]["get"]["parameters"]}
    for name in ("EQ_action", "EQ_disposition", "GE_recordTime", "LT_recordTime"):
        assert parameters[name]["in"] == "query" and parameters[name].get("description"), name
    assert parameters["EQ_action"]["schema"]["items"]["enum"] == ["ADD", "OBSERVE", "DELETE"]
    assert parameters["GE_recordTime"]["schema"]["format"] == "date-time"
