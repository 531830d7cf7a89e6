"""What an EPCIS event names, and whether it answers a SimpleEventQuery. PURE.

References: EPCIS 2.0 §8.2.7.1 (query parameters), §8.2.7.1.1 (matching EPCs and classes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .epcis_ids import canonical_id, cbv_short, id_matches

_EPC_FIELDS = ("epcList", "childEPCs")
_ANY_EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_CLASS_FIELDS = ("quantityList", "childQuantityList")
_ANY_CLASS_FIELDS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def epcs(
    event: Mapping[str, Any], fields: Iterable[str] = _ANY_EPC_FIELDS, parent: bool = True
) -> list[str]:
    """The EPCs an event names (canonical), in the fields given (and its parentID)."""
    out = [canonical_id(epc) for name in fields for epc in event.get(name) or []]
    if parent and event.get("parentID"):
        out.append(canonical_id(event["parentID"]))
    return out


def classes(event: Mapping[str, Any], fields: Iterable[str] = _ANY_CLASS_FIELDS) -> list[str]:
    """The EPC classes in an event's quantity lists (canonical)."""
    return [
        canonical_id(item["epcClass"])
        for name in fields
        for item in event.get(name) or []
        if isinstance(item, Mapping) and item.get("epcClass")
    ]


def places(event: Mapping[str, Any]) -> list[str]:
    """The readPoint and bizLocation ids of an event (canonical)."""
    return [
        canonical_id(event[key]["id"])
        for key in ("readPoint", "bizLocation")
        if isinstance(event.get(key), Mapping) and event[key].get("id")
    ]


# Where an event names things: 0 a list of EPCs, 1 a quantity list, 2 one EPC, 3 a place.
_NAMING = {
    **dict.fromkeys(_ANY_EPC_FIELDS, 0),
    **dict.fromkeys(_ANY_CLASS_FIELDS, 1),
    "parentID": 2,
    "readPoint": 3,
    "bizLocation": 3,
}


def identifiers(event: Mapping[str, Any]) -> set[str]:
    """Everything an event names that a query may look for: EPCs, parent, classes, places
    (canonical). One pass over the fields it has: capture calls it for every event it stores."""
    out: set[str] = set()
    for key in _NAMING.keys() & event.keys():
        value, shape = event[key], _NAMING[key]
        if shape == 0 and isinstance(value, list):
            out.update(canonical_id(epc) for epc in value if isinstance(epc, str))
        elif shape == 1 and isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and isinstance(item.get("epcClass"), str):
                    out.add(canonical_id(item["epcClass"]))
        elif shape == 2 and isinstance(value, str):
            out.add(canonical_id(value))
        elif shape == 3 and isinstance(value, dict) and isinstance(value.get("id"), str):
            out.add(canonical_id(value["id"]))
    return out


@dataclass(frozen=True)
class Query:
    """The SimpleEventQuery parameters trace answers (EPCIS 2.0 §8.2.7.1). Identifiers are
    canonical (`canonical_id`); bizSteps bare CBV words where standard."""

    event_types: tuple[str, ...] = ()
    ge_event_time: datetime | None = None
    lt_event_time: datetime | None = None
    # When the repository recorded an event: decided on the log's rows by the service (an event
    # answers when it or one of its corrections was recorded in the range), not by `matches`.
    ge_record_time: datetime | None = None
    lt_record_time: datetime | None = None
    actions: tuple[str, ...] = ()
    biz_steps: tuple[str, ...] = ()
    dispositions: tuple[str, ...] = ()
    biz_locations: tuple[str, ...] = ()
    match_epc: tuple[str, ...] = ()
    match_any_epc: tuple[str, ...] = ()
    match_epc_class: tuple[str, ...] = ()
    match_any_epc_class: tuple[str, ...] = ()

    @classmethod
    def build(cls, **params: Iterable[str] | datetime | None) -> Query:
        ids = (
            "biz_locations",
            "match_epc",
            "match_any_epc",
            "match_epc_class",
            "match_any_epc_class",
        )
        values: dict[str, Any] = {}
        for key, value in params.items():
            if value is None:
                continue
            if isinstance(value, datetime):
                values[key] = value
            elif key in ids:
                values[key] = tuple(canonical_id(v) for v in value)
            elif key == "biz_steps":
                values[key] = tuple(cbv_short(v) for v in value)
            elif key == "dispositions":
                values[key] = tuple(cbv_short(v, "disposition") for v in value)
            else:
                values[key] = tuple(value)
        return cls(**values)


def _any(patterns: tuple[str, ...], values: list[str]) -> bool:
    return any(id_matches(p, v) for p in patterns for v in values)


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time with its offset (`Z` or `±hh:mm`), as an aware datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone offset")
    return moment


def matches(event: Mapping[str, Any], query: Query) -> bool:
    """Whether an EPCIS event answers `query`: every parameter given must hold.

    GE_/LT_recordTime are not decided here: the service narrows by the rows' record times (an
    event and the corrections recorded after it travel together).

    References:
        EPCIS 2.0 §8.2.7.1 (eventType, GE_/LT_eventTime, EQ_action, EQ_bizStep,
        EQ_disposition, EQ_bizLocation, MATCH_epc, MATCH_anyEPC, MATCH_epcClass,
        MATCH_anyEPCClass).
    """
    if query.event_types and event.get("type") not in query.event_types:
        return False
    if query.actions and event.get("action") not in query.actions:
        return False
    if query.dispositions and (
        cbv_short(event.get("disposition"), "disposition") not in query.dispositions
    ):
        return False
    if query.ge_event_time or query.lt_event_time:
        when = parse_time(event["eventTime"])
        if query.ge_event_time and when < query.ge_event_time:
            return False
        if query.lt_event_time and when >= query.lt_event_time:
            return False
    if query.biz_steps and cbv_short(event.get("bizStep")) not in query.biz_steps:
        return False
    if query.biz_locations:
        where = event.get("bizLocation") or {}
        if canonical_id(where.get("id", "")) not in query.biz_locations:
            return False
    if query.match_epc and not _any(query.match_epc, epcs(event, _EPC_FIELDS, parent=False)):
        return False
    if query.match_any_epc and not _any(query.match_any_epc, epcs(event)):
        return False
    if query.match_epc_class and not _any(query.match_epc_class, classes(event, _CLASS_FIELDS)):
        return False
    return not (query.match_any_epc_class and not _any(query.match_any_epc_class, classes(event)))
