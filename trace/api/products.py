"""/products: trade items (GTIN optional), names per language, net weight per carton."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import masterdata

from .auth import READERS, current_user
from .common import lists, page_window, protected, records
from .schemas.masterdata import ProductIn, ProductOut, ProductPatch, ProductQuery, VersionOut

blp = Blueprint("products", __name__, description="Trade items")


@blp.route("/products")
class Products(MethodView):
    @lists(blp, ProductQuery, ProductOut, *READERS)
    def get(self, query, pagination_parameters):
        """List products"""
        rows, total = masterdata.list_products(
            get_session(),
            query.get("q"),
            *page_window(pagination_parameters),
        )
        pagination_parameters.item_count = total
        return rows

    @records(blp, ProductIn, ProductOut, "admin", errors=[409])
    def post(self, data):
        """Create a product"""
        return masterdata.create_product(get_session(), data, current_user())


@blp.route("/products/<int(max=2147483647):ident>")
class ProductById(MethodView):
    @protected(blp, *READERS, errors=[404])
    @blp.response(200, ProductOut)
    def get(self, ident):
        """One product"""
        return masterdata.get_product(get_session(), ident)

    @protected(blp, "admin", errors=[404, 409])
    @blp.arguments(ProductPatch)
    @blp.response(200, ProductOut)
    def patch(self, data, ident):
        """Change a product (its GTIN only while no lot uses it)"""
        return masterdata.update_product(get_session(), ident, data, current_user())


@blp.route("/products/<int(max=2147483647):ident>/history")
class ProductHistory(MethodView):
    @protected(blp, "admin", "inspector", errors=[404])
    @blp.response(200, VersionOut(many=True))
    def get(self, ident):
        """Every change of a product: who, when, before and after"""
        session = get_session()
        masterdata.get_product(session, ident)
        return masterdata.versions(session, "product", ident)
