"""The public pages' data: what a phone that scans a lot's, pallet's, place's or product's code
may see.

Every page is a plain dict built from a whitelist of fields, never from a whole row: the
public sees places (name, commune, district, province, official codes), products, dates,
treatments, certificates, markets and a timeline, and never prices, people (users, crews,
inspectors), consignees, container or seal numbers, bills of lading or notes. New columns
or event fields stay private until they are added here.

No Flask: the views in `trace/lookup/` translate and render what these functions return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from trace.db import models
from trace.db.models import id_of, node
from trace.domain.local_time import local as _local
from trace.domain.masterdata import location_state

from . import lot_events, masterdata
from .freshness import revision
from .linkset import lot_path
from .lookup import PUBLIC_PLACES


def _road(shipment: models.Shipment, crossed_at: datetime | None) -> dict[str, Any]:
    """How a shipment travels, for the public page: by road, its border gate and when the truck
    crossed (never the truck's plates: they are the carrier's business)."""
    return {
        "conveyance": shipment.conveyance,
        "border_gate": shipment.border_gate,
        "crossed_at": crossed_at,
    }


def _place(
    location: models.Location | None, codes: list[models.LocationCode], markets: set[str]
) -> dict[str, Any] | None:
    """A location as the public sees it; None for a consignee or nothing."""
    if location is None:
        return None
    state = location_state(location.model_dump(), [c.model_dump() for c in codes])
    return _shown(state, markets)


def _shown(state: dict[str, Any] | None, markets: set[str]) -> dict[str, Any] | None:
    """A place's state (its current row or a master-data version) as the public sees it."""
    if state is None or state["kind"] not in PUBLIC_PLACES:
        return None
    address = state["address"] or {}
    wanted = [c for c in state["codes"] if c["status"] == "active"]
    if markets:  # the codes that matter for where this fruit went
        wanted = [c for c in wanted if c["market"] in markets] or wanted
    return {
        "name": state["name"],
        "kind": state["kind"],
        "gln": state["gln"],
        "commune": address.get("commune"),
        "district": address.get("district"),
        "province": address.get("province"),
        "country": address.get("country"),
        "codes": [
            {"scheme": c["scheme"], "value": c["value"], "market": c["market"]} for c in wanted
        ],
    }


class _Then:
    """The public view of places and products as they were at each moment asked (one query for
    all the versions of the places and products a page names, each place version shown once)."""

    def __init__(
        self,
        session: Session,
        ids: set[int],
        markets: set[str],
        products: Iterable[int] = frozenset(),
    ) -> None:
        self.history = masterdata.history(session, ids, products)
        self.markets = markets
        self._shown: dict[int, dict[str, Any] | None] = {}

    def at(self, ident: int | None, moment: datetime | None) -> dict[str, Any] | None:
        state = self.history.location(ident, moment)
        if state is None:
            return None
        key = id(state)
        if key not in self._shown:
            self._shown[key] = _shown(state, self.markets)
        return self._shown[key]

    def product(self, ident: int | None, moment: datetime | None) -> dict[str, Any] | None:
        return _product(self.history.product(ident, moment))


def _places(
    session: Session, given: set[int | None], markets: set[str]
) -> dict[int, dict[str, Any]]:
    ids = {i for i in given if i is not None}
    if not ids:
        return {}
    locations = session.exec(select(models.Location).where(col(models.Location.id).in_(ids))).all()
    codes: dict[int, list[models.LocationCode]] = {i: [] for i in ids}
    for code in session.exec(
        select(models.LocationCode)
        .where(col(models.LocationCode.location_id).in_(ids))
        .order_by(col(models.LocationCode.id))
    ):
        codes[code.location_id].append(code)
    out = {}
    for location in locations:
        shown = _place(location, codes[id_of(location)], markets)
        if shown is not None:
            out[id_of(location)] = shown
    return out


def _product(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """A product's state (its current row or a master-data version) as the public sees it."""
    if state is None:
        return None
    return {
        "gtin": state["gtin"],
        "name": dict(state["name"] or {}),
        "commodity": state["commodity"],
        "variety": state["variety"],
        "net_weight_kg": state["net_weight_kg"],
    }


def product_page(session: Session, product: models.Product) -> dict[str, Any]:
    """A trade item without a lot: what it is now (scan a carton's full code for its history)."""
    return {"product": _product(masterdata.state_of_product(product))}


@dataclass(frozen=True)
class Story:
    """A lot's public view and what it was read from, so a copy of it can be kept.

    `nodes` are the lots, pallets and shipments whose events the view shows; `as_of` the last
    event recorded before it was read. The view stays true until an event after `as_of` names
    one of `nodes` (a new pallet or shipment of the lot, a correction or a hold names the lot
    or a pallet of it too: see `changed_since`) or a place or product is changed (`revision`).
    """

    view: dict[str, Any]
    nodes: frozenset[str]
    as_of: int
    master_data: int  # the revision of places and products it was read at
    labels: int = 0  # the last label job when it was read (`freshness.Revision`)


def lot_page(session: Session, lot: models.Lot) -> dict[str, Any]:
    """Everything a shopper, a buyer or an inspector may see about one lot, and its timeline."""
    return lot_story(session, lot).view


def lot_story(session: Session, lot: models.Lot) -> Story:
    """The lot's public view (`lot_page`) with the nodes and the last event it was read from."""
    # Read first: an event recorded while the view is read has a larger id (writers take ids
    # under the chain lock), so the copy is never believed newer than it is.
    seen = revision(session.connection())
    chain = lot_events.chain(session, lot)
    nodes = frozenset(
        node(kind, ident) for kind in ("lot", "pallet", "shipment") for ident in chain[kind]
    )
    return Story(_lot_view(session, lot, chain), nodes, *seen)


def _lot_view(session: Session, lot: models.Lot, chain: dict[str, set[int]]) -> dict[str, Any]:
    """The lot's public view: where it grew, its packing, treatments, shipments, certificates
    and timeline, each place and product as it was when an event named it."""
    lots = list(session.exec(select(models.Lot).where(col(models.Lot.id).in_(chain["lot"]))))
    shipments = list(
        session.exec(
            select(models.Shipment)
            .where(col(models.Shipment.id).in_(chain["shipment"]))
            .order_by(col(models.Shipment.id))
        )
    )
    events = lot_events.events(session, lot, chain, lots)
    then = _then(session, lot, chain, lots, shipments, events)
    told = _tell(lot, events, shipments, then)
    certificates = [
        {"kind": "treatment", "method": t["method"], "number": t["certificate_no"]}
        for t in told.treatments
        if t["certificate_no"]
    ]
    certificates += [
        {"kind": "phytosanitary", "market": s.market, "number": s.phyto_certificate_no}
        for s in shipments
        if s.phyto_certificate_no
    ]
    return {
        "lot": {"code": lot.code, "kind": lot.kind, "produced_on": lot.produced_on},
        "product": then.product(lot.product_id, told.packed_at),
        "commodity": lot.commodity,
        "variety": lot.variety,
        "orchards": _orchards(lots, events, then),
        "packing": told.packing,
        "treatments": told.treatments,
        "shipments": [_shipped(shipment, told, then) for shipment in shipments],
        "certificates": certificates,
        "timeline": told.timeline,
        "on_hold": lot.on_hold,
        "exporter_contact": masterdata.consumer_contact(
            session, [s.exporter_id for s in shipments]
        ),
    }


def _then(
    session: Session,
    lot: models.Lot,
    chain: dict[str, set[int]],
    lots: list[models.Lot],
    shipments: list[models.Shipment],
    events: list[tuple[models.Event, dict[str, Any]]],
) -> _Then:
    """Each event names its places as they were when it happened (a past harvest keeps the
    orchard's name and codes of its day), the product is the one packed and the exporter the
    one that loaded the shipment: all their versions in one query."""
    markets = {s.market for s in shipments}
    place_ids = set(chain["location"]) | {x.orchard_id for x in lots}
    place_ids |= {e.biz_location_id for e, _ in events} | {s.exporter_id for s in shipments}
    products = {lot.product_id} if lot.product_id else set()
    return _Then(session, {i for i in place_ids if i is not None}, markets, products)


def _orchards(
    lots: list[models.Lot], events: list[tuple[models.Event, dict[str, Any]]], then: _Then
) -> list[dict[str, Any]]:
    """Where the produce grew: each orchard once, as it was at the harvest, with its days."""
    harvested_at = {
        item.get("lot"): event.event_time
        for event, data in events
        if event.type == "harvest"
        for item in data.get("quantities", [])[:1]
    }
    orchards: dict[tuple[int | None, str], dict[str, Any]] = {}
    for harvest in sorted((x for x in lots if x.kind == "harvest"), key=lambda x: x.produced_on):
        orchard = then.at(harvest.orchard_id, harvested_at.get(harvest.code, harvest.created_at))
        if orchard is not None:
            key = (harvest.orchard_id, orchard["name"])
            entry = orchards.setdefault(key, {**orchard, "harvested_on": []})
            if harvest.produced_on not in entry["harvested_on"]:
                entry["harvested_on"].append(harvest.produced_on)
    return list(orchards.values())


@dataclass
class _Told:
    """What a lot's events tell its page, read in one pass over them (`_tell`)."""

    packed_at: datetime  # when the lot was packed: its product is shown as it was then
    timeline: list[dict[str, Any]] = field(default_factory=list)
    treatments: list[dict[str, Any]] = field(default_factory=list)
    packing: dict[str, Any] | None = None
    # Per shipment id (as the events say it): when it departed and from which port, crossed
    # the border, was loaded.
    departures: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    crossings: dict[int | None, datetime] = field(default_factory=dict)
    loaded_at: dict[int | None, datetime] = field(default_factory=dict)


def _tell(
    lot: models.Lot,
    events: list[tuple[models.Event, dict[str, Any]]],
    shipments: list[models.Shipment],
    then: _Then,
) -> _Told:
    """The timeline, each entry once, and what the events say besides (treatments, packing,
    departures, crossings), in the order they happened."""
    told = _Told(packed_at=lot.created_at)
    for event, data in events:
        at = _local(event.event_time, event.tz_offset)
        place = then.at(event.biz_location_id, event.event_time)
        entry = {"kind": event.type, "at": at, "place": place, "corrected": "_corrected" in data}
        if event.type in ("load", "ship", "cross", "arrive"):
            _travel(told, event, data, entry, shipments)
        else:
            _step(told, lot, event, data, entry)
        if entry not in told.timeline:
            told.timeline.append(entry)
    return told


def _step(
    told: _Told, lot: models.Lot, event: models.Event, data: dict[str, Any], entry: dict[str, Any]
) -> None:
    """A step at a place of the chain: what its timeline entry adds, a treatment, the packing."""
    at, place = entry["at"], entry["place"]
    if event.type in ("cool", "store"):
        entry["temperature_c"] = data.get("temperature_c")
    elif event.type == "grade":
        entry["size_classes"] = [g["size_class"] for g in data.get("grades", [])]
    elif event.type == "treat":
        entry["method"] = data.get("method")
        treatment = {
            "method": data.get("method"),
            "facility": place,
            "at": at,
            "certificate_no": data.get("certificate_no"),
        }
        if treatment not in told.treatments:  # two input lots treated in one batch
            told.treatments.append(treatment)
    elif event.type == "inspect":
        entry["passed"] = data.get("result") == "pass"
    elif event.type == "pack":
        outputs = {o.get("lot") for o in data.get("outputs", [])}
        if lot.code in outputs:
            told.packing = {"house": place, "at": at, "packed_on": lot.produced_on}
            told.packed_at = event.event_time


def _travel(
    told: _Told,
    event: models.Event,
    data: dict[str, Any],
    entry: dict[str, Any],
    shipments: list[models.Shipment],
) -> None:
    """A shipment's event: its market, and when it was loaded, departed (from which port) and
    crossed a border."""
    shipment_id: int | None = data.get("shipment_id")
    market = data.get("market") or next((s.market for s in shipments if s.id == shipment_id), None)
    entry["market"] = market
    if event.type == "load":
        told.loaded_at.setdefault(shipment_id, event.event_time)
    if event.type == "arrive":
        entry["place"] = None  # the consignee's premises
    if event.type == "ship":
        place = entry["place"]
        port = place if place and place["kind"] == "port" else None
        told.departures[shipment_id] = {"at": entry["at"], "port": port}
    if event.type == "cross":
        entry["gate"] = data.get("border_gate")
        told.crossings[shipment_id] = entry["at"]


def _shipped(shipment: models.Shipment, told: _Told, then: _Then) -> dict[str, Any]:
    """A shipment of the lot as the public sees it (never its consignee or container)."""
    departure = told.departures.get(shipment.id, {})
    return {
        "market": shipment.market,
        "status": shipment.status,
        "departed_at": departure.get("at") or _local(shipment.departed_at),
        "port": departure.get("port"),
        **_road(shipment, told.crossings.get(shipment.id)),
        "arrived_at": _local(shipment.arrived_at),
        "exporter": then.at(
            shipment.exporter_id, told.loaded_at.get(shipment.id, shipment.created_at)
        ),
    }


def pallet_page(session: Session, pallet: models.Pallet) -> dict[str, Any]:
    """A pallet (SSCC): where it was built, the lots on it, and where it went."""
    rows = session.exec(
        select(models.Lot, models.PalletContent.cartons, models.Product.gtin)
        .join(models.PalletContent, col(models.PalletContent.lot_id) == models.Lot.id)
        .join(models.Product, col(models.Product.id) == models.Lot.product_id, isouter=True)
        .where(models.PalletContent.pallet_id == pallet.id)
        .order_by(models.Lot.code)
    ).all()
    shipment = session.get(models.Shipment, pallet.shipment_id) if pallet.shipment_id else None
    markets = {shipment.market} if shipment else set()
    ids = {pallet.location_id} | ({shipment.exporter_id} if shipment else set())
    # The packing house as it was when the pallet was built, each product as it was packed,
    # the exporter as it was when the shipment was made: all their versions in one query.
    products = {lot.product_id for lot, _, _ in rows if lot.product_id}
    then = _Then(session, ids, markets, products)
    lots = []
    for lot, cartons, gtin in rows:
        product = then.product(lot.product_id, lot.created_at)
        lots.append(
            {
                "code": lot.code,
                "gtin": gtin,
                "path": lot_path(lot.code, gtin),
                "cartons": cartons,
                "packed_on": lot.produced_on,
                "product": product,
                "commodity": lot.commodity,
                "variety": lot.variety,
            }
        )
    return {
        "pallet": {
            "sscc": pallet.sscc,
            "cartons": pallet.cartons,
            "built_at": _local(pallet.created_at),
        },
        "house": then.at(pallet.location_id, pallet.created_at),
        "lots": lots,
        "shipment": {
            "market": shipment.market,
            "status": shipment.status,
            "departed_at": _local(shipment.departed_at),
            **_road(shipment, _local(shipment.crossed_at)),
            "arrived_at": _local(shipment.arrived_at),
            "exporter": then.at(shipment.exporter_id, shipment.created_at),
        }
        if shipment
        else None,
    }


def place_page(session: Session, place: models.Location) -> dict[str, Any]:
    """A public location (GLN): what it is, where, and the official codes it holds."""
    return {"place": _places(session, {place.id}, set())[id_of(place)]}
