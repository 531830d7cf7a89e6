"""Schemas of the EPCIS, export and evidence endpoints (query parameters and small answers).

EPCIS documents themselves are validated against GS1's JSON schema in the service, not here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from marshmallow import ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from trace.domain.epcis_ids import ACTIONS, CBV_DISPOSITIONS, cbv_short
from trace.services.common import VIETNAM

from .common import Aware, In, LotCodeField, Out


def QueryId(**kwargs):
    """A record's id in a query string (digits; a positive 32-bit integer)."""
    return fields.Integer(validate=validate.Range(1, 2**31 - 1), **kwargs)


def Pipe(**kwargs):
    """A pipe-delimited list (the REST binding's `pipeDelimited` style: `a|b|c`)."""
    return DelimitedList(fields.String(validate=validate.Length(1, 2000)), delimiter="|", **kwargs)


class QueryTime(Aware):
    """A date-time in a query string; a `+` of the offset sent unencoded (read as a space)
    is taken as the `+` it was."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.search(r"\d \d\d:?\d\d$", value):
            value = value[:-6] + value[-6:].replace(" ", "+")
        return super()._deserialize(value, attr, data, **kwargs)


class Moment(fields.Field):
    """A date (`2026-06-10`, a day in Vietnam) or a date-time with its offset."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("a date (2026-06-10) or a date-time with its offset")
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return QueryTime()._deserialize(value, attr, data, **kwargs)
        except ValueError:
            raise ValidationError("a date (2026-06-10) or a date-time with its offset") from None


def span(start, end) -> tuple[datetime | None, datetime | None]:
    """[start, end) as instants: a date starts at midnight in Vietnam; an end date is included."""
    if isinstance(start, date) and not isinstance(start, datetime):
        start = datetime.combine(start, time(0), VIETNAM)
    if isinstance(end, date) and not isinstance(end, datetime):
        end = datetime.combine(end + timedelta(days=1), time(0), VIETNAM)
    return start, end


class ExportQuery(In):
    lot = LotCodeField(metadata={"description": "a lot: its whole trace graph"})
    shipment = QueryId(metadata={"description": "a shipment and everything upstream of it"})
    from_ = Moment(data_key="from", metadata={"description": "from this date or instant"})
    to = Moment(metadata={"description": "up to this date (included) or instant (excluded)"})
    signed = fields.Boolean(
        load_default=False,
        metadata={"description": "answer a signed evidence envelope (docs/epcis.md)"},
    )

    @validates_schema
    def one_scope(self, data, **kwargs):
        if data.get("lot") and data.get("shipment"):
            raise ValidationError("give a lot or a shipment, not both", "shipment")
        if not (data.get("lot") or data.get("shipment") or data.get("from_") or data.get("to")):
            raise ValidationError("give a lot, a shipment or a time range (from, to)", "lot")


class FsmaQuery(In):
    lot = Pipe(metadata={"description": "lot codes (a|b): each lot's whole trace graph"})
    shipment = QueryId(metadata={"description": "a shipment and everything upstream of it"})
    from_ = Moment(data_key="from")
    to = Moment()

    @validates_schema
    def some_scope(self, data, **kwargs):
        if not (data.get("lot") or data.get("shipment") or data.get("from_") or data.get("to")):
            raise ValidationError("give lots, a shipment or a date range (from, to)", "lot")


def _disposition(value: str) -> None:
    short = cbv_short(value, "disposition")
    if ":" not in short and short not in CBV_DISPOSITIONS:
        raise ValidationError(
            f"{value!r} is not a CBV 2.0 disposition (in_transit, in_progress, conformant, …); "
            "a value of your own vocabulary is a URI"
        )


class EventsQuery(In):
    """EPCIS 2.0 SimpleEventQuery parameters (§8.2.7.1) that trace answers."""

    eventType = Pipe(metadata={"description": "ObjectEvent|AggregationEvent|…"})
    GE_eventTime = QueryTime(metadata={"description": "events that happened at or after this"})
    LT_eventTime = QueryTime(metadata={"description": "events that happened before this"})
    GE_recordTime = QueryTime(
        metadata={
            "description": "events recorded here at or after this instant (or whose correction "
            "or errorDeclaration was)"
        }
    )
    LT_recordTime = QueryTime(
        metadata={"description": "events recorded here before this instant (or corrected)"}
    )
    EQ_action = DelimitedList(
        fields.String(validate=validate.OneOf(ACTIONS)),
        delimiter="|",
        metadata={"description": "ADD|OBSERVE|DELETE"},
    )
    EQ_bizStep = Pipe(metadata={"description": "CBV bizSteps (bare, URN or Web URI)"})
    EQ_disposition = DelimitedList(
        fields.String(validate=[validate.Length(1, 2000), _disposition]),
        delimiter="|",
        metadata={
            "description": "CBV dispositions (bare, URN or Web URI: in_transit|conformant) or "
            "URIs of your own"
        },
    )
    EQ_bizLocation = Pipe()
    MATCH_epc = Pipe()
    MATCH_anyEPC = Pipe()
    MATCH_epcClass = Pipe()
    MATCH_anyEPCClass = Pipe()
    eventCountLimit = fields.Integer(validate=validate.Range(1, 1_000_000))
    perPage = fields.Integer(validate=validate.Range(1, 1000), load_default=100)
    nextPageToken = fields.String(validate=validate.Length(1, 500))


class CaptureJobOut(Out):
    captureID = fields.String(attribute="capture_id")
    createdAt = fields.DateTime(attribute="created_at")
    finishedAt = fields.DateTime(attribute="finished_at", allow_none=True)
    running = fields.Boolean()
    success = fields.Boolean()
    captureErrorBehaviour = fields.String(attribute="error_behaviour")
    errors = fields.List(fields.Dict())
    eventCount = fields.Integer(attribute="events")
    storedCount = fields.Integer(attribute="stored")
    duplicateCount = fields.Integer(attribute="duplicates")


class CheckpointOut(Out):
    id = fields.Integer()
    last_event_id = fields.Integer(allow_none=True)
    events = fields.Integer()
    chain_hash = fields.String()
    created_at = fields.DateTime()
    key_fingerprint = fields.String()
    signature = fields.String()
    reason = fields.String()


class PublicKeyOut(Out):
    algorithm = fields.String()
    fingerprint = fields.String(metadata={"description": "SHA-256 of the raw 32-byte key, hex"})
    public_key_pem = fields.String()


class SignedQuery(In):
    signed = fields.Boolean(
        load_default=False,
        metadata={"description": "answer a signed evidence envelope (docs/epcis.md)"},
    )
