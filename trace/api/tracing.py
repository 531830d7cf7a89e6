"""/trace and /recall: where a thing came from and where it went."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import reports, tracing
from trace.services.common import now

from .auth import READERS
from .common import protected
from .exports import NO_KEY, SIGNED, deliver, download
from .schemas.epcis import SignedQuery
from .schemas.tracing import RecallOut, TraceOut, TraceQuery

blp = Blueprint("trace", __name__, description="Trace backward and forward; recall reports")


@blp.route("/trace/<path:code>")
class Trace(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.arguments(TraceQuery, location="query")
    @blp.response(200, TraceOut)
    def get(self, query, code):
        """The graph from a lot code, SSCC, carton Digital Link, shipment id, GLN or PUC"""
        return tracing.trace(get_session(), code, query["direction"])


@blp.route("/recall/<path:code>")
class Recall(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.response(200, RecallOut)
    def get(self, code):
        """Everything downstream: shipments, markets, consignees, cartons, pallets on hand"""
        return tracing.recall(get_session(), code)


REPORT_ERRORS = (404, (409, NO_KEY))


# The reports' routes end in .csv / .pdf: Werkzeug tries them before /recall/<path:code>.
@blp.route("/recall/<path:code>.csv")
class RecallCsv(MethodView):
    @download(blp, READERS, SignedQuery, "text/csv", f"one row per pallet; {SIGNED}", REPORT_ERRORS)
    def get(self, args, code):
        """The recall report as CSV: one row per affected pallet, shipped or on hand"""
        return _report(code, "csv", args["signed"])


@blp.route("/recall/<path:code>.pdf")
class RecallPdf(MethodView):
    @download(
        blp, READERS, SignedQuery, "application/pdf", f"printable A4; {SIGNED}", REPORT_ERRORS
    )
    def get(self, args, code):
        """The recall report as a printable PDF with the chain drawn"""
        return _report(code, "pdf", args["signed"])


def _report(code: str, fmt: str, signed: bool):
    """The recall report of `code` as a CSV or PDF file (signed: its evidence envelope)."""
    data = reports.recall_report(get_session(), code)
    if fmt == "csv":
        content, content_type = reports.recall_csv(data), "text/csv; charset=utf-8"
    else:
        content, content_type = reports.recall_pdf(data, now()), "application/pdf"
    return deliver(content, content_type, f"recall_{code}.{fmt}", signed)
