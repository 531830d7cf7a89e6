"""/events/{id}/corrections: a mistake is corrected by a new event; the original stays."""

from flask.views import MethodView
from flask_smorest import Blueprint

from trace.db.session import get_session
from trace.services import corrections

from .auth import current_user
from .common import records
from .schemas.events import CorrectionIn, EventOut

blp = Blueprint("events", __name__, description="Corrections of recorded events")
RESULT = (
    403,
    "a worker changing an inspection's result (only an inspector or admin may); an inspector "
    "correcting anything but an inspection",
)


@blp.route("/events/<int(max=2147483647):ident>/corrections")
class Corrections(MethodView):
    @records(blp, CorrectionIn, EventOut, "admin", "worker", "inspector", errors=[404, 409, RESULT])
    def post(self, data, ident):
        """Correct an event: a reason, and the fields that should have been recorded"""
        return corrections.correct(get_session(), current_user(), ident, data)
