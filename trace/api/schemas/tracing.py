"""Schemas of trace, recall and the audit."""

from __future__ import annotations

from marshmallow import fields, validate

from .common import In, Out
from .events import EventOut


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
