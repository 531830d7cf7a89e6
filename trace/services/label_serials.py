"""Carton serials: allocated per job (random, never reused), reprinted, and checked on a scan.

Each carton printed gets the next number of its product's sequence (the job records the range,
`serial_first`…`serial_last`) and, printed on its label, a random serial (`trace.gs1.serials`,
kept in `carton_serial`), so holding one carton tells nothing about another's serial. Jobs
printed before random serials printed the number itself; those serials keep working.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, bindparam, func, inspect, text
from sqlmodel import Session, col, select

from trace.db.models import CartonSerial, LabelJob, Lot, Product, User
from trace.domain.errors import Invalid, RuleViolation
from trace.gs1.serials import is_random_serial, new_serial, numbered_serial

from .common import get_lot, lock_chain, next_value, now, unit_of_work

_Item = TypeVar("_Item")


def _allocated(session: Session, lot: Lot) -> int:
    """How many serials were allocated to a lot's cartons so far (reprints excluded)."""
    return session.exec(
        select(func.coalesce(func.sum(LabelJob.count), 0)).where(
            LabelJob.lot_id == lot.id, LabelJob.kind == "carton", col(LabelJob.reprint).is_(False)
        )
    ).one()


def printed_serials(session: Session, lot: Lot) -> list[tuple[int, int]]:
    """The serial ranges printed for a lot, oldest first."""
    rows = session.exec(
        select(LabelJob.serial_first, LabelJob.serial_last)
        .where(
            LabelJob.lot_id == lot.id, LabelJob.kind == "carton", col(LabelJob.reprint).is_(False)
        )
        .order_by(col(LabelJob.id))
    )
    # every carton job records its range (the filter only narrows the type)
    return [(first, last) for first, last in rows if first is not None and last is not None]


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
        # refuse_unpacked: a packed lot has its product and its cartons
        assert lot.id is not None and lot.product_id is not None and product is not None
        assert lot.cartons is not None
        if serials:
            numbers, printed = reprinted(session, lot, serials)
            job = _carton_job(lot, actor, size, fmt, min(numbers), max(numbers), len(numbers))
            job.reprint = True
            session.add(job)
            return job, lot, product, printed
        assert count is not None  # the request schemas ask for it when no serials are named
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
        last = next_value(session, f"serial:{lot.product_id}", count)
        first = last - count + 1
        job = _carton_job(lot, actor, size, fmt, first, last, count)
        job.random_serials = True
        session.add(job)
        session.flush()
        assert job.id is not None  # flushed
        printed = _new_serials(session, lot.product_id, count)
        session.add_all(
            CartonSerial(
                product_id=lot.product_id, serial=serial, number=number, lot_id=lot.id,
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
                        CartonSerial.product_id == product_id, col(CartonSerial.serial).in_(chunk)
                    )
                )
            )
        serials.extend(sorted(wanted - taken))
    return serials


def _chunks(items: list[_Item], size: int = 500) -> Iterator[list[_Item]]:
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
                    CartonSerial.product_id == lot.product_id, col(CartonSerial.number).in_(chunk)
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


_LABEL_JOB = inspect(LabelJob)  # its mapper: the columns' SQL types for the plain queries below

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
    .bindparams(bindparam("no", False, type_=_LABEL_JOB.c.reprint.type))
    .columns(created_at=_LABEL_JOB.c.created_at.type)
)
# A random serial: one primary-key row.
_JOB_OF_SERIAL = text(
    "SELECT label_job.created_at, lot.code FROM carton_serial "
    "JOIN product ON product.id = carton_serial.product_id "
    "JOIN label_job ON label_job.id = carton_serial.label_job_id "
    "JOIN lot ON lot.id = carton_serial.lot_id "
    "WHERE product.gtin = :gtin AND carton_serial.serial = :serial"
).columns(created_at=_LABEL_JOB.c.created_at.type)


# Every carton job of one lot (reprints aside) and, for jobs that printed random serials, each
# carton's serial: what `LotCartons` keeps. One statement: the lot's jobs by their lot index,
# their serials by the job index.
_CARTONS_OF_LOT = (
    text(
        "SELECT label_job.serial_first, label_job.serial_last, label_job.random_serials, "
        "label_job.created_at, carton_serial.serial "
        "FROM label_job "
        "JOIN product ON product.id = label_job.product_id "
        "JOIN lot ON lot.id = label_job.lot_id "
        "LEFT JOIN carton_serial ON carton_serial.label_job_id = label_job.id "
        "AND carton_serial.product_id = product.id AND carton_serial.lot_id = lot.id "
        "WHERE product.gtin = :gtin AND lot.code = :lot AND label_job.kind = 'carton' "
        "AND label_job.reprint = :no"
    )
    .bindparams(bindparam("no", False, type_=_LABEL_JOB.c.reprint.type))
    .columns(
        random_serials=_LABEL_JOB.c.random_serials.type, created_at=_LABEL_JOB.c.created_at.type
    )
)


@dataclass(frozen=True)
class LotCartons:
    """The cartons printed for one lot, as `serial_status` would find them: a page that keeps the
    lot checks a scan of any of its cartons without asking the database."""

    numbered: tuple[tuple[int, int, datetime], ...]  # jobs that printed numbers: first, last, when
    random: Mapping[str, datetime]  # each random serial printed, and when its job printed it

    def status(self, serial: str) -> dict[str, Any] | None:
        """`serial_status` of a serial printed for this lot; None for any other serial (it was
        printed for another lot, or never: ask `serial_status`)."""
        printed_at: datetime | None = None
        if is_random_serial(serial):
            printed_at = self.random.get(serial)
        else:
            number = numbered_serial(serial)
            if number is not None:  # serials are numbered per product: the ranges never overlap
                printed_at = next(
                    (when for first, last, when in self.numbered if first <= number <= last), None
                )
        return None if printed_at is None else {"status": "printed", "printed_at": printed_at}


def lot_cartons(connection: Connection, gtin: str, lot_code: str) -> LotCartons:
    """The cartons printed for lot `lot_code` of the product `gtin` (`LotCartons`)."""
    numbered, random = [], {}
    for first, last, random_serials, created_at, serial in connection.execute(
        _CARTONS_OF_LOT, {"gtin": gtin, "lot": lot_code}
    ):
        if random_serials:
            if serial is not None:
                random[serial] = created_at
        elif first is not None and last is not None:
            numbered.append((first, last, created_at))
    return LotCartons(tuple(numbered), random)


def serial_status(session: Session, gtin: str, lot_code: str, serial: str) -> dict[str, Any]:
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


def refuse_unpacked(lot: Lot) -> None:
    """Carton labels are for packed lots (409 for a harvest lot)."""
    if lot.kind != "packed" or lot.product_id is None:
        raise RuleViolation(
            f"lot {lot.code} is a harvest lot: carton labels are for packed lots",
            kind="label.harvest_lot",
            lot=lot.code,
        )
