"""Label jobs: serials for cartons (allocated per GTIN, never reused), and what was printed.

Printing is not a tracking event, but it is evidence: every job is recorded, so the public
lookup page can tell a printed serial from an invented one.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from trace.db.models import LabelJob, Lot, Pallet, Product, User
from trace.domain.errors import Invalid, NotFound, RuleViolation

from .common import get_lot, lock_chain, next_value, now, unit_of_work


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
    serials: list[int] | None,
    size: str,
    fmt: str,
) -> tuple[LabelJob, Lot, Product, list[int]]:
    """Allocate `count` new serials for cartons of packed lot `code`, or reprint `serials`.

    New serials come from the product's own sequence under the writers' lock, so two print
    jobs at once never share one; a lot never gets more serials than it has cartons.
    """
    with unit_of_work(session):
        lock_chain(session)
        lot = get_lot(session, code)
        if lot.kind != "packed" or lot.product_id is None:
            raise RuleViolation(
                f"lot {lot.code} is a harvest lot: carton labels are for packed lots"
            )
        product = session.get(Product, lot.product_id)
        if serials:
            ranges = printed_serials(session, lot)
            for serial in serials:
                if not any(first <= serial <= last for first, last in ranges):
                    raise Invalid(
                        "serials",
                        f"serial {serial} was never printed for lot {lot.code}; "
                        "only printed cartons can be reprinted",
                    )
            job = LabelJob(
                kind="carton",
                product_id=product.id,
                lot_id=lot.id,
                size=size,
                format=fmt,
                count=len(serials),
                serial_first=min(serials),
                serial_last=max(serials),
                reprint=True,
                user_id=actor.id,
                created_at=now(),
            )
            session.add(job)
            return job, lot, product, list(serials)
        left = lot.cartons - _allocated(session, lot)
        if count > left:
            raise RuleViolation(
                f"lot {lot.code} has {lot.cartons} cartons and {lot.cartons - left} carton labels "
                f"were printed already; {left} more can be printed, not {count} "
                "(reprint a damaged label by its serial)"
            )
        last = next_value(session, f"serial:{product.id}", count)
        first = last - count + 1
        job = LabelJob(
            kind="carton",
            product_id=product.id,
            lot_id=lot.id,
            size=size,
            format=fmt,
            count=count,
            serial_first=first,
            serial_last=last,
            user_id=actor.id,
            created_at=now(),
        )
        session.add(job)
    return job, lot, product, list(range(first, last + 1))


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
                raise NotFound(f"no pallet with SSCC {sscc}")
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


def serial_status(session: Session, gtin: str, lot_code: str, serial: str) -> dict:
    """Was this carton serial printed for this lot? For the public lookup page.

    Returns `{"status": "printed", "printed_at": …}`, `{"status": "other_lot", "lot": …}` (the
    serial is real but was printed for another lot: the label was copied or misapplied), or
    `{"status": "never_printed"}`.
    """
    if not serial.isdigit() or len(serial) > 9:
        return {"status": "never_printed"}
    number = int(serial)
    row = session.exec(
        select(LabelJob, Lot.code)
        .join(Product, Product.id == LabelJob.product_id)
        .join(Lot, Lot.id == LabelJob.lot_id)
        .where(
            Product.gtin == gtin,
            LabelJob.kind == "carton",
            LabelJob.reprint.is_(False),
            LabelJob.serial_first <= number,
            LabelJob.serial_last >= number,
        )
    ).first()
    if row is None:
        return {"status": "never_printed"}
    job, code = row
    if code != lot_code:
        return {"status": "other_lot", "lot": code}
    return {"status": "printed", "printed_at": job.created_at}
