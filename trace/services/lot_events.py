"""Which events a lot's public story tells: the lot's neighbourhood in the trace graph (the lots
and orchards upstream, the pallets and shipments downstream) and their events, corrections
applied, in the order they happened. Read by `trace.services.public_page`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from trace.db.graph import walk
from trace.db.models import Event, EventRef, Lot, node

from .common import id_of

# Event kinds a timeline shows, in words the templates translate.
TIMELINE_KINDS = frozenset(
    {
        "harvest",
        "receive",
        "cool",
        "treat",
        "wash",
        "grade",
        "store",
        "inspect",
        "pack",
        "palletise",
        "load",
        "ship",
        "cross",
        "arrive",
    }
)


def _corrected(session: Session, events: list[Event]) -> dict[int, dict[str, Any]]:
    """Each event's data with its corrections applied (the original stays in the log)."""
    data = {id_of(e): dict(e.data or {}) for e in events}
    if data:
        fixes = session.exec(
            select(Event).where(col(Event.corrects_id).in_(list(data))).order_by(col(Event.id))
        )
        for fix in fixes:
            assert fix.corrects_id is not None, "the query reads corrections only"
            data[fix.corrects_id].update((fix.data or {}).get("changes", {}))
            data[fix.corrects_id]["_corrected"] = True
    return data


def chain(session: Session, lot: Lot) -> dict[str, set[int]]:
    """The lot's graph neighbourhood: upstream lots and orchards, downstream pallets, shipments."""
    start = node("lot", id_of(lot))
    up = walk(session, [start], "backward")
    down = walk(session, [start], "forward")
    ids: dict[str, set[int]] = {
        "lot": {id_of(lot)},
        "location": set(),
        "pallet": set(),
        "shipment": set(),
    }
    for edge in up:
        for name in (edge.src, edge.dst):
            kind, _, ident = name.partition(":")
            if kind in ("lot", "location"):
                ids[kind].add(int(ident))
    for edge in down:  # a repack's lots downstream are another product's story
        kind, _, ident = edge.dst.partition(":")
        if kind in ("pallet", "shipment"):
            ids[kind].add(int(ident))
    return ids


def events(
    session: Session, lot: Lot, chain: dict[str, set[int]], lots: list[Lot]
) -> list[tuple[Event, dict[str, Any]]]:
    """The events of the lot's story, with corrected data, in the order they happened."""
    own = {node("lot", id_of(lot))}
    own |= {node("pallet", i) for i in chain["pallet"]}
    own |= {node("shipment", i) for i in chain["shipment"]}
    upstream = {node("lot", i) for i in chain["lot"] - {id_of(lot)}}
    refs: dict[int, set[str]] = {}
    for event_id, name in session.exec(
        select(EventRef.event_id, EventRef.node).where(col(EventRef.node).in_(own | upstream))
    ):
        refs.setdefault(event_id, set()).add(name)
    if not refs:
        return []
    events = list(
        session.exec(
            select(Event)
            .where(col(Event.id).in_(list(refs)))
            .order_by(col(Event.event_time), col(Event.id))
        )
    )
    codes = {other.code for other in lots}
    kept = []
    for event in events:
        if event.type not in TIMELINE_KINDS:
            continue
        if (
            event.type == "pack"
        ):  # the packings that made this lot or used it, not its inputs' other ones
            outputs = {o.get("lot") for o in (event.data or {}).get("outputs", [])}
            if not outputs & codes and node("lot", id_of(lot)) not in refs[id_of(event)]:
                continue
        elif not refs[id_of(event)] & own and event.event_time > lot.created_at:
            continue  # what happened to an input lot's rest after this lot was packed
        kept.append(event)
    data = _corrected(session, kept)
    return [(event, data[id_of(event)]) for event in kept]
