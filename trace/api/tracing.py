"""/trace and /recall: where a thing came from and where it went."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import reports, tracing
from trace.services.common import now

from .auth import READERS
from .common import protected
from .exports import NO_KEY, SIGNED, deliver
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


# The reports' routes end in .csv / .pdf: Werkzeug tries them before /recall/<path:code>.
@blp.route("/recall/<path:code>.csv")
class RecallCsv(MethodView):
    @protected(blp, *READERS, errors=[404, (409, NO_KEY)])
    @blp.arguments(SignedQuery, location="query")
    @blp.response(200, content_type="text/csv", description=f"one row per pallet; {SIGNED}")
    def get(self, args, code):
        """The recall report as CSV: one row per affected pallet, shipped or on hand"""
        data = reports.recall_report(get_session(), code)
        return deliver(
            reports.recall_csv(data),
            "text/csv; charset=utf-8",
            f"recall_{code}.csv",
            args["signed"],
        )


@blp.route("/recall/<path:code>.pdf")
class RecallPdf(MethodView):
    @protected(blp, *READERS, errors=[404, (409, NO_KEY)])
    @blp.arguments(SignedQuery, location="query")
    @blp.response(200, content_type="application/pdf", description=f"printable A4; {SIGNED}")
    def get(self, args, code):
        """The recall report as a printable PDF with the chain drawn"""
        data = reports.recall_report(get_session(), code)
        return deliver(
            reports.recall_pdf(data, now()), "application/pdf", f"recall_{code}.pdf", args["signed"]
        )
