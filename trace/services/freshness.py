"""Is a kept lot page still true? The two questions a kept copy of a lot's public view
(`public_page.Story`, kept by trace/lookup/cache.py) asks before it is used again; the first
also says whether a kept label check (`label_serials.serial_status`) still holds: no label job since.

No Flask; plain SQL.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, bindparam, text

from . import masterdata

# The two questions a kept copy of a lot's page asks before it is used again: plain SQL, as they
# run on every scan (an ORM statement would cost more to build than to run).
_REVISION = text(
    "SELECT (SELECT max(id) FROM event), (SELECT value FROM counter WHERE name = :name), "
    "(SELECT max(id) FROM label_job)"
).bindparams(name=masterdata.REVISION)
_NEWER_EVENT = text(
    "SELECT 1 FROM event_ref WHERE node IN :nodes AND event_id > :as_of LIMIT 1"
).bindparams(bindparam("nodes", expanding=True))


class Revision(NamedTuple):
    """Where the database stands, as far as kept public pages care."""

    event: int  # the last event recorded
    master_data: int  # how often places and products were changed
    labels: int  # the last label job: a new one may print serials a kept label check denied


def revision(connection: Connection) -> Revision:
    """The last event, the master data's revision and the last label job (0s for none): three
    index lookups in one statement."""
    last, changes, labels = connection.execute(_REVISION).one()
    return Revision(last or 0, changes or 0, labels or 0)


def changed_since(connection: Connection, nodes: frozenset[str], as_of: int) -> bool:
    """Was an event recorded after event `as_of` that names one of `nodes`? (One indexed query.)"""
    found = connection.execute(_NEWER_EVENT, {"nodes": list(nodes), "as_of": as_of})
    return found.first() is not None
