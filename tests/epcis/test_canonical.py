"""The hash chain's canonical JSON written by orjson is byte for byte the standard library's
(`canonical_json`, the definition): on GS1's examples, on every event the log stores, and on
generated values. Hashes written before orjson still verify, and new ones are the same."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from tests.epcis.conftest import EXAMPLES, events_of, load
from tests.epcis.test_capture import capture
from trace.db.models import Event
from trace.domain.events import canonical, canonical_json, utc_iso
from trace.services.common import _instant, _sqlite_time, event_content


def outcome(write, value):
    try:
        return write(value)
    except (TypeError, ValueError) as error:  # UnicodeEncodeError is a ValueError
        return type(error)


def test_the_official_examples_are_written_alike():
    fast = 0
    for path in EXAMPLES:
        document = load(path)
        for value in (document, *events_of(document)):
            stored = {"epcis": value, "capture": "c0123456789abcdef"}
            for each in (value, stored):
                assert canonical(each) == canonical_json(each), path.name
                fast += orjson.dumps(each, option=orjson.OPT_SORT_KEYS) == canonical_json(each)
    assert fast > 80  # orjson itself writes them alike, not only the fallback


def test_every_stored_event_hashes_as_the_standard_library_would(api, engine, shipped):
    """Our events (with nulls: the standard library's way), a correction, captured examples
    and an error declaration: every row's hash is SHA-256 over the previous hash and
    `canonical_json` of its content, and `canonical` writes the same bytes."""
    for path in EXAMPLES:
        capture(api, load(path))  # one is refused (shipping-cte reuses an eventID)
    official = load(EXAMPLES[0].with_name("Example_9.6.2-ObjectEvent.jsonld"))
    (event,) = events_of(official)
    event["errorDeclaration"] = {"declarationTime": "2014-01-01T00:00:00Z", "reason": "x:y"}
    assert capture(api, official).status_code == 202
    timeline = api.get(f"/lots/{shipped['harvest']}/events").json
    fix = api.as_("worker").post(
        f"/events/{timeline[0]['id']}/corrections",
        json={"reason": "weighed again", "changes": {"quantity": 1190.5}},
    )
    assert fix.status_code == 201, fix.json
    with Session(engine) as session:
        events = list(session.exec(select(Event).order_by(Event.id)))
    assert len(events) == 8 + 29 + 1 + 1 and {e.type for e in events} >= {
        "captured",
        "correct",
        "pack",
    }
    previous = "0" * 64
    for event in events:
        content = event_content(event)
        assert canonical(content) == canonical_json(content), event.id
        assert event.prev_hash == previous
        expected = hashlib.sha256(previous.encode() + b"\n" + canonical_json(content))
        assert event.hash == expected.hexdigest(), event.id
        previous = event.hash
    assert api.as_("inspector").get("/audit/verify").json["ok"] is True


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN, ±Infinity, subnormals, 1e-05, 1e+16
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=600, deadline=None)
@given(json_values)
def test_generated_values_are_written_alike(value):
    assert outcome(canonical, value) == outcome(canonical_json, value)


@pytest.mark.parametrize(
    "number",
    [9.99e-05, 1.5e-05, 1e-05, -2.5e-06, 1e-07, 5e-324, 0.0001, 0.00011, 1e15, 1e16, 1.5e300,
     123456789.123, -0.0, float("nan"), float("inf"), -float("inf"), 2**63, 2**64, -(2**64)],
)  # fmt: skip
def test_numbers_where_the_writers_part_are_written_alike(number):
    """Python writes 1e-05 where orjson writes 0.00001, NaN where orjson writes null, and
    orjson refuses integers beyond 64 bits: each is caught and written the standard way."""
    value = {"quantity": number, "list": [number, "0.0000 e- null as text"]}
    assert canonical(value) == canonical_json(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e-3, max_value=1e-3) | st.floats(min_value=1e14, max_value=1e18))
def test_floats_around_where_the_writers_part(number):
    assert canonical([number]) == canonical_json([number])


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
        st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1),
        st.dictionaries(st.integers() | st.text(max_size=2), st.integers(), max_size=3),
    )
)
def test_what_the_standard_library_refuses_is_refused_alike(value):
    """Lone surrogates cannot be UTF-8; keys of mixed types cannot be sorted."""
    assert outcome(canonical, {"v": value}) == outcome(canonical_json, {"v": value})


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_instants_are_written_as_before(moment, minutes):
    moment = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    assert _instant(moment) == (utc_iso(moment), _sqlite_time(moment))
    assert _instant(moment.astimezone(UTC))[0].endswith("Z")
