"""Our event log in EPCIS 2.0 and back: identifiers, events, documents, queries. PURE.

One event of the log becomes one EPCIS event (a correction becomes the corrected event plus an
error declaration on the original); a captured EPCIS event is kept as it was sent and given back
as it was. Everything here works on plain values the services gather (`Lookup`), so it can be
read and tested without a database.

Identifiers (EPCIS 2.0 §6.4 and §7.3.2 allow any URI; GS1 keys as GS1 Digital Link URIs on the
canonical resolver `https://id.gs1.org`, GS1 Digital Link Standard §4):

- a lot with a GTIN: `https://id.gs1.org/01/{gtin}/10/{lot}` (an EPC class, in quantity lists);
- a lot without a GTIN (harvest lots, small growers): `{base}/id/lot/{code}`;
- a pallet: `https://id.gs1.org/00/{sscc}` (parentID of the palletising, epcList of shipping);
- a place with a GLN: `https://id.gs1.org/414/{gln}`; as a party (owning/possessing party of
  source and destination lists): `https://id.gs1.org/417/{gln}`; without a GLN:
  `{base}/id/location/{id}`;
- a business document (bill of lading, certificate): `{base}/id/doc/{type}/{number}`.

Our own fields are EPCIS extension fields under the `trace:` prefix (EPCIS 2.0 §9.1 user
extensions; the namespace IRI is configuration, declared in each document's `@context`); see
docs/epcis.md for each field.

References: EPCIS 2.0 (GS1, June 2022) §7.4 event types, §7.4.1.2 error declaration, §8.2.7.1
query parameters; CBV 2.0 §7.2 bizStep, §7.3 disposition, §7.4 business transaction types,
§7.5 source/destination types; GS1 Digital Link Standard §4; EPC Tag Data Standard 2.0 §6
(EPC URNs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from trace.gs1.epc import GS1_RESOLVER, digital_link_of, requote

from .epcis_context import EPCIS_CONTEXT, Sent, answer_context

SCHEMA_VERSION = "2.0"
PREFIX = "trace"
GS1 = GS1_RESOLVER

# CBV 2.0 §7.2/§7.3: the three spellings of a standard value (bare word, URN, Web URI).
_CBV_FORMS = {
    "bizStep": ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
    "disposition": ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
}


def t(name: str) -> str:
    """An extension field's name: `t("market") == "trace:market"`."""
    return f"{PREFIX}:{name}"


# --- identifiers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """How trace names things in EPCIS: GS1 Digital Link URIs, or URIs of our own under
    `base_url` (TRACE_PUBLIC_BASE_URL) for what has no GS1 key.

    References:
        EPCIS 2.0 §6.4 (identifiers are URIs); GS1 Digital Link Standard §4.
    """

    base_url: str

    def lot(self, code: str, gtin: str | None) -> str:
        if gtin:
            return f"{GS1}/01/{gtin}/10/{quote(code, safe='')}"
        return f"{self.base_url}/id/lot/{quote(code, safe='')}"

    def pallet(self, sscc: str) -> str:
        return f"{GS1}/00/{sscc}"

    def location(self, place: Place | None, ident: int | None = None) -> str | None:
        if place is None:
            return None if ident is None else f"{self.base_url}/id/location/{ident}"
        if place.gln:
            return f"{GS1}/414/{place.gln}"
        return f"{self.base_url}/id/location/{place.id}"

    def party(self, place: Place | None, ident: int | None = None) -> str | None:
        """A party (owning or possessing): its party GLN (AI 417) when it has one."""
        if place is not None and place.gln:
            return f"{GS1}/417/{place.gln}"
        return self.location(place, ident)

    def document(self, kind: str, number: str) -> str:
        return f"{self.base_url}/id/doc/{quote(kind, safe='')}/{quote(number, safe='')}"

    def own(self, uri: str) -> tuple[str, str] | None:
        """`("lot", code)` or `("location", id)` for one of our own URIs, else None."""
        prefix = f"{self.base_url}/id/"
        if not uri.startswith(prefix):
            return None
        kind, _, rest = uri[len(prefix) :].partition("/")
        if kind in ("lot", "location") and rest and "/" not in rest:
            return kind, unquote(rest)
        return None


_GTIN_LENGTHS = (8, 12, 13, 14)
_DL_KEY = re.compile(r"/(01|00|414|417)/([0-9]+)((?:/[0-9]{2,4}/[^/?#]+)*)/?$")
# Already canonical: GS1's resolver, 14-digit GTIN, values of unreserved characters only.
_CANONICAL = re.compile(
    r"https://id\.gs1\.org/(?:01/\d{14}(?:/(?:10|21)/[A-Za-z0-9_.~-]+){0,2}|00/\d{18}|41[47]/\d{13})"
)


@lru_cache(maxsize=65536)  # documents name the same lots and places again and again
def canonical_id(uri: str) -> str:
    """One spelling per GS1 key: the Digital Link on `https://id.gs1.org`, from any resolver's
    Digital Link or from an EPC URN (read by `trace.gs1.epc`: `urn:epc:id:sgtin:…`, `urn:epc:class:lgtin:…`,
    `urn:epc:id:sscc:…`, `urn:epc:id:sgln:…`, `urn:epc:id:pgln:…`); a pattern
    (`urn:epc:idpat:sgtin:CP.IR.*`) becomes the Digital Link of what it ranges over, ending in
    `/*`. Anything else comes back as it was.

    References:
        EPC Tag Data Standard 2.0 §6 (EPC URIs, pattern URIs) and §7 (GS1 key ↔ EPC);
        GS1 Digital Link Standard §4.
    """
    if not isinstance(uri, str) or _CANONICAL.fullmatch(uri):
        return uri
    if uri.startswith("urn:epc:"):
        return digital_link_of(uri, GS1) or uri
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        return uri
    match = _DL_KEY.search(parts.path)
    if not match:
        return uri
    key, value, rest = match.groups()
    if key == "01" and len(value) in _GTIN_LENGTHS:
        value = value.zfill(14)
    elif not (key == "00" and len(value) == 18) and not (
        key in ("414", "417") and len(value) == 13
    ):
        return uri
    segments = rest.split("/")[1:]
    pairs = "".join(
        f"/{segments[i]}/{requote(segments[i + 1])}" for i in range(0, len(segments) - 1, 2)
    )
    return f"{GS1}/{key}/{value}{pairs}"


def id_matches(pattern: str, value: str) -> bool:
    """EPCIS MATCH_ semantics on canonical identifiers: equal, or `pattern` ends in `/*` (an
    EPC pattern) or names only a GTIN (`…/01/{gtin}`), and `value` is inside it.

    References:
        EPCIS 2.0 §8.2.7.1.1 (matching EPCs and EPC classes against patterns).
    """
    if pattern == value:
        return True
    if pattern.endswith("/*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith(f"{GS1}/01/") and pattern.count("/") == 4:
        return value.startswith(pattern + "/")
    return False


def cbv_short(value: str | None, kind: str = "bizStep") -> str | None:
    """The bare CBV word of a standard bizStep or disposition in any of its spellings
    (`urn:epcglobal:cbv:bizstep:receiving`, `https://ref.gs1.org/cbv/BizStep-receiving`,
    `receiving`); a value of someone's own vocabulary comes back as it was.

    References: CBV 2.0 §6.2 (URN and Web URI forms), §7.2, §7.3.
    """
    if not value:
        return value
    for form in _CBV_FORMS[kind]:
        if value.startswith(form):
            return value[len(form) :]
    return value


# CBV 2.0 §7.3: the standard dispositions (what a bare word may be; anything else is a URI).
CBV_DISPOSITIONS = frozenset(
    {
        "active", "available", "completeness_inferred", "completeness_verified", "conformant",
        "container_closed", "container_open", "damaged", "destroyed", "dispensed", "disposed",
        "encoded", "expired", "in_progress", "in_transit", "inactive", "mismatch_class",
        "mismatch_instance", "mismatch_quantity", "needs_replacement", "no_pedigree_match",
        "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
        "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
        "unavailable", "unknown",
    }
)  # fmt: skip

# EPCIS 2.0 §7.4.2: what an ObjectEvent, AggregationEvent, AssociationEvent or TransactionEvent
# did to the things it names.
ACTIONS = ("ADD", "OBSERVE", "DELETE")


def cbv_forms(value: str, kind: str = "bizStep") -> list[str]:
    """Every spelling of a CBV value (for a database IN clause)."""
    short = cbv_short(value, kind) or value
    if short != value or ":" not in value:
        return [short, *(f"{form}{short}" for form in _CBV_FORMS[kind])]
    return [value]


# --- plain values the services gather -----------------------------------------------------------


@dataclass(frozen=True)
class LotInfo:
    code: str
    gtin: str | None
    kind: str = "harvest"


@dataclass(frozen=True)
class Place:
    id: int
    kind: str
    name: str
    gln: str | None = None
    address: Mapping[str, Any] = field(default_factory=dict)
    codes: tuple[Mapping[str, Any], ...] = ()  # ({"scheme", "value", "market", "status"}, …)
    phone: str | None = None


@dataclass(frozen=True)
class ShipInfo:
    id: int
    pallets: tuple[str, ...]
    market: str
    exporter_id: int
    consignee_id: int
    container_no: str | None = None
    seal_no: str | None = None
    bill_of_lading: str | None = None
    phyto_certificate_no: str | None = None


@dataclass
class Lookup:
    """What the mapping needs to know beyond the event row, gathered by the service."""

    lots: dict[str, LotInfo] = field(default_factory=dict)
    places: dict[int, Place] = field(default_factory=dict)
    shipments: dict[int, ShipInfo] = field(default_factory=dict)

    def place(self, ident: int | None) -> Place | None:
        return None if ident is None else self.places.get(ident)

    def shipment(self, ident: int | None) -> ShipInfo | None:
        return None if ident is None else self.shipments.get(ident)


# Business transaction types (CBV 2.0 §7.4) of what the log stores as `biz_transactions`.
DOCUMENT_NAMES = {
    "bol": "Bill of lading",
    "cert": "Certificate",
    "desadv": "Despatch advice",
    "inv": "Invoice",
    "po": "Purchase order",
    "prodorder": "Production order",
    "recadv": "Receiving advice",
}


# --- our events → EPCIS -------------------------------------------------------------------------


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


def _codes(place: Place | None, *schemes: str) -> list[dict[str, Any]]:
    if place is None:
        return []
    return [
        {t("scheme"): c["scheme"], t("code"): c["value"], t("market"): c["market"]}
        | ({t("status"): c["status"]} if c.get("status") != "active" else {})
        for c in place.codes
        if c["scheme"] in schemes
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
    _extensions(event, kind, data, record, look)
    return event


def _extensions(
    event: dict[str, Any],
    kind: str,
    data: Mapping[str, Any],
    record: Mapping[str, Any],
    look: Lookup,
) -> None:
    """Our own fields (the `trace:` namespace, docs/epcis.md) and the standard places for
    what EPCIS has a field for (ILMD, sensor reports)."""
    place = look.place(record.get("biz_location_id"))
    if kind == "harvest":
        ilmd = data.get("ilmd", {})
        event["ilmd"] = _clean(
            {
                t("commodity"): ilmd.get("commodity"),
                t("variety"): ilmd.get("variety"),
                t("harvestDate"): ilmd.get("harvested_on"),
                t("crew"): ilmd.get("crew"),
                t("growingAreaCodes"): _codes(place, "PUC", "GACC") or None,
            }
        )
    elif kind == "cool":
        if data.get("temperature_c") is not None:
            event["sensorElementList"] = [
                {
                    "sensorReport": [
                        {"type": "Temperature", "value": data["temperature_c"], "uom": "CEL"}
                    ]
                }
            ]
        if data.get("duration_h") is not None:
            event[t("durationHours")] = data["duration_h"]
    elif kind in ("wash", "grade", "store"):
        _commodity_step(event, kind, data)
    elif kind == "treat":
        event[t("treatment")] = _clean(
            {
                t("method"): data.get("method"),
                t("batchNumber"): data.get("batch_no"),
                t("certificateNumber"): data.get("certificate_no"),
                t("parameters"): [
                    {t("name"): key, t("value"): value}
                    for key, value in sorted((data.get("parameters") or {}).items())
                ]
                or None,
                t("facilityCodes"): _codes(place, "TFC") or None,
            }
        )
    elif kind == "inspect":
        event.update(
            _clean({t("result"): data.get("result"), t("inspectionKind"): data.get("kind")})
        )
    elif kind == "pack":
        event["ilmd"] = _clean(
            {
                t("packDate"): data.get("packed_on"),
                t("netWeightKg"): data.get("net_weight_kg"),
                t("packingHouseCodes"): _codes(place, "PHC", "GACC") or None,
            }
        )
    elif kind in ("load", "ship", "cross", "arrive"):
        shipment = look.shipment(data.get("shipment_id"))
        event.update(
            _clean(
                {
                    t("shipment"): data.get("shipment_id"),
                    t("market"): data.get("market") or (shipment.market if shipment else None),
                    t("containerNumber"): data.get("container_no"),
                    t("sealNumber"): data.get("seal_no"),
                    t("conveyance"): data.get("conveyance"),
                    t("truckPlate"): data.get("truck_plate"),
                    t("trailerPlate"): data.get("trailer_plate"),
                    t("borderGate"): data.get("border_gate"),
                    t("condition"): data.get("condition"),
                }
            )
        )


# CBV has no step for washing or grading (the event's bizStep is `other`): trace:step names it.
_STEP_NAMES = {"wash": "washing", "grade": "grading", "store": "cold_storage"}


def _commodity_step(event: dict[str, Any], kind: str, data: Mapping[str, Any]) -> None:
    """Washing, grading by size class and cold storage (trace.domain.commodities)."""
    event[t("step")] = _STEP_NAMES[kind]
    if kind == "wash":
        event[t("washMethod")] = data.get("method")
    elif kind == "grade":
        event[t("grades")] = [
            {t("sizeClass"): g["size_class"], t("quantityKg"): g["quantity"]}
            for g in data.get("grades", [])
        ]
        if data.get("culls") is not None:
            event[t("cullsKg")] = data["culls"]
    else:
        report = [{"type": "Temperature", "value": data["temperature_c"], "uom": "CEL"}]
        if data.get("humidity_pct") is not None:
            report.append({"type": "RelativeHumidity", "value": data["humidity_pct"], "uom": "P1"})
        event["sensorElementList"] = [{"sensorReport": report}]
        if data.get("days") is not None:
            event[t("storageDays")] = data["days"]


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


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


def context(namespace: str) -> list[Any]:
    """The `@context` of our documents: EPCIS 2.0's, plus our extension prefix (and the
    namespaces captured events bring: `epcis_context.answer_context`)."""
    return [EPCIS_CONTEXT, {PREFIX: namespace}]


def epcis_document(
    events: list[dict[str, Any]], namespace: str, created: datetime, document_id: str | None = None
) -> dict[str, Any]:
    """An EPCISDocument holding `events` (EPCIS 2.0 §9.2 JSON binding), declaring every
    namespace they use."""
    declared, events = answer_context(events, {PREFIX: namespace})
    document: dict[str, Any] = {"@context": declared, "type": "EPCISDocument"}
    if document_id:
        document["id"] = document_id
    document.update(
        {
            "schemaVersion": SCHEMA_VERSION,
            "creationDate": utc_z(created),
            "epcisBody": {"eventList": events},
        }
    )
    return document


def query_document(
    events: list[dict[str, Any]], namespace: str, created: datetime
) -> dict[str, Any]:
    """An EPCISQueryDocument answering a SimpleEventQuery (EPCIS 2.0 §8.2.7, REST binding),
    declaring every namespace its events use."""
    declared, events = answer_context(events, {PREFIX: namespace})
    return {
        "@context": declared,
        "type": "EPCISQueryDocument",
        "schemaVersion": SCHEMA_VERSION,
        "creationDate": utc_z(created),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}}
        },
    }


# --- what an EPCIS event names ------------------------------------------------------------------

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


# --- queries -----------------------------------------------------------------------------------


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


# --- capture -----------------------------------------------------------------------------------


class CaptureError(ValueError):
    """One event of a captured document cannot be kept: `index` in the eventList, `reason`."""

    def __init__(self, index: int, reason: str):
        super().__init__(f"event {index}: {reason}")
        self.index = index
        self.reason = reason


class Captured(NamedTuple):
    """A captured event, read: the columns of its row and the event as it will be kept (a
    named tuple: one is made for every event of a document)."""

    event_id: str | None
    epcis_type: str
    action: str | None
    biz_step: str | None
    disposition: str | None
    event_time: datetime
    tz_offset: str
    event: dict[str, Any]


_LIMITS = {"eventID": 255, "type": 64, "bizStep": 255, "disposition": 255}


def read_captured(event: Mapping[str, Any], index: int) -> Captured:
    """Read one event of a schema-valid EPCISDocument for storage; what the schema leaves
    open (date-times that parse, column sizes) is checked here.

    The stored event is the event as sent, without `recordTime` (EPCIS 2.0 §7.4.1: the
    repository sets it) and without a document-level `@context` repeated per event.

    Raises:
        CaptureError: naming `index` and what is wrong.
    """
    for key, limit in _LIMITS.items():
        value = event.get(key)
        if value is not None and len(value) > limit:
            raise CaptureError(index, f"{key} is {len(value)} characters long; at most {limit}")
    try:
        moment = parse_time(event["eventTime"])
    except (ValueError, TypeError) as error:
        raise CaptureError(index, f"eventTime {event.get('eventTime')!r}: {error}") from None
    declaration = event.get("errorDeclaration")
    if declaration:
        try:
            parse_time(declaration["declarationTime"])
        except (ValueError, TypeError) as error:
            raise CaptureError(
                index, f"errorDeclaration.declarationTime is not a date-time: {error}"
            ) from None
    kept = dict(event)
    kept.pop("recordTime", None)
    return Captured(
        event_id=event.get("eventID"),
        epcis_type=event["type"],
        action=event.get("action"),
        biz_step=event.get("bizStep"),
        disposition=event.get("disposition"),
        event_time=moment.astimezone(UTC),
        tz_offset=event["eventTimeZoneOffset"],
        event=kept,
    )


def declaration_of(kept: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any] | None:
    """The errorDeclaration that `sent` adds to the event `kept`, if `sent` is `kept` re-sent as
    it was (recordTime aside) plus an errorDeclaration; else None.

    This is how EPCIS declares an event erroneous: the same event, same eventID, captured again
    with an errorDeclaration (its declarationTime, a reason, the corrective events' IDs).

    References: EPCIS 2.0 §7.4.1.2 (error declaration); CBV 2.0 §7.9 (error reasons).
    """
    declaration = sent.get("errorDeclaration")
    if not isinstance(declaration, Mapping) or "errorDeclaration" in kept:
        return None
    rest = {key: value for key, value in sent.items() if key != "errorDeclaration"}
    return dict(declaration) if same_event(kept, rest) else None


def same_event(kept: Mapping[str, Any], sent: Mapping[str, Any]) -> bool:
    """Whether a re-sent event is the one already kept (recordTime aside)."""
    return {k: v for k, v in kept.items() if k != "recordTime"} == {
        k: v for k, v in sent.items() if k != "recordTime"
    }
