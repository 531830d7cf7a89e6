"""Harvest lots and what happens to a lot before packing: receive, cool, treat, inspect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from trace.db.models import (
    ChainHead,
    Event,
    EventRef,
    Location,
    Lot,
    Product,
    User,
    id_of,
    node,
)
from trace.domain.commodities import check_step, check_unit
from trace.domain.errors import Forbidden, Invalid, RuleViolation
from trace.domain.events import UOM
from trace.domain.quantities import cartons_left, left, require_receivable
from trace.gs1 import validate_lot

from .common import (
    VIETNAM,
    check_event_time,
    get_lot,
    location_for_field,
    lock_chain,
    next_value,
    not_before,
    now,
    record,
    unit_of_work,
)


def day_time(day: date) -> datetime:
    """The event time of something known only by its day: noon in Vietnam."""
    return datetime.combine(day, time(12, 0), VIETNAM)


def day_event_time(data: dict[str, Any], verb: str) -> datetime:
    """When a harvest or packing happened: `{verb}_at` if given (on the day `{verb}_on`), else
    noon of that day, or now if the day is today and noon has not come yet."""
    day: date = data[f"{verb}_on"]
    if data.get(f"{verb}_at"):
        when = check_event_time(data[f"{verb}_at"], f"{verb}_at")
        if when.astimezone(VIETNAM).date() != day:
            raise Invalid(
                f"{verb}_at",
                f"{when.isoformat()} is not on {day.isoformat()}",
                kind="time.not_on_day",
                at=when,
                day=day,
            )
        return when
    if day > now().astimezone(VIETNAM).date():
        raise Invalid(
            f"{verb}_on", f"{day.isoformat()} is in the future", kind="time.future_day", day=day
        )
    return min(day_time(day), now())


def new_lot_code(session: Session, prefix: str, day: date) -> str:
    """`H260610-0007` (harvest) or `P260611-0012` (packed): short, readable, GS1 set 82."""
    while True:  # skip numbers someone took by giving their own lot code
        code = validate_lot(f"{prefix}{day:%y%m%d}-{next_value(session, 'lot'):04d}")
        if session.exec(select(Lot.id).where(Lot.code == code)).first() is None:
            return code


def harvest(session: Session, actor: User, data: dict[str, Any]) -> Lot:
    """A harvest lot: one orchard, one day, one quantity (ObjectEvent ADD, ILMD)."""
    with unit_of_work(session):
        head = lock_chain(session)
        orchard = location_for_field(session, data["orchard_id"], "orchard_id", "orchard")
        check_unit(data["commodity"], data["unit"])
        day: date = data["harvested_on"]
        when = day_event_time(data, "harvested")
        lot = Lot(
            code=new_lot_code(session, "H", day),
            kind="harvest",
            commodity=data["commodity"],
            variety=data.get("variety"),
            orchard_id=orchard.id,
            location_id=orchard.id,
            unit=data["unit"],
            quantity=data["quantity"],
            produced_on=day,
            created_at=when,
        )
        session.add(lot)
        session.flush()
        record(
            session,
            head,
            "harvest",
            event_time=when,
            actor=actor,
            location_id=orchard.id,
            data={
                "quantities": [{"lot": lot.code, "quantity": lot.quantity, "uom": UOM[lot.unit]}],
                "ilmd": {
                    "commodity": lot.commodity,
                    "variety": lot.variety,
                    "harvested_on": day.isoformat(),
                    "crew": data.get("crew"),
                },
            },
            refs=[node("lot", id_of(lot))],
            edges=[
                (
                    node("location", id_of(orchard)),
                    node("lot", id_of(lot)),
                    lot.quantity,
                    UOM[lot.unit],
                )
            ],
        )
    return lot


def receive(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    """A harvest lot arrives at a packing house (or cold store): received ≤ harvested."""
    with unit_of_work(session):
        head = lock_chain(session)
        lot = get_lot(session, code)
        place = location_for_field(
            session,
            data["location_id"],
            "location_id",
            "packing_house",
            "cold_store",
            "treatment_facility",
        )
        quantity = data["quantity"]
        require_receivable(lot, quantity, data["unit"])
        when = check_event_time(data["received_at"], "received_at")
        not_before(lot, when, "received_at")
        lot.received += quantity
        lot.location_id = place.id
        session.add(lot)
        origin = lot.orchard_id
        return record(
            session,
            head,
            "receive",
            event_time=when,
            actor=actor,
            location_id=place.id,
            data={
                "quantities": [{"lot": lot.code, "quantity": quantity, "uom": UOM[lot.unit]}],
                "sources": [{"type": "location", "location_id": origin}],
                "destinations": [{"type": "location", "location_id": place.id}],
                "quantity": quantity,
            },
            refs=[node("lot", id_of(lot))],
        )


def cool(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    with unit_of_work(session):
        head = lock_chain(session)
        lot = get_lot(session, code)
        check_step(lot.commodity, "cool", lot.code)
        place = location_for_field(session, data["location_id"], "location_id")
        when = check_event_time(data["cooled_at"], "cooled_at")
        not_before(lot, when, "cooled_at")
        return record_on_lot(
            session,
            head,
            "cool",
            lot,
            when,
            actor,
            place.id,
            {"temperature_c": data["temperature_c"], "duration_h": data.get("duration_h")},
        )


def treat(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    """A phytosanitary treatment at a facility that holds a TFC (method, batch, parameters)."""
    with unit_of_work(session):
        head = lock_chain(session)
        lot = get_lot(session, code)
        check_step(lot.commodity, "treat", lot.code)
        facility = location_for_field(
            session, data["facility_id"], "facility_id", "treatment_facility"
        )
        when = check_event_time(data["treated_at"], "treated_at")
        not_before(lot, when, "treated_at")
        methods = facility.methods or []
        if methods and data["method"] not in methods:
            raise RuleViolation(
                f"{facility.name} does not treat by {data['method'].replace('_', ' ')} "
                f"(it does: {', '.join(m.replace('_', ' ') for m in methods)})",
                kind="treatment.method",
                facility=facility.name,
                method=data["method"],
                methods=list(methods),
            )
        return record_on_lot(
            session,
            head,
            "treat",
            lot,
            when,
            actor,
            facility.id,
            {
                "method": data["method"],
                "batch_no": data.get("batch_no"),
                "certificate_no": data.get("certificate_no"),
                "parameters": data.get("parameters") or {},
                "biz_transactions": (
                    [{"type": "cert", "id": data["certificate_no"]}]
                    if data.get("certificate_no")
                    else []
                ),
            },
        )


# Who may lift a hold: a failed inspection is lifted only by an inspector's (or an admin's)
# judgement, never by the people whose produce was held.
LIFTS_HOLDS = ("admin", "inspector")


def may_lift_hold(actor: User, lot: Lot) -> None:
    if actor.role not in LIFTS_HOLDS:
        raise Forbidden(
            f"lot {lot.code} is on hold (its latest inspection failed): only an inspector or an "
            "admin can lift the hold, by a passing inspection or by correcting the result",
            kind="hold.lift_forbidden",
            lot=lot.code,
        )


def hold_lifted(actor: User, why: str | None) -> dict[str, Any]:
    """What the lot's timeline shows of a lifted hold: who, in which role, and why."""
    return {"by": actor.name, "role": actor.role, "why": why}


def inspect(session: Session, actor: User, code: str, data: dict[str, Any]) -> Event:
    """An inspection; a failed one puts the lot on hold until a later one passes (recorded by
    an inspector or admin: LIFTS_HOLDS)."""
    with unit_of_work(session):
        head = lock_chain(session)
        lot = get_lot(session, code)
        place = (
            location_for_field(session, data["location_id"], "location_id")
            if data.get("location_id")
            else None
        )
        when = check_event_time(data["inspected_at"], "inspected_at")
        not_before(lot, when, "inspected_at")
        lifts = lot.on_hold and data["result"] == "pass"
        if lifts:
            may_lift_hold(actor, lot)
        lot.on_hold = data["result"] == "fail"
        session.add(lot)
        extra = {"hold_lifted": hold_lifted(actor, data.get("notes"))} if lifts else {}
        return record_on_lot(
            session,
            head,
            "inspect",
            lot,
            when,
            actor,
            place.id if place else None,
            {
                "result": data["result"],
                "kind": data.get("kind"),
                "notes": data.get("notes"),
                **extra,
            },
            disposition="non_conformant" if lot.on_hold else "conformant",
        )


def record_on_lot(
    session: Session,
    head: ChainHead,
    kind: str,
    lot: Lot,
    when: datetime,
    actor: User,
    place_id: int | None,
    data: dict[str, Any],
    **columns: Any,
) -> Event:
    """Record an event about `lot` alone (a cooling, treatment, inspection): the lot is its one
    reference and the one line of its quantities."""
    return record(
        session,
        head,
        kind,
        event_time=when,
        actor=actor,
        location_id=place_id,
        data={"quantities": [{"lot": lot.code, "uom": UOM[lot.unit]}], **data},
        refs=[node("lot", id_of(lot))],
        **columns,
    )


def lot_state(session: Session, lot: Lot) -> dict[str, Any]:
    """What a lot holds now: quantities in, out and left; cartons; where; on hold."""
    product = session.get(Product, lot.product_id) if lot.product_id else None
    where = session.get(Location, lot.location_id) if lot.location_id else None
    orchard = session.get(Location, lot.orchard_id) if lot.orchard_id else None
    if lot.kind == "harvest":
        quantities = {
            "harvested": lot.quantity,
            "received": lot.received,
            "used": lot.used,
            "left": left(lot),
            "not_received": lot.quantity - lot.received,
        }
    else:
        quantities = {"packed": lot.quantity, "used": lot.used, "left": left(lot)}
    cartons = None
    if lot.cartons is not None:
        cartons = {
            "packed": lot.cartons,
            "palletised": lot.cartons_palletised,
            "left": cartons_left(lot),
        }
    return {
        "code": lot.code,
        "kind": lot.kind,
        "commodity": lot.commodity,
        "variety": lot.variety,
        "product": {"id": product.id, "gtin": product.gtin, "name": product.name}
        if product
        else None,
        "orchard": {"id": orchard.id, "name": orchard.name} if orchard else None,
        "location": {"id": where.id, "name": where.name, "kind": where.kind} if where else None,
        "unit": lot.unit,
        "produced_on": lot.produced_on,
        "quantities": quantities,
        "cartons": cartons,
        "on_hold": lot.on_hold,
    }


def list_lots(
    session: Session, filters: dict[str, Any], page: int, size: int
) -> tuple[Sequence[Lot], int]:
    query = select(Lot)
    if filters.get("kind"):
        query = query.where(Lot.kind == filters["kind"])
    if filters.get("orchard_id"):
        query = query.where(Lot.orchard_id == filters["orchard_id"])
    if filters.get("location_id"):
        query = query.where(Lot.location_id == filters["location_id"])
    if filters.get("product_gtin"):
        query = query.join(Product, col(Product.id) == Lot.product_id).where(
            Product.gtin == filters["product_gtin"]
        )
    if filters.get("from"):
        query = query.where(Lot.produced_on >= filters["from"])
    if filters.get("to"):
        query = query.where(Lot.produced_on <= filters["to"])
    if filters.get("on_hold") is not None:
        query = query.where(Lot.on_hold == filters["on_hold"])
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Lot.id)).offset((page - 1) * size).limit(size)).all()
    return rows, total


def timeline(session: Session, lot: Lot) -> list[Event]:
    """A lot's timeline: every event that concerns it, in the order they happened."""
    return events_of(session, [node("lot", id_of(lot))])


def events_of(session: Session, nodes: list[str]) -> list[Event]:
    """Every event that concerns any of `nodes`, in the order they happened."""
    if not nodes:
        return []
    ids = select(EventRef.event_id).where(col(EventRef.node).in_(nodes))
    return list(
        session.exec(
            select(Event)
            .where(col(Event.id).in_(ids))
            .order_by(col(Event.event_time), col(Event.id))
        )
    )


def lots_at(session: Session, location_id: int, kind: str | None = None) -> list[Lot]:
    """The lots at a place (of one kind: "harvest" or "packed"), newest first."""
    query = select(Lot).where(Lot.location_id == location_id)
    if kind:
        query = query.where(Lot.kind == kind)
    return list(session.exec(query.order_by(col(Lot.id).desc())))


def by_codes(session: Session, codes: list[str]) -> dict[str, Lot]:
    """The lots of `codes` that exist, by code."""
    return {
        lot.code: lot for lot in session.exec(select(Lot).where(col(Lot.code).in_(codes or [""])))
    }


def products(session: Session, with_gtin: bool = False) -> list[Product]:
    """The products, oldest first: what a harvest may be of; `with_gtin`, what cartons are
    packed as."""
    query = select(Product)
    if with_gtin:
        query = query.where(col(Product.gtin).is_not(None))
    return list(session.exec(query.order_by(col(Product.id))))
