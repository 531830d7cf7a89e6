"""Export shipments: load pallets (market checks), depart, arrive."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from trace.db.graph import upstream_lot_ids
from trace.db.models import (
    ChainHead,
    Event,
    EventRef,
    Location,
    Lot,
    Pallet,
    PalletContent,
    Shipment,
    User,
    id_of,
    node,
)
from trace.domain import markets, shipping
from trace.domain.errors import DomainError, Forbidden, Invalid
from trace.domain.markets import Market
from trace.domain.shipping import gap_text
from trace.domain.timing import require_order

from .common import (
    check_event_time,
    existing,
    location_for_field,
    lock_chain,
    now,
    record,
    unit_of_work,
)
from .lots import events_of
from .masterdata import codes_of
from .packing import held_upstream


def get_shipment(session: Session, ident: int, actor: User | None = None) -> Shipment:
    shipment = existing(session, Shipment, kind="shipment.unknown", id=ident)
    if (
        actor is not None
        and actor.role == "importer"
        and shipment.consignee_id != actor.location_id
    ):
        raise Forbidden(
            f"shipment {ident} is not consigned to you", kind="shipment.not_consignee", id=ident
        )
    return shipment


def pallets_of(session: Session, shipment: Shipment) -> list[Pallet]:
    return list(
        session.exec(
            select(Pallet).where(Pallet.shipment_id == shipment.id).order_by(col(Pallet.id))
        )
    )


def chain_locations(session: Session, lots: list[Lot]) -> list[Location]:
    """The orchards, packing houses and treatment facilities that `lots` went through."""
    lot_ids = upstream_lot_ids(session, (id_of(lot) for lot in lots))
    place_ids: set[int | None] = {
        lot.orchard_id
        for lot in session.exec(select(Lot).where(col(Lot.id).in_(lot_ids)))
        if lot.orchard_id
    }
    refs = select(EventRef.event_id).where(
        col(EventRef.node).in_([node("lot", i) for i in lot_ids])
    )
    place_ids |= set(
        session.exec(
            select(col(Event.biz_location_id)).where(
                col(Event.id).in_(refs), col(Event.type).in_(["pack", "treat"])
            )
        )
    )
    place_ids.discard(None)
    return list(
        session.exec(
            select(Location).where(col(Location.id).in_(place_ids)).order_by(col(Location.id))
        )
    )


def chain_places(session: Session, lots: list[Lot]) -> tuple[shipping.Place, ...]:
    """The places of `lots`' chain with the codes each holds active (the rules' facts)."""
    places = chain_locations(session, lots)
    codes = codes_of(session, [id_of(p) for p in places])
    return tuple(
        shipping.Place(
            place.kind,
            place.name,
            frozenset((c.scheme, c.market) for c in codes[id_of(place)] if c.status == "active"),
        )
        for place in places
    )


def missing_codes(session: Session, lots: list[Lot], profile: Market) -> list[dict[str, str]]:
    """Each place in `lots`' chain without the active code the market's profile asks of its
    kind: ``{"kind", "name", "scheme", "issuer", "market"}``."""
    return shipping.missing_codes(chain_places(session, lots), profile)


def market_gaps(session: Session, lots: list[Lot], market: str) -> list[str]:
    """Why `lots` may not go to `market`: each place in their chain without an active code."""
    return [gap_text(g) for g in missing_codes(session, lots, markets.require(market))]


def treatments_of(session: Session, lot: Lot) -> frozenset[str]:
    """The treatment methods recorded on `lot` and every lot it came from."""
    lineage = upstream_lot_ids(session, [id_of(lot)])
    refs = select(EventRef.event_id).where(
        col(EventRef.node).in_([node("lot", i) for i in lineage])
    )
    treats = session.exec(select(Event).where(col(Event.id).in_(refs), Event.type == "treat"))
    return frozenset(event.data["method"] for event in treats if event.data.get("method"))


def lots_on(session: Session, pallets: list[Pallet]) -> list[Lot]:
    """The lots packed on `pallets`."""
    return list(
        session.exec(
            select(Lot)
            .join(PalletContent, col(PalletContent.lot_id) == Lot.id)
            .where(col(PalletContent.pallet_id).in_([p.id for p in pallets]))
            .distinct()
        )
    )


def loading(
    session: Session, pallets: list[Pallet], lots: list[Lot], consignee: Location | None
) -> shipping.Loading:
    """What the loading rules (trace/domain/shipping.py) read of `pallets` for `consignee`."""
    return shipping.Loading(
        pallets=tuple((p.sscc, p.shipment_id) for p in pallets),
        lots=tuple(
            shipping.LotFacts(lot.code, lot.commodity, treatments_of(session, lot)) for lot in lots
        ),
        held=tuple(lot.code for lot in held_upstream(session, lots)),
        places=chain_places(session, lots),
        consignee=shipping.Consignee(consignee.name, (consignee.address or {}).get("country"))
        if consignee is not None
        else None,
    )


def check_loading(
    session: Session,
    ssccs: list[str],
    market: str | None,
    consignee_id: int | None = None,
    own: int | None = None,
) -> list[DomainError] | None:
    """What loading the pallets `ssccs` for `market` would refuse, before it is asked: the
    same rules `create` applies (`own`: the shipment the pallets are in, when it is recorded).
    None when there is nothing to check yet (no market, no lots)."""
    found = session.exec(select(Pallet).where(col(Pallet.sscc).in_(ssccs)))
    pallets = sorted(found, key=lambda pallet: ssccs.index(pallet.sscc))  # as scanned
    lots = lots_on(session, pallets)
    if not (market and lots):
        return None
    consignee = session.get(Location, consignee_id) if consignee_id else None
    try:
        profile = markets.require(market)
    except DomainError as error:  # a market without a profile
        return [error]
    return list(shipping.loading_refusals(loading(session, pallets, lots, consignee), profile, own))


def _pallets(session: Session, ssccs: list[str]) -> list[Pallet]:
    """The pallets to load, each known and listed once."""
    pallets: list[Pallet] = []
    for i, sscc in enumerate(ssccs):
        pallet = session.exec(select(Pallet).where(Pallet.sscc == sscc)).first()
        if pallet is None:
            raise Invalid(
                f"pallets.{i}", f"no pallet with SSCC {sscc}", kind="pallet.unknown", sscc=sscc
            )
        if pallet in pallets:
            raise Invalid(
                f"pallets.{i}",
                f"pallet {sscc} is listed twice",
                kind="shipment.pallet_twice",
                sscc=sscc,
            )
        pallets.append(pallet)
    return pallets


def create(session: Session, actor: User, data: dict[str, Any]) -> Shipment:
    """Load pallets into a container for one consignee in one market (each pallet ships once,
    no lot on hold, what the market's profile asks: trace/domain/shipping.py)."""
    with unit_of_work(session):
        head = lock_chain(session)
        exporter = location_for_field(session, data["exporter_id"], "exporter_id", "exporter")
        consignee = location_for_field(session, data["consignee_id"], "consignee_id", "importer")
        when = check_event_time(data.get("loaded_at") or now(), "loaded_at")
        pallets = _pallets(session, data["pallets"])
        require_order(
            when, "the loading", [(f"pallet {p.sscc} was built", p.created_at) for p in pallets]
        )
        lots = lots_on(session, pallets)
        profile = markets.require(data["market"])
        refusals = shipping.loading_refusals(loading(session, pallets, lots, consignee), profile)
        if refusals:
            raise refusals[0]
        _check_route(data["market"], data)
        documents: dict[str, Any] = {key: data.get(key) for key in _DOCUMENTS}
        shipment = Shipment(
            exporter_id=id_of(exporter),
            consignee_id=id_of(consignee),
            market=data["market"],
            created_at=when,
            conveyance=data.get("conveyance") or "sea",
            **documents,
        )
        session.add(shipment)
        session.flush()
        _record_load(session, head, actor, shipment, pallets, lots)
    return shipment


# What a loading may say of the shipment's container, documents and truck.
_DOCUMENTS = (
    "container_no",
    "seal_no",
    "bill_of_lading",
    "phyto_certificate_no",
    "truck_plate",
    "trailer_plate",
    "border_gate",
)


def _record_load(
    session: Session,
    head: ChainHead,
    actor: User,
    shipment: Shipment,
    pallets: list[Pallet],
    lots: list[Lot],
) -> Event:
    """The pallets join the shipment; the `load` event says from where, which and for whom."""
    for pallet in pallets:
        pallet.shipment_id = shipment.id
        session.add(pallet)
    target = node("shipment", id_of(shipment))
    places = sorted({p.location_id for p in pallets})
    return record(
        session,
        head,
        "load",
        event_time=shipment.created_at,
        actor=actor,
        location_id=places[0] if len(places) == 1 else None,
        data={
            "sources": [{"type": "location", "location_id": i} for i in places],
            "shipment_id": shipment.id,
            "pallets": [p.sscc for p in pallets],
            "market": shipment.market,
            "container_no": shipment.container_no,
            **_vehicle(shipment),
        },
        refs=[
            target,
            *(node("pallet", id_of(p)) for p in pallets),
            *(node("lot", id_of(lot)) for lot in lots),
        ],
        edges=[(node("pallet", id_of(p)), target, p.cartons, "CT") for p in pallets],
    )


def _check_route(market: str, data: dict[str, Any]) -> None:
    """A road shipment crosses one of its market's border gates (the consignee's country is
    trace/domain/shipping.py's rule)."""
    profile = markets.get(market)
    if data.get("border_gate") and (profile is None or profile.gate(data["border_gate"]) is None):
        gates = ", ".join(g.code for g in profile.gates) if profile else ""
        raise Invalid(
            "border_gate",
            f"{data['border_gate']} is no border gate of {market} (its gates: {gates or 'none'})",
            kind="market.unknown_gate",
            market=market,
            gate=data["border_gate"],
        )


def _vehicle(shipment: Shipment) -> dict[str, str | None]:
    """What the load and ship events say of a road shipment's truck (nothing for sea or air)."""
    if shipment.conveyance != "road":
        return {}
    return {
        "conveyance": "road",
        "truck_plate": shipment.truck_plate,
        "trailer_plate": shipment.trailer_plate,
        "border_gate": shipment.border_gate,
    }


def _parties(shipment: Shipment) -> dict[str, Any]:
    """Who sends and who receives (EPCIS owning parties) and the shipment's documents."""
    return {
        "sources": [{"type": "owning_party", "location_id": shipment.exporter_id}],
        "destinations": [{"type": "owning_party", "location_id": shipment.consignee_id}],
        "biz_transactions": _transactions(shipment),
    }


def _transactions(shipment: Shipment) -> list[dict[str, str]]:
    pairs = [("bol", shipment.bill_of_lading), ("cert", shipment.phyto_certificate_no)]
    return [{"type": kind, "id": value} for kind, value in pairs if value]


def _refs(session: Session, shipment: Shipment) -> list[str]:
    pallets = pallets_of(session, shipment)
    lot_ids = session.exec(
        select(PalletContent.lot_id).where(
            col(PalletContent.pallet_id).in_([p.id for p in pallets])
        )
    )
    return [
        node("shipment", id_of(shipment)),
        *(node("pallet", id_of(p)) for p in pallets),
        *(node("lot", i) for i in lot_ids),
    ]


def depart(session: Session, actor: User, ident: int, data: dict[str, Any]) -> Event:
    with unit_of_work(session):
        head, shipment = lock_chain(session), get_shipment(session, ident)
        shipping.refuse_departure(ident, shipment.status)
        when = check_event_time(data["departed_at"], "departed_at")
        require_order(
            when, "the departure", [(f"shipment {ident} was loaded", shipment.created_at)]
        )
        port = (
            location_for_field(session, data["port_id"], "port_id", "port")
            if data.get("port_id")
            else None
        )
        shipment.status = "departed"
        shipment.departed_at = when
        return _record_trip(
            session,
            head,
            actor,
            shipment,
            "ship",
            when,
            port.id if port else shipment.exporter_id,
            container_no=shipment.container_no,
            seal_no=shipment.seal_no,
        )


def cross(session: Session, actor: User, ident: int, data: dict[str, Any]) -> Event:
    """The truck of a road shipment crossed the border at its gate: the pallets left Vietnam."""
    with unit_of_work(session):
        head, shipment = lock_chain(session), get_shipment(session, ident)
        shipping.refuse_crossing(ident, *_journey(shipment))
        when = check_event_time(data["crossed_at"], "crossed_at")
        assert shipment.departed_at is not None  # refuse_crossing let only a departed one by
        require_order(when, "the crossing", [(f"shipment {ident} departed", shipment.departed_at)])
        shipment.crossed_at = when
        return _record_trip(session, head, actor, shipment, "cross", when, None)


def _journey(shipment: Shipment) -> tuple[str, str, bool]:
    """Where a shipment is on its way, as the journey's rules read it (trace/domain/shipping.py):
    its status, conveyance, and whether its truck crossed the border."""
    return shipment.status, shipment.conveyance, shipment.crossed_at is not None


def _record_trip(
    session: Session,
    head: ChainHead,
    actor: User,
    shipment: Shipment,
    kind: str,
    when: datetime,
    place: int | None,
    **details: str | None,
) -> Event:
    """A departure (`ship`) or a border crossing (`cross`) at `when` and at `place` (an id; none
    for a crossing): the shipment's market, `details`, its truck and its parties."""
    session.add(shipment)
    data = {"shipment_id": shipment.id, "market": shipment.market, **details}
    data |= _vehicle(shipment) | _parties(shipment)
    refs = _refs(session, shipment)
    return record(
        session, head, kind, event_time=when, actor=actor, location_id=place, data=data, refs=refs
    )


def arrive(session: Session, actor: User, ident: int, data: dict[str, Any]) -> Event:
    with unit_of_work(session):
        head, shipment = lock_chain(session), get_shipment(session, ident, actor)
        shipping.refuse_arrival(ident, *_journey(shipment))
        when = check_event_time(data["arrived_at"], "arrived_at")
        since = shipment.crossed_at or shipment.departed_at
        assert since is not None  # refuse_arrival let only a departed one by
        if when < since:
            raise Invalid(
                "arrived_at",
                "a shipment cannot arrive before it departed"
                + (" and crossed the border" if shipment.crossed_at else ""),
                kind="shipment.arrival_before_departure",
                at=when,
                departed=since,
            )
        shipment.status = "arrived"
        shipment.arrived_at = when
        session.add(shipment)
        return record(
            session,
            head,
            "arrive",
            event_time=when,
            actor=actor,
            location_id=shipment.consignee_id,
            data={
                "shipment_id": shipment.id,
                "condition": data.get("condition"),
                **_parties(shipment),
            },
            refs=_refs(session, shipment),
        )


def list_shipments(
    session: Session, actor: User, filters: dict[str, Any], page: int, size: int
) -> tuple[Sequence[Shipment], int]:
    query = select(Shipment)
    if actor.role == "importer":
        query = query.where(Shipment.consignee_id == actor.location_id)
    for key in ("market", "status", "container_no", "phyto_certificate_no"):
        if filters.get(key):
            query = query.where(getattr(Shipment, key) == filters[key])
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Shipment.id)).offset((page - 1) * size).limit(size)
    ).all()
    return rows, total


def timeline(session: Session, shipment: Shipment) -> list[Event]:
    """A shipment's own events (loading, departure, arrival…), in the order they happened."""
    return events_of(session, [node("shipment", id_of(shipment))])
