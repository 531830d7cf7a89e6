"""Locations and products: master data an admin keeps (no event; nothing an event names is deleted)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from trace.db.models import Location, LocationCode, Lot, Product
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.gs1 import Gln, Gtin

from .common import lock_chain, next_value, now, unit_of_work

LOCATION_KINDS = (
    "orchard",
    "packing_house",
    "treatment_facility",
    "exporter",
    "importer",
    "port",
    "cold_store",
)
# The scheme of official code each kind of location holds per market.
CODE_SCHEME = {"orchard": "PUC", "packing_house": "PHC", "treatment_facility": "TFC"}


def _codes(location_id: int, codes: list[dict]) -> list[LocationCode]:
    return [LocationCode(location_id=location_id, **code) for code in codes]


def codes_of(session: Session, location_ids: list[int]) -> dict[int, list[LocationCode]]:
    by_location: dict[int, list[LocationCode]] = {i: [] for i in location_ids}
    if location_ids:
        rows = session.exec(
            select(LocationCode)
            .where(LocationCode.location_id.in_(location_ids))
            .order_by(LocationCode.id)
        )
        for code in rows:
            by_location[code.location_id].append(code)
    return by_location


# A counter bumped by every change of a location or product: their names, addresses and codes
# show on the public pages, which each worker keeps while nothing changes (trace/lookup/cache.py).
REVISION = "master_data"


def _revised(session: Session) -> None:
    lock_chain(session)
    next_value(session, REVISION)


def create_location(session: Session, data: dict) -> Location:
    data = dict(data)
    codes = data.pop("codes", [])
    with unit_of_work(session):
        gln = data.get("gln")
        if gln:
            data["gln"] = str(Gln.parse(gln))
            if session.exec(select(Location).where(Location.gln == data["gln"])).first():
                raise RuleViolation(f"GLN {data['gln']} belongs to another location already")
        location = Location(**data, created_at=now())
        session.add(location)
        session.flush()
        session.add_all(_codes(location.id, codes))
    return location


def get_location(session: Session, ident: int) -> Location:
    location = session.get(Location, ident)
    if location is None:
        raise NotFound(f"no location with id {ident}")
    return location


def update_location(session: Session, ident: int, data: dict) -> Location:
    """Change name, address, GLN; add codes; change a code's status (suspend, revoke)."""
    data = dict(data)
    with unit_of_work(session):
        _revised(session)
        location = get_location(session, ident)
        for status in data.pop("code_status", []):
            code = session.get(LocationCode, status["id"])
            if code is None or code.location_id != location.id:
                raise Invalid("code_status", f"location {ident} has no code with id {status['id']}")
            code.status = status["status"]
        session.add_all(_codes(location.id, data.pop("codes", [])))
        if data.get("gln"):
            data["gln"] = str(Gln.parse(data["gln"]))
            other = session.exec(select(Location).where(Location.gln == data["gln"])).first()
            if other and other.id != location.id:
                raise RuleViolation(f"GLN {data['gln']} belongs to another location already")
        for key, value in data.items():
            setattr(location, key, value)
        session.add(location)
    return location


def list_locations(session: Session, kind: str | None, q: str | None, page: int, size: int):
    query = select(Location)
    if kind:
        query = query.where(Location.kind == kind)
    if q:
        query = query.where(func.lower(Location.name).contains(q.lower()))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Location.id).offset((page - 1) * size).limit(size)).all()
    return rows, total


def create_product(session: Session, data: dict) -> Product:
    data = dict(data)
    with unit_of_work(session):
        if data.get("gtin"):
            data["gtin"] = str(Gtin.parse(data["gtin"]))
            if session.exec(select(Product).where(Product.gtin == data["gtin"])).first():
                raise RuleViolation(f"GTIN {data['gtin']} belongs to another product already")
        product = Product(**data, created_at=now())
        session.add(product)
    return product


def get_product(session: Session, ident: int) -> Product:
    product = session.get(Product, ident)
    if product is None:
        raise NotFound(f"no product with id {ident}")
    return product


def product_by_gtin(session: Session, gtin: str, field: str) -> Product:
    normal = str(Gtin.parse(gtin))
    product = session.exec(select(Product).where(Product.gtin == normal)).first()
    if product is None:
        raise Invalid(field, f"no product with GTIN {normal}")
    return product


def update_product(session: Session, ident: int, data: dict) -> Product:
    data = dict(data)
    with unit_of_work(session):
        _revised(session)
        product = get_product(session, ident)
        if "gtin" in data and data["gtin"] != product.gtin:
            used = session.exec(select(Lot.id).where(Lot.product_id == product.id)).first()
            if used:
                raise RuleViolation(
                    f"product {ident} has packed lots: its GTIN is printed on their labels and "
                    "cannot change; create a new product instead"
                )
            if data["gtin"]:
                data["gtin"] = str(Gtin.parse(data["gtin"]))
        for key, value in data.items():
            setattr(product, key, value)
        session.add(product)
    return product


def list_products(session: Session, q: str | None, page: int, size: int):
    query = select(Product)
    if q:
        query = query.where(func.lower(Product.commodity).contains(q.lower()))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Product.id).offset((page - 1) * size).limit(size)).all()
    return rows, total
