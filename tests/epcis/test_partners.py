"""Partners within bounds (docs/epcis.md, "Caps", "What capture checks", "eventIDs"): no
number that is not finite, no text or document beyond its cap, only CBV words or URIs, only
namespaced extensions, no place of ours we do not hold; and a partner cannot block another's
events by capturing their eventIDs first. A refused document stores nothing."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from tests.epcis.conftest import events_of
from tests.epcis.jsonld import quads
from tests.epcis.test_importer_scope import CONTEXT, document
from tests.epcis.test_importer_scope import receipt as _receipt
from tests.flows import count_rows
from trace.services import users

EX = {"ex": "https://ns.example.com/epcis/"}


def receipt(n: int, **fields) -> dict:
    """A receipt of cartons of a partner's product (not one of ours)."""
    if "quantityList" not in fields:
        fields = {"epcList": ["https://id.gs1.org/01/04512345000019/21/77"], **fields}
    if "ilmd" in fields:  # what was made: an ObjectEvent that adds
        fields = {"action": "ADD", **fields}
    return _receipt(n, **fields)


def post(api, body, role="worker"):
    """A capture with a body as written (not re-encoded: NaN, 1E400 stay as sent)."""
    text = body if isinstance(body, str) else json.dumps(body)
    return api.as_(role).post(
        "/epcis/capture", data=text.encode(), headers={"Content-Type": "application/json"}
    )


def sensor_event() -> dict:
    return receipt(
        1,
        quantityList=[{"epcClass": "https://id.gs1.org/01/04512345000019/10/L1", "quantity": 5,
                       "uom": "KGM"}],
        sensorElementList=[
            {
                "sensorMetadata": {"time": "2026-06-20T08:00:00+09:00"},
                "sensorReport": [
                    {"type": "Temperature", "value": 4.5, "minValue": 3.1, "maxValue": 6.2,
                     "meanValue": 4.4, "sDev": 0.3, "percRank": 50, "percValue": 4.4,
                     "uom": "CEL"}
                ],
            }
        ],
        ilmd={"ex:brix": 18.5},
        **{"ex:pulpTemperature": 4.0},
    )  # fmt: skip


NUMERIC = [
    "quantityList.0.quantity",
    *(f"sensorElementList.0.sensorReport.0.{k}"
      for k in ("value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue")),
    "ilmd.ex:brix",
    "ex:pulpTemperature",
]  # fmt: skip
MARK = 987654.125  # a number written nowhere else, replaced in the text by the literal


def _with(event: dict, path: str, value) -> dict:
    event = json.loads(json.dumps(event))
    *parents, last = path.split(".")
    target = event
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = value
    return event


def _field_name(path: str) -> str:
    return ".".join(f"[{p}]" if p.isdigit() else p for p in path.split(".")).replace(".[", "[")


@pytest.mark.parametrize("path", NUMERIC)
def test_a_number_that_is_not_finite_is_refused_naming_its_field(api, engine, path):
    base = document(sensor_event())
    base["@context"] = [CONTEXT, EX]
    assert post(api, base).status_code == 202  # the event as it is, with finite numbers
    before = count_rows(engine)
    event = _with(receipt(2, **{k: v for k, v in sensor_event().items() if k != "eventID"}),
                  path, MARK)  # fmt: skip
    body = document(event)
    body["@context"] = [CONTEXT, EX]
    for literal in ("1E400", "-1e999", "NaN", "Infinity", "-Infinity"):
        text = json.dumps(body).replace(str(MARK), literal)
        assert literal in text
        response = post(api, text)
        assert response.status_code == 400, response.json
        (error,) = response.json["errors"]
        assert error["index"] == 0
        assert error["reason"].startswith(f"{_field_name(path)} is not a finite number"), error
    assert count_rows(engine) == before


def test_texts_and_documents_have_caps(app, api, engine):
    long = "x" * (app.config["EPCIS_CAPTURE_MAX_TEXT"] + 1)
    body = document(receipt(3, **{"ex:note": long}))
    body["@context"] = [CONTEXT, EX]
    response = post(api, body)
    assert response.status_code == 422, response.json
    assert response.json["errors"] == [
        {
            "index": 0,
            "reason": f"ex:note is {len(long)} characters long; a captured text is at most "
            f"{app.config['EPCIS_CAPTURE_MAX_TEXT']} (EPCIS_CAPTURE_MAX_TEXT)",
        }
    ]
    key = document(receipt(4, ilmd={f"ex:{long}": 1}))
    key["@context"] = [CONTEXT, EX]
    response = post(api, key)
    assert response.status_code == 422
    assert response.json["errors"][0]["reason"].startswith("ilmd.ex:xxx")
    fits = document(receipt(5, **{"ex:note": long[:-1]}))
    fits["@context"] = [CONTEXT, EX]
    response = post(api, fits)
    assert response.status_code == 202, response.json
    app.config["EPCIS_CAPTURE_MAX_BYTES"] = 2000
    big = document(*(receipt(10 + n) for n in range(10)))
    size = len(json.dumps(big).encode())
    response = post(api, big)
    assert response.status_code == 413, response.json
    assert response.json["type"] == "epcisException:CaptureLimitExceededException"
    assert f"the document is {size} bytes" in response.json["message"]
    assert "EPCIS_CAPTURE_MAX_BYTES" in response.json["message"]
    assert count_rows(engine)["event"] == 1


@pytest.mark.parametrize(
    ("fields", "where", "words"),
    [
        ({"bizStep": "transforming"}, "bizStep", "neither a CBV word nor an absolute URI"),
        ({"bizStep": "https://ref.gs1.org/cbv/BizStep-transforming"}, "bizStep",
         "names no CBV word ('transforming')"),
        ({"disposition": "in_transport"}, "disposition", "neither a CBV word"),
        ({"persistentDisposition": {"set": ["completeness_verified", "kept"]}},
         "persistentDisposition.set[1]", "neither a CBV word"),
        ({"bizTransactionList": [{"type": "invoice", "bizTransaction": "urn:x:1"}]},
         "bizTransactionList[0].type", "neither a CBV word"),
        ({"sourceList": [{"type": "owner", "source": "urn:x:party"}]}, "sourceList[0].type",
         "neither a CBV word"),
        ({"destinationList": [{"type": "location", "destination": "urn:x:p"},
                              {"type": "possessor", "destination": "urn:x:q"}]},
         "destinationList[1].type", "neither a CBV word"),
        ({"errorDeclaration": {"declarationTime": "2026-06-20T10:00:00+09:00",
                               "reason": "wrong"}}, "errorDeclaration.reason", "neither"),
        ({"type": "ObjectEventInvalid"}, "type", "is not an EPCIS event type"),
        ({"ilmd": {"lotColour": "red"}}, "ilmd.lotColour", "has no namespace"),
        ({"colour": "red"}, "colour", "has no namespace"),
        ({"undeclared:colour": "red"}, "undeclared:colour", "prefix 'undeclared'"),
        ({"readPoint": {"id": "urn:x:rp", "note": "x"}}, "readPoint.note", "has no namespace"),
    ],
)  # fmt: skip
def test_capture_speaks_cbv_and_namespaces(api, engine, fields, where, words):
    body = document(receipt(20), receipt(21, **fields))
    response = post(api, body)
    assert response.status_code == 400, response.json
    (error,) = response.json["errors"]
    assert error["index"] == 1
    assert error["reason"].startswith(f"{where}: ") and words in error["reason"], error
    assert count_rows(engine)["event"] == 0


def test_what_the_standards_allow_is_kept(api):
    """A URI of one's own vocabulary, a CBV word in its Web URI form, an extension of a
    declared namespace or a full IRI: all captured."""
    body = document(
        receipt(30, bizStep="https://ns.example.com/steps/ripening",
                disposition="https://ref.gs1.org/cbv/Disp-in_transit",
                ilmd={"ex:colour": "red", "https://ns.example.com/epcis/size": "L"},
                **{"ex:note": "kept"}),
    )  # fmt: skip
    body["@context"] = [CONTEXT, EX]
    response = post(api, body)
    assert response.status_code == 202, response.json


def test_one_prefix_two_meanings_in_one_document_is_refused(api, engine):
    body = document(receipt(31, **{"ex:note": "x"}))
    body["@context"] = [CONTEXT, EX, {"ex": "https://other.example.org/"}]
    response = post(api, body)
    assert response.status_code == 400
    assert "'ex' twice with different IRIs" in response.json["errors"][0]["reason"]
    local = document(receipt(32, **{"@context": {"ex": "https://other.example.org/"}}))
    local["@context"] = [CONTEXT, EX]
    response = post(api, local)
    assert response.status_code == 400
    assert response.json["errors"][0]["index"] == 0
    assert count_rows(engine)["event"] == 0


def test_two_senders_one_prefix_two_namespaces_both_keep_their_meaning(api):
    first = document(receipt(40, ilmd={"ex:colour": "red"}, **{"ex:note": "first"}))
    first["@context"] = [CONTEXT, EX]
    second = document(receipt(41, ilmd={"ex:colour": "blue"}, **{"ex:note": "second"}))
    second["@context"] = [CONTEXT, {"ex": "https://other.example.org/voc#"}]
    assert post(api, first).status_code == 202
    assert post(api, second).status_code == 202
    answer = api.as_("inspector").get("/epcis/events?perPage=10").json
    back = events_of(answer)
    assert [e["eventID"] for e in back] == [receipt(40)["eventID"], receipt(41)["eventID"]]
    assert back[1]["https://other.example.org/voc#note"] == "second"
    for sent, returned in zip((first, second), back, strict=True):
        returned = {k: v for k, v in returned.items() if k != "recordTime"}
        assert quads(answer["@context"], returned) == quads(sent["@context"], events_of(sent)[0])
    exported = api.as_("inspector").get("/exports/epcis?from=2026-06-01").json
    assert exported["@context"][-1]["ex"] == "https://ns.example.com/epcis/"


def test_a_place_of_ours_we_do_not_hold_is_refused_naming_it(app, api, engine, ids):
    base = app.config["PUBLIC_BASE_URL"]
    unknown = f"{base}/id/location/99999"
    for fields, where in [
        ({"readPoint": {"id": unknown}}, "readPoint"),
        ({"bizLocation": {"id": unknown}}, "bizLocation"),
        ({"sourceList": [{"type": "owning_party", "source": unknown}]}, "sourceList[0].source"),
        ({"destinationList": [{"type": "location", "destination": unknown}]},
         "destinationList[0].destination"),
    ]:  # fmt: skip
        response = post(api, document(receipt(50), receipt(51, **fields)))
        assert response.status_code == 422, response.json
        assert response.json["errors"] == [
            {
                "index": 1,
                "reason": f"{where} {unknown} is under this repository's own base, but no "
                "place or party of ours has that identifier",
            }
        ]
    assert count_rows(engine)["event"] == 0
    held = f"{base}/id/location/{ids['importer']}"
    foreign = "https://id.partner.example/loc/7"
    response = post(
        api,
        document(receipt(52, readPoint={"id": held}, bizLocation={"id": foreign},
                         sourceList=[{"type": "owning_party", "source": foreign}])),
    )  # fmt: skip
    assert response.status_code == 202, response.json
    back = events_of(api.as_("inspector").get("/epcis/events").json)
    assert back[0]["bizLocation"] == {"id": foreign}  # the partner's own identifier, kept


@pytest.fixture
def partners(api, engine):
    """Two importers, each with a capture token."""
    tokens = {}
    for name in ("Tokyo Fresh Trading KK", "Osaka Produce KK"):
        place = api.as_("admin").post(
            "/locations", json={"kind": "importer", "name": name, "address": {"country": "JP"}}
        )
        assert place.status_code == 201, place.json
        with Session(engine) as session:
            _, tokens[name] = users.create(session, name.split()[0], "importer", place.json["id"])
    api.tokens["tokyo"], api.tokens["osaka"] = tokens.values()
    return api


def test_a_partner_cannot_block_another_s_events_by_capturing_their_event_ids(partners, engine):
    api = partners
    real = receipt(60, bizStep="receiving", **{"https://ns.tokyo.example/dock": "3"})
    squatted = receipt(60, bizStep="shipping")  # Osaka sends Tokyo's eventID first
    assert post(api, document(squatted), "osaka").status_code == 202
    response = post(api, document(receipt(61), real), "tokyo")
    assert response.status_code == 202, response.json
    job = response.json
    assert job["storedCount"] == 2
    (notice,) = job["errors"]
    assert (
        notice["index"] == 1 and f"eventID {real['eventID']} is held already" in (notice["reason"])
    )
    back = events_of(api.as_("inspector").get("/epcis/events?perPage=10").json)
    same = [e for e in back if e["eventID"] == real["eventID"]]
    assert [e["bizStep"] for e in same] == ["shipping", "receiving"]  # each as its sender sent
    # Tokyo's re-send is a duplicate of its own event; its declaration declares its own event
    again = post(api, document(real), "tokyo").json
    assert (again["storedCount"], again["duplicateCount"]) == (0, 1)
    declaration = {"declarationTime": "2026-06-20T12:00:00+09:00", "reason": "incorrect_data"}
    declared = post(api, document({**real, "errorDeclaration": declaration}), "tokyo")
    assert declared.status_code == 202, declared.json
    back = events_of(api.as_("inspector").get("/epcis/events?perPage=10").json)
    same = {e["bizStep"]: e for e in back if e["eventID"] == real["eventID"]}
    assert same["receiving"]["errorDeclaration"] == declaration
    assert "errorDeclaration" not in same["shipping"]
    # Neither declares the other's event erroneous: under that eventID each has its own
    before = count_rows(engine)
    for role, event in (("tokyo", squatted), ("osaka", real)):
        refused = post(api, document({**event, "errorDeclaration": declaration}), role)
        assert refused.status_code == 400, refused.json
        assert "held already as another captured event" in refused.json["errors"][0]["reason"]
    assert count_rows(engine) == before
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


def test_within_one_organisation_an_event_id_is_still_never_rewritten(partners):
    api = partners
    assert post(api, document(receipt(70)), "tokyo").status_code == 202
    response = post(api, document(receipt(70, bizStep="shipping")), "tokyo")
    assert response.status_code == 400
    assert "held already" in response.json["errors"][0]["reason"]


def test_capture_is_rate_limited_per_partner_token(app, partners, engine):
    api = partners
    app.config["EPCIS_CAPTURE_RATE"] = "3/minute"
    for n in range(3):
        assert post(api, document(receipt(80 + n)), "tokyo").status_code == 202
    before = count_rows(engine)
    response = post(api, document(receipt(90)), "tokyo")
    assert response.status_code == 429, response.json
    assert response.json["code"] == 429 and "EPCIS_CAPTURE_RATE" in response.json["message"]
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert count_rows(engine) == before
    # another partner's token has its own count
    assert post(api, document(receipt(91)), "osaka").status_code == 202
