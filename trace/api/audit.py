"""/audit/verify: the hash chain of the event log, checked end to end."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import audit

from .common import protected
from .schemas import VerifyOut

blp = Blueprint("audit", __name__, description="Tamper evidence")


@blp.route("/audit/verify")
class Verify(MethodView):
    @protected(blp, "admin", "inspector")
    @blp.response(200, VerifyOut)
    def get(self):
        """Recompute every event's hash; name the first event that does not match"""
        return audit.verify(get_session())
