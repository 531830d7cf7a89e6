"""The trace graph in SQL: one recursive query over `edge`, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, bindparam, text
from sqlmodel import Session

# Written once as plain SQL: a walk is on every trace, recall and public lot page, and building
# the statement from constructs each time cost more than running it (bench/trace.py).
_WALK = """
WITH RECURSIVE reach(id, src, dst, event_id, quantity, uom) AS (
    SELECT id, src, dst, event_id, quantity, uom FROM edge WHERE {near} IN :start
    UNION
    SELECT e.id, e.src, e.dst, e.event_id, e.quantity, e.uom
    FROM edge e JOIN reach r ON e.{near} = r.{far}
)
SELECT id, src, dst, event_id, quantity, uom FROM reach ORDER BY id
"""
_WALKS = {
    direction: text(_WALK.format(near=near, far=far)).bindparams(bindparam("start", expanding=True))
    for direction, near, far in (("backward", "dst", "src"), ("forward", "src", "dst"))
}


# Nodes per IN list: far under the bound parameters a statement may take (SQLite 32,766,
# PostgreSQL 65,535); more are read in several statements (trace/services/tracing.py too).
CHUNK = 5_000


def walk(session: Session, start: Iterable[str], direction: str) -> list[Row[*tuple[Any, ...]]]:
    """Every edge reachable from `start`: upstream (`backward`) or downstream (`forward`).

    A node is visited once however many paths lead to it (UNION, not UNION ALL), so the
    query ends on any graph, and a mixed lot reached through two pallets costs one row.
    Plain rows (id, src, dst, event_id, quantity, uom) in id order, not ORM objects; a walk
    per CHUNK of starts, their edges merged.
    """
    start = list(start)
    statement = _WALKS["backward" if direction == "backward" else "forward"]
    # Through the session's connection: Core rows, without the ORM's step per statement, all
    # fetched at once.
    connection = session.connection()
    walks = [
        connection.execute(statement, {"start": start[i : i + CHUNK]}).all()
        for i in range(0, len(start), CHUNK)
    ]
    if len(walks) <= 1:
        return list(walks[0]) if walks else []
    return sorted({edge.id: edge for edges in walks for edge in edges}.values(), key=_id)


def _id(edge: Row[*tuple[Any, ...]]) -> int:
    return int(edge.id)


def upstream_lot_ids(session: Session, lot_ids: Iterable[int]) -> set[int]:
    """`lot_ids` and the ids of every lot they came from."""
    ids = set(lot_ids)
    for edge in walk(session, [f"lot:{i}" for i in ids], "backward"):
        kind, _, ident = edge.src.partition(":")
        if kind == "lot":
            ids.add(int(ident))
    return ids
