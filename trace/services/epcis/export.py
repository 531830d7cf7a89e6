"""Export: the log's events for a lot, a shipment or a period as an EPCIS 2.0 document."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from trace.db.graph import walk
from trace.db.models import (
    Event,
    EventRef,
    Lot,
    User,
    node,
)
from trace.domain.epcis_document import epcis_document
from trace.domain.epcis_ids import Names
from trace.domain.errors import NotFound

from ..common import now
from ..shipments import get_shipment
from .mapping import stored_id, to_epcis


@dataclass(frozen=True)
class Scope:
    """Which events a document or a spreadsheet holds (docs/epcis.md, "What an export holds")."""

    lot: str | None = None
    shipment: int | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive

    def label(self) -> str:
        parts: list[str] = []
        if self.lot:
            parts.append(f"lot-{self.lot}")
        if self.shipment:
            parts.append(f"shipment-{self.shipment}")
        if self.start:
            parts.append(f"from-{self.start:%Y%m%d}")
        if self.end:
            parts.append(f"to-{self.end:%Y%m%d}")
        return "_".join(parts).replace("/", "-") or "all"


def scope_events(session: Session, scope: Scope, actor: User | None = None) -> list[Event]:
    """The events in `scope`, in the order they happened, corrections left out (they travel
    with the event they correct).

    - `lot`: the lot's whole trace graph, upstream (harvest lots, orchards) and downstream
      (pallets, shipments), with every event that concerns any lot, pallet or shipment in it
      (captured events too, where they name one of them);
    - `shipment`: the shipment and everything upstream of it, without the events of other
      lots, pallets and shipments its lots also went into (an importer: its own shipment
      only);
    - `start`/`end`: events that happened in the range (alone, or narrowing the above).
    """
    query = select(Event).where(Event.type != "correct")
    if scope.lot or scope.shipment:
        if scope.lot:
            found = session.exec(select(Lot.id).where(Lot.code == scope.lot)).first()
            if found is None:
                raise NotFound(f"no lot with code {scope.lot!r}", kind="lot.unknown", lot=scope.lot)
            start = node("lot", found)
            edges = [*walk(session, [start], "backward"), *walk(session, [start], "forward")]
        else:
            assert scope.shipment is not None  # a lot or a shipment, and not a lot
            shipment = get_shipment(session, scope.shipment, actor)
            start = node("shipment", stored_id(shipment.id))
            edges = walk(session, [start], "backward")
        reached = {start} | {e.src for e in edges} | {e.dst for e in edges}
        nodes = sorted(n for n in reached if not n.startswith("location:"))
        query = query.where(
            col(Event.id).in_(select(EventRef.event_id).where(col(EventRef.node).in_(nodes)))
        )
        if scope.shipment:
            # The lots upstream went into other lots, pallets and shipments too: their events
            # (a sibling lot packed from the same harvest, a pallet built for another consignee,
            # its loading, its departure) are not this shipment's story, and another party's
            # business.
            elsewhere = select(EventRef.event_id).where(
                or_(
                    col(EventRef.node).like("lot:%"),
                    col(EventRef.node).like("pallet:%"),
                    col(EventRef.node).like("shipment:%"),
                ),
                col(EventRef.node).not_in(nodes),
            )
            query = query.where(col(Event.id).not_in(elsewhere))
    if scope.start:
        query = query.where(Event.event_time >= scope.start)
    if scope.end:
        query = query.where(Event.event_time < scope.end)
    return list(session.exec(query.order_by(col(Event.event_time), col(Event.id))))


def export_document(
    session: Session, scope: Scope, names: Names, namespace: str, actor: User | None = None
) -> dict[str, Any]:
    """An EPCISDocument of every event in `scope` (EPCIS 2.0 §9.2)."""
    events = to_epcis(session, scope_events(session, scope, actor), names)
    return epcis_document(events, namespace, now(), f"urn:uuid:{uuid.uuid4()}")
