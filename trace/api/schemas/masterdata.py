"""Schemas of the master data: locations, their codes, products, versions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.domain.markets import LOCATION_KINDS, TREATMENTS

from .common import MARKET, Commodity, GlnField, GtinField, Id, In, Out, Quantity, Text, Unit


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
    unit = Unit()
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
