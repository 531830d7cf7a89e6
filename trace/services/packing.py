"""Initial packing (inputs → a packed lot of cartons) and palletising (cartons → an SSCC)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from trace.db import models
from trace.db.graph import upstream_lot_ids
from trace.db.models import id_of, node
from trace.domain import shipping
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.domain.events import UOM
from trace.domain.quantities import (
    EPSILON,
    cartons_left,
    left,
    require_cartons,
    require_cartons_fit,
    require_packable,
    require_palletisable,
)
from trace.domain.timing import require_order
from trace.gs1 import Sscc, validate_lot

from .common import (
    VIETNAM,
    check_event_time,
    location_for_field,
    lock_chain,
    lot_for_field,
    not_before,
    now,
    record,
    require_here,
    unit_of_work,
)
from .lots import day_event_time, lots_at, new_lot_code
from .masterdata import product_by_gtin


def held_upstream(session: Session, lots: list[models.Lot]) -> list[models.Lot]:
    """The lots among `lots` and everything they came from whose latest inspection failed."""
    ids = upstream_lot_ids(session, (id_of(lot) for lot in lots))
    return list(
        session.exec(select(models.Lot).where(col(models.Lot.id).in_(ids), col(models.Lot.on_hold)))
    )


def refuse_held(session: Session, lots: list[models.Lot], doing: str) -> None:
    shipping.refuse_held((lot.code for lot in held_upstream(session, lots)), doing)


def received_at(session: Session, lot: models.Lot, place_id: int) -> datetime | None:
    """When `lot` first arrived at `place_id` (None: never received there)."""
    return session.exec(
        select(func.min(models.Event.event_time))
        .join(models.EventRef, col(models.EventRef.event_id) == models.Event.id)
        .where(
            models.EventRef.node == node("lot", id_of(lot)),
            models.Event.type == "receive",
            models.Event.biz_location_id == place_id,
        )
    ).one()


def _listed(
    session: Session, items: list[dict[str, Any]], field: str, when: datetime, time_field: str
) -> list[models.Lot]:
    """The lots a request lists (`{field}.{i}.lot`): each known, listed once, and existing on
    the day of `when` (else a 422 on `time_field`)."""
    lots: list[models.Lot] = []
    for i, item in enumerate(items):
        lot = lot_for_field(session, item["lot"], f"{field}.{i}.lot")
        if any(other.id == lot.id for other in lots):
            raise Invalid(
                f"{field}.{i}.lot",
                f"lot {lot.code} is listed twice",
                kind="lot.listed_twice",
                lot=lot.code,
            )
        not_before(lot, when, time_field)
        lots.append(lot)
    return lots


def _take(
    session: Session,
    house: models.Location,
    inputs: list[tuple[models.Lot, float, str]],
    when: datetime,
    by_day: tzinfo | None,
) -> float:
    """Take each input's quantity from its lot (here, received before the packing, with that
    much left); the kilograms taken in all."""
    total = 0.0
    for lot, quantity, unit in inputs:
        require_here(lot, house, session)
        arrived = received_at(session, lot, id_of(house)) if lot.kind == "harvest" else None
        if arrived is not None:
            what = f"lot {lot.code} was received at {house.name}"
            require_order(when, "the packing", [(what, arrived)], by_day=by_day)
        require_packable(lot, quantity, unit)
        lot.used += quantity
        session.add(lot)
        total += quantity if unit == "kg" else 0
    return total


def _packed_lot(
    session: Session,
    data: dict[str, Any],
    house: models.Location,
    product: models.Product,
    when: datetime,
    quantity: float,
) -> models.Lot:
    """The new lot of cartons: its code as given (if free) or the next `P…` of the day."""
    day: date = data["packed_on"]
    code = data.get("lot_code")
    if code:
        validate_lot(code)
        if session.exec(select(models.Lot.id).where(models.Lot.code == code)).first():
            raise RuleViolation(
                f"lot code {code} is taken; choose another", kind="lot.code_taken", lot=code
            )
    else:
        code = new_lot_code(session, "P", day)
    packed = models.Lot(
        code=code,
        kind="packed",
        product_id=product.id,
        commodity=product.commodity,
        variety=product.variety,
        location_id=house.id,
        unit="kg",
        quantity=quantity,
        cartons=data["cartons"],
        produced_on=day,
        created_at=when,
    )
    session.add(packed)
    session.flush()
    return packed


def pack(session: Session, actor: models.User, data: dict[str, Any]) -> models.Lot:
    """Initial packing: input lots (quantity each) → a new packed lot of `cartons` cartons."""
    with unit_of_work(session):
        head = lock_chain(session)
        house = location_for_field(session, data["location_id"], "location_id", "packing_house")
        product = product_by_gtin(session, data["product_gtin"], "product_gtin")
        when = day_event_time(data, "packed")
        lots = _listed(session, data["inputs"], "inputs", when, "packed_on")
        inputs = [
            (lot, item["quantity"], item["unit"])
            for lot, item in zip(lots, data["inputs"], strict=True)
        ]
        refuse_held(session, lots, "pack")
        # a packing recorded by its day alone is checked by the day
        total = _take(session, house, inputs, when, None if data.get("packed_at") else VIETNAM)
        net = require_cartons_fit(data["cartons"], product.net_weight_kg, total)
        packed = _packed_lot(session, data, house, product, when, net or total)
        out = node("lot", id_of(packed))
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
                    {
                        "lot": packed.code,
                        "gtin": product.gtin,
                        "quantity": packed.cartons,
                        "uom": "CT",
                    }
                ],
                "net_weight_kg": packed.quantity,
                "packed_on": packed.produced_on.isoformat(),
            },
            refs=[out, *(node("lot", id_of(lot)) for lot in lots)],
            edges=[(node("lot", id_of(lot)), out, q, UOM[unit]) for lot, q, unit in inputs],
        )
    return packed


def _new_sscc(session: Session, extension_digit: int, company_prefix: str) -> Sscc:
    """An SSCC no pallet has, its serial reference drawn at random (under the writers' lock), so
    knowing one pallet's SSCC does not lead to the next one's page."""
    width = 16 - len(company_prefix)
    for _ in range(1000):
        sscc = Sscc.build(extension_digit, company_prefix, secrets.randbelow(10**width))
        if (
            session.exec(select(models.Pallet.id).where(models.Pallet.sscc == sscc.value)).first()
            is None
        ):
            return sscc
    raise RuleViolation(
        f"hardly any SSCC is left unused under company prefix {company_prefix} and extension "
        f"digit {extension_digit}: set another extension digit (TRACE_SSCC_EXTENSION_DIGIT)",
        kind="pallet.sscc_exhausted",
        prefix=company_prefix,
        extension=extension_digit,
    )


def palletise(
    session: Session,
    actor: models.User,
    data: dict[str, Any],
    company_prefix: str,
    extension_digit: int,
) -> models.Pallet:
    """Cartons of one or more packed lots onto a pallet identified by a new SSCC."""
    with unit_of_work(session):
        head = lock_chain(session)
        house = location_for_field(
            session, data["location_id"], "location_id", "packing_house", "cold_store"
        )
        when = check_event_time(data.get("palletised_at") or now(), "palletised_at")
        lots = _listed(session, data["contents"], "contents", when, "palletised_at")
        contents = [
            (lot, item["cartons"]) for lot, item in zip(lots, data["contents"], strict=True)
        ]
        for lot, cartons in contents:
            require_cartons(lot)
            require_here(lot, house, session)
            require_palletisable(lot, cartons)
            lot.cartons_palletised += cartons
            session.add(lot)
        sscc = _new_sscc(session, extension_digit, company_prefix)
        pallet = models.Pallet(
            sscc=str(sscc),
            location_id=id_of(house),
            cartons=sum(n for _, n in contents),
            created_at=when,
        )
        session.add(pallet)
        session.flush()
        session.add_all(
            models.PalletContent(pallet_id=id_of(pallet), lot_id=id_of(lot), cartons=n)
            for lot, n in contents
        )
        target = node("pallet", id_of(pallet))
        children = [{"lot": lot.code, "quantity": n, "uom": "CT"} for lot, n in contents]
        record(
            session,
            head,
            "palletise",
            event_time=when,
            actor=actor,
            location_id=house.id,
            data={"parent": pallet.sscc, "children": children},
            refs=[target, *(node("lot", id_of(lot)) for lot in lots)],
            edges=[(node("lot", id_of(lot)), target, n, "CT") for lot, n in contents],
        )
    return pallet


def packable_at(session: Session, location_id: int) -> list[models.Lot]:
    """The harvest lots at a packing house with kilograms left to pack, newest first."""
    return [lot for lot in lots_at(session, location_id, "harvest") if left(lot) > EPSILON]


def palletisable_at(session: Session, location_id: int) -> list[models.Lot]:
    """The packed lots at a place with cartons not on a pallet yet, newest first."""
    return [lot for lot in lots_at(session, location_id, "packed") if cartons_left(lot) > 0]


def pallets_by_sscc(session: Session, ssccs: list[str]) -> dict[str, models.Pallet]:
    """The pallets of `ssccs` that exist, by SSCC."""
    rows = session.exec(select(models.Pallet).where(col(models.Pallet.sscc).in_(ssccs or [""])))
    return {pallet.sscc: pallet for pallet in rows}


def get_pallet(session: Session, sscc: str) -> models.Pallet:
    pallet = session.exec(select(models.Pallet).where(models.Pallet.sscc == sscc)).first()
    if pallet is None:
        raise NotFound(f"no pallet with SSCC {sscc}", kind="pallet.unknown", sscc=sscc)
    return pallet


def pallet_contents(session: Session, pallet: models.Pallet) -> list[tuple[models.Lot, int]]:
    rows = session.exec(
        select(models.Lot, models.PalletContent.cartons)
        .join(models.PalletContent, col(models.PalletContent.lot_id) == models.Lot.id)
        .where(models.PalletContent.pallet_id == pallet.id)
        .order_by(models.Lot.code)
    )
    return list(rows)
