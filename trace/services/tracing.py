"""Trace backward and forward from any code, and the recall report built on the forward trace."""

from __future__ import annotations

from sqlmodel import Session, select

from trace.db.graph import walk
from trace.db.models import (
    Location,
    LocationCode,
    Lot,
    Pallet,
    PalletContent,
    Product,
    Shipment,
    node,
)
from trace.domain.errors import NotFound
from trace.gs1 import Gln, GS1Error, Sscc, parse_digital_link

from .lots import events_of


def resolve(session: Session, code: str) -> str:
    """The graph node a code names: a lot code, an SSCC, a carton's Digital Link, a shipment
    id, an orchard's GLN or growing-area code."""
    code = code.strip()
    if "/01/" in code or "/00/" in code or "/414/" in code:
        try:
            link = parse_digital_link(code)
        except GS1Error as error:
            raise NotFound(f"{code!r} is not a Digital Link we can read: {error}") from None
        if link.sscc:
            code = str(link.sscc)
        elif link.gln:
            code = str(link.gln)
        elif link.lot:
            lot = session.exec(
                select(Lot)
                .join(Product, Product.id == Lot.product_id)
                .where(Lot.code == link.lot, Product.gtin == str(link.gtin))
            ).first()
            if lot:
                return node("lot", lot.id)
            raise NotFound(f"no lot {link.lot} of GTIN {link.gtin}")
        else:
            raise NotFound(f"{code!r} names a product, not a lot: add /10/<lot>")
    lot = session.exec(select(Lot).where(Lot.code == code)).first()
    if lot:
        return node("lot", lot.id)
    if code.isdigit() and len(code) == 18:
        try:
            pallet = session.exec(
                select(Pallet).where(Pallet.sscc == str(Sscc.parse(code)))
            ).first()
        except GS1Error as error:
            raise NotFound(str(error)) from None
        if pallet:
            return node("pallet", pallet.id)
    if code.isdigit() and len(code) == 13:
        try:
            place = session.exec(
                select(Location).where(Location.gln == str(Gln.parse(code)))
            ).first()
        except GS1Error:
            place = None
        if place:
            return node("location", place.id)
    if code.isdigit() and len(code) <= 9 and session.get(Shipment, int(code)):
        return node("shipment", int(code))
    orchard = session.exec(
        select(LocationCode.location_id).where(LocationCode.value == code)
    ).first()
    if orchard:
        return node("location", orchard)
    raise NotFound(
        f"nothing is known by {code!r}: give a lot code, an SSCC, a carton's Digital Link, "
        "a shipment id, a GLN or a growing-area code"
    )


def describe(session: Session, nodes: set[str]) -> list[dict]:
    """The nodes of a graph with what an inspector needs to recognise each."""
    ids: dict[str, list[int]] = {"location": [], "lot": [], "pallet": [], "shipment": []}
    for name in nodes:
        kind, _, ident = name.partition(":")
        ids[kind].append(int(ident))
    out = []
    for place in session.exec(select(Location).where(Location.id.in_(ids["location"]))):
        codes = session.exec(select(LocationCode).where(LocationCode.location_id == place.id)).all()
        out.append(
            {
                "id": node("location", place.id),
                "kind": place.kind,
                "label": place.name,
                "address": place.address,
                "codes": [
                    {"scheme": c.scheme, "value": c.value, "market": c.market, "status": c.status}
                    for c in codes
                ],
            }
        )
    for lot in session.exec(select(Lot).where(Lot.id.in_(ids["lot"]))):
        out.append(
            {
                "id": node("lot", lot.id),
                "kind": f"{lot.kind}_lot",
                "label": lot.code,
                "commodity": lot.commodity,
                "variety": lot.variety,
                "quantity": lot.quantity,
                "unit": lot.unit,
                "cartons": lot.cartons,
                "produced_on": lot.produced_on.isoformat(),
                "on_hold": lot.on_hold,
            }
        )
    for pallet in session.exec(select(Pallet).where(Pallet.id.in_(ids["pallet"]))):
        out.append(
            {
                "id": node("pallet", pallet.id),
                "kind": "pallet",
                "label": pallet.sscc,
                "cartons": pallet.cartons,
                "shipment_id": pallet.shipment_id,
            }
        )
    for shipment in session.exec(select(Shipment).where(Shipment.id.in_(ids["shipment"]))):
        out.append(
            {
                "id": node("shipment", shipment.id),
                "kind": "shipment",
                "label": f"shipment {shipment.id}",
                "market": shipment.market,
                "container_no": shipment.container_no,
                "status": shipment.status,
            }
        )
    order = {"location": 0, "lot": 1, "pallet": 2, "shipment": 3}
    out.sort(key=lambda n: (order[n["id"].split(":")[0]], n["id"]))
    return out


def trace(session: Session, code: str, direction: str) -> dict:
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


def recall(session: Session, code: str) -> dict:
    """Everything downstream of `code`: shipments (market, consignee, cartons), pallets still
    on hand, and the lots concerned."""
    start = resolve(session, code)
    edges = walk(session, [start], "forward")
    nodes = {start} | {e.dst for e in edges}
    lot_ids = [int(n[4:]) for n in nodes if n.startswith("lot:")]
    pallet_ids = [int(n[7:]) for n in nodes if n.startswith("pallet:")]
    lots = list(session.exec(select(Lot).where(Lot.id.in_(lot_ids)).order_by(Lot.code)))
    pallets = list(
        session.exec(select(Pallet).where(Pallet.id.in_(pallet_ids)).order_by(Pallet.id))
    )
    affected = {}  # pallet id → cartons of affected lots on it
    for content in session.exec(
        select(PalletContent).where(
            PalletContent.pallet_id.in_(pallet_ids), PalletContent.lot_id.in_(lot_ids)
        )
    ):
        affected[content.pallet_id] = affected.get(content.pallet_id, 0) + content.cartons
    shipment_ids = sorted({p.shipment_id for p in pallets if p.shipment_id})
    shipments = []
    for shipment in session.exec(select(Shipment).where(Shipment.id.in_(shipment_ids))):
        consignee = session.get(Location, shipment.consignee_id)
        exporter = session.get(Location, shipment.exporter_id)
        on_board = [p for p in pallets if p.shipment_id == shipment.id]
        shipments.append(
            {
                "id": shipment.id,
                "market": shipment.market,
                "status": shipment.status,
                "consignee": {
                    "id": consignee.id,
                    "name": consignee.name,
                    "country": consignee.address.get("country"),
                },
                "exporter": {"id": exporter.id, "name": exporter.name},
                "container_no": shipment.container_no,
                "bill_of_lading": shipment.bill_of_lading,
                "phyto_certificate_no": shipment.phyto_certificate_no,
                "departed_at": shipment.departed_at and shipment.departed_at.isoformat(),
                "arrived_at": shipment.arrived_at and shipment.arrived_at.isoformat(),
                "pallets": [p.sscc for p in on_board],
                "cartons": sum(affected.get(p.id, 0) for p in on_board),
            }
        )
    in_stock = [
        {"sscc": p.sscc, "location_id": p.location_id, "cartons": affected.get(p.id, 0)}
        for p in pallets
        if p.shipment_id is None
    ]
    cartons_unpalletised = sum(
        lot.cartons - lot.cartons_palletised for lot in lots if lot.cartons is not None
    )
    return {
        "start": start,
        "shipments": shipments,
        "markets": sorted({s["market"] for s in shipments}),
        "consignees": sorted({s["consignee"]["name"] for s in shipments}),
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
            "shipments": len(shipments),
            "cartons_shipped": sum(s["cartons"] for s in shipments),
            "cartons_on_pallets_not_shipped": sum(p["cartons"] for p in in_stock),
            "cartons_not_palletised": cartons_unpalletised,
        },
    }
