"""Trace backward and forward from any code, and the recall report built on the forward trace.

Trace and recall answer an inspector in a recall: each is a handful of statements however big
the graph (the code resolved, one recursive walk, one query per kind of node, one for the
events; one more of each per CHUNK nodes), written once at import and read as plain rows, not
ORM objects (tests/test_trace_queries.py counts them).

An answer is kept, per database and code, with the chain head it was read at (the writers'
count, the last event and its hash, the revision of places): while the head is the same, the
answer is the same, and asking again costs one statement that reads the head. Every use case
that changes a lot, pallet or shipment records an event and moves the head; places move the
revision. A session that has written something not yet committed reads anew and keeps nothing.
Kept answers are shared: callers read them and never change them. KEPT_ROWS bounds their
size per database.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import make_dataclass
from datetime import UTC, datetime
from functools import wraps
from operator import attrgetter, itemgetter
from typing import Any, Protocol, cast
from weakref import WeakKeyDictionary

import orjson
from cachetools import LRUCache
from sqlalchemy import Connection, Engine, Executable, Row, bindparam, event, inspect, select, text
from sqlalchemy.orm import UOWTransaction
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session

from trace.db.graph import CHUNK, walk
from trace.db.models import (
    Event,
    Location,
    LocationCode,
    Lot,
    Pallet,
    PalletContent,
    Shipment,
    node,
)
from trace.domain.errors import Invalid, NotFound

from .identify import identify
from .masterdata import REVISION

_ids: BindParameter[list[int]] = bindparam("ids", expanding=True)

_place, _code = inspect(Location).local_table, inspect(LocationCode).local_table
_PLACES = (
    select(_place.c.id, _place.c.kind, _place.c.name, _place.c.address,
           _code.c.scheme, _code.c.value, _code.c.market, _code.c.status)
    .outerjoin(_code, _code.c.location_id == _place.c.id)
    .where(_place.c.id.in_(_ids))
    .order_by(_place.c.id, _code.c.id)
)  # fmt: skip
_lot = inspect(Lot).local_table
_LOTS = select(
    _lot.c.id, _lot.c.kind, _lot.c.code, _lot.c.commodity, _lot.c.variety, _lot.c.quantity,
    _lot.c.unit, _lot.c.cartons, _lot.c.cartons_palletised, _lot.c.produced_on, _lot.c.on_hold,
).where(_lot.c.id.in_(_ids))  # fmt: skip
_LOTS_BY_CODE = _LOTS.order_by(_lot.c.code)
_pallet = inspect(Pallet).local_table
_PALLETS = select(_pallet.c.id, _pallet.c.sscc, _pallet.c.cartons, _pallet.c.shipment_id).where(
    _pallet.c.id.in_(_ids)
)
_shipment = inspect(Shipment).local_table
_SHIPMENTS = select(
    _shipment.c.id, _shipment.c.market, _shipment.c.container_no, _shipment.c.status
).where(_shipment.c.id.in_(_ids))
_event = inspect(Event).local_table
# The events of a graph as the driver reads them, no SQLAlchemy type processing per value (it
# cost more than the query: bench/trace.py): `data` as its JSON text (read with orjson below),
# the two times converted once per row (_event_view).
_EVENT_COLUMNS = tuple(column.name for column in _event.c)
_EVENTS = text(
    "SELECT "
    + ", ".join("CAST(data AS TEXT) AS data" if c == "data" else c for c in _EVENT_COLUMNS)
    + " FROM event WHERE id IN (SELECT event_id FROM event_ref WHERE node IN :ids)"
    " ORDER BY event_time, id"
).bindparams(bindparam("ids", expanding=True))
_DATA, _EVENT_TIME, _RECORD_TIME = map(_EVENT_COLUMNS.index, ("data", "event_time", "record_time"))

# An event as an inspector reads it: an Event's columns as attributes (what EventOut
# serialises), a plain slotted record without an ORM object's upkeep. Made from the table at
# import, it has no static type: functions that return one say Any.
EventView = make_dataclass("EventView", _EVENT_COLUMNS, slots=True)


def _event_view(row: Row[*tuple[Any, ...]]) -> Any:
    values = list(row)
    if values[_DATA] is not None:
        values[_DATA] = _json(values[_DATA])
    values[_EVENT_TIME] = _utc(values[_EVENT_TIME])
    values[_RECORD_TIME] = _utc(values[_RECORD_TIME])
    return EventView(*values)


def _utc(value: datetime | str) -> datetime:
    """A stored time as the Event column reads it: aware, in UTC (SQLite keeps ISO text, in UTC
    without an offset: read with one, 7x faster than datetime.replace)."""
    if isinstance(value, str):
        if len(value) <= len("2026-05-25 07:00:00.000000"):
            return datetime.fromisoformat(value + "+00:00")
        value = datetime.fromisoformat(value)
    if value.tzinfo is UTC:
        return value
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


# orjson reads an integer beyond 64 bits as a float: any run of 19 digits takes the long way.
# Looked for in the UTF-8 bytes with every digit made a 0: 4x faster than a regular expression,
# which tries the run at every character (it was half of reading an event's JSON).
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def _json(value: str) -> Any:
    raw = value.encode()
    if _LONG_NUMBER in raw.translate(_DIGITS):
        return json.loads(value)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:  # NaN and Infinity, which the standard library reads
        return json.loads(value)


# A recall's pallets with their shipment, its parties, and each lot on them with its cartons
# (a row per pallet and lot): one statement per chunk of pallets.
_consignee, _exporter = _place.alias("consignee"), _place.alias("exporter")
_content = inspect(PalletContent).local_table
_RECALL_PALLETS = (
    select(
        _pallet.c.id, _pallet.c.sscc, _pallet.c.location_id, _pallet.c.shipment_id,
        _shipment.c.market, _shipment.c.status, _shipment.c.container_no,
        _shipment.c.bill_of_lading, _shipment.c.phyto_certificate_no,
        _shipment.c.departed_at, _shipment.c.arrived_at,
        _consignee.c.id.label("consignee_id"), _consignee.c.name.label("consignee_name"),
        _consignee.c.address.label("consignee_address"),
        _exporter.c.id.label("exporter_id"), _exporter.c.name.label("exporter_name"),
        _content.c.lot_id, _content.c.cartons.label("lot_cartons"),
    )
    .select_from(_pallet)
    .outerjoin(_content, _content.c.pallet_id == _pallet.c.id)
    .outerjoin(_shipment, _shipment.c.id == _pallet.c.shipment_id)
    .outerjoin(_consignee, _consignee.c.id == _shipment.c.consignee_id)
    .outerjoin(_exporter, _exporter.c.id == _shipment.c.exporter_id)
    .where(_pallet.c.id.in_(_ids))
    .order_by(_pallet.c.id)
)  # fmt: skip

# An answer of more than CHUNK (trace/db/graph.py) nodes of a kind reads them in several
# statements, so an orchard's whole season can be asked for, and merges them in the order one
# statement would have given.


def _fetch(
    connection: Connection, statement: Executable, ids: Sequence[int | str], **params: Any
) -> list[Row[*tuple[Any, ...]]]:
    """`statement`'s rows for `ids` (bound as `ids`), a statement per CHUNK of them, each
    statement's rows fetched at once (a row at a time costs a call each)."""
    rows: list[Row[*tuple[Any, ...]]] = []
    for start in range(0, len(ids), CHUNK):
        rows += connection.execute(statement, {"ids": ids[start : start + CHUNK], **params}).all()
    return rows


# --- answers kept per chain head ---------------------------------------------------------------

# Per database, the most recently asked codes' answers up to this many rows in all (nodes, edges,
# events, shipments, pallets, lots: a few hundred bytes each), so an orchard's whole season
# asked for now and then cannot fill a worker's memory; a bigger answer is not kept.
KEPT_ROWS = 100_000
_HEAD = text(
    "SELECT h.writes, h.last_event_id, h.last_hash, "
    "(SELECT value FROM counter WHERE name = :name) FROM chain_head h WHERE h.id = 1"
).bindparams(name=REVISION)
# An answer kept: the chain head it was read at, and the answer.
_Kept = tuple[tuple[Any, ...], dict[str, Any]]
_kept: WeakKeyDictionary[Engine, LRUCache[tuple[Any, ...], _Kept]] = WeakKeyDictionary()
_lock = threading.Lock()
_WROTE = "trace.tracing.wrote"  # in Session.info: flushed, not yet committed or rolled back


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, _context: UOWTransaction) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop(_WROTE, None)


class _Answer(Protocol):
    """A use case whose answers are kept; `build` reads one anew, nothing kept."""

    build: Callable[..., dict[str, Any]]

    def __call__(self, session: Session, code: str, *args: Any) -> dict[str, Any]: ...


def _per_chain_head(what: str) -> Callable[[Callable[..., dict[str, Any]]], _Answer]:
    """Keep `what`'s answers per code until the chain head moves (see the module's doc)."""

    def decorate(build: Callable[..., dict[str, Any]]) -> _Answer:
        @wraps(build)
        def answer(session: Session, code: str, *args: Any) -> dict[str, Any]:
            if session.info.get(_WROTE):
                return build(session, code, *args)
            connection = session.connection()
            head = tuple(connection.execute(_HEAD).one())  # read first: never newer than it is
            key = (what, code.strip(), *args)
            with _lock:
                answers = _kept.get(connection.engine)
                if answers is None:
                    answers = _kept[connection.engine] = LRUCache(KEPT_ROWS, getsizeof=_rows)
                found = answers.get(key)
            if found is not None and found[0] == head:
                return found[1]
            made = build(session, code, *args)
            if _rows((head, made)) <= KEPT_ROWS:
                with _lock:
                    answers[key] = (head, made)
            return made

        kept = cast(_Answer, answer)
        kept.build = build  # the answer read anew, nothing kept (bench/trace.py)
        return kept

    return decorate


def _rows(kept: _Kept) -> int:
    """How big a kept answer is: its lists' lengths, one at least."""
    return 1 + sum(len(value) for value in kept[1].values() if isinstance(value, list))


def resolve(session: Session, code: str) -> str:
    """The graph node a code names, in any form `identify` reads (a lot code, an SSCC, a
    carton's Digital Link, a shipment's number or container, a GLN, a growing-area code)."""
    try:
        found = identify(session, code)
    except Invalid as error:  # a code nothing can be named by: not found, as the API says
        raise NotFound(error.message, kind=error.kind, **error.params) from None
    if found.kind == "product":
        raise NotFound(
            f"{code!r} names a product, not a lot: add /10/<lot>",
            kind="code.product_only",
            code=code,
        )
    return found.node


def _ids_by_kind(nodes: Iterable[str]) -> dict[str, list[int]]:
    """The ids of `nodes` per kind, each kind's in ascending order."""
    ids: dict[str, list[int]] = {"location": [], "lot": [], "pallet": [], "shipment": []}
    for name in nodes:
        kind, _, ident = name.partition(":")
        ids[kind].append(int(ident))
    return {kind: sorted(each) for kind, each in ids.items()}


def _places(rows: Iterable[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
    """Places with their codes (a row per place and code, in the place's order)."""
    places: dict[int, dict[str, Any]] = {}
    for row in rows:
        place = places.get(row.id)
        if place is None:
            place = places[row.id] = {
                "id": node("location", row.id),
                "kind": row.kind,
                "label": row.name,
                "address": row.address,
                "codes": [],
            }
        if row.scheme is not None:
            place["codes"].append(
                {"scheme": row.scheme, "value": row.value, "market": row.market,
                 "status": row.status}
            )  # fmt: skip
    return list(places.values())


def _lots(rows: Iterable[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
    return [
        {"id": node("lot", lot.id), "kind": f"{lot.kind}_lot", "label": lot.code,
         "commodity": lot.commodity, "variety": lot.variety, "quantity": lot.quantity,
         "unit": lot.unit, "cartons": lot.cartons, "produced_on": lot.produced_on.isoformat(),
         "on_hold": lot.on_hold}
        for lot in rows
    ]  # fmt: skip


def _pallets(rows: Iterable[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
    return [
        {"id": node("pallet", p.id), "kind": "pallet", "label": p.sscc, "cartons": p.cartons,
         "shipment_id": p.shipment_id}
        for p in rows
    ]  # fmt: skip


def _shipments(rows: Iterable[Row[*tuple[Any, ...]]]) -> list[dict[str, Any]]:
    return [
        {"id": node("shipment", s.id), "kind": "shipment", "label": f"shipment {s.id}",
         "market": s.market, "container_no": s.container_no, "status": s.status}
        for s in rows
    ]  # fmt: skip


# Each kind of node: the statement that reads its rows and what an answer says of them, in the
# order an answer lists the kinds.
_DESCRIBED = {
    "location": (_PLACES, _places),
    "lot": (_LOTS, _lots),
    "pallet": (_PALLETS, _pallets),
    "shipment": (_SHIPMENTS, _shipments),
}


def describe(session: Session, nodes: set[str]) -> list[dict[str, Any]]:
    """The nodes of a graph with what an inspector needs to recognise each (a query per kind
    of node present), by kind and then by id."""
    connection = session.connection()  # Core rows: the ORM's own step adds nothing here
    out: list[dict[str, Any]] = []
    for kind, ids in _ids_by_kind(nodes).items():
        if ids:
            statement, described = _DESCRIBED[kind]
            out += sorted(described(_fetch(connection, statement, ids)), key=itemgetter("id"))
    return out


def events_of(session: Session, nodes: list[str]) -> list[Any]:
    """Every event that concerns any of `nodes`, in the order they happened (one statement per
    CHUNK of nodes)."""
    views = [_event_view(row) for row in _fetch(session.connection(), _EVENTS, nodes)]
    if len(nodes) <= CHUNK:
        return views
    once = {view.id: view for view in views}  # an event may name nodes of two chunks
    return sorted(once.values(), key=attrgetter("event_time", "id"))


@_per_chain_head("trace")
def trace(session: Session, code: str, direction: str) -> dict[str, Any]:
    """The graph upstream (`backward`: where it came from) or downstream (`forward`: where it
    went) of the thing `code` names, with every event that concerns its nodes."""
    start = resolve(session, code)
    edges = walk(session, [start], direction)
    nodes = {start} | {e.src for e in edges} | {e.dst for e in edges}
    return {
        "start": start,
        "direction": direction,
        "nodes": describe(session, nodes),
        "edges": [
            {
                "from": e.src,
                "to": e.dst,
                "event_id": e.event_id,
                "quantity": e.quantity,
                "uom": e.uom,
            }
            for e in edges
        ],
        "events": events_of(session, sorted(n for n in nodes if not n.startswith("location:"))),
    }


def carried_lots(session: Session, start: str) -> set[str]:
    """The lots on the pallets of a shipment (or on one pallet): the sources of the edges into
    its pallets, not the harvests further upstream (one walk back)."""
    edges = walk(session, [start], "backward")
    pallets = {start} if start.startswith("pallet:") else set()
    pallets |= {e.src for e in edges if e.dst == start and e.src.startswith("pallet:")}
    return {e.src for e in edges if e.dst in pallets and e.src.startswith("lot:")}


def _recalled_pallets(
    rows: Iterable[Row[*tuple[Any, ...]]], lot_ids: set[int]
) -> list[dict[str, Any]]:
    """A recall's pallets (a row per pallet and lot on it, by pallet) with their shipment's
    rows and the cartons of the recalled lots on each."""
    pallets: dict[int, dict[str, Any]] = {}
    for row in rows:
        pallet = pallets.get(row.id)
        if pallet is None:
            pallet = pallets[row.id] = {"row": row, "affected": 0}
        if row.lot_id in lot_ids:
            pallet["affected"] += row.lot_cartons
    return list(pallets.values())


def _shipped(pallets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shipments of a recall's pallets, by id, with their parties and affected cartons."""
    shipments: dict[int, dict[str, Any]] = {}
    for p in sorted((p for p in pallets if p["row"].shipment_id), key=_shipment_id):
        row = p["row"]
        shipment = shipments.get(row.shipment_id)
        if shipment is None:
            shipment = shipments[row.shipment_id] = {
                "id": row.shipment_id,
                "market": row.market,
                "status": row.status,
                "consignee": {
                    "id": row.consignee_id,
                    "name": row.consignee_name,
                    "country": (row.consignee_address or {}).get("country"),
                },
                "exporter": {"id": row.exporter_id, "name": row.exporter_name},
                "container_no": row.container_no,
                "bill_of_lading": row.bill_of_lading,
                "phyto_certificate_no": row.phyto_certificate_no,
                "departed_at": row.departed_at and row.departed_at.isoformat(),
                "arrived_at": row.arrived_at and row.arrived_at.isoformat(),
                "pallets": [],
                "cartons": 0,
            }
        shipment["pallets"].append(row.sscc)
        shipment["cartons"] += p["affected"]
    return list(shipments.values())


def _shipment_id(pallet: dict[str, Any]) -> int:
    ident: int = pallet["row"].shipment_id
    return ident


@_per_chain_head("recall")
def recall(session: Session, code: str) -> dict[str, Any]:
    """Everything downstream of `code`: shipments (market, consignee, cartons), pallets still
    on hand, and the lots concerned.

    A pallet or a shipment has nothing downstream worth recalling by itself: what is recalled
    is what it carried. Its recall goes back to the lots on its pallets and forward from them
    to every pallet, shipment and carton that shares them."""
    start = resolve(session, code)
    origins = [start]
    if start.startswith(("pallet:", "shipment:")):
        origins += sorted(carried_lots(session, start))
    edges = walk(session, origins, "forward")
    ids = _ids_by_kind(set(origins) | {e.dst for e in edges})
    connection = session.connection()  # Core rows, as describe reads them
    lots = _fetch(connection, _LOTS_BY_CODE, ids["lot"])
    if len(ids["lot"]) > CHUNK:  # each chunk came in its code order
        lots.sort(key=attrgetter("code"))
    pallet_rows = _fetch(connection, _RECALL_PALLETS, ids["pallet"])
    pallets = _recalled_pallets(pallet_rows, set(ids["lot"]))
    found = _shipped(pallets)
    in_stock = [
        {"sscc": p["row"].sscc, "location_id": p["row"].location_id, "cartons": p["affected"]}
        for p in pallets
        if p["row"].shipment_id is None
    ]
    return {
        "start": start,
        "shipments": found,
        "markets": sorted({s["market"] for s in found}),
        "consignees": sorted({s["consignee"]["name"] for s in found}),
        "pallets_not_shipped": in_stock,
        "lots": [
            {
                "code": lot.code,
                "kind": lot.kind,
                "quantity": lot.quantity,
                "unit": lot.unit,
                "cartons": lot.cartons,
                "on_hold": lot.on_hold,
            }
            for lot in lots
        ],
        "totals": {
            "shipments": len(found),
            "cartons_shipped": sum(s["cartons"] for s in found),
            "cartons_on_pallets_not_shipped": sum(p["cartons"] for p in in_stock),
            "cartons_not_palletised": sum(
                lot.cartons - lot.cartons_palletised for lot in lots if lot.cartons is not None
            ),
        },
    }
