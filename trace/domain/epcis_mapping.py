"""Our event log as EPCIS 2.0 events. PURE.

One event of the log becomes one EPCIS event (a correction becomes the corrected event plus an
error declaration on the original); a captured EPCIS event is kept as it was sent and given back
as it was. Everything here works on plain values the services gather (`epcis_lookup.Lookup`),
names things as `epcis_ids.Names` says, and writes our own fields as `epcis_extensions` says.

References: EPCIS 2.0 (GS1, June 2022) §7.4 event types, §7.4.1.2 error declaration; CBV 2.0
§7.2 bizStep, §7.3 disposition, §7.4 business transaction types, §7.5 source/destination types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .epcis_context import Sent
from .epcis_extensions import extensions, t
from .epcis_ids import Names
from .epcis_lookup import Lookup, LotInfo


def local_iso(moment: datetime, offset: str) -> str:
    """An instant written in the offset it happened in, with milliseconds (EPCIS eventTime)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = offset[1:].split(":")
    zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def utc_z(moment: datetime) -> str:
    """`2026-06-10T07:00:00.000Z` (EPCIS recordTime, declarationTime)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _quantities(
    items: Iterable[Mapping[str, Any]], look: Lookup, names: Names
) -> list[dict[str, Any]]:
    out = []
    for item in items:
        lot = look.lots.get(item["lot"]) or LotInfo(item["lot"], item.get("gtin"))
        element = {"epcClass": names.lot(lot.code, item.get("gtin") or lot.gtin)}
        if item.get("quantity") is not None:
            element["quantity"] = item["quantity"]
            if item.get("uom"):
                element["uom"] = item["uom"]
        out.append(element)
    return out


def _place_list(
    items: Iterable[Mapping[str, Any]], look: Lookup, names: Names, key: str
) -> list[dict[str, Any]]:
    out = []
    for item in items:
        place = look.place(item.get("location_id"))
        if item["type"] == "location":
            uri = names.location(place, item.get("location_id"))
        else:
            uri = names.party(place, item.get("location_id"))
        if uri:
            out.append({"type": item["type"], key: uri})
    return out


def _transactions(items: Iterable[Mapping[str, Any]], names: Names) -> list[dict[str, Any]]:
    return [
        {"type": item["type"], "bizTransaction": names.document(item["type"], item["id"])}
        for item in items
        if item.get("id")
    ]


def _base(record: Mapping[str, Any], epcis_type: str, action: str | None) -> dict[str, Any]:
    event = {
        "type": epcis_type,
        "eventID": record["event_id"],
        "eventTime": local_iso(record["event_time"], record["tz_offset"]),
        "eventTimeZoneOffset": record["tz_offset"],
        "recordTime": utc_z(record["record_time"]),
    }
    if action:
        event["action"] = action
    return event


def _where(event: dict[str, Any], record: Mapping[str, Any], look: Lookup, names: Names) -> None:
    for key, column in (("readPoint", "read_point_id"), ("bizLocation", "biz_location_id")):
        ident = record.get(column)
        if ident is not None:
            event[key] = {"id": names.location(look.place(ident), ident)}


def _pallets_of(data: Mapping[str, Any], look: Lookup) -> list[str]:
    if data.get("pallets"):
        return list(data["pallets"])
    shipment = look.shipment(data.get("shipment_id"))
    return list(shipment.pallets) if shipment else []


def map_event(
    record: Mapping[str, Any], look: Lookup, names: Names, data: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One of our events as an EPCIS 2.0 event (docs/epcis.md says which field goes where).

    Args:
        record: The event row's values (`event_id`, `type`, `epcis_type`, `action`, `biz_step`,
            `disposition`, `event_time` and `record_time` as aware datetimes, `tz_offset`,
            `read_point_id`, `biz_location_id`, `data`).
        look: Lots, places and shipments the event names.
        names: How to write identifiers.
        data: The data to map instead of the row's own (a corrected version of it).

    Returns:
        The event as a JSON-ready dict; the `trace:` fields are our extension.

    References:
        EPCIS 2.0 §7.4.2 ObjectEvent, §7.4.3 AggregationEvent, §7.4.6 TransformationEvent;
        CBV 2.0 §7.2 (bizStep), §7.3 (disposition), §7.4 (bizTransaction types), §7.5
        (source/destination types); EPCIS 2.0 §7.3.8 sensor data (cooling temperature).
    """
    data = dict(record["data"] if data is None else data)
    kind = record["type"]
    if kind == "captured":  # kept as it was sent; the repository sets recordTime
        event = dict(data["epcis"])
        if record["event_id"] != data.get("held_as"):  # held under its own eventID
            event["eventID"] = record["event_id"]  # its own, or a corrective event's
        event["recordTime"] = utc_z(record["record_time"])
        return Sent(event, data["context"]) if data.get("context") else event
    event = _base(record, record["epcis_type"], record.get("action"))
    if kind == "pack":
        event["inputQuantityList"] = _quantities(data.get("inputs", []), look, names)
        event["outputQuantityList"] = _quantities(data.get("outputs", []), look, names)
    elif kind == "palletise":
        event["parentID"] = names.pallet(data["parent"])
        event["childQuantityList"] = _quantities(data.get("children", []), look, names)
    elif kind in ("load", "ship", "cross", "arrive"):
        event["epcList"] = [names.pallet(sscc) for sscc in _pallets_of(data, look)]
    else:
        event["quantityList"] = _quantities(data.get("quantities", []), look, names)
    if record.get("biz_step"):
        event["bizStep"] = record["biz_step"]
    if record.get("disposition"):
        event["disposition"] = record["disposition"]
    if kind == "inspect" and data.get("result"):
        event["disposition"] = "conformant" if data["result"] == "pass" else "non_conformant"
    _where(event, record, look, names)
    transactions = _transactions(data.get("biz_transactions", []), names)
    if transactions:
        event["bizTransactionList"] = transactions
    sources = _place_list(data.get("sources", []), look, names, "source")
    if sources:
        event["sourceList"] = sources
    destinations = _place_list(data.get("destinations", []), look, names, "destination")
    if destinations:
        event["destinationList"] = destinations
    extensions(event, kind, data, record, look)
    return event


def corrected_data(
    kind: str, data: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """An event's data with a correction's changes applied (a changed quantity also changes
    the quantity list, which is what EPCIS carries)."""
    out = {**data, **changes}
    if "quantity" in changes and data.get("quantities"):
        first = {**data["quantities"][0], "quantity": changes["quantity"]}
        out["quantities"] = [first, *data["quantities"][1:]]
    if "harvested_on" in changes or "variety" in changes or "crew" in changes:
        ilmd = dict(data.get("ilmd", {}))
        for key in ("harvested_on", "variety", "crew"):
            if key in changes:
                ilmd[key] = changes[key]
        out["ilmd"] = ilmd
    return out


def corrective_event(
    original: Mapping[str, Any],
    correction: Mapping[str, Any],
    data: Mapping[str, Any],
    look: Lookup,
    names: Names,
) -> dict[str, Any]:
    """The corrective event of a correction: the original event as it should have been
    recorded (`data`: its data with every correction up to this one applied), under the
    correction's eventID and recordTime, at the original's eventTime, with the reason.

    References:
        EPCIS 2.0 §7.4.1.2 (an error declaration names the corrective events that replace
        an erroneous event).
    """
    as_recorded = {**original, "event_id": correction["event_id"]}
    as_recorded["record_time"] = correction["record_time"]
    event = map_event(as_recorded, look, names, data)
    event[t("corrects")] = original["event_id"]
    event[t("reason")] = correction["data"].get("reason")
    return event


def declare_error(
    event: dict[str, Any], declared_at: datetime, corrective_ids: list[str], reason: str
) -> dict[str, Any]:
    """`event` with an errorDeclaration: it was wrong (`incorrect_data`); what replaces it.

    References: EPCIS 2.0 §7.4.1.2; CBV 2.0 §7.9 (error reason identifiers).
    """
    declaration = {
        "declarationTime": utc_z(declared_at),
        "reason": "incorrect_data",
        "correctiveEventIDs": corrective_ids,
    }
    if reason:
        declaration[t("reason")] = reason
    return {**event, "errorDeclaration": declaration}
