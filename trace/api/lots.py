"""/lots: harvest, then receipts, coolings, treatments, washings, gradings, cold storage,
inspections; state and timeline."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import lots, steps

from .auth import READERS, current_user
from .common import lists, page_window, protected, records
from .schemas.events import (
    CoolingIn,
    EventOut,
    GradingIn,
    HarvestIn,
    InspectionIn,
    LotOut,
    LotQuery,
    ReceiptIn,
    StorageIn,
    TreatmentIn,
    WashingIn,
)

blp = Blueprint("lots", __name__, description="Harvest and packed lots and what happens to them")
WRITERS = ("admin", "worker")


@blp.route("/lots")
class Lots(MethodView):
    @lists(blp, LotQuery, LotOut, *READERS)
    def get(self, query, pagination_parameters):
        """List lots (filter by kind, product, orchard, location, dates, hold)"""
        session = get_session()
        query["from"] = query.pop("from_", None)
        rows, total = lots.list_lots(session, query, *page_window(pagination_parameters))
        pagination_parameters.item_count = total
        return [lots.lot_state(session, lot) for lot in rows]


@blp.route("/lots/harvest")
class Harvest(MethodView):
    @records(blp, HarvestIn, LotOut, *WRITERS, errors=[409])
    def post(self, data):
        """Record a harvest: a new harvest lot from one orchard on one day"""
        session = get_session()
        return lots.lot_state(session, lots.harvest(session, current_user(), data))


@blp.route("/lots/<path:code>")
class LotByCode(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.response(200, LotOut)
    def get(self, code):
        """A lot's state: quantities in, used and left; cartons; where; hold"""
        session = get_session()
        return lots.lot_state(session, lots.get_lot(session, code))


@blp.route("/lots/<path:code>/events")
class LotEvents(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.response(200, EventOut(many=True))
    def get(self, code):
        """A lot's timeline: every event that concerns it, in the order they happened"""
        session = get_session()
        lot = lots.get_lot(session, code)
        return lots.timeline(session, lot)


HOLD = (
    403,
    "a worker, for a passing inspection of a lot on hold: only an inspector or admin lifts it",
)


def _event_route(path: str, schema, use_case, summary: str, roles=WRITERS, errors=()):
    @records(blp, schema, EventOut, *roles, errors=[404, 409, *errors])
    def post(self, data, code):
        return use_case(get_session(), current_user(), code, data)

    post.__doc__ = summary
    blp.route(f"/lots/<path:code>/{path}")(type(path.title(), (MethodView,), {"post": post}))


_event_route("receipts", ReceiptIn, lots.receive, "Record that a lot arrived at a packing house")
_event_route("coolings", CoolingIn, lots.cool, "Record a cooling (temperature, duration)")
_event_route("treatments", TreatmentIn, lots.treat, "Record a treatment at a facility")
_event_route("washings", WashingIn, steps.wash, "Record a washing (carrots and other roots)")
_event_route(
    "gradings",
    GradingIn,
    steps.grade,
    "Record a grading by size class (kg per class and culls; at most what the lot has left)",
)
_event_route("storage", StorageIn, steps.store, "Record cold storage (temperature, humidity)")
_event_route(
    "inspections",
    InspectionIn,
    lots.inspect,
    "Record an inspection (a fail holds the lot; only an inspector or admin passes a held lot)",
    roles=(*WRITERS, "inspector"),
    errors=[HOLD],
)
