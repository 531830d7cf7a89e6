"""The pure EPCIS layer: identifiers, CBV spellings, matching, and the fast validator agreeing
with the reference one. No database, no Flask."""

from __future__ import annotations

import copy
import hashlib
import json
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import fastjsonschema
import jsonschema
import pytest

from tests.epcis.conftest import EXAMPLES, SCHEMA, events_of, load
from trace.domain.epcis_capture import CaptureError, read_captured
from trace.domain.epcis_ids import canonical_id, cbv_short, id_matches
from trace.domain.epcis_query import Query, classes, epcs, identifiers, matches, parse_time, places

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("uri", "canonical"),
    [
        # EPC Tag Data Standard 2.0, §6.3 examples (URN) ↔ their GS1 keys
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
        ("urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"),
        ("urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400"),
        ("urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452"),
        ("urn:epc:id:pgln:0614141.12345", "https://id.gs1.org/417/0614141123452"),
        ("urn:epc:idpat:sgtin:0614141.107346.*", "https://id.gs1.org/01/10614141073464/21/*"),
        # another resolver's Digital Link, a GTIN-13: the canonical resolver, 14 digits
        ("https://example.com/dl/01/8931234567897/10/A%2FB", "https://id.gs1.org/01/08931234567897/10/A%2FB"),
        # not GS1 keys: as they were
        ("http://transaction.acme.com/po/12345678", "http://transaction.acme.com/po/12345678"),
        ("urn:epcglobal:cbv:bt:0614141073467:1152", "urn:epcglobal:cbv:bt:0614141073467:1152"),
    ],
)  # fmt: skip
def test_canonical_identifiers(uri, canonical):
    assert canonical_id(uri) == canonical


def test_matching_patterns():
    serial = "https://id.gs1.org/01/10614141073464/21/2017"
    assert id_matches("https://id.gs1.org/01/10614141073464/21/*", serial)
    assert id_matches("https://id.gs1.org/01/10614141073464", serial)  # a GTIN: all its items
    assert not id_matches("https://id.gs1.org/01/10614141073464/21/201", serial)
    assert not id_matches("https://id.gs1.org/01/10614141073464/10/*", serial)


def test_cbv_spellings():
    for spelling in (
        "receiving",
        "urn:epcglobal:cbv:bizstep:receiving",
        "https://ref.gs1.org/cbv/BizStep-receiving",
    ):
        assert cbv_short(spelling) == "receiving"
    assert cbv_short("https://ns.example.com/step/x") == "https://ns.example.com/step/x"
    assert cbv_short("urn:epcglobal:cbv:disp:in_transit", "disposition") == "in_transit"


def test_matches_reads_events_as_epcis_shows_them():
    (event,) = events_of(load(SCHEMA.parent / "examples" / "Example_9.6.2-ObjectEvent.jsonld"))
    assert matches(event, Query.build(event_types=["ObjectEvent"]))
    assert not matches(event, Query.build(event_types=["AggregationEvent"]))
    when = parse_time(event["eventTime"])
    assert matches(event, Query.build(ge_event_time=when))
    assert not matches(event, Query.build(lt_event_time=when))
    assert not matches(event, Query.build(ge_event_time=datetime(2100, 1, 1, tzinfo=UTC)))


def test_read_captured_keeps_the_event_and_names_bad_ones():
    (event,) = events_of(load(SCHEMA.parent / "examples" / "Example_9.6.2-ObjectEvent.jsonld"))
    read = read_captured({**event, "recordTime": "2020-01-01T00:00:00Z"}, 3)
    assert read.event == event and read.event_time.tzinfo is UTC
    with pytest.raises(CaptureError, match="event 4: eventTime '2020-13-01T00:00:00Z'"):
        read_captured({**event, "eventTime": "2020-13-01T00:00:00Z"}, 4)
    with pytest.raises(CaptureError, match="eventID is 300 characters long; at most 255"):
        read_captured({**event, "eventID": "urn:x:" + "a" * 294}, 0)


def test_the_fast_validator_agrees_with_the_reference():
    """fastjsonschema (used at capture) and jsonschema (the reference) on 1,500 documents made
    by breaking one field of one event of the official examples. They differ only where the
    reference cannot check a format (date-time: no rfc3339-validator installed), which the
    capture then checks by parsing: those mutations are left out."""
    schema = json.loads(SCHEMA.read_text())
    reference = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    fast = fastjsonschema.compile(schema, formats={"uri": lambda _v: True})
    rng = random.Random(2026)
    documents = [load(path) for path in EXAMPLES]
    checked = invalid = 0
    for _ in range(1500):
        document = copy.deepcopy(rng.choice(documents))
        events = events_of(document)
        event = rng.choice(events)
        key = rng.choice(sorted(event))
        if key in ("eventTime", "recordTime"):
            continue
        change = rng.randrange(4)
        if change == 0:
            del event[key]
        else:
            event[key] = [5, "x", []][change - 1]
        try:
            fast(document)
            fast_ok = True
        except fastjsonschema.JsonSchemaException:
            fast_ok = False
        assert fast_ok == reference.is_valid(document), (key, change)
        checked += 1
        invalid += not fast_ok
    assert checked > 1200 and invalid > 500


def test_the_mapping_is_pure():
    code = (
        "import sys, trace.domain.epcis_mapping, trace.domain.epcis_document, "
        "trace.domain.epcis_query, trace.domain.epcis_capture; "
        "print(','.join(m for m in ('flask', 'sqlalchemy', 'sqlmodel', 'marshmallow', 'reportlab') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""


def test_the_bulk_path_hashes_as_record_does():
    """append_events writes the data's canonical JSON once and splices it into the content;
    the hash must be the one `record` and `audit.verify` compute, whatever the columns hold."""
    from types import SimpleNamespace

    from trace.domain.events import GENESIS_HASH, canonical, canonical_json, chain_hash
    from trace.services.common import _content, _instant, event_content

    rows = []
    for corrects, disposition, user in ((None, "in_transit", 2), (12, None, None), (3, "x", True)):
        row = {
            "event_id": "urn:uuid:1", "type": "captured", "epcis_type": "ObjectEvent",
            "action": "OBSERVE", "biz_step": "receiving", "disposition": disposition,
            "event_time": datetime(2026, 6, 1, tzinfo=UTC), "tz_offset": "+09:00",
            "record_time": datetime(2026, 6, 2, 3, 4, 5, 678901, tzinfo=UTC),
            "read_point_id": None, "biz_location_id": 3, "corrects_id": corrects, "user_id": user,
            "data": {"epcis": {"b": [1, 2.5, "Vải thiều ộ", 1e-7, 2**70], "a": {"z": None}},
                     "capture": "c1"},
        }  # fmt: skip
        rows.append(row)
    rows.append({**rows[0], "event_time": datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC)})
    rows.append({**rows[0], "read_point_id": 2**64, "data": {"a": "b"}})
    for row in rows:
        expected = chain_hash(event_content(SimpleNamespace(**row)), GENESIS_HASH)
        event_time, record_time = _instant(row["event_time"])[0], _instant(row["record_time"])[0]
        content = _content(row, canonical(row["data"]), event_time, record_time)
        assert content == canonical_json(event_content(SimpleNamespace(**row)))
        assert hashlib.sha256(GENESIS_HASH.encode() + b"\n" + content).hexdigest() == expected


def test_identifiers_are_what_the_field_readers_find():
    """The one-pass `identifiers` (capture) names what `epcs`, `classes` and `places` (the
    query matching) find, on every official event."""
    count = 0
    for path in EXAMPLES:
        for event in events_of(load(path)):
            expected = set(epcs(event)) | set(classes(event)) | set(places(event))
            assert identifiers(event) == expected, path.name
            count += len(expected)
    assert count > 60
