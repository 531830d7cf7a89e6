"""Locations and products: master data an admin keeps (nothing an event names is deleted).

Every change is kept as a version (who, when, the whole state before and after) in a chain of
its own that `/audit/verify` checks; what a past event's pages and exports say of a place or a
product is the version valid at the event's time (`history`, `History.at`): the one home of
"master data as of".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from trace.db.models import ChainHead, Location, LocationCode, Lot, MasterDataVersion, Product, User
from trace.domain import markets
from trace.domain.commodities import commodity
from trace.domain.errors import Invalid, RuleViolation
from trace.domain.masterdata import location_state, product_state
from trace.gs1 import Gln, Gtin

from .common import existing, lock_chain, next_value, now, record_version, unit_of_work


def required_scheme(kind: str, market: str) -> str | None:
    """The code a place of `kind` needs to be in a chain bound for `market`, as the market's
    profile says (China: GACC's registration numbers of orchards and packing houses)."""
    profile = markets.get(market)
    if profile is None:
        return markets.CODE_SCHEMES.get(kind)
    required = profile.scheme_for(kind)
    return required.scheme if required else None


def _codes(location_id: int, codes: list[dict[str, Any]]) -> list[LocationCode]:
    return [LocationCode(location_id=location_id, **code) for code in codes]


def codes_of(session: Session, location_ids: list[int]) -> dict[int, list[LocationCode]]:
    by_location: dict[int, list[LocationCode]] = {i: [] for i in location_ids}
    if location_ids:
        rows = session.exec(
            select(LocationCode)
            .where(col(LocationCode.location_id).in_(location_ids))
            .order_by(col(LocationCode.id))
        )
        for code in rows:
            by_location[code.location_id].append(code)
    return by_location


# A counter bumped by every change of a location or product: their names, addresses and codes
# show on the public pages, which each worker keeps while nothing changes (trace/lookup/cache.py).
REVISION = "master_data"


def _revised(session: Session) -> ChainHead:
    head = lock_chain(session)
    next_value(session, REVISION)
    return head


def state_of_location(session: Session, location: Location) -> dict[str, Any]:
    session.flush()
    assert location.id is not None  # flushed
    codes = codes_of(session, [location.id])[location.id]
    return location_state(location.model_dump(), [c.model_dump() for c in codes])


def state_of_product(product: Product) -> dict[str, Any]:
    return product_state(product.model_dump())


def _check_contact(kind: str, contact: dict[str, Any] | None) -> None:
    """Only an exporter has a consumer contact (the public page names the carton's exporter)."""
    if contact and kind != "exporter":
        raise Invalid(
            "contact",
            f"a {kind.replace('_', ' ')} has no consumer contact: only an exporter does",
            kind="location.contact_not_exporter",
            location_kind=kind,
        )


def create_location(session: Session, data: dict[str, Any], actor: User | None = None) -> Location:
    data = dict(data)
    codes = data.pop("codes", [])
    _check_contact(data["kind"], data.get("contact"))
    with unit_of_work(session):
        head = lock_chain(session)
        if data.get("gln"):
            data["gln"] = _free_gln(session, data["gln"])
        location = Location(**data, created_at=now())
        session.add(location)
        session.flush()
        assert location.id is not None  # flushed
        session.add_all(_codes(location.id, codes))
        _first_version(session, head, location, state_of_location(session, location), actor)
    return location


def _free_gln(session: Session, gln: str, own: int | None = None) -> str:
    """`gln` normalised, when no location but `own` has it already."""
    gln = str(Gln.parse(gln))
    other = session.exec(select(Location).where(Location.gln == gln)).first()
    if other is not None and other.id != own:
        raise RuleViolation(
            f"GLN {gln} belongs to another location already", kind="location.gln_taken", gln=gln
        )
    return gln


def _first_version(
    session: Session,
    head: ChainHead,
    row: Location | Product,
    state: dict[str, Any],
    actor: User | None,
) -> None:
    """The first version of a new location or product, valid from its creation."""
    assert row.id is not None  # flushed
    entity = "location" if isinstance(row, Location) else "product"
    record_version(
        session,
        head,
        entity,
        row.id,
        before=None,
        after=state,
        actor=actor,
        valid_from=row.created_at,
    )


def consumer_contact(session: Session, exporter_ids: Iterable[int]) -> dict[str, Any] | None:
    """The consumer contact (its name defaulting to the exporter's) of the first of
    `exporter_ids` that keeps one, as it is now (a reader calls today's number)."""
    for ident in exporter_ids:
        exporter = session.get(Location, ident)
        if exporter is not None and exporter.contact:
            return {"name": exporter.name, **exporter.contact}
    return None


def get_location(session: Session, ident: int) -> Location:
    return existing(session, Location, kind="location.unknown", id=ident)


def update_location(
    session: Session, ident: int, data: dict[str, Any], actor: User | None = None
) -> Location:
    """Change name, phone, address, GLN; add codes; change a code's status (suspend, revoke,
    reactivate). The change is kept as a version with `actor` and the state before and after."""
    data = dict(data)
    with unit_of_work(session):
        head = _revised(session)
        location = get_location(session, ident)
        before = state_of_location(session, location)
        assert location.id is not None  # a stored place
        if "contact" in data:
            _check_contact(location.kind, data["contact"])
        for status in data.pop("code_status", []):
            code = session.get(LocationCode, status["id"])
            if code is None or code.location_id != location.id:
                raise Invalid(
                    "code_status",
                    f"location {ident} has no code with id {status['id']}",
                    kind="location.unknown_code",
                    id=ident,
                    code_id=status["id"],
                )
            code.status = status["status"]
        session.add_all(_codes(location.id, data.pop("codes", [])))
        if data.get("gln"):
            data["gln"] = _free_gln(session, data["gln"], location.id)
        for key, value in data.items():
            setattr(location, key, value)
        session.add(location)
        after = state_of_location(session, location)
        record_version(
            session, head, "location", location.id, before=before, after=after, actor=actor
        )
    return location


def list_locations(
    session: Session, kind: str | None, q: str | None, page: int, size: int
) -> tuple[Sequence[Location], int]:
    query = select(Location)
    if kind:
        query = query.where(Location.kind == kind)
    if q:
        query = query.where(func.lower(Location.name).contains(q.lower()))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Location.id)).offset((page - 1) * size).limit(size)
    ).all()
    return rows, total


def locations_of_kinds(session: Session, kinds: Iterable[str]) -> list[Location]:
    """The locations of these kinds by name (a staff page's picker)."""
    query = select(Location).where(col(Location.kind).in_(list(kinds))).order_by(Location.name)
    return list(session.exec(query))


def usual_market(session: Session) -> str | None:
    """The market most places hold an active code for (the shipment form's first choice)."""
    row = session.exec(
        select(LocationCode.market, func.count())
        .where(LocationCode.status == "active")
        .where(col(LocationCode.market).in_(markets.codes()))
        .group_by(LocationCode.market)
        .order_by(func.count().desc(), LocationCode.market)
    ).first()
    return row[0] if row else None


def create_product(session: Session, data: dict[str, Any], actor: User | None = None) -> Product:
    data = dict(data)
    with unit_of_work(session):
        head = lock_chain(session)
        commodity(data["commodity"])  # one of the vocabulary's, or 422
        if data.get("gtin"):
            data["gtin"] = str(Gtin.parse(data["gtin"]))
            if session.exec(select(Product).where(Product.gtin == data["gtin"])).first():
                raise RuleViolation(
                    f"GTIN {data['gtin']} belongs to another product already",
                    kind="product.gtin_taken",
                    gtin=data["gtin"],
                )
        product = Product(**data, created_at=now())
        session.add(product)
        session.flush()
        _first_version(session, head, product, state_of_product(product), actor)
    return product


def get_product(session: Session, ident: int) -> Product:
    return existing(session, Product, kind="product.unknown", id=ident)


def product_by_gtin(session: Session, gtin: str, field: str) -> Product:
    normal = str(Gtin.parse(gtin))
    product = session.exec(select(Product).where(Product.gtin == normal)).first()
    if product is None:
        raise Invalid(
            field, f"no product with GTIN {normal}", kind="product.unknown_gtin", gtin=normal
        )
    return product


def update_product(
    session: Session, ident: int, data: dict[str, Any], actor: User | None = None
) -> Product:
    data = dict(data)
    with unit_of_work(session):
        head = _revised(session)
        product = get_product(session, ident)
        before = state_of_product(product)
        if "commodity" in data:
            commodity(data["commodity"])
        if "gtin" in data and data["gtin"] != product.gtin:
            used = session.exec(select(Lot.id).where(Lot.product_id == product.id)).first()
            if used:
                raise RuleViolation(
                    f"product {ident} has packed lots: its GTIN is printed on their labels and "
                    "cannot change; create a new product instead",
                    kind="product.gtin_printed",
                    id=ident,
                )
            if data["gtin"]:
                data["gtin"] = str(Gtin.parse(data["gtin"]))
        for key, value in data.items():
            setattr(product, key, value)
        session.add(product)
        session.flush()
        assert product.id is not None  # a stored product
        record_version(
            session,
            head,
            "product",
            product.id,
            before=before,
            after=state_of_product(product),
            actor=actor,
        )
    return product


def list_products(
    session: Session, q: str | None, page: int, size: int
) -> tuple[Sequence[Product], int]:
    query = select(Product)
    if q:
        query = query.where(func.lower(Product.commodity).contains(q.lower()))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Product.id)).offset((page - 1) * size).limit(size)).all()
    return rows, total


# --- master data as of a moment ------------------------------------------------------------------


class History:
    """The versions of some places and products, fetched at once: `at` answers "what was this
    place (product) at that moment?" without another query."""

    def __init__(self) -> None:
        self._times: dict[tuple[str, int], list[datetime]] = {}
        self._states: dict[tuple[str, int], list[dict[str, Any]]] = {}

    def add(self, entity: str, ident: int, valid_from: datetime, state: dict[str, Any]) -> None:
        self._times.setdefault((entity, ident), []).append(valid_from)
        self._states.setdefault((entity, ident), []).append(state)

    def at(self, entity: str, ident: int | None, moment: datetime | None) -> dict[str, Any] | None:
        """The state valid at `moment` (the newest version from before it; the first version
        for a moment before the first; the newest for None); None without versions."""
        if ident is None:
            return None
        states = self._states.get((entity, ident))
        if not states:
            return None
        if moment is None:
            return states[-1]
        index = bisect_right(self._times[(entity, ident)], moment)
        return states[max(index - 1, 0)]

    def location(self, ident: int | None, moment: datetime | None) -> dict[str, Any] | None:
        return self.at("location", ident, moment)

    def product(self, ident: int | None, moment: datetime | None) -> dict[str, Any] | None:
        return self.at("product", ident, moment)


CHUNK = 900


def history(
    session: Session, locations: Iterable[int | None] = (), products: Iterable[int | None] = ()
) -> History:
    """Every version of `locations` and `products`, oldest first (one query per 900 ids), with
    the current row for one that has none (a place added behind the service)."""
    out = History()
    wanted = [("location", i) for i in sorted({i for i in locations if i is not None})]
    wanted += [("product", i) for i in sorted({i for i in products if i is not None})]
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        clauses = []
        for entity in ("location", "product"):
            ids = [i for e, i in chunk if e == entity]
            if ids:
                clauses.append(
                    and_(
                        col(MasterDataVersion.entity) == entity,
                        col(MasterDataVersion.entity_id).in_(ids),
                    )
                )
        rows = session.exec(
            select(
                MasterDataVersion.entity,
                MasterDataVersion.entity_id,
                MasterDataVersion.valid_from,
                MasterDataVersion.after,
            )
            .where(or_(*clauses))
            .order_by(
                col(MasterDataVersion.entity),
                col(MasterDataVersion.entity_id),
                col(MasterDataVersion.valid_from),
                col(MasterDataVersion.id),
            )
        )
        for entity, ident, valid_from, after in rows:
            # `after` is a JSON object column; sqlmodel's select types it as any Mapping
            out.add(entity, ident, valid_from, cast(dict[str, Any], after))
    missing = [i for e, i in wanted if e == "location" and out.location(i, None) is None]
    if missing:
        codes = codes_of(session, missing)
        for place in session.exec(select(Location).where(col(Location.id).in_(missing))):
            assert place.id is not None  # a stored place
            state = location_state(place.model_dump(), [c.model_dump() for c in codes[place.id]])
            out.add("location", place.id, place.created_at, state)
    missing = [i for e, i in wanted if e == "product" and out.product(i, None) is None]
    if missing:
        for product in session.exec(select(Product).where(col(Product.id).in_(missing))):
            assert product.id is not None  # a stored product
            out.add("product", product.id, product.created_at, state_of_product(product))
    return out


def versions(session: Session, entity: str, ident: int) -> list[MasterDataVersion]:
    """A place's or a product's changes, oldest first (who, when, before and after)."""
    return list(
        session.exec(
            select(MasterDataVersion)
            .where(MasterDataVersion.entity == entity, MasterDataVersion.entity_id == ident)
            .order_by(col(MasterDataVersion.id))
        )
    )
