"""/audit/verify: the hash chain of the event log, checked end to end."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from trace.config import signing_key_path
from trace.db.session import get_session
from trace.services import audit, evidence

from .common import protected
from .schemas.tracing import VerifyOut

blp = Blueprint("audit", __name__, description="Tamper evidence")


@blp.route("/audit/verify")
class Verify(MethodView):
    @protected(blp, "admin", "inspector")
    @blp.response(200, VerifyOut)
    def get(self):
        """Recompute every event's hash, check the signed checkpoints; name what fails"""
        path = signing_key_path(current_app.config, current_app.instance_path)
        return audit.verify(get_session(), evidence.trusted_keys(path))
