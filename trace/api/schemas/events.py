"""Schemas of the events: harvests and the steps after them, packing, pallets, shipments,
corrections."""

from __future__ import annotations

import math
from datetime import timedelta, timezone

from marshmallow import ValidationError, fields, validate, validates_schema

from trace.domain.events import CORRECTABLE
from trace.domain.markets import CONVEYANCE_MODES, TREATMENTS, all_markets

from .common import (
    MARKET,
    Aware,
    Commodity,
    Day,
    GtinField,
    Id,
    In,
    LotCodeField,
    Out,
    ParameterValue,
    Plate,
    Quantity,
    SsccField,
    Text,
    Unit,
)


def Amount():
    """The fields of an amount of produce: its quantity (required) and the unit it is counted in,
    in this order where a schema lists them."""
    return Quantity(required=True), Unit()


class EventOut(Out):
    id = fields.Integer()
    event_id = fields.String()
    type = fields.String()
    epcis_type = fields.String()
    action = fields.String(allow_none=True)
    biz_step = fields.String(allow_none=True)
    disposition = fields.String(allow_none=True)
    event_time = fields.Method("local_time", metadata={"description": "in its own time zone"})
    tz_offset = fields.String()
    record_time = fields.DateTime()
    biz_location_id = fields.Integer(allow_none=True)
    data = fields.Dict()
    corrects_id = fields.Integer(allow_none=True)
    hash = fields.String()
    prev_hash = fields.String()

    def local_time(self, event) -> str:
        sign = 1 if event.tz_offset[0] == "+" else -1
        hours, minutes = event.tz_offset[1:].split(":")
        zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
        return event.event_time.astimezone(zone).isoformat()


class HarvestIn(In):
    orchard_id = Id(required=True)
    commodity = Commodity(required=True, metadata={"example": "lychee"})
    variety = Text(64, metadata={"example": "Thanh Hà"})
    quantity, unit = Amount()
    harvested_on = Day(required=True)
    harvested_at = Aware()
    crew = Text(200, metadata={"description": "crew or cooperative"})


class ReceiptIn(In):
    location_id = Id(required=True)
    received_at = Aware(required=True)
    quantity, unit = Amount()


class CoolingIn(In):
    location_id = Id(required=True)
    cooled_at = Aware(required=True)
    temperature_c = fields.Float(required=True, allow_nan=False, validate=validate.Range(-40, 60))
    duration_h = fields.Float(allow_nan=False, validate=validate.Range(0, 24 * 60))


class WashingIn(In):
    location_id = Id(required=True)
    washed_at = Aware(required=True)
    method = fields.String(
        load_default="water", validate=validate.OneOf(["water", "brush", "chlorinated_water"])
    )


class GradeIn(In):
    size_class = fields.String(required=True, validate=validate.Length(1, 8))
    quantity = Quantity(required=True)


class GradingIn(In):
    location_id = Id(required=True)
    graded_at = Aware(required=True)
    grades = fields.List(
        fields.Nested(GradeIn),
        required=True,
        validate=validate.Length(1, 10),
        metadata={
            "example": [{"size_class": "L", "quantity": 400}, {"size_class": "M", "quantity": 300}]
        },
    )
    culls = fields.Float(
        allow_nan=False,
        validate=validate.Range(0, 1e9),
        metadata={"description": "kg sorted out (broken, forked, cracked)"},
    )


class StorageIn(In):
    location_id = Id(required=True)
    stored_at = Aware(required=True)
    temperature_c = fields.Float(required=True, allow_nan=False, validate=validate.Range(-5, 15))
    humidity_pct = fields.Float(allow_nan=False, validate=validate.Range(0, 100))
    days = fields.Float(allow_nan=False, validate=validate.Range(0, 365))


class TreatmentIn(In):
    facility_id = Id(required=True)
    method = fields.String(required=True, validate=validate.OneOf(list(TREATMENTS)))
    batch_no = Text(64)
    certificate_no = Text(64)
    treated_at = Aware(required=True)
    parameters = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 64)),
        values=ParameterValue(),
        validate=validate.Length(max=50),
        metadata={"example": {"agent": "methyl bromide", "dose_g_m3": 32, "duration_h": 2}},
    )


class InspectionIn(In):
    location_id = Id()
    inspected_at = Aware(required=True)
    result = fields.String(required=True, validate=validate.OneOf(["pass", "fail"]))
    kind = Text(64, metadata={"example": "phytosanitary"})
    notes = Text(2000, metadata={"description": "internal; never shown on public pages"})


class LotOut(Out):
    code = fields.String()
    kind = fields.String()
    commodity = fields.String()
    variety = fields.String(allow_none=True)
    product = fields.Dict(allow_none=True)
    orchard = fields.Dict(allow_none=True)
    location = fields.Dict(allow_none=True)
    unit = fields.String()
    produced_on = fields.Date()
    quantities = fields.Dict(keys=fields.String(), values=fields.Float())
    cartons = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    on_hold = fields.Boolean()


class LotQuery(In):
    kind = fields.String(validate=validate.OneOf(["harvest", "packed"]))
    product_gtin = GtinField()
    orchard_id = Id()
    location_id = Id()
    on_hold = fields.Boolean()
    from_ = Day(data_key="from")
    to = Day()


class Input(In):
    lot = LotCodeField(required=True)
    quantity, unit = Amount()


class PackingIn(In):
    location_id = Id(required=True)
    product_gtin = GtinField(required=True)
    inputs = fields.List(fields.Nested(Input), required=True, validate=validate.Length(1, 100))
    cartons = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))
    packed_on = Day(required=True)
    packed_at = Aware()
    lot_code = LotCodeField(metadata={"description": "your own lot code; generated if absent"})


class PackingOut(Out):
    lot = fields.String()
    cartons = fields.Integer()
    net_weight_kg = fields.Float()
    product_gtin = fields.String(allow_none=True)
    event_id = fields.Integer()


class Content(In):
    lot = LotCodeField(required=True)
    cartons = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000))


class PalletIn(In):
    location_id = Id(required=True)
    contents = fields.List(fields.Nested(Content), required=True, validate=validate.Length(1, 100))
    palletised_at = Aware()


class PalletOut(Out):
    sscc = fields.String()
    location_id = Id()
    shipment_id = fields.Integer(allow_none=True)
    cartons = fields.Integer()
    contents = fields.List(fields.Dict())
    created_at = fields.DateTime()


class ShipmentIn(In):
    exporter_id = Id(required=True)
    consignee_id = Id(required=True)
    market = fields.String(required=True, validate=MARKET)
    container_no = fields.String(
        validate=validate.Regexp(r"^[A-Z]{4}\d{7}$", error="ISO 6346: 4 letters and 7 digits")
    )
    seal_no = Text(32)
    bill_of_lading = Text(64)
    phyto_certificate_no = Text(64)
    pallets = fields.List(SsccField(), required=True, validate=validate.Length(1, 200))
    loaded_at = Aware()
    conveyance = fields.String(
        load_default="sea",
        validate=validate.OneOf(CONVEYANCE_MODES),
        metadata={"description": "sea or air (a container), road (a truck through a border gate)"},
    )
    truck_plate = Plate(
        metadata={"description": "road: the truck's plate", "example": "34C-123.45"}
    )
    trailer_plate = Plate(
        metadata={"description": "road: the trailer's plate", "example": "34R-012.34"}
    )
    border_gate = fields.String(
        validate=validate.OneOf([g.code for m in all_markets() for g in m.gates]),
        metadata={"description": "road: the border gate it crosses at", "example": "huu_nghi"},
    )

    @validates_schema
    def _by_road(self, data, **_kwargs):
        road = data.get("conveyance") == "road"
        for name in ("truck_plate", "border_gate"):
            if road and not data.get(name):
                raise ValidationError("a shipment by road needs it", field_name=name)
        for name in ("truck_plate", "trailer_plate", "border_gate"):
            if not road and data.get(name):
                raise ValidationError("only a shipment by road has it", field_name=name)


class ShipmentOut(Out):
    id = fields.Integer()
    exporter_id = Id()
    consignee_id = Id()
    market = fields.String()
    container_no = fields.String(allow_none=True)
    seal_no = fields.String(allow_none=True)
    bill_of_lading = fields.String(allow_none=True)
    phyto_certificate_no = fields.String(allow_none=True)
    status = fields.String()
    departed_at = fields.DateTime(allow_none=True)
    arrived_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    conveyance = fields.String()
    truck_plate = fields.String(allow_none=True)
    trailer_plate = fields.String(allow_none=True)
    border_gate = fields.String(allow_none=True)
    crossed_at = fields.DateTime(allow_none=True)
    pallets = fields.List(fields.String())
    warnings = fields.List(fields.String())


class ShipmentQuery(In):
    market = fields.String(validate=MARKET)
    status = fields.String(validate=validate.OneOf(["loaded", "departed", "arrived"]))
    container_no = fields.String()
    phyto_certificate_no = fields.String()


class DepartureIn(In):
    departed_at = Aware(required=True)
    port_id = Id()


class CrossingIn(In):
    crossed_at = Aware(required=True, metadata={"description": "when the truck crossed the border"})


class ArrivalIn(In):
    arrived_at = Aware(required=True)
    condition = Text(500)


class CorrectionIn(In):
    reason = Text(500, required=True)
    changes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(sorted(set().union(*CORRECTABLE.values())))),
        load_default=dict,
        metadata={"description": "fields of the original event's data to set"},
    )

    @validates_schema
    def _finite(self, data, **_):
        for key, value in data.get("changes", {}).items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ValidationError({"changes": {key: ["must be a finite number"]}})
