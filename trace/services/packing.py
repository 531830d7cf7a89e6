"""Initial packing (inputs → a packed lot of cartons) and palletising (cartons → an SSCC)."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from trace.db.graph import upstream_lot_ids
from trace.db.models import Event, EventRef, Lot, Pallet, PalletContent, User, node
from trace.domain import shipping
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.domain.events import UOM
from trace.domain.timing import require_order
from trace.gs1 import Sscc, validate_lot

from .common import (
    VIETNAM,
    check_event_time,
    fmt_qty,
    location_for_field,
    lock_chain,
    lot_for_field,
    not_before,
    now,
    record,
    require_here,
    unit_of_work,
)
from .lots import day_event_time, new_lot_code
from .masterdata import product_by_gtin


def held_upstream(session: Session, lots: list[Lot]) -> list[Lot]:
    """The lots among `lots` and everything they came from whose latest inspection failed."""
    ids = upstream_lot_ids(session, (lot.id for lot in lots))
    return list(session.exec(select(Lot).where(Lot.id.in_(ids), Lot.on_hold)))


def refuse_held(session: Session, lots: list[Lot], doing: str) -> None:
    shipping.refuse_held((lot.code for lot in held_upstream(session, lots)), doing)


def received_at(session: Session, lot: Lot, place_id: int):
    """When `lot` first arrived at `place_id` (None: never received there)."""
    return session.exec(
        select(func.min(Event.event_time))
        .join(EventRef, EventRef.event_id == Event.id)
        .where(
            EventRef.node == node("lot", lot.id),
            Event.type == "receive",
            Event.biz_location_id == place_id,
        )
    ).one()


def pack(session: Session, actor: User, data: dict) -> Lot:
    """Initial packing: input lots (quantity each) → a new packed lot of `cartons` cartons."""
    with unit_of_work(session):
        head = lock_chain(session)
        house = location_for_field(session, data["location_id"], "location_id", "packing_house")
        product = product_by_gtin(session, data["product_gtin"], "product_gtin")
        day: date = data["packed_on"]
        when = day_event_time(data, "packed")
        inputs = []
        seen = set()
        for i, item in enumerate(data["inputs"]):
            lot = lot_for_field(session, item["lot"], f"inputs.{i}.lot")
            not_before(lot, when, "packed_on")
            if lot.id in seen:
                raise Invalid(
                    f"inputs.{i}.lot",
                    f"lot {lot.code} is listed twice",
                    kind="lot.listed_twice",
                    lot=lot.code,
                )
            seen.add(lot.id)
            inputs.append((lot, item["quantity"], item["unit"]))
        refuse_held(session, [lot for lot, _, _ in inputs], "pack")
        total = 0.0
        for lot, quantity, unit in inputs:
            require_here(lot, house, session)
            arrived = received_at(session, lot, house.id) if lot.kind == "harvest" else None
            if arrived is not None:
                require_order(
                    when,
                    "the packing",
                    [(f"lot {lot.code} was received at {house.name}", arrived)],
                    # a packing recorded by its day alone is checked by the day
                    by_day=None if data.get("packed_at") else VIETNAM,
                )
            if unit != lot.unit:
                raise RuleViolation(
                    f"lot {lot.code} is counted in {lot.unit}, not {unit}",
                    kind="mass_balance.unit",
                    lot=lot.code,
                    unit=lot.unit,
                    asked_unit=unit,
                )
            held = (lot.received if lot.kind == "harvest" else lot.quantity) - lot.used
            if quantity > held + 1e-9:
                raise RuleViolation(
                    f"lot {lot.code} has only {fmt_qty(held)} {lot.unit} left "
                    f"({fmt_qty(lot.received if lot.kind == 'harvest' else lot.quantity)} in, "
                    f"{fmt_qty(lot.used)} used); cannot pack {fmt_qty(quantity)} {unit}",
                    kind="mass_balance.packed_exceeds_received",
                    lot=lot.code,
                    left=held,
                    held=held + lot.used,
                    used=lot.used,
                    asked=quantity,
                    unit=lot.unit,
                )
            lot.used += quantity
            session.add(lot)
            total += quantity if unit == "kg" else 0
        cartons = data["cartons"]
        net = (product.net_weight_kg or 0) * cartons
        if net > total + 1e-9:
            raise RuleViolation(
                f"{cartons} cartons of {fmt_qty(product.net_weight_kg)} kg hold {fmt_qty(net)} kg "
                f"but the inputs give only {fmt_qty(total)} kg",
                kind="mass_balance.cartons_exceed_inputs",
                cartons=cartons,
                each=product.net_weight_kg,
                net=net,
                total=total,
            )
        code = data.get("lot_code")
        if code:
            validate_lot(code)
            if session.exec(select(Lot.id).where(Lot.code == code)).first():
                raise RuleViolation(
                    f"lot code {code} is taken; choose another", kind="lot.code_taken", lot=code
                )
        else:
            code = new_lot_code(session, "P", day)
        packed = Lot(
            code=code,
            kind="packed",
            product_id=product.id,
            commodity=product.commodity,
            variety=product.variety,
            location_id=house.id,
            unit="kg",
            quantity=net or total,
            cartons=cartons,
            produced_on=day,
            created_at=when,
        )
        session.add(packed)
        session.flush()
        out = node("lot", packed.id)
        record(
            session,
            head,
            "pack",
            event_time=when,
            actor=actor,
            location_id=house.id,
            data={
                "inputs": [
                    {"lot": lot.code, "quantity": q, "uom": UOM[unit]} for lot, q, unit in inputs
                ],
                "outputs": [
                    {"lot": packed.code, "gtin": product.gtin, "quantity": cartons, "uom": "CT"}
                ],
                "net_weight_kg": packed.quantity,
                "packed_on": day.isoformat(),
            },
            refs=[out, *(node("lot", lot.id) for lot, _, _ in inputs)],
            edges=[(node("lot", lot.id), out, q, UOM[unit]) for lot, q, unit in inputs],
        )
    return packed


def _new_sscc(session: Session, extension_digit: int, company_prefix: str) -> Sscc:
    """An SSCC no pallet has, its serial reference drawn at random (under the writers' lock), so
    knowing one pallet's SSCC does not lead to the next one's page."""
    width = 16 - len(company_prefix)
    for _ in range(1000):
        sscc = Sscc.build(extension_digit, company_prefix, secrets.randbelow(10**width))
        if session.exec(select(Pallet.id).where(Pallet.sscc == sscc.value)).first() is None:
            return sscc
    raise RuleViolation(
        f"hardly any SSCC is left unused under company prefix {company_prefix} and extension "
        f"digit {extension_digit}: set another extension digit (TRACE_SSCC_EXTENSION_DIGIT)",
        kind="pallet.sscc_exhausted",
        prefix=company_prefix,
        extension=extension_digit,
    )


def palletise(
    session: Session, actor: User, data: dict, company_prefix: str, extension_digit: int
) -> Pallet:
    """Cartons of one or more packed lots onto a pallet identified by a new SSCC."""
    with unit_of_work(session):
        head = lock_chain(session)
        house = location_for_field(
            session, data["location_id"], "location_id", "packing_house", "cold_store"
        )
        when = check_event_time(data.get("palletised_at") or now(), "palletised_at")
        contents = []
        seen = set()
        for i, item in enumerate(data["contents"]):
            lot = lot_for_field(session, item["lot"], f"contents.{i}.lot")
            if lot.id in seen:
                raise Invalid(
                    f"contents.{i}.lot",
                    f"lot {lot.code} is listed twice",
                    kind="lot.listed_twice",
                    lot=lot.code,
                )
            not_before(lot, when, "palletised_at")
            seen.add(lot.id)
            if lot.kind != "packed":
                raise RuleViolation(
                    f"lot {lot.code} is a harvest lot: pack it into cartons first",
                    kind="pallet.harvest_lot",
                    lot=lot.code,
                )
            require_here(lot, house, session)
            left = lot.cartons - lot.cartons_palletised
            if item["cartons"] > left:
                raise RuleViolation(
                    f"lot {lot.code} has {left} cartons left ({lot.cartons} packed, "
                    f"{lot.cartons_palletised} on pallets); cannot palletise {item['cartons']}",
                    kind="mass_balance.palletised_exceeds_packed",
                    lot=lot.code,
                    left=left,
                    packed=lot.cartons,
                    on=lot.cartons_palletised,
                    asked=item["cartons"],
                )
            lot.cartons_palletised += item["cartons"]
            session.add(lot)
            contents.append((lot, item["cartons"]))
        sscc = _new_sscc(session, extension_digit, company_prefix)
        pallet = Pallet(
            sscc=str(sscc),
            location_id=house.id,
            cartons=sum(n for _, n in contents),
            created_at=when,
        )
        session.add(pallet)
        session.flush()
        session.add_all(
            PalletContent(pallet_id=pallet.id, lot_id=lot.id, cartons=n) for lot, n in contents
        )
        target = node("pallet", pallet.id)
        record(
            session,
            head,
            "palletise",
            event_time=when,
            actor=actor,
            location_id=house.id,
            data={
                "parent": pallet.sscc,
                "children": [{"lot": lot.code, "quantity": n, "uom": "CT"} for lot, n in contents],
            },
            refs=[target, *(node("lot", lot.id) for lot, _ in contents)],
            edges=[(node("lot", lot.id), target, n, "CT") for lot, n in contents],
        )
    return pallet


def get_pallet(session: Session, sscc: str) -> Pallet:
    pallet = session.exec(select(Pallet).where(Pallet.sscc == sscc)).first()
    if pallet is None:
        raise NotFound(f"no pallet with SSCC {sscc}", kind="pallet.unknown", sscc=sscc)
    return pallet


def pallet_contents(session: Session, pallet: Pallet) -> list[tuple[Lot, int]]:
    rows = session.exec(
        select(Lot, PalletContent.cartons)
        .join(PalletContent, PalletContent.lot_id == Lot.id)
        .where(PalletContent.pallet_id == pallet.id)
        .order_by(Lot.code)
    )
    return list(rows)
