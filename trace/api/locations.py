"""/locations: orchards, packing houses, treatment facilities, exporters, importers, ports."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import masterdata

from .auth import READERS, current_user
from .common import lists, page_window, protected, records
from .schemas.masterdata import LocationIn, LocationOut, LocationPatch, LocationQuery, VersionOut

blp = Blueprint("locations", __name__, description="Places and parties, with their official codes")


def dump(session, locations):
    codes = masterdata.codes_of(session, [loc.id for loc in locations])
    return [{**loc.model_dump(), "codes": codes[loc.id]} for loc in locations]


@blp.route("/locations")
class Locations(MethodView):
    @lists(blp, LocationQuery, LocationOut, *READERS)
    def get(self, query, pagination_parameters):
        """List locations (filter by kind, name)"""
        session = get_session()
        rows, total = masterdata.list_locations(
            session,
            query.get("kind"),
            query.get("q"),
            *page_window(pagination_parameters),
        )
        pagination_parameters.item_count = total
        return dump(session, rows)

    @records(blp, LocationIn, LocationOut, "admin", errors=[409])
    def post(self, data):
        """Create a location with its per-market codes"""
        session = get_session()
        return dump(session, [masterdata.create_location(session, data, current_user())])[0]


@blp.route("/locations/<int(max=2147483647):ident>")
class LocationById(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.response(200, LocationOut)
    def get(self, ident):
        """One location"""
        session = get_session()
        return dump(session, [masterdata.get_location(session, ident)])[0]

    @protected(blp, "admin", errors=[404, 409])
    @blp.arguments(LocationPatch)
    @blp.response(200, LocationOut)
    def patch(self, data, ident):
        """Change a location: name, phone, address, GLN, add codes, suspend, revoke or reactivate a
        code (kept as a version with who and when: `/locations/{id}/history`)"""
        session = get_session()
        return dump(session, [masterdata.update_location(session, ident, data, current_user())])[0]


@blp.route("/locations/<int(max=2147483647):ident>/history")
class LocationHistory(MethodView):
    @protected(blp, "admin", "inspector", errors=[404])
    @blp.response(200, VersionOut(many=True))
    def get(self, ident):
        """Every change of a location and its codes: who, when, before and after"""
        session = get_session()
        masterdata.get_location(session, ident)
        return masterdata.versions(session, "location", ident)
