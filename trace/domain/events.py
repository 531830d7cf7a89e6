"""Event kinds, their EPCIS 2.0 shapes, and the hash chain's canonical form.

References: EPCIS 2.0 §7.4 (event types), CBV 2.0 §7.2 (bizStep), §7.3 (disposition);
UN/ECE Recommendation 20 (units of measure).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Kind:
    """How one kind of critical tracking event is expressed in EPCIS 2.0."""

    epcis_type: str
    action: str | None
    biz_step: str | None
    disposition: str | None


KINDS: dict[str, Kind] = {
    "harvest": Kind("ObjectEvent", "ADD", "creating_class_instance", "active"),
    "receive": Kind("ObjectEvent", "OBSERVE", "receiving", "in_progress"),
    "cool": Kind("ObjectEvent", "OBSERVE", "storing", "in_progress"),
    "treat": Kind("ObjectEvent", "OBSERVE", "inspecting", "in_progress"),
    "inspect": Kind("ObjectEvent", "OBSERVE", "inspecting", None),  # conformant | non_conformant
    # Steps of some commodities only (trace.domain.commodities). CBV has no washing or sorting
    # step: `other`, the step named in trace:step.
    "wash": Kind("ObjectEvent", "OBSERVE", "other", "in_progress"),
    "grade": Kind("ObjectEvent", "OBSERVE", "other", "in_progress"),
    "store": Kind("ObjectEvent", "OBSERVE", "storing", "in_progress"),
    "pack": Kind("TransformationEvent", None, "creating_class_instance", "active"),
    "palletise": Kind("AggregationEvent", "ADD", "packing", "in_progress"),
    "load": Kind("ObjectEvent", "OBSERVE", "loading", "in_progress"),
    "ship": Kind("ObjectEvent", "OBSERVE", "shipping", "in_transit"),
    # A truck crossing a border gate: its pallets exit the country (CBV entering_exiting).
    "cross": Kind("ObjectEvent", "OBSERVE", "entering_exiting", "in_transit"),
    "arrive": Kind("ObjectEvent", "OBSERVE", "receiving", "in_progress"),
    "correct": Kind("ObjectEvent", "OBSERVE", None, None),  # carries an errorDeclaration
}

# UN/ECE Recommendation 20 codes for the units the API accepts.
UOM = {"kg": "KGM", "t": "TNE", "g": "GRM", "carton": "CT", "piece": "H87"}

# Fields of an event's data a correction may set, by kind. Quantities re-run mass balance.
CORRECTABLE: dict[str, frozenset[str]] = {
    "harvest": frozenset({"quantity", "variety", "harvested_on", "crew"}),
    "receive": frozenset({"quantity"}),
    "cool": frozenset({"temperature_c", "duration_h"}),
    "treat": frozenset({"method", "batch_no", "certificate_no", "parameters"}),
    "inspect": frozenset({"result", "notes"}),
    "wash": frozenset({"method"}),
    "grade": frozenset(),  # a wrong grading is graded again
    "store": frozenset({"temperature_c", "humidity_pct"}),
    "pack": frozenset(),
    "palletise": frozenset(),
    "load": frozenset(),
    "ship": frozenset(),
    "cross": frozenset(),
    "arrive": frozenset(),
    # An EPCIS event captured from a partner: kept as sent. A correction may only record why
    # it is doubted; the sender corrects it with an EPCIS error declaration.
    "captured": frozenset(),
}


def utc_iso(moment: datetime) -> str:
    """`2026-06-10T07:00:00.000000Z`: one spelling of an instant, whatever the database returns."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def offset_of(moment: datetime) -> str:
    """The `+07:00` form of an aware datetime's UTC offset (EPCIS eventTimeZoneOffset)."""
    delta = moment.utcoffset()
    if delta is None:
        raise ValueError("datetime without a time zone")
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def canonical_json(content: Any) -> bytes:
    """The canonical bytes of an event's content: JSON, sorted keys, no spaces, UTF-8, numbers
    as Python writes them. This is the definition; `canonical` writes the same bytes faster."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical(content: Any) -> bytes:
    """`canonical_json(content)`, byte for byte, written by orjson where orjson writes the same.

    orjson (sorted keys) writes strings, integers, true/false and floats as the standard
    library does, except: floats below 1e-4 (`0.00001` and `1e-9`, where Python writes `1e-05`
    and `1e-09`), NaN and ±Infinity (`null`, where Python writes `NaN`), integers beyond 64
    bits and keys that are not strings (it refuses). Output with `null`, `e-` or `0.0000` in
    it, and anything orjson refuses, is written again by `canonical_json`; so is everything
    else it might differ on (the test compares both on the official examples, on every stored
    event and on generated values).
    """
    try:
        out = orjson.dumps(content, option=_SORTED)
    except TypeError:  # orjson.JSONEncodeError is one
        return canonical_json(content)
    if b"null" in out or b"e-" in out or b"0.0000" in out:
        return canonical_json(content)
    return out


# Sorted keys. Subclasses of str, int, dict and list, datetimes and dataclasses, which orjson
# would write its own way, are refused and so left to `canonical_json`.
_SORTED = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def chain_hash(content: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over the previous event's hash and this event's canonical content."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(content)).hexdigest()
