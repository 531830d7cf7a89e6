"""What the pure mapping (`trace.domain.epcis_mapping`) needs from the database: events as records,
the lots, places and shipments they name, and places as they were at an event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from trace.db.models import (
    Event,
    Location,
    LocationCode,
    Lot,
    Pallet,
    Product,
    Shipment,
)
from trace.domain.epcis_context import Sent
from trace.domain.epcis_ids import Names
from trace.domain.epcis_lookup import Lookup, LotInfo, Place, ShipInfo
from trace.domain.epcis_mapping import corrected_data, corrective_event, declare_error, map_event

from .. import masterdata
from ..common import event_record

CHUNK = 500  # identifiers per IN (…) clause

_T = TypeVar("_T")


def chunks(values: Iterable[_T], size: int = CHUNK) -> Iterator[list[_T]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_id(ident: int | None) -> int:
    """An id read from the database: a row's (None only before it is flushed), or a key the
    query made sure is set."""
    if ident is None:
        raise ValueError("a row read from the database has an id")
    return ident


def lookup(session: Session, events: list[Event]) -> Lookup:
    """The lots, places and shipments `events` name."""
    codes: set[str] = set()
    place_ids: set[int | None] = set()
    shipment_ids: set[int] = set()
    for event in events:
        data = event.data or {}
        place_ids |= {event.read_point_id, event.biz_location_id}
        for key in ("quantities", "inputs", "outputs", "children"):
            codes |= {item["lot"] for item in data.get(key, []) if item.get("lot")}
        for key in ("sources", "destinations"):
            place_ids |= {item.get("location_id") for item in data.get(key, [])}
        if data.get("shipment_id"):
            shipment_ids.add(data["shipment_id"])
    look = Lookup()
    for chunk in chunks(shipment_ids):
        for shipment in session.exec(select(Shipment).where(col(Shipment.id).in_(chunk))):
            ident = stored_id(shipment.id)
            pallets = session.exec(
                select(Pallet.sscc).where(Pallet.shipment_id == ident).order_by(col(Pallet.id))
            ).all()
            look.shipments[ident] = ShipInfo(
                id=ident,
                pallets=tuple(pallets),
                market=shipment.market,
                exporter_id=shipment.exporter_id,
                consignee_id=shipment.consignee_id,
                container_no=shipment.container_no,
                seal_no=shipment.seal_no,
                bill_of_lading=shipment.bill_of_lading,
                phyto_certificate_no=shipment.phyto_certificate_no,
            )
            place_ids |= {shipment.exporter_id, shipment.consignee_id}
    for some_codes in chunks(codes):
        rows = session.exec(
            select(Lot, Product.gtin)
            .join(Product, col(Product.id) == Lot.product_id, isouter=True)
            .where(col(Lot.code).in_(some_codes))
        )
        for lot, gtin in rows:
            look.lots[lot.code] = LotInfo(lot.code, gtin, lot.kind)
    look.places = places(session, place_ids)
    return look


def places(session: Session, ids: Iterable[int | None]) -> dict[int, Place]:
    known = {i for i in ids if i is not None}
    out: dict[int, Place] = {}
    codes: dict[int, list[dict[str, str]]] = defaultdict(list)
    for chunk in chunks(known):
        for code in session.exec(
            select(LocationCode)
            .where(col(LocationCode.location_id).in_(chunk))
            .order_by(col(LocationCode.id))
        ):
            codes[code.location_id].append(
                {
                    "scheme": code.scheme,
                    "value": code.value,
                    "market": code.market,
                    "status": code.status,
                }
            )
        for place in session.exec(select(Location).where(col(Location.id).in_(chunk))):
            ident = stored_id(place.id)
            out[ident] = Place(
                id=ident,
                kind=place.kind,
                name=place.name,
                gln=place.gln,
                address=dict(place.address or {}),
                codes=tuple(codes[ident]),
                phone=place.phone,
            )
    return out


def place_of(ident: int, state: Mapping[str, Any]) -> Place:
    """A master-data version of a place (`trace.domain.masterdata.location_state`) as the
    mappings see places."""
    return Place(
        id=ident,
        kind=state["kind"],
        name=state["name"],
        gln=state.get("gln"),
        address=dict(state.get("address") or {}),
        codes=tuple(
            {k: c[k] for k in ("scheme", "value", "market", "status")} for c in state["codes"]
        ),
        phone=state.get("phone"),
    )


class PlaceHistory:
    """Places as they were at a moment: their versions fetched once (`masterdata.history`),
    each version made a Place once however many events name it."""

    def __init__(self, session: Session, ids: Iterable[int | None]):
        self.history = masterdata.history(session, ids)
        self._made: dict[int, Place] = {}

    def at(self, ident: int | None, moment: datetime | None) -> Place | None:
        state = self.history.location(ident, moment)
        if ident is None or state is None:  # the history holds versions of ids only
            return None
        place = self._made.get(id(state))
        if place is None:
            place = self._made[id(state)] = place_of(ident, state)
        return place

    def view(self, current: Mapping[int, Place], moment: datetime) -> Mapping[int, Place]:
        return _PlacesAt(self, current, moment)


class _PlacesAt(Mapping[int, Place]):
    """`look.places` as they were at one moment (what the mapping of one event reads)."""

    def __init__(self, history: PlaceHistory, current: Mapping[int, Place], moment: datetime):
        self.history, self.current, self.moment = history, current, moment

    def __getitem__(self, ident: int) -> Place:
        return self.history.at(ident, self.moment) or self.current[ident]

    def __iter__(self) -> Iterator[int]:
        return iter(self.current)

    def __len__(self) -> int:
        return len(self.current)


def as_of(look: Lookup, history: PlaceHistory, moment: datetime) -> Lookup:
    """`look` with its places as they were at `moment`."""
    return Lookup(
        lots=look.lots, places=history.view(look.places, moment), shipments=look.shipments
    )


def corrections_of(session: Session, ids: Iterable[int]) -> dict[int, list[Event]]:
    out: dict[int, list[Event]] = defaultdict(list)
    for chunk in chunks(ids):
        for fix in session.exec(
            select(Event).where(col(Event.corrects_id).in_(chunk)).order_by(col(Event.id))
        ):
            out[stored_id(fix.corrects_id)].append(fix)
    return out


def to_epcis(
    session: Session,
    events: list[Event],
    names: Names,
    look: Lookup | None = None,
    sizes: list[int] | None = None,
) -> list[dict[str, Any]]:
    """`events` (no corrections among them) as EPCIS events. A corrected event carries an
    errorDeclaration and is followed by its corrective events, each declaring the next. A
    captured event its sender declared erroneous carries the sender's errorDeclaration as sent
    (the sender's corrective events are captured events of their own)."""
    fixes = corrections_of(session, [stored_id(e.id) for e in events])
    look = look or lookup(session, [*events, *(f for group in fixes.values() for f in group)])
    history = PlaceHistory(session, look.places)
    current = look
    out: list[dict[str, Any]] = []
    for event in events:
        # A past event names its places as they were then (a renamed orchard, a code added
        # since, a changed GLN do not rewrite it).
        look = as_of(current, history, event.event_time)
        record = event_record(event)
        group = fixes.get(stored_id(event.id), [])
        chain = [f for f in group if "errorDeclaration" not in f.data]
        sent = [f.data["errorDeclaration"] for f in group if "errorDeclaration" in f.data]
        mapped = map_event(record, look, names)
        data = dict(event.data)
        versions = []
        for fix in chain:
            data = corrected_data(event.type, data, fix.data.get("changes", {}))
            versions.append(corrective_event(record, event_record(fix), data, look, names))
        for i, fix in enumerate(chain):
            earlier = mapped if i == 0 else versions[i - 1]
            declared = declare_error(
                earlier, fix.event_time, [fix.event_id], fix.data.get("reason", "")
            )
            if i == 0:
                mapped = declared
            else:
                versions[i - 1] = declared
        if sent:  # the sender's word on its own event stands over a doubt recorded here
            mapped = {**mapped, "errorDeclaration": sent[0]}
        context = data.get("context") if event.type == "captured" else None
        if context:  # every version speaks its sender's vocabulary
            mapped, versions = Sent(mapped, context), [Sent(v, context) for v in versions]
        out.append(mapped)
        out.extend(versions)
        if sizes is not None:  # how many EPCIS events each row became
            sizes.append(1 + len(versions))
    return out
