"""Our own fields of an EPCIS event (the `trace:` namespace, docs/epcis.md), and the standard
places for what EPCIS has a field for (ILMD, sensor reports). PURE.

Our own fields are EPCIS extension fields under the `trace:` prefix (EPCIS 2.0 §9.1 user
extensions; the namespace IRI is configuration, declared in each document's `@context`); see
docs/epcis.md for each field.

References: EPCIS 2.0 §7.3.6 (ILMD), §7.3.8 (sensor data), §9.1 (user extensions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .epcis_lookup import Lookup, Place

PREFIX = "trace"


def t(name: str) -> str:
    """An extension field's name: `t("market") == "trace:market"`."""
    return f"{PREFIX}:{name}"


def _codes(place: Place | None, *schemes: str) -> list[dict[str, Any]]:
    if place is None:
        return []
    return [
        {t("scheme"): c["scheme"], t("code"): c["value"], t("market"): c["market"]}
        | ({t("status"): c["status"]} if c.get("status") != "active" else {})
        for c in place.codes
        if c["scheme"] in schemes
    ]


def extensions(
    event: dict[str, Any],
    kind: str,
    data: Mapping[str, Any],
    record: Mapping[str, Any],
    look: Lookup,
) -> None:
    """Our own fields (the `trace:` namespace, docs/epcis.md) and the standard places for
    what EPCIS has a field for (ILMD, sensor reports)."""
    write = _BY_KIND.get(kind)
    if write is not None:
        write(event, kind, data, look.place(record.get("biz_location_id")), look)


def _harvest(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
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


def _cool(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
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


def _treat(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
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


def _inspect(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
    event.update(_clean({t("result"): data.get("result"), t("inspectionKind"): data.get("kind")}))


def _pack(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
    event["ilmd"] = _clean(
        {
            t("packDate"): data.get("packed_on"),
            t("netWeightKg"): data.get("net_weight_kg"),
            t("packingHouseCodes"): _codes(place, "PHC", "GACC") or None,
        }
    )


def _consignment(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
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


def _commodity_step(
    event: dict[str, Any], kind: str, data: Mapping[str, Any], place: Place | None, look: Lookup
) -> None:
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


# CBV has no step for washing or grading (the event's bizStep is `other`): trace:step names it.
_STEP_NAMES = {"wash": "washing", "grade": "grading", "store": "cold_storage"}

# What each kind of event writes (a kind not here has no fields of its own).
_BY_KIND: dict[
    str, Callable[[dict[str, Any], str, Mapping[str, Any], Place | None, Lookup], None]
] = {
    "harvest": _harvest,
    "cool": _cool,
    "treat": _treat,
    "inspect": _inspect,
    "pack": _pack,
    **dict.fromkeys(("wash", "grade", "store"), _commodity_step),
    **dict.fromkeys(("load", "ship", "cross", "arrive"), _consignment),
}


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
