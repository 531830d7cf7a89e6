"""/shipments: pallets loaded into a container for one consignee; departures and arrivals."""

from flask.views import MethodView
from flask_smorest import Blueprint
from stdnum import iso6346

from trace.db.session import get_session
from trace.services import shipments

from .auth import READERS, current_user
from .common import lists, page_window, protected, records
from .schemas.events import (
    ArrivalIn,
    CrossingIn,
    DepartureIn,
    EventOut,
    ShipmentIn,
    ShipmentOut,
    ShipmentQuery,
)

blp = Blueprint("shipments", __name__, description="Export shipments")
NOT_YOURS = (403, "an importer, for a shipment not consigned to it")


def dump(session, shipment, warnings=()):
    return {
        **shipment.model_dump(),
        "pallets": [p.sscc for p in shipments.pallets_of(session, shipment)],
        "warnings": list(warnings),
    }


def container_warnings(number: str | None) -> list[str]:
    """A container number whose ISO 6346 check digit is off is kept, with a warning: the
    number on the box is what it is, but it is worth a second look."""
    if number and not iso6346.is_valid(number):
        expected = iso6346.calc_check_digit(number[:10])
        return [
            f"container number {number}: ISO 6346 check digit should be {expected}; "
            "check it against the container"
        ]
    return []


@blp.route("/shipments")
class Shipments(MethodView):
    @lists(blp, ShipmentQuery, ShipmentOut, *READERS, "importer")
    def get(self, query, pagination_parameters):
        """List shipments (an importer sees only those consigned to it)"""
        session = get_session()
        rows, total = shipments.list_shipments(
            session,
            current_user(),
            query,
            *page_window(pagination_parameters),
        )
        pagination_parameters.item_count = total
        return [dump(session, s) for s in rows]

    @records(blp, ShipmentIn, ShipmentOut, "admin", "worker", errors=[404, 409])
    def post(self, data):
        """Load pallets for one consignee and market (market codes and holds checked)"""
        session = get_session()
        shipment = shipments.create(session, current_user(), data)
        return dump(session, shipment, container_warnings(shipment.container_no))


@blp.route("/shipments/<int(max=2147483647):ident>")
class ShipmentById(MethodView):
    @protected(blp, *READERS, "importer", errors=[404, NOT_YOURS])
    @blp.response(200, ShipmentOut)
    def get(self, ident):
        """One shipment"""
        session = get_session()
        shipment = shipments.get_shipment(session, ident, current_user())
        return dump(session, shipment, container_warnings(shipment.container_no))


@blp.route("/shipments/<int(max=2147483647):ident>/departures")
class Departures(MethodView):
    @records(blp, DepartureIn, EventOut, "admin", "worker", errors=[404, 409])
    def post(self, data, ident):
        """Record the departure (shipping event with bill of lading and phyto certificate)"""
        return shipments.depart(get_session(), current_user(), ident, data)


@blp.route("/shipments/<int(max=2147483647):ident>/crossings")
class Crossings(MethodView):
    @records(blp, CrossingIn, EventOut, "admin", "worker", errors=[404, 409])
    def post(self, data, ident):
        """Record a road shipment's truck crossing the border at its gate (once, after departure)"""
        return shipments.cross(get_session(), current_user(), ident, data)


@blp.route("/shipments/<int(max=2147483647):ident>/arrivals")
class Arrivals(MethodView):
    @records(blp, ArrivalIn, EventOut, "admin", "worker", "importer", errors=[404, 409, NOT_YOURS])
    def post(self, data, ident):
        """Record the arrival (an importer, only of shipments consigned to it)"""
        return shipments.arrive(get_session(), current_user(), ident, data)
