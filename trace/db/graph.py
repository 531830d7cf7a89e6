"""The trace graph in SQL: one recursive query over `edge`, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Row, select
from sqlmodel import Session

from .models import Edge


def walk(session: Session, start: Iterable[str], direction: str) -> list[Row]:
    """Every edge reachable from `start`: upstream (`backward`) or downstream (`forward`).

    A node is visited once however many paths lead to it (UNION, not UNION ALL), so the
    query ends on any graph, and a mixed lot reached through two pallets costs one row.
    """
    start = list(start)
    if not start:
        return []
    edge = Edge.__table__
    cols = [edge.c.id, edge.c.src, edge.c.dst, edge.c.event_id, edge.c.quantity, edge.c.uom]
    backward = direction == "backward"
    near = edge.c.dst if backward else edge.c.src  # the end of an edge we arrive by
    reach = select(*cols).where(near.in_(start)).cte("reach", recursive=True)
    step = select(*cols).join(reach, near == (reach.c.src if backward else reach.c.dst))
    reach = reach.union(step)
    # Plain rows (id, src, dst, event_id, quantity, uom), not ORM objects: this is a hot path.
    return list(session.execute(select(reach).order_by(reach.c.id)))


def upstream_lot_ids(session: Session, lot_ids: Iterable[int]) -> set[int]:
    """`lot_ids` and the ids of every lot they came from."""
    ids = set(lot_ids)
    for edge in walk(session, [f"lot:{i}" for i in ids], "backward"):
        kind, _, ident = edge.src.partition(":")
        if kind == "lot":
            ids.add(int(ident))
    return ids
