"""/pallets: cartons of packed lots onto a pallet with a new SSCC."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.domain.errors import NotFound
from trace.gs1 import GS1Error, Sscc
from trace.services import packing

from .auth import READERS, current_user
from .common import protected, records
from .schemas.events import PalletIn, PalletOut

blp = Blueprint("pallets", __name__, description="Logistic units identified by an SSCC")


def dump(session, pallet):
    return {
        **pallet.model_dump(),
        "contents": [
            {"lot": lot.code, "cartons": cartons, "product_id": lot.product_id}
            for lot, cartons in packing.pallet_contents(session, pallet)
        ],
    }


@blp.route("/pallets")
class Pallets(MethodView):
    @records(blp, PalletIn, PalletOut, "admin", "worker", errors=[404, 409])
    def post(self, data):
        """Build a pallet: allocates its SSCC from the company prefix"""
        session = get_session()
        pallet = packing.palletise(
            session,
            current_user(),
            data,
            current_app.config["GS1_COMPANY_PREFIX"],
            current_app.config["SSCC_EXTENSION_DIGIT"],
        )
        return dump(session, pallet)


@blp.route("/pallets/<sscc>")
class PalletBySscc(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.response(200, PalletOut)
    def get(self, sscc):
        """One pallet and its contents"""
        session = get_session()
        try:
            sscc = str(Sscc.parse(sscc))
        except GS1Error as error:
            raise NotFound(
                str(error), kind="pallet.unreadable_sscc", sscc=sscc, error=str(error)
            ) from None
        return dump(session, packing.get_pallet(session, sscc))
