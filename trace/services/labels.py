"""Label jobs: serials for cartons (random, never reused), and what was printed.

Printing is not a tracking event, but it is evidence: every job is recorded, so the public
lookup page can tell a printed serial from an invented one.

Each carton printed gets the next number of its product's sequence (the job records the range,
`serial_first`…`serial_last`) and, printed on its label, a random serial (`trace.gs1.serials`,
kept in `carton_serial`), so holding one carton tells nothing about another's serial. Jobs
printed before random serials printed the number itself; those serials keep working.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, text
from sqlmodel import Session, select

from trace.db.graph import upstream_lot_ids
from trace.db.models import (
    CartonSerial,
    Event,
    EventRef,
    LabelJob,
    Location,
    LocationCode,
    Lot,
    Pallet,
    PalletContent,
    Product,
    Shipment,
    User,
    node,
)
from trace.domain import markets
from trace.domain.errors import Invalid, NotFound, RuleViolation
from trace.gs1 import Sscc
from trace.gs1.serials import SAMPLE, is_random_serial, new_serial, numbered_serial
from trace.labels.content import (
    LotFacts,
    PalletFacts,
    PalletLine,
    Party,
    Treatment,
    carton_labels,
    pallet_label,
    sticker_label,
)

from . import masterdata
from .common import get_lot, lock_chain, next_value, now, unit_of_work
from .masterdata import required_scheme
from .shipments import gap_text, market_gaps, missing_codes


def _allocated(session: Session, lot: Lot) -> int:
    """How many serials were allocated to a lot's cartons so far (reprints excluded)."""
    return session.exec(
        select(func.coalesce(func.sum(LabelJob.count), 0)).where(
            LabelJob.lot_id == lot.id, LabelJob.kind == "carton", LabelJob.reprint.is_(False)
        )
    ).one()


def printed_serials(session: Session, lot: Lot) -> list[tuple[int, int]]:
    """The serial ranges printed for a lot, oldest first."""
    rows = session.exec(
        select(LabelJob.serial_first, LabelJob.serial_last)
        .where(LabelJob.lot_id == lot.id, LabelJob.kind == "carton", LabelJob.reprint.is_(False))
        .order_by(LabelJob.id)
    )
    return [(first, last) for first, last in rows]


def carton_job(
    session: Session,
    actor: User,
    code: str,
    *,
    count: int | None,
    serials: list[int | str] | None,
    size: str,
    fmt: str,
) -> tuple[LabelJob, Lot, Product, list[str]]:
    """Allocate `count` new serials for cartons of packed lot `code`, or reprint `serials`.

    New cartons take the next numbers of the product's sequence under the writers' lock, so two
    print jobs at once never share one, and each gets a random serial; a lot never gets more
    serials than it has cartons. A reprint names cartons by their printed serial or by their
    number (an int, or digits) and prints the serials they were printed with.
    """
    with unit_of_work(session):
        lock_chain(session)
        lot = get_lot(session, code)
        refuse_unpacked(lot)
        product = session.get(Product, lot.product_id)
        if serials:
            numbers, printed = reprinted(session, lot, serials)
            job = _carton_job(lot, actor, size, fmt, min(numbers), max(numbers), len(numbers))
            job.reprint = True
            session.add(job)
            return job, lot, product, printed
        left = lot.cartons - _allocated(session, lot)
        if count > left:
            raise RuleViolation(
                f"lot {lot.code} has {lot.cartons} cartons and {lot.cartons - left} carton labels "
                f"were printed already; {left} more can be printed, not {count} "
                "(reprint a damaged label by its serial)",
                kind="label.cartons_exceeded",
                lot=lot.code,
                cartons=lot.cartons,
                printed=lot.cartons - left,
                left=left,
                asked=count,
            )
        last = next_value(session, f"serial:{product.id}", count)
        first = last - count + 1
        job = _carton_job(lot, actor, size, fmt, first, last, count)
        job.random_serials = True
        session.add(job)
        session.flush()
        printed = _new_serials(session, product.id, count)
        session.add_all(
            CartonSerial(
                product_id=product.id, serial=serial, number=number, lot_id=lot.id,
                label_job_id=job.id,
            )
            for number, serial in zip(range(first, last + 1), printed, strict=True)
        )  # fmt: skip
        session.flush()
    return job, lot, product, printed


def _new_serials(session: Session, product_id: int, count: int) -> list[str]:
    """`count` random serials no carton of the product has (a clash of 65 random bits is
    astronomically rare; one is drawn again all the same)."""
    serials: list[str] = []
    while len(serials) < count:
        wanted = {new_serial() for _ in range(count - len(serials))} - set(serials)
        taken = set()
        for chunk in _chunks(sorted(wanted)):
            taken |= set(
                session.exec(
                    select(CartonSerial.serial).where(
                        CartonSerial.product_id == product_id, CartonSerial.serial.in_(chunk)
                    )
                )
            )
        serials.extend(sorted(wanted - taken))
    return serials


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def printed_as(session: Session, lot: Lot, numbers: list[int]) -> list[str]:
    """The serials printed on a lot's cartons of these numbers, in their order (an old job's
    carton: the number itself)."""
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(numbers))):
        found.update(
            session.exec(
                select(CartonSerial.number, CartonSerial.serial).where(
                    CartonSerial.product_id == lot.product_id, CartonSerial.number.in_(chunk)
                )
            ).all()
        )
    return [found.get(number, str(number)) for number in numbers]


def reprinted(session: Session, lot: Lot, serials: list[int | str]) -> tuple[list[int], list[str]]:
    """The numbers and printed serials of the lot's cartons a reprint names; Invalid for one
    never printed for the lot."""
    ranges = printed_serials(session, lot)
    numbers, printed = [], []
    for wanted in serials:
        text_ = str(wanted).strip()
        number = numbered_serial(text_) if not is_random_serial(text_) else None
        if number is not None and any(first <= number <= last for first, last in ranges):
            serial = session.exec(
                select(CartonSerial.serial).where(
                    CartonSerial.product_id == lot.product_id, CartonSerial.number == number
                )
            ).first()
            numbers.append(number)
            printed.append(serial or str(number))  # an old job printed the number itself
            continue
        row = session.exec(
            select(CartonSerial.number).where(
                CartonSerial.product_id == lot.product_id,
                CartonSerial.serial == text_,
                CartonSerial.lot_id == lot.id,
            )
        ).first()
        if row is None:
            raise Invalid(
                "serials",
                f"serial {wanted} was never printed for lot {lot.code}; "
                "only printed cartons can be reprinted",
                kind="label.serial_unprinted",
                serial=wanted,
                lot=lot.code,
            )
        numbers.append(row)
        printed.append(text_)
    return numbers, printed


def _carton_job(
    lot: Lot, actor: User, size: str, fmt: str, first: int, last: int, count: int
) -> LabelJob:
    return LabelJob(
        kind="carton",
        product_id=lot.product_id,
        lot_id=lot.id,
        size=size,
        format=fmt,
        count=count,
        serial_first=first,
        serial_last=last,
        user_id=actor.id,
        created_at=now(),
    )


def other_job(
    session: Session,
    actor: User,
    kind: str,
    *,
    lot_code: str | None,
    sscc: str | None,
    count: int,
    size: str,
    fmt: str,
) -> LabelJob:
    """Record a pallet or sticker label job (no serials)."""
    with unit_of_work(session):
        lot = get_lot(session, lot_code) if lot_code else None
        pallet = None
        if sscc:
            pallet = session.exec(select(Pallet).where(Pallet.sscc == sscc)).first()
            if pallet is None:
                raise NotFound(f"no pallet with SSCC {sscc}", kind="pallet.unknown", sscc=sscc)
        job = LabelJob(
            kind=kind,
            product_id=lot.product_id if lot else None,
            lot_id=lot.id if lot else None,
            pallet_id=pallet.id if pallet else None,
            size=size,
            format=fmt,
            count=count,
            user_id=actor.id,
            created_at=now(),
        )
        session.add(job)
    return job


# The carton job whose range starts at or below a number, nearest first: one index step on
# (product_id, serial_first) however many jobs the product has had; only jobs that printed the
# number itself (before random serials). Plain SQL: every scan of an old carton asks it.
_JOB_OF_NUMBER = (
    text(
        "SELECT label_job.serial_last, label_job.random_serials, label_job.created_at, lot.code "
        "FROM label_job "
        "JOIN product ON product.id = label_job.product_id "
        "JOIN lot ON lot.id = label_job.lot_id "
        "WHERE product.gtin = :gtin AND label_job.kind = 'carton' AND label_job.reprint = :no "
        "AND label_job.serial_first <= :number "
        "ORDER BY label_job.serial_first DESC LIMIT 1"
    )
    .bindparams(bindparam("no", False, type_=LabelJob.__table__.c.reprint.type))
    .columns(created_at=LabelJob.__table__.c.created_at.type)
)
# A random serial: one primary-key row.
_JOB_OF_SERIAL = text(
    "SELECT label_job.created_at, lot.code FROM carton_serial "
    "JOIN product ON product.id = carton_serial.product_id "
    "JOIN label_job ON label_job.id = carton_serial.label_job_id "
    "JOIN lot ON lot.id = carton_serial.lot_id "
    "WHERE product.gtin = :gtin AND carton_serial.serial = :serial"
).columns(created_at=LabelJob.__table__.c.created_at.type)


def serial_status(session: Session, gtin: str, lot_code: str, serial: str) -> dict:
    """Was this carton serial printed for this lot? For the public lookup page.

    Returns `{"status": "printed", "printed_at": …}`, `{"status": "other_lot", "lot": …}` (the
    serial is real but was printed for another lot: the label was copied or misapplied), or
    `{"status": "never_printed"}`, also for any spelling of a serial other than the printed
    one (``07`` for ``7``, lower case for a random serial).
    """
    connection = session.connection()
    if is_random_serial(serial):
        row = connection.execute(_JOB_OF_SERIAL, {"gtin": gtin, "serial": serial}).first()
    else:
        number = numbered_serial(serial)
        if number is None:
            return {"status": "never_printed"}
        row = connection.execute(_JOB_OF_NUMBER, {"gtin": gtin, "number": number}).first()
        if row is None or row.serial_last < number or row.random_serials:
            return {"status": "never_printed"}
    if row is None:
        return {"status": "never_printed"}
    if row.code != lot_code:
        return {"status": "other_lot", "lot": row.code}
    return {"status": "printed", "printed_at": row.created_at}


# --- what goes on the labels ---------------------------------------------------------------


def _code(session: Session, location_id: int | None, scheme: str, market: str) -> str | None:
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
        .order_by(LocationCode.id)
    ).first()


def _of_shipments(session: Session, lot: Lot, column):
    """`column` of each shipment the lot's pallets went into, in the order they were loaded."""
    return session.exec(
        select(column)
        .join(Pallet, Pallet.shipment_id == Shipment.id)
        .join(PalletContent, PalletContent.pallet_id == Pallet.id)
        .where(PalletContent.lot_id == lot.id)
        .order_by(Shipment.id)
    )


def market_of(session: Session, lot: Lot) -> str | None:
    """The lot's market: its shipment's, else the only market its whole chain (orchards,
    packing house, treatment) holds active codes for; None when that is not one market."""
    shipped = _of_shipments(session, lot, Shipment.market).first()
    if shipped:
        return shipped
    held = set(
        session.exec(select(LocationCode.market).where(LocationCode.status == "active").distinct())
    )
    known = sorted(held & set(markets.codes()))
    open_to = [m for m in known if not market_gaps(session, [lot], m)]
    return open_to[0] if len(open_to) == 1 else None


def refuse_unpacked(lot: Lot) -> None:
    """Carton labels are for packed lots (409 for a harvest lot)."""
    if lot.kind != "packed" or lot.product_id is None:
        raise RuleViolation(
            f"lot {lot.code} is a harvest lot: carton labels are for packed lots",
            kind="label.harvest_lot",
            lot=lot.code,
        )


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
    lineage = upstream_lot_ids(session, [lot.id])
    orchards = sorted(
        {o for o in session.exec(select(Lot.orchard_id).where(Lot.id.in_(lineage))) if o}
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
    refs = select(EventRef.event_id).where(EventRef.node.in_([node("lot", i) for i in lineage]))
    steps = session.exec(
        select(Event)
        .where(Event.id.in_(refs), Event.type.in_(["pack", "treat"]))
        .order_by(Event.event_time)
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
    shipment = _of_shipments(session, lot, Shipment).first()
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
    shipped = _of_shipments(session, lot, Shipment.exporter_id).all()
    if shipped:
        return list(shipped)
    keeping = [
        place.id
        for place in session.exec(select(Location).where(Location.kind == "exporter"))
        if place.contact
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
        .join(PalletContent, PalletContent.lot_id == Lot.id)
        .outerjoin(Product, Product.id == Lot.product_id)
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


def prepare(
    session: Session,
    actor: User,
    request: dict,
    *,
    base_url: str,
    company_prefix: str,
    preview: bool = False,
) -> tuple[Iterable, str]:
    """Record the job (allocating serials for new cartons) and return the labels to render,
    lazily, with a file name. Everything that needs the database happens here, so the
    caller can stream the rendering without holding a transaction.

    A preview records nothing: a carton preview shows the next serial that would be printed.
    """
    kind, size, fmt = request["kind"], request["size"], request["format"]
    if kind == "pallet":
        pallet = session.exec(select(Pallet).where(Pallet.sscc == request["sscc"])).first()
        if pallet is None:
            raise NotFound(
                f"no pallet with SSCC {request['sscc']}",
                kind="pallet.unknown",
                sscc=request["sscc"],
            )
        facts = pallet_facts(session, pallet, request.get("market"), company_prefix)
        if preview:
            return [pallet_label(facts)], f"pallet-{pallet.sscc}"
        other_job(
            session,
            actor,
            "pallet",
            lot_code=None,
            sscc=pallet.sscc,
            count=request["count"],
            size=size,
            fmt=fmt,
        )
        return [pallet_label(facts)] * request["count"], f"pallet-{pallet.sscc}"
    lot = get_lot(session, request["lot"])
    if kind == "sticker":
        if preview:
            return [sticker_label(base_url, lot.code)], f"sticker-{lot.code}"
        other_job(
            session,
            actor,
            "sticker",
            lot_code=lot.code,
            sscc=None,
            count=request["count"],
            size=size,
            fmt=fmt,
        )
        label = sticker_label(base_url, lot.code)
        return [label] * request["count"], f"stickers-{lot.code}"
    market = carton_market(session, lot, request.get("market"))
    refuse_unpacked(lot)
    refuse_missing_codes(session, lot, market)
    facts = lot_facts(session, lot, market, base_url)
    if preview:  # a reprint's first carton, or a sample as long as a serial: nothing recorded
        wanted = (request.get("serials") or [SAMPLE])[0]
        serial = printed_as(session, lot, [wanted])[0] if isinstance(wanted, int) else wanted
        return carton_labels(facts, [serial]), f"carton-{lot.code}-{serial}"
    job, _, _, serials = carton_job(
        session,
        actor,
        lot.code,
        count=request.get("count"),
        serials=request.get("serials"),
        size=size,
        fmt=fmt,
    )
    name = f"cartons-{lot.code}-{job.serial_first}-{job.serial_last}"  # the cartons' numbers
    return carton_labels(facts, serials), name


def check_count(session: Session, request: dict, pallet_max: int, sticker_max: int) -> None:
    """Labels bounded by reality, before anything is recorded or drawn: a pallet carries a few
    labels (`pallet_max` per request), a lot's stickers are at most its cartons (a lot without
    cartons: `sticker_max`). Carton labels are bounded by the cartons left (carton_job)."""
    count, kind = request.get("count") or 1, request["kind"]
    if kind == "pallet" and count > pallet_max:
        raise Invalid(
            "count",
            f"at most {pallet_max} labels of one pallet per request",
            kind="label.pallet_count",
            n=pallet_max,
        )
    if kind == "sticker":
        lot = get_lot(session, request["lot"])
        limit = lot.cartons or sticker_max
        if count > limit:
            raise Invalid(
                "count",
                f"at most {limit} stickers for lot {lot.code}",
                kind="label.sticker_count",
                n=limit,
                lot=lot.code,
            )
