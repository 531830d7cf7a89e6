"""Where the worker is: the packing house (or cold store) the staff pages work at."""

from __future__ import annotations

from flask import session
from flask_login import current_user

from trace.db.session import get_session
from trace.services import masterdata

from .staff import me

HOUSES = ("packing_house", "cold_store")


def packing_houses() -> list:
    return masterdata.locations_of_kinds(get_session(), HOUSES)


def current_house():
    """The packing house the pages work at: chosen on the home page (kept in the session),
    else the user's own location if it is one, else the first there is."""
    houses = packing_houses()
    by_id = {h.id: h for h in houses}
    for choice in (
        session.get("house"),
        me().location_id if current_user.is_authenticated else None,
    ):
        if choice in by_id:
            return by_id[choice]
    return houses[0] if houses else None
