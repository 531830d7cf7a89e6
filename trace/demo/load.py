"""The demo season written through the use cases, and the carton pages it prints."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from trace.db.models import (
    CartonSerial,
    Event,
    Location,
    Lot,
    Pallet,
    PalletContent,
    Product,
    Shipment,
    User,
)
from trace.gs1 import digital_link
from trace.services import label_serials, lots, masterdata, packing, shipments, steps, users

from .data import CARTONS, USERS, YEAR, gs1_key
from .places import places
from .season import Ref, Step, plan

# --- writing ------------------------------------------------------------------------------------


def has_data(session: Session) -> bool:
    """Whether the database holds anything the demo would collide with (any location)."""
    return session.exec(select(Location.id).limit(1)).first() is not None


def _resolve(value, names: dict):
    if isinstance(value, Ref):
        return names[value]
    if isinstance(value, dict):
        return {key: _resolve(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, names) for item in value]
    return value


# The use cases of steps on something written earlier (the lot or shipment the step names).
_ON_WRITTEN = {
    "receive": lots.receive,
    "cool": lots.cool,
    "inspect": lots.inspect,
    "treat": lots.treat,
    "wash": steps.wash,
    "grade": steps.grade,
    "store": steps.store,
    "depart": shipments.depart,
    "cross": shipments.cross,
    "arrive": shipments.arrive,
}


def _write(session: Session, step: Step, actor: User, names: dict, gs1: tuple[str, int]) -> None:
    """Call the step's use case; remember the code or id of what it creates under its name."""
    data = _resolve(step.data, names)
    if step.kind in _ON_WRITTEN:
        _ON_WRITTEN[step.kind](session, actor, names[step.name], data)
    elif step.kind == "harvest":
        names[step.name] = lots.harvest(session, actor, data).code
    elif step.kind == "pack":
        names[step.name] = packing.pack(session, actor, data).code
    elif step.kind == "palletise":
        names[step.name] = packing.palletise(session, actor, data, *gs1).sscc
    elif step.kind == "load":
        names[step.name] = shipments.create(session, actor, data).id
    else:  # pragma: no cover - plan() makes only the kinds above
        raise ValueError(f"unknown step kind {step.kind!r}")


def load(session: Session, company_prefix: str, extension_digit: int, seed: int = 2026) -> str:
    """Write the demo season into an empty database; answer a summary with the users' tokens."""
    names: dict = {}
    for key, data in places(company_prefix):
        names[key] = masterdata.create_location(session, data).id
    for house, carton in CARTONS.items():
        product = masterdata.create_product(
            session,
            {
                "gtin": "0" + gs1_key(company_prefix, carton.gtin),
                "name": dict(carton.name),
                "commodity": carton.commodity,
                "variety": carton.variety,
                "unit": "kg",
                "net_weight_kg": carton.net_kg,
            },
        )
        names[f"gtin-{house}"] = product.gtin
    actors, tokens = {}, []
    for name, role, place in USERS:
        # Every demo user may log in to the web pages with a demo password.
        actors[name], token = users.create(
            session, name, role, names[place] if place else None, demo_password(name)
        )
        tokens.append((name, role, token))
    for step in plan(seed):
        _write(session, step, actors[step.by], names, (company_prefix, extension_digit))
    _print_cartons(session, actors["worker"])
    return _summary(session, seed, tokens)


def _shipped(*columns):
    """A query of each shipped lot's market and `columns` (a lot on several pallets: once each)."""
    return (
        select(Shipment.market, *columns)
        .join(Pallet, Pallet.shipment_id == Shipment.id)
        .join(PalletContent, PalletContent.pallet_id == Pallet.id)
        .join(Lot, Lot.id == PalletContent.lot_id)
    )


CARTONS_PRINTED = 6  # carton labels the demo prints for one shipped lot of each market


def _print_cartons(session: Session, worker: User) -> None:
    """A few carton labels for one shipped lot of each market, so the demo has genuine cartons
    whose public pages a newcomer can open (`flask --app wsgi demo urls`)."""
    rows = session.exec(_shipped(Lot.code).order_by(Shipment.market, Lot.id)).all()
    chosen: dict[str, str] = {}
    for market, code in rows:
        chosen.setdefault(market, code)
    for code in chosen.values():
        label_serials.carton_job(
            session, worker, code, count=CARTONS_PRINTED, serials=None, size="100x150", fmt="pdf"
        )


def carton_urls(session: Session, base_url: str, limit: int = 9) -> list[tuple[str, str]]:
    """(market, URL) of the first printed carton of up to `limit` lots, each of another market
    (every market of the demo): the public pages to open on a phone."""
    rows = session.exec(
        _shipped(Product.gtin, Lot.code, CartonSerial.serial)
        .join(CartonSerial, CartonSerial.lot_id == Lot.id)
        .join(Product, Product.id == CartonSerial.product_id)
        .order_by(Shipment.market, CartonSerial.number)
    ).all()
    out: dict[str, str] = {}
    for market, gtin, code, serial in rows:
        if market not in out and len(out) < limit:
            out[market] = digital_link(base_url, gtin, lot=code, serial=serial)
    return list(out.items())


def demo_password(name: str) -> str:
    """The demo users' web password: for a laptop's demo season only, printed by `demo load`."""
    return f"{name}-demo-2026"


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


PLURALS = {
    "orchard": "orchards",
    "packing_house": "packing houses",
    "treatment_facility": "treatment facilities",
    "cold_store": "cold stores",
    "exporter": "exporters",
    "importer": "importers",
    "port": "ports",
}


def _summary(session: Session, seed: int, tokens: list[tuple[str, str, str]]) -> str:
    kinds = dict(session.exec(select(Location.kind, func.count()).group_by(Location.kind)).all())
    markets = session.exec(
        select(Shipment.market, func.count()).group_by(Shipment.market).order_by(Shipment.market)
    )
    statuses = dict(
        session.exec(select(Shipment.status, func.count()).group_by(Shipment.status)).all()
    )
    progress = (("arrived", "arrived"), ("departed", "at sea"), ("loaded", "loading"))
    harvest = _count(session, Lot, Lot.kind == "harvest")
    lines = [
        f"demo season loaded (seed {seed}): lychee from Thanh Hà and Lục Ngạn, carrots from Cẩm "
        f"Giàng, June {YEAR}",
        f"  locations  {_count(session, Location)}: "
        + ", ".join(
            f"{kinds[kind]} {plural if kinds[kind] > 1 else kind.replace('_', ' ')}"
            for kind, plural in PLURALS.items()
            if kind in kinds
        ),
        f"  products   {_count(session, Product)}",
        f"  lots       {harvest} harvest ({_count(session, Lot, Lot.on_hold)} on hold), "
        f"{_count(session, Lot, Lot.kind == 'packed')} packed",
        f"  pallets    {_count(session, Pallet)}",
        f"  shipments  {_count(session, Shipment)}: "
        + ", ".join(f"{market} {n}" for market, n in markets)
        + " ("
        + ", ".join(f"{statuses.get(status, 0)} {label}" for status, label in progress)
        + ")",
        f"  events     {_count(session, Event)}",
        "staff pages (/login): "
        + ", ".join(f"{name} / {demo_password(name)}" for name, _role, _token in tokens),
        "demo API tokens (name role token; each shown once):",
        *(f"  {name:<15} {role:<10} {token}" for name, role, token in tokens),
    ]
    return "\n".join(lines)
