"""/trace and /recall: where a thing came from and where it went."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import tracing

from .auth import READERS
from .common import protected
from .schemas import RecallOut, TraceOut, TraceQuery

blp = Blueprint("trace", __name__, description="Trace backward and forward; recall reports")


@blp.route("/trace/<path:code>")
class Trace(MethodView):
    @protected(blp, *READERS)
    @blp.arguments(TraceQuery, location="query")
    @blp.response(200, TraceOut)
    def get(self, query, code):
        """The graph from a lot code, SSCC, carton Digital Link, shipment id, GLN or PUC"""
        return tracing.trace(get_session(), code, query["direction"])


@blp.route("/recall/<path:code>")
class Recall(MethodView):
    @protected(blp, *READERS)
    @blp.response(200, RecallOut)
    def get(self, code):
        """Everything downstream: shipments, markets, consignees, cartons, pallets on hand"""
        return tracing.recall(get_session(), code)
