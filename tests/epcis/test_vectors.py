"""The standards' own test documents (GS1's EPCIS repository, OpenEPCIS test resources;
tests/epcis/vectors/README.md): every valid one is captured and comes back from a query
meaning what was sent (read as JSON-LD: every extension field, ilmd key and sensor report
resolves to the same IRI); every invalid one is refused, naming the event and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld.jsonld import JsonLdError

from tests.epcis.conftest import events_of
from tests.epcis.jsonld import expanded, quads

VECTORS = Path(__file__).parent / "vectors"
GS1 = sorted((VECTORS / "gs1").glob("*.jsonld"))
VALID = sorted((VECTORS / "openepcis" / "valid").glob("*.json"))
INVALID = sorted((VECTORS / "openepcis" / "invalid").glob("*.json"))
# Valid for OpenEPCIS, refused by GS1's schema this service validates against: a sensorReport
# without a `type`, which that schema requires.
SCHEMA_DISAGREES = {"SensorData_with_combined_events.json": "'type' is a required property"}

# What each invalid document is refused for: the event's index and words of the reason.
REFUSED = {
    "Combination_of_events_with_missing_mandatory_fields.json": (0, "'action' is a required"),
    "Combination_of_multiple_invalid_fields.json": (4, "is not valid"),
    "Combination_of_non_standard_bizStep_and_disposition.json": (
        0,
        "bizStep: 'transforming' is neither a CBV word nor an absolute URI",
    ),
    "EPCISDocument_without_context.json": (None, "'@context' is a required property"),
    "ObjectEvent_with_ilmd_field_without_namespace.json": (
        0,
        "ilmd.materialType: the extension field 'materialType' has no namespace",
    ),
    "ObjectEvent_with_invalid_action.json": (0, "is not valid"),
    "ObjectEvent_with_invalid_certificationInfo.json": (0, "is not of type 'string'"),
    "ObjectEvent_with_invalid_eventTime_format.json": (None, ""),
    "ObjectEvent_with_non_standard_bizStep.json": (0, "bizStep: 'transforming'"),
    "ObjectEvent_with_non_standard_bizStep_in_second_event.json": (1, "bizStep: 'transforming'"),
    "ObjectEvent_with_non_standard_disposition.json": (0, "disposition: 'in_transport'"),
    "ObjectEvent_with_quantity_as_text.json": (0, "'twenty' is not of type 'number'"),
    "ObjectEvent_with_unknown_field_in_quantityList.json": (0, "'weight' was unexpected"),
    "ObjectEvent_without_action_and_eventTime.json": (0, "'eventTime' is a required"),
    "ObjectEvent_without_identifier_list.json": (0, "is not valid"),
}


def test_the_vectors_are_all_there():
    assert (len(GS1), len(VALID), len(INVALID)) == (47, 38, 15)
    assert {p.name for p in INVALID} == set(REFUSED)


def _capture(api, document):
    return api.as_("worker").post("/epcis/capture", json=document)


def _back(api) -> dict:
    response = api.as_("inspector").get("/epcis/events?perPage=1000")
    assert response.status_code == 200, response.json
    return response.json


def _same_meaning(sent_document: dict, answer: dict) -> None:
    sent = events_of(sent_document)
    back = events_of(answer)
    assert len(back) == len(sent)
    for original, returned in zip(sent, back, strict=True):
        returned = {k: v for k, v in returned.items() if k != "recordTime"}
        original = {k: v for k, v in original.items() if k != "recordTime"}
        if "eventID" not in original:  # the repository gave it one
            returned.pop("eventID")
        try:
            meant = quads(sent_document["@context"], original)
        except JsonLdError:  # the sender's own context is no JSON-LD (it redefines a
            assert returned == original  # protected EPCIS term): kept and given back as sent
            continue
        assert quads(answer["@context"], returned) == meant
        assert expanded(answer["@context"], returned) == expanded(
            sent_document["@context"], original
        )


@pytest.mark.parametrize("path", GS1 + VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_valid_vector_comes_back_meaning_what_was_sent(api, path):
    document = json.loads(path.read_text())
    response = _capture(api, document)
    if path.name in SCHEMA_DISAGREES:
        assert response.status_code == 400
        assert SCHEMA_DISAGREES[path.name] in response.json["errors"][0]["reason"]
        return
    assert response.status_code == 202, response.json
    _same_meaning(document, _back(api))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_an_invalid_vector_is_refused_naming_the_event_and_field(api, engine, path):
    index, words = REFUSED[path.name]
    response = _capture(api, json.loads(path.read_text()))
    assert response.status_code == 400, response.json
    assert response.json["type"] == "epcisException:ValidationException"
    first = response.json["errors"][0]
    assert first["index"] == index and words in first["reason"], first
    from tests.flows import count_rows

    assert count_rows(engine)["event"] == 0
