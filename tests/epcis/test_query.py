"""GET /epcis/events: SimpleEventQuery parameters over our events and captured ones, paging
with nextPageToken, answers that validate against GS1's schema."""

from __future__ import annotations

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
    _, events = ask(api, "MATCH_anyEPC=urn:epc:id:sscc:8931234.0000000001")
    assert steps(events) == ["packing", "loading", "shipping"]
    _, events = ask(api, "EQ_bizLocation=" + quote("https://id.gs1.org/414/8931234000011"))
    assert set(steps(events)) == {"receiving", "creating_class_instance", "packing", "loading"}
    _, events = ask(
        api,
        "GE_eventTime=" + quote("2026-06-11T00:00:00+07:00")
        + "&LT_eventTime=" + quote("2026-06-12T00:00:00+07:00"),
    )  # fmt: skip
    assert steps(events) == ["inspecting", "creating_class_instance"]
    _, events = ask(api, "GE_eventTime=2026-06-12T00:00:00 07:00&LT_eventTime=2026-06-13T00:00Z")
    assert steps(events) == ["shipping"]  # a + sent unencoded arrives as a space


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
