"""Fields and base schemas every resource's schemas use: GS1 keys, quantities, times, readable
text; `In` (request bodies) and `Out` (answers)."""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
)

from trace.domain.commodities import COMMODITIES
from trace.domain.markets import (
    PLATE_PATTERN,
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


def Unit(**kwargs):
    """The unit a quantity is counted in: kilograms (the only one yet)."""
    return fields.String(load_default="kg", validate=validate.OneOf(["kg"]), **kwargs)


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
