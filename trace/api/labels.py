"""/labels: carton, pallet and sticker labels as PDF, PNG or ZPL, streamed."""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from trace.db.session import get_session
from trace.filenames import content_disposition
from trace.labels.render import FORMATS, SIZES, content_type, render, suffix
from trace.labels.sizes import DPIS, misfits
from trace.services import labels

from .auth import current_user
from .common import protected
from .schemas.common import MARKET, In, LotCodeField, SsccField

blp = Blueprint("labels", __name__, description="Labels that scanners read first time")
FILE = {
    "description": "the label file (PDF and ZPL are streamed as they are drawn)",
    "content": {
        content_type(f): {"schema": {"type": "string", "format": "binary"}} for f in FORMATS
    },
}


class CartonRef(fields.Field):
    """A carton to reprint: its printed serial (text, as on the label) or its number (1, 2 …)."""

    def _deserialize(self, value, attr, data, **kwargs):
        number = isinstance(value, int) and not isinstance(value, bool)
        if (number and 1 <= value <= 999_999_999) or (
            isinstance(value, str) and 0 < len(value) <= 20
        ):
            return value
        raise ValidationError("a printed serial (text) or a carton's number (1 to 999999999)")


class LabelIn(In):
    kind = fields.String(required=True, validate=validate.OneOf(["carton", "pallet", "sticker"]))
    lot = LotCodeField(metadata={"description": "cartons and stickers: the packed lot"})
    sscc = SsccField(metadata={"description": "pallet labels: the pallet"})
    count = fields.Integer(
        strict=True,
        validate=validate.Range(1, 20_000),
        metadata={"description": "how many labels; cartons: new serials are allocated"},
    )
    serials = fields.List(
        CartonRef(),
        validate=validate.Length(1, 20_000),
        metadata={
            "description": "cartons: reprint these instead (same labels again), each by its "
            "printed serial (text) or its carton number (an integer)"
        },
    )
    size = fields.String(
        required=True,
        validate=validate.OneOf(SIZES),
        metadata={
            "description": "100x150mm or 4x6in: QR, text and GS1-128 symbols at GS1's sizes"
            " (X 0.495 mm, 32 mm bars, 10X quiet zones); 50x30mm and a4-24 (A4 sheet of"
            " 3 x 8) are too small for a compliant GS1-128: QR code and text only, nothing"
            " for a 1D-only scanner"
        },
    )
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    dpi = fields.Integer(
        strict=True,
        validate=validate.OneOf(DPIS),
        metadata={"description": "printer resolution; default 203 (thermal) or 300 (A4 sheets)"},
    )
    market = fields.String(
        validate=MARKET,
        metadata={
            "description": "destination market (languages, stamps); default: the lot's shipment's"
        },
    )

    @validates_schema
    def _consistent(self, data, **_):
        kind = data["kind"]
        if kind == "pallet" and "sscc" not in data:
            raise ValidationError("a pallet label needs the pallet's sscc", "sscc")
        if kind != "pallet" and "lot" not in data:
            raise ValidationError(f"a {kind} label needs the lot", "lot")
        if kind == "carton" and ("count" in data) == ("serials" in data):
            raise ValidationError(
                "give count (new labels) or serials (reprints), not both", "count"
            )
        if kind != "carton" and "count" not in data:
            data["count"] = 1
        found = misfits(kind, data["size"], data["format"], data.get("dpi"))
        if found:
            raise ValidationError({misfit.field: [misfit.message] for misfit in found})


def _file(request: dict, *, preview: bool) -> Response:
    config = current_app.config
    if not preview:
        labels.check_count(
            get_session(), request, config["LABEL_PALLET_MAX"], config["LABEL_STICKER_MAX"]
        )
    chosen, name = labels.prepare(
        get_session(),
        current_user(),
        request,
        base_url=config["PUBLIC_BASE_URL"],
        company_prefix=config["GS1_COMPANY_PREFIX"],
        preview=preview,
    )
    fmt = "png" if preview else request["format"]
    disposition = "inline" if preview else "attachment"
    return Response(
        render(chosen, request["size"], fmt, request.get("dpi")),
        content_type=content_type(fmt),
        headers={"Content-Disposition": content_disposition(name + suffix(fmt), disposition)},
    )


@blp.route("/labels")
class Labels(MethodView):
    @protected(blp, "admin", "worker", errors=[404, 409])
    @blp.arguments(LabelIn)
    @blp.doc(responses={"200": FILE})
    def post(self, request):
        """Print labels: carton (allocates serials), pallet (SSCC) or sticker"""
        return _file(request, preview=False)


@blp.route("/labels/preview")
class Preview(MethodView):
    @protected(blp, "admin", "worker", errors=[404, 409])
    @blp.arguments(LabelIn)
    @blp.doc(
        responses={"200": {"description": "PNG of the first label", "content": {"image/png": {}}}}
    )
    def post(self, request):
        """A PNG of the first label the same request would print; records and allocates nothing"""
        return _file(request, preview=True)
