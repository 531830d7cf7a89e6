"""Request and response schemas: validation at the edge, and the OpenAPI document."""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime, timedelta, timezone

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from trace.domain.commodities import COMMODITIES
from trace.domain.events import CORRECTABLE
from trace.domain.markets import (
    CONVEYANCE_MODES,
    LOCATION_KINDS,
    PLATE_PATTERN,
    TREATMENTS,
    all_markets,
)
from trace.gs1 import Gln, GS1Error, Gtin, Sscc, validate_lot

MARKET = validate.Regexp(
    r"^[A-Z]{2}$", error="a market is a two-letter code such as JP, US, AU, EU"
)


class _GS1Field(fields.String):
    parser = None

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return str(self.parser(text))
        except GS1Error as error:
            raise ValidationError(str(error)) from None


class GtinField(_GS1Field):
    """A GTIN-8/12/13/14 with a valid check digit; answered as 14 digits."""

    parser = staticmethod(Gtin.parse)


class GlnField(_GS1Field):
    """A 13-digit GLN with a valid check digit."""

    parser = staticmethod(Gln.parse)


class SsccField(_GS1Field):
    """An 18-digit SSCC with a valid check digit."""

    parser = staticmethod(Sscc.parse)


class LotCodeField(fields.String):
    """A lot code: 1–20 characters of GS1 character set 82 (AI 10)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_lot(text)
        except GS1Error as error:
            raise ValidationError(str(error)) from None


def Quantity(**kwargs):
    """A finite number greater than 0."""
    return fields.Float(
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, max=1e9),
        metadata={"example": 1000},
        **kwargs,
    )


class Aware(fields.AwareDateTime):
    """An ISO 8601 date-time with its time zone (`2026-06-10T14:00:00+07:00`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment: datetime = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= moment.year <= 2100:
            raise ValidationError("a date-time between the years 2000 and 2100")
        return moment


def Day(**kwargs):
    return fields.Date(
        validate=validate.Range(
            min=datetime(2000, 1, 1).date(),
            max=datetime(2100, 1, 1).date(),
            error="a date between 2000-01-01 and 2100-01-01",
        ),
        **kwargs,
    )


def Id(**kwargs):
    """The id of a record (a positive 32-bit integer)."""
    return fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1), **kwargs)


def Commodity(**kwargs):
    """What is grown, one of trace.domain.commodities (`lychee`, `dragon fruit`, `carrot`)."""
    return fields.String(
        validate=validate.OneOf(sorted(COMMODITIES), error="a commodity trace knows: {choices}"),
        **kwargs,
    )


def Text(maximum: int, **kwargs):
    return fields.String(validate=validate.Length(min=1, max=maximum), **kwargs)


def Plate(**kwargs):
    """A vehicle's plate as painted: Vietnamese (`34C-123.45`, a trailer `34R-012.34`) or
    Chinese (`桂F12345`)."""
    return fields.String(
        validate=validate.Regexp(
            PLATE_PATTERN,
            error="a plate as painted, e.g. 34C-123.45 (a trailer 34R-012.34) or 桂F12345",
        ),
        **kwargs,
    )


def unreadable_text(value, path: str = "") -> tuple[str, str] | None:
    """The first string in `value` (a parsed JSON body) that no record should hold: a lone
    surrogate (not Unicode at all: no database can store it) or a control character other than
    tab and line breaks (invisible, and it breaks CSV, labels and logs). Returns (path, why)."""
    if isinstance(value, str):
        for char in value:
            kind = unicodedata.category(char)
            if kind == "Cs":
                return path, "is not valid Unicode (a lone surrogate)"
            if kind == "Cc" and char not in "\t\n\r":
                return path, f"holds the control character U+{ord(char):04X}"
    elif isinstance(value, dict):
        for key, item in value.items():
            found = unreadable_text(key, path) or unreadable_text(
                item, f"{path}.{key}" if path else str(key)
            )
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = unreadable_text(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def non_finite(value, path: str = "") -> str | None:
    """The path (`parameters.dose_g_m3`, `inputs.0.quantity`) of the first number in a parsed
    JSON body that is not finite; None when every number is."""
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    items = (
        value.items() if isinstance(value, dict) else enumerate(value)
        if isinstance(value, list) else ()
    )  # fmt: skip
    for key, item in items:
        found = non_finite(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class ParameterValue(fields.Field):
    """A treatment parameter: a text of at most 200 characters, a finite number or a yes/no
    (it is kept forever in the log and re-hashed by every verification)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > 1e12:
                raise ValidationError("a finite number (at most 1e12 either way)")
            return value
        if isinstance(value, str):
            if len(value) > 200:
                raise ValidationError(f"{len(value)} characters; at most 200")
            return value
        raise ValidationError("a text, a number or true/false")


class In(Schema):
    """Request bodies: unknown fields are an error, so a typo never silently loses data; text
    must be readable (see `unreadable_text`)."""

    @pre_load
    def _readable(self, data, **_kwargs):
        found = unreadable_text(data)
        if found:
            path, why = found
            raise ValidationError(f"this text {why}", field_name=path or "_schema")
        number = non_finite(data)
        if number is not None:  # NaN, ±Infinity, or a literal beyond a double (1E400)
            raise ValidationError(
                "not a finite number (NaN, Infinity and 1E400 are refused)",
                field_name=number or "_schema",
            )
        return data


class Out(Schema):
    class Meta:
        unknown = EXCLUDE


# --- master data ----------------------------------------------------------------------------


class Address(Schema):
    street = Text(200)
    commune = Text(100)
    district = Text(100)
    city = Text(100)
    province = Text(100)
    region = Text(100, metadata={"description": "state or region, where not a province"})
    postal_code = Text(16)
    country = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$", error="ISO 3166 code, e.g. VN"))


def Phone(**kwargs):
    """A phone number as people write it: +84 220 3850 123, (0220) 385-0123."""
    return fields.String(
        validate=validate.Regexp(
            r"^\+?\(?[0-9][0-9 ()./-]{3,29}$", error="a phone number, e.g. +84 220 3850 123"
        ),
        metadata={"example": "+84 220 3850 123"},
        **kwargs,
    )


class Contact(Schema):
    """An exporter's consumer contact: whom the public page of its cartons names."""

    name = Text(200, metadata={"example": "Hải Dương Agri Export — customer care"})
    phone = Phone()
    email = fields.Email(validate=validate.Length(max=254))
    website = fields.Url(schemes={"http", "https"}, validate=validate.Length(max=300))


class CodeIn(In):
    scheme = Text(16, required=True, metadata={"example": "PUC"})
    value = Text(64, required=True, metadata={"example": "VN-HDTH-0112"})
    market = fields.String(required=True, validate=MARKET)
    status = fields.String(
        load_default="active", validate=validate.OneOf(["active", "suspended", "revoked"])
    )
    issuer = Text(200)
    season = Text(16)


class CodeOut(Out):
    id = fields.Integer()
    scheme = fields.String()
    value = fields.String()
    market = fields.String()
    status = fields.String()
    issuer = fields.String(allow_none=True)
    season = fields.String(allow_none=True)


class LocationIn(In):
    kind = fields.String(required=True, validate=validate.OneOf(list(LOCATION_KINDS)))
    name = Text(200, required=True)
    gln = GlnField(allow_none=True)
    phone = Phone(allow_none=True)
    address = fields.Nested(Address, load_default=dict)
    contact = fields.Nested(
        Contact, load_default=dict, metadata={"description": "an exporter's consumer contact"}
    )
    codes = fields.List(fields.Nested(CodeIn), load_default=list)
    methods = fields.List(
        fields.String(validate=validate.OneOf(list(TREATMENTS))),
        load_default=list,
        metadata={"description": "a treatment facility's methods; empty: any"},
    )


class CodeStatus(In):
    id = Id(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["active", "suspended", "revoked"])
    )


class LocationPatch(In):
    name = Text(200)
    gln = GlnField(allow_none=True)
    phone = Phone(allow_none=True)
    address = fields.Nested(Address)
    contact = fields.Nested(
        Contact, metadata={"description": "an exporter's consumer contact ({}: none)"}
    )
    methods = fields.List(fields.String(validate=validate.OneOf(list(TREATMENTS))))
    codes = fields.List(fields.Nested(CodeIn), metadata={"description": "codes to add"})
    code_status = fields.List(
        fields.Nested(CodeStatus), metadata={"description": "suspend, revoke or reactivate codes"}
    )


class LocationOut(Out):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    gln = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    address = fields.Dict()
    contact = fields.Dict()
    methods = fields.List(fields.String())
    codes = fields.List(fields.Nested(CodeOut))
    created_at = fields.DateTime()


class LocationQuery(In):
    kind = fields.String(validate=validate.OneOf(list(LOCATION_KINDS)))
    q = fields.String(metadata={"description": "part of the name"})


class Names(fields.Dict):
    def __init__(self, **kwargs):
        super().__init__(
            keys=fields.String(validate=validate.Regexp(r"^[a-z]{2}$", error="a language code")),
            values=fields.String(validate=validate.Length(min=1, max=200)),
            validate=validate.Length(min=1, error="give the name in at least one language"),
            metadata={"example": {"vi": "Vải thiều Thanh Hà", "en": "Thanh Ha lychee"}},
            **kwargs,
        )


class ProductIn(In):
    gtin = GtinField(allow_none=True)
    name = Names(required=True)
    commodity = Commodity(required=True)
    variety = Text(64)
    unit = fields.String(load_default="kg", validate=validate.OneOf(["kg"]))
    net_weight_kg = Quantity()


class ProductPatch(In):
    gtin = GtinField(allow_none=True)
    name = Names()
    commodity = Commodity()
    variety = Text(64)
    net_weight_kg = Quantity()


class ProductOut(Out):
    id = fields.Integer()
    gtin = fields.String(allow_none=True)
    name = fields.Dict()
    commodity = fields.String()
    variety = fields.String(allow_none=True)
    unit = fields.String()
    net_weight_kg = fields.Float(allow_none=True)
    created_at = fields.DateTime()


class VersionOut(Out):
    id = fields.Integer()
    entity = fields.String()
    entity_id = fields.Integer()
    change = fields.String(metadata={"description": "what changed, in words"})
    valid_from = fields.DateTime()
    user_id = fields.Integer(allow_none=True, metadata={"description": "who changed it"})
    before = fields.Dict(allow_none=True)
    after = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class ProductQuery(In):
    q = fields.String(metadata={"description": "part of the commodity"})


# --- events -------------------------------------------------------------------------------------


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
    quantity = Quantity(required=True)
    unit = fields.String(load_default="kg", validate=validate.OneOf(["kg"]))
    harvested_on = Day(required=True)
    harvested_at = Aware()
    crew = Text(200, metadata={"description": "crew or cooperative"})


class ReceiptIn(In):
    location_id = Id(required=True)
    received_at = Aware(required=True)
    quantity = Quantity(required=True)
    unit = fields.String(load_default="kg", validate=validate.OneOf(["kg"]))


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
    quantity = Quantity(required=True)
    unit = fields.String(load_default="kg", validate=validate.OneOf(["kg"]))


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


# --- trace, recall, audit -----------------------------------------------------------------------


class TraceQuery(In):
    direction = fields.String(
        load_default="backward", validate=validate.OneOf(["backward", "forward"])
    )


class EdgeOut(Out):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    event_id = fields.Integer()
    quantity = fields.Float(allow_none=True)
    uom = fields.String(allow_none=True)


class TraceOut(Out):
    start = fields.String()
    direction = fields.String()
    nodes = fields.List(fields.Dict())
    edges = fields.List(fields.Nested(EdgeOut))
    events = fields.List(fields.Nested(EventOut))


class RecallOut(Out):
    start = fields.String()
    shipments = fields.List(fields.Dict())
    markets = fields.List(fields.String())
    consignees = fields.List(fields.String())
    pallets_not_shipped = fields.List(fields.Dict())
    lots = fields.List(fields.Dict())
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())


class VerifyOut(Out):
    ok = fields.Boolean()
    events_checked = fields.Integer()
    masterdata_checked = fields.Integer(
        metadata={"description": "master-data versions checked (places, codes, products)"}
    )
    first_broken = fields.Dict(allow_none=True)
    last_hash = fields.String()
    checkpoints = fields.List(
        fields.Dict(),
        metadata={"description": "each signed checkpoint checked against the recomputed chain"},
    )
