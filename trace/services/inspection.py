"""What the inspector's pages read: a lot with the pallets it is on, a pallet with its shipment
and packing house, a shipment with its pallets and parties, the chain around a node, and the
people and places an event timeline names.

Each page's reads in one call, so the staff pages reach the tables only through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from trace.db.graph import walk
from trace.db.models import Event, Location, Lot, Pallet, PalletContent, Shipment, User
from trace.db.models import node as node_of

from . import label_serials, lots, masterdata, packing, shipments, tracing
from .common import get_lot, id_of


@dataclass
class LotPage:
    """A lot, what it holds, what happened to it, its printed serials, the pallets it is on."""

    lot: Lot
    node: str
    state: dict[str, Any]
    events: list[Event]
    printed: list[tuple[int, int]]
    pallets: list[tuple[Pallet, int]]


@dataclass
class PalletPage:
    """A pallet, its lots and cartons, what happened to it, its shipment and packing house."""

    pallet: Pallet
    node: str
    contents: list[tuple[Lot, int]]
    events: list[Event]
    shipment: Shipment | None
    place: dict[str, Any] | None


@dataclass
class ShipmentPage:
    """A shipment, its pallets with their contents, what happened to it, and its exporter and
    consignee as they were when it was loaded."""

    shipment: Shipment
    node: str
    pallets: list[tuple[Pallet, list[tuple[Lot, int]]]]
    events: list[Event]
    exporter: dict[str, Any] | None
    consignee: dict[str, Any] | None


@dataclass
class EventNames:
    """Who recorded each event, and each place as it was at a time."""

    people: dict[int, str]
    places: masterdata.History


def lot_page(session: Session, code: str) -> LotPage:
    """A lot by its code (NotFound if none)."""
    lot = get_lot(session, code)
    on_pallets = session.exec(
        select(Pallet, PalletContent.cartons)
        .join(PalletContent, col(PalletContent.pallet_id) == col(Pallet.id))
        .where(PalletContent.lot_id == lot.id)
        .order_by(col(Pallet.id))
    )
    return LotPage(
        lot=lot,
        node=node_of("lot", id_of(lot)),
        state=lots.lot_state(session, lot),
        events=lots.timeline(session, lot),
        printed=label_serials.printed_serials(session, lot) if lot.kind == "packed" else [],
        pallets=list(on_pallets),
    )


def pallet_page(session: Session, sscc: str) -> PalletPage:
    """A pallet by its SSCC (NotFound if none); its packing house as it was when it was built."""
    pallet = packing.get_pallet(session, sscc)
    where = masterdata.history(session, [pallet.location_id])
    return PalletPage(
        pallet=pallet,
        node=node_of("pallet", id_of(pallet)),
        contents=packing.pallet_contents(session, pallet),
        events=lots.events_of(session, [node_of("pallet", id_of(pallet))]),
        shipment=shipments.get_shipment(session, pallet.shipment_id)
        if pallet.shipment_id
        else None,
        place=where.location(pallet.location_id, pallet.created_at),
    )


def shipment_page(session: Session, ident: int) -> ShipmentPage:
    """A shipment by its number (NotFound if none)."""
    shipment = shipments.get_shipment(session, ident)
    then = masterdata.history(session, [shipment.exporter_id, shipment.consignee_id])
    return ShipmentPage(
        shipment=shipment,
        node=node_of("shipment", id_of(shipment)),
        pallets=[
            (p, packing.pallet_contents(session, p))
            for p in shipments.pallets_of(session, shipment)
        ],
        events=shipments.timeline(session, shipment),
        exporter=then.location(shipment.exporter_id, shipment.created_at),
        consignee=then.location(shipment.consignee_id, shipment.created_at),
    )


def place_name(session: Session, ident: int) -> str | None:
    """A location's name, or None if there is no such location."""
    place = session.get(Location, ident)
    return place.name if place else None


def around(session: Session, start: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The graph upstream and downstream of a node, described for the picture."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for direction in ("backward", "forward"):
        for row in walk(session, [start], direction):
            edges[(row.src, row.dst)] = {
                "from": row.src,
                "to": row.dst,
                "quantity": row.quantity,
                "uom": row.uom,
            }
    names = {start} | {e["from"] for e in edges.values()} | {e["to"] for e in edges.values()}
    return tracing.describe(session, names), list(edges.values())


def names_in(session: Session, events: Iterable[Event]) -> EventNames:
    """The people who recorded `events` and the places they name (their own and their sources'),
    each place with its history so that an event shows it as it was then."""
    events = list(events)
    ids = {e.biz_location_id for e in events} | {
        s.get("location_id") for e in events for s in (e.data or {}).get("sources", []) or []
    }
    ids.discard(None)
    users = {e.user_id for e in events} - {None}
    people = {id_of(u): u.name for u in session.exec(select(User).where(col(User.id).in_(users)))}
    return EventNames(people=people, places=masterdata.history(session, ids))
