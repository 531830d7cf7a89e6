"""/packings: initial packing, input lots → a packed lot of cartons."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import packing

from .auth import current_user
from .common import records
from .schemas.events import PackingIn, PackingOut

blp = Blueprint("packings", __name__, description="Initial packing (transformation)")


@blp.route("/packings")
class Packings(MethodView):
    @records(blp, PackingIn, PackingOut, "admin", "worker", errors=[404, 409])
    def post(self, data):
        """Pack input lots (kg each) into cartons: a new packed lot with its traceability lot code"""
        session = get_session()
        lot = packing.pack(session, current_user(), data)
        return {
            "lot": lot.code,
            "cartons": lot.cartons,
            "net_weight_kg": lot.quantity,
            "product_gtin": data["product_gtin"],
        }
