"""What a carton or pallet label says, read from the database: the lot's market, names, the
codes of its chain, its treatment and packer; a pallet's parties and contents.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ScalarResult
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from trace.db.graph import upstream_lot_ids
from trace.db.models import (
    Event,
    EventRef,
    Location,
    LocationCode,
    Lot,
    Pallet,
    PalletContent,
    Product,
    Shipment,
    node,
)
from trace.domain import markets
from trace.domain.errors import Invalid, RuleViolation
from trace.domain.shipping import gap_text
from trace.gs1 import Sscc
from trace.labels.facts import LotFacts, PalletFacts, PalletLine, Party, Treatment

from . import masterdata
from .masterdata import required_scheme
from .shipments import market_gaps, missing_codes

_Column = TypeVar("_Column")


def _code(session: Session, location_id: int | None, scheme: str | None, market: str) -> str | None:
    if location_id is None:
        return None
    return session.exec(
        select(LocationCode.value)
        .where(
            LocationCode.location_id == location_id,
            LocationCode.scheme == scheme,
            LocationCode.market == market,
            LocationCode.status == "active",
        )
        .order_by(col(LocationCode.id))
    ).first()


def _of_shipments(
    session: Session, lot: Lot, query: SelectOfScalar[_Column]
) -> ScalarResult[_Column]:
    """`query` (`select(Shipment.market)`, ...) over each shipment the lot's pallets went into,
    in the order they were loaded."""
    return session.exec(
        query.join(Pallet, col(Pallet.shipment_id) == Shipment.id)
        .join(PalletContent, col(PalletContent.pallet_id) == Pallet.id)
        .where(PalletContent.lot_id == lot.id)
        .order_by(col(Shipment.id))
    )


def market_of(session: Session, lot: Lot) -> str | None:
    """The lot's market: its shipment's, else the only market its whole chain (orchards,
    packing house, treatment) holds active codes for; None when that is not one market."""
    shipped = _of_shipments(session, lot, select(Shipment.market)).first()
    if shipped:
        return shipped
    held = set(
        session.exec(select(LocationCode.market).where(LocationCode.status == "active").distinct())
    )
    known = sorted(held & set(markets.codes()))
    open_to = [m for m in known if not market_gaps(session, [lot], m)]
    return open_to[0] if len(open_to) == 1 else None


def carton_market(session: Session, lot: Lot, asked: str | None) -> str:
    """The market carton labels of `lot` are for: `asked`, else `market_of`, else ask (422)."""
    market = asked or market_of(session, lot)
    if market is None:
        raise Invalid(
            "market",
            f"lot {lot.code} is on no shipment yet and its chain is open to several markets "
            "(or none): say which market its cartons are for (it sets the languages and stamps)",
            kind="label.lot_market",
            lot=lot.code,
        )
    return markets.require(market).code


def refuse_missing_codes(session: Session, lot: Lot, market: str) -> None:
    """Carton labels are printed only for a market the lot's whole chain holds codes for, so
    a code the market requires is never printed blank (409 naming each missing code)."""
    missing = missing_codes(session, [lot], markets.require(market))
    if missing:
        raise RuleViolation(
            f"cannot print {market} labels for lot {lot.code}: "
            + "; ".join(gap_text(g) for g in missing),
            kind="label.codes_missing",
            market=market,
            lot=lot.code,
            missing=missing,
        )


def lot_facts(session: Session, lot: Lot, market: str, base_url: str) -> LotFacts:
    """What a carton label of `lot` says for `market`: names, codes of its chain, treatment."""
    product = session.get(Product, lot.product_id)
    # carton labels are for packed lots (refuse_unpacked), which have their product
    assert lot.id is not None and product is not None
    lineage = upstream_lot_ids(session, [lot.id])
    orchards = sorted(
        {o for o in session.exec(select(Lot.orchard_id).where(col(Lot.id).in_(lineage))) if o}
    )
    areas = tuple(
        dict.fromkeys(
            code
            for code in (
                _code(session, o, required_scheme("orchard", market), market) for o in orchards
            )
            if code
        )
    )
    refs = select(EventRef.event_id).where(
        col(EventRef.node).in_([node("lot", i) for i in lineage])
    )
    steps = session.exec(
        select(Event)
        .where(col(Event.id).in_(refs), col(Event.type).in_(["pack", "treat"]))
        .order_by(col(Event.event_time))
    ).all()
    pack = next(
        (
            e
            for e in steps
            if e.type == "pack" and any(o["lot"] == lot.code for o in e.data.get("outputs", []))
        ),
        None,
    )
    treat = next((e for e in reversed(steps) if e.type == "treat"), None)
    house_id = pack.biz_location_id if pack else lot.location_id
    house = session.get(Location, house_id) if house_id else None
    treatment = None
    if treat is not None:
        treatment = Treatment(
            facility_code=_code(session, treat.biz_location_id, "TFC", market) or "",
            batch=treat.data.get("batch_no") or "",
        )
    house = session.get(Location, pack.biz_location_id if pack else lot.location_id)
    shipment = _of_shipments(session, lot, select(Shipment)).first()
    consignee = session.get(Location, shipment.consignee_id) if shipment else None
    return LotFacts(
        names=product.name,
        gtin=product.gtin,
        variety=lot.variety or product.variety or "",
        net_weight_kg=product.net_weight_kg or 0,
        lot=lot.code,
        pack_date=lot.produced_on,
        growing_areas=areas,
        packing_house=_code(session, house_id, required_scheme("packing_house", market), market),
        treatment=treatment,
        market=market,
        base_url=base_url,
        packer=_address_line(house),
        consignee_country=(consignee.address or {}).get("country") if consignee else None,
        contact=masterdata.consumer_contact(session, _exporters(session, lot)),
    )


def _exporters(session: Session, lot: Lot) -> list[int]:
    """The exporters whose consumer contact a carton of `lot` names: those of the lot's
    shipments; before it ships, the one exporter that keeps a contact (none if several do)."""
    shipped = _of_shipments(session, lot, select(Shipment.exporter_id)).all()
    if shipped:
        return list(shipped)
    keeping = [
        place.id
        for place in session.exec(select(Location).where(Location.kind == "exporter"))
        if place.contact and place.id is not None  # stored places have their id
    ]
    return keeping if len(keeping) == 1 else []


def _address_line(place: Location | None) -> str:
    """`Name, district, province, VN`: a packer as a label names it."""
    if place is None:
        return ""
    address = place.address or {}
    parts = [address.get(k) for k in ("commune", "district", "province", "country")]
    return ", ".join([place.name, *(p for p in parts if p)])


def _party(location: Location | None) -> Party:
    if location is None:
        return Party(name="", country="")
    return Party(name=location.name, country=location.address.get("country", ""))


def pallet_facts(
    session: Session, pallet: Pallet, market: str | None, company_prefix: str
) -> PalletFacts:
    shipment = session.get(Shipment, pallet.shipment_id) if pallet.shipment_id else None
    rows = session.exec(
        select(Lot, Product.gtin, PalletContent.cartons)
        .join(PalletContent, col(PalletContent.lot_id) == Lot.id)
        .outerjoin(Product, col(Product.id) == Lot.product_id)
        .where(PalletContent.pallet_id == pallet.id)
        .order_by(Lot.code)
    ).all()
    market = (shipment.market if shipment else None) or market
    if market is None:
        raise Invalid(
            "market",
            f"pallet {pallet.sscc} is in no shipment yet: say which market it is for",
            kind="label.pallet_market",
            sscc=pallet.sscc,
        )
    market = markets.require(market).code
    return PalletFacts(
        sscc=pallet.sscc,
        contents=tuple(PalletLine(gtin=gtin, lot=lot.code, cartons=n) for lot, gtin, n in rows),
        ship_from=_party(
            session.get(Location, shipment.exporter_id)
            if shipment
            else session.get(Location, pallet.location_id)
        ),
        ship_to=_party(session.get(Location, shipment.consignee_id) if shipment else None),
        market=market,
        company_prefix=company_prefix if Sscc(pallet.sscc).with_prefix(company_prefix) else None,
    )
